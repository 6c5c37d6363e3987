/**
 * The settings of safe upgrades: `renamedFrom` (on the workflow and on tasks) must name what the resources were
 * called before (not the name they have now, and not a name another step still holds, whose resources the alias would
 * claim); `retainStatefulResources` is a boolean.
 */
import type { Step } from "../../steps/types";
import { allSteps, taskSteps } from "../walk";
import { type DefinitionProblem, WorkflowDefinitionError } from "./errors";
import { describeValue } from "./values";

/**
 * Checks the workflow's and its tasks' `renamedFrom`, and `retainStatefulResources` (run after `validateSteps`).
 *
 * @throws {@link WorkflowDefinitionError} naming the workflow, the setting or the step, and the fix.
 * @example
 * validateUpgrades("claims", { renamedFrom: "claims" }, steps); // `renamedFrom` is the workflow's own name
 */
export function validateUpgrades(
  workflowName: string,
  { renamedFrom, retainStatefulResources }: { renamedFrom?: unknown; retainStatefulResources?: unknown },
  steps: readonly Step[],
): void {
  const problems: DefinitionProblem[] = [];
  if (retainStatefulResources !== undefined && typeof retainStatefulResources !== "boolean")
    problems.push({
      step: "(setting retainStatefulResources)",
      message: `is ${describeValue(retainStatefulResources)}: give true (the default: keep the DLQ, alert key and idempotency table on delete) or false.`,
    });
  const checkName = (culprit: string, former: unknown, now: string) => {
    if (typeof former !== "string" || former.length === 0)
      problems.push({
        step: culprit,
        message: `\`renamedFrom\` is ${describeValue(former)}: give the former name as a non-empty string, or leave it out.`,
      });
    else if (former === now)
      problems.push({
        step: culprit,
        message: `\`renamedFrom\` is "${former}", the name it has now: give the name it had before the rename, or remove \`renamedFrom\`.`,
      });
  };
  if (renamedFrom !== undefined) checkName("(workflow)", renamedFrom, workflowName);
  const names = new Set(allSteps(steps).map((s) => s.name));
  const claimed = new Map<string, string>();
  for (const task of taskSteps(steps)) {
    if (task.renamedFrom === undefined) continue;
    checkName(task.name, task.renamedFrom, task.name);
    if (typeof task.renamedFrom !== "string" || task.renamedFrom === task.name) continue;
    if (names.has(task.renamedFrom))
      problems.push({
        step: task.name,
        message: `\`renamedFrom\` is "${task.renamedFrom}", which is the name of another step of this workflow: its Lambda, role and log group would be claimed twice. Rename that step too (with its own \`renamedFrom\`), or fix the name.`,
      });
    const other = claimed.get(task.renamedFrom);
    if (other !== undefined)
      problems.push({
        step: task.name,
        message: `\`renamedFrom\` is "${task.renamedFrom}", as on step "${other}": only one step can take over a former step's resources.`,
      });
    claimed.set(task.renamedFrom, task.name);
  }
  if (problems.length > 0) throw new WorkflowDefinitionError(problems);
}
