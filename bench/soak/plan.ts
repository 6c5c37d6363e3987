/**
 * The soak's plan: a seeded, repeatable set of orders, their deliveries (duplicates included) and the faults the
 * SIMULATED services inject into each call. Everything is derived from the seed and the order id, never from the
 * order in which calls happen to arrive, so one seed always injects the same faults.
 */
import type { OrderPlacedEvent, SandboxCall, SandboxFault, SandboxFaultPlan } from "../../handlers";

/** How an order is delivered beyond its first delivery. */
export type DuplicateKind = "sequential" | "concurrent" | "otherAmount" | "afterKeyExpiry";

/** One order of the soak. */
export interface PlannedOrder {
  orderId: string;
  event: OrderPlacedEvent;
  /** Extra deliveries of the same order id (EventBridge delivers at least once; a producer may resend). */
  duplicates: { kind: DuplicateKind; delayMs: number; event: OrderPlacedEvent }[];
  /** The fault, if any, per operation and attempt (1-based); faults not listed are none. */
  faults: Partial<Record<SandboxCall["operation"], SandboxFault[]>>;
  /** How long each `slowAnswer` takes, per operation and attempt, in simulated milliseconds. */
  delays: Partial<Record<SandboxCall["operation"], number[]>>;
}

/** Probabilities of the soak's faults and duplicates, per order. */
export const SOAK_RATES = {
  invalidOrder: 0.01,
  insufficientFunds: 0.03,
  chargeSlowAnswer: 0.08,
  chargeLostAnswer: 0.06,
  chargeThrottled: 0.08,
  chargeProcessorDown: 0.03,
  chargeDeclined: 0.03,
  lookupThrottled: 0.1,
  fulfillUnavailable: 0.05,
  fulfillSlowAnswer: 0.04,
  fulfillFailed: 0.03,
  emailUnavailable: 0.05,
  emailFailed: 0.03,
  recordingFailed: 0.03,
  refundFailed: 0.3,
  sequentialDuplicate: 0.1,
  concurrentDuplicate: 0.1,
  otherAmountDuplicate: 0.03,
  replayAfterKeyExpiry: 0.05,
  longestPath: 0.01,
} as const;

/** The soak's rates, each a probability per order. */
export type SoakRates = Record<keyof typeof SOAK_RATES, number>;

/**
 * A slow charge answers within this (simulated) range: before ChargeCard's 30 s timeout, during ReconcilePayment's
 * retry waits (30, 60, 120 s), or after it has escalated.
 */
export const SLOW_CHARGE_MS = [5_000, 330_000] as const;

/**
 * The longest path the faults can make, aimed at the execution timeout: the charge lands during ReconcilePayment's
 * last retry wait (after 30 + 60 s, before 30 + 60 + 120 s), then the warehouse is unavailable twice (FulfillOrder's
 * retries) and does not answer within its timeout.
 */
export const LONGEST_PATH_CHARGE_MS = [125_000, 240_000] as const;

/** A slow warehouse answers within this range: some within FulfillOrder's 60 s timeout, some beyond it. */
export const SLOW_FULFILLMENT_MS = [20_000, 100_000] as const;

/** The longest delay before a concurrent duplicate is delivered: some land while the first runs, some after. */
const MAX_DUPLICATE_DELAY_MS = 300_000;

/** When a replay after key expiry is delivered: a day and an hour later, past a 24 h key retention. */
export const REPLAY_AFTER_MS = 25 * 3600 * 1000;

/**
 * `count` orders planned from `seed`.
 *
 * @example
 * const orders = planSoak(1000, 42);
 * const withoutReplays = planSoak(1000, 42, { ...SOAK_RATES, replayAfterKeyExpiry: 0 });
 * const faults = faultPlanOf(orders);
 */
export function planSoak(count: number, seed: number, rates: SoakRates = SOAK_RATES): PlannedOrder[] {
  return Array.from({ length: count }, (_, i) => planOrder(`soak-${seed}-${i}`, random(hashOf(`${seed}:${i}`)), rates));
}

/** The sandbox fault plan of `orders`: looks each call up by order id, operation and attempt. */
export function faultPlanOf(orders: readonly PlannedOrder[]): SandboxFaultPlan {
  const byOrder = new Map(orders.map((o) => [o.orderId, o.faults]));
  return ({ operation, orderId, attempt }) => byOrder.get(orderId)?.[operation]?.[attempt - 1];
}

/** The sandbox's `slowAnswerMs` for `orders`: each slow answer's planned delay. */
export function slowAnswersOf(orders: readonly PlannedOrder[]): (call: SandboxCall) => number {
  const byOrder = new Map(orders.map((o) => [o.orderId, o.delays]));
  return ({ operation, orderId, attempt }) => byOrder.get(orderId)?.[operation]?.[attempt - 1] ?? 30_000;
}

