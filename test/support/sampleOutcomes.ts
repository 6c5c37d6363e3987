/** How each order sample event (events/*.json) ends, for the local runner's specs. */

/** "STATUS" or "STATUS Error" of an event report (or its JSON form). */
export const outcomeOf = (report: { status: string; executions: { error?: string }[] }) =>
  `${report.status}${report.executions[0]?.error ? ` ${report.executions[0].error}` : ""}`;

/**
 * The outcome of every sample, with the hung charge's Lambda timed out. Run as deployed (each Lambda its own process,
 * as on AWS) or in one process, the steps share the sandbox's state through its tables (the payment ledger, the
 * order records): the refund finds the declined charge's card and fails as the sample intends, and the reconcile
 * step finds the hung charge pending until it is escalated.
 */
export function sampleOutcomes(): Record<string, string> {
  return {
    "charge-hangs": "FAILED CriticalFailure",
    "email-fails": "SUCCEEDED",
    "fulfillment-fails": "SUCCEEDED",
    happy: "SUCCEEDED",
    "insufficient-funds": "FAILED PaymentFailed",
    "processor-down": "FAILED TemporaryFailure",
    "refund-fails": "FAILED CriticalFailure",
    "throttled-then-ok": "SUCCEEDED",
    "validation-error": "FAILED ValidationFailed",
  };
}
