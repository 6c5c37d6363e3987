/**
 * The sandbox's tables (handlers/sandboxTables.ts): the in-memory tables and the DynamoDB ones (through the AWS SDK,
 * against the local DynamoDB stand-in) keep the same conditional-write semantics, and the sandbox gateway on the
 * DynamoDB tables forgets an idempotency key after its retention on the VIRTUAL CLOCK, as deployed.
 */
import assert from "node:assert/strict";
import { createSandboxServices, SANDBOX_CARD_TOKENS } from "../handlers/sandbox";
import { dynamoDbSandboxTables, inMemorySandboxTables, SANDBOX_TABLE_ENV, type SandboxTables } from "../handlers/sandboxTables";
import type { ValidatedOrder } from "../handlers/order";
import { withVirtualTime } from "../local/runner/clock";
import { setProcessEnvironment } from "../local/runner/runner";
import { localDynamoDbEnvironment, startLocalDynamoDb, type LocalDynamoDb } from "../local/simulators/dynamoDb";

const ORDER: ValidatedOrder = {
  orderId: "ord-7",
  customerId: "cust-1",
  items: [{ sku: "SKU-1", quantity: 1, unitPrice: 20 }],
  totalAmount: 20,
  currency: "EUR",
  cardToken: SANDBOX_CARD_TOKENS.ok,
};

describe("the sandbox tables: in memory and in DynamoDB (the local stand-in, through the AWS SDK)", () => {
  let dynamodb: LocalDynamoDb;
  let restore: () => void;
  before(async () => {
    dynamodb = await startLocalDynamoDb();
    restore = setProcessEnvironment({
      ...localDynamoDbEnvironment(dynamodb.endpoint),
      [SANDBOX_TABLE_ENV.paymentLedger]: "sandbox-payment-ledger-spec",
      [SANDBOX_TABLE_ENV.orderRecords]: "sandbox-order-records-spec",
    });
  });
  after(async () => {
    restore();
    await dynamodb.close();
  });

  for (const [kind, tablesOf] of [
    ["in memory", inMemorySandboxTables],
    ["DynamoDB", dynamoDbSandboxTables],
  ] as [string, () => SandboxTables][]) {
    it(`${kind}: writes only where the condition holds (absent, equals, atMost, anyOf) and removes the same way`, async () => {
      const { orderRecords: table } = tablesOf();
      const id = `item-${kind}`;
      assert.equal(await table.put(id, { status: "A", at: 5 }, { absent: true }), true);
      assert.equal(await table.put(id, { status: "B", at: 9 }, { absent: true }), false, "present: not absent");
      assert.equal(await table.put(id, { status: "B", at: 9 }, { field: "status", equals: "B" }), false);
      assert.equal(await table.put(id, { status: "B", at: 9 }, { field: "at", atMost: 4 }), false);
      assert.equal(await table.put(id, { status: "B", at: 9 }, { anyOf: [{ absent: true }, { field: "at", atMost: 5 }] }), true);
      assert.deepEqual(await table.get(id), { id, status: "B", at: 9 });
      assert.equal(await table.put(id, { flag: true }, { field: "missing", atMost: 100 }), false, "a missing field is never at most");
      assert.equal(await table.remove(id, { field: "status", equals: "A" }), false);
      assert.equal(await table.remove(id, { field: "status", equals: "B" }), true);
      assert.equal(await table.get(id), undefined);
    });
  }

  it("DynamoDB: names the environment variable when a table is not configured on the function", async () => {
    const saved = process.env[SANDBOX_TABLE_ENV.paymentLedger];
    delete process.env[SANDBOX_TABLE_ENV.paymentLedger];
    try {
      await assert.rejects(dynamoDbSandboxTables().paymentLedger.get("x"), /SANDBOX_PAYMENT_LEDGER_TABLE is not set/);
    } finally {
      process.env[SANDBOX_TABLE_ENV.paymentLedger] = saved;
    }
  });

  it("the gateway on DynamoDB tables remembers a key for its retention and forgets it after, on the virtual clock", async () => {
    const services = createSandboxServices({ keyRetentionSeconds: 24 * 3600, tables: dynamoDbSandboxTables() });
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const seen = await withVirtualTime(async () => {
      const first = await services.payments.charge(ORDER, ORDER.orderId);
      await sleep(23 * 3600 * 1000);
      const within = { lookup: await services.payments.lookup(ORDER.orderId), again: await services.payments.charge(ORDER, ORDER.orderId) };
      await sleep(3600 * 1000);
      const after = { lookup: await services.payments.lookup(ORDER.orderId), again: await services.payments.charge(ORDER, ORDER.orderId) };
      return { first, within, after };
    });
    assert.equal(seen.within.lookup.status, "CHARGED");
    assert.deepEqual(seen.within.again, seen.first, "within 24 h the key answers with the first charge");
    assert.equal(seen.after.lookup.status, "NOT_FOUND", "after 24 h the key is forgotten");
    assert.equal(services.activity().charges.length, 2, "so the same key charges again (what the program's ledger prevents)");
    // What the gateway decided by is in the table, not in the process: the items are there.
    const ids = dynamodb.items("sandbox-payment-ledger-spec").map((item) => (item.id as { S: string }).S);
    assert.ok(ids.includes(`key#${ORDER.orderId}`) && ids.includes(`charge#${ORDER.orderId}`), ids.join(", "));
  });
});
