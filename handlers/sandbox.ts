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
 * Charges are keyed by the caller's idempotency key, as a real provider's (Stripe's `Idempotency-Key`): a key once
 * processed answers every later request with its first outcome (a charge, or a decline) for as long as the gateway
 * keeps it ({@link SandboxOptions.keyRetentionSeconds}, 24 h; then it is forgotten), a request arriving while
 * the first is still in flight waits for the first's answer, and the same key with another amount or currency is
 * refused with `PaymentIdempotencyConflict` (Stripe's 400 `idempotency_error`). `payments.lookup(key)` tells what
 * became of a key. Faults can also be injected per call through {@link SandboxOptions.faults}, a plan that decides
 * for each call (operation, order, attempt) whether it is slow, loses its answer, is throttled, and so on.
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
  PaymentIdempotencyConflict,
  PaymentOutcomeUnknown,
  PaymentPending,
  PaymentProcessorDown,
  RefundFailedError,
  ServiceUnavailableException,
  ThrottlingException,
} from "./errors";
import type { ChargeResult, EmailResult, FulfillmentResult, OrderProcessed, RefundResult, ValidatedOrder } from "./order";
import type {
  ChargeLedger,
  ChargeLedgerEntry,
  EmailService,
  FulfillmentService,
  OrderRepository,
  OrderServices,
  PaymentGateway,
} from "./services";

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
  /** Decides, per call, which fault (if any) the sandbox injects: a seeded plan makes a fault-injection run repeatable. @default none */
  faults?: SandboxFaultPlan;
  /**
   * How long a call with the `slowAnswer` fault takes to answer (it is made all the same): milliseconds, or per call
   * (a plan's own delays). @default 30_000
   */
  slowAnswerMs?: number | ((call: SandboxCall) => number);
  /**
   * How long the gateway remembers an idempotency key, from the charge it was first used for (by `now`): after that,
   * the same key charges again and a lookup answers `NOT_FOUND`, as a real gateway's does (Stripe keeps keys 24 h).
   * @default 86_400 (24 hours; {@link SANDBOX_KEY_RETENTION_SECONDS})
   */
  keyRetentionSeconds?: number;
}

/** How long the sandbox gateway keeps an idempotency key by default: 24 hours, as Stripe does. */
export const SANDBOX_KEY_RETENTION_SECONDS = 24 * 3600;

/** The sandbox calls a fault plan decides on. Payment calls are named by their idempotency key (the order id here). */
export type SandboxOperation = "charge" | "lookup" | "refund" | "fulfill" | "email" | "markComplete";

/** One call, as a fault plan sees it: `attempt` counts the calls of this operation for this order, from 1. */
export interface SandboxCall {
  operation: SandboxOperation;
  orderId: string;
  attempt: number;
}

/**
 * A fault the sandbox injects into one call:
 * - `throttled`, `unavailable`, `processorDown`: the call is refused before anything is done (`ThrottlingException`,
 *   `ServiceUnavailableException`, `PaymentProcessorDown`);
 * - `slowAnswer` (charge, fulfill): the charge is made (the order shipped) and answered after
 *   {@link SandboxOptions.slowAnswerMs};
 * - `lostAnswer` (charge): the charge is made, but the caller gets `PaymentOutcomeUnknown` (a lost network answer);
 * - `declined` (charge): `CardDeclinedError`, recorded under the key;
 * - `failed`: refund `RefundFailedError`, fulfill `OutOfStockError`, email `EmailRejectedError`, markComplete
 *   `ServiceUnavailableException`.
 */
export type SandboxFault = "throttled" | "unavailable" | "processorDown" | "slowAnswer" | "lostAnswer" | "declined" | "failed";

/** A fault plan: the fault to inject into a call, or undefined for none. */
export type SandboxFaultPlan = (call: SandboxCall) => SandboxFault | undefined;

/** A charge the sandbox made. */
export interface SandboxCharge extends ChargeResult {
  orderId: string;
  idempotencyKey: string;
  /** When the charge was made (the sandbox's `now`), ISO 8601. */
  chargedAt: string;
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
  /** Every fault the plan injected. */
  injectedFaults: (SandboxCall & { fault: SandboxFault })[];
}

/** The sandbox services: {@link OrderServices} plus a way to read what they did. */
export interface SandboxServices extends OrderServices {
  /** A deep copy of the sandbox's records, so a test cannot alter the sandbox through it. */
  activity(): SandboxActivity;
  /** Resolves once every charge in flight (slow answers) has landed, so that the records are final. */
  idle(): Promise<void>;
}

