/**
 * SANDBOX implementations of the order services: the equivalent of a payment provider's test mode. Nothing
 * leaves the process, no money moves, no email is sent. Behaviour is deterministic (ids are derived from the
 * order id, no randomness) and steered by magic values, like a provider's test card tokens:
 *
 * | value                                   | behaviour                                                           |
 * |-----------------------------------------|---------------------------------------------------------------------|
 * | cardToken `tok_insufficient_funds`      | charge throws `InsufficientFundsError`                              |
 * | cardToken `tok_processor_down`          | charge throws `PaymentProcessorDown`                                |
 * | cardToken `tok_throttle_once`           | first charge attempt of the order throws `ThrottlingException`, the next succeeds |
 * | cardToken `tok_unavailable_once`        | same with `ServiceUnavailableException`                             |
 * | cardToken `tok_refund_unavailable`      | charge throws `InsufficientFundsError`, and the refund throws `RefundFailedError` |
 * | cardToken `tok_hang`                    | charge never settles (or succeeds after `hangMs`, when given)       |
 * | any other cardToken starting `tok_`     | charge succeeds                                                     |
 * | a cardToken not starting `tok_`         | charge throws `CardDeclinedError` (the sandbox knows only test tokens) |
 * | an item sku starting `OUT-OF-STOCK`     | fulfillment throws `OutOfStockError`                                |
 * | customerId `cust-email-bounces`         | the confirmation email throws `EmailRejectedError`                  |
 *
 * State is in memory, in the object {@link createSandboxServices} returns, and only there: one instance shared
 * by every step (tests, the local runner) sees the whole story; separate processes (one per deployed Lambda)
 * each see only their own calls, so a deployed refund step finds no charge and answers `NOTHING_TO_REFUND`.
 * State is kept in plain objects and arrays (no Map/Set, no class instances) so that Pulumi's closure
 * serialization can capture the services object.
 */
import {
  CardDeclinedError,
  EmailRejectedError,
  InsufficientFundsError,
  OutOfStockError,
  PaymentProcessorDown,
  RefundFailedError,
  ServiceUnavailableException,
  ThrottlingException,
} from "./errors";
import type { ChargeResult, EmailResult, FulfillmentResult, OrderProcessed, RefundResult, ValidatedOrder } from "./order";
import type { EmailService, FulfillmentService, OrderRepository, OrderServices, PaymentGateway } from "./services";

/** The sandbox's test card tokens (see the table in this module's documentation). */
export const SANDBOX_CARD_TOKENS = {
  ok: "tok_visa",
  insufficientFunds: "tok_insufficient_funds",
  processorDown: "tok_processor_down",
  throttleOnce: "tok_throttle_once",
  unavailableOnce: "tok_unavailable_once",
  refundUnavailable: "tok_refund_unavailable",
  hang: "tok_hang",
} as const;

/** SKUs starting with this are out of stock in the sandbox warehouse. */
export const SANDBOX_OUT_OF_STOCK_PREFIX = "OUT-OF-STOCK";

/** The sandbox mail provider bounces mail to this customer. */
export const SANDBOX_BOUNCING_CUSTOMER = "cust-email-bounces";

/** Options of {@link createSandboxServices}. */
export interface SandboxOptions {
  /** The clock handed to the handlers as `services.now`. @default () => new Date() */
  now?: () => Date;
  /**
   * Bounds `tok_hang`: the charge then succeeds after this many milliseconds (a slow processor) instead of never
   * settling. @default undefined (never settles)
   */
  hangMs?: number;
}

/** A charge the sandbox made. */
export interface SandboxCharge extends ChargeResult {
  orderId: string;
  idempotencyKey: string;
}

/** A refund the sandbox made (money given back; at most one per order). */
export interface SandboxRefund {
  refundId: string;
  orderId: string;
  chargeId: string;
  amount: number;
  currency: string;
}

/** Every refund request and what came of it, including the no-ops and failures. */
export interface SandboxRefundRequest {
  orderId: string;
  outcome: "REFUNDED" | "ALREADY_REFUNDED" | "NOTHING_TO_REFUND" | "FAILED";
}

/** A shipment the sandbox made. */
export interface SandboxFulfillment extends FulfillmentResult {
  orderId: string;
}

/** An email the sandbox "sent". */
export interface SandboxEmail extends EmailResult {
  orderId: string;
  chargeId: string;
  subject: string;
}

