/**
 * Each quota's use under a load (pure): the average event's usage (./usage.ts, ./mix.ts) at `rate` events per
 * second, with an optional burst of extra events over a few seconds. Token-bucket quotas are simulated over the burst
 * (./tokenBucket.ts), concurrencies follow Little's law from the measured durations, and at the Lambda timeouts too
 * (./concurrency.ts). Also the lowest rate at which each quota binds.
 *
 * Assumptions, each stated in the README: the triggering events are put on the bus by the same account (one
 * PutEvents each); each started execution is one rule invocation; per-second quotas without a documented bucket
 * (EventBridge, KMS, DynamoDB) are buckets of one second's worth; a burst raises concurrency at once.
 */
import { littlesLaw, LAMBDA_SCALING_PERIOD_SECONDS, secondsToScale } from "./concurrency";
import type { ResolvedQuota } from "./quotas";
import { simulateTokenBucket } from "./tokenBucket";
import type { EventUsage } from "./usage";

/** The load: a sustained rate, and optionally `events` more arriving evenly over `seconds`. */
export interface Load {
  rate: number;
  burst?: { events: number; seconds: number };
}

/** One quota under the load. */
export interface QuotaUse {
  id: string;
  name: string;
  kind: ResolvedQuota["kind"];
  limit: number;
  bucket?: number;
  /** Use under the load: per second for a rate, in flight for a concurrency, environments to add at once for scaling. */
  used: number;
  /** used / limit. */
  utilization: number;
  /** limit - used (negative when over). */
  headroom: number;
  /** Whether the quota throttles under this load (over the limit, or its bucket runs dry in the burst). */
  binds: boolean;
  /** Lambda concurrency if every invocation ran to its timeout (a hanging dependency). */
  usedAtTimeouts?: number;
  /** For a token bucket under a burst: the demand during it (per second), what the simulation refused, and when the bucket ran dry. */
  burst?: { peakPerSecond: number; throttled: number; drainedAtSecond?: number };
  /** What the use is of, when the quota is per function or per table. */
  detail?: string;
  quotaCode?: string;
  raise: string;
  overridden: boolean;
  source: string;
  checkedOn: string;
}

/** The Lambda timeout of each step (the function's own), for the worst case. */
export type StepTimeouts = Readonly<Record<string, number>>;

/**
 * Evaluates every quota under `load`.
 *
 * @example
 * const uses = evaluateQuotas(mixUsage(paths, mix), timeouts, quotasFor("us-east-1", "STANDARD"), { rate: 100 });
 * uses.filter((q) => q.binds).map((q) => q.name);
 */
export function evaluateQuotas(usage: EventUsage, timeouts: StepTimeouts, quotas: readonly ResolvedQuota[], load: Load): QuotaUse[] {
  return quotas.map((quota) => evaluateQuota(usage, timeouts, quota, load));
}

