/**
 * The budget is an upper bound: for generated definitions (tasks with retriers and forward catches, waits,
 * choices) run in-process by aws-local-stepfunctions with scripted outcomes (each attempt takes a drawn share of its
 * timeout, then succeeds, times out or fails with a drawn error), the simulated elapsed time (the attempts' durations,
 * the retry intervals AWS would wait, the waits) never exceeds timeBudgetOfDefinition's worst case. Intervals and
 * waits are skipped in real time and counted in simulated time from the execution's own history.
 */
import "../../../local/runner/polyfills";
import assert from "node:assert/strict";
import fc from "fast-check";
import { StateMachine } from "aws-local-stepfunctions";
import { timeBudgetOfDefinition } from "../../core";

const ERRORS = ["Busy", "Flaky", "States.Timeout", "Fatal"] as const;
type Outcome = { share: number; error?: (typeof ERRORS)[number] };

/** One generated state, before it is given its transitions. */
type Shape =
  | {
      kind: "task";
      timeout: number;
      retry: { errors: string[]; interval: number; max: number; rate: number; cap?: number }[];
      catchTo?: number;
      outcomes: Outcome[];
    }
  | { kind: "wait"; seconds: number }
  | { kind: "choice"; to: [number, number] }
  | { kind: "pass" };

const outcome: fc.Arbitrary<Outcome> = fc.record(
  { share: fc.double({ min: 0, max: 1, noNaN: true }), error: fc.constantFrom(...ERRORS) },
  { requiredKeys: ["share"] },
);
const retrier = fc.record(
  {
    errors: fc.subarray([...ERRORS, "States.ALL"], { minLength: 1 }),
    interval: fc.integer({ min: 1, max: 5 }),
    max: fc.integer({ min: 0, max: 3 }),
    rate: fc.constantFrom(1, 1.5, 2),
    cap: fc.integer({ min: 1, max: 6 }),
  },
  { requiredKeys: ["errors", "interval", "max", "rate"] },
);
const shape: fc.Arbitrary<Shape> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("task" as const),
      timeout: fc.integer({ min: 1, max: 20 }),
      retry: fc.array(retrier, { maxLength: 3 }),
      catchTo: fc.option(fc.nat(), { nil: undefined }),
      outcomes: fc.array(outcome, { maxLength: 8 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("choice" as const), to: fc.tuple(fc.nat(), fc.nat()) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "pass" as const }) },
);

const nameOf = (i: number) => `S${i}`;

/** A definition from the shapes: state i flows to i + 1 (the last ends); catches and choices only jump forward, to a state or to Done (some states may be unreachable: the run skips validation, the budget lists every state). */
function definitionOf(shapes: Shape[]): Record<string, unknown> {
  const forward = (i: number, pick: number) =>
    i + 1 + (pick % (shapes.length - i)) === shapes.length ? "Done" : nameOf(i + 1 + (pick % (shapes.length - i)));
  const next = (i: number) => (i + 1 === shapes.length ? "Done" : nameOf(i + 1));
  const states: Record<string, unknown> = { Done: { Type: "Succeed" } };
  shapes.forEach((s, i) => {
    if (s.kind === "task")
      states[nameOf(i)] = {
        Type: "Task",
        Resource: `arn:aws:lambda:us-east-1:123456789012:function:${nameOf(i)}`,
        TimeoutSeconds: s.timeout,
        ...(s.retry.length
          ? {
              Retry: s.retry.map((r) => ({
                ErrorEquals: r.errors.includes("States.ALL") ? ["States.ALL"] : r.errors,
                IntervalSeconds: r.interval,
                MaxAttempts: r.max,
                BackoffRate: r.rate,
                ...(r.cap === undefined ? {} : { MaxDelaySeconds: r.cap }),
              })),
            }
          : {}),
        ...(s.catchTo === undefined ? {} : { Catch: [{ ErrorEquals: ["States.ALL"], Next: forward(i, s.catchTo) }] }),
        Next: next(i),
      };
    else if (s.kind === "wait") states[nameOf(i)] = { Type: "Wait", Seconds: s.seconds, Next: next(i) };
    else if (s.kind === "choice")
      states[nameOf(i)] = {
        Type: "Choice",
        Choices: [{ Variable: "$.route", NumericEquals: 0, Next: forward(i, s.to[0]) }],
        Default: forward(i, s.to[1]),
      };
    else states[nameOf(i)] = { Type: "Pass", Next: next(i) };
  });
  // A States.ALL retrier must come last in ASL: keep the generated order otherwise.
  for (const state of Object.values(states) as { Retry?: { ErrorEquals: string[] }[] }[]) {
    if (state.Retry)
      state.Retry.sort((a, b) => Number(a.ErrorEquals.includes("States.ALL")) - Number(b.ErrorEquals.includes("States.ALL")));
  }
  return { StartAt: nameOf(0), TimeoutSeconds: 99_999, States: states };
}