/** A snapshot of everything the sandbox did, for tests to assert on. */
export interface SandboxActivity {
  /** Successful charges, one per order at most (idempotent). */
  charges: SandboxCharge[];
  /** Every call to `payments.charge`, failed, repeated and pending ones included. */
  chargeCalls: number;
  /** `chargeCalls` per order id. */
  chargeCallsByOrder: Record<string, number>;
  refunds: SandboxRefund[];
  refundRequests: SandboxRefundRequest[];
  fulfillments: SandboxFulfillment[];
  emails: SandboxEmail[];
  /** Orders recorded by `orders.markComplete`. */
  completedOrders: OrderProcessed[];
}

/** The sandbox services: {@link OrderServices} plus a way to read what they did. */
export interface SandboxServices extends OrderServices {
  /** A deep copy of the sandbox's records, so a test cannot alter the sandbox through it. */
  activity(): SandboxActivity;
}

interface SandboxState extends SandboxActivity {
  /** The card token last charged per order: the refund decides by it (`tok_refund_unavailable`). */
  cardTokens: Record<string, string>;
}

/** The SANDBOX payment gateway (test mode): charges and refunds recorded in `state`, no money moves. */
function createSandboxPaymentGateway(state: SandboxState, hangMs: number | undefined): PaymentGateway {
  const record = (order: ValidatedOrder, idempotencyKey: string): ChargeResult => {
    const charge: SandboxCharge = {
      chargeId: `ch_sandbox_${order.orderId}`,
      amount: order.totalAmount,
      currency: order.currency,
      status: "CHARGED",
      orderId: order.orderId,
      idempotencyKey,
    };
    state.charges.push(charge);
    return toChargeResult(charge);
  };

  return {
    async charge(order, idempotencyKey) {
      state.chargeCalls += 1;
      const attempt = (state.chargeCallsByOrder[order.orderId] ?? 0) + 1;
      state.chargeCallsByOrder[order.orderId] = attempt;
      state.cardTokens[order.orderId] = order.cardToken;

      // Idempotency first, as a real provider does: a retry of a charge that went through returns it unchanged.
      const existing = state.charges.find((c) => c.idempotencyKey === idempotencyKey);
      if (existing) return toChargeResult(existing);

      switch (order.cardToken) {
        case SANDBOX_CARD_TOKENS.insufficientFunds:
        case SANDBOX_CARD_TOKENS.refundUnavailable:
          throw new InsufficientFundsError(`Sandbox: card declined for order ${order.orderId}: insufficient funds`);
        case SANDBOX_CARD_TOKENS.processorDown:
          throw new PaymentProcessorDown(`Sandbox: payment processor down while charging order ${order.orderId}`);
        case SANDBOX_CARD_TOKENS.throttleOnce:
          if (attempt === 1) throw new ThrottlingException(`Sandbox: rate exceeded charging order ${order.orderId}`);
          return record(order, idempotencyKey);
        case SANDBOX_CARD_TOKENS.unavailableOnce:
          if (attempt === 1) {
            throw new ServiceUnavailableException(`Sandbox: processor briefly unavailable for order ${order.orderId}`);
          }
          return record(order, idempotencyKey);
        case SANDBOX_CARD_TOKENS.hang:
          // A processor that never answers: only a timeout (the Task's TimeoutSeconds) ends the wait.
          if (hangMs === undefined) return new Promise<ChargeResult>(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, hangMs));
          return record(order, idempotencyKey);
        default:
          if (!order.cardToken.startsWith("tok_")) {
            throw new CardDeclinedError(`Sandbox: unknown card token for order ${order.orderId}; use a tok_ test token`);
          }
          return record(order, idempotencyKey);
      }
    },

    async refund(orderId) {
      if (state.cardTokens[orderId] === SANDBOX_CARD_TOKENS.refundUnavailable) {
        state.refundRequests.push({ orderId, outcome: "FAILED" });
        throw new RefundFailedError(`Sandbox: the refund of order ${orderId} cannot be processed`);
      }
      const charge = state.charges.find((c) => c.orderId === orderId);
      if (!charge) {
        state.refundRequests.push({ orderId, outcome: "NOTHING_TO_REFUND" });
        return { status: "NOTHING_TO_REFUND" };
      }
      const previous = state.refunds.find((r) => r.orderId === orderId);
      if (previous) {
        // At most once: a retried or repeated refund reports the first one and moves no more money.
        state.refundRequests.push({ orderId, outcome: "ALREADY_REFUNDED" });
        return { status: "REFUNDED", refundId: previous.refundId };
      }
      const refund: SandboxRefund = {
        refundId: `re_sandbox_${orderId}`,
        orderId,
        chargeId: charge.chargeId,
        amount: charge.amount,
        currency: charge.currency,
      };
      state.refunds.push(refund);
      state.refundRequests.push({ orderId, outcome: "REFUNDED" });
      return { status: "REFUNDED", refundId: refund.refundId } satisfies RefundResult;
    },
  };
}

