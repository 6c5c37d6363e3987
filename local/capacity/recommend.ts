/**
 * What to change, from a capacity evaluation (pure): each recommendation names the component option or the quota
 * increase (with its Service Quotas code) that moves the limit, and why, in this load's numbers.
 */
import type { Load, QuotaUse } from "./load";
import type { EventUsage } from "./usage";

/** What the recommendations need to know of each workflow, as deployed. */
export interface WorkflowFacts {
  name: string;
  /** The definition's whole-execution TimeoutSeconds. */
  timeoutSeconds?: number;
  /** Its callback steps (waitForCallback), which EXPRESS cannot run. */
  callbackSteps: string[];
}

/** EXPRESS executions may run at most this long. */
export const EXPRESS_MAX_SECONDS = 300;

/** The inputs of {@link recommend}. */
export interface RecommendationInput {
  type: "STANDARD" | "EXPRESS";
  load: Load;
  usage: EventUsage;
  uses: readonly QuotaUse[];
  workflows: readonly WorkflowFacts[];
  costPerMonth: { STANDARD: number; EXPRESS: number };
  timeouts: Readonly<Record<string, number>>;
}

/**
 * Recommendations, most useful first.
 *
 * @example
 * recommend({ type: "STANDARD", load: { rate: 1000 }, usage, uses, workflows, costPerMonth, timeouts });
 * // ['workflowType: "EXPRESS": every path fits in 5 minutes and waits for no callback ...', ...]
 */
export function recommend(input: RecommendationInput): string[] {
  const { type, load, usage, uses, workflows, costPerMonth, timeouts } = input;
  const out: string[] = [];
  const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
  const whyNotExpress = workflows.flatMap((w) => [
    ...(w.callbackSteps.length > 0 ? [`${w.name} waits for a callback (${w.callbackSteps.join(", ")}), which EXPRESS cannot`] : []),
    ...(w.timeoutSeconds === undefined || w.timeoutSeconds > EXPRESS_MAX_SECONDS
      ? [`${w.name}'s execution timeout (${w.timeoutSeconds ?? "none"} s) exceeds EXPRESS's ${EXPRESS_MAX_SECONDS} s`]
      : []),
  ]);
  const transitions = uses.find((q) => q.id === "stepFunctions.standard.stateTransition");
  if (type === "STANDARD" && whyNotExpress.length === 0) {
    out.push(
      `workflowType: "EXPRESS": every path fits in ${EXPRESS_MAX_SECONDS / 60} minutes and waits for no callback. EXPRESS has no state-transition bucket ` +
        `and starts 6,000 executions/s by default${transitions ? ` (STANDARD transitions here: ${pct(transitions.utilization)} of the refill rate)` : ""}; ` +
        `at this rate it costs ${usd(costPerMonth.EXPRESS)} a month against ${usd(costPerMonth.STANDARD)} on STANDARD. ` +
        "EXPRESS executions started by EventBridge run at least once and keep no execution history in Step Functions: keep the steps idempotent and the logs on.",
    );
  } else if (type === "EXPRESS" && whyNotExpress.length > 0) {
    out.push(`This program cannot run as EXPRESS: ${whyNotExpress.join("; ")}. Keep workflowType "STANDARD".`);
  } else if (type === "STANDARD" && transitions && transitions.utilization >= 0.5) {
    out.push(`EXPRESS would lift the state-transition bucket, but ${whyNotExpress.join("; ")}.`);
  }

  for (const use of uses) {
    if (!(use.binds || use.utilization >= 0.8)) continue;
    const code = use.quotaCode ? ` (Service Quotas code ${use.quotaCode})` : "";
    const of = use.detail ? ` (${use.detail})` : "";
    const burstOnly = use.burst !== undefined && use.burst.throttled > 0 && use.used <= use.limit;
    if (use.kind === "scaling") {
      out.push(
        `${use.name} ${use.binds ? "binds" : `is at ${pct(use.utilization)}`}${of}: Lambda adds at most ${round(use.limit)} environments per function every 10 s and this is not adjustable; ` +
          `give the step provisionedConcurrency, or smooth the burst (an SQS queue before the rule's target).`,
      );
    } else if (burstOnly && use.burst) {
      out.push(
        `${use.name} binds under the burst: ${round(use.burst.peakPerSecond)}/s for ${round(load.burst?.seconds ?? 0)} s empties its bucket of ${round(use.bucket ?? use.limit)} ` +
          `(refill ${round(use.limit)}/s) after ${round(use.burst.drainedAtSecond ?? 0)} s${of}: request a refill rate of at least ` +
          `${round(Math.ceil(use.burst.peakPerSecond * 1.25))}, or a larger bucket${code}; ${use.raise}.`,
      );
    } else {
      out.push(
        `${use.name} ${use.binds ? "binds" : `is at ${pct(use.utilization)}`} at ${round(use.used)} of ${round(use.limit)}${of}: request an increase to at least ` +
          `${round(Math.ceil(Math.max(use.used, use.burst?.peakPerSecond ?? 0) * 1.25))}${code}; ${use.raise}.`,
      );
    }
    if (use.burst?.throttled && (use.id.endsWith("startExecution") || use.id === "eventBridge.invocations"))
      out.push(
        `The burst of ${round(load.burst?.events ?? 0)} events over ${round(load.burst?.seconds ?? 0)} s leaves ${round(use.burst.throttled)} starts throttled at ${use.name}: ` +
          "the rule's target retries them (its retry policy, then its dead-letter queue), so orders are delayed, not lost.",
      );
  }

  const lambda = uses.find((q) => q.id === "lambda.concurrentExecutions");
  if (lambda?.usedAtTimeouts !== undefined && lambda.usedAtTimeouts > lambda.limit) {
    const peakRate = load.rate + (load.burst ? load.burst.events / load.burst.seconds : 0);
    const worst = Object.entries(usage.invocations)
      .map(([state, { count, seconds }]) => ({ state, atTimeout: peakRate * count * (timeouts[state] ?? 0), expected: peakRate * seconds }))
      .sort((a, b) => b.atTimeout - a.atTimeout)
      .slice(0, 2);
    out.push(
      `If a dependency hangs, each invocation lasts its Lambda timeout: ${round(lambda.usedAtTimeouts)} concurrent executions at this rate, over the ` +
        `account's ${round(lambda.limit)}, so one slow service would starve every function of the account. Give ${worst
          .map((w) => `${w.state} reservedConcurrency: ${Math.max(5, Math.ceil(w.expected * 2))}`)
          .join(" and ")} (twice the expected need), or shorten their timeoutSeconds.`,
    );
  }

  const retries = Object.entries(usage.retryTransitions).sort((a, b) => b[1] - a[1]);
  const retryTotal = retries.reduce((sum, [, n]) => sum + n, 0);
  if (transitions && retryTotal > 0 && (transitions.binds || transitions.utilization >= 0.5))
    out.push(
      `Retries add ${round(retryTotal)} of ${round(usage.stateTransitions)} state transitions per event (${pct(retryTotal / usage.stateTransitions)}), ` +
        `most at ${retries[0][0]}: lower its retry maxAttempts, or retry inside the handler, to spend fewer transitions per order.`,
    );
  return out;
}

const pct = (fraction: number) => `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString("en-US") : Number(n.toPrecision(3)).toString());
