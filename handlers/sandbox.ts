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
 * the first is still in flight waits for the first's answer (from another process, which cannot await it, it gets
 * `PaymentPending`: ask again later), and the same key with another amount or currency is
 * refused with `PaymentIdempotencyConflict` (Stripe's 400 `idempotency_error`). `payments.lookup(key)` tells what
 * became of a key. Faults can also be injected per call through {@link SandboxOptions.faults}, a plan that decides
 * for each call (operation, order, attempt) whether it is slow, loses its answer, is throttled, and so on.
 *
 * State that more than one step must see is in the sandbox TABLES ({@link SandboxOptions.tables}): the payment
 * gateway's ledger (idempotency keys, charges, refunds, whether the order's card refuses refunds) and the order
 * records (the program's charge ledger, completed orders). Deployed, those are the order stack's DynamoDB tables
 * (`sandbox-payment-ledger`, `sandbox-order-records`), so ReconcilePayment and RefundAndFail see ChargeCard's charge
 * though each runs in a Lambda of its own; locally they are the same tables in the local DynamoDB stand-in. What only
 * a test reads ({@link SandboxServices.activity}: the log of what this process's sandbox did, the fault plan's call
 * counts) and the answers of charges still in flight stay in the process's memory: one instance shared by every step
 * (tests, the soak, in-process runs) logs the whole story, a deployed Lambda only its own calls. That memory is kept in
 * plain objects and arrays (no Map/Set, no class instances) so that Pulumi's closure serialization can capture the
 * services object.
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
import { inMemorySandboxTables, type SandboxTable, type SandboxTables } from "./sandboxTables";

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
  /**
   * Where the state more than one step sees is kept (see this module's documentation): the order stack's DynamoDB
   * tables ({@link dynamoDbSandboxTables}), or in this process's memory.
   * @default inMemorySandboxTables() (fresh, empty tables)
   */
  tables?: SandboxTables;
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
  /** Calls per `<operation>:<order id>`, for the fault plan's `attempt`. */
  callsByOperation: Record<string, number>;
}

/**
 * What an idempotency key was used for (amount, currency), when (`usedAt`, epoch ms by `now`), how its charge ended
 * and, once settled, when the gateway forgets it (`forgetAt`): a `key#<key>` item of the payment ledger table. A
 * refund decides by the card the key was used with (`refundFails`: `tok_refund_unavailable`).
 */
type ChargeKeyRecord = { amount: number; currency: string; usedAt: number; refundFails: boolean } & (
  | { status: "PENDING" }
  | { status: "CHARGED"; forgetAt: number; charge: string }
  | { status: "DECLINED"; forgetAt: number; error: keyof typeof DECLINES; message: string }
);

/** Charges this process is still making, by key (their answers are promises: they cannot live in a table). */
interface InFlightCharges {
  charges: Record<string, { amount: number; currency: string; answer: Promise<ChargeResult> }>;
  /**
   * Charge calls of this process under way, by key, from the request to its answer: a refund or lookup meanwhile
   * sees the charge in flight, as the gateway would, before its ledger says so.
   */
  underWay: Record<string, number>;
  /** The charge calls that will end (a `tok_hang` charge without `hangMs` never does). */
  settling: Promise<unknown>[];
}

/** The decline errors a charge can end with, by name: a repeated key replays its decline. */
const DECLINES = { InsufficientFundsError, CardDeclinedError } as const;

/** The payment ledger's items: what each idempotency key did, each order's first charge and its refund. */
const LEDGER = {
  key: (idempotencyKey: string) => `key#${idempotencyKey}`,
  charge: (orderId: string) => `charge#${orderId}`,
  refund: (orderId: string) => `refund#${orderId}`,
};

/**
 * The SANDBOX payment gateway (test mode): charges and refunds decided by its ledger table (keyed, as a real
 * provider's), logged in `state` for tests; no money moves.
 */
