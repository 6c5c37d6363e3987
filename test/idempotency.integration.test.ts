/**
 * Idempotent steps, for real: the order workflow's ChargeCard and RefundAndFail run through Powertools Idempotency
 * exactly as in Lambda (the same wrapper), with local persistence layers that really store records: in memory, and
 * on disk across processes. The sandbox gateway counts every call it receives.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IDEMPOTENCY_IN_PROGRESS_ERROR } from "../components/runtime/contract";
import { createSandboxServices, type SandboxServices, type ValidatedOrder } from "../handlers";
import { bindTaskSteps } from "../local/runner/bindSteps";
import { captureOutput } from "../local/runner/captureOutput";
import type { LocalTaskHandler } from "../local/runner/execute";
import {
  admitsNewRecord,
  FileIdempotencyStore,
  InMemoryIdempotencyStore,
  type LocalIdempotencyStore,
} from "../local/simulators/idempotency";
import { ORDER_IDEMPOTENCY_SECONDS, orderSteps } from "../workflows/order";
import { release, releaseWhenReady } from "./support/barrier";
import { inOrderChild, loadEvent, runOrder } from "./support/orderRun";
import { waitFor } from "./support/waitFor";
import { DEFAULT_TIMEOUT_SECONDS } from "../workflows/config";

const happyOrder = (overrides: Partial<ValidatedOrder> = {}): ValidatedOrder => ({ ...loadEvent("happy").detail, ...overrides });

/** The order workflow's ChargeCard and RefundAndFail, bound as the local runner binds them. */
function orderTasks(
  store: LocalIdempotencyStore,
  services: SandboxServices = createSandboxServices(),
): Record<string, LocalTaskHandler> & { services: SandboxServices } {
  return Object.assign(bindTaskSteps("order-processing", orderSteps(services), { idempotencyStore: store }), { services });
}

/** Runs `run` with its output (logs, EMF) captured; returns its outcome (result or thrown error) and the lines. */
async function quietly<T>(run: () => Promise<T>): Promise<{ outcome: T | Error; lines: string[] }> {
  const capture = captureOutput();
  try {
    return { outcome: await run(), lines: capture.stop() };
  } catch (error) {
    return { outcome: error as Error, lines: capture.stop() };
  }
}

/** Runs `run` with `Date.now` moved `ms` into the future. */
async function later<T>(ms: number, run: () => Promise<T>): Promise<T> {
  const now = Date.now;
  Date.now = () => now() + ms;
  try {
    return await run();
  } finally {
    Date.now = now;
  }
}

