import assert from "node:assert/strict";
import { judgeSoak, type ExecutionOutcome } from "../bench/soak/invariants";
import { faultPlanOf, planSoak } from "../bench/soak/plan";
import { createSandboxServices, type SandboxActivity } from "../handlers";

/** The ledger of a sandbox nothing has called yet, with `parts` in it. */
function ledger(parts: Partial<SandboxActivity>): SandboxActivity {
  return { ...createSandboxServices().activity(), ...parts };
}
/** The gateway's key retention the verdicts are judged with: a day. */
const DAY_SECONDS = 24 * 3600;
const judge = (orderIds: string[], activity: SandboxActivity, executions: ExecutionOutcome[]) =>
  judgeSoak(orderIds, activity, executions, DAY_SECONDS);
const charge = (orderId: string, amount = 10, chargedAt = "2026-12-01T12:00:00.000Z") => ({
  chargeId: `ch_${orderId}`,
  amount,
  currency: "USD",
  status: "CHARGED" as const,
  orderId,
  idempotencyKey: orderId,
  chargedAt,
});
const refund = (orderId: string, amount = 10) => ({
  refundId: `re_${orderId}`,
  orderId,
  chargeId: `ch_${orderId}`,
  amount,
  currency: "USD",
});
const completed = (orderId: string) => ({ orderId }) as SandboxActivity["completedOrders"][number];
const ended = (orderId: string, error?: string, publishedBy: string[] = []): ExecutionOutcome => ({
  orderId,
  status: error ? "FAILED" : "SUCCEEDED",
  error,
  publishedBy,
});

describe("the soak's verdict (bench/soak/invariants.ts)", () => {
  it("counts a second charge of an order as a double charge", () => {
    const verdict = judge(["a"], ledger({ charges: [charge("a"), charge("a")], completedOrders: [completed("a")] }), [ended("a")]);
    assert.equal(verdict.invariants.doubleCharges, 1);
  });

  it("counts a second charge a day or more after the first as a double charge after key expiry too", () => {
    const sameDay = judge(["a"], ledger({ charges: [charge("a"), charge("a", 10, "2026-12-02T11:59:59.000Z")] }), []);
    const nextDay = judge(["a"], ledger({ charges: [charge("a"), charge("a", 10, "2026-12-02T12:00:00.000Z")] }), []);
    assert.deepEqual([sameDay.invariants.doubleCharges, sameDay.invariants.doubleChargesAfterKeyExpiry], [1, 0]);
    assert.deepEqual([nextDay.invariants.doubleCharges, nextDay.invariants.doubleChargesAfterKeyExpiry], [1, 1]);
  });

  it("counts a refund of an order that shipped, and not one of an order that did not", () => {
    const fulfillment = { status: "FULFILLED" as const, fulfillmentId: "f", itemCount: 1, orderId: "a" };
    const verdict = judge(
      ["a", "b"],
      ledger({ charges: [charge("a"), charge("b")], refunds: [refund("a"), refund("b")], fulfillments: [fulfillment] }),
      [],
    );
    assert.equal(verdict.invariants.shippedRefunded, 1);
  });

  it("counts a second refund, or a refund beyond the charge, as a double refund", () => {
    const twice = judge(["a"], ledger({ charges: [charge("a")], refunds: [refund("a"), refund("a")] }), []);
    const more = judge(["b"], ledger({ charges: [charge("b", 10)], refunds: [refund("b", 20)] }), []);
    assert.equal(twice.invariants.doubleRefunds, 1);
    assert.equal(more.invariants.doubleRefunds, 1);
  });

  it("counts a charged order that no one completed, refunded or escalated as unresolved (and lost)", () => {
    const verdict = judge(["a"], ledger({ charges: [charge("a")] }), [ended("a", "UnexpectedError", ["UnexpectedError"])]);
    assert.equal(verdict.invariants.chargedUnresolved, 1);
    assert.equal(verdict.invariants.lostOrders, 1);
  });

  it("tells which unresolved charged orders had an execution that reached its timeout", () => {
    const timedOut: ExecutionOutcome = { orderId: "a", status: "TIMED_OUT", publishedBy: [] };
    const verdict = judge(["a", "b"], ledger({ charges: [charge("a"), charge("b")] }), [timedOut, ended("b", "UnexpectedError")]);
    assert.equal(verdict.invariants.chargedUnresolved, 2);
    assert.equal(verdict.unresolvedAfterTimeout, 1);
    assert.equal(verdict.executionEnds.TIMED_OUT, 1);
  });

  it("accepts an escalation alert as resolving a charged order, and a DLQ message as settling an uncharged one", () => {
    const verdict = judge(["a", "b"], ledger({ charges: [charge("a")] }), [
      ended("a", "CriticalFailure", ["PaymentUnresolvedManualIntervention"]),
      ended("b", "TemporaryFailure", ["QueueForRetry"]),
    ]);
    assert.deepEqual(verdict.invariants, {
      doubleCharges: 0,
      doubleChargesAfterKeyExpiry: 0,
      shippedRefunded: 0,
      doubleRefunds: 0,
      lostOrders: 0,
      chargedUnresolved: 0,
      completedUnpaid: 0,
    });
    assert.deepEqual(verdict.orderOutcomes, { "escalated (charged)": 1, "queued for retry (not charged)": 1 });
  });

  it("counts an order whose executions all ended unexpectedly, uncharged, as lost; and a completion without a charge", () => {
    const verdict = judge(["a", "b"], ledger({ completedOrders: [completed("b")] }), [ended("a", "UnexpectedError"), ended("b")]);
    assert.equal(verdict.invariants.lostOrders, 1);
    assert.equal(verdict.invariants.completedUnpaid, 1);
  });
});

describe("the soak's plan (bench/soak/plan.ts)", () => {
  it("is the same for the same seed and differs for another", () => {
    const strip = (seed: number) => JSON.stringify(planSoak(200, seed));
    assert.equal(strip(3), strip(3));
    assert.notEqual(strip(3), strip(4));
  });

  it("decides faults by order, operation and attempt, whatever the order of the calls", () => {
    const plan = planSoak(500, 5);
    const faults = faultPlanOf(plan);
    const throttled = plan.find((o) => (o.faults.charge?.length ?? 0) > 1);
    assert.ok(throttled, "some order is throttled more than once");
    assert.equal(faults({ operation: "charge", orderId: throttled.orderId, attempt: 2 }), "throttled");
    assert.equal(faults({ operation: "charge", orderId: throttled.orderId, attempt: 99 }), undefined);
    assert.equal(faults({ operation: "charge", orderId: "not-planned", attempt: 1 }), undefined);
  });
});
