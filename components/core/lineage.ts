/**
 * Renames without replacements (pure): a workflow's children are named after the workflow (`<workflow>-...`) and a
 * task's after the task too (`<workflow>-<Step>`, its alarms `<workflow>-<Step>-<kind>`), so renaming either changes
 * their Pulumi URNs, and Pulumi would delete the old resources and create new ones. `renamedFrom` on the workflow and
 * on a task gives each child its former name, which the component turns into a Pulumi alias.
 */
import type { TaskStep } from "../steps/types";
import { FUNCTION_ALARM_KINDS, functionAlarmKey } from "./alarms";

/** Where a workflow's names came from: its former name and each renamed task's. */
export interface Lineage {
  /** The workflow's name now. */
  name: string;
  /** The workflow's former name, if it was renamed. */
  renamedFrom?: string;
  /** Former names of renamed tasks, by their name now. */
  steps: ReadonlyMap<string, string>;
}

/**
 * The lineage of a workflow whose list is valid.
 *
 * @example
 * lineageOf("claims", "claims-v1", [task("Evaluate", { renamedFrom: "Assess", ... })]).steps; // Map { "Evaluate" => "Assess" }
 */
export function lineageOf(name: string, renamedFrom: string | undefined, tasks: readonly TaskStep[]): Lineage {
  return {
    name,
    renamedFrom,
    steps: new Map(tasks.filter((t) => t.renamedFrom !== undefined).map((t) => [t.name, t.renamedFrom as string])),
  };
}

/**
 * The name a child had before the renames, or undefined when it is unchanged (or not named after the workflow).
 * A task's Lambda, role, role policy and log group are named `<workflow>-<Step>`, its alarms `<workflow>-<Step>-<kind>`;
 * any other child `<workflow><suffix>`.
 *
 * @example
 * formerChildName({ name: "claims", renamedFrom: "claims-v1", steps: new Map([["Evaluate", "Assess"]]) }, "claims-Evaluate-errors");
 * // "claims-v1-Assess-errors"
 */
export function formerChildName(lineage: Lineage, childName: string, isAlarm: boolean): string | undefined {
  const formerWorkflow = lineage.renamedFrom ?? lineage.name;
  for (const [step, formerStep] of lineage.steps) {
    const owned = isAlarm ? FUNCTION_ALARM_KINDS.map((kind) => functionAlarmKey(step, kind)) : [step];
    const suffix = owned.find((key) => childName === `${lineage.name}-${key}`);
    if (suffix !== undefined) return `${formerWorkflow}-${formerStep}${suffix.slice(step.length)}`;
  }
  if (lineage.renamedFrom === undefined || !childName.startsWith(lineage.name)) return undefined;
  return `${lineage.renamedFrom}${childName.slice(lineage.name.length)}`;
}

/**
 * The key a child's physical name is built from: a renamed task's alarms keep the former task's key, as its function,
 * role and log group keep the former task's name, so AWS keeps them (the URN is kept by {@link formerChildName}).
 *
 * @example
 * physicalAlarmKey(new Map([["Evaluate", "Assess"]]), "Evaluate-errors"); // "Assess-errors"
 */
export function physicalAlarmKey(renamedSteps: ReadonlyMap<string, string>, key: string): string {
  for (const [step, formerStep] of renamedSteps)
    for (const kind of FUNCTION_ALARM_KINDS) if (key === functionAlarmKey(step, kind)) return functionAlarmKey(formerStep, kind);
  return key;
}