function createSandboxPaymentGateway(
  state: SandboxState,
  inFlight: InFlightCharges,
  options: SandboxOptions,
  now: () => Date,
  ledger: SandboxTable,
  faultOf: FaultInjector,
): PaymentGateway {
  const retentionMs = (options.keyRetentionSeconds ?? SANDBOX_KEY_RETENTION_SECONDS) * 1000;
  /** The key's record, unless the gateway has forgotten it (a settled key past its retention; never one in flight). */
  const keyRecord = async (idempotencyKey: string): Promise<ChargeKeyRecord | undefined> => {
    const known = (await ledger.get(LEDGER.key(idempotencyKey))) as ChargeKeyRecord | undefined;
    if (known && known.status !== "PENDING" && now().getTime() >= known.forgetAt) return undefined;
    return known;
  };
  const conflict = (idempotencyKey: string, known: { amount: number; currency: string }, order: ValidatedOrder) => {
    if (known.amount === order.totalAmount && known.currency === order.currency) return;
    throw new PaymentIdempotencyConflict(
      `Sandbox: idempotency key ${idempotencyKey} was used for ${known.amount} ${known.currency}, not ${order.totalAmount} ${order.currency}`,
    );
  };
  /** The first outcome of a key already used (this process's charge in flight, or the ledger's record), else undefined. */
  const knownOutcome = async (order: ValidatedOrder, idempotencyKey: string): Promise<ChargeResult | undefined> => {
    const flying = inFlight.charges[idempotencyKey];
    if (flying) {
      conflict(idempotencyKey, flying, order);
      return flying.answer;
    }
    const known = await keyRecord(idempotencyKey);
    if (!known) return undefined;
    conflict(idempotencyKey, known, order);
    // In flight in another process (another Lambda): its answer cannot be awaited here; asking again later settles it.
    if (known.status === "PENDING") throw new PaymentPending(`Sandbox: the charge under key ${idempotencyKey} is still in flight`);
    if (known.status === "DECLINED") throw new DECLINES[known.error](known.message);
    return JSON.parse(known.charge) as ChargeResult;
  };
  const record = async (order: ValidatedOrder, idempotencyKey: string, usedAt: number): Promise<ChargeResult> => {
    const charge: SandboxCharge = {
      chargeId: `ch_sandbox_${order.orderId}`,
      amount: order.totalAmount,
      currency: order.currency,
      status: "CHARGED",
      orderId: order.orderId,
      idempotencyKey,
      chargedAt: now().toISOString(),
    };
    const result = toChargeResult(charge);
    const settled: ChargeKeyRecord = {
      amount: charge.amount,
      currency: charge.currency,
      usedAt,
      refundFails: refundFails(order),
      status: "CHARGED",
      forgetAt: usedAt + retentionMs,
      charge: JSON.stringify(result),
    };
    await ledger.put(LEDGER.key(idempotencyKey), settled);
    // The order's first charge is what a refund gives back.
    await ledger.put(LEDGER.charge(order.orderId), { ...result, chargedAt: charge.chargedAt }, { absent: true });
    state.charges.push(charge);
    return result;
  };
  const decline = async (order: ValidatedOrder, idempotencyKey: string, error: keyof typeof DECLINES, message: string): Promise<never> => {
    const usedAt = now().getTime();
    const declined: ChargeKeyRecord = {
      amount: order.totalAmount,
      currency: order.currency,
      usedAt,
      refundFails: refundFails(order),
      status: "DECLINED",
      forgetAt: usedAt + retentionMs,
      error,
      message,
    };
    await ledger.put(LEDGER.key(idempotencyKey), declined);
    throw new DECLINES[error](message);
  };

  /** A charge: idempotent on its key as a real provider's, decided by the ledger table. */
  const makeCharge = async (order: ValidatedOrder, idempotencyKey: string): Promise<ChargeResult> => {
    state.chargeCalls += 1;
    const attempt = (state.chargeCallsByOrder[order.orderId] ?? 0) + 1;
    state.chargeCallsByOrder[order.orderId] = attempt;
    // Idempotency first, as a real provider does: a key once processed answers with its first outcome, in flight included.
    const known = await knownOutcome(order, idempotencyKey);
    if (known) return known;

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
      await decline(
        order,
        idempotencyKey,
        "InsufficientFundsError",
        `Sandbox: card declined for order ${order.orderId}: insufficient funds`,
      );
    }
    if (!order.cardToken.startsWith("tok_")) {
      await decline(
        order,
        idempotencyKey,
        "CardDeclinedError",
        `Sandbox: unknown card token for order ${order.orderId}; use a tok_ test token`,
      );
    }
    if (fault === "declined")
      await decline(order, idempotencyKey, "CardDeclinedError", `Sandbox: card declined for order ${order.orderId}`);

    // The key is taken for this charge unless another request holds it or the gateway still remembers it.
    const usedAt = now().getTime();
    const pending: ChargeKeyRecord = {
      status: "PENDING",
      amount: order.totalAmount,
      currency: order.currency,
      usedAt,
      refundFails: refundFails(order),
    };
    const reserved = await ledger.put(LEDGER.key(idempotencyKey), pending, {
      anyOf: [{ absent: true }, { field: "forgetAt", atMost: usedAt }],
    });
    if (!reserved || inFlight.charges[idempotencyKey]) {
      const first = await knownOutcome(order, idempotencyKey);
      if (first) return first;
      throw new PaymentPending(`Sandbox: the charge under key ${idempotencyKey} is still in flight`);
    }
    const delayMs =
      order.cardToken === SANDBOX_CARD_TOKENS.hang
        ? options.hangMs
        : fault === "slowAnswer"
          ? slowAnswerMs(options.slowAnswerMs, {
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
    const flying = { amount: order.totalAmount, currency: order.currency, answer: charged };
    inFlight.charges[idempotencyKey] = flying;
    if (delayMs !== undefined) {
      // Settled: from now on the ledger answers for the key (and forgets it after the retention).
      const settled = charged.finally(() => {
        if (inFlight.charges[idempotencyKey] === flying) delete inFlight.charges[idempotencyKey];
      });
      inFlight.settling.push(settled);
    }
    if (fault === "lostAnswer") {
      await charged;
      throw new PaymentOutcomeUnknown(`Sandbox: the answer to the charge of order ${order.orderId} was lost (the charge was made)`);
    }
    return charged;
  };

  return {
    keyRetentionSeconds: retentionMs / 1000,
    charge(order, idempotencyKey) {
      inFlight.underWay[idempotencyKey] = (inFlight.underWay[idempotencyKey] ?? 0) + 1;
      const call = makeCharge(order, idempotencyKey).finally(() => {
        inFlight.underWay[idempotencyKey] -= 1;
      });
      if (order.cardToken !== SANDBOX_CARD_TOKENS.hang || options.hangMs !== undefined) inFlight.settling.push(call.catch(() => undefined));
      return call;
    },

    async lookup(idempotencyKey) {
      faultOf("lookup", idempotencyKey);
      if ((inFlight.underWay[idempotencyKey] ?? 0) > 0) return { status: "PENDING" };
      const known = await keyRecord(idempotencyKey);
      if (!known) return { status: "NOT_FOUND" };
      if (known.status === "PENDING") return { status: "PENDING" };
      if (known.status === "DECLINED") return { status: "DECLINED", error: known.error, message: known.message };
      return { status: "CHARGED", charge: JSON.parse(known.charge) as ChargeResult };
    },

    async refund(orderId) {
      // The order id is the charge's key: a charge still in flight cannot be refunded yet, nor declared absent.
      const key = (await ledger.get(LEDGER.key(orderId))) as ChargeKeyRecord | undefined;
      if ((inFlight.underWay[orderId] ?? 0) > 0 || key?.status === "PENDING") {
        throw new PaymentPending(`Sandbox: the charge of order ${orderId} is still in flight`);
      }
      const charge = (await ledger.get(LEDGER.charge(orderId))) as (ChargeResult & { chargedAt: string }) | undefined;
      // An injected refund fault needs something to refund; tok_refund_unavailable fails even a refund of nothing.
      if (key?.refundFails === true || (charge && faultOf("refund", orderId) === "failed")) {
        state.refundRequests.push({ orderId, outcome: "FAILED" });
        throw new RefundFailedError(`Sandbox: the refund of order ${orderId} cannot be processed`);
      }
      if (!charge) {
        state.refundRequests.push({ orderId, outcome: "NOTHING_TO_REFUND" });
        return { status: "NOTHING_TO_REFUND" };
      }
      const refund: SandboxRefund = {
        refundId: `re_sandbox_${orderId}`,
        orderId,
        chargeId: charge.chargeId,
        amount: charge.amount,
        currency: charge.currency,
      };
      // At most once: a retried or repeated refund reports the first one and moves no more money.
      if (!(await ledger.put(LEDGER.refund(orderId), { ...refund }, { absent: true }))) {
        const previous = await ledger.get(LEDGER.refund(orderId));
        state.refundRequests.push({ orderId, outcome: "ALREADY_REFUNDED" });
        return { status: "REFUNDED", refundId: String(previous?.refundId ?? refund.refundId) };
      }
      state.refunds.push(refund);
      state.refundRequests.push({ orderId, outcome: "REFUNDED" });
      return { status: "REFUNDED", refundId: refund.refundId } satisfies RefundResult;
    },
  };
}

/** Asks the fault plan about one call (see {@link faultInjector}): the fault to act on, if any. */
type FaultInjector = (operation: SandboxOperation, orderId: string) => SandboxFault | undefined;

/**
 * The services' {@link FaultInjector}. Decided when the services are created, as a deployment decides what a step
 * captures: without a plan no call is ever faulted, and the services capture none of the fault-injection code (nor the
 * error classes only it throws) into their steps' Lambdas.
 */
function faultInjector(state: SandboxState, plan: SandboxFaultPlan | undefined): FaultInjector {
  return plan ? (operation, orderId) => injectedFault(state, plan, operation, orderId) : noFault;
}

/** The {@link FaultInjector} of services without a fault plan. */
const noFault: FaultInjector = () => undefined;

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

/**
 * The SANDBOX charge ledger (test mode): the order program's charge records, a `ledger#<order id>` item each in the
 * order records table, never expired.
 */
function createSandboxChargeLedger(records: SandboxTable): ChargeLedger {
  const id = (orderId: string) => `ledger#${orderId}`;
  return {
    async get(orderId) {
      const item = await records.get(id(orderId));
      return item && (JSON.parse(String(item.entry)) as ChargeLedgerEntry);
    },
    async recordAttempt(orderId, attemptedAt) {
      const entry: ChargeLedgerEntry = { status: "ATTEMPTED", attemptedAt: attemptedAt.toISOString() };
      await records.put(id(orderId), { status: entry.status, entry: JSON.stringify(entry) }, { absent: true });
    },
    async recordCharge(orderId, charge) {
      const entry: ChargeLedgerEntry = { status: "CHARGED", charge: { ...charge } };
      await records.put(id(orderId), { status: entry.status, entry: JSON.stringify(entry) });
    },
    async clear(orderId) {
      await records.remove(id(orderId), { field: "status", equals: "ATTEMPTED" });
    },
  };
}

/** Whether the sandbox fails refunds of this order's card (`tok_refund_unavailable`). */
function refundFails(order: ValidatedOrder): boolean {
  return order.cardToken === SANDBOX_CARD_TOKENS.refundUnavailable;
}

/**
 * How long a `slowAnswer` call takes (see {@link SandboxOptions.slowAnswerMs}). Takes the setting, not the options: a
 * service that passed its whole options would carry them all (the tables' clients too) into its step's Lambda.
 */
function slowAnswerMs(setting: SandboxOptions["slowAnswerMs"], call: SandboxCall): number {
  return typeof setting === "function" ? setting(call) : (setting ?? 30_000);
}

/** The SANDBOX warehouse (test mode): shipments recorded in `state`, nothing ships. */
function createSandboxFulfillmentService(state: SandboxState, options: SandboxOptions, faultOf: FaultInjector): FulfillmentService {
  return {
    async fulfill(order) {
      const attempt = (state.callsByOperation[`fulfill:${order.orderId}`] ?? 0) + 1;
      const fault = faultOf("fulfill", order.orderId);
      if (fault === "failed") throw new OutOfStockError(order.items.map((i) => i.sku));
      // A slow warehouse ships all the same, even when the caller has stopped waiting.
      if (fault === "slowAnswer") {
        const delayMs = slowAnswerMs(options.slowAnswerMs, { operation: "fulfill", orderId: order.orderId, attempt });
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
function createSandboxEmailService(state: SandboxState, faultOf: FaultInjector): EmailService {
  return {
    async sendOrderConfirmation(order, payment) {
      const fault = faultOf("email", order.orderId);
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

/** The SANDBOX order store (test mode): completed orders as `order#<order id>` items of the order records table, logged in `state`. */
function createSandboxOrderRepository(state: SandboxState, faultOf: FaultInjector, records: SandboxTable): OrderRepository {
  const id = (orderId: string) => `order#${orderId}`;
  return {
    async markComplete(summary) {
      if (faultOf("markComplete", summary.orderId) === "failed") {
        throw new ServiceUnavailableException(`Sandbox: the order store refused order ${summary.orderId}`);
      }
      await records.put(id(summary.orderId), { summary: JSON.stringify(summary) });
      const index = state.completedOrders.findIndex((o) => o.orderId === summary.orderId);
      if (index >= 0) state.completedOrders[index] = { ...summary };
      else state.completedOrders.push({ ...summary });
    },
    async get(orderId) {
      const item = await records.get(id(orderId));
      return item && (JSON.parse(String(item.summary)) as OrderProcessed);
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
    callsByOperation: {},
  };
  const inFlight: InFlightCharges = { charges: {}, underWay: {}, settling: [] };
  const now = options.now ?? (() => new Date());
  const tables = options.tables ?? inMemorySandboxTables();
  const faultOf = faultInjector(state, options.faults);
  return {
    payments: createSandboxPaymentGateway(state, inFlight, options, now, tables.paymentLedger, faultOf),
    charges: createSandboxChargeLedger(tables.orderRecords),
    fulfillment: createSandboxFulfillmentService(state, options, faultOf),
    email: createSandboxEmailService(state, faultOf),
    orders: createSandboxOrderRepository(state, faultOf, tables.orderRecords),
    now: () => now(),
    activity: () => {
      const { callsByOperation: _calls, ...activity } = state;
      return structuredClone(activity);
    },
    idle: async () => {
      await Promise.all(inFlight.settling);
    },
  };
}
