/**
 * Step builders. Each returns plain data; nothing is validated here so that a whole list can be
 * checked at once by `validateSteps`, which reports every culprit by name.
 */
import type {
  CallbackTaskOptions,
  ChoiceStep,
  Condition,
  DeadLetterStep,
  ErrorHandling,
  FailStep,
  Flow,
  IntegrationOptions,
  MapOptions,
  MapStep,
  NotifyStep,
  ParallelStep,
  PassStep,
  PublishEventOptions,
  PublishEventStep,
  Step,
  SucceedStep,
  TaskOptions,
  TaskStep,
  WaitStep,
} from "./types";

/**
 * A Lambda task: `handler` becomes one Powertools-instrumented Lambda function with its own least-privilege role.
 *
 * @example
 * task<Order, Charge>("ChargeCard", {
 *   handler: async (order, ctx) => gateway.charge(order),
 *   timeoutSeconds: 30,
 *   retry: [{ errors: ["ThrottlingException"], intervalSeconds: 1, maxAttempts: 5 }],
 *   catch: [{ errors: ["InsufficientFundsError"], next: "RefundAndFail" }],
 * })
 * @example
 * // A client created once per Lambda container, not on every call:
 * task("SaveClaim", {
 *   init: () => ({ pool: new Pool() }),
 *   handler: async (claim, { resources }) => resources.pool.query("INSERT INTO claims VALUES ($1)", [claim.id]),
 *   timeoutSeconds: 10,
 *   bundle: ["pg"],
 * })
 */
export function task<I = any, O = any, R = any>(name: string, options: TaskOptions<I, O, R>): TaskStep {
  return { ...options, kind: "task", name };
}

/**
 * A task that waits for a person or a slow system: its Lambda is invoked with `.waitForTaskToken` and hands
 * `context.taskToken` to whoever answers; the execution waits until `SendTaskSuccess` (its output becomes the state's
 * result), `SendTaskFailure` (a named error, for `retry`/`catch`), a missed heartbeat (`States.HeartbeatTimeout`) or
 * `timeoutSeconds` (`States.Timeout`). The answering side needs `states:SendTask*` (see `grantTaskResponse`).
 *
 * @example
 * waitForCallback<Refund>("ManagerApproval", {
 *   handler: async (refund, { taskToken }) => approvals.request({ refundId: refund.id, taskToken }),
 *   timeoutSeconds: 86_400,
 *   heartbeatSeconds: 3_600,
 *   catch: [{ errors: ["States.Timeout", "ApprovalRejected"], next: "RefundDeclined", resultPath: "$.error" }],
 * })
 */
export function waitForCallback<I = any, R = any>(name: string, options: CallbackTaskOptions<I, R>): TaskStep {
  const { heartbeatSeconds, handlerTimeoutSeconds, approvalLink, ...task } = options;
  return { ...task, kind: "task", name, callback: { heartbeatSeconds, handlerTimeoutSeconds, approvalLink } };
}

/**
 * Runs each branch on the same input at the same time; the output is the array of the branches' outputs.
 *
 * @example
 * parallel("FulfillmentAndNotification", { branches: [[task("FulfillOrder", ...)], [task("SendEmail", ...)]] })
 */
export function parallel(name: string, options: { branches: Step[][]; resultPath?: string | null } & Flow & ErrorHandling): ParallelStep {
  return { ...options, kind: "parallel", name };
}

/**
 * Branches on the first matching condition.
 *
 * @example
 * choice("IsLargeOrder", {
 *   choices: [{ condition: { variable: "$.totalAmount", numericGreaterThan: 1000 }, next: "ManualReview" }],
 *   otherwise: "ChargeCard",
 * })
 */
export function choice(name: string, options: { choices: { condition: Condition; next: string }[]; otherwise?: string }): ChoiceStep {
  return { ...options, kind: "choice", name };
}

