/** The policy pack's pure helpers: ASL walking, Lambda references, IAM findings, property values. */
import assert from "node:assert/strict";
import {
  classifyTaskResource,
  jsonataUpperBound,
  jsonataValue,
  lambdaReferenceOf,
  parseFunctionReference,
  readDefinition,
  taskStates,
  unobservedFailurePaths,
  walkStates,
} from "../asl";
import {
  hasScopingCondition,
  isActionPattern,
  isBroadManagedPolicy,
  isWildcardResource,
  principalFindings,
  wildcardFindings,
} from "../iam";
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
    // The jobs callAwsService waits for (integrationPattern "runJob") are integrations too.
    assert.deepEqual(classifyTaskResource("arn:aws:states:::ecs:runTask.sync"), { kind: "integration", service: "ecs", action: "runTask" });
    assert.deepEqual(classifyTaskResource("arn:aws:states:::emr-serverless:startJobRun.sync"), {
      kind: "integration",
      service: "emr-serverless",
      action: "startJobRun",
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

describe("policy pack helpers: issue 11 (JSONata constants, __proto__ keys, patterns, principals)", () => {
  it("evaluates constant JSONata expressions and leaves the others dynamic", () => {
    assert.deepEqual(jsonataValue("{% 99999999 %}"), { kind: "constant", value: 99999999 });
    assert.deepEqual(jsonataValue(" {% (60 + 30) * 2 - 10 / 5 %} "), { kind: "constant", value: 178 });
    assert.deepEqual(jsonataValue("{% 1e8 %}"), { kind: "constant", value: 100000000 });
    assert.deepEqual(jsonataValue("{% 'arn:aws:lambda:us-east-1:123456789012:function:f' %}"), {
      kind: "constant",
      value: "arn:aws:lambda:us-east-1:123456789012:function:f",
    });
    for (const dynamic of ["{% $states.input.timeout %}", "{% 10 * $states.input.n %}", "{% $uppercase('a') %}", "{% 1 / 0 %}", "{% (1 %}"])
      assert.deepEqual(jsonataValue(dynamic), { kind: "expression" }, dynamic);
    assert.equal(jsonataValue(300), undefined);
    assert.equal(jsonataValue("$.timeout"), undefined);
  });

  it("evaluates JSONata's numeric functions over literals as constants (issue 20)", () => {
    const constants: [string, number][] = [
      ["{% $number('99999999') %}", 99999999],
      ["{% $max([1, 99999999]) %}", 99999999],
      ["{% $min(300, 7200) %}", 300],
      ["{% $sum([3600, 3600]) * 2 %}", 14400],
      ["{% $power(10, 8) %}", 100000000],
      ["{% $floor($abs(-99999999.5)) %}", 99999999],
      ["{% $round($average([10, 20])) %}", 15],
    ];
    for (const [field, value] of constants) assert.deepEqual(jsonataValue(field), { kind: "constant", value }, field);
  });

  it("bounds a timeout read from the execution only when an expression proves it (issue 20)", () => {
    assert.equal(jsonataUpperBound("{% $min([$states.input.timeout, 300]) %}"), 300);
    assert.equal(jsonataUpperBound("{% $min($states.input.timeout, 60 * 5) + 10 %}"), 310);
    assert.equal(jsonataUpperBound("{% $max([$states.input.timeout, 300]) %}"), undefined);
    assert.equal(jsonataUpperBound("{% $states.input.timeout %}"), undefined);
    assert.equal(jsonataUpperBound("{% 300 - $states.input.t %}"), undefined);
    assert.equal(jsonataUpperBound("{% $min([$states.input.t, 'x']) %}"), undefined);
  });

  it("plain() keeps an own __proto__ key as a key, without touching the copy's prototype", () => {
    const source = JSON.parse('{"States":{"__proto__":{"Type":"Task"},"B":{"Type":"Pass"}}}');
    const copy = plain(source) as { States: Record<string, unknown> };
    assert.deepEqual(Object.keys(copy.States), ["__proto__", "B"]);
    assert.equal(Object.getPrototypeOf(copy.States), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(copy.States, "__proto__")?.value, { Type: "Task" });
  });

  it("action patterns and wildcard resources, whatever their spelling", () => {
    for (const a of ["*", "*:*", "s3:*", "iam:Pass*", "iam:PassRol?", "s3:Get*"]) assert.ok(isActionPattern(a), a);
    assert.ok(!isActionPattern("iam:PassRole"));
    for (const r of [
      "*",
      "arn:*",
      "arn:aws:*",
      "arn:aws:s3:*",
      "arn:aws:s3:::*",
      "arn:aws:sqs:*:*:*",
      "arn:*:sqs:us-east-1:1:q",
      "arn:aws:*:*:*:*",
    ])
      assert.ok(isWildcardResource(r), r);
    for (const r of [
      "arn:aws:lambda:us-east-1:123456789012:function:*",
      "arn:aws:s3:::bucket/*",
      "arn:aws:logs:us-east-1:1:log-group:/x:*",
    ])
      assert.ok(!isWildcardResource(r), r);
  });

  it("broad managed policies: FullAccess, ReadOnlyAccess, admin, job functions; not service roles", () => {
    for (const arn of [
      "arn:aws:iam::aws:policy/ReadOnlyAccess",
      "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      "arn:aws:iam::aws:policy/AdministratorAccess",
      "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
      "arn:aws-us-gov:iam::aws:policy/AmazonSQSFullAccess",
    ])
      assert.ok(isBroadManagedPolicy(arn), arn);
    for (const arn of [
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      "arn:aws:iam::123456789012:policy/ReadOnlyAccess",
    ])
      assert.ok(!isBroadManagedPolicy(arn), arn);
  });

  it("a condition scopes a principal only when it must match a real value", () => {
    const scoped = (Condition: unknown) => hasScopingCondition({ Effect: "Allow", Principal: "*", Condition });
    assert.ok(scoped({ StringEquals: { "aws:PrincipalOrgID": "o-abc" } }));
    assert.ok(scoped({ ArnLike: { "aws:SourceArn": ["arn:aws:events:us-east-1:123456789012:rule/r"] } }));
    assert.ok(!scoped({ StringEqualsIfExists: { "aws:SourceAccount": "123456789012" } }), "absent key passes an IfExists");
    assert.ok(!scoped({ "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-abc" } }), "an empty set passes ForAllValues");
    assert.ok(!scoped({ StringLike: { "aws:PrincipalAccount": "*" } }), "a wildcard value pins nobody");
    assert.ok(!scoped({ StringNotEquals: { "aws:SourceAccount": "999999999999" } }), "a negation admits everyone else");
    assert.ok(!scoped({ Bool: { "aws:SecureTransport": "true" } }));
  });

  it("principal findings: anyone, NotPrincipal and unscoped services in resource policies; services are fine in trust policies", () => {
    const doc = (statement: Record<string, unknown>) => ({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "x:Y", ...statement }],
    });
    assert.equal(principalFindings(doc({ Principal: { AWS: "arn:aws:iam::*:root" } }), "resource").length, 1);
    assert.equal(principalFindings(doc({ NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } }), "resource").length, 1);
    assert.equal(principalFindings(doc({ Principal: { Service: "sns.amazonaws.com" } }), "resource").length, 1);
    assert.equal(principalFindings(doc({ Principal: { Service: "lambda.amazonaws.com" } }), "trust").length, 0);
    assert.equal(principalFindings(doc({ Principal: { AWS: "arn:aws:iam::123456789012:root" } }), "resource").length, 0);
    assert.equal(principalFindings({ Statement: [{ Effect: "Deny", Principal: "*", Action: "sqs:*" }] }, "resource").length, 0);
  });
});
