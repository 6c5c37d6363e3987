/**
 * The schedule trigger's types, proven by `tsc` (never run): a schedule's `input` types the first step's input
 * (`{}` without one), and a trigger cannot be both a schedule and an event pattern. Lines under `@ts-expect-error`
 * must not compile.
 */
import { EventDrivenWorkflow, task } from "../../index";

const build = async (input: { report: string }) => ({ built: input.report });

// The schedule's input is the first step's input.
export const scheduled = new EventDrivenWorkflow("scheduled", {
  trigger: { schedule: { expression: "rate(1 day)", timezone: "Europe/Paris", input: { report: "daily" } } },
  timeoutSeconds: 60,
  steps: [task("Build", { handler: build, timeoutSeconds: 10, end: true })],
});

// An input without the field the first step reads...
new EventDrivenWorkflow("wrong-input", {
  trigger: { schedule: { expression: "rate(1 day)", input: { day: 1 } } },
  timeoutSeconds: 60,
  // @ts-expect-error payload: the schedule's input does not satisfy the input of "Build"
  steps: [task("Build", { handler: build, timeoutSeconds: 10, end: true })],
});
// ...or no input at all (the execution starts with `{}`), is a compile error.
new EventDrivenWorkflow("no-input", {
  trigger: { schedule: { expression: "rate(1 day)" } },
  timeoutSeconds: 60,
  // @ts-expect-error payload: `{}` does not satisfy the input of "Build"
  steps: [task("Build", { handler: build, timeoutSeconds: 10, end: true })],
});

// A step that needs nothing runs on a schedule without input.
export const bare = new EventDrivenWorkflow("bare", {
  trigger: { schedule: { expression: "cron(0 6 ? * MON-FRI *)" } },
  timeoutSeconds: 60,
  steps: [task("Tick", { handler: async () => ({ ticked: true }), timeoutSeconds: 10, end: true })],
});

// A workflow starts on a schedule or on events, never both.
new EventDrivenWorkflow("both", {
  // @ts-expect-error a schedule trigger has no pattern
  trigger: { schedule: { expression: "rate(1 day)" }, pattern: { source: ["report.service"] } },
  timeoutSeconds: 60,
  steps: [task("Tick", { handler: async () => ({ ticked: true }), timeoutSeconds: 10, end: true })],
});
new EventDrivenWorkflow("schedule-on-a-bus", {
  // @ts-expect-error a schedule trigger listens on no bus
  trigger: { schedule: { expression: "rate(1 day)" }, eventBusName: "orders" },
  timeoutSeconds: 60,
  steps: [task("Tick", { handler: async () => ({ ticked: true }), timeoutSeconds: 10, end: true })],
});
// The expression is a string: a number is a compile error (its format is checked when the program runs).
new EventDrivenWorkflow("numeric", {
  // @ts-expect-error expression is a string such as "rate(1 day)"
  trigger: { schedule: { expression: 60 } },
  timeoutSeconds: 60,
  steps: [task("Tick", { handler: async () => ({ ticked: true }), timeoutSeconds: 10, end: true })],
});
