/**
 * The order-processing workflow of the seed article ("EventBridge + Step Functions: Event-Driven Architecture
 * Patterns"), state for state, as plain step data. The Pulumi program (index.ts), the local runner and the tests
 * all build it from here, so what runs locally is what deploys.
 *
 * Departures from the article, each deliberate:
 * - No Retry on `States.TaskFailed`: it matches every handler error, ValidationError included (the article's own
 *   third mistake). Only transient errors are retried.
 * - SNS/SQS/event states use the real service integrations (`notify`, `sendToDeadLetterQueue`, `publishEvent`);
 *   the article's topic/queue/state machine ARNs as Task `Resource` are rejected by AWS. SendConfirmationEmail and
 *   RefundAndFail are Lambda tasks.
 * - Catches keep the order and add the error at `$.error` (the article's replace the input), and alerts publish
 *   only `$.error`, so the card token never reaches an inbox.
 * - ChargeCard and RefundAndFail are idempotent on the order id (the article's second mistake is a charge that a
 *   retry repeats): a retried or replayed charge returns the first charge without calling the gateway again, and a
 *   concurrent duplicate (`IdempotencyAlreadyInProgressError`) is retried until the first attempt is done.
 * - A charge whose outcome is unknown (a timeout, a lost answer, retries run out) is never abandoned:
 *   ReconcilePayment asks the gateway by the order's idempotency key and continues, fails the payment, queues the
 *   order or escalates. No path leaves a charged order neither completed nor refunded nor escalated. ChargeCard and
 *   ReconcilePayment keep the order's charge on a ledger of the program's own, so a replay never charges a settled
 *   order again once the gateway has forgotten its idempotency key (gateways keep keys for a day or so).
 * - Compensation matches what happened (the article refunds any order MarkOrderComplete cannot record): an order
 *   that did not ship is refunded (RefundAndFail), and one that shipped is never refunded automatically (the
 *   customer has the goods): after the retries, EscalateShippedOrder hands it to a person.
 */
import { IDEMPOTENCY_IN_PROGRESS_ERROR, IDEMPOTENCY_STORE_ERROR } from "event-driven-workflow/runtime";
import {
  choice,
  defineSteps,
  eventTrigger,
  fail,
  notify,
  parallel,
  pass,
  publishEvent,
  sendToDeadLetterQueue,
  task,
} from "event-driven-workflow";
import type { Retry, StepPermission } from "event-driven-workflow";
import type * as pulumi from "@pulumi/pulumi";
import type { CompletionInput, OrderDetail, OrderPlacedEvent, PaidOrder, RefundInput, ValidatedOrder } from "../handlers";
// Each handler from its own module, not the handlers barrel: the barrel's re-exports are getters, so a handler
// captured through it drags the whole barrel (the sandbox, its DynamoDB client) into every step's __index.js.
import { chargeCard } from "../handlers/chargeCard";
import { fulfillOrder } from "../handlers/fulfillOrder";
import { markOrderComplete } from "../handlers/markOrderComplete";
import { reconcilePayment } from "../handlers/reconcilePayment";
import { refundPayment } from "../handlers/refundPayment";
import { sendConfirmationEmail } from "../handlers/sendConfirmationEmail";
import { validateOrder } from "../handlers/validateOrder";
import { TRANSIENT_ERROR_NAMES } from "../handlers/errors";
import type { OrderServices } from "../handlers/services";

/** The rule's pattern: the order service's "Order Placed" events. */
export const ORDER_PLACED_PATTERN = { source: ["order.service"], "detail-type": ["Order Placed"] } as const;

/** The rule's trigger, typed: its events are `OrderPlacedEvent`s, which `tsc` checks against ValidateOrder's input. */
export const ORDER_TRIGGER = eventTrigger<OrderDetail>()({ pattern: ORDER_PLACED_PATTERN });

/** The completion event's source and detail-type, as the article publishes it. */
export const ORDER_PROCESSED_EVENT = { source: "order.processor", detailType: "Order Processed" } as const;

/** Task timeouts in seconds; each Lambda gets a shorter one of its own. */
export const ORDER_TASK_TIMEOUTS = {
  ValidateOrder: 10,
  ChargeCard: 30,
  FulfillOrder: 60,
  SendConfirmationEmail: 30,
  MarkOrderComplete: 10,
  RefundAndFail: 30,
  ReconcilePayment: 10,
};
export type OrderTaskName = keyof typeof ORDER_TASK_TIMEOUTS;