interface SandboxState extends SandboxActivity {
  /** The card token last charged per order: the refund decides by it (`tok_refund_unavailable`). */
  cardTokens: Record<string, string>;
  /** What each idempotency key was used for, and how it ended. */
  chargeKeys: Record<string, ChargeKeyRecord>;
  /** Calls per `<operation>:<order id>`, for the fault plan's `attempt`. */
  callsByOperation: Record<string, number>;
  /** The order program's charge ledger, by order id (the sandbox's stand-in for a durable table; never expires). */
  chargeLedger: Record<string, ChargeLedgerEntry>;
}

/** What an idempotency key was used for (amount, currency), when (epoch ms, by `now`) and how its charge ended. */
type ChargeKeyRecord = { amount: number; currency: string; usedAt: number } & (
  | { status: "PENDING" }
  | { status: "CHARGED"; charge: ChargeResult }
  | { status: "DECLINED"; error: keyof typeof DECLINES; message: string }
);

/** Charges still being processed, by key (kept apart from the state: promises cannot be copied out). */
interface InFlightCharges {
  charges: Record<string, Promise<ChargeResult>>;
  /** The in-flight charges that will land (a `tok_hang` charge without `hangMs` never does). */
  settling: Promise<unknown>[];
}

/** The decline errors a charge can end with, by name: a repeated key replays its decline. */
const DECLINES = { InsufficientFundsError, CardDeclinedError } as const;

