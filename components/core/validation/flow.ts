/**
 * The flow of a step list, tolerant of malformed steps: each step's transitions, its nested lists, and the steps
 * that no path reaches or from which no path leads to an end.
 */
import type { Step } from "../../steps/types";
import type { Report } from "./errors";
import { isObject } from "./values";

export type Transition = { field: string; target: unknown; implicit?: boolean };

/** A value shaped enough like a step to be checked field by field. */
export function isStepLike(step: unknown): step is Step {
  return isObject(step) && typeof step.kind === "string";
}

/** How problems name a step: its name, or its position when it has no usable one (never ""). */
export function labelOf(step: unknown, scopePath: string, index: number): string {
  const name = isObject(step) ? step.name : undefined;
  return typeof name === "string" && name.length > 0 ? name : `${scopePath}[${index}]`;
}

/** The nested step lists of a step that are lists (the malformed ones are reported by checkStep), with their paths. */
export function nestedLists(step: Step, label: string): { steps: Step[]; path: string }[] {
  if (step.kind === "parallel" && Array.isArray(step.branches)) {
    return step.branches.flatMap((branch, i) => (Array.isArray(branch) ? [{ steps: branch, path: `${label}.branches[${i}]` }] : []));
  }
  if (step.kind === "map" && Array.isArray(step.steps)) return [{ steps: step.steps, path: `${label}.steps` }];
  return [];
}

/**
 * Where a step can go, with the field that says so: `next` (explicit, or implied by the following step), choice
 * targets and catch targets. Like walk.ts's transitionsOf, but tolerant of malformed steps.
 */
export function transitions(step: Step, following: unknown): Transition[] {
  const s = step as unknown as Record<string, unknown>;
  switch (step.kind) {
    case "succeed":
    case "fail":
      return [];
    case "choice": {
      const choices = Array.isArray(s.choices) ? s.choices : [];
      const out: Transition[] = choices.flatMap((c, i) => (isObject(c) ? [{ field: `choices[${i}].next`, target: c.next }] : []));
      if (s.otherwise !== undefined) out.push({ field: "otherwise", target: s.otherwise });
      return out;
    }
    default: {
      const out: Transition[] = [];
      if (!s.end) {
        if (s.next !== undefined) out.push({ field: "next", target: s.next });
        else if (isObject(following)) out.push({ field: "next", target: following.name, implicit: true });
      }
      if (Array.isArray(s.catch))
        s.catch.forEach((c, i) => {
          if (isObject(c)) out.push({ field: `catch[${i}].next`, target: c.next });
        });
      return out;
    }
  }
}

/**
 * Steps from which no path leads to an end (`end: true`, succeed, fail): a loop with no way out. AWS refuses a list
 * without a terminal state; a loop beside one would run until the execution times out, so it is refused too.
 */
export function reportEndless(steps: readonly Step[], report: Report): void {
  if (!steps.every((s) => isStepLike(s) && typeof s.name === "string" && s.name.length > 0)) return;
  const edges = new Map(steps.map((s, i) => [s.name, transitions(s, steps[i + 1]).map((t) => t.target)]));
  const ending = new Set(steps.filter((s) => s.kind === "succeed" || s.kind === "fail" || (s as { end?: unknown }).end).map((s) => s.name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, targets] of edges) {
      if (!ending.has(name) && targets.some((t) => typeof t === "string" && ending.has(t))) {
        ending.add(name);
        grew = true;
      }
    }
  }
  const endless = steps.filter((s) => !ending.has(s.name)).map((s) => s.name);
  if (endless.length > 0)
    report(
      endless[0],
      `${
        endless.length === 1
          ? "never reaches"
          : `and ${endless
              .slice(1)
              .map((n) => `"${n}"`)
              .join(", ")} never reach`
      } an end: every path loops back without \`end: true\`, a succeed or a fail step. Give the loop a way out, e.g. a choice whose \`otherwise\` goes to a succeed step.`,
    );
}

export function reportUnreachable(steps: readonly Step[], report: Report): void {
  // A malformed step is reported already; reachability through it would only add noise.
  if (steps.length === 0 || !steps.every((s) => isStepLike(s) && typeof s.name === "string" && s.name.length > 0)) return;
  const byName = new Map(steps.map((s, i) => [s.name, { step: s, following: steps[i + 1] }]));
  const reached = new Set<string>();
  const queue: unknown[] = [steps[0].name];
  while (queue.length > 0) {
    const name = queue.shift();
    const entry = typeof name === "string" && !reached.has(name) ? byName.get(name) : undefined;
    if (entry === undefined) continue;
    reached.add(entry.step.name);
    const { step, following } = entry;
    queue.push(...transitions(step, following).map((t) => t.target));
  }
  for (const step of steps) {
    if (!reached.has(step.name))
      report(step.name, `is unreachable from "${steps[0].name}": point a \`next\`, choice or catch at it, or remove it.`);
  }
}
