/**
 * LocalWorkflow reads each run's events from the queue aws-local-stepfunctions keeps (runner/execute.ts,
 * `tapEventLogs`), not through the engine's public async event log: this holds the two to the same events, in the same
 * order, for a definition with a Parallel, a Map, a retried and a caught task, and a failed execution, so that an
 * engine upgrade that changes what it queues fails here rather than in a history.
 */
import { strict as assert } from "node:assert";
import { StateMachine } from "aws-local-stepfunctions";
import "../runner/polyfills";
import { LocalWorkflow, type LocalTaskHandler } from "../runner/execute";

const task = (next: Record<string, unknown>) => ({ Type: "Task", Resource: "arn:aws:lambda:local-1:000000000000:function:f", ...next });

const definition = {
  StartAt: "Both",
  States: {
    Both: {
      Type: "Parallel",
      Branches: [
        { StartAt: "Flaky", States: { Flaky: task({ Retry: [{ ErrorEquals: ["Busy"], MaxAttempts: 2 }], End: true }) } },
        { StartAt: "Wait", States: { Wait: { Type: "Pass", End: true } } },
      ],
      ResultPath: "$.both",
      Next: "Each",
    },
    Each: {
      Type: "Map",
      ItemsPath: "$.items",
      ItemProcessor: { StartAt: "Item", States: { Item: { Type: "Pass", End: true } } },
      ResultPath: "$.mapped",
      Next: "Risky",
    },
    Risky: task({ Catch: [{ ErrorEquals: ["States.ALL"], Next: "Broken" }], Next: "Done" }),
    Done: { Type: "Succeed" },
    Broken: { Type: "Fail", Error: "Broken", Cause: "caught" },
  },
};

/** Handlers by state: Flaky fails once with Busy, Risky always fails (caught, then the Fail state). */
function handlers(): Record<string, LocalTaskHandler> {
  let flaky = 0;
  return {
    Flaky: async () => {
      if (flaky++ === 0) throw Object.assign(new Error("try again"), { name: "Busy" });
      return { items: [1, 2] };
    },
    Risky: async () => {
      throw Object.assign(new Error("no"), { name: "Nope" });
    },
  };
}

/** The engine's events through its public async log, in LocalWorkflow's fields. */
async function publicLogEvents(input: unknown) {
  const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const execution = machine.run(
    input as never,
    { overrides: { taskResourceLocalHandlers: handlers(), retryIntervalOverrides: { Flaky: 0 } } } as never,
  );
  const events: { type: string; state?: string; error?: string; attempt?: number; index?: number }[] = [];
  const reading = (async () => {
    for await (const event of execution.eventLogs) {
      const e = event as Record<string, any>;
      events.push({
        type: e.type,
        state: e.state?.name,
        error: e.Error,
        attempt: e.retry?.attempt,
        ...(typeof e.index === "number" ? { index: e.index } : {}),
      });
    }
  })();
  await execution.result.catch(() => undefined);
  await reading;
  return events;
}

describe("local execution: the events LocalWorkflow reads from the engine's queue", () => {
  it("are the engine's public event log, event for event, through a parallel, a map, a retry, a catch and a failure", async () => {
    const input = { items: [1, 2] };
    const result = await new LocalWorkflow(JSON.stringify(definition), {
      taskHandlers: handlers(),
      prevalidated: true,
      captureOutput: false,
    }).run(input);
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "Broken", result.cause);
    const ours = result.events.map(({ type, state, error, attempt, index }) => ({
      type,
      state,
      error,
      attempt,
      ...(index === undefined ? {} : { index }),
    }));
    const expected = await publicLogEvents(input);
    // The same events; in the same order within each state (and each kind of event without one). Across the
    // parallel's branches the order may differ by a turn of the event loop: LocalWorkflow's handlers settle a tick
    // later than the bare ones (they can be let go when the execution ends), as AWS orders branches by nothing either.
    const key = (e: object) => JSON.stringify(e);
    assert.deepEqual(ours.map(key).sort(), expected.map(key).sort(), "the same events");
    const threads = (events: { type: string; state?: string }[]) => {
      const byThread = new Map<string, string[]>();
      for (const e of events) byThread.set(e.state ?? e.type, [...(byThread.get(e.state ?? e.type) ?? []), key(e)]);
      return Object.fromEntries(byThread);
    };
    assert.deepEqual(threads(ours), threads(expected), "in the same order within each state");
    assert.deepEqual([ours[0], ours.at(-1)], [expected[0], expected.at(-1)]);
    // The cases the comparison is meant to cover are there.
    const types = new Set(ours.map((e) => e.type));
    for (const type of ["ParallelBranchStarted", "MapIterationStarted", "StateRetried", "StateCaught", "ExecutionFailed"])
      assert.ok(types.has(type), `${type} missing from ${[...types].join(", ")}`);
    assert.deepEqual(result.retries, { Flaky: 1 });
  });
});
