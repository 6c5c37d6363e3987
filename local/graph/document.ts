/** Markdown documents holding Mermaid state machine graphs (`edw-local graph`, and the runner's `--graph`). */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { describePath, formatDuration, timeBudgetOfDefinition } from "event-driven-workflow/core";
import { toMermaid, type MermaidOptions } from "./graph";

/** One graph of a document: a heading, optional text, and the definition to draw (optionally with a path highlighted). */
export interface GraphSection {
  heading: string;
  text?: string;
  definition?: object | string;
  options?: MermaidOptions;
}

/**
 * The Start marker's label for a workflow on a schedule (`undefined` for an event trigger, whose pattern the text
 * beside the graph gives): the expression and its time zone.
 *
 * @example
 * scheduleLabel({ expression: "cron(0 6 ? * MON-FRI *)", timezone: "Europe/Paris" }) // "schedule: cron(0 6 ? * MON-FRI *) Europe/Paris"
 */
export function scheduleLabel(schedule: { expression: string; timezone?: string } | undefined): string | undefined {
  return schedule && `schedule: ${schedule.expression}${schedule.timezone ? ` ${schedule.timezone}` : ""}`;
}

/** How to read the graphs: what each style means (the classes toMermaid assigns). */
export const GRAPH_LEGEND = [
  "How to read it: solid arrows are the normal flow (`Next`, choices, `Default`); dashed red arrows are `Catch` routes,",
  "labelled with the errors they catch. Blue boxes are Lambda tasks and service integrations (the integration is named",
  "under the state), green stadiums succeed, red circles fail, and states reached only through a Catch (the failure",
  "paths) have a dashed red border. Parallel and Map states are boxes around their branches.",
].join("\n");

/** How to read the time budget drawn on a graph. */
export const BUDGET_LEGEND =
  "Under each state, its worst case (`≤ 47 s`: its timeout times its attempts plus its retry intervals; a Parallel its slowest branch, a Map its batches of items); the path that binds, the worst one, is drawn in thick orange.";

/**
 * The worst-case time budget of a definition as Markdown: one row per path (worst first), its total, the state that
 * dominates it, and whether it fits the execution timeout.
 */
export function timeBudgetMarkdown(definition: object | string): string {
  const budget = timeBudgetOfDefinition(definition);
  const timeout = budget.executionTimeoutSeconds;
  const fits = (bounded: boolean, seconds: number) =>
    timeout === undefined ? "no timeout" : bounded && seconds <= timeout ? "yes" : "**no**";
  const rows = budget.paths.map(
    (p) =>
      `| ${describePath(p)} | ${p.bounded ? formatDuration(p.seconds) : `unbounded: ${p.unbounded.join("; ")}`} | ${p.dominant} | ${fits(p.bounded, p.seconds)} |`,
  );
  return [
    `Worst-case time budget per path (execution timeout: ${timeout === undefined ? "none" : formatDuration(timeout)}; the first row binds):`,
    "",
    "| Path | Worst case | Dominated by | Fits |",
    "| --- | --- | --- | --- |",
    ...rows,
    ...(budget.truncated ? ["", `(only the first ${budget.paths.length} paths are listed)`] : []),
  ].join("\n");
}

/** How to read a highlighted path. */
export const HIGHLIGHT_LEGEND =
  "The path the execution took is drawn in thick green; states it did not enter are greyed out, and the state it failed in is solid red.";

/** The Markdown text: a title, an introduction, then each section with its ```mermaid block. */
export function graphMarkdown(title: string, intro: string, sections: readonly GraphSection[]): string {
  const parts = [`# ${title}`, "", intro.trim(), ""];
  for (const section of sections) {
    parts.push(`## ${section.heading}`, "");
    if (section.text) parts.push(section.text.trim(), "");
    if (section.definition !== undefined) parts.push("```mermaid", toMermaid(section.definition, section.options).trimEnd(), "```", "");
  }
  return parts.join("\n");
}

/** Writes {@link graphMarkdown} to `file`, creating its folder. */
export function writeGraphMarkdown(file: string, title: string, intro: string, sections: readonly GraphSection[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, graphMarkdown(title, intro, sections));
}
