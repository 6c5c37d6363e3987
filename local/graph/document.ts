/** Markdown documents holding Mermaid state machine graphs (`edw-local graph`, and the runner's `--graph`). */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { toMermaid, type MermaidOptions } from "./graph";

/** One graph of a document: a heading, optional text, and the definition to draw (optionally with a path highlighted). */
export interface GraphSection {
  heading: string;
  text?: string;
  definition?: object | string;
  options?: MermaidOptions;
}

/** How to read the graphs: what each style means (the classes toMermaid assigns). */
export const GRAPH_LEGEND = [
  "How to read it: solid arrows are the normal flow (`Next`, choices, `Default`); dashed red arrows are `Catch` routes,",
  "labelled with the errors they catch. Blue boxes are Lambda tasks and service integrations (the integration is named",
  "under the state), green stadiums succeed, red circles fail, and states reached only through a Catch (the failure",
  "paths) have a dashed red border. Parallel and Map states are boxes around their branches.",
].join("\n");

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
