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
  /**
   * How long the gateway remembers an idempotency key, in seconds (Stripe: 24 h). Past it, a charge with the same
   * key is a new charge and a lookup answers `NOT_FOUND`: the {@link ChargeLedger} is what stops a second charge then.
   */
  readonly keyRetentionSeconds: number;
}

/**
 * What the order program itself knows of each order's charge, kept as long as an order may be replayed (longer than
 * any gateway keeps a key). ChargeCard consults it before calling the gateway and ReconcilePayment writes what it
 * settles, so an order charged once is never charged again, whatever the gateway still remembers.
 */
export interface ChargeLedger {
  /** The order's entry, if any. */
  get(orderId: string): Promise<ChargeLedgerEntry | undefined>;
  /** Records that a charge is about to be sent under the order's key (kept if an earlier attempt is on record). */
  recordAttempt(orderId: string, attemptedAt: Date): Promise<void>;
  /** Records the order's charge: from now on the order is charged, whoever asks. */
  recordCharge(orderId: string, charge: ChargeResult): Promise<void>;
  /** Forgets an attempt known to have taken nothing (a decline, a refusal before processing). */
  clear(orderId: string): Promise<void>;
}

/** An order's ledger entry: a charge attempt of unknown outcome (since `attemptedAt`, ISO 8601), or its charge. */
export type ChargeLedgerEntry = { status: "ATTEMPTED"; attemptedAt: string } | { status: "CHARGED"; charge: ChargeResult };

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
  /** The order program's own record of charges (see {@link ChargeLedger}). */
  charges: ChargeLedger;
  fulfillment: FulfillmentService;
  email: EmailService;
  orders: OrderRepository;
  /** The clock, injectable so that timestamps (e.g. `completedAt`) are deterministic in tests. */
  now(): Date;
}
