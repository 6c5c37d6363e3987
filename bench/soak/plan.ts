/**
 * The soak's plan: a seeded, repeatable set of orders, their deliveries (duplicates included) and the faults the
 * SIMULATED services inject into each call. Everything is derived from the seed and the order id, never from the
 * order in which calls happen to arrive, so one seed always injects the same faults.
 */
import type { OrderPlacedEvent, SandboxCall, SandboxFault, SandboxFaultPlan } from "../../handlers";

/** How an order is delivered beyond its first delivery. */
export type DuplicateKind = "sequential" | "concurrent" | "otherAmount";

/** One order of the soak. */
export interface PlannedOrder {
  orderId: string;
  event: OrderPlacedEvent;
  /** Extra deliveries of the same order id (EventBridge delivers at least once; a producer may resend). */
  duplicates: { kind: DuplicateKind; delayMs: number; event: OrderPlacedEvent }[];
  /** The fault, if any, per operation and attempt (1-based); faults not listed are none. */
  faults: Partial<Record<SandboxCall["operation"], SandboxFault[]>>;
}

/** Probabilities of the soak's faults and duplicates, per order. */
export const SOAK_RATES = {
  invalidOrder: 0.01,
  insufficientFunds: 0.03,
  chargeSlowAnswer: 0.06,
  chargeLostAnswer: 0.06,
  chargeThrottled: 0.08,
  chargeProcessorDown: 0.03,
  chargeDeclined: 0.03,
  lookupThrottled: 0.1,
  fulfillUnavailable: 0.05,
  fulfillFailed: 0.03,
  emailUnavailable: 0.05,
  emailFailed: 0.03,
  recordingFailed: 0.03,
  refundFailed: 0.3,
  sequentialDuplicate: 0.1,
  concurrentDuplicate: 0.1,
  otherAmountDuplicate: 0.03,
} as const;

/** The longest delay before a concurrent duplicate is delivered: beyond a slow answer (2.4 s), so some land inside its window and some after. */
const MAX_DUPLICATE_DELAY_MS = 3000;

/**
 * `count` orders planned from `seed`.
 *
 * @example
 * const orders = planSoak(1000, 42);
 * const faults = faultPlanOf(orders);
 */
export function planSoak(count: number, seed: number): PlannedOrder[] {
  return Array.from({ length: count }, (_, i) => planOrder(`soak-${seed}-${i}`, random(hashOf(`${seed}:${i}`))));
}

/** The sandbox fault plan of `orders`: looks each call up by order id, operation and attempt. */
export function faultPlanOf(orders: readonly PlannedOrder[]): SandboxFaultPlan {
  const byOrder = new Map(orders.map((o) => [o.orderId, o.faults]));
  return ({ operation, orderId, attempt }) => byOrder.get(orderId)?.[operation]?.[attempt - 1];
}

function planOrder(orderId: string, next: () => number): PlannedOrder {
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
    cardToken: chance(SOAK_RATES.insufficientFunds) ? "tok_insufficient_funds" : "tok_visa",
  });
  if (chance(SOAK_RATES.invalidOrder)) event.detail.totalAmount += 1;

  const faults: PlannedOrder["faults"] = {};
  const charge = next();
  let threshold = 0;
  const pick = (rate: number) => charge >= threshold && charge < (threshold += rate);
  if (pick(SOAK_RATES.chargeSlowAnswer)) faults.charge = ["slowAnswer"];
  else if (pick(SOAK_RATES.chargeLostAnswer)) faults.charge = ["lostAnswer"];
  // 1 to 7 throttled attempts: ChargeCard makes 6 at most, so some orders run out of retries.
  else if (pick(SOAK_RATES.chargeThrottled)) faults.charge = Array(1 + Math.floor(next() * 7)).fill("throttled");
  else if (pick(SOAK_RATES.chargeProcessorDown)) faults.charge = ["processorDown"];
  else if (pick(SOAK_RATES.chargeDeclined)) faults.charge = ["declined"];
  if (chance(SOAK_RATES.lookupThrottled)) faults.lookup = ["throttled"];
  if (chance(SOAK_RATES.fulfillUnavailable)) faults.fulfill = ["unavailable"];
  else if (chance(SOAK_RATES.fulfillFailed)) faults.fulfill = Array(3).fill("failed");
  if (chance(SOAK_RATES.emailUnavailable)) faults.email = ["unavailable"];
  else if (chance(SOAK_RATES.emailFailed)) faults.email = Array(4).fill("failed");
  // MarkOrderComplete tries 4 times: failing them all escalates a shipped order, refunds one that did not ship.
  if (chance(SOAK_RATES.recordingFailed)) {
    faults.markComplete = Array(4).fill("failed");
    // Half of them also fail to ship, so that both compensations (refund, escalation) are exercised.
    if (next() < 0.5) faults.fulfill = Array(3).fill("failed");
  }
  if (chance(SOAK_RATES.refundFailed)) faults.refund = Array(8).fill("failed");

  const duplicates: PlannedOrder["duplicates"] = [];
  if (chance(SOAK_RATES.sequentialDuplicate)) duplicates.push({ kind: "sequential", delayMs: 0, event });
  if (chance(SOAK_RATES.concurrentDuplicate)) {
    duplicates.push({ kind: "concurrent", delayMs: Math.floor(next() * MAX_DUPLICATE_DELAY_MS), event });
  }
  if (chance(SOAK_RATES.otherAmountDuplicate)) {
    const other = orderEvent(orderId, { ...amountOf(unitCents + 100), cardToken: event.detail.cardToken });
    duplicates.push({ kind: "otherAmount", delayMs: Math.floor(next() * MAX_DUPLICATE_DELAY_MS), event: other });
  }
  return { orderId, event, duplicates, faults };
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