/** Runs the definition with the scripted outcomes; returns the simulated seconds the execution took. */
async function simulatedSeconds(definition: Record<string, unknown>, shapes: Shape[], route: number): Promise<number> {
  let elapsed = 0;
  const states = definition.States as Record<string, Record<string, unknown>>;
  const handlers: Record<string, () => Promise<unknown>> = {};
  const names = Object.keys(states).filter((n) => n !== "Done");
  shapes.forEach((s, i) => {
    if (s.kind !== "task") return;
    let call = 0;
    handlers[nameOf(i)] = async () => {
      const o = s.outcomes[call++] ?? { share: 0 };
      // An attempt that times out took its whole timeout; any other took its drawn share of it.
      elapsed += o.error === "States.Timeout" ? s.timeout : o.share * s.timeout;
      if (o.error) throw Object.assign(new Error(o.error), { name: o.error });
      return { route };
    };
  });
  const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const execution = machine.run(
    { route },
    {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        retryIntervalOverrides: Object.fromEntries(names.map((n) => [n, 0])),
        waitTimeOverrides: Object.fromEntries(names.map((n) => [n, 0])),
      },
    },
  );
  const events: unknown[] = [];
  const collect = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  await execution.result.catch(() => undefined);
  await collect;
  for (const event of events as {
    type: string;
    state?: { name: string };
    retry?: { retrier: Record<string, number>; attempt: number };
  }[]) {
    if (event.type === "StateEntered" && states[event.state!.name]?.Type === "Wait") elapsed += states[event.state!.name].Seconds as number;
    if (event.type === "StateRetried" && event.retry) {
      // What AWS waits before retry n (1-based): IntervalSeconds x BackoffRate^(n-1), capped at MaxDelaySeconds.
      const { IntervalSeconds = 1, BackoffRate = 2, MaxDelaySeconds = Infinity } = event.retry.retrier;
      elapsed += Math.min(IntervalSeconds * BackoffRate ** (event.retry.attempt - 1), MaxDelaySeconds);
    }
  }
  return elapsed;
}

describe("timeBudget: never less than a simulated execution (property)", () => {
  it("the retry events carry 1-based attempts (what the simulation assumes)", async () => {
    const shapes: Shape[] = [
      {
        kind: "task",
        timeout: 1,
        retry: [{ errors: ["Busy"], interval: 3, max: 2, rate: 2 }],
        outcomes: [
          { share: 0, error: "Busy" },
          { share: 0, error: "Busy" },
        ],
      },
    ];
    // Two retries: 3 s, then 6 s.
    assert.equal(await simulatedSeconds(definitionOf(shapes), shapes, 0), 9);
  });

  it("holds for generated workflows and outcomes", async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.array(shape, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 1 }), async (shapes, route) => {
        const definition = definitionOf(shapes);
        const budget = timeBudgetOfDefinition(definition);
        assert.equal(budget.worst.bounded, true);
        const elapsed = await simulatedSeconds(definition, shapes, route);
        assert.ok(
          elapsed <= budget.worst.seconds + 1e-9,
          `simulated ${elapsed} s > budget ${budget.worst.seconds} s\n${JSON.stringify(definition)}`,
        );
      }),
      { numRuns: 150, seed: 18 },
    );
  });
});
