import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { runSoak, type SoakReport } from "../bench/soak/drive";

/**
 * The soak (`npm run soak`, bench/soak/) at a fixed seed and 1,000 orders: the order workflow executed in-process
 * against the SIMULATED sandbox services with random faults and duplicate deliveries. The invariants come from the
 * sandbox's ledger and the executions' ends, not from the workflow's own claims.
 */
describe("the soak: 1,000 orders with injected faults and duplicate deliveries (seed 11, SIMULATED services)", function () {
  this.timeout(120_000);
  let report: SoakReport;

  before(async () => {
    const started = performance.now();
    report = await runSoak({ orders: 1000, seed: 11 });
    // Reported, never asserted: speed belongs to benchmarks.
    console.log(`      (soak: ${report.executions} executions in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  });

  it("charges no order twice, refunds none twice, loses none, and leaves no charged order unresolved", () => {
    assert.deepEqual(report.invariants, {
      doubleCharges: 0,
      doubleChargesAfterKeyExpiry: 0,
      shippedRefunded: 0,
      doubleRefunds: 0,
      lostOrders: 0,
      chargedUnresolved: 0,
      completedUnpaid: 0,
    });
  });

  it("injected every kind of fault the brief names, and delivered duplicates", () => {
    for (const fault of [
      "charge slowAnswer",
      "charge lostAnswer",
      "charge throttled",
      "charge processorDown",
      "charge declined",
      "fulfill failed",
      "email failed",
      "markComplete failed",
      "refund failed",
    ]) {
      assert.ok((report.injected[fault] ?? 0) > 0, `${fault} was injected`);
    }
    assert.ok(report.executions > report.orders, "duplicates were delivered");
  });

  it("settled the unknown outcomes through ReconcilePayment, and every kind of ending occurred", () => {
    assert.ok(report.reconciled > 0);
    for (const outcome of [
      "completed",
      "refunded",
      "escalated (charged)",
      "queued for retry (not charged)",
      "PaymentFailed (not charged)",
    ]) {
      assert.ok((report.orderOutcomes[outcome] ?? 0) > 0, `some order ended ${outcome}: ${JSON.stringify(report.orderOutcomes)}`);
    }
    assert.ok((report.executionEnds.DuplicateOrderRejected ?? 0) > 0, "a duplicate with another amount was rejected");
    assert.equal(report.executionEnds.UnexpectedError, undefined, "no charge ends in UnexpectedError any more");
    const settled = Object.values(report.orderOutcomes).reduce((sum, n) => sum + n, 0);
    assert.equal(settled, report.orders);
  });
});
