/**
 * `callAwsService`: the Task Resource it compiles to (optimized integration or aws-sdk), the IAM actions read from AWS's
 * Service Authorization data, validation of its fields, asl-validator acceptance, and the execution role it gets
 * (IAM simulated offline: allowed on what the step names, denied on a neighbour).
 */
import assert from "node:assert/strict";
import {
  callAwsService,
  compileDefinition,
  executionRolePolicy,
  iamActionName,
  integrationNeeds,
  pass,
  serviceCallIamActions,
  serviceCallResource,
} from "../../index";
import { parseIntegrationArn, serviceIntegrationOf } from "../../asl";
import { aslErrors } from "../../../test/support/asl";
import { decide } from "../../../test/support/iamSimulation";
import { validationProblems as problems, COMPILE_RESOURCES as resources } from "../../../test/support/stepLists";

const TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";

const save = (extra: Record<string, unknown> = {}) =>
  callAwsService("SaveOrder", {
    service: "dynamodb",
    action: "putItem",
    parameters: { TableName: "orders", Item: { orderId: { "S.$": "$.detail.orderId" } } },
    iamResources: [TABLE],
    timeoutSeconds: 10,
    resultPath: null,
    end: true,
    ...extra,
  });

describe("callAwsService: resource and IAM actions", () => {
  it("uses the optimized integration where Step Functions has one, else aws-sdk, in the resources' partition", () => {
    assert.equal(serviceCallResource({ service: "dynamodb", action: "putItem" }), "arn:aws:states:::dynamodb:putItem");
    assert.equal(serviceCallResource({ service: "eventbridge", action: "putEvents" }), "arn:aws:states:::events:putEvents");
    assert.equal(serviceCallResource({ service: "dynamodb", action: "query" }), "arn:aws:states:::aws-sdk:dynamodb:query");
    assert.equal(serviceCallResource({ service: "s3", action: "getObject" }, "aws-cn"), "arn:aws-cn:states:::aws-sdk:s3:getObject");
    assert.deepEqual(parseIntegrationArn("arn:aws:states:::aws-sdk:s3:getObject"), {
      partition: "aws",
      service: "s3",
      action: "getObject",
      sdk: true,
    });
    assert.equal(
      serviceIntegrationOf("arn:aws:states:::aws-sdk:sqs:sendMessage"),
      undefined,
      "an SDK call is not the recorder's integration",
    );
  });

  it("reads IAM's action names from the Service Authorization data, not from the API's casing", () => {
    assert.deepEqual(serviceCallIamActions({ service: "s3", action: "getObject" }), ["s3:GetObject"]);
    assert.deepEqual(serviceCallIamActions({ service: "dynamodb", action: "query" }), ["dynamodb:Query"]);
    assert.deepEqual(serviceCallIamActions({ service: "eventbridge", action: "putEvents" }), ["events:PutEvents"]);
    assert.equal(iamActionName("sqs", "SENDMESSAGE"), "sqs:SendMessage");
    // The SDK's "sfn" is IAM's "states": no table guesses it; the step names the action.
    assert.equal(serviceCallIamActions({ service: "sfn", action: "listExecutions" }), undefined);
    assert.deepEqual(serviceCallIamActions({ service: "sfn", action: "listExecutions", iamActions: ["states:ListExecutions"] }), [
      "states:ListExecutions",
    ]);
  });
});

