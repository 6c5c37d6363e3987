/**
 * A workflow with callback steps, under mocks: the approval endpoint exists only when a step asks for links, the
 * link-making Lambda gets its URL, key and GenerateMac on that key only, and a task may answer through the grant.
 */
import assert from "node:assert/strict";
import { EventDrivenWorkflow, waitForCallback } from "../../index";
import { installMocks, ofType, outputValue, settle, type RecordedResource } from "../../../local/program/synthesize";
import { decide } from "../../../test/support/iamSimulation";

async function synthesize(approvalLink: boolean): Promise<{ workflow: EventDrivenWorkflow; resources: RecordedResource[] }> {
  const resources = installMocks("callbacks-fixture", "test");
  const workflow = new EventDrivenWorkflow("refunds", {
    trigger: { pattern: { source: ["payments.refunds"] } },
    // The callback waits a day per attempt, and Lambda service errors are retried 3 times: 4 days at worst.
    timeoutSeconds: 4 * 86_400 + 60,
    steps: [
      waitForCallback("Approve", {
        handler: async () => undefined,
        timeoutSeconds: 86_400,
        end: true,
        ...(approvalLink ? { approvalLink: {} } : {}),
      }),
    ],
  });
  workflow.grantTaskResponse("inbox", "approvals-inbox-role");
  await outputValue(workflow.stateMachineArn);
  await settle(resources);
  return { workflow, resources };
}

describe("callback steps in the component, under mocks", function () {
  this.timeout(60_000);

  it("creates no approval endpoint unless a step asks for links; the hand-off Lambda gets a short timeout", async () => {
    const { workflow, resources } = await synthesize(false);
    assert.equal(workflow.nodes.approvalEndpoint, undefined);
    assert.equal(ofType(resources, "aws:lambda/functionUrl:FunctionUrl").length, 0);
    const [fn] = ofType(resources, "aws:lambda/function:Function");
    assert.equal(fn.inputs.timeout, 30);
    const definition = JSON.parse(await outputValue(workflow.definition));
    assert.equal(definition.States.Approve.Resource, "arn:aws:states:::lambda:invoke.waitForTaskToken");
  });

  it("wires the approval endpoint: URL and key on the Lambda, GenerateMac on that key only", async () => {
    const { workflow, resources } = await synthesize(true);
    assert.ok(workflow.nodes.approvalEndpoint);
    const keyArn = await outputValue(workflow.nodes.approvalEndpoint.key.arn);
    const step = ofType(resources, "aws:lambda/function:Function").find((f) => f.name === "refunds-Approve")!;
    assert.equal(step.inputs.environment.variables.EDW_APPROVAL_KEY_ID, keyArn);
    assert.equal(step.inputs.environment.variables.EDW_APPROVAL_URL, await outputValue(workflow.nodes.approvalEndpoint.url));
    const policy = JSON.parse(ofType(resources, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "refunds-Approve")!.inputs.policy);
    // KMS also needs the key policy to allow it (account root here); the role may ask for GenerateMac on this key only.
    const kms = policy.Statement.filter((statement: { Action: string[] }) => statement.Action.some((action) => action.startsWith("kms:")));
    assert.deepEqual(
      kms.map((statement: { Action: string[]; Resource: string[] }) => [statement.Action, statement.Resource]),
      [[["kms:GenerateMac"], [keyArn]]],
    );
    assert.equal(await decide(policy, "kms:VerifyMac", keyArn), "ImplicitlyDenied");
  });

  it("grants a role the callback answers through grantTaskResponse", async () => {
    const { resources } = await synthesize(false);
    const grant = ofType(resources, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "refunds-answers-inbox")!;
    assert.equal(grant.inputs.role, "approvals-inbox-role");
    assert.deepEqual(JSON.parse(grant.inputs.policy).Statement[0].Action, [
      "states:SendTaskSuccess",
      "states:SendTaskFailure",
      "states:SendTaskHeartbeat",
    ]);
  });
});
