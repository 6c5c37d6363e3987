/**
 * The shipped policy-config.json accepts what the component makes: workflows with every option our tests use
 * (callbacks waiting a day in an 87,300 s execution, approval links, VPC Lambdas, EXPRESS, a Distributed Map, long
 * tasks, and a 200 s task whose Lambda gets 180 s, CallbackFunction's default value) are synthesized under mocks and
 * checked by the pack's own checkResources: no mandatory finding.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EventDrivenWorkflow, map, task, waitForCallback } from "../components/index";
import { installMocks, outputValue, settle } from "../local/program/synthesize";
import { checkResources } from "../policies/policies";
import { recordOf } from "./support/policyHarness";

const SHIPPED_CONFIG = JSON.parse(readFileSync(join(__dirname, "..", "policies", "policy-config.json"), "utf8")) as Record<string, unknown>;
const handler = async (input: unknown) => input;

async function synthesizeEveryOption() {
  const resources = installMocks("policy-options", "test");
  const workflows = [
    new EventDrivenWorkflow("refunds", {
      trigger: { pattern: { source: ["payments.refunds"] } },
      // The reported stack: a day-long callback and a task, in an 87,300 s execution. Its worst case (the callback's
      // Lambda service retries each waiting anew) is 4 days, so the component asks for the overrun to be acknowledged,
      // and the shipped config accepts the acknowledgement.
      timeoutSeconds: 87_300,
      timeBudget: { acknowledgeOverrun: "a person answers within the day; the execution timeout is the escalation" },
      steps: [
        waitForCallback("Approve", { handler, timeoutSeconds: 86_400, approvalLink: {} }),
        // Its Lambda gets 180 s, the value CallbackFunction applies silently: chosen here, so not a finding.
        task("Settle", { handler, timeoutSeconds: 200, end: true }),
      ],
    }),
    new EventDrivenWorkflow("private", {
      trigger: { pattern: { source: ["orders.private"] } },
      // Its worst case: four attempts of 1,000 s (the Lambda service retries) and their intervals.
      timeoutSeconds: 4_200,
      lambda: { vpc: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-1"] } },
      // A long task: its Lambda gets Lambda's ceiling of 900 s.
      steps: [task("Crunch", { handler, timeoutSeconds: 1_000, end: true })],
    }),
    new EventDrivenWorkflow("express", {
      trigger: { pattern: { source: ["orders.express"] } },
      workflowType: "EXPRESS",
      timeoutSeconds: 60,
      steps: [task("Quick", { handler, timeoutSeconds: 10, end: true })],
    }),
    new EventDrivenWorkflow("batches", {
      trigger: { pattern: { source: ["orders.batch"] } },
      timeoutSeconds: 3_600,
      steps: [
        map("EachItem", {
          itemsPath: "$.items",
          maxConcurrency: 10,
          // The bound the time budget needs: 10 batches of 10 items fit the hour.
          maxItems: 100,
          toleratedFailurePercentage: 10,
          steps: [task("Item", { handler, timeoutSeconds: 30, end: true })],
          end: true,
        }),
      ],
    }),
  ];
  await Promise.all(workflows.map((w) => outputValue(w.stateMachineArn)));
  await settle(resources);
  return resources.filter((r) => r.type.startsWith("aws:")).map(recordOf);
}

describe("the shipped policy-config.json accepts every option of the component", function () {
  this.timeout(120_000);

  it("no mandatory finding on callbacks, approval links, VPC, EXPRESS, a Distributed Map and long tasks", async () => {
    const records = await synthesizeEveryOption();
    assert.ok(
      records.some((r) => r.type === "aws:lambda/functionUrl:FunctionUrl"),
      "the approval endpoint was not created",
    );
    const findings = await checkResources(records, { config: SHIPPED_CONFIG });
    const mandatory = findings.filter((f) => f.enforcementLevel === "mandatory");
    assert.deepEqual(
      mandatory.map((f) => `${f.policy} ${f.resourceName}: ${f.message}`),
      [],
    );
  });
});