describe("callAwsService: validation", () => {
  it("accepts a complete call, Outputs in its request included", () => {
    assert.deepEqual(problems([save({ parameters: { TableName: Promise.resolve("orders"), "Item.$": "$.item" } })]), []);
  });

  it("names a bad service, a PascalCase action, a missing timeout and missing resources, with the fix", () => {
    const found = problems([callAwsService("A", { service: "DynamoDB", action: "PutItem", iamResources: [], end: true } as never)]).join(
      "\n",
    );
    assert.match(found, /A: has `service: "DynamoDB"`: name the service .* in lowercase/);
    assert.match(found, /A: has `action: "PutItem"`: .* e\.g\. "putItem"/);
    assert.match(found, /A: has no `timeoutSeconds`/);
    assert.match(found, /A: has `iamResources: \[\]`: name the exact ARNs/);
  });

  it("refuses an SDK service whose IAM prefix differs until the step names its IAM actions, and a misspelt IAM action", () => {
    const base = {
      service: "sfn",
      action: "listExecutions",
      iamResources: ["arn:aws:states:us-east-1:123456789012:stateMachine:x"],
      timeoutSeconds: 10,
      end: true,
    };
    assert.match(problems([callAwsService("List", base)]).join("\n"), /IAM defines no action "sfn:ListExecutions" .* `iamActions`/);
    assert.deepEqual(problems([callAwsService("List", { ...base, iamActions: ["states:ListExecutions"] })]), []);
    assert.match(
      problems([callAwsService("List", { ...base, iamActions: ["states:ListExecution"] })]).join("\n"),
      /the IAM action "states:ListExecution", which AWS's Service Authorization data does not define/,
    );
  });

  it("refuses a wildcard resource unless acknowledged with a reason, and a Retry on every error, as for tasks", () => {
    assert.match(
      problems([save({ iamResources: ["arn:aws:dynamodb:*:*:table/*"] })]).join("\n"),
      /grants its call on every resource .*`acknowledgeWildcard/,
    );
    assert.match(problems([save({ iamResources: ["*"] })]).join("\n"), /every resource \("\*"\)/);
    assert.deepEqual(problems([save({ iamResources: ["*"], acknowledgeWildcard: "ListTables has no resource-level permission" })]), []);
    assert.match(problems([save({ acknowledgeWildcard: " " })]).join("\n"), /acknowledgeWildcard: " "/);
    assert.match(problems([save({ retry: [{ errors: ["States.ALL"] }] })]).join("\n"), /retries "States\.ALL"/);
  });
});

describe("callAwsService: compiled", () => {
  it("compiles the request, selector and paths, and asl-validator accepts it", () => {
    const steps = [
      pass("Start", {}),
      callAwsService("GetObject", {
        service: "s3",
        action: "getObject",
        parameters: { Bucket: "media", "Key.$": "$.key" },
        iamResources: ["arn:aws:s3:::media/*"],
        resultSelector: { "size.$": "$.ContentLength" },
        resultPath: "$.object",
        timeoutSeconds: 20,
        retry: [{ errors: ["S3.SdkClientException"], maxAttempts: 2 }],
        end: true,
      }),
    ];
    const definition = compileDefinition(steps, resources);
    assert.deepEqual(structuredClone(definition.States.GetObject), {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:s3:getObject",
      Parameters: { Bucket: "media", "Key.$": "$.key" },
      TimeoutSeconds: 20,
      ResultSelector: { "size.$": "$.ContentLength" },
      ResultPath: "$.object",
      Retry: [{ ErrorEquals: ["S3.SdkClientException"], MaxAttempts: 2 }],
      End: true,
    });
    assert.deepEqual(aslErrors(definition), []);
  });

  it("takes the request with its Outputs resolved by the component", () => {
    const definition = compileDefinition([save({ parameters: { TableName: Promise.resolve("x") } })], {
      ...resources,
      serviceCallParameters: { SaveOrder: { TableName: "orders-resolved" } },
    });
    assert.deepEqual((definition.States.SaveOrder as Record<string, unknown>).Parameters, { TableName: "orders-resolved" });
  });
});

describe("callAwsService: the execution role (IAM simulated offline)", () => {
  const needs = integrationNeeds([
    save(),
    callAwsService("ReadMedia", {
      service: "s3",
      action: "getObject",
      iamResources: ["arn:aws:s3:::media/*"],
      timeoutSeconds: 10,
      end: true,
    }),
  ]);
  const policy = executionRolePolicy({
    functionArns: [],
    eventBusArns: [],
    serviceCalls: needs.serviceCalls.map((c) => ({ step: c.step, actions: c.actions, resources: c.resources as string[] })),
  });

  it("grants each call's action on exactly its resources, one statement per step", () => {
    assert.deepEqual(
      policy.Statement.filter((s) => s.Sid?.startsWith("Call")),
      [
        { Sid: "CallSaveOrder", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [TABLE] },
        { Sid: "CallReadMedia", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::media/*"] },
      ],
    );
  });

  it("allows the call on what is named and denies a neighbouring resource and a neighbouring action", async () => {
    assert.equal(await decide(policy, "dynamodb:PutItem", TABLE), "Allowed");
    assert.equal(await decide(policy, "dynamodb:PutItem", TABLE.replace("orders", "customers")), "ImplicitlyDenied");
    assert.equal(await decide(policy, "dynamodb:DeleteItem", TABLE), "ImplicitlyDenied");
    assert.equal(await decide(policy, "s3:GetObject", "arn:aws:s3:::media/a.mp4"), "Allowed");
    assert.equal(await decide(policy, "s3:GetObject", "arn:aws:s3:::other/a.mp4"), "ImplicitlyDenied");
    assert.equal(await decide(policy, "s3:PutObject", "arn:aws:s3:::media/a.mp4"), "ImplicitlyDenied");
  });
});