/** Transient failures of the downstream services: worth retrying, unlike a declined card or a bad order. */
const TRANSIENT = [...TRANSIENT_ERROR_NAMES];

/**
 * How long the order steps remember an order: 14 days, the dead-letter queue's retention, so that an order
 * replayed from the DLQ (or delivered twice by EventBridge, which delivers at least once) within it is recognised:
 * not charged, shipped, emailed or refunded again.
 */
export const ORDER_IDEMPOTENCY_SECONDS = 14 * 24 * 3600;

/**
 * Retries of an idempotent order step's own transient failures: another invocation holds the order (a concurrent
 * duplicate; its record is released when it ends, or when its Lambda would have timed out: 2+4+8+16+32 = 62 s of
 * back-off outlasts the longest order Lambda, FulfillOrder's 54 s), or the idempotency table itself failed. One
 * retrier for both: each retrier counts its own attempts, so two would add up to 8 more attempts of the step's whole
 * timeout in the worst case (the time budget), where one shares 5.
 */
const IDEMPOTENCY_RETRY: Retry[] = [
  { errors: [IDEMPOTENCY_IN_PROGRESS_ERROR, IDEMPOTENCY_STORE_ERROR], intervalSeconds: 2, maxAttempts: 5, backoffRate: 2 },
];

/** Options of {@link orderSteps}. */
export interface OrderWorkflowOptions {
  /** Task timeouts overriding {@link ORDER_TASK_TIMEOUTS} (tests shorten ChargeCard to show States.Timeout). */
  timeouts?: Partial<Record<OrderTaskName, number>>;
  /**
   * IAM grants of the steps' Lambdas beyond the component's own, by step: what the services a step calls need (the
   * order stack grants the sandbox tables to the steps that use them). @default none
   */
  permissions?: Partial<Record<OrderTaskName, StepPermission[]>>;
  /**
   * Environment variables of the steps' Lambdas, by step (the order stack names each sandbox table to the steps that
   * use it). @default none
   */
  environment?: Partial<Record<OrderTaskName, Record<string, pulumi.Input<string>>>>;
}

/**
 * The order workflow's steps, with handlers bound to `services`. Written in the typed form: `tsc` checks every
 * reference and, from the handlers' declared types, that each task receives what it accepts.
 *
 * @example
 * const steps = orderSteps(createSandboxServices());
 */
