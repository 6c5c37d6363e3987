/**
 * The execution history the runner shows is the one AWS shows: a callback task (`lambda:invoke.waitForTaskToken`)
 * whose token is never answered in time times out as `TaskTimedOut` (States.Timeout, or States.HeartbeatTimeout for
 * a missed heartbeat), and an answered failure is a `TaskFailed`; only a plain Lambda task's timeout is a
 * `LambdaFunctionTimedOut`.
 */
import assert from "node:assert/strict";
import type { AslObject } from "event-driven-workflow/asl";
import type { LocalExecutionResult } from "../runner/execute";
import { executionHistory, type InvocationRecord } from "../runner/history";

const states = new Map<string, AslObject>([
  ["Approve", { Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken" }],
  ["Charge", { Type: "Task", Resource: "arn:aws:states:::lambda:invoke" }],
]);
const lambdaStates = new Set(["Approve", "Charge"]);

/** One state entered at t=0 that fails at t=50 with `error`, after its Lambda ran from 1 to 5 (handing off a token). */
function failedRun(state: string, error: string, callback = true) {
  const result = {
    executionId: "local",
    clock: "fast",
    status: "FAILED",
    error,
    cause: "no answer",
    path: [state],
    pathRetries: [0],
    retries: {},
    published: [],
    durationMs: 60,
    printed: [],
    events: [
      { type: "ExecutionStarted", timestamp: 0 },
      { type: "StateEntered", state, timestamp: 0 },
      { type: "StateFailed", state, timestamp: 50, error, cause: "no answer" },
      { type: "ExecutionFailed", timestamp: 60, error, cause: "no answer" },
    ],
  } as LocalExecutionResult;
  const invocation: InvocationRecord = {
    state,
    requestId: "r-1",
    startedAt: 1,
    endedAt: 5,
    coldStart: false,
    stdout: [],
    ...(callback ? { callback: { token: "local-token-1", answer: error.startsWith("States.") ? "none" : "failure" } } : {}),
  };
  return executionHistory(result, states, lambdaStates, [invocation]).map((e) => [e.type, e.state, e.error]);
}

describe("execution history (as AWS shows it)", () => {
  it("a callback task nobody answers before its TimeoutSeconds: TaskTimedOut, not LambdaFunctionTimedOut", () => {
    const history = failedRun("Approve", "States.Timeout");
    assert.deepEqual(
      history.find(([type]) => String(type).endsWith("TimedOut")),
      ["TaskTimedOut", "Approve", "States.Timeout"],
    );
    assert.ok(!history.some(([type]) => type === "LambdaFunctionTimedOut"), JSON.stringify(history));
  });

  it("a callback task whose heartbeat is missed: TaskTimedOut with States.HeartbeatTimeout", () => {
    assert.ok(failedRun("Approve", "States.HeartbeatTimeout").some((e) => e.join() === "TaskTimedOut,Approve,States.HeartbeatTimeout"));
  });

  it("a callback answered with SendTaskFailure: TaskFailed with the answer's error", () => {
    assert.ok(failedRun("Approve", "ApprovalRejected").some((e) => e.join() === "TaskFailed,Approve,ApprovalRejected"));
  });

  it("a plain Lambda task cut short by its TimeoutSeconds stays a LambdaFunctionTimedOut", () => {
    assert.ok(failedRun("Charge", "States.Timeout", false).some((e) => e.join() === "LambdaFunctionTimedOut,Charge,States.Timeout"));
  });
});
