/**
 * The worst-case time budget, by hand: each state kind's figure is computed here from AWS's documented rules and
 * compared with what timeBudget/timeBudgetOfDefinition return (JSONPath and JSONata, step lists and raw ASL).
 */
import assert from "node:assert/strict";
import { formatTimeBudgetNote, timeBudget, timeBudgetNote, timeBudgetOfDefinition } from "../../core";
import { choice, fail, map, parallel, pass, publishEvent, task, wait, waitForCallback } from "../../steps/builders";

const handler = async () => ({});
const lambda = "arn:aws:lambda:us-east-1:123456789012:function:f";
/** A one-state definition. */
const only = (state: Record<string, unknown>) => ({ StartAt: "S", States: { S: { ...state, End: true } } });
const stateSeconds = (definition: unknown, name = "S") => {
  const budget = timeBudgetOfDefinition(definition);
  const state = budget.states.find((s) => s.name === name);
  assert.ok(state, `no state ${name}`);
  return state;
};

describe("timeBudget: one state", () => {
  it("a task without retriers: its TimeoutSeconds", () => {
    assert.equal(stateSeconds(only({ Type: "Task", Resource: lambda, TimeoutSeconds: 30 })).seconds, 30);
  });

  it("retries: (1 + MaxAttempts) x timeout + intervals with BackoffRate; ASL defaults (1 s, 3 attempts, x2) when omitted", () => {
    const state = stateSeconds(only({ Type: "Task", Resource: lambda, TimeoutSeconds: 10, Retry: [{ ErrorEquals: ["Boom"] }] }));
    // 4 attempts of 10 s + 1 + 2 + 4 s between them.
    assert.equal(state.seconds, 4 * 10 + 1 + 2 + 4);
    assert.match(state.detail, /4 attempts/);
  });

  it("each retrier counts its own attempts: different errors can use up every retrier in turn", () => {
    const retry = [
      { ErrorEquals: ["A"], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 3 }, // 2 + 6
      { ErrorEquals: ["B"], IntervalSeconds: 5, MaxAttempts: 1 }, // 5
    ];
    assert.equal(
      stateSeconds(only({ Type: "Task", Resource: lambda, TimeoutSeconds: 7, Retry: retry })).seconds,
      (1 + 2 + 1) * 7 + 2 + 6 + 5,
    );
  });

  it("a retrier whose errors an earlier one always takes is never used (States.ALL, States.TaskFailed, a repeated name)", () => {
    const retry = [
      { ErrorEquals: ["A"], IntervalSeconds: 1, MaxAttempts: 1 },
      { ErrorEquals: ["A"], IntervalSeconds: 100, MaxAttempts: 9 },
      { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, MaxAttempts: 1 },
      { ErrorEquals: ["B"], IntervalSeconds: 100, MaxAttempts: 9 },
      { ErrorEquals: ["States.Timeout"], IntervalSeconds: 3, MaxAttempts: 1 },
    ];
    // A: 1 attempt + 1 s; TaskFailed: 1 + 1 s; Timeout (TaskFailed does not take it): 1 + 3 s.
    assert.equal(stateSeconds(only({ Type: "Task", Resource: lambda, TimeoutSeconds: 10, Retry: retry })).seconds, 4 * 10 + 1 + 1 + 3);
  });

  it("MaxDelaySeconds caps each interval; FULL jitter's worst case is the un-jittered interval", () => {
    const retry = [{ ErrorEquals: ["A"], IntervalSeconds: 4, MaxAttempts: 4, BackoffRate: 3, MaxDelaySeconds: 20, JitterStrategy: "FULL" }];
    // 4, 12, min(36, 20), min(108, 20).
    assert.equal(stateSeconds(only({ Type: "Task", Resource: lambda, TimeoutSeconds: 1, Retry: retry })).seconds, 5 + 4 + 12 + 20 + 20);
  });

  it("AWS's largest MaxAttempts is counted at once, capped or not", () => {
    const capped = [{ ErrorEquals: ["A"], IntervalSeconds: 1, MaxAttempts: 99_999_999, BackoffRate: 2, MaxDelaySeconds: 10 }];
    // 1, 2, 4, 8, then 10 s for each of the other 99,999,995 retries.
    assert.equal(
      stateSeconds(only({ Type: "Task", Resource: lambda, TimeoutSeconds: 1, Retry: capped })).seconds,
      100_000_000 + 15 + 99_999_995 * 10,
    );
    const flat = [{ ErrorEquals: ["A"], IntervalSeconds: 3, MaxAttempts: 99_999_999, BackoffRate: 1 }];
    assert.equal(
      stateSeconds(only({ Type: "Task", Resource: lambda, TimeoutSeconds: 1, Retry: flat })).seconds,
      100_000_000 + 3 * 99_999_999,
    );
  });

  it("MaxAttempts 0 never retries", () => {
    const retry = [{ ErrorEquals: ["A"], IntervalSeconds: 50, MaxAttempts: 0 }];
    assert.equal(stateSeconds(only({ Type: "Task", Resource: lambda, TimeoutSeconds: 3, Retry: retry })).seconds, 3);
  });

  it("a task with no timeout, or one read from the execution, is unbounded and says why; a declared maxSeconds bounds it", () => {
    const none = stateSeconds(only({ Type: "Task", Resource: lambda }));
    assert.equal(none.bounded, false);
    assert.match(none.unbounded ?? "", /no TimeoutSeconds/);
    const path = stateSeconds(only({ Type: "Task", Resource: lambda, TimeoutSecondsPath: "$.t" }));
    assert.equal(path.bounded, false);
    assert.match(path.unbounded ?? "", /TimeoutSecondsPath \$\.t/);
    const declared = stateSeconds(
      only({ Type: "Task", Resource: lambda, TimeoutSecondsPath: "$.t", Comment: formatTimeBudgetNote({ maxSeconds: 45 }) }),
    );
    assert.deepEqual([declared.bounded, declared.seconds], [true, 45]);
  });

  it("a callback waits its TimeoutSeconds per attempt; HeartbeatSeconds does not extend it", () => {
    const state = stateSeconds(
      only({
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        TimeoutSeconds: 3600,
        HeartbeatSeconds: 60,
        Retry: [{ ErrorEquals: ["X"], MaxAttempts: 1, IntervalSeconds: 10 }],
      }),
    );
    assert.equal(state.seconds, 2 * 3600 + 10);
  });

  it("integration states (sns, sqs, events) count their TimeoutSeconds", () => {
    const budget = timeBudget([publishEvent("Announce", { source: "s", detailType: "d", timeoutSeconds: 12, end: true })], {
      timeoutSeconds: 60,
    });
    assert.equal(budget.worst.seconds, 12);
  });

  it("a Wait: Seconds; SecondsPath, TimestampPath and Timestamp are unbounded unless a maxSeconds is declared", () => {
    assert.equal(stateSeconds(only({ Type: "Wait", Seconds: 90 })).seconds, 90);
    for (const field of [{ SecondsPath: "$.s" }, { TimestampPath: "$.t" }, { Timestamp: "2030-01-01T00:00:00Z" }]) {
      const state = stateSeconds(only({ Type: "Wait", ...field }));
      assert.equal(state.bounded, false, JSON.stringify(field));
      assert.match(state.unbounded ?? "", new RegExp(Object.keys(field)[0]));
    }
    const steps = [wait("UntilDue", { timestampPath: "$.due", maxSeconds: 600 }, { end: true })];
    assert.equal(timeBudget(steps).worst.seconds, 600);
  });

  it("Pass, Choice, Succeed and Fail take no time", () => {
    const definition = {
      StartAt: "P",
      States: {
        P: { Type: "Pass", Next: "C" },
        C: { Type: "Choice", Choices: [{ Variable: "$.x", IsPresent: true, Next: "Ok" }], Default: "No" },
        Ok: { Type: "Succeed" },
        No: { Type: "Fail", Error: "E" },
      },
    };
    const budget = timeBudgetOfDefinition(definition);
    assert.equal(budget.worst.seconds, 0);
    assert.equal(budget.paths.length, 2);
  });
});

