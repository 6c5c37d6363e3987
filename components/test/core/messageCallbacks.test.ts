/**
 * `waitForCallback` with a queue or a topic in place of a handler: the `.waitForTaskToken` SQS/SNS task it compiles to
 * (the token in the message), the checks of exactly one handler/queue/topic and of a message that carries the token,
 * the refusal inside EXPRESS executions, and the execution role (IAM simulated offline: sending to exactly that queue
 * or topic, the named key's data-key use, denied on a neighbour).
 */
import assert from "node:assert/strict";
import {
  callAwsService,
  compileDefinition,
  executionRolePolicy,
  integrationNeeds,
  validateSteps,
  waitForCallback,
  type PolicyDocument,
  serviceCallRoleInputs,
  type ResolvedServiceCall,
} from "../../index";
import { expressCallbackProblems } from "../../core/expressCallbacks";
import { aslErrors } from "../../../test/support/asl";
import { decide } from "../../../test/support/iamSimulation";
import { validationProblems as problems, COMPILE_RESOURCES as resources } from "../../../test/support/stepLists";

const QUEUE = { url: "https://sqs.us-east-1.amazonaws.com/123456789012/reviews", arn: "arn:aws:sqs:us-east-1:123456789012:reviews" };
const TOPIC = { arn: "arn:aws:sns:us-east-1:123456789012:partners" };
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1111-2222";