function planOrder(orderId: string, next: () => number, rates: SoakRates): PlannedOrder {
  const chance = (p: number) => next() < p;
  const quantity = 1 + Math.floor(next() * 3);
  const unitCents = 100 + Math.floor(next() * 19_900);
  const amountOf = (cents: number) => ({
    items: [{ sku: `SKU-${Math.floor(next() * 50)}`, quantity, unitPrice: cents / 100 }],
    totalAmount: (quantity * cents) / 100,
  });
  const base = amountOf(unitCents);
  const event = orderEvent(orderId, {
    ...base,
    cardToken: chance(rates.insufficientFunds) ? "tok_insufficient_funds" : "tok_visa",
  });
  if (chance(rates.invalidOrder)) event.detail.totalAmount += 1;

  const faults: PlannedOrder["faults"] = {};
  const delays: PlannedOrder["delays"] = {};
  const within = ([min, max]: readonly [number, number]) => min + Math.floor(next() * (max - min));
  const charge = next();
  let threshold = 0;
  const pick = (rate: number) => charge >= threshold && charge < (threshold += rate);
  if (pick(rates.chargeSlowAnswer)) {
    faults.charge = ["slowAnswer"];
    delays.charge = [within(SLOW_CHARGE_MS)];
  } else if (pick(rates.longestPath)) {
    faults.charge = ["slowAnswer"];
    delays.charge = [within(LONGEST_PATH_CHARGE_MS)];
    faults.fulfill = ["unavailable", "unavailable", "slowAnswer"];
    delays.fulfill = [0, 0, SLOW_FULFILLMENT_MS[1]];
  } else if (pick(rates.chargeLostAnswer)) faults.charge = ["lostAnswer"];
  // 1 to 7 throttled attempts: ChargeCard makes 6 at most, so some orders run out of retries.
  else if (pick(rates.chargeThrottled)) faults.charge = Array(1 + Math.floor(next() * 7)).fill("throttled");
  else if (pick(rates.chargeProcessorDown)) faults.charge = ["processorDown"];
  else if (pick(rates.chargeDeclined)) faults.charge = ["declined"];
  if (chance(rates.lookupThrottled)) faults.lookup = ["throttled"];
  if (faults.fulfill) {
    // set by the longest path
  } else if (chance(rates.fulfillUnavailable)) faults.fulfill = ["unavailable"];
  else if (chance(rates.fulfillSlowAnswer)) {
    faults.fulfill = ["slowAnswer"];
    delays.fulfill = [within(SLOW_FULFILLMENT_MS)];
  } else if (chance(rates.fulfillFailed)) faults.fulfill = Array(3).fill("failed");
  if (chance(rates.emailUnavailable)) faults.email = ["unavailable"];
  else if (chance(rates.emailFailed)) faults.email = Array(4).fill("failed");
  // MarkOrderComplete tries 4 times: failing them all escalates a shipped order, refunds one that did not ship.
  if (chance(rates.recordingFailed)) {
    faults.markComplete = Array(4).fill("failed");
    // Half of them also fail to ship, so that both compensations (refund, escalation) are exercised.
    if (next() < 0.5) faults.fulfill = Array(3).fill("failed");
  }
  if (chance(rates.refundFailed)) faults.refund = Array(8).fill("failed");

  const duplicates: PlannedOrder["duplicates"] = [];
  if (chance(rates.sequentialDuplicate)) duplicates.push({ kind: "sequential", delayMs: 0, event });
  if (chance(rates.concurrentDuplicate)) {
    duplicates.push({ kind: "concurrent", delayMs: Math.floor(next() * MAX_DUPLICATE_DELAY_MS), event });
  }
  if (chance(rates.otherAmountDuplicate)) {
    const other = orderEvent(orderId, { ...amountOf(unitCents + 100), cardToken: event.detail.cardToken });
    duplicates.push({ kind: "otherAmount", delayMs: Math.floor(next() * MAX_DUPLICATE_DELAY_MS), event: other });
  }
  // A DLQ replay or a re-sent event after the gateway has forgotten the key.
  if (chance(rates.replayAfterKeyExpiry)) duplicates.push({ kind: "afterKeyExpiry", delayMs: REPLAY_AFTER_MS, event });
  return { orderId, event, duplicates, faults, delays };
}

function orderEvent(orderId: string, detail: Pick<OrderPlacedEvent["detail"], "items" | "totalAmount" | "cardToken">): OrderPlacedEvent {
  return {
    version: "0",
    id: `${orderId}-event`,
    "detail-type": "Order Placed",
    source: "order.service",
    account: "123456789012",
    time: "2026-12-01T12:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: { orderId, customerId: `cust-${orderId}`, currency: "USD", ...detail },
  };
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: a string to a 32-bit seed. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