describe("timeBudget: paths", () => {
  it("a Choice takes its worst branch, and every branch is a path of its own", () => {
    const steps = [
      choice("Route", { choices: [{ condition: { variable: "$.big", booleanEquals: true }, next: "Slow" }], otherwise: "Fast" }),
      wait("Slow", { seconds: 100 }, { end: true }),
      wait("Fast", { seconds: 5 }, { end: true }),
    ];
    const budget = timeBudget(steps);
    assert.deepEqual(budget.worst.states, ["Route", "Slow"]);
    assert.equal(budget.worst.seconds, 100);
    assert.equal(budget.worst.dominant, "Slow");
    assert.deepEqual(
      budget.paths.map((p) => [p.states.join(">"), p.seconds]),
      [
        ["Route>Slow", 100],
        ["Route>Fast", 5],
      ],
    );
  });

  it("a caught task has used all its retries before its catch target runs; catch chains add up", () => {
    const steps = [
      task("Charge", {
        handler,
        timeoutSeconds: 10,
        retryLambdaServiceErrors: false,
        retry: [{ errors: ["Busy"], intervalSeconds: 2, maxAttempts: 2, backoffRate: 2 }],
        catch: [{ errors: ["States.ALL"], next: "Refund" }],
        next: "Done",
      }),
      task("Refund", {
        handler,
        timeoutSeconds: 20,
        retryLambdaServiceErrors: false,
        retry: [{ errors: ["Busy"], intervalSeconds: 1, maxAttempts: 1 }],
        catch: [{ errors: ["States.ALL"], next: "Escalate" }],
        next: "Failed",
      }),
      wait("Escalate", { seconds: 7 }, { next: "Failed" }),
      fail("Failed", { error: "E", cause: "c" }),
      pass("Done", { end: true }),
    ];
    const budget = timeBudget(steps, { timeoutSeconds: 1000 });
    const charge = 3 * 10 + 2 + 4;
    const refund = 2 * 20 + 1;
    assert.deepEqual(budget.worst.states, ["Charge", "Refund", "Escalate", "Failed"]);
    assert.equal(budget.worst.seconds, charge + refund + 7);
    assert.equal(budget.worst.dominant, "Refund");
    assert.equal(budget.executionTimeoutSeconds, 1000);
    assert.deepEqual(
      budget.paths.map((p) => p.seconds),
      [charge + refund + 7, charge + refund, charge],
    );
  });

  it("the Lambda service retrier the compiler adds to every task counts too (3 attempts, 1 + 2 + 4 s)", () => {
    assert.equal(timeBudget([task("T", { handler, timeoutSeconds: 10, end: true })]).worst.seconds, 4 * 10 + 7);
  });

  it("a Parallel takes its slowest branch, and its own retries repeat it", () => {
    const steps = [
      parallel("Both", {
        branches: [[wait("A", { seconds: 30 }, { end: true })], [wait("B", { seconds: 50 }, { end: true })]],
        retry: [{ errors: ["Busy"], intervalSeconds: 5, maxAttempts: 1 }],
        end: true,
      }),
    ];
    const budget = timeBudget(steps);
    assert.equal(budget.worst.seconds, 2 * 50 + 5);
    assert.match(budget.states.find((s) => s.name === "Both")?.detail ?? "", /slowest branch B/);
  });

  it("a Map: the slowest item times ceil(maxItems / maxConcurrency); without maxItems it is unbounded and named", () => {
    const item = [wait("Scan", { seconds: 10 }, { end: true })];
    const bounded = timeBudget([map("Each", { itemsPath: "$.items", steps: item, maxConcurrency: 3, maxItems: 10, end: true })]);
    assert.equal(bounded.worst.seconds, Math.ceil(10 / 3) * 10);
    // No MaxConcurrency: an inline Map runs up to 40 items at once.
    const wide = timeBudget([map("Each", { itemsPath: "$.items", steps: item, maxItems: 100, end: true })]);
    assert.equal(wide.worst.seconds, Math.ceil(100 / 40) * 10);
    const open = timeBudget([map("Each", { itemsPath: "$.items", steps: item, end: true })]);
    assert.equal(open.worst.bounded, false);
    assert.match(open.worst.unbounded.join(" "), /Each: the number of items is not bounded \(declare maxItems\)/);
    assert.equal(open.worst.dominant, "Each");
  });

  it("a Map with MaxConcurrencyPath runs, at worst, one item at a time; a Distributed Map's ItemReader MaxItems bounds it", () => {
    const definition = {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          MaxConcurrencyPath: "$.c",
          ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { MaxItems: 6 } },
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "W",
            States: { W: { Type: "Wait", Seconds: 4, End: true } },
          },
          End: true,
        },
      },
    };
    assert.equal(timeBudgetOfDefinition(definition).worst.seconds, 6 * 4);
  });

  it("a Choice that loops back is unbounded and names the loop", () => {
    const definition = {
      StartAt: "Poll",
      States: {
        Poll: { Type: "Wait", Seconds: 10, Next: "Done?" },
        "Done?": { Type: "Choice", Choices: [{ Variable: "$.done", BooleanEquals: true, Next: "End" }], Default: "Poll" },
        End: { Type: "Succeed" },
      },
    };
    const budget = timeBudgetOfDefinition(definition);
    assert.equal(budget.worst.bounded, false);
    assert.equal(budget.worst.loopsBackTo, "Poll");
    assert.match(budget.worst.unbounded.join(" "), /Done\? can go back to Poll/);
    assert.deepEqual(
      budget.paths.map((p) => [p.states.join(">"), p.bounded]),
      [
        ["Poll>Done?", false],
        ["Poll>Done?>End", true],
      ],
    );
  });

  it("JSONata: literal timeouts count, expressions read from the execution are unbounded and named", () => {
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "A",
      States: {
        A: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Arguments: { FunctionName: lambda },
          TimeoutSeconds: "{% 20 %}",
          Next: "W",
        },
        W: { Type: "Wait", Seconds: "{% $states.input.delay %}", Next: "B" },
        B: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", TimeoutSeconds: "{% $states.input.t %}", End: true },
      },
    };
    const budget = timeBudgetOfDefinition(JSON.stringify(definition));
    assert.equal(stateSeconds(definition, "A").seconds, 20);
    assert.equal(budget.worst.bounded, false);
    assert.equal(budget.worst.seconds, 20);
    assert.deepEqual(budget.worst.unbounded.length, 2);
    assert.match(budget.worst.unbounded.join(" "), /W: Seconds "\{% \$states\.input\.delay %\}" is read from the execution/);
  });

  it("never throws on what is not ASL", () => {
    for (const junk of [undefined, null, 42, "not json", { States: 3 }, { StartAt: "X", States: {} }]) {
      const budget = timeBudgetOfDefinition(junk);
      assert.equal(budget.worst.seconds, 0);
    }
  });
});

describe("timeBudget notes", () => {
  it("round-trip through a Comment, one declaration each", () => {
    assert.deepEqual(timeBudgetNote(`Scan ${formatTimeBudgetNote({ maxItems: 12 })}`), { maxItems: 12 });
    assert.deepEqual(timeBudgetNote(formatTimeBudgetNote({ acknowledged: "approved by ops [ticket 42]" })), {
      acknowledged: "approved by ops  ticket 42",
    });
    assert.deepEqual(timeBudgetNote("[time budget: maxItems=many]"), {});
    assert.deepEqual(timeBudgetNote(undefined), {});
  });

  it("a waitForCallback is a callback task: its timeout, not its heartbeat", () => {
    const steps = [
      waitForCallback("Approve", { handler, timeoutSeconds: 86_400, heartbeatSeconds: 600, retryLambdaServiceErrors: false, end: true }),
    ];
    assert.equal(timeBudget(steps).worst.seconds, 86_400);
  });
});