/** One quota under `load`. */
export function evaluateQuota(usage: EventUsage, timeouts: StepTimeouts, quota: ResolvedQuota, load: Load): QuotaUse {
  const burstRate = load.burst ? load.burst.events / load.burst.seconds : 0;
  const peakRate = load.rate + burstRate;
  const base = {
    id: quota.id,
    name: quota.name,
    kind: quota.kind,
    limit: quota.limit,
    ...(quota.bucket !== undefined ? { bucket: quota.bucket } : {}),
    ...(quota.quotaCode ? { quotaCode: quota.quotaCode } : {}),
    raise: quota.raise,
    overridden: quota.overridden,
    source: quota.source.url,
    checkedOn: quota.source.checkedOn,
  };
  const of = (used: number, binds: boolean, extra: Partial<QuotaUse> = {}): QuotaUse => ({
    ...base,
    used,
    utilization: used / quota.limit,
    headroom: quota.limit - used,
    binds,
    ...extra,
  });
  const steps = Object.entries(usage.invocations);

  if (quota.kind === "tokenBucket") {
    const { perEvent, detail } = demandPerEvent(quota.id, usage);
    const used = load.rate * perEvent;
    if (!load.burst) return of(used, used > quota.limit, detail ? { detail } : {});
    const outcome = simulateTokenBucket({ capacity: quota.bucket ?? quota.limit, refillPerSecond: quota.limit }, [
      { seconds: load.burst.seconds, ratePerSecond: peakRate * perEvent },
    ]);
    const burst = {
      peakPerSecond: peakRate * perEvent,
      throttled: outcome.throttled,
      ...(outcome.drainedAtSecond !== undefined ? { drainedAtSecond: outcome.drainedAtSecond } : {}),
    };
    return of(used, used > quota.limit || outcome.throttled > 0, { burst, ...(detail ? { detail } : {}) });
  }
  if (quota.id === "stepFunctions.standard.openExecutions") {
    const used = littlesLaw(peakRate, usage.executionSeconds);
    return of(used, used > quota.limit);
  }
  if (quota.id === "lambda.concurrentExecutions") {
    const used = steps.reduce((sum, [, { seconds }]) => sum + littlesLaw(peakRate, seconds), 0);
    const usedAtTimeouts = steps.reduce((sum, [state, { count }]) => sum + littlesLaw(peakRate * count, timeouts[state] ?? 0), 0);
    return of(used, used > quota.limit, { usedAtTimeouts });
  }
  if (quota.kind === "scaling") {
    // Environments one function must add at once: its whole concurrency from cold, or the burst's share on top.
    const [state, add] = steps
      .map(([s, { seconds }]): [string, number] => [s, littlesLaw(load.burst ? burstRate : load.rate, seconds)])
      .reduce((a, b) => (b[1] > a[1] ? b : a), ["", 0]);
    const wait = secondsToScale(add, quota.limit);
    return of(add, add > quota.limit, {
      ...(state
        ? { detail: `${state}${wait > 0 ? `: ${wait} s to scale (${quota.limit} per ${LAMBDA_SCALING_PERIOD_SECONDS} s)` : ""}` }
        : {}),
    });
  }
  throw new Error(`Quota ${quota.id}: no use is modelled for a ${quota.kind} quota of this id.`);
}

/** What one event takes of a per-second quota, and what it is of when the quota is per table. */
function demandPerEvent(id: string, usage: EventUsage): { perEvent: number; detail?: string } {
  switch (id) {
    case "stepFunctions.standard.startExecution":
    case "stepFunctions.express.startExecution":
    case "eventBridge.invocations":
      return { perEvent: usage.executions };
    case "stepFunctions.standard.stateTransition":
      return { perEvent: usage.stateTransitions };
    case "eventBridge.putEvents":
      return { perEvent: 1 + usage.putEvents };
    case "kms.symmetricCryptographicOperations":
      return { perEvent: usage.kmsRequests };
    case "dynamoDb.tableWriteUnits":
    case "dynamoDb.tableReadUnits": {
      const field = id === "dynamoDb.tableWriteUnits" ? "writeUnits" : "readUnits";
      const [table, units] = Object.entries(usage.dynamoDb)
        .map(([t, u]): [string, number] => [t, u[field]])
        .reduce((a, b) => (b[1] > a[1] ? b : a), ["", 0]);
      return { perEvent: units, ...(table ? { detail: table } : {}) };
    }
    default:
      throw new Error(`Quota ${id}: no per-event use is modelled for it.`);
  }
}

/** The highest rate {@link bindsAtRate} searches to; a quota not bound below it is reported as never binding. */
export const RATE_SEARCH_CEILING = 1e9;

/**
 * The lowest sustained rate (events per second) at which `quota` binds under the same mix and burst: 0 when the burst
 * alone binds it, null when it does not bind below {@link RATE_SEARCH_CEILING}. Use only grows with the rate, so a
 * bisection finds it.
 */
export function bindsAtRate(usage: EventUsage, timeouts: StepTimeouts, quota: ResolvedQuota, burst?: Load["burst"]): number | null {
  const binds = (rate: number) => evaluateQuota(usage, timeouts, quota, { rate, ...(burst ? { burst } : {}) }).binds;
  if (binds(0)) return 0;
  if (!binds(RATE_SEARCH_CEILING)) return null;
  let low = 0;
  let high = 1;
  while (!binds(high)) [low, high] = [high, high * 2];
  for (let i = 0; i < 60 && high - low > 1e-6 * high; i++) {
    const middle = (low + high) / 2;
    if (binds(middle)) high = middle;
    else low = middle;
  }
  return high;
}