describe("waitForCallback through a queue or a topic", () => {
  it("compiles to sqs:sendMessage.waitForTaskToken with the state, its input and the token in the message by default", () => {
    const steps = [waitForCallback("AwaitReview", { queue: QUEUE, timeoutSeconds: 3600, heartbeatSeconds: 600, end: true })];
    validateSteps(steps);
    const definition = compileDefinition(steps, resources);
    assert.deepEqual(definition.States.AwaitReview, {
      Type: "Task",
      Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      Parameters: { QueueUrl: QUEUE.url, MessageBody: { state: "AwaitReview", "input.$": "$", "taskToken.$": "$$.Task.Token" } },
      TimeoutSeconds: 3600,
      HeartbeatSeconds: 600,
      End: true,
    });
    assert.deepEqual(aslErrors(definition), []);
  });

  it("compiles a topic to sns:publish.waitForTaskToken with the given message, in the resources' partition", () => {
    const message = { "orderId.$": "$.detail.orderId", "token.$": "$$.Task.Token" };
    const steps = [waitForCallback("AwaitPartner", { topic: TOPIC, message, timeoutSeconds: 600, resultPath: "$.answer", end: true })];
    validateSteps(steps);
    const state = compileDefinition(steps, { ...resources, alertTopicArn: "arn:aws-cn:sns:cn-north-1:123456789012:wf-alerts" }).States
      .AwaitPartner;
    assert.equal(state.Resource, "arn:aws-cn:states:::sns:publish.waitForTaskToken");
    assert.deepEqual(state.Parameters, { TopicArn: TOPIC.arn, Message: message });
    assert.equal(state.ResultPath, "$.answer");
  });

  it("refuses a handler with a queue, a queue with a topic, none of them, and a message without the token, naming the fix", () => {
    const handler = async () => undefined;
    assert.deepEqual(problems([waitForCallback("A", { handler, queue: QUEUE, timeoutSeconds: 60, end: true } as never)]), [
      "A: has a `handler` and a `queue`: give waitForCallback exactly one of them (a handler hands the token off in a Lambda; a queue or topic carries it in a message).",
    ]);
    assert.match(
      problems([waitForCallback("B", { queue: QUEUE, topic: TOPIC, timeoutSeconds: 60, end: true } as never)]).join("\n"),
      /B: has both a `queue` and a `topic`: give waitForCallback exactly one of `handler`, `queue` and `topic`/,
    );
    assert.match(
      problems([waitForCallback("C", { timeoutSeconds: 60, end: true } as never)]).join("\n"),
      /C: has no handler: give waitForCallback a `handler` .*, a `queue` or a `topic`/,
    );
    assert.match(
      problems([waitForCallback("D", { queue: QUEUE, message: { "orderId.$": "$.id" }, timeoutSeconds: 60, end: true })]).join("\n"),
      /D: waits for a callback, and its message does not carry the task token/,
    );
    assert.match(
      problems([waitForCallback("E", { topic: TOPIC, timeoutSeconds: 60, heartbeatSeconds: 60, end: true })]).join("\n"),
      /E: has `heartbeatSeconds: 60`, not less than its `timeoutSeconds: 60`/,
    );
    assert.match(
      problems([waitForCallback("F", { topic: TOPIC, kmsKeyArn: "alias/mine", timeoutSeconds: 60, end: true })]).join("\n"),
      /F: has `kmsKeyArn: "alias\/mine"`: give the key's ARN/,
    );
  });

  it("lets any callAwsService call wait for its token (.waitForTaskToken), but not an optimized DynamoDB call", () => {
    const run = callAwsService("RunReport", {
      service: "ecs",
      action: "runTask",
      parameters: { Cluster: "reports", Overrides: { "token.$": "$$.Task.Token" } },
      iamResources: ["arn:aws:ecs:us-east-1:123456789012:task-definition/report:1"],
      callback: { heartbeatSeconds: 60 },
      timeoutSeconds: 600,
      end: true,
    });
    validateSteps([run]);
    const state = compileDefinition([run], resources).States.RunReport;
    // ECS has its own token integration (the job-integrations table); other calls wait through aws-sdk.
    assert.equal(state.Resource, "arn:aws:states:::ecs:runTask.waitForTaskToken");
    assert.equal(state.HeartbeatSeconds, 60);
    assert.match(
      problems([
        callAwsService("Save", {
          service: "dynamodb",
          action: "putItem",
          parameters: { "token.$": "$$.Task.Token" },
          iamResources: ["arn:aws:dynamodb:us-east-1:123456789012:table/t"],
          callback: {},
          timeoutSeconds: 60,
          end: true,
        }),
      ]).join("\n"),
      /Save: waits for a callback, and Step Functions' dynamodb:putItem integration answers at once/,
    );
  });

  it("is refused inside an EXPRESS workflow, as AWS refuses .waitForTaskToken there", () => {
    const steps = [waitForCallback("AwaitReview", { queue: QUEUE, timeoutSeconds: 60, end: true })];
    assert.deepEqual(
      expressCallbackProblems(steps, "EXPRESS").map((p) => `${p.step}: ${p.message}`),
      [
        "AwaitReview: is a waitForCallback step in the EXPRESS workflow: AWS refuses .waitForTaskToken in EXPRESS executions. Use a STANDARD workflow, or move the wait out.",
      ],
    );
    assert.deepEqual(expressCallbackProblems(steps, "STANDARD"), []);
  });

  it("grants sending to exactly that queue, publishing to exactly that topic, and the named key's data-key use", async () => {
    const steps = [
      waitForCallback("AwaitReview", { queue: QUEUE, kmsKeyArn: KEY, timeoutSeconds: 60 }),
      waitForCallback("AwaitPartner", { topic: TOPIC, timeoutSeconds: 60, end: true }),
    ];
    const needs = integrationNeeds(steps);
    const policy = executionRolePolicy({
      functionArns: [],
      eventBusArns: [],
      serviceCalls: serviceCallRoleInputs(needs.serviceCalls as ResolvedServiceCall[], {
        partition: "aws",
        region: "us-east-1",
        accountId: "123456789012",
      }),
    });
    assert.equal(await decide(policy, "sqs:SendMessage", QUEUE.arn), "Allowed");
    assert.equal(await decide(policy, "sqs:SendMessage", QUEUE.arn.replace("reviews", "reviews-dlq")), "ImplicitlyDenied");
    assert.equal(await decide(policy, "sqs:ReceiveMessage", QUEUE.arn), "ImplicitlyDenied");
    assert.equal(await decide(policy, "sns:Publish", TOPIC.arn), "Allowed");
    assert.equal(await decide(policy, "sns:Publish", TOPIC.arn.replace("partners", "partners-2")), "ImplicitlyDenied");
    assert.equal(await decide(policy, "sns:Publish", QUEUE.arn.replace(":sqs:", ":sns:")), "ImplicitlyDenied");
    // A key's default policy lets the account's IAM policies decide (KMS needs the key policy to allow it too).
    const keyPolicy: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }],
    };
    assert.equal(await decide(policy, "kms:GenerateDataKey", KEY, keyPolicy), "Allowed");
    assert.equal(await decide(policy, "kms:Decrypt", KEY, keyPolicy), "Allowed");
    assert.equal(await decide(policy, "kms:Decrypt", KEY.replace("1111", "9999"), keyPolicy), "ImplicitlyDenied");
    assert.equal(await decide(policy, "kms:Encrypt", KEY, keyPolicy), "ImplicitlyDenied");
  });
});