/** The SANDBOX payment gateway (test mode): charges and refunds recorded in `state`, keyed, no money moves. */
function createSandboxPaymentGateway(
  state: SandboxState,
  inFlight: InFlightCharges,
  options: SandboxOptions,
  now: () => Date,
): PaymentGateway {
  const retentionMs = (options.keyRetentionSeconds ?? SANDBOX_KEY_RETENTION_SECONDS) * 1000;
  /** The key's record, unless the gateway has forgotten it (a settled key older than the retention; never one in flight). */
  const keyRecord = (idempotencyKey: string): ChargeKeyRecord | undefined => {
    const known = state.chargeKeys[idempotencyKey];
    if (known && known.status !== "PENDING" && now().getTime() - known.usedAt >= retentionMs) {
      delete state.chargeKeys[idempotencyKey];
      return undefined;
    }
    return known;
  };
  const record = (order: ValidatedOrder, idempotencyKey: string, usedAt: number): ChargeResult => {
    const charge: SandboxCharge = {
      chargeId: `ch_sandbox_${order.orderId}`,
      amount: order.totalAmount,
      currency: order.currency,
      status: "CHARGED",
      orderId: order.orderId,
      idempotencyKey,
      chargedAt: now().toISOString(),
    };
    state.charges.push(charge);
    const result = toChargeResult(charge);
    state.chargeKeys[idempotencyKey] = { amount: charge.amount, currency: charge.currency, usedAt, status: "CHARGED", charge: result };
    return result;
  };
  const decline = (order: ValidatedOrder, idempotencyKey: string, error: keyof typeof DECLINES, message: string): never => {
    const usedAt = now().getTime();
    state.chargeKeys[idempotencyKey] = { amount: order.totalAmount, currency: order.currency, usedAt, status: "DECLINED", error, message };
    throw new DECLINES[error](message);
  };
  const faultOf = (operation: SandboxOperation, orderId: string) => injectedFault(state, options.faults, operation, orderId);

  return {
    keyRetentionSeconds: retentionMs / 1000,
    async charge(order, idempotencyKey) {
      state.chargeCalls += 1;
      const attempt = (state.chargeCallsByOrder[order.orderId] ?? 0) + 1;
      state.chargeCallsByOrder[order.orderId] = attempt;
      state.cardTokens[order.orderId] = order.cardToken;

      // Idempotency first, as a real provider does: a key once processed answers with its first outcome, in flight included.
      const known = keyRecord(idempotencyKey);
      if (known) {
        if (known.amount !== order.totalAmount || known.currency !== order.currency) {
          throw new PaymentIdempotencyConflict(
            `Sandbox: idempotency key ${idempotencyKey} was used for ${known.amount} ${known.currency}, not ${order.totalAmount} ${order.currency}`,
          );
        }
        if (known.status === "PENDING") return inFlight.charges[idempotencyKey];
        if (known.status === "DECLINED") throw new DECLINES[known.error](known.message);
        return { ...known.charge };
      }

      // Refused before processing: nothing is recorded under the key, so a retry may charge.
      const fault = faultOf("charge", order.orderId);
      switch (order.cardToken) {
        case SANDBOX_CARD_TOKENS.processorDown:
          throw new PaymentProcessorDown(`Sandbox: payment processor down while charging order ${order.orderId}`);
        case SANDBOX_CARD_TOKENS.throttleOnce:
          if (attempt === 1) throw new ThrottlingException(`Sandbox: rate exceeded charging order ${order.orderId}`);
          break;
        case SANDBOX_CARD_TOKENS.unavailableOnce:
          if (attempt === 1) throw new ServiceUnavailableException(`Sandbox: processor briefly unavailable for order ${order.orderId}`);
          break;
      }

      // Processed: the outcome is recorded under the key from here on.
      if (order.cardToken === SANDBOX_CARD_TOKENS.insufficientFunds || order.cardToken === SANDBOX_CARD_TOKENS.refundUnavailable) {
        decline(order, idempotencyKey, "InsufficientFundsError", `Sandbox: card declined for order ${order.orderId}: insufficient funds`);
      }
      if (!order.cardToken.startsWith("tok_")) {
        decline(
          order,
          idempotencyKey,
          "CardDeclinedError",
          `Sandbox: unknown card token for order ${order.orderId}; use a tok_ test token`,
        );
      }
      if (fault === "declined") decline(order, idempotencyKey, "CardDeclinedError", `Sandbox: card declined for order ${order.orderId}`);

      const usedAt = now().getTime();
      state.chargeKeys[idempotencyKey] = { status: "PENDING", amount: order.totalAmount, currency: order.currency, usedAt };
      const delayMs =
        order.cardToken === SANDBOX_CARD_TOKENS.hang
          ? options.hangMs
          : fault === "slowAnswer"
            ? slowAnswerMs(options, {
                operation: "charge",
                orderId: order.orderId,
                attempt: state.callsByOperation[`charge:${order.orderId}`],
              })
            : 0;
      // A processor that never answers (tok_hang without hangMs): the key stays PENDING, only a timeout ends the wait.
      const charged =
        delayMs === undefined
          ? new Promise<ChargeResult>(() => undefined)
          : // An immediate answer still lands in a later turn (so an in-flight duplicate sees PENDING), without setTimeout's 1 ms clamp.
            new Promise<void>((resolve) => (delayMs === 0 ? setImmediate(resolve) : setTimeout(resolve, delayMs))).then(() =>
              record(order, idempotencyKey, usedAt),
            );
      inFlight.charges[idempotencyKey] = charged;
      if (delayMs !== undefined) inFlight.settling.push(charged);
      if (fault === "lostAnswer") {
        await charged;
        throw new PaymentOutcomeUnknown(`Sandbox: the answer to the charge of order ${order.orderId} was lost (the charge was made)`);
      }
      return charged;
    },

    async lookup(idempotencyKey) {
      faultOf("lookup", idempotencyKey);
      const known = keyRecord(idempotencyKey);
      if (!known) return { status: "NOT_FOUND" };
      if (known.status === "PENDING") return { status: "PENDING" };
      if (known.status === "DECLINED") return { status: "DECLINED", error: known.error, message: known.message };
      return { status: "CHARGED", charge: { ...known.charge } };
    },

    async refund(orderId) {
      // The order id is the charge's key: a charge still in flight cannot be refunded yet, nor declared absent.
      if (state.chargeKeys[orderId]?.status === "PENDING") {
        throw new PaymentPending(`Sandbox: the charge of order ${orderId} is still in flight`);
      }
      const charge = state.charges.find((c) => c.orderId === orderId);
      // An injected refund fault needs something to refund; tok_refund_unavailable fails even a refund of nothing.
      if (state.cardTokens[orderId] === SANDBOX_CARD_TOKENS.refundUnavailable || (charge && faultOf("refund", orderId) === "failed")) {
        state.refundRequests.push({ orderId, outcome: "FAILED" });
        throw new RefundFailedError(`Sandbox: the refund of order ${orderId} cannot be processed`);
      }
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

/**
 * Counts the call and asks the fault plan about it. Faults that refuse any call (throttled, unavailable, processor
 * down) are thrown here; the others are returned for the operation to act on.
 */
function injectedFault(
  state: SandboxState,
  plan: SandboxFaultPlan | undefined,
  operation: SandboxOperation,
  orderId: string,
): SandboxFault | undefined {
  const counter = `${operation}:${orderId}`;
  const attempt = (state.callsByOperation[counter] = (state.callsByOperation[counter] ?? 0) + 1);
  const fault = plan?.({ operation, orderId, attempt });
  if (fault) state.injectedFaults.push({ operation, orderId, attempt, fault });
  if (fault === "throttled") throw new ThrottlingException(`Sandbox: rate exceeded (${operation} of order ${orderId})`);
  if (fault === "unavailable") throw new ServiceUnavailableException(`Sandbox: service unavailable (${operation} of order ${orderId})`);
  if (fault === "processorDown") throw new PaymentProcessorDown(`Sandbox: payment processor down (${operation} of order ${orderId})`);
  return fault;
}

/** The SANDBOX charge ledger (test mode): the order program's charge records, kept in `state` and never expired. */
function createSandboxChargeLedger(state: SandboxState): ChargeLedger {
  return {
    async get(orderId) {
      const entry = state.chargeLedger[orderId];
      return entry && structuredClone(entry);
    },
    async recordAttempt(orderId, attemptedAt) {
      state.chargeLedger[orderId] ??= { status: "ATTEMPTED", attemptedAt: attemptedAt.toISOString() };
    },
    async recordCharge(orderId, charge) {
      state.chargeLedger[orderId] = { status: "CHARGED", charge: { ...charge } };
    },
    async clear(orderId) {
      if (state.chargeLedger[orderId]?.status === "ATTEMPTED") delete state.chargeLedger[orderId];
    },
  };
}

/** How long a `slowAnswer` call takes (see {@link SandboxOptions.slowAnswerMs}). */
function slowAnswerMs(options: SandboxOptions, call: SandboxCall): number {
  return typeof options.slowAnswerMs === "function" ? options.slowAnswerMs(call) : (options.slowAnswerMs ?? 30_000);
}

/** The SANDBOX warehouse (test mode): shipments recorded in `state`, nothing ships. */
function createSandboxFulfillmentService(state: SandboxState, options: SandboxOptions): FulfillmentService {
  return {
    async fulfill(order) {
      const attempt = (state.callsByOperation[`fulfill:${order.orderId}`] ?? 0) + 1;
      const fault = injectedFault(state, options.faults, "fulfill", order.orderId);
      if (fault === "failed") throw new OutOfStockError(order.items.map((i) => i.sku));
      // A slow warehouse ships all the same, even when the caller has stopped waiting.
      if (fault === "slowAnswer") {
        const delayMs = slowAnswerMs(options, { operation: "fulfill", orderId: order.orderId, attempt });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
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
function createSandboxEmailService(state: SandboxState, faults: SandboxFaultPlan | undefined): EmailService {
  return {
    async sendOrderConfirmation(order, payment) {
      const fault = injectedFault(state, faults, "email", order.orderId);
      if (order.customerId === SANDBOX_BOUNCING_CUSTOMER || fault === "failed") {
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
function createSandboxOrderRepository(state: SandboxState, faults: SandboxFaultPlan | undefined): OrderRepository {
  return {
    async markComplete(summary) {
      if (injectedFault(state, faults, "markComplete", summary.orderId) === "failed") {
        throw new ServiceUnavailableException(`Sandbox: the order store refused order ${summary.orderId}`);
      }
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
    injectedFaults: [],
    cardTokens: {},
    chargeKeys: {},
    callsByOperation: {},
    chargeLedger: {},
  };
  const inFlight: InFlightCharges = { charges: {}, settling: [] };
  const now = options.now ?? (() => new Date());
  return {
    payments: createSandboxPaymentGateway(state, inFlight, options, now),
    charges: createSandboxChargeLedger(state),
    fulfillment: createSandboxFulfillmentService(state, options),
    email: createSandboxEmailService(state, options.faults),
    orders: createSandboxOrderRepository(state, options.faults),
    now: () => now(),
    activity: () => {
      // cardTokens stays private: tests have no business reading card tokens back.
      const { cardTokens: _cardTokens, chargeKeys: _chargeKeys, callsByOperation: _calls, chargeLedger: _ledger, ...activity } = state;
      return structuredClone(activity);
    },
    idle: async () => {
      await Promise.all(inFlight.settling);
    },
  };
}
