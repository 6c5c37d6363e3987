/**
 * The policy pack over a stack whose workflow calls AWS directly (callAwsService, data shaping): every policy passes
 * (an aws-sdk Task Resource is a service integration, its grants name exact ARNs), and an acknowledged wildcard grant
 * is still reported by iam-no-wildcards (advisory), so a reviewer sees it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { executionRolePolicy } from "../components/index";
import { policies } from "../policies/policies";
import { iamNoWildcards } from "../policies/iamPolicies";
import { synthesizeProgram } from "../local/program/synthesize";
import { describeDiagnostics, recordOf, resource, runPolicies, runResourcePolicy } from "./support/policyHarness";

describe("policy pack: a stack with direct service calls", () => {
  it("passes every policy, mandatory and advisory", async () => {
    const { resources } = await synthesizeProgram(join(__dirname, "fixtures", "serviceCallStack.ts"), { stack: "test" });
    const records = resources.filter((r) => r.type.startsWith("aws:")).map((r) => recordOf(r));
    const diagnostics = await runPolicies(policies, records);
    assert.deepEqual(diagnostics, [], describeDiagnostics(diagnostics));
  });

  it("reports an acknowledged wildcard grant of a service call: the acknowledgement is for the code review, not the pack", async () => {
    const policy = executionRolePolicy({
      functionArns: [],
      eventBusArns: [],
      serviceCalls: [{ step: "ListTables", actions: ["dynamodb:ListTables"], resources: ["*"] }],
    });
    const outcome = await runResourcePolicy(
      iamNoWildcards,
      resource("aws:iam/rolePolicy:RolePolicy", "wf-execution", { policy: JSON.stringify(policy) }),
    );
    assert.equal(outcome.violations.length, 1, outcome.violations.join("\n"));
    assert.match(outcome.violations[0], /Resource "\*"|wildcard/);
  });
});
