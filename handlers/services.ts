/**
 * The outside world the order handlers talk to, as small interfaces. Handlers receive an {@link OrderServices}
 * argument instead of importing clients, so the same handler runs against the sandbox in tests and the local
 * runner, and against real providers when deployed; all state lives in the services, none in the handlers.
 */
import type { ChargeLookup, ChargeResult, EmailResult, FulfillmentResult, OrderProcessed, RefundResult, ValidatedOrder } from "./order";

/** Charges and refunds cards. */
export interface PaymentGateway {
  /**
   * Charges `order.totalAmount` to `order.cardToken`. Must be idempotent on `idempotencyKey`: Step Functions
   * retries, and a retried charge must return the first charge, never take the money twice, even while the first
   * is still in flight (as Stripe's `Idempotency-Key`); the same key with another amount or currency throws
   * `PaymentIdempotencyConflict`.
   */
  charge(order: ValidatedOrder, idempotencyKey: string): Promise<ChargeResult>;
  /** What became of the charge made under `idempotencyKey`: how ReconcilePayment settles an unknown outcome. */
  lookup(idempotencyKey: string): Promise<ChargeLookup>;
  /**
   * Refunds the charge recorded for `orderId`, at most once. `NOTHING_TO_REFUND` when there is no charge;
   * throws `RefundFailedError` when the refund cannot be made.
   */
  refund(orderId: string): Promise<RefundResult>;
}

/** Ships orders. Idempotent per order. */
export interface FulfillmentService {
  /** Reserves and ships every item; throws `OutOfStockError` naming the missing SKUs. */
  fulfill(order: ValidatedOrder): Promise<FulfillmentResult>;
}

/** Sends customer emails. Idempotent per order: a retry must not send a second confirmation. */
export interface EmailService {
  /** Sends the order confirmation; throws `EmailRejectedError` when the address refuses mail. */
  sendOrderConfirmation(order: ValidatedOrder, payment: ChargeResult): Promise<EmailResult>;
}

/** Stores the outcome of processed orders. */
export interface OrderRepository {
  /** Records a completed order; recording the same order again overwrites it (retries are harmless). */
  markComplete(summary: OrderProcessed): Promise<void>;
  /** The completed order, if recorded. */
  get(orderId: string): Promise<OrderProcessed | undefined>;
}

/** Everything the order handlers need, passed to each as its third argument. */
export interface OrderServices {
  payments: PaymentGateway;
  fulfillment: FulfillmentService;
  email: EmailService;
  orders: OrderRepository;
  /** The clock, injectable so that timestamps (e.g. `completedAt`) are deterministic in tests. */
  now(): Date;
}
