/**
 * AWS refuses `.waitForTaskToken` and `.sync` in EXPRESS executions: an EXPRESS workflow, or the child executions of
 * a Distributed Map with `itemExecutionType: "EXPRESS"`, cannot hold a waitForCallback step, a job a step waits for,
 * or a child workflow started with `mode: "sync"`. Checked here so that
 * `pulumi up` does not fail at CreateStateMachine.
 */
import type { Step } from "../steps/types";
import type { DefinitionProblem } from "./validate";
import { childScopes, isDistributedMap } from "./walk";

/**
 * The waitForCallback steps that would run inside an EXPRESS execution, each as a problem naming the fix.
 *
 * @example
 * expressCallbackProblems([waitForCallback("Approve", { handler, timeoutSeconds: 3600, end: true })], "EXPRESS");
 * // => [{ step: "Approve", message: "is a waitForCallback step in an EXPRESS workflow: ..." }]
 */
export function expressCallbackProblems(steps: readonly Step[], workflowType: unknown): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const visit = (list: unknown, inside: string | undefined, seen: WeakSet<object>) => {
    if (!Array.isArray(list)) return;
    for (const step of list as Step[]) {
      if (typeof step !== "object" || step === null || seen.has(step)) continue;
      seen.add(step);
      if (inside && (step.kind === "task" || step.kind === "callAwsService") && step.callback)
        problems.push({
          step: step.name,
          message: `is a waitForCallback step in ${inside}: AWS refuses .waitForTaskToken in EXPRESS executions. ${inside.endsWith("workflow") ? "Use a STANDARD workflow" : 'Set `itemExecutionType: "STANDARD"` on the Map'}, or move the wait out.`,
        });
      // Nor does it run a job and wait (`.sync`, `.sync:2`) there.
      if (
        inside &&
        ((step.kind === "callAwsService" && step.integrationPattern === "runJob") ||
          (step.kind === "startWorkflow" && step.mode === "sync"))
      )
        problems.push({
          step: step.name,
          message: `waits for ${step.kind === "startWorkflow" ? 'a child workflow (mode: "sync")' : 'a job (integrationPattern: "runJob")'} in ${inside}: AWS refuses .sync integrations in EXPRESS executions. ${inside.endsWith("workflow") ? "Use a STANDARD workflow" : 'Set `itemExecutionType: "STANDARD"` on the Map'}, or start it without waiting.`,
        });
      const expressItems = isDistributedMap(step) && step.itemExecutionType === "EXPRESS";
      const scopes: unknown = childScopes(step);
      for (const scope of Array.isArray(scopes) ? scopes : [])
        visit(scope, inside ?? (expressItems ? `the EXPRESS item executions of Distributed Map "${step.name}"` : undefined), seen);
    }
  };
  visit(steps, workflowType === "EXPRESS" ? "the EXPRESS workflow" : undefined, new WeakSet());
  return problems;
}
