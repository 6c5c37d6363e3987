/**
 * Callback tasks run locally (examples/refund-approval): every outcome a person or a slow system can give, answered
 * through the runner's `callbacks`, with the token handed out and the answer in the history.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RunnerInputError } from "../input/eventInput";
import { messagesTo, publishedEvents } from "../simulators/messageRecorder";
import type { Synthesis } from "../program/synthesize";
import { LocalRunner, loadSynthesis, type CallbackAnswer, type EventReport, type RunnerOptions } from "../runner/runner";

const EXAMPLE = join(__dirname, "..", "..", "examples", "refund-approval");
const event = (name: string) => JSON.parse(readFileSync(join(EXAMPLE, "events", `${name}.json`), "utf8"));
const settled: Record<string, CallbackAnswer> = { AwaitSettlement: { success: { settled: true } } };

/** One synthesis of the example for the whole file: each run gets a runner (fresh containers and tables) over it. */
let synthesis: Promise<Synthesis> | undefined;

async function run(name: string, options: RunnerOptions): Promise<EventReport["executions"][number]> {
  synthesis ??= loadSynthesis(join(EXAMPLE, "index.ts"));
  const runner = await LocalRunner.fromSynthesis(await synthesis, { mode: "source", ...options }, "index.ts");
  try {
    const report = await runner.runEvent(event(name), name);
    assert.equal(report.executions.length, 1, JSON.stringify(report.matches));
    return report.executions[0];
  } finally {
    await runner.close();
  }
}

describe("callback tasks, run locally (the refund-approval example)", function () {
  this.timeout(120_000);

  it("success: the manager approves, the network settles; the answers become the states' results", async () => {
    const execution = await run("large-refund", {
      callbacks: { ManagerApproval: { success: { decision: "approved", by: "maria" } }, ...settled },
    });
    assert.equal(execution.status, "SUCCEEDED");
    assert.deepEqual(execution.path, ["NeedsApproval", "ManagerApproval", "IssueRefund", "AwaitSettlement", "AnnounceRefund"]);
    const { detail } = publishedEvents(execution.published)[0];
    assert.deepEqual(detail.approval, { decision: "approved", by: "maria" });
    assert.deepEqual(detail.settlement, { settled: true });
    const submitted = execution.history.filter((e) => e.type === "TaskSubmitted");
    assert.deepEqual(
      submitted.map((e) => [e.state, e.answer]),
      [
        ["ManagerApproval", "success"],
        ["AwaitSettlement", "success"],
      ],
    );
    assert.ok(submitted.every((e) => /^local-token-/.test(e.token ?? "")) && submitted[0].token !== submitted[1].token);
  });

  it("failure: a rejection is a named error the workflow catches", async () => {
    const execution = await run("large-refund", { callbacks: { ManagerApproval: { failure: "ApprovalRejected", cause: "over budget" } } });
    assert.equal(execution.status, "SUCCEEDED");
    assert.deepEqual(execution.path, ["NeedsApproval", "ManagerApproval", "AnnounceDeclined"]);
    assert.equal(publishedEvents(execution.published)[0].detail.error.Error, "ApprovalRejected");
  });

  it("timeout: nobody answers, so the task fails with States.Timeout when its wait ends", async () => {
    const execution = await run("large-refund", { timeoutScale: 0.00001 });
    assert.equal(execution.status, "FAILED");
    assert.deepEqual(execution.path, ["NeedsApproval", "ManagerApproval", "ApprovalExpired", "ExpiredEnd"]);
    assert.equal(execution.error, "ApprovalExpired");
    assert.equal(execution.history.find((e) => e.type === "TaskSubmitted")?.answer, "none");
  });

  it("heartbeat missed: a silent worker is noticed at its heartbeat, before the wait's timeout", async () => {
    const started = Date.now();
    const execution = await run("small-refund", { timeoutScale: 0.0002 });
    assert.equal(execution.status, "FAILED");
    assert.deepEqual(execution.path, ["NeedsApproval", "AutoApprove", "IssueRefund", "AwaitSettlement", "SettlementStalled", "StalledEnd"]);
    assert.equal(execution.error, "SettlementStalled");
    assert.equal(messagesTo(execution.published, "sns")[0].request.Message.refundId, "rf-1", "the alert carries the refund");
    assert.ok(Date.now() - started < 20_000);
  });

  it("runs the hand-off from its deployment artifact too, approval links signed with the run's local key", async () => {
    const execution = await run("large-refund", {
      mode: "artifact",
      callbacks: { ManagerApproval: { success: { decision: "approved" } }, ...settled },
    });
    assert.equal(execution.status, "SUCCEEDED");
    const approval = execution.invocations.find((i) => i.state === "ManagerApproval");
    assert.ok(approval && approval.error === undefined, JSON.stringify(approval));
    assert.ok(
      approval.logs.some((line) => line.includes('"approval requested"') && line.includes('"links":["approve","reject"]')),
      approval.logs.join("\n"),
    );
  });

  it("answers per event: one runner, each event with its own answers (else the runner's)", async () => {
    synthesis ??= loadSynthesis(join(EXAMPLE, "index.ts"));
    const runner = await LocalRunner.fromSynthesis(await synthesis, { mode: "source", callbacks: settled }, "index.ts");
    try {
      const approve = { ManagerApproval: { success: { decision: "approved" } }, ...settled };
      const approved = await runner.runEvent(event("large-refund"), "approved", "default", { callbacks: approve });
      const rejected = await runner.runEvent(event("large-refund"), "rejected", "default", {
        callbacks: { ManagerApproval: { failure: "ApprovalRejected" } },
      });
      const unanswered = await runner.runEvent(event("small-refund"), "runner's answers");
      assert.deepEqual(approved.executions[0].path, [
        "NeedsApproval",
        "ManagerApproval",
        "IssueRefund",
        "AwaitSettlement",
        "AnnounceRefund",
      ]);
      assert.deepEqual(rejected.executions[0].path, ["NeedsApproval", "ManagerApproval", "AnnounceDeclined"]);
      assert.equal(unanswered.executions[0].status, "SUCCEEDED", "the runner's AwaitSettlement answer applies");
      await assert.rejects(
        runner.runEvent(event("large-refund"), "typo", "default", { callbacks: { ManagerAproval: { success: {} } } }),
        RunnerInputError,
      );
    } finally {
      await runner.close();
    }
  });

  it("refuses an answer for a state that is no callback step, naming the closest one", async () => {
    await assert.rejects(
      LocalRunner.load(join(EXAMPLE, "index.ts"), { mode: "source", callbacks: { ManagerAproval: { success: {} } } }),
      (error: Error) =>
        error instanceof RunnerInputError &&
        /no callback step \(waitForCallback\) is named "ManagerAproval"; did you mean "ManagerApproval"\?/.test(error.message),
    );
  });

  it("a timeout scale shortens the waits but keeps hand-off Lambdas at a second or more (artifact mode)", async () => {
    const execution = await run("large-refund", { mode: "artifact", timeoutScale: 0.00001 });
    assert.deepEqual(execution.path, ["NeedsApproval", "ManagerApproval", "ApprovalExpired", "ExpiredEnd"]);
    assert.equal(execution.invocations.find((i) => i.state === "ManagerApproval")?.error, undefined, "the hand-off ran");
  });
});
