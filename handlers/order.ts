/**
 * The data that flows through the order workflow, state by state. Types only: nothing here runs, so the
 * handlers import it with `import type` and it never reaches a Lambda archive.
 */

/** One line of an order. */
export interface OrderItem {
  sku: string;
  /** A positive integer. */
  quantity: number;
  /** Price of one unit in `currency`, non-negative. */
  unitPrice: number;
}

/** The `detail` of an `Order Placed` event, as the order service sends it. */
export interface OrderDetail {
  orderId: string;
  customerId: string;
  items: OrderItem[];
  /** Must equal the sum of `quantity * unitPrice`, to the cent. */
  totalAmount: number;
  /** ISO 4217 code, three upper-case letters. @default "USD" */
  currency?: string;
  /** The payment provider's card token (never a card number). Never logged. */
  cardToken: string;
}

/** An EventBridge event envelope; `TDetail` is what the producer put in `detail`. */
export interface EventBridgeEvent<TDetailType extends string, TDetail> {
  version: string;
  id: string;
  "detail-type": TDetailType;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: TDetail;
}

/** The event that starts the workflow: source `order.service`, detail-type `Order Placed`. */
export type OrderPlacedEvent = EventBridgeEvent<"Order Placed", OrderDetail>;

/** The output of ValidateOrder: a checked order, currency defaulted. The input of ChargeCard. */
export interface ValidatedOrder {
  orderId: string;
  customerId: string;
  items: OrderItem[];
  totalAmount: number;
  /** Defaulted to `"USD"` when the event has none. */
  currency: string;
  cardToken: string;
}

/** The output of ChargeCard. */
export interface ChargeResult {
  chargeId: string;
  amount: number;
  currency: string;
  status: "CHARGED";
}

/**
 * What the gateway knows of a charge by its idempotency key: `CHARGED` (with the charge), `PENDING` (still being
 * processed), `DECLINED` (with the decline's error name) or `NOT_FOUND` (never received, or refused before processing).
 */
export type ChargeLookup =
  | { status: "CHARGED"; charge: ChargeResult }
  | { status: "PENDING" }
  | { status: "DECLINED"; error: string; message: string }
  | { status: "NOT_FOUND" };

/** What FulfillOrder and SendConfirmationEmail receive: the order and its payment. */
export interface PaidOrder {
  order: ValidatedOrder;
  payment: ChargeResult;
}

/** The output of FulfillOrder. */
export interface FulfillmentResult {
  status: "FULFILLED";
  fulfillmentId: string;
  /** Total units shipped. */
  itemCount: number;
}

/** The output of SendConfirmationEmail. */
export interface EmailResult {
  status: "SENT";
  messageId: string;
  customerId: string;
}

/** The error object a Catch writes at its `resultPath` (AWS spells the keys with capitals). */
export interface StepError {
  Error: string;
  Cause: string;
}

/**
 * What a parallel branch outputs when its task failed and the branch recovered (LogFulfillmentFailure,
 * LogEmailFailure): the order goes on, and MarkOrderComplete reports the branch as `FAILED`.
 */
export interface BranchFailure {
  status: "FAILED";
  message: string;
  /** The caught error, when the branch kept it. */
  error?: StepError;
}

/** The input of MarkOrderComplete: the paid order plus the FulfillmentAndNotification output, in branch order. */
export interface CompletionInput extends PaidOrder {
  fulfillment: [FulfillmentResult | BranchFailure, EmailResult | BranchFailure];
}

/** The output of MarkOrderComplete and the `detail` of the `Order Processed` event. */
export interface OrderProcessed {
  orderId: string;
  customerId: string;
  chargeId: string;
  amount: number;
  currency: string;
  fulfillmentStatus: "FULFILLED" | "FAILED";
  emailStatus: "SENT" | "FAILED";
  status: "COMPLETED";
  /** ISO 8601 timestamp from the services' clock. */
  completedAt: string;
}

/** The input of RefundAndFail: the order and, when reached through a Catch, the error that led there. */
export interface RefundInput {
  order: ValidatedOrder;
  error?: StepError;
}

/** The output of RefundAndFail. `NOTHING_TO_REFUND` when no charge was ever made (a recorded no-op). */
export interface RefundResult {
  status: "REFUNDED" | "NOTHING_TO_REFUND";
  refundId?: string;
}
