/**
 * The component's `replayPolicyJson` output: the DLQ replay operator's policy names this workflow's queue and the
 * trigger's bus (a custom bus here), and nothing else (IAM simulated offline).
 */
import assert from "node:assert/strict";
import { accountAdministersKey, dlqReplayPolicy, EventDrivenWorkflow, task } from "../components/index";
import { installMocks, ofType, outputValue, settle, TEST_ACCOUNT, TEST_REGION, type RecordedResource } from "../local/program/synthesize";
import { decide } from "./support/iamSimulation";

describe("EventDrivenWorkflow's replayPolicyJson output, under mocks", () => {
  let resources: RecordedResource[];
  let policy: any;
  before(async () => {
    resources = installMocks("replay-policy-fixture", "test");
    const workflow = new EventDrivenWorkflow("claims", {
      trigger: { pattern: { source: ["claims.service"] }, eventBusName: "claims-bus" },
      timeoutSeconds: 60,
      steps: [task("Assess", { handler: async () => ({}), timeoutSeconds: 10, end: true })],
    });
    policy = JSON.parse(await outputValue(workflow.replayPolicyJson));
    await settle(resources);
  });

  it("lets the operator read and delete this DLQ and put events on the trigger's bus only", async () => {
    const queueArn = ofType(resources, "aws:sqs/queue:Queue")[0].state.arn;
    const bus = `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/claims-bus`;
    for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
      assert.equal(await decide(policy, action, queueArn), "Allowed", action);
    assert.equal(await decide(policy, "events:PutEvents", bus), "Allowed");
    assert.equal(await decide(policy, "events:PutEvents", bus.replace("claims-bus", "default")), "ImplicitlyDenied");
    assert.equal(await decide(policy, "sqs:SendMessage", queueArn), "ImplicitlyDenied");
    assert.equal(await decide(policy, "sqs:PurgeQueue", queueArn), "ImplicitlyDenied");
    assert.ok(!JSON.stringify(policy).includes("kms:"), "SSE-SQS needs no KMS grant");
  });

  it("adds kms:Decrypt on the queue's own key, and only that key, when the queue has a customer managed key", async () => {
    const key = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/1111`;
    const withKey = dlqReplayPolicy({
      queueArn: "arn:aws:sqs:us-east-1:123456789012:q",
      busArn: "arn:aws:events:us-east-1:123456789012:event-bus/default",
      keyArn: key,
    });
    // A key policy that lets IAM policies decide, as the component's keys have.
    const keyPolicy = {
      Version: "2012-10-17" as const,
      Statement: [accountAdministersKey({ partition: "aws", region: TEST_REGION, accountId: TEST_ACCOUNT })],
    };
    assert.equal(await decide(withKey, "kms:Decrypt", key, keyPolicy), "Allowed");
    assert.equal(await decide(withKey, "kms:Decrypt", key.replace("1111", "2222"), keyPolicy), "ImplicitlyDenied");
    assert.equal(await decide(withKey, "kms:Encrypt", key, keyPolicy), "ImplicitlyDenied");
  });
});
