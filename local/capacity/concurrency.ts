/**
 * Concurrency from rates and durations (Little's law: things in flight = arrival rate × time each stays), and the time
 * Lambda's per-function scaling rate needs to reach a concurrency. Both pure, for `edw-local capacity`.
 */

/**
 * Little's law: the mean number in flight when `ratePerSecond` arrive and each stays `seconds`.
 *
 * @example
 * littlesLaw(200, 0.25); // 50 Lambda environments busy at 200 invocations/s of 250 ms
 */
export function littlesLaw(ratePerSecond: number, seconds: number): number {
  if (!(ratePerSecond >= 0) || !(seconds >= 0))
    throw new RangeError(`littlesLaw takes non-negative numbers, got ${ratePerSecond} and ${seconds}`);
  return ratePerSecond * seconds;
}

/** Lambda's per-function scaling rate: at most this many new execution environments every {@link LAMBDA_SCALING_PERIOD_SECONDS}. */
export const LAMBDA_SCALING_STEP = 1000;
export const LAMBDA_SCALING_PERIOD_SECONDS = 10;

/**
 * How long one function takes to add `extra` execution environments at Lambda's scaling rate (`step` every `period`
 * seconds, the first step at once): 0 for up to one step, then a period per further step.
 *
 * @example
 * secondsToScale(2500); // 20: 1,000 at once, 1,000 after 10 s, the last 500 after 20 s
 */
export function secondsToScale(extra: number, step = LAMBDA_SCALING_STEP, period = LAMBDA_SCALING_PERIOD_SECONDS): number {
  if (extra <= step) return 0;
  return Math.ceil(extra / step - 1) * period;
}
