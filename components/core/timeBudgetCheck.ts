/**
 * The construction check of the time budget: a workflow whose worst-case path cannot finish within its own
 * `timeoutSeconds` is refused, because AWS would end that execution TIMED_OUT, which no Catch sees (a charged card
 * stays charged, nothing compensates). An explicit acknowledgement with a reason is the only way past. Pure; the
 * component calls it after the settings are checked.
 */
import type { Step } from "../steps/types";
import { describeValue, type DefinitionProblem, WorkflowDefinitionError } from "./validate";
import { formatDuration, timeBudget, type PathTimeBudget, type TimeBudget } from "./timeBudget";
import { allSteps } from "./walk";

/** The `timeBudget` argument of the component. */
export interface TimeBudgetOptions {
  /**
   * Accepts a worst case over `timeoutSeconds` (or one with no bound: a Map without `maxItems`, a wait read from the
   * input, a loop), with the reason, kept in the code for reviewers and written into the definition's `Comment` so
   * that the policy pack's `sfn-time-budget` accepts it too. A non-empty string.
   * @default none (an overrun is refused)
   * @example
   * timeBudget: { acknowledgeOverrun: "a person answers within a day; the execution timeout is the escalation" }
   */
  acknowledgeOverrun?: string;
}

/** What the check reads of the component's arguments. */
export interface TimeBudgetCheckInput {
  timeoutSeconds: number;
  timeBudget?: TimeBudgetOptions;
}

/** The problem a budget makes against an execution timeout, if any: `step` "(time budget)", the message names the fix. */
export function timeBudgetProblem(budget: TimeBudget, timeoutSeconds: number): DefinitionProblem | undefined {
  const worst = budget.worst;
  if (worst.bounded && worst.seconds <= timeoutSeconds) return undefined;
  const dominant = budget.states.find((s) => s.name === worst.dominant);
  const share = dominant ? ` (${dominant.bounded ? `${dominant.seconds} s` : "unbounded"}: ${dominant.detail})` : "";
  const acknowledge = 'if the overrun is intended, pass `timeBudget: { acknowledgeOverrun: "<why>" }`.';
  const message = worst.bounded
    ? `the worst-case path ${describePath(worst)} takes up to ${formatDuration(worst.seconds)}, over the workflow's timeoutSeconds ${timeoutSeconds}; ${worst.dominant} dominates${share}. AWS would end such an execution TIMED_OUT, which no Catch sees. Fix: raise \`timeoutSeconds\` to at least ${Math.ceil(worst.seconds)}, or shorten the timeouts or retries of the steps on that path; ${acknowledge}`
    : `the path ${describePath(worst)} has no worst case: ${worst.unbounded.join("; ")}; so the workflow's timeoutSeconds ${timeoutSeconds} may cut it short, and AWS would end that execution TIMED_OUT, which no Catch sees. Fix: bound it (\`maxItems\` on a map, \`maxSeconds\` on a timestamp wait, no loop), or ${acknowledge}`;
  return { step: "(time budget)", message };
}

/** "A > B > C" (and "... > back to A" for a loop). */
export function describePath(path: Pick<PathTimeBudget, "states" | "loopsBackTo">): string {
  return [...path.states, ...(path.loopsBackTo ? [`back to ${path.loopsBackTo}`] : [])].join(" > ");
}

/**
 * Refuses, with a {@link WorkflowDefinitionError}, a (validated) step list whose worst-case path does not fit in
 * `timeoutSeconds`, unless `timeBudget.acknowledgeOverrun` gives a reason; also refuses a malformed `maxItems`,
 * `maxSeconds` or acknowledgement.
 *
 * @example
 * checkTimeBudget(steps, { timeoutSeconds: 300 });
 * // WorkflowDefinitionError: step "(time budget)": the worst-case path ValidateOrder > ChargeCard > ... takes up to 2890 s ...
 */
export function checkTimeBudget(steps: readonly Step[], input: TimeBudgetCheckInput): void {
  const problems: DefinitionProblem[] = [];
  for (const step of allSteps(steps)) {
    const declared = step.kind === "map" ? ["maxItems", step.maxItems] : step.kind === "wait" ? ["maxSeconds", step.maxSeconds] : undefined;
    if (declared && declared[1] !== undefined && !(Number.isInteger(declared[1]) && (declared[1] as number) >= 1))
      problems.push({
        step: step.name,
        message: `\`${declared[0]}\` is ${describeValue(declared[1])}: use a whole number of at least 1, or leave it out.`,
      });
    if (step.kind === "wait" && step.maxSeconds !== undefined && step.timestampPath === undefined && step.secondsPath === undefined)
      problems.push({
        step: step.name,
        message: "`maxSeconds` bounds a `timestampPath` or `secondsPath` wait only: a `seconds` wait is bounded already; remove it.",
      });
  }
  const options = input.timeBudget;
  const reason = options?.acknowledgeOverrun;
  if (options !== undefined && (typeof options !== "object" || options === null))
    problems.push({
      step: "(setting timeBudget)",
      message: `is ${describeValue(options)}: give { acknowledgeOverrun: "<why>" }, or leave it out.`,
    });
  else if (reason !== undefined && (typeof reason !== "string" || reason.trim() === ""))
    problems.push({
      step: "(setting timeBudget.acknowledgeOverrun)",
      message: `is ${describeValue(reason)}: an acknowledgement needs its reason, e.g. "a person answers within a day; the execution timeout is the escalation".`,
    });
  if (problems.length > 0) throw new WorkflowDefinitionError(problems);
  if (typeof reason === "string" || !Number.isInteger(input.timeoutSeconds)) return;
  const problem = timeBudgetProblem(timeBudget(steps, { timeoutSeconds: input.timeoutSeconds }), input.timeoutSeconds);
  if (problem) throw new WorkflowDefinitionError([problem]);
}
