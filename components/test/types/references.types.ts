/**
 * Compile-time checks of step references, proven by `tsc` (this file is type-checked by `npm run typecheck`, never
 * run): the lines under `@ts-expect-error` must not compile, so a rule that stops firing fails the build.
 */
import { choice, defineSteps, EventDrivenWorkflow, fail, map, parallel, pass, type Step, succeed, task } from "../../index";

const handler = async (input: unknown) => input;
const trigger = { pattern: { source: ["orders"] } };

// A list whose every reference names a step of its scope compiles.
export const valid = defineSteps([
  task("Validate", {
    handler,
    timeoutSeconds: 10,
    catch: [{ errors: ["ValidationError"], next: "Rejected" }],
  }),
  choice("IsLarge", {
    choices: [{ condition: { variable: "$.total", numericGreaterThan: 100 }, next: "Review" }],
    otherwise: "Ship",
  }),
  task("Review", { handler, timeoutSeconds: 10, next: "Ship" }),
  parallel("Ship", {
    branches: [
      [
        task("Pack", { handler, timeoutSeconds: 10, catch: [{ errors: ["States.ALL"], next: "PackFailed" }], end: true }),
        pass("PackFailed", { end: true }),
      ],
      [succeed("Nothing")],
    ],
    next: "Lines",
  }),
  map("Lines", {
    itemsPath: "$.lines",
    steps: [task("Line", { handler, timeoutSeconds: 5, next: "LineDone" }), succeed("LineDone")],
    end: true,
  }),
  fail("Rejected", { error: "Rejected", cause: "invalid order" }),
]);

export const constructed = new EventDrivenWorkflow("refs", { trigger, timeoutSeconds: 60, steps: valid });

// A `next` naming no step.
defineSteps([
  // @ts-expect-error next: "Chrage" names no step of this list
  task("Validate", { handler, timeoutSeconds: 10, next: "Chrage" }),
  task("Charge", { handler, timeoutSeconds: 10, end: true }),
]);

// A catch's `next` naming no step.
defineSteps([
  // @ts-expect-error catch next: "Refund" names no step of this list
  task("Charge", { handler, timeoutSeconds: 10, catch: [{ errors: ["Declined"], next: "Refund" }], end: true }),
]);

// A Choice's `next`, and its `otherwise`, naming no step.
defineSteps([
  // @ts-expect-error choice target: "Reveiw" names no step of this list
  choice("IsLarge", { choices: [{ condition: { variable: "$.total", isPresent: true }, next: "Reveiw" }], otherwise: "Done" }),
  succeed("Done"),
]);
defineSteps([
  // @ts-expect-error choice target: "Dnoe" names no step of this list
  choice("IsLarge", { choices: [{ condition: { variable: "$.total", isPresent: true }, next: "Done" }], otherwise: "Dnoe" }),
  succeed("Done"),
]);

// The same in the constructor's own list.
new EventDrivenWorkflow("refs", {
  trigger,
  timeoutSeconds: 60,
  steps: [
    // @ts-expect-error next: "Missing" names no step of this list
    task("Start", { handler, timeoutSeconds: 10, next: "Missing" }),
    succeed("Done"),
  ],
});

// A list held in a `const` (an array, not a tuple) and passed later: its references are still checked.
const held = [task("Start", { handler, timeoutSeconds: 10, next: "Dne" }), succeed("Done")];
// @ts-expect-error next: "Dne" names no step of this list
new EventDrivenWorkflow("held", { trigger, timeoutSeconds: 60, steps: held });

// Nested scopes are checked against their own names: a branch cannot name a step of the outer list...
defineSteps([
  // @ts-expect-error in "Ship": next: "Done" names no step of this list
  parallel("Ship", { branches: [[task("Pack", { handler, timeoutSeconds: 10, next: "Done" })]], next: "Done" }),
  succeed("Done"),
]);
// ...nor a map's steps, nor a catch inside them.
defineSteps([
  // @ts-expect-error in "Lines": catch next: "Failed" names no step of this list
  map("Lines", {
    itemsPath: "$.lines",
    steps: [task("Line", { handler, timeoutSeconds: 5, catch: [{ errors: ["States.ALL"], next: "Failed" }], end: true })],
    next: "Failed",
  }),
  fail("Failed", { error: "Failed", cause: "a line failed" }),
]);

// Where the compiler cannot know the names, the check steps aside (validateSteps guards at run time): a list typed
// `Step[]`, a dynamic `next`, a task with explicit type arguments.
const dynamic: Step[] = [task("Start", { handler, timeoutSeconds: 10, next: "Anything" })];
export const untyped = new EventDrivenWorkflow("dynamic", { trigger, timeoutSeconds: 60, steps: dynamic });
const computed: string = "Wherever";
export const dynamicNext = defineSteps([task("Start", { handler, timeoutSeconds: 10, next: computed }), succeed("Done")]);
export const explicit = defineSteps([task<unknown, unknown>("Start", { handler, timeoutSeconds: 10, next: "Somewhere" }), succeed("Done")]);
