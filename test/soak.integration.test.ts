import assert from "node:assert/strict";
import { runSoak, type SoakReport } from "../bench/soak/drive";

/**
 * The soak (`npm run soak`, bench/soak/) at a fixed seed and 1,000 orders, on the VIRTUAL CLOCK: the order workflow
 * executed in-process against the SIMULATED sandbox services with random faults, slow answers that land during
 * retry waits, duplicate deliveries and replays a day later (after the gateway's 24 h key retention), with every
 * task timeout, Retry interval and the execution timeout honoured in simulated time. The invariants come from the
 * sandbox's ledger and the executions' ends, not from the workflow's own claims.
 *
 * The fault plan includes the longest path the faults can make (a charge landing in ReconcilePayment's last retry
 * wait, then a warehouse that is unavailable twice and does not answer): it reached the old 300 s execution timeout
 * (issue 18's first failure) and fits the execution timeout the time budget now sets.
 */
describe("the soak: 1,000 orders on the virtual clock with injected faults, late answers and replays (seed 11, SIMULATED services)", function () {
  this.timeout(480_000);
  let report: SoakReport;

  before(async () => {
    report = await runSoak({ orders: 1000, seed: 11 });
    // Reported, never asserted: speed belongs to benchmarks.
    console.log(
      `      (soak: ${report.executions} executions, ${(report.simulatedMs / 3_600_000).toFixed(1)} h simulated in ${(report.durationMs / 1000).toFixed(1)} s)`,
    );
  });

  it("charges no order twice (after key expiry included), refunds no shipped order, loses none, leaves no charged order unresolved", () => {
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

  it("ran on simulated time: a day and more passed, replays came after the 24 h key retention", () => {
    assert.equal(report.clock, "virtual");
    assert.equal(report.keyRetentionSeconds, 24 * 3600);
    assert.ok(report.simulatedMs > 25 * 3_600_000, `simulated ${report.simulatedMs} ms`);
  });

  it("injected every kind of fault the brief names, and delivered duplicates", () => {
    for (const fault of [
      "charge slowAnswer",
      "charge lostAnswer",
      "charge throttled",
      "charge processorDown",
      "charge declined",
      "fulfill slowAnswer",
      "fulfill failed",
      "email failed",
      "markComplete failed",
      "refund failed",
    ]) {
      assert.ok((report.injected[fault] ?? 0) > 0, `${fault} was injected: ${JSON.stringify(report.injected)}`);
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
    assert.ok((report.executionEnds.ShippedOrderNotRecorded ?? 0) > 0, "a shipped order that could not be recorded was escalated");
    assert.equal(report.executionEnds.UnexpectedError, undefined, "no charge ends in UnexpectedError any more");
    const settled = Object.values(report.orderOutcomes).reduce((sum, n) => sum + n, 0);
    assert.equal(settled, report.orders);
  });
});