/**
 * Runs `steps` once per element of the array at `itemsPath`. Inline by default; a Map given
 * `toleratedFailurePercentage` or `toleratedFailureCount` becomes a Distributed Map (see {@link MapOptions}).
 *
 * @example
 * map("ProcessLines", { itemsPath: "$.detail.items", steps: [task("ReserveStock", { handler: reserve, timeoutSeconds: 10, end: true })], maxConcurrency: 5 })
 * @example
 * // Each iteration gets the claim id beside its document; one failed document in four is tolerated.
 * map("ScanDocuments", {
 *   itemsPath: "$.detail.documents",
 *   itemSelector: { "claimId.$": "$.detail.claimId", "document.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
 *   steps: [task("ScanDocument", { handler: scan, timeoutSeconds: 60, end: true })],
 *   toleratedFailurePercentage: 25,
 * })
 */
export function map(name: string, options: MapOptions): MapStep {
  return { ...options, kind: "map", name };
}

/**
 * Pauses for a number of seconds, or until the ISO-8601 timestamp at `timestampPath`.
 *
 * @example
 * wait("CoolDown", { seconds: 60 })
 * wait("UntilDue", { timestampPath: "$.dueAt" }, { next: "Remind" })
 */
export function wait(name: string, duration: { seconds: number } | { timestampPath: string }, flow: Flow = {}): WaitStep {
  return { ...flow, ...duration, kind: "wait", name };
}

/**
 * Passes the input on, optionally writing a fixed `result` at `resultPath`.
 *
 * @example
 * pass("LogFulfillmentFailure", { result: "Fulfillment failed but order was charged", resultPath: "$.note", end: true })
 */
export function pass(name: string, options: { result?: unknown; resultPath?: string | null } & Flow = {}): PassStep {
  return { ...options, kind: "pass", name };
}

/**
 * Ends the workflow, or the branch it is in, successfully.
 *
 * @example
 * succeed("Done")
 */
export function succeed(name: string): SucceedStep {
  return { kind: "succeed", name };
}

/**
 * Ends the workflow as failed, with the error and cause that `DescribeExecution` and the alarms report.
 *
 * @example
 * fail("PaymentFailedEnd", { error: "PaymentFailed", cause: "Payment processing failed and was refunded" })
 */
export function fail(name: string, options: { error: string; cause: string }): FailStep {
  return { ...options, kind: "fail", name };
}

/**
 * Publishes the state input (or a fixed `message`) to the workflow's encrypted alert topic, then passes the
 * input on unchanged.
 *
 * @example
 * notify("OrderValidationFailed", { subject: "Order failed validation", messagePath: "$.error", next: "ValidationFailedEnd" })
 */
export function notify(
  name: string,
  options: { subject?: string; message?: string; messagePath?: string } & IntegrationOptions = {},
): NotifyStep {
  return { ...options, kind: "notify", name };
}

/**
 * Sends the state input to the workflow's dead-letter queue for later reprocessing, then passes it on unchanged.
 *
 * @example
 * sendToDeadLetterQueue("QueueForRetry", { next: "RetryQueuedEnd" })
 */
export function sendToDeadLetterQueue(name: string, options: IntegrationOptions = {}): DeadLetterStep {
  return { ...options, kind: "sendToDeadLetterQueue", name };
}

/**
 * Puts the state input (or the part of it at `detailPath`) as an event's `detail` on EventBridge (a completion
 * event), then passes the input on unchanged.
 *
 * @example
 * publishEvent("PublishOrderProcessed", { source: "order.processor", detailType: "Order Processed", end: true })
 * @example
 * // Only the original event's detail, not what the steps added to the state:
 * publishEvent("AnnounceClaim", { source: "claims.processor", detailType: "Claim Settled", detailPath: "$.detail" })
 */
export function publishEvent(name: string, options: PublishEventOptions): PublishEventStep {
  return { ...options, kind: "publishEvent", name };
}
