/**
 * Compile-time checks of `inputPath`/`outputPath` on steps other than tasks (type-checked by `npm run typecheck`, never
 * run): without them the state's shape is carried as before; past a step that selects its input or output, the check
 * steps aside (any shape is accepted there). Lines under `@ts-expect-error` must not compile.
 */
import { defineSteps, fail, notify, parallel, pass, succeed, task, wait } from "../../index";

interface Charge {
  chargeId: string;
}
const charge = async (): Promise<{ payment: Charge }> => ({ payment: { chargeId: "c" } });
const receipt = async (paid: Charge) => ({ receiptFor: paid.chargeId });

// Without paths, a wait passes its input on: the mismatch is still found.
defineSteps([
  task("Charge", { handler: charge, timeoutSeconds: 10 }),
  wait("CoolDown", { seconds: 5 }),
  // @ts-expect-error payload: what "CoolDown" passes on does not satisfy the input of "Receipt"
  task("Receipt", { handler: receipt, timeoutSeconds: 10, end: true }),
]);
// With `outputPath`, the selected part goes on: the check steps aside instead of refusing a right list.
export const selected = defineSteps([
  task("Charge", { handler: charge, timeoutSeconds: 10 }),
  wait("CoolDown", { seconds: 5 }, { outputPath: "$.payment" }),
  task("Receipt", { handler: receipt, timeoutSeconds: 10 }),
  notify("Announce", { inputPath: "$.receiptFor", outputPath: "$" }),
  pass("Keep", { inputPath: "$", outputPath: "$" }),
  succeed("Done", { outputPath: "$.receiptFor" }),
]);

// A fail names its error and cause, or reads them; never both forms of one.
fail("Failed", { errorPath: "$.error.Error", causePath: "$.error.Cause" });
// @ts-expect-error both `error` and `errorPath`
fail("Both", { error: "E", errorPath: "$.e", cause: "c" });

// A parallel's parameters build each branch's input: the branches' first handlers are checked against that shape.
const needsId = async (input: { id: string }) => input.id;
export const shapedBranches = defineSteps([
  task("Charge", { handler: charge, timeoutSeconds: 10 }),
  parallel("Both", {
    parameters: { "id.$": "$.payment.chargeId" },
    branches: [[task("One", { handler: needsId, timeoutSeconds: 10, end: true })]],
    end: true,
  }),
]);
defineSteps([
  task("Charge", { handler: charge, timeoutSeconds: 10 }),
  // @ts-expect-error payload: the branch gets { other }, not { id }
  parallel("Both", {
    parameters: { "other.$": "$.payment.chargeId" },
    branches: [[task("One", { handler: needsId, timeoutSeconds: 10, end: true })]],
    end: true,
  }),
]);
