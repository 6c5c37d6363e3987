/**
 * Two fields real workflows use: a Retry on States.ALL / States.TaskFailed, allowed only with an acknowledgement and
 * bounded attempts (and run locally with those attempts), and a Map's `label` (ASL `Label`).
 */
import assert from "node:assert/strict";
import { compileDefinition, map, task } from "../../index";
import { aslErrors } from "../../../test/support/asl";
import { bindTaskSteps, localResources } from "../../../local/runner/bindSteps";
import { LocalWorkflow } from "../../../local/runner/execute";
import { validationProblems as problems } from "../../../test/support/stepLists";

let calls = 0;
const flaky = async () => {
  calls++;
  if (calls < 3) throw Object.assign(new Error("partner hiccup"), { name: "PartnerError" });
  return { ok: true };
};
const callPartner = (retry: Record<string, unknown>) =>
  task("CallPartner", { handler: flaky, timeoutSeconds: 10, retry: [{ errors: ["States.ALL"], ...retry } as never], end: true });

describe("a Retry on States.ALL or States.TaskFailed", () => {
  it("is refused without an acknowledgement, the message saying how to give one", () => {
    assert.match(
      problems([callPartner({ maxAttempts: 2 })]).join("\n"),
      /retries "States\.ALL", .*acknowledgeCatchAll: "<reason>"` and bound `maxAttempts`/,
    );
  });

  it("is accepted with a reason and explicit attempts of at most 3, and refused with an empty reason or unbounded attempts", () => {
    assert.deepEqual(problems([callPartner({ maxAttempts: 2, acknowledgeCatchAll: "the partner fails transiently with any error" })]), []);
    assert.match(problems([callPartner({ maxAttempts: 2, acknowledgeCatchAll: " " })]).join("\n"), /acknowledgeCatchAll: " "`: say why/);
    assert.match(problems([callPartner({ acknowledgeCatchAll: "transient" })]).join("\n"), /maxAttempts: \(not set\)`: .* at most 3/);
    assert.match(problems([callPartner({ maxAttempts: 5, acknowledgeCatchAll: "transient" })]).join("\n"), /maxAttempts: 5`/);
    // The acknowledgement covers the catch-alls only: a named permanent error stays refused.
    assert.match(
      problems([
        task("V", {
          handler: flaky,
          timeoutSeconds: 10,
          retry: [{ errors: ["ValidationError"], maxAttempts: 1, acknowledgeCatchAll: "x" }],
          end: true,
        }),
      ]).join("\n"),
      /retries "ValidationError"/,
    );
  });

  it("compiles without the acknowledgement (not an ASL field) and runs locally with the bounded attempts", async () => {
    const steps = [callPartner({ maxAttempts: 2, intervalSeconds: 1, acknowledgeCatchAll: "transient" })];
    const definition = compileDefinition(steps, localResources("wf", steps));
    const retry = (definition.States.CallPartner as { Retry: Record<string, unknown>[] }).Retry[0];
    assert.deepEqual(retry, { ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 2 });
    assert.deepEqual(aslErrors(definition), []);
    calls = 0;
    const result = await new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("wf", steps) }).run({});
    assert.equal(result.status, "SUCCEEDED");
    assert.equal(result.retries.CallPartner, 2);
  });
});

describe("a Map's label", () => {
  const scan = () => [task("Scan", { handler: async (x: unknown) => x, timeoutSeconds: 10, end: true })];

  it("compiles to Label, which asl-validator accepts and the local run honours", async () => {
    const steps = [
      map("ScanDocuments", { itemsPath: "$.docs", steps: scan(), label: "scan-documents", toleratedFailureCount: 1, end: true }),
    ];
    const definition = compileDefinition(steps, localResources("wf", steps));
    assert.equal((definition.States.ScanDocuments as Record<string, unknown>).Label, "scan-documents");
    assert.deepEqual(aslErrors(definition), []);
    const result = await new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("wf", steps) }).run({ docs: [1, 2] });
    assert.deepEqual(result.output, [1, 2]);
  });

  it("refuses a label AWS would: too long, whitespace, punctuation, not a string", () => {
    for (const label of ["x".repeat(41), "scan documents", "scan:docs", "", 7])
      assert.match(
        problems([map("M", { itemsPath: "$.docs", steps: scan(), label: label as string, end: true })]).join("\n"),
        /M: has `label: /,
        String(label),
      );
  });
});
