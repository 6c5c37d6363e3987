/**
 * validateSteps: every rule a step list must keep before anything is compiled or deployed. It collects every
 * problem of the list and throws once, so a user fixes them all in one pass. The rules live in validation/, one
 * concern per file; this file walks the scopes and re-exports what the rest of the library uses.
 */
import type { Step } from "../steps/types";
import { type DefinitionProblem, type Report, WorkflowDefinitionError } from "./validation/errors";
import { nestedLists, isStepLike, labelOf, reportEndless, reportUnreachable, transitions } from "./validation/flow";
import { MAX_NESTING_DEPTH } from "./validation/limits";
import { checkName } from "./validation/names";
import { checkStep } from "./validation/step";
import { closestName, describeValue } from "./validation/values";
import { isTerminalOrBranching } from "./walk";

export { type DefinitionProblem, WorkflowDefinitionError } from "./validation/errors";
export { isServiceWideAction, isServiceWideResource } from "./validation/iamNames";
export {
  APPROVAL_ENDPOINT_NAME,
  CATCH_ALL_ERRORS,
  MAX_ASL_SECONDS,
  MAX_LAMBDA_TIMEOUT_SECONDS,
  MAX_NESTING_DEPTH,
  MAX_RETRY_DELAY_SECONDS,
  NEVER_RETRY_ERRORS,
  NEVER_TRANSIENT_ERRORS,
} from "./validation/limits";
export { closestName, describeValue, isDeferredValue } from "./validation/values";

/**
 * Checks a step list against every rule AWS enforces at deploy time and the ones this library adds (timeouts on
 * every task, retries only on transient errors, no unreachable or dangling steps). Plain-JavaScript callers get the
 * same errors for values of the wrong type, never a TypeError.
 *
 * @throws {@link WorkflowDefinitionError} listing each problem with the step's name and the fix.
 * @example
 * validateSteps([task("Charge", { handler, timeoutSeconds: 30, next: "Missing" })]);
 * // WorkflowDefinitionError: step "Charge": `next` points to "Missing", which is not a step of this list ...
 */
export function validateSteps(steps: readonly Step[]): void {
  const problems: DefinitionProblem[] = [];
  if (!Array.isArray(steps)) {
    problems.push({
      step: "(workflow)",
      message: `the step list is ${describeValue(steps)}, not a list: pass an array of steps, e.g. \`steps: [task(...), succeed(...)]\`.`,
    });
    throw new WorkflowDefinitionError(problems);
  }
  if (steps.length === 0) {
    problems.push({ step: "(workflow)", message: "the step list is empty: declare at least one step, e.g. task(...) or pass(...)." });
    throw new WorkflowDefinitionError(problems);
  }
  checkScope(steps, "(workflow)", "(workflow)", new Set(), new WeakSet(), problems, 0);
  if (problems.length > 0) throw new WorkflowDefinitionError(problems);
}

function checkScope(
  steps: readonly Step[],
  scopeName: string,
  scopePath: string,
  seen: Set<string>,
  visiting: WeakSet<object>,
  problems: DefinitionProblem[],
  depth: number,
): void {
  const report: Report = (step, message) => problems.push({ step, message });
  const labels = steps.map((s, i) => labelOf(s, scopePath, i));
  const namesInScope = new Set(
    steps
      .filter(isStepLike)
      .map((s) => s.name)
      .filter((n): n is string => typeof n === "string" && n.length > 0),
  );

  steps.forEach((step, index) => {
    const label = labels[index];
    if (!isStepLike(step)) {
      report(
        `${scopePath}[${index}]`,
        "is not a step: build steps with task(), parallel(), choice(), map(), wait(), pass(), succeed(), fail(), notify(), sendToDeadLetterQueue() or publishEvent().",
      );
      return;
    }
    if (visiting.has(step)) {
      report(label, "contains itself (a branch or item list holds the very step that owns it): build each nested list from new steps.");
      return;
    }
    checkName(step, label, seen, report);
    checkStep(step, label, report);
    const following = steps[index + 1];
    const flow = step as { next?: unknown; end?: unknown };
    if (flow.next !== undefined && flow.end) report(label, "sets both `next` and `end`: keep one.");
    for (const { field, target, implicit } of transitions(step, following)) {
      if (implicit) continue; // the following step of the same list: in scope by construction
      if (typeof target !== "string" || target.length === 0) {
        report(
          label,
          `\`${field}\` is ${describeValue(target)}: name a step of the same list, e.g. \`${field.replace(/^.*\./, "")}: "${[...namesInScope][0] ?? "NextStep"}"\`.`,
        );
      } else if (!namesInScope.has(target)) {
        const guess = closestName(target, namesInScope);
        report(
          label,
          `transitions to "${target}", which is not a step of ${scopeName === "(workflow)" ? "the workflow's top-level list" : `the list of ${scopeName}`}: name a step of the same list (a branch cannot jump out of its Parallel or Map).${guess ? ` Did you mean "${guess}"?` : ""}`,
        );
      }
    }
    if (!following && !isTerminalOrBranching(step) && !flow.end && flow.next === undefined) {
      report(
        label,
        'is the last step of its list and has neither `next` nor `end`: the flow would fall off the end. Add `end: true` or `next: "<step>"`.',
      );
    }
    const nested = nestedLists(step, label);
    if (nested.length > 0 && depth >= MAX_NESTING_DEPTH) {
      report(
        label,
        `nests Parallel branches or Map steps more than ${MAX_NESTING_DEPTH} levels deep: flatten the workflow, or start a child workflow.`,
      );
      return;
    }
    visiting.add(step);
    for (const { steps: scope, path } of nested) checkScope(scope, label, path, seen, visiting, problems, depth + 1);
    visiting.delete(step);
  });

  reportUnreachable(steps, report);
  reportEndless(steps, report);
}
