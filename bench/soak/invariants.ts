/**
 * The soak's verdict, computed from what the SIMULATED services recorded (the sandbox gateway's ledger of charges
 * and refunds, the order store) and from what each execution ended with and published (its alerts and DLQ
 * messages), never from the workflow's own account of itself.
 */
import type { SandboxActivity } from "../../handlers";

/** What the verdict needs of one execution. */
export interface ExecutionOutcome {
  orderId: string;
  status: "SUCCEEDED" | "FAILED" | "TIMED_OUT";
  /** The Fail state's error, for a failed execution. */
  error?: string;
  /** The states that published something (an alert, a DLQ message, an event). */
  publishedBy: string[];
}

/** The states whose alert hands an order to a person: the order counts as escalated. */
export const ESCALATION_STATES = ["RefundFailedManualIntervention", "PaymentUnresolvedManualIntervention", "EscalateShippedOrder"];

/** Execution errors that settle an order that was not charged. */
const UNCHARGED_ENDS = ["PaymentFailed", "ValidationFailed", "DuplicateOrderRejected"];

/** Each must be 0. */
export interface SoakInvariants {
  /** Charges beyond the first for one order. */
  doubleCharges: number;
  /** Of those, the charges made after the gateway's key retention had passed since the first (its key forgotten). */
  doubleChargesAfterKeyExpiry: number;
  /** Orders refunded although they shipped (the customer keeps the goods and gets the money back). */
  shippedRefunded: number;
  /** Refunds beyond the first for one order (or 1 for a single refund of more than was charged). */
  doubleRefunds: number;
  /** Orders no execution settled: not completed, refunded, escalated, queued for retry nor failed uncharged. */
  lostOrders: number;
  /** Orders charged but neither completed nor refunded nor escalated (timed-out executions included). */
  chargedUnresolved: number;
  /** Orders recorded as completed without a charge. */
  completedUnpaid: number;
}

/** The soak's verdict: the invariants, and how the orders and executions ended. */
export interface SoakVerdict {
  invariants: SoakInvariants;
  /** Per order, how it was settled. */
  orderOutcomes: Record<string, number>;
  /** Per execution, its end (`SUCCEEDED`, `TIMED_OUT`, or the Fail state's error). */
  executionEnds: Record<string, number>;
  /** Of the charged orders left unresolved, those with an execution that reached its timeout. */
  unresolvedAfterTimeout: number;
}

/**
 * Judges the soak from the ledger and the execution outcomes.
 *
 * @example
 * const verdict = judgeSoak(orders.map((o) => o.orderId), services.activity(), outcomes, services.payments.keyRetentionSeconds);
 * verdict.invariants.doubleCharges; // 0
 */
export function judgeSoak(
  orderIds: readonly string[],
  ledger: SandboxActivity,
  executions: readonly ExecutionOutcome[],
  keyRetentionSeconds: number,
): SoakVerdict {
  const invariants: SoakInvariants = {
    doubleCharges: 0,
    doubleChargesAfterKeyExpiry: 0,
    shippedRefunded: 0,
    doubleRefunds: 0,
    lostOrders: 0,
    chargedUnresolved: 0,
    completedUnpaid: 0,
  };
  const orderOutcomes: Record<string, number> = {};
  const executionEnds: Record<string, number> = {};
  let unresolvedAfterTimeout = 0;
  const charges = groupBy(ledger.charges, (c) => c.orderId);
  const refunds = groupBy(ledger.refunds, (r) => r.orderId);
  const completed = new Set(ledger.completedOrders.map((o) => o.orderId));
  const shipped = new Set(ledger.fulfillments.map((f) => f.orderId));
  const runs = groupBy(executions, (e) => e.orderId);
  for (const e of executions) count(executionEnds, e.status === "FAILED" ? (e.error ?? e.status) : e.status);

  for (const orderId of orderIds) {
    const charged = charges.get(orderId) ?? [];
    const refunded = refunds.get(orderId) ?? [];
    const ends = runs.get(orderId) ?? [];
    const escalated = ends.some((e) => e.publishedBy.some((state) => ESCALATION_STATES.includes(state)));
    const queued = ends.some((e) => e.publishedBy.includes("QueueForRetry"));
    invariants.doubleCharges += Math.max(0, charged.length - 1);
    const firstChargedAt = Math.min(...charged.map((c) => Date.parse(c.chargedAt)));
    invariants.doubleChargesAfterKeyExpiry += charged.filter(
      (c) => Date.parse(c.chargedAt) - firstChargedAt >= keyRetentionSeconds * 1000,
    ).length;
    if (shipped.has(orderId) && refunded.length > 0) invariants.shippedRefunded += 1;
    const chargedAmount = charged.reduce((sum, c) => sum + c.amount, 0);
    const refundedAmount = refunded.reduce((sum, r) => sum + r.amount, 0);
    invariants.doubleRefunds += Math.max(refunded.length - 1, refundedAmount > chargedAmount ? 1 : 0);
    if (completed.has(orderId) && charged.length === 0) invariants.completedUnpaid += 1;
    if (charged.length > 0 && !completed.has(orderId) && refunded.length === 0 && !escalated) {
      invariants.chargedUnresolved += 1;
      if (ends.some((e) => e.status === "TIMED_OUT")) unresolvedAfterTimeout += 1;
    }

    const outcome = outcomeOf({
      charged: charged.length > 0,
      completed: completed.has(orderId),
      refunded: refunded.length > 0,
      escalated,
      queued,
      uncharged: ends.find((e) => e.error !== undefined && UNCHARGED_ENDS.includes(e.error))?.error,
    });
    if (outcome === undefined) invariants.lostOrders += 1;
    count(orderOutcomes, outcome ?? "LOST");
  }
  return { invariants, orderOutcomes, executionEnds, unresolvedAfterTimeout };
}

/** How an order was settled, most decisive first; undefined when nothing settled it. */
function outcomeOf(o: {
  charged: boolean;
  completed: boolean;
  refunded: boolean;
  escalated: boolean;
  queued: boolean;
  uncharged?: string;
}): string | undefined {
  if (o.completed && o.refunded) return "completed, then refunded";
  if (o.completed) return "completed";
  if (o.refunded) return "refunded";
  if (o.escalated) return o.charged ? "escalated (charged)" : "escalated (not charged)";
  if (o.charged) return undefined;
  if (o.queued) return "queued for retry (not charged)";
  return o.uncharged && `${o.uncharged} (not charged)`;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function count(tally: Record<string, number>, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}