describe("idempotent steps (Powertools Idempotency with local persistence layers)", () => {
  describe("ChargeCard, in memory", () => {
    it("invoked twice with the same order: the gateway is called once and both return the same charge", async () => {
      const tasks = orderTasks(new InMemoryIdempotencyStore());
      const first = await quietly(() => tasks.ChargeCard(happyOrder()));
      const second = await quietly(() => tasks.ChargeCard(happyOrder()));
      assert.deepEqual(first.outcome, { chargeId: "ch_sandbox_ord-1001", amount: 129.99, currency: "USD", status: "CHARGED" });
      assert.deepEqual(second.outcome, first.outcome);
      assert.equal(tasks.services.activity().chargeCalls, 1);
      const replayLine = second.lines.map((l) => JSON.parse(l)).find((l) => "IdempotentReplays" in l);
      assert.equal(replayLine?.IdempotentReplays, 1, "the replay is counted");
      assert.ok(
        second.lines.some((l) => l.includes("already processed this input")),
        "and logged",
      );
      assert.ok(!second.lines.some((l) => l.includes('"ChargeAttempts"')), "no charge attempt on a replay");
    });

    it("the key is the order id: a retry of the same order with other fields still replays", async () => {
      const tasks = orderTasks(new InMemoryIdempotencyStore());
      await quietly(() => tasks.ChargeCard(happyOrder()));
      const { outcome } = await quietly(() => tasks.ChargeCard(happyOrder({ customerId: "cust-other" })));
      assert.equal((outcome as { chargeId: string }).chargeId, "ch_sandbox_ord-1001");
      await quietly(() => tasks.ChargeCard(happyOrder({ orderId: "ord-2002" })));
      assert.equal(tasks.services.activity().chargeCalls, 2, "another order is charged");
    });

    it("a replay with the same order id but another amount is refused (IdempotencyValidationError), not answered with the first charge", async () => {
      const tasks = orderTasks(new InMemoryIdempotencyStore());
      await quietly(() => tasks.ChargeCard(happyOrder()));
      const { outcome } = await quietly(() =>
        tasks.ChargeCard(happyOrder({ totalAmount: 1.5, items: [{ sku: "SKU-X", quantity: 1, unitPrice: 1.5 }] })),
      );
      assert.ok(outcome instanceof Error, "refused");
      assert.equal(outcome.name, "IdempotencyValidationError");
      assert.equal(tasks.services.activity().chargeCalls, 1, "the gateway was not called again");
    });

    it("invoked concurrently: the duplicate fails with IdempotencyAlreadyInProgressError, the gateway is called once, and its retry gets the same charge", async () => {
      const tasks = orderTasks(new InMemoryIdempotencyStore(), createSandboxServices({ hangMs: 100 }));
      const order = happyOrder({ cardToken: "tok_hang" });
      const capture = captureOutput();
      const [first, duplicate] = await Promise.allSettled([tasks.ChargeCard(order), tasks.ChargeCard(order)]);
      const retried = await tasks.ChargeCard(order);
      capture.stop();
      assert.equal(first.status, "fulfilled");
      assert.equal(duplicate.status, "rejected");
      assert.equal((duplicate as PromiseRejectedResult).reason.name, IDEMPOTENCY_IN_PROGRESS_ERROR);
      assert.deepEqual(retried, (first as PromiseFulfilledResult<unknown>).value);
      assert.equal(tasks.services.activity().chargeCalls, 1);
    });

    it("a failed first attempt does not poison the key: the retry charges", async () => {
      const tasks = orderTasks(new InMemoryIdempotencyStore());
      const order = happyOrder({ cardToken: "tok_throttle_once" });
      const first = await quietly(() => tasks.ChargeCard(order));
      assert.equal((first.outcome as Error).name, "ThrottlingException");
      const second = await quietly(() => tasks.ChargeCard(order));
      assert.equal((second.outcome as { status: string }).status, "CHARGED");
      assert.equal(tasks.services.activity().chargeCalls, 2);
      assert.equal(tasks.services.activity().charges.length, 1);
    });

    it("a declined card stays declined on every retry (nothing is stored for a failure)", async () => {
      const store = new InMemoryIdempotencyStore();
      const tasks = orderTasks(store);
      for (let i = 0; i < 2; i++)
        assert.equal(
          ((await quietly(() => tasks.ChargeCard(happyOrder({ cardToken: "tok_insufficient_funds" })))).outcome as Error).name,
          "InsufficientFundsError",
        );
      assert.equal(tasks.services.activity().chargeCalls, 2);
      assert.deepEqual(await store.records(), []);
    });

    it("records expire: after expiresAfterSeconds the same order reaches the handler again (and its charge ledger answers it)", async () => {
      const tasks = orderTasks(new InMemoryIdempotencyStore());
      const ranHandler = (lines: string[]) => lines.some((line) => line.includes("Card already charged for this order"));
      await quietly(() => tasks.ChargeCard(happyOrder()));
      const before = await later((ORDER_IDEMPOTENCY_SECONDS - 60) * 1000, () => quietly(() => tasks.ChargeCard(happyOrder())));
      assert.ok(!ranHandler(before.lines), "still remembered a minute before expiry");
      const after = await later((ORDER_IDEMPOTENCY_SECONDS + 60) * 1000, () => quietly(() => tasks.ChargeCard(happyOrder())));
      assert.ok(ranHandler(after.lines), "forgotten after expiry: the handler ran");
      assert.equal(tasks.services.activity().chargeCalls, 1, "the ledger kept the gateway from being asked again");
    });

    it("an attempt that died in progress blocks only until its invocation would have timed out", async () => {
      const store = new InMemoryIdempotencyStore();
      const stuck = orderTasks(store, createSandboxServices()); // tok_hang without hangMs: never answers, like a crashed Lambda
      const capture = captureOutput();
      void stuck.ChargeCard(happyOrder({ cardToken: "tok_hang" }));
      const inProgress = async () => {
        const records = await store.records();
        return records.length > 0 && records;
      };
      const [record] = await waitFor("the hung charge's in-progress record", inProgress).finally(() => capture.stop());
      assert.equal(record.status, "INPROGRESS");
      assert.ok(record.inProgressExpiryTimestamp! - Date.now() <= 27_000, "the Lambda's own timeout (30 s task, 27 s Lambda)");
      const retry = orderTasks(store);
      assert.equal(((await quietly(() => retry.ChargeCard(happyOrder()))).outcome as Error).name, IDEMPOTENCY_IN_PROGRESS_ERROR);
      const { outcome } = await later(28_000, () => quietly(() => retry.ChargeCard(happyOrder())));
      assert.equal((outcome as { status: string }).status, "CHARGED");
      assert.equal(retry.services.activity().chargeCalls, 1);
    });

    it("records are kept per step: <workflow>.<step>#<hash>, with the result and the expiry", async () => {
      const store = new InMemoryIdempotencyStore();
      const tasks = orderTasks(store);
      await quietly(() => tasks.ChargeCard(happyOrder()));
      await quietly(() => tasks.RefundAndFail({ order: happyOrder() }));
      const records = await store.records();
      assert.deepEqual(records.map((r) => r.idempotencyKey.split("#")[0]).sort(), [
        "order-processing.ChargeCard",
        "order-processing.RefundAndFail",
      ]);
      const charge = records.find((r) => r.idempotencyKey.startsWith("order-processing.ChargeCard"))!;
      assert.equal(charge.status, "COMPLETED");
      assert.deepEqual(charge.responseData, { chargeId: "ch_sandbox_ord-1001", amount: 129.99, currency: "USD", status: "CHARGED" });
      assert.ok(Math.abs(charge.expiryTimestamp! - (Date.now() / 1000 + ORDER_IDEMPOTENCY_SECONDS)) < 5);
      assert.ok(!JSON.stringify(records).includes("tok_visa"), "the card token is not stored");
    });

    it("an input without the key fails with IdempotencyKeyError instead of running unprotected", async () => {
      const tasks = orderTasks(new InMemoryIdempotencyStore());
      const { outcome } = await quietly(() => tasks.ChargeCard({ ...happyOrder(), orderId: undefined }));
      assert.equal((outcome as Error).name, "IdempotencyKeyError");
      assert.equal(tasks.services.activity().chargeCalls, 0);
    });
  });

  describe("RefundAndFail", () => {
    it("refunds a charge once; a repeated refund returns the recorded outcome without calling the gateway", async () => {
      const tasks = orderTasks(new InMemoryIdempotencyStore());
      await quietly(() => tasks.ChargeCard(happyOrder()));
      const first = await quietly(() => tasks.RefundAndFail({ order: happyOrder(), error: { Error: "X", Cause: "y" } }));
      const second = await quietly(() => tasks.RefundAndFail({ order: happyOrder() }));
      assert.deepEqual(first.outcome, { status: "REFUNDED", refundId: "re_sandbox_ord-1001" });
      assert.deepEqual(second.outcome, first.outcome);
      assert.deepEqual(tasks.services.activity().refundRequests, [{ orderId: "ord-1001", outcome: "REFUNDED" }]);
      assert.equal(tasks.services.activity().refunds.length, 1);
    });

    it("with nothing charged, records NOTHING_TO_REFUND (a no-op, not an error)", async () => {
      const tasks = orderTasks(new InMemoryIdempotencyStore());
      const { outcome } = await quietly(() => tasks.RefundAndFail({ order: happyOrder({ orderId: "ord-1003" }) }));
      assert.deepEqual(outcome, { status: "NOTHING_TO_REFUND" });
      assert.deepEqual(tasks.services.activity().refundRequests, [{ orderId: "ord-1003", outcome: "NOTHING_TO_REFUND" }]);
    });
  });

  describe("the order workflow, replayed", () => {
    it("running the same order twice against one store: the second execution succeeds without calling the gateway", async () => {
      const store = new InMemoryIdempotencyStore();
      const first = await runOrder("happy", { idempotencyStore: store });
      const second = await runOrder("happy", { idempotencyStore: store });
      assert.equal(first.services.activity().chargeCalls, 1);
      assert.equal(second.result.status, "SUCCEEDED");
      assert.equal(second.services.activity().chargeCalls, 0, "the replay never reached the gateway");
      assert.equal(second.result.output.chargeId, first.result.output.chargeId);
      assert.ok(second.result.printed.some((l) => l.includes('"IdempotentReplays":1')));
    });

    it("the ASL retries a concurrent duplicate and a failing idempotency store on both idempotent tasks, never a validation error", async () => {
      const { compileDefinition } = await import("../components");
      const { localResources } = await import("../local/runner/bindSteps");
      const steps = orderSteps(createSandboxServices());
      const definition = compileDefinition(steps, localResources("order-processing", steps), { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS });
      for (const state of ["ChargeCard", "RefundAndFail"]) {
        const retried = (definition.States[state].Retry as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
        assert.ok(retried.includes("IdempotencyAlreadyInProgressError"), state);
        assert.ok(retried.includes("IdempotencyPersistenceLayerError"), state);
        assert.ok(!retried.includes("ValidationError"), state);
      }
    });
  });

  describe("the on-disk store", () => {
    let directory: string;
    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), "edw-idempotency-"));
    });
    afterEach(() => rmSync(directory, { recursive: true, force: true }));

    it("survives a process restart: a second process running the same order reports the charge as already processed", async function () {
      this.timeout(60_000);
      const first = await inOrderChild(["workflow", directory, "happy"]);
      const second = await inOrderChild(["workflow", directory, "happy"]);
      assert.deepEqual([first.status, first.chargeCalls, first.replayed], ["SUCCEEDED", 1, []]);
      // Every order step is idempotent: each one on the happy path replays its stored result.
      assert.deepEqual(
        [second.status, second.chargeCalls, second.replayed],
        ["SUCCEEDED", 0, ["ChargeCard", "FulfillOrder", "MarkOrderComplete", "SendConfirmationEmail"]],
      );
      assert.equal(second.output.chargeId, first.output.chargeId);
    });

    it("two processes charging the same order at the same time: one gateway call in total, the other is told it is in progress", async function () {
      this.timeout(60_000);
      // Both children start up, then wait at a barrier and charge only once both are there: however long each took
      // to start, the second charge comes well within the first one's 1.5 s hang.
      const barrier = mkdtempSync(join(tmpdir(), "edw-barrier-"));
      const children = ["a", "b"].map((name) => inOrderChild(["charge", directory, "happy", "tok_hang", "1500", barrier, name]));
      try {
        // A child that fails before reaching the barrier fails the test at once (Promise.all rejects).
        await Promise.race([releaseWhenReady(barrier, ["a", "b"]), Promise.all(children)]);
        const [a, b] = await Promise.all(children);
        assert.equal(a.chargeCalls + b.chargeCalls, 1, JSON.stringify([a, b]));
        assert.deepEqual([a.error, b.error].filter(Boolean), [IDEMPOTENCY_IN_PROGRESS_ERROR]);
      } finally {
        release(barrier); // on a failure too: no child is left waiting
        await Promise.allSettled(children);
        rmSync(barrier, { recursive: true, force: true });
      }
    });

    it("keeps one JSON file per record, written atomically (no temporary or lock file left)", async () => {
      const tasks = orderTasks(new FileIdempotencyStore(directory));
      await quietly(() => tasks.ChargeCard(happyOrder()));
      await quietly(() => tasks.ChargeCard(happyOrder({ orderId: "ord-2" })));
      const files = readdirSync(directory);
      assert.equal(files.length, 2);
      assert.ok(
        files.every((f) => /^[0-9a-f]{64}\.json$/.test(f)),
        files.join(", "),
      );
      assert.equal(tasks.services.activity().chargeCalls, 2);
    });

    it("conditional puts are atomic under contention: of 20 concurrent claims of one key, exactly one wins", async () => {
      const store = new FileIdempotencyStore(directory);
      const layers = Array.from({ length: 20 }, () => store.persistenceLayer());
      const { IdempotencyConfig } = await import("@aws-lambda-powertools/idempotency");
      for (const layer of layers)
        layer.configure({ config: new IdempotencyConfig({ eventKeyJmesPath: "orderId" }), keyPrefix: "test.Claim" });
      const claims = await Promise.allSettled(layers.map((layer) => layer.saveInProgress({ orderId: "ord-1" }, 10_000)));
      assert.equal(claims.filter((c) => c.status === "fulfilled").length, 1);
      assert.ok(
        claims
          .filter((c) => c.status === "rejected")
          .every((c) => (c as PromiseRejectedResult).reason.name === "IdempotencyItemAlreadyExistsError"),
      );
    });

    it("breaks a lock left behind by a crashed process once it is stale", async () => {
      const store = new FileIdempotencyStore(directory, { staleLockMs: 200, lockTimeoutMs: 3000 });
      const tasks = orderTasks(store);
      await quietly(() => tasks.ChargeCard(happyOrder()));
      const [file] = readdirSync(directory);
      const lock = join(directory, `${file}.lock`);
      writeFileSync(lock, "99999:crashed");
      utimesSync(lock, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
      const { outcome } = await quietly(() => tasks.ChargeCard(happyOrder()));
      assert.equal((outcome as { status: string }).status, "CHARGED", "the replay went through the broken lock");
      assert.equal(tasks.services.activity().chargeCalls, 1);
      assert.deepEqual(readdirSync(directory), [file], "the stale lock is gone, and so is ours");
    });
  });

  describe("DynamoDB's conditional-put rule (admitsNewRecord)", () => {
    const now = 1_750_000_000_000;
    const cases: [string, Parameters<typeof admitsNewRecord>[0], boolean][] = [
      ["no record", undefined, true],
      ["a live completed record", { idempotencyKey: "k", status: "COMPLETED", expiryTimestamp: now / 1000 + 10 }, false],
      ["an expired completed record", { idempotencyKey: "k", status: "COMPLETED", expiryTimestamp: now / 1000 - 1 }, true],
      [
        "an in-progress record within its invocation",
        { idempotencyKey: "k", status: "INPROGRESS", expiryTimestamp: now / 1000 + 10, inProgressExpiryTimestamp: now + 1 },
        false,
      ],
      [
        "an in-progress record past its invocation",
        { idempotencyKey: "k", status: "INPROGRESS", expiryTimestamp: now / 1000 + 10, inProgressExpiryTimestamp: now - 1 },
        true,
      ],
      [
        "an in-progress record with no invocation deadline",
        { idempotencyKey: "k", status: "INPROGRESS", expiryTimestamp: now / 1000 + 10 },
        false,
      ],
    ];
    for (const [name, record, admitted] of cases) {
      it(`${admitted ? "admits" : "refuses"} a new record over ${name}`, () => assert.equal(admitsNewRecord(record, now), admitted));
    }
  });
});
