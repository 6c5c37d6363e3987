/**
 * Heartbeats of a callback task on the VIRTUAL CLOCK (the refund-approval example's AwaitSettlement: HeartbeatSeconds
 * 600, TimeoutSeconds 7,200): a worker that heartbeats in time is waited for until it answers an hour later, and one
 * whose heartbeat comes late fails with States.HeartbeatTimeout at the simulated moment the heartbeat was due. The
 * assertions are on the execution's simulated timestamps, never on how long the test took.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RunnerInputError } from "../input/eventInput";
import { LocalRunner, loadSynthesis, type CallbackAnswer, type ExecutionReport } from "../runner/runner";

const EXAMPLE = join(__dirname, "..", "..", "examples", "refund-approval");
const smallRefund = JSON.parse(readFileSync(join(EXAMPLE, "events", "small-refund.json"), "utf8"));

/** One synthesis of the example for the whole file: each run gets a runner over it. */
let synthesis: ReturnType<typeof loadSynthesis> | undefined;
const synthesized = () => (synthesis ??= loadSynthesis(join(EXAMPLE, "index.ts")));

async function settle(answer: CallbackAnswer): Promise<ExecutionReport> {
  const runner = await LocalRunner.fromSynthesis(
    await synthesized(),
    { mode: "source", clock: "virtual", callbacks: { AwaitSettlement: answer } },
    "index.ts",
  );
  try {
    const report = await runner.runEvent(smallRefund, "small-refund");
    return report.executions[0];
  } finally {
    await runner.close();
  }
}

/** Simulated seconds from AwaitSettlement's hand-off (TaskSubmitted) to the first event of `type` on it. */
function secondsAfterHandOff(execution: ExecutionReport, type: string): number {
  const on = execution.history.filter((e) => e.state === "AwaitSettlement");
  const submitted = on.find((e) => e.type === "TaskSubmitted");
  const event = on.find((e) => e.type === type);
  assert.ok(submitted && event, `${type} after TaskSubmitted in ${JSON.stringify(on.map((e) => e.type))}`);
  return (event.offsetMs - submitted.offsetMs) / 1000;
}

describe("callback heartbeats on the virtual clock (the refund-approval example's AwaitSettlement)", function () {
  this.timeout(120_000);

  it("heartbeats in time: a worker heartbeating every 500 s is waited for until it answers 3,000 s after the hand-off", async () => {
    const execution = await settle({ success: { settled: true }, afterSeconds: 3_000, heartbeats: [500, 1_000, 1_500, 2_000, 2_500] });
    assert.equal(execution.status, "SUCCEEDED", `${execution.error}: ${execution.cause}`);
    assert.deepEqual(execution.path, ["NeedsApproval", "AutoApprove", "IssueRefund", "AwaitSettlement", "AnnounceRefund"]);
    assert.equal(execution.clock, "virtual");
    // Five intervals of 500 s, each shorter than HeartbeatSeconds: none skipped, none cut short.
    assert.equal(secondsAfterHandOff(execution, "TaskStateExited"), 3_000);
    assert.ok(execution.durationMs >= 3_000_000, `simulated ${execution.durationMs} ms`);
  });

  it("a late heartbeat: States.HeartbeatTimeout at exactly the moment it was due (last heartbeat + 600 s)", async () => {
    // 500 s, then silence until 1,200 s: the heartbeat due at 1,100 s is missed.
    const execution = await settle({ success: { settled: true }, afterSeconds: 3_000, heartbeats: [500, 1_200] });
    assert.equal(execution.status, "FAILED");
    assert.deepEqual(execution.path, ["NeedsApproval", "AutoApprove", "IssueRefund", "AwaitSettlement", "SettlementStalled", "StalledEnd"]);
    const timedOut = execution.history.find((e) => e.state === "AwaitSettlement" && e.type === "TaskTimedOut");
    assert.equal(timedOut?.error, "States.HeartbeatTimeout");
    assert.equal(secondsAfterHandOff(execution, "TaskTimedOut"), 1_100);
  });

  it("an answer later than one heartbeat interval, with no heartbeat: times out at 600 s, the answer never counts", async () => {
    const execution = await settle({ success: { settled: true }, afterSeconds: 601 });
    assert.equal(execution.status, "FAILED");
    assert.equal(secondsAfterHandOff(execution, "TaskTimedOut"), 600);
  });

  it("refuses timing that cannot happen: a heartbeat after the answer, moments out of order or negative", async () => {
    for (const answer of [
      { success: {}, afterSeconds: 100, heartbeats: [200] },
      { success: {}, afterSeconds: 900, heartbeats: [500, 300] },
      { failure: "Stalled", afterSeconds: -1 },
    ]) {
      await assert.rejects(
        LocalRunner.fromSynthesis(await synthesized(), { mode: "source", callbacks: { AwaitSettlement: answer } }, "index.ts"),
        (error: Error) => error instanceof RunnerInputError && /AwaitSettlement.*ascending/.test(error.message),
      );
    }
  });
});
