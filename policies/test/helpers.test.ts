/** The policy pack's pure helpers: ASL walking, Lambda references, IAM findings, property values. */
import assert from "node:assert/strict";
import {
  classifyTaskResource,
  lambdaReferenceOf,
  parseFunctionReference,
  readDefinition,
  taskStates,
  unobservedFailurePaths,
  walkStates,
} from "../asl";
import { isBroadManagedPolicy, wildcardFindings } from "../iam";
import { sfnRetryTransientOnly } from "../policies";
import { parseJsonProperty, plain, prop, UNKNOWN } from "../values";
import { resource, runResourcePolicy, UNKNOWN_STRING } from "../../test/support/policyHarness";
import { orderDefinition, T } from "../../test/fixtures/policy/stack";

describe("policy pack helpers: asl.ts", () => {
  it("walks every state at any depth with its path, parents first", () => {
    const paths = [...walkStates(orderDefinition())].map((s) => s.path);
    assert.equal(paths[0], "States.ValidateOrder");
    assert.ok(
      paths.indexOf("States.FulfillmentAndNotification") <
        paths.indexOf("States.FulfillmentAndNotification.Branches[0].States.FulfillOrder"),
    );
    for (const p of [
      "States.FulfillmentAndNotification.Branches[0].States.FulfillOrder",
      "States.FulfillmentAndNotification.Branches[0].States.LogFulfillmentFailure",
      "States.FulfillmentAndNotification.Branches[1].States.SendConfirmationEmail",
      "States.ReserveItems.ItemProcessor.States.ReserveItem",
    ])
      assert.ok(paths.includes(p), p);
    assert.equal(taskStates(orderDefinition()).length, 14);
  });

  it("walks nested Parallel inside Map inside Parallel", () => {
    const def = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          End: true,
          Branches: [
            {
              StartAt: "M",
              States: {
                M: {
                  Type: "Map",
                  End: true,
                  ItemProcessor: {
                    StartAt: "Q",
                    States: {
                      Q: {
                        Type: "Parallel",
                        End: true,
                        Branches: [{ StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::sns:publish", End: true } } }],
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    };
    assert.deepEqual(
      taskStates(def).map((t) => t.path),
      ["States.P.Branches[0].States.M.ItemProcessor.States.Q.Branches[0].States.T"],
    );
  });

  it("reads definitions as strings or objects and says why it cannot", () => {
    assert.equal(readDefinition(JSON.stringify(orderDefinition())).status, "ok");
    assert.equal(readDefinition(orderDefinition()).status, "ok");
    assert.equal(readDefinition(undefined).status, "unknown");
    assert.equal(readDefinition(UNKNOWN).status, "unknown");
    assert.equal(readDefinition("{").status, "invalid");
    assert.equal(readDefinition("42").status, "invalid");
    assert.equal(readDefinition({ StartAt: "A" }).status, "invalid");
  });

  it("parses function references: ARN, qualified ARN, partial ARN, name, name:alias", () => {
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:charge";
    assert.deepEqual(parseFunctionReference(arn), { name: "charge", arn });
    assert.deepEqual(parseFunctionReference(`${arn}:live`), { name: "charge", arn });
    assert.deepEqual(parseFunctionReference(`${arn}:$LATEST`), { name: "charge", arn });
    assert.deepEqual(parseFunctionReference("123456789012:function:charge"), { name: "charge" });
    assert.deepEqual(parseFunctionReference("charge:7"), { name: "charge" });
    assert.deepEqual(
      lambdaReferenceOf({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken", Parameters: { FunctionName: arn } }),
      { name: "charge", arn, via: "Parameters.FunctionName" },
    );
    assert.equal(
      lambdaReferenceOf({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "FunctionName.$": "$.fn" } }),
      undefined,
    );
    assert.equal(
      lambdaReferenceOf({ Type: "Task", Resource: "arn:aws:states:::sns:publish", Parameters: { FunctionName: "x" } }),
      undefined,
    );
  });

  it("classifies Task resources", () => {
    assert.deepEqual(classifyTaskResource("arn:aws:states:::states:startExecution.sync:2"), {
      kind: "integration",
      service: "states",
      action: "startExecution",
    });
    assert.deepEqual(classifyTaskResource("arn:aws-us-gov:states:::sqs:sendMessage.waitForTaskToken"), {
      kind: "integration",
      service: "sqs",
      action: "sendMessage",
    });
    assert.equal(classifyTaskResource("arn:aws:lambda:us-east-1:123456789012:function:f").kind, "lambda-function");
    assert.equal(classifyTaskResource("arn:aws:states:us-east-1:123456789012:activity:approve").kind, "activity");
    assert.equal(classifyTaskResource("arn:aws:sns:us-east-1:123456789012:topic").kind, "not-an-integration");
    assert.equal(classifyTaskResource(undefined).kind, "dynamic-or-unknown");
  });

  it("finds no unobserved failure path in the compliant definition", () => {
    assert.deepEqual(unobservedFailurePaths(orderDefinition()), []);
  });
});

describe("policy pack helpers: iam.ts and values.ts", () => {
  it("finds wildcard actions and resources, and ignores Deny statements", () => {
    const findings = wildcardFindings(
      {
        Statement: [
          { Effect: "Allow", Action: ["s3:*", "sqs:SendMessage"], Resource: "*" },
          { Effect: "Deny", Action: "*", Resource: "*" },
          { Effect: "Allow", Action: "XRAY:PutTraceSegments", Resource: ["*"] },
        ],
      },
      ["xray:PutTraceSegments"],
    );
    assert.deepEqual(
      findings.map((f) => `${f.where} ${f.problem}`),
      ['Statement[0] allows "s3:*" (every action of the service)', 'Statement[0] grants "sqs:SendMessage" on Resource "*"'],
    );
  });

  it("recognizes broad AWS managed policies only", () => {
    assert.ok(isBroadManagedPolicy("arn:aws:iam::aws:policy/AmazonSQSFullAccess"));
    assert.ok(isBroadManagedPolicy("arn:aws:iam::aws:policy/AdministratorAccess"));
    assert.ok(!isBroadManagedPolicy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"));
    assert.ok(!isBroadManagedPolicy("arn:aws:iam::123456789012:policy/MyFullAccess"));
  });

  it("plain() copies proxied values and turns any nested unknown into UNKNOWN", () => {
    assert.deepEqual(plain({ a: [1, { b: "c" }] }), { a: [1, { b: "c" }] });
    assert.equal(plain({ a: [1, { b: UNKNOWN_STRING }] }), UNKNOWN);
    const shared = { x: 1 };
    assert.deepEqual(plain({ a: shared, b: shared }), { a: { x: 1 }, b: { x: 1 } });
    assert.equal(prop({ definition: UNKNOWN_STRING }, "definition"), UNKNOWN);
    assert.equal(prop(undefined, "x"), undefined);
    assert.deepEqual(parseJsonProperty('{"a":1}'), { status: "ok", value: { a: 1 } });
    assert.equal(parseJsonProperty(42).status, "invalid");
  });

  it("an object definition sharing one retrier between states is read in full", async () => {
    // orderDefinition() reuses one Retry object across five Lambda tasks.
    const record = resource(T.stateMachine, "shared", { definition: orderDefinition() });
    const out = await runResourcePolicy(sfnRetryTransientOnly, record, {
      config: { "sfn-retry-transient-only": { neverTransientErrors: ["Lambda.ServiceException"] } },
    });
    assert.equal(out.violations.length, 5, out.violations.join("\n"));
  });
});