/** The SANDBOX warehouse (test mode): shipments recorded in `state`, nothing ships. */
function createSandboxFulfillmentService(state: SandboxState): FulfillmentService {
  return {
    async fulfill(order) {
      const missing = order.items.filter((i) => i.sku.startsWith(SANDBOX_OUT_OF_STOCK_PREFIX)).map((i) => i.sku);
      if (missing.length > 0) throw new OutOfStockError(missing);
      const existing = state.fulfillments.find((f) => f.orderId === order.orderId);
      if (existing) return toFulfillmentResult(existing);
      const fulfillment: SandboxFulfillment = {
        status: "FULFILLED",
        fulfillmentId: `ful_sandbox_${order.orderId}`,
        itemCount: order.items.reduce((sum, i) => sum + i.quantity, 0),
        orderId: order.orderId,
      };
      state.fulfillments.push(fulfillment);
      return toFulfillmentResult(fulfillment);
    },
  };
}

/** The SANDBOX mail provider (test mode): emails recorded in `state`, none sent. */
function createSandboxEmailService(state: SandboxState): EmailService {
  return {
    async sendOrderConfirmation(order, payment) {
      if (order.customerId === SANDBOX_BOUNCING_CUSTOMER) {
        throw new EmailRejectedError(`Sandbox: mail to customer ${order.customerId} bounced`);
      }
      const existing = state.emails.find((e) => e.orderId === order.orderId);
      if (existing) return toEmailResult(existing);
      const email: SandboxEmail = {
        status: "SENT",
        messageId: `msg_sandbox_${order.orderId}`,
        customerId: order.customerId,
        orderId: order.orderId,
        chargeId: payment.chargeId,
        subject: `Your order ${order.orderId} is confirmed`,
      };
      state.emails.push(email);
      return toEmailResult(email);
    },
  };
}

/** The SANDBOX order store (test mode): completed orders kept in `state`. */
function createSandboxOrderRepository(state: SandboxState): OrderRepository {
  return {
    async markComplete(summary) {
      const index = state.completedOrders.findIndex((o) => o.orderId === summary.orderId);
      if (index >= 0) state.completedOrders[index] = { ...summary };
      else state.completedOrders.push({ ...summary });
    },
    async get(orderId) {
      const found = state.completedOrders.find((o) => o.orderId === orderId);
      return found && { ...found };
    },
  };
}

// The sandbox records carry bookkeeping fields; handlers get exactly the public result shapes.
function toChargeResult(c: SandboxCharge): ChargeResult {
  return { chargeId: c.chargeId, amount: c.amount, currency: c.currency, status: c.status };
}
function toFulfillmentResult(f: SandboxFulfillment): FulfillmentResult {
  return { status: f.status, fulfillmentId: f.fulfillmentId, itemCount: f.itemCount };
}
function toEmailResult(e: SandboxEmail): EmailResult {
  return { status: e.status, messageId: e.messageId, customerId: e.customerId };
}

/**
 * Creates a fresh, empty set of SANDBOX order services (test mode: no money moves, no mail is sent), with
 * {@link SandboxServices.activity} to read what they did.
 *
 * @example
 * const services = createSandboxServices({ now: () => new Date("2025-01-01T00:00:00Z") });
 * await chargeCard(order, context, services);
 * services.activity().charges; // [{ chargeId: "ch_sandbox_ord-1", ... }]
 */
export function createSandboxServices(options: SandboxOptions = {}): SandboxServices {
  const state: SandboxState = {
    charges: [],
    chargeCalls: 0,
    chargeCallsByOrder: {},
    refunds: [],
    refundRequests: [],
    fulfillments: [],
    emails: [],
    completedOrders: [],
    cardTokens: {},
  };
  const now = options.now ?? (() => new Date());
  return {
    payments: createSandboxPaymentGateway(state, options.hangMs),
    fulfillment: createSandboxFulfillmentService(state),
    email: createSandboxEmailService(state),
    orders: createSandboxOrderRepository(state),
    now: () => now(),
    activity: () => {
      // cardTokens stays private: tests have no business reading card tokens back.
      const { cardTokens: _cardTokens, ...activity } = state;
      return structuredClone(activity);
    },
  };
}
