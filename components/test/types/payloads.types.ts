/**
 * Compile-time checks of payloads, proven by `tsc` (type-checked by `npm run typecheck`, never run): what flows into
 * a task must satisfy its handler's declared input. Lines under `@ts-expect-error` must not compile.
 */
import { defineSteps, fail, notify, parallel, pass, succeed, task } from "../../index";

interface Order {
  orderId: string;
  total: number;
}
interface Charge {
  chargeId: string;
  amount: number;
}
interface StepError {
  Error: string;
  Cause: string;
}

const validate = async (order: Order): Promise<Order> => order;
const charge = async (order: Order): Promise<Charge> => ({ chargeId: order.orderId, amount: order.total });
const receipt = async (charge: Charge) => ({ receiptFor: charge.chargeId });
const ship = async (paid: { order: Order; payment: Charge }) => ({ shipped: paid.order.orderId });
const refund = async (failed: { order: Order; error: StepError }) => ({ refunded: failed.order.orderId });

// Default paths: one task's output is the next one's input.
export const chained = defineSteps([
  task("Validate", { handler: validate, timeoutSeconds: 10 }),
  task("Charge", { handler: charge, timeoutSeconds: 10 }),
  task("Receipt", { handler: receipt, timeoutSeconds: 10, end: true }),
]);

// A mismatch names both steps.
defineSteps([
  task("Validate", { handler: validate, timeoutSeconds: 10 }),
  // @ts-expect-error payload: what "Validate" passes on does not satisfy the input of "Receipt"
  task("Receipt", { handler: receipt, timeoutSeconds: 10, end: true }),
]);
// ...along a `next` too, and through a step that passes its input on (notify).
defineSteps([
  task("Charge", { handler: charge, timeoutSeconds: 10, next: "Announce" }),
  notify("Announce", { subject: "charged", next: "Ship" }),
  // @ts-expect-error payload: what "Announce" passes on does not satisfy the input of "Ship"
  task("Ship", { handler: ship, timeoutSeconds: 10, end: true }),
]);

// `resultPath`: the checked type is the input with the result merged at that path.
export const merged = defineSteps([
  task("Validate", { handler: validate, timeoutSeconds: 10, resultPath: "$.order" }),
  task("Charge", { handler: charge, timeoutSeconds: 10, inputPath: "$.order", resultPath: "$.payment" }),
  task("Ship", { handler: ship, timeoutSeconds: 10, end: true }),
]);
defineSteps([
  task("Validate", { handler: validate, timeoutSeconds: 10, resultPath: "$.order" }),
  // The charge replaces the state (no resultPath): Ship no longer finds the order.
  task("Charge", { handler: charge, timeoutSeconds: 10, inputPath: "$.order" }),
  // @ts-expect-error payload: what "Charge" passes on does not satisfy the input of "Ship"
  task("Ship", { handler: ship, timeoutSeconds: 10, end: true }),
]);

// `inputPath`: the checked type is the selected part.
export const selected = defineSteps([
  task("Validate", { handler: validate, timeoutSeconds: 10 }),
  task("Charge", { handler: charge, timeoutSeconds: 10, resultPath: "$.payment" }),
  task("Receipt", { handler: receipt, timeoutSeconds: 10, inputPath: "$.payment", end: true }),
]);
defineSteps([
  task("Validate", { handler: validate, timeoutSeconds: 10 }),
  task("Charge", { handler: charge, timeoutSeconds: 10, resultPath: "$.payment" }),
  // @ts-expect-error payload: what "Charge" passes on does not satisfy the input of "Receipt"
  task("Receipt", { handler: receipt, timeoutSeconds: 10, inputPath: "$.orderId", end: true }),
]);

// A catch's `resultPath` places the error object; a Parallel's branches get the Parallel's input.
export const caughtAndBranched = defineSteps([
  task("Validate", { handler: validate, timeoutSeconds: 10, resultPath: "$.order" }),
  task("Charge", {
    handler: charge,
    timeoutSeconds: 10,
    inputPath: "$.order",
    resultPath: "$.payment",
    catch: [{ errors: ["Declined"], next: "Refund", resultPath: "$.error" }],
  }),
  parallel("Fulfil", {
    branches: [[task("Ship", { handler: ship, timeoutSeconds: 10, end: true })]],
    resultPath: "$.fulfilment",
    next: "Done",
  }),
  task("Refund", { handler: refund, timeoutSeconds: 10, next: "Failed" }),
  succeed("Done"),
  fail("Failed", { error: "Refunded", cause: "declined" }),
]);
defineSteps([
  task("Charge", { handler: charge, timeoutSeconds: 10 }),
  // @ts-expect-error in "Fulfil": payload: the input of "Fulfil" does not satisfy the input of "Ship"
  parallel("Fulfil", {
    branches: [
      [
        task("Ship", { handler: ship, timeoutSeconds: 10, catch: [{ errors: ["States.ALL"], next: "ShipFailed" }], end: true }),
        pass("ShipFailed", { end: true }),
      ],
    ],
    end: true,
  }),
]);

// Where a path or a result is too dynamic to type, the check steps aside: a JSONPath beyond `$.a.b`, a Pass
// step's result, a Map's items, a Parallel's output, and the first step's input when no trigger types it (as here,
// in `defineSteps`: the workflow's constructor checks the list again with its trigger's event).
export const stepsAside = defineSteps([
  task("Validate", { handler: validate, timeoutSeconds: 10, resultPath: "$.orders[0]" }),
  task("Receipt", { handler: receipt, timeoutSeconds: 10, next: "Note" }),
  pass("Note", { result: { note: "any" } }),
  task("Ship", { handler: ship, timeoutSeconds: 10, end: true }),
]);
