/** How each order sample event (events/*.json) ends, for the local runner's specs. */

/** "STATUS" or "STATUS Error" of an event report (or its JSON form). */
export const outcomeOf = (report: { status: string; executions: { error?: string }[] }) =>
  `${report.status}${report.executions[0]?.error ? ` ${report.executions[0].error}` : ""}`;

/**
 * The outcome of every sample, with the hung charge's Lambda timed out. Run `deployed` (each Lambda its own process,
 * as on AWS), the refund Lambda never saw the charge, so there is nothing to refund, and the reconcile Lambda never
 * saw the hung charge, so it finds none and queues the order; run in one process, both share the sandbox that took
 * the charge: the refund fails as the sample intends, and the hung charge stays pending until it is escalated.
 */
export function sampleOutcomes(run: "deployed" | "in one process"): Record<string, string> {
  return {
    "charge-hangs": run === "deployed" ? "FAILED TemporaryFailure" : "FAILED CriticalFailure",
    "email-fails": "SUCCEEDED",
    "fulfillment-fails": "SUCCEEDED",
    happy: "SUCCEEDED",
    "insufficient-funds": "FAILED PaymentFailed",
    "processor-down": "FAILED TemporaryFailure",
    "refund-fails": run === "deployed" ? "FAILED PaymentFailed" : "FAILED CriticalFailure",
    "throttled-then-ok": "SUCCEEDED",
    "validation-error": "FAILED ValidationFailed",
  };
}
