import assert from "node:assert/strict";
import { policies } from "../policies/policies";
import { describeDiagnostics, mandatoryOf, recordOf, runPolicies } from "./support/policyHarness";
import { synthesizeOrderStack } from "./support/orderStack";

describe("policy pack: the order stack our component generates", () => {
  it("passes every policy, mandatory and advisory (resources registered under mocks)", async () => {
    const { resources } = await synthesizeOrderStack();
    const records = resources.filter((r) => r.type.startsWith("aws:")).map((r) => recordOf(r));
    assert.ok(records.length > 50);
    const diagnostics = await runPolicies(policies, records);
    assert.deepEqual(mandatoryOf(diagnostics), [], describeDiagnostics(mandatoryOf(diagnostics)));
    assert.deepEqual(diagnostics, [], describeDiagnostics(diagnostics));
  });
});
