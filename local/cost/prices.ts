/**
 * THE price table (US East, N. Virginia; on-demand, first pricing tier, free tiers ignored), in USD. Looked up on
 * 2026-12-05; prices change: check the sources before quoting a figure.
 *
 * - Step Functions Standard: $0.025 per 1,000 state transitions, retries included.
 *   Source: https://aws.amazon.com/step-functions/pricing/ (state transitions pricing table, US East (N. Virginia)).
 * - Step Functions Express: $1.00 per million requests, and duration at $0.00001667 per GB-second (first tier),
 *   duration rounded up to the nearest 100 ms and memory billed in 64 MB chunks. The 100 ms and 64 MB rules are from
 *   https://aws.amazon.com/step-functions/pricing/; the two dollar figures could NOT be confirmed on that page as
 *   stored here (its table did not render) and are taken from a secondary source,
 *   https://www.wring.co/blog/aws-step-functions-pricing-guide (2026-03-14).
 * - Lambda (x86): $0.20 per million requests ($0.0000002 per request) and $0.0000166667 per GB-second, duration rounded
 *   up to the nearest 1 ms. Source: https://aws.amazon.com/lambda/pricing/ and
 *   https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html. Arm prices are not in this table.
 */
export const PRICES_US_EAST_1 = {
  region: "us-east-1",
  checkedOn: "2026-12-05",
  stepFunctionsStandard: { perStateTransition: 0.025 / 1000 },
  stepFunctionsExpress: {
    perRequest: 1.0 / 1_000_000,
    perGbSecond: 0.00001667,
    /** Duration is billed in steps of this many milliseconds. */
    durationStepMs: 100,
    /** Memory is billed in chunks of this many MB (an execution's memory is unknown locally: one chunk is assumed). */
    memoryChunkMb: 64,
  },
  lambda: { perRequest: 0.2 / 1_000_000, perGbSecond: 0.0000166667, durationStepMs: 1 },
} as const;

export type PriceTable = typeof PRICES_US_EAST_1;
