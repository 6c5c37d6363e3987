import assert from "node:assert/strict";
import { chargeRecordProblems, type ChargeRecordLifetimes } from "../workflows/chargeRecords";

/** The charge records' lifetimes, checked against one another (workflows/chargeRecords.ts). */
describe("the lifetimes of the records that stop a second charge", () => {
  const fits: ChargeRecordLifetimes = {
    gatewayKeyRetentionSeconds: 86_400,
    executionTimeoutSeconds: 300,
    replayWindowSeconds: 1_209_600,
    chargeLedgerRetentionSeconds: Number.POSITIVE_INFINITY,
    idempotencyRecordSeconds: 1_209_600,
  };

  it("accepts the order stack's: a 24 h gateway key, a 300 s execution, a ledger that never expires, 14-day records", () => {
    assert.deepEqual(chargeRecordProblems(fits), []);
  });

  it("refuses each lifetime that does not cover what it must, naming the values", () => {
    const [key] = chargeRecordProblems({ ...fits, gatewayKeyRetentionSeconds: 200 });
    assert.match(key, /keeps idempotency keys 200 s, less than the 300 s an execution may last/);
    const [ledger] = chargeRecordProblems({ ...fits, chargeLedgerRetentionSeconds: 86_400 });
    assert.match(ledger, /charge ledger keeps an order's charge 86400 s, less than the 1209600 s an order may be replayed/);
    const [records] = chargeRecordProblems({ ...fits, idempotencyRecordSeconds: 3600 });
    assert.match(records, /shipped and emailed again/);
    assert.equal(
      chargeRecordProblems({ ...fits, gatewayKeyRetentionSeconds: 1, chargeLedgerRetentionSeconds: 1, idempotencyRecordSeconds: 1 }).length,
      3,
    );
  });
});
