import assert from "node:assert/strict";
import { virtualClock, withVirtualTime } from "../runner/clock";
import type { AslDefinition } from "event-driven-workflow/asl";
import { LocalWorkflow } from "../runner/execute";

/**
 * The virtual clock (runner/clock.ts): time advances only when the process is idle, straight to the next timer, so
 * intervals, waits and timeouts are honoured at their simulated moment without being waited for. The assertions are
 * on simulated time (Date.now inside the run, the execution's event timestamps), never on how long the test took.
 */
const LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:step";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the virtual clock (local/runner/clock.ts)", () => {
  it("fires a timer an hour away at its simulated moment, with Date.now and new Date() on simulated time", async () => {
    const realStart = Date.now();
    const seen = await withVirtualTime(async () => {
      const start = Date.now();
      await sleep(3_600_000);
      return { elapsed: Date.now() - start, dateMatches: new Date().toISOString() === new Date(Date.now()).toISOString() };
    });
    assert.equal(seen.elapsed, 3_600_000);
    assert.ok(seen.dateMatches);
    assert.ok(Date.now() - realStart < 3_600_000, "the globals are real again after the run");
    assert.equal(typeof Date(), "string");
  });

  it("fires timers in time order, and those due at the same moment in the order they were set", async () => {
    const order = await withVirtualTime(async () => {
      const fired: string[] = [];
      await Promise.all([
        sleep(300).then(() => fired.push("c")),
        sleep(100).then(() => fired.push("a")),
        sleep(200).then(() => fired.push("b1")),
        sleep(200).then(() => fired.push("b2")),
      ]);
      return fired;
    });
    assert.deepEqual(order, ["a", "b1", "b2", "c"]);
  });

  it("lets every pending setImmediate and promise settle before it advances, and stands still while held", async () => {
    const log = await withVirtualTime(async () => {
      const events: string[] = [];
      const release = virtualClock.hold();
      const timer = sleep(1000).then(() => events.push(`timer at +${Date.now() - start}`));
      const start = Date.now();
      // Work of many turns that the clock cannot see as timers: it must all happen "before" the timer.
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      events.push("immediates done");
      release();
      await timer;
      return events;
    });
    assert.deepEqual(log, ["immediates done", "timer at +1000"]);
  });

  it("cancels cleared timers and repeats intervals", async () => {
    const ticks = await withVirtualTime(async () => {
      let count = 0;
      const cancelled = setTimeout(() => (count += 100), 50);
      clearTimeout(cancelled);
      const interval = setInterval(() => (count += 1), 10);
      await sleep(55);
      clearInterval(interval);
      return count;
    });
    assert.equal(ticks, 5);
  });
});

describe("a local execution on the virtual clock", () => {
  const definition: AslDefinition = {
    StartAt: "Flaky",
    TimeoutSeconds: 5000,
    States: {
      Flaky: {
        Type: "Task",
        Resource: LAMBDA,
        TimeoutSeconds: 10,
        Retry: [{ ErrorEquals: ["Transient"], IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 2 }],
        Next: "Pause",
      },
      Pause: { Type: "Wait", Seconds: 3600, Next: "Slow" },
      Slow: { Type: "Task", Resource: LAMBDA, TimeoutSeconds: 10, End: true },
    },
  };

  it("honours Retry intervals with backoff, a Wait and a task timeout, at their simulated moments", async () => {
    let attempts = 0;
    const machine = new LocalWorkflow(definition, {
      clock: "virtual",
      captureOutput: false,
      taskHandlers: {
        Flaky: async () => {
          attempts += 1;
          if (attempts < 4) throw Object.assign(new Error("try again"), { name: "Transient" });
          return {};
        },
        Slow: async () => sleep(60_000), // longer than its TimeoutSeconds
      },
    });
    const result = await machine.run({});
    assert.equal(result.clock, "virtual");
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "States.Timeout");
    const at = (type: string, state: string) => result.events.find((e) => e.type === type && e.state === state)?.timestamp ?? Number.NaN;
    const started = result.events[0].timestamp;
    // 30 + 60 + 120 s of backoff, then the 3600 s Wait, then Slow's 10 s timeout.
    assert.equal(at("StateEntered", "Pause") - started, 210_000);
    assert.equal(at("StateEntered", "Slow") - started, 3_810_000);
    assert.equal(result.durationMs, 3_820_000);
  });

  it("ends the execution TIMED_OUT at its TimeoutSeconds, and a slow answer lands at its moment", async () => {
    const landed: number[] = [];
    const machine = new LocalWorkflow(
      { ...definition, TimeoutSeconds: 100 },
      {
        clock: "virtual",
        captureOutput: false,
        taskHandlers: {
          Flaky: async () => {
            // An answer that lands 150 s later, after the execution has timed out (during a retry wait).
            void sleep(150_000).then(() => landed.push(Date.now()));
            throw Object.assign(new Error("try again"), { name: "Transient" });
          },
          Slow: async () => ({}),
        },
      },
    );
    let started = 0;
    const result = await withVirtualTime(async () => {
      started = Date.now();
      const run = await machine.run({});
      await sleep(200_000);
      return run;
    });
    assert.equal(result.status, "TIMED_OUT");
    assert.equal(result.durationMs, 100_000);
    // Attempts at 0, 30 and 90 s (the next would be at 210 s: the execution timed out at 100 s and invokes nothing more).
    assert.deepEqual(
      landed.map((t) => t - started),
      [150_000, 180_000, 240_000],
    );
  });

  it("keeps fast mode the default: intervals and waits skipped", async () => {
    const machine = new LocalWorkflow(definition, {
      captureOutput: false,
      taskHandlers: { Flaky: async () => ({}), Slow: async () => ({}) },
    });
    const result = await machine.run({});
    assert.equal(result.clock, "fast");
    assert.equal(result.status, "SUCCEEDED");
    assert.ok(result.durationMs < 3_600_000);
  });
});
