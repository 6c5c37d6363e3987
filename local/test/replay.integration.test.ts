/**
 * DLQ replay through the local runner, on the order program (each Lambda from its deployment artifact, on the synthesis the stack specs share): the
 * runner records what executions send to the DLQ, `replayRecorded` puts it back on the bus, and a replayed event the
 * workflow already processed is absorbed by the steps' idempotency (records in the runner's local DynamoDB stand-in).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replayRecorded } from "../replay/replay";
import { replayExitCode } from "../cli/replay";
import { LocalRunner, type EventReport } from "../runner/runner";
import { synthesizeOrderProgram } from "../../test/support/orderStack";

const root = join(__dirname, "..", "..");
const event = (name: string) => JSON.parse(readFileSync(join(root, "events", `${name}.json`), "utf8"));
const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);

describe("edw-local replay --local: the recorded DLQ, through the local runner", () => {
  let runner: LocalRunner;
  let folder: string;
  let dlq: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), "edw-replay-"));
    dlq = join(folder, "dlq.jsonl");
    runner = await LocalRunner.fromSynthesis(await synthesizeOrderProgram(), { deadLetterFile: dlq }, "index.ts");
  });
  after(async () => {
    await runner?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("records what the workflow sends to its DLQ (QueueForRetry) as SQS messages, and replays them: dry run first", async () => {
    const report = await runner.runEvent(event("processor-down"), "processor-down");
    assert.equal(report.executions[0].error, "TemporaryFailure");
    const [recorded] = lines(dlq).map((l) => JSON.parse(l));
    assert.equal(JSON.parse(recorded.Body).detail.orderId, event("processor-down").detail.orderId);

    const dry = await replayRecorded({ file: dlq });
    assert.deepEqual(
      dry.items.map((i) => [i.outcome, i.origin, i.event?.detailType]),
      [["would replay", "workflow", "Order Placed"]],
    );
    assert.match(dry.items[0].reason, /PaymentProcessorDown/);
    assert.equal(lines(dlq).length, 1, "a dry run leaves the file as it was");

    // The processor is still down: the replay fails the same way, and the workflow queues it again.
    const applied = await replayRecorded({ file: dlq, apply: true, runner });
    assert.equal(applied.items[0].outcome, "replayed");
    assert.deepEqual(applied.items[0].execution, { status: "FAILED", workflows: ["order-processing"] });
    assert.equal(replayExitCode(applied), 1, "a replayed execution that fails is a failure of the replay");
    const after = lines(dlq).map((l) => JSON.parse(l));
    assert.equal(after.length, 1, "the replayed line left; the new dead letter took its place");
    assert.notEqual(after[0].MessageId, recorded.MessageId);
  });

  it("an event the workflow already processed, replayed, is deduplicated by the steps' idempotency", async () => {
    const happy = event("happy");
    const first = await runner.runEvent(happy, "happy");
    assert.equal(first.status, "SUCCEEDED");
    assert.equal(first.executions[0].metrics.ChargeCard.OrdersCharged?.sum, 1);

    // The same event in the DLQ as EventBridge would keep it (e.g. a delivery reported failed that had started it).
    writeFileSync(
      dlq,
      `${JSON.stringify({
        MessageId: "m-happy",
        Body: JSON.stringify(happy),
        MessageAttributes: { ERROR_CODE: { DataType: "String", StringValue: "THROTTLING" } },
      })}\n{not json}\n`,
    );
    const reports: EventReport[] = [];
    const recording = {
      runEvent: async (...args: Parameters<LocalRunner["runEvent"]>) => reports[reports.push(await runner.runEvent(...args)) - 1],
    };
    const replay = await replayRecorded({ file: dlq, apply: true, runner: recording });
    assert.deepEqual(
      replay.items.map((i) => [i.messageId, i.outcome]),
      [
        ["m-happy", "replayed"],
        ["line 2", "not replayable"],
      ],
    );
    assert.deepEqual(replay.items[0].execution, { status: "SUCCEEDED", workflows: ["order-processing"] });
    assert.deepEqual(lines(dlq), ["{not json}"], "the malformed line is kept, the replayed one removed");

    // The replayed execution's idempotent steps returned the stored results: no second charge.
    const metrics = reports[0].executions[0].metrics;
    assert.equal(metrics.ChargeCard.IdempotentReplays?.sum, 1);
    assert.equal(metrics.ChargeCard.OrdersCharged, undefined, "the handler did not charge again");
    assert.equal(metrics.MarkOrderComplete.IdempotentReplays?.sum, 1);
  });
});
