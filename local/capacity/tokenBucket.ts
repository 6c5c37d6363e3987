/**
 * A token bucket, simulated exactly over piecewise-constant demand: how AWS throttles Step Functions' StartExecution
 * and state transitions (and, here, any per-second quota). Requests take a token each; tokens refill at a steady rate
 * up to the bucket's size; a request finding the bucket empty is throttled. Averages hide a burst that drains the
 * bucket; this does not.
 */

/** A bucket of `capacity` tokens refilled at `refillPerSecond`. */
export interface TokenBucket {
  capacity: number;
  refillPerSecond: number;
}

/** Demand at a constant rate for a while. */
export interface DemandSegment {
  seconds: number;
  ratePerSecond: number;
}

/** What the bucket did under the demand. */
export interface BucketOutcome {
  /** Requests refused because the bucket was empty. */
  throttled: number;
  /** Requests served. */
  admitted: number;
  /** The fewest tokens the bucket held. */
  minTokens: number;
  /** When the bucket first ran empty under demand above the refill, in seconds from the start; undefined if never. */
  drainedAtSecond?: number;
  /** The tokens left at the end. */
  tokensAtEnd: number;
}

/**
 * Runs `segments` one after another through `bucket`, starting with `startTokens` (default: full). Within a segment
 * demand and refill are constant, so tokens change linearly: the bucket fills up to its size, or drains, and once
 * empty serves exactly the refill rate and throttles the rest.
 *
 * @example
 * // STANDARD StartExecution in us-east-1 (1,300 tokens, 300/s): 500 starts/s for 10 s drain it after 6.5 s.
 * simulateTokenBucket({ capacity: 1300, refillPerSecond: 300 }, [{ seconds: 10, ratePerSecond: 500 }]);
 * // => { throttled: 700, admitted: 4300, minTokens: 0, drainedAtSecond: 6.5, tokensAtEnd: 0 }
 */
export function simulateTokenBucket(
  bucket: TokenBucket,
  segments: readonly DemandSegment[],
  startTokens: number = bucket.capacity,
): BucketOutcome {
  let tokens = Math.min(bucket.capacity, startTokens);
  let minTokens = tokens;
  let throttled = 0;
  let admitted = 0;
  let elapsed = 0;
  let drainedAtSecond: number | undefined;
  for (const { seconds, ratePerSecond } of segments) {
    const demand = ratePerSecond * seconds;
    const net = bucket.refillPerSecond - ratePerSecond;
    if (net >= 0) {
      tokens = Math.min(bucket.capacity, tokens + net * seconds);
      admitted += demand;
    } else {
      const untilEmpty = tokens / -net;
      if (untilEmpty >= seconds) {
        tokens += net * seconds;
        admitted += demand;
      } else {
        // Empty from `untilEmpty` on: only the refill is served.
        const starved = seconds - untilEmpty;
        throttled += -net * starved;
        admitted += demand - -net * starved;
        drainedAtSecond ??= elapsed + untilEmpty;
        tokens = 0;
      }
    }
    minTokens = Math.min(minTokens, tokens);
    elapsed += seconds;
  }
  return { throttled, admitted, minTokens, ...(drainedAtSecond !== undefined ? { drainedAtSecond } : {}), tokensAtEnd: tokens };
}