export function orderSteps(services: OrderServices, options: OrderWorkflowOptions = {}) {
  const timeout = (name: OrderTaskName) => options.timeouts?.[name] ?? ORDER_TASK_TIMEOUTS[name];
  // What a step's services need beyond the component's own grants and variables (the sandbox tables, in the order stack).
  const serviceAccess = (name: OrderTaskName) => ({
    ...(options.permissions?.[name] ? { permissions: options.permissions[name] } : {}),
    ...(options.environment?.[name] ? { environment: options.environment[name] } : {}),
  });
  const toError = "$.error";
  const branchRetry = (intervalSeconds: number, maxAttempts: number): Retry[] => [
    { errors: TRANSIENT, intervalSeconds, maxAttempts, backoffRate: 2 },
  ];
  // Every step after the charge takes the whole state, with the validated order at `order`.
  const orderIdempotency = { keyPath: "order.orderId", expiresAfterSeconds: ORDER_IDEMPOTENCY_SECONDS };

  // Each handler is handed only the service calls it makes: what a handler captures is serialized into its Lambda,
  // so ChargeCard ships the gateway's charge and not its refund, nor the warehouse or the mailer.
  return defineSteps([
    task("ValidateOrder", {
      // Validation calls no service: the handler captures none (each captured service is serialized into the Lambda).
      handler: (event: OrderPlacedEvent, context) => validateOrder(event, context),
      timeoutSeconds: timeout("ValidateOrder"),
      ...serviceAccess("ValidateOrder"),
      resultPath: "$.order",
      catch: [
        { errors: ["ValidationError"], next: "OrderValidationFailed", resultPath: toError },
        { errors: ["States.ALL"], next: "UnexpectedError", resultPath: toError },
      ],
      next: "ChargeCard",
    }),
    task("ChargeCard", {
      handler: (order: ValidatedOrder, context) =>
        chargeCard(order, context, {
          payments: { charge: (o, key) => services.payments.charge(o, key), keyRetentionSeconds: services.payments.keyRetentionSeconds },
          charges: services.charges,
          now: () => services.now(),
        }),
      timeoutSeconds: timeout("ChargeCard"),
      ...serviceAccess("ChargeCard"),
      inputPath: "$.order",
      resultPath: "$.payment",
      // The input is the validated order: its id is the key. Step Functions retries below repeat the same input.
      // A replay must charge the same amount: the same order id with another total is refused, not replayed.
      idempotency: { keyPath: "orderId", expiresAfterSeconds: ORDER_IDEMPOTENCY_SECONDS, payloadValidationPath: "[totalAmount, currency]" },
      retry: [
        { errors: ["ThrottlingException"], intervalSeconds: 1, maxAttempts: 5, backoffRate: 2 },
        { errors: ["ServiceUnavailableException"], intervalSeconds: 2, maxAttempts: 2, backoffRate: 1.5 },
        ...IDEMPOTENCY_RETRY,
      ],
      catch: [
        { errors: ["InsufficientFundsError", "CardDeclinedError"], next: "RefundAndFail", resultPath: toError },
        { errors: ["PaymentProcessorDown"], next: "QueueForRetry", resultPath: toError },
        { errors: ["IdempotencyValidationError", "PaymentIdempotencyConflict"], next: "DuplicateOrderRejected", resultPath: toError },
        // Anything else (a timeout, a lost answer, retries run out) leaves the charge's outcome unknown: ask the gateway.
        { errors: ["States.ALL"], next: "ReconcilePayment", resultPath: toError },
      ],
      next: "FulfillmentAndNotification",
    }),
    task("ReconcilePayment", {
      handler: (order: ValidatedOrder, context) =>
        reconcilePayment(order, context, {
          payments: { lookup: (key) => services.payments.lookup(key), keyRetentionSeconds: services.payments.keyRetentionSeconds },
          charges: services.charges,
          now: () => services.now(),
        }),
      timeoutSeconds: timeout("ReconcilePayment"),
      ...serviceAccess("ReconcilePayment"),
      inputPath: "$.order",
      resultPath: "$.payment",
      // A lookup only reads: no idempotency record needed. A charge still in flight is polled for a second, then
      // waited for here (30, 60, 120 s), then escalated.
      retry: [
        { errors: TRANSIENT, intervalSeconds: 1, maxAttempts: 5, backoffRate: 2 },
        { errors: ["PaymentProcessorDown"], intervalSeconds: 5, maxAttempts: 3, backoffRate: 2 },
        { errors: ["PaymentPending"], intervalSeconds: 30, maxAttempts: 3, backoffRate: 2 },
      ],
      catch: [
        { errors: ["InsufficientFundsError", "CardDeclinedError"], next: "RefundAndFail", resultPath: toError },
        { errors: ["PaymentNotTaken"], next: "QueueForRetry", resultPath: toError },
        { errors: ["PaymentIdempotencyConflict"], next: "DuplicateOrderRejected", resultPath: toError },
        { errors: ["States.ALL"], next: "PaymentUnresolvedManualIntervention", resultPath: toError },
      ],
      next: "FulfillmentAndNotification",
    }),
    parallel("FulfillmentAndNotification", {
      branches: [
        [
          task("FulfillOrder", {
            handler: (state: PaidOrder, context) => fulfillOrder(state, context, { fulfillment: services.fulfillment }),
            timeoutSeconds: timeout("FulfillOrder"),
            ...serviceAccess("FulfillOrder"),
            idempotency: orderIdempotency,
            retry: [...branchRetry(3, 2), ...IDEMPOTENCY_RETRY],
            catch: [
              { errors: ["OutOfStockError"], next: "LogFulfillmentFailure", resultPath: "$.fulfillmentError" },
              // A timeout or a lost answer does not say the order did not ship: it is not refunded on that account.
              { errors: ["States.ALL"], next: "LogFulfillmentUnknown", resultPath: "$.fulfillmentError" },
            ],
            end: true,
          }),
          pass("LogFulfillmentFailure", { result: { status: "FAILED", message: "Fulfillment failed but order was charged" }, end: true }),
          pass("LogFulfillmentUnknown", {
            result: {
              status: "UNKNOWN",
              message: "Fulfillment outcome unknown (the warehouse did not answer in time); it may have shipped",
            },
            end: true,
          }),
        ],
        [
          task("SendConfirmationEmail", {
            handler: (state: PaidOrder, context) => sendConfirmationEmail(state, context, { email: services.email }),
            timeoutSeconds: timeout("SendConfirmationEmail"),
            ...serviceAccess("SendConfirmationEmail"),
            idempotency: orderIdempotency,
            retry: [...branchRetry(2, 3), ...IDEMPOTENCY_RETRY],
            catch: [{ errors: ["States.ALL"], next: "LogEmailFailure", resultPath: "$.emailError" }],
            end: true,
          }),
          pass("LogEmailFailure", { result: { status: "FAILED", message: "Email send failed but order was processed" }, end: true }),
        ],
      ],
      resultPath: "$.fulfillment",
      next: "MarkOrderComplete",
    }),
    task("MarkOrderComplete", {
      handler: (state: CompletionInput, context) =>
        markOrderComplete(state, context, { orders: services.orders, now: () => services.now() }),
      timeoutSeconds: timeout("MarkOrderComplete"),
      ...serviceAccess("MarkOrderComplete"),
      idempotency: orderIdempotency,
      retry: [{ errors: TRANSIENT, intervalSeconds: 1, maxAttempts: 3, backoffRate: 2 }, ...IDEMPOTENCY_RETRY],
      // A paid order that cannot be recorded is compensated as far as what happened allows (WasOrderShipped).
      catch: [{ errors: ["States.ALL"], next: "WasOrderShipped", resultPath: toError }],
      next: "PublishOrderProcessed",
    }),
    publishEvent("PublishOrderProcessed", { ...ORDER_PROCESSED_EVENT, end: true }),

    // FulfillOrder's branch output: the shipment (`FULFILLED`), LogFulfillmentFailure's `FAILED` (it did not ship)
    // or LogFulfillmentUnknown's `UNKNOWN`. Only an order known not to have shipped is refunded automatically.
    choice("WasOrderShipped", {
      choices: [
        {
          condition: {
            and: [
              { variable: "$.fulfillment[0].status", isPresent: true },
              { variable: "$.fulfillment[0].status", stringEquals: "FAILED" },
            ],
          },
          next: "RefundAndFail",
        },
      ],
      otherwise: "EscalateShippedOrder",
    }),
    notify("EscalateShippedOrder", {
      subject: "CRITICAL: a shipped order could not be recorded as complete",
      messagePath: toError,
      next: "ShippedOrderNotRecordedEnd",
    }),
    fail("ShippedOrderNotRecordedEnd", {
      error: "ShippedOrderNotRecorded",
      cause: "The order was charged and shipped but its completion could not be recorded: a person records it (it is not refunded)",
    }),

    notify("OrderValidationFailed", { subject: "Order failed validation", messagePath: toError, next: "ValidationFailedEnd" }),
    fail("ValidationFailedEnd", { error: "ValidationFailed", cause: "Order failed validation checks" }),

    task("RefundAndFail", {
      handler: (state: RefundInput, context) =>
        refundPayment(state, context, { payments: { refund: (orderId) => services.payments.refund(orderId) } }),
      timeoutSeconds: timeout("RefundAndFail"),
      ...serviceAccess("RefundAndFail"),
      idempotency: orderIdempotency,
      retry: [{ errors: TRANSIENT, intervalSeconds: 2, maxAttempts: 3, backoffRate: 2 }, ...IDEMPOTENCY_RETRY],
      catch: [{ errors: ["States.ALL"], next: "RefundFailedManualIntervention", resultPath: "$.refundError" }],
      next: "PaymentFailedEnd",
    }),
    fail("PaymentFailedEnd", { error: "PaymentFailed", cause: "Payment processing failed and was refunded" }),
    notify("RefundFailedManualIntervention", {
      subject: "CRITICAL: refund failed",
      message: "CRITICAL: Refund failed. Manual intervention required.",
      next: "CriticalFailure",
    }),

    notify("DuplicateOrderRejected", {
      subject: "Order rejected: its id was already used for another amount",
      messagePath: toError,
      next: "DuplicateRejectedEnd",
    }),
    fail("DuplicateRejectedEnd", { error: "DuplicateOrderRejected", cause: "The order id was used for another amount; not charged again" }),
    notify("PaymentUnresolvedManualIntervention", {
      subject: "CRITICAL: payment outcome unknown",
      messagePath: toError,
      next: "CriticalFailure",
    }),

    sendToDeadLetterQueue("QueueForRetry", { next: "RetryQueuedEnd" }),
    fail("RetryQueuedEnd", { error: "TemporaryFailure", cause: "Payment processor unavailable. Order queued for retry." }),

    notify("UnexpectedError", { subject: "Order processing: unexpected error", messagePath: toError, next: "UnexpectedErrorEnd" }),
    fail("UnexpectedErrorEnd", { error: "UnexpectedError", cause: "An unexpected error occurred during order processing" }),
    fail("CriticalFailure", { error: "CriticalFailure", cause: "Critical infrastructure failure requiring manual intervention" }),
  ]);
}
