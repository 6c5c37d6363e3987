/**
 * The lifetimes of the records that keep an order from being charged twice, checked against one another when the
 * stack is synthesized. Three records stand between an order and a second charge (handlers/chargeCard.ts): the
 * steps' idempotency records, the program's own charge ledger, and the payment gateway's idempotency key. Each
 * covers a window; a replay that falls outside all of them would charge again, so the windows must fit:
 *
 * - the gateway must keep a key at least as long as one execution may last: ReconcilePayment asks the gateway by key
 *   to settle a charge of unknown outcome, and a key forgotten before that would leave the charge unverifiable
 *   (the order is then escalated, never charged again, but no order should need that);
 * - the charge ledger must keep an order's charge for the whole replay window (the dead-letter queue's retention):
 *   past the gateway's retention (Stripe: 24 h), it alone stops a replayed order's second charge;
 * - the steps' idempotency records must last the replay window too, or a replayed order is shipped and emailed again.
 *
 * Pure: it takes the values and returns the problems, each naming the values and the fix.
 */

/** The lifetimes, in seconds. */
export interface ChargeRecordLifetimes {
  /** How long the payment gateway keeps an idempotency key (Stripe: 24 h). */
  gatewayKeyRetentionSeconds: number;
  /** The order workflow's execution timeout: the longest a charge of unknown outcome waits to be settled. */
  executionTimeoutSeconds: number;
  /** How long an order may be replayed: the dead-letter queue's retention (14 days). */
  replayWindowSeconds: number;
  /** How long the charge ledger keeps an order's entry (`Infinity` for a ledger that never expires). */
  chargeLedgerRetentionSeconds: number;
  /** How long the order steps' idempotency records last. */
  idempotencyRecordSeconds: number;
}

/**
 * The ways the lifetimes fail to cover one another; empty when they fit.
 *
 * @example
 * chargeRecordProblems({ gatewayKeyRetentionSeconds: 86_400, executionTimeoutSeconds: 300, replayWindowSeconds: 1_209_600,
 *   chargeLedgerRetentionSeconds: Infinity, idempotencyRecordSeconds: 1_209_600 }); // []
 */
export function chargeRecordProblems(l: ChargeRecordLifetimes): string[] {
  const problems: string[] = [];
  if (l.gatewayKeyRetentionSeconds < l.executionTimeoutSeconds) {
    problems.push(
      `the payment gateway keeps idempotency keys ${l.gatewayKeyRetentionSeconds} s, less than the ${l.executionTimeoutSeconds} s an execution may last: ` +
        "ReconcilePayment could find a charge's key forgotten before it settles it. Lower timeoutSeconds, or use a gateway that keeps keys longer",
    );
  }
  if (l.chargeLedgerRetentionSeconds < l.replayWindowSeconds) {
    problems.push(
      `the charge ledger keeps an order's charge ${l.chargeLedgerRetentionSeconds} s, less than the ${l.replayWindowSeconds} s an order may be replayed: ` +
        "a replay after both the ledger entry and the gateway's key are gone would charge again. Keep ledger entries at least as long as the dead-letter queue keeps messages",
    );
  }
  if (l.idempotencyRecordSeconds < l.replayWindowSeconds) {
    problems.push(
      `the order steps' idempotency records last ${l.idempotencyRecordSeconds} s, less than the ${l.replayWindowSeconds} s an order may be replayed: ` +
        "a replayed order would be shipped and emailed again. Raise their expiresAfterSeconds",
    );
  }
  return problems;
}
