/**
 * The capacity report (pure): each quota's use under the load and the rate at which it binds, the first quota to
 * bind, the monthly cost at this rate on STANDARD and EXPRESS, and the recommendations. `edw-local capacity --json`
 * prints it as is.
 */
import { bindsAtRate, evaluateQuotas, type Load, type QuotaUse, type StepTimeouts } from "./load";
import { mixUsage } from "./mix";
import type { ResolvedQuota } from "./quotas";
import { recommend, type WorkflowFacts } from "./recommend";
import type { PathUsage } from "./usage";

/** A month, for the monthly cost: 30 days. */
export const SECONDS_PER_MONTH = 30 * 24 * 3600;

export interface CapacityInput {
  paths: readonly PathUsage[];
  /** Weights by path label. */
  mix: Readonly<Record<string, number>>;
  timeouts: StepTimeouts;
  workflows: readonly WorkflowFacts[];
  type: "STANDARD" | "EXPRESS";
  region: string;
  quotas: readonly ResolvedQuota[];
  load: Load;
}

export interface CapacityReport {
  rate: number;
  type: "STANDARD" | "EXPRESS";
  region: string;
  burst?: Load["burst"];
  mix: Record<string, number>;
  /** The first quota to bind as the rate rises (null: none below 1e9 events/s). */
  binding: string | null;
  /** The rate at which it binds (0: the burst alone binds it). */
  bindsAtRate: number | null;
  /** Whether no quota binds at this rate. */
  withinQuotas: boolean;
  quotas: (QuotaUse & { bindsAtRate: number | null })[];
  /** USD per 30 days at this rate (Step Functions and Lambda; local/cost/prices.ts). */
  costPerMonth: { STANDARD: number; EXPRESS: number };
  recommendations: string[];
}

/**
 * Evaluates the load against the quotas.
 *
 * @example
 * const report = capacityReport({ paths, mix: defaultMix(paths), timeouts, workflows, type: "STANDARD", region: "us-east-1",
 *   quotas: quotasFor("us-east-1", "STANDARD"), load: { rate: 100 } });
 * console.log(report.binding, report.bindsAtRate);
 */
export function capacityReport(input: CapacityInput): CapacityReport {
  const { paths, mix, timeouts, workflows, type, region, quotas, load } = input;
  const usage = mixUsage(paths, mix);
  const uses = evaluateQuotas(usage, timeouts, quotas, load).map((use, i) => ({
    ...use,
    bindsAtRate: bindsAtRate(usage, timeouts, quotas[i], load.burst),
  }));
  const first = uses
    .filter((u) => u.bindsAtRate !== null)
    .reduce<(typeof uses)[number] | undefined>(
      (a, b) => (a === undefined || (b.bindsAtRate as number) < (a.bindsAtRate as number) ? b : a),
      undefined,
    );
  const costPerMonth = {
    STANDARD: usage.standardUsd * load.rate * SECONDS_PER_MONTH,
    EXPRESS: usage.expressUsd * load.rate * SECONDS_PER_MONTH,
  };
  return {
    rate: load.rate,
    type,
    region,
    ...(load.burst ? { burst: load.burst } : {}),
    mix: { ...mix },
    binding: first?.name ?? null,
    bindsAtRate: first?.bindsAtRate ?? null,
    withinQuotas: uses.every((u) => !u.binds),
    quotas: uses,
    costPerMonth,
    recommendations: recommend({ type, load, usage, uses, workflows, costPerMonth, timeouts }),
  };
}
