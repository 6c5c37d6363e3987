/**
 * The order domain's error classes. A Lambda error's `name` becomes the Step Functions error name that
 * Retry and Catch rules match, so every class sets `name` to a string literal (a literal survives bundling and
 * closure serialization, where `this.constructor.name` might not).
 *
 * Pulumi's closure serialization rewrites these classes, which is why each one goes through
 * {@link completeError} and {@link nameErrorClass}; see there.
 */

/**
 * Makes an error built by a constructor correct both natively and after Pulumi's closure serialization.
 *
 * Serialized, a class becomes an ES5 function and `super(message)` becomes `Error.call(this, message)`, which
 * returns a fresh error and leaves `this` without `message` or `stack`. The Lambda runtime reports an error by
 * its `name` only if `name`, `message` and `stack` are all non-empty strings; otherwise Step Functions sees the
 * error name "object" and no Catch rule matches. Natively both checks below are no-ops.
 */
function completeError(error: Error, name: string, message: string): void {
  error.name = name;
  if (!Object.hasOwn(error, "message")) error.message = message;
  if (!Object.hasOwn(error, "stack")) Error.captureStackTrace(error);
}

/**
 * Puts `name` on the class prototype too, as the built-in errors do (`TypeError.prototype.name`). Besides
 * naming instances, it gives the prototype an own property: Pulumi's serializer skips a prototype holding only
 * `constructor`, and with it the link to `Error.prototype`, so `instanceof Error` would fail inside the Lambda.
 */
function nameErrorClass(errorClass: { prototype: Error }, name: string): void {
  Object.defineProperty(errorClass.prototype, "name", { value: name, writable: true, configurable: true });
}

/** An order error class without fields of its own: its instances carry `name` and a default message. */
function orderErrorClass(name: string, defaultMessage: string) {
  const OrderError = class extends Error {
    constructor(message: string = defaultMessage) {
      super(message);
      completeError(this, name, message);
    }
  };
  nameErrorClass(OrderError, name);
  Object.defineProperty(OrderError, "name", { value: name });
  return OrderError;
}

/**
 * The order event is malformed. Never transient: the workflow must catch it (OrderValidationFailed), not retry it.
 * The message lists every problem, so one failed execution tells the sender everything to fix.
 */
export class ValidationError extends Error {
  /** Every problem found, each naming its field (e.g. `items[0].quantity must be a positive integer`). */
  readonly problems: string[];

  constructor(problems: string[]) {
    const message = `Order failed validation with ${problems.length} problem(s): ${problems.join("; ")}`;
    super(message);
    completeError(this, "ValidationError", message);
    this.problems = [...problems];
  }
}
nameErrorClass(ValidationError, "ValidationError");

/** The card was declined for lack of funds. Permanent for this order: routed to RefundAndFail. */
export const InsufficientFundsError = orderErrorClass("InsufficientFundsError", "The card was declined: insufficient funds");
export type InsufficientFundsError = InstanceType<typeof InsufficientFundsError>;

/** The payment processor is down. Not retried in place: the order is queued for a later retry (QueueForRetry). */
export const PaymentProcessorDown = orderErrorClass("PaymentProcessorDown", "The payment processor is unavailable");
export type PaymentProcessorDown = InstanceType<typeof PaymentProcessorDown>;

/** The card was refused for a reason other than funds (e.g. an unknown token). Permanent for this order. */
export const CardDeclinedError = orderErrorClass("CardDeclinedError", "The card was declined");
export type CardDeclinedError = InstanceType<typeof CardDeclinedError>;

/** A dependency throttled the request. Transient: retry with backoff. */
export const ThrottlingException = orderErrorClass("ThrottlingException", "Rate exceeded");
export type ThrottlingException = InstanceType<typeof ThrottlingException>;

/** A dependency is briefly unavailable. Transient: retry with backoff. */
export const ServiceUnavailableException = orderErrorClass("ServiceUnavailableException", "Service temporarily unavailable");
export type ServiceUnavailableException = InstanceType<typeof ServiceUnavailableException>;

/** At least one item cannot be shipped. The order stays charged; the fulfillment branch records the failure. */
export class OutOfStockError extends Error {
  /** The SKUs that are out of stock. */
  readonly skus: string[];

  constructor(skus: string[]) {
    const message = `Out of stock: ${skus.join(", ")}`;
    super(message);
    completeError(this, "OutOfStockError", message);
    this.skus = [...skus];
  }
}
nameErrorClass(OutOfStockError, "OutOfStockError");

/** The mail provider refused the confirmation email (bounced or suppressed address). */
export const EmailRejectedError = orderErrorClass("EmailRejectedError", "The confirmation email was rejected");
export type EmailRejectedError = InstanceType<typeof EmailRejectedError>;

/** A refund could not be made. Needs a human: routed to RefundFailedManualIntervention. */
export const RefundFailedError = orderErrorClass("RefundFailedError", "The refund failed");
export type RefundFailedError = InstanceType<typeof RefundFailedError>;

/**
 * The gateway did not answer in time, or its answer was lost: the charge may or may not have been made. Never
 * retried blindly: the workflow asks the gateway by idempotency key (ReconcilePayment).
 */
export const PaymentOutcomeUnknown = orderErrorClass("PaymentOutcomeUnknown", "The payment gateway's answer is unknown");
export type PaymentOutcomeUnknown = InstanceType<typeof PaymentOutcomeUnknown>;

/** The gateway is still processing the charge under this key. Transient: ask again later. */
export const PaymentPending = orderErrorClass("PaymentPending", "The charge is still being processed");
export type PaymentPending = InstanceType<typeof PaymentPending>;

/**
 * An earlier charge attempt of the order has no known outcome, and the gateway no longer remembers its key (its key
 * retention has passed): whether money moved cannot be told, so the order is not charged again but handed to a
 * person (PaymentUnresolvedManualIntervention).
 */
export const PaymentUnverifiable = orderErrorClass("PaymentUnverifiable", "The outcome of an earlier charge attempt cannot be verified");
export type PaymentUnverifiable = InstanceType<typeof PaymentUnverifiable>;

/** The gateway has no charge under this key: nothing was taken, the charge may be retried (QueueForRetry). */
export const PaymentNotTaken = orderErrorClass("PaymentNotTaken", "No charge was made for this order");
export type PaymentNotTaken = InstanceType<typeof PaymentNotTaken>;

/**
 * The same idempotency key came with another amount or currency (Stripe answers 400 `idempotency_error`): refused,
 * never charged twice. Permanent: routed to DuplicateOrderRejected.
 */
export const PaymentIdempotencyConflict = orderErrorClass(
  "PaymentIdempotencyConflict",
  "This idempotency key was already used with another amount or currency",
);
export type PaymentIdempotencyConflict = InstanceType<typeof PaymentIdempotencyConflict>;

/**
 * Error names worth retrying in place (the article's "Right" retry rule). Everything else is permanent for
 * the order and goes to a Catch. Use it in `retry: [{ errors: [...TRANSIENT_ERROR_NAMES], ... }]`.
 */
export const TRANSIENT_ERROR_NAMES = ["ThrottlingException", "ServiceUnavailableException"] as const;
