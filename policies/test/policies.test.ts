/**
 * The policy pack's policies, called directly (no Pulumi CLI here) through test/support/policyHarness.ts,
 * which builds validator arguments the way @pulumi/policy 1.21's server does.
 */
import assert from "node:assert/strict";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../policies";
import {
  describeDiagnostics,
  isStackPolicy,
  mandatoryOf,
  type Outcome,
  resource,
  type ResourceRecord,
  runPolicies,
  runResourcePolicy,
  runStackPolicy,
  type RunOptions,
  UNKNOWN_NUMBER,
  UNKNOWN_STRING,
} from "../../test/support/policyHarness";
import { CASES } from "../../test/fixtures/policy/cases";
import { EVASIONS } from "./fixtures/evasions";
import { HOLES } from "./fixtures/holes";
import {
  compliantStack,
  edited,
  eventTarget,
  lambdaFunction,
  orderDefinition,
  replacing,
  rolePolicy,
  stateMachine,
  T,
} from "../../test/fixtures/policy/stack";

const byName = new Map(policies.map((p) => [p.name, p]));
function policy(name: string): ResourceValidationPolicy | StackValidationPolicy {
  const p = byName.get(name);
  if (!p) throw new Error(`no policy named ${name}`);
  return p;
}

/** Runs a policy on records: a stack policy once on all of them, a resource policy on each. */
async function run(name: string, records: ResourceRecord[], options: RunOptions = {}): Promise<Outcome> {
  const p = policy(name);
  if (isStackPolicy(p)) return runStackPolicy(p, records, options);
  const out: Outcome = { diagnostics: [], violations: [], notApplicable: [] };
  for (const record of records) {
    const one = await runResourcePolicy(p, record, options);
    out.diagnostics.push(...one.diagnostics);
    out.violations.push(...one.violations);
    out.notApplicable.push(...one.notApplicable);
  }
  return out;
}

const configFor = (name: string, config?: Record<string, unknown>): RunOptions => (config ? { config: { [name]: config } } : {});

describe("policy pack: violating fixtures and their fixed twins", () => {
  for (const c of CASES) {
    describe(`${c.policy}: ${c.title}`, () => {
      it("reports the violating fixture with the expected message", async () => {
        const out = await run(c.policy, c.violating, configFor(c.policy, c.config));
        assert.equal(
          out.violations.length,
          c.expect.length,
          `expected ${c.expect.length} violation(s), got:\n${out.violations.join("\n")}`,
        );
        const unmatched = [...out.violations];
        for (const pattern of c.expect) {
          const i = unmatched.findIndex((m) => pattern.test(m));
          assert.ok(i >= 0, `no violation matches ${pattern}; got:\n${out.violations.join("\n")}`);
          unmatched.splice(i, 1);
        }
        const level = policy(c.policy).enforcementLevel;
        for (const d of out.diagnostics) assert.equal(d.enforcementLevel, level);
      });
      it("does not report the fixed twin", async () => {
        const out = await run(c.policy, c.fixed, configFor(c.policy, c.config));
        assert.deepEqual(out.diagnostics, [], describeDiagnostics(out.diagnostics));
      });
    });
  }

  it("has at least one violating fixture for every policy", () => {
    const covered = new Set([...CASES, ...EVASIONS, ...HOLES].map((c) => c.policy));
    for (const p of policies) assert.ok(covered.has(p.name), `no violating fixture for ${p.name}`);
    for (const name of covered) assert.ok(byName.has(name), `fixture for unknown policy ${name}`);
  });
});

describe("policy pack: the compliant stack", () => {
  it("passes every policy of the pack, advisory ones included", async () => {
    const diagnostics = await runPolicies(policies, compliantStack());
    assert.deepEqual(diagnostics, [], describeDiagnostics(diagnostics));
  });

  it("a raw stack with the seed article's state machine fails the mandatory timeout policies", async () => {
    const article = edited(orderDefinition(), (d) => {
      delete d.TimeoutSeconds;
      for (const s of Object.values(d.States) as Record<string, unknown>[]) delete s.TimeoutSeconds;
    });
    const diagnostics = await runPolicies(
      policies,
      replacing(compliantStack(), "order-processor", stateMachine("order-processor", article)),
    );
    const mandatory = mandatoryOf(diagnostics);
    assert.ok(mandatory.some((d) => d.policyName === "sfn-execution-timeout"));
    const taskPaths = mandatory.filter((d) => d.policyName === "sfn-task-timeout").map((d) => /Task (\S+) has no/.exec(d.message)?.[1]);
    // Top-level tasks lost their timeouts; the nested ones (Parallel branches, Map) kept theirs.
    assert.deepEqual(taskPaths.sort(), [
      "States.ChargeCard",
      "States.MarkOrderComplete",
      "States.OrderValidationFailed",
      "States.PublishOrderProcessed",
      "States.QueueForRetry",
      "States.RefundAndFail",
      "States.RefundFailedManualIntervention",
      "States.UnexpectedError",
      "States.ValidateOrder",
    ]);
  });
});

describe("policy pack: definitions that cannot be read", () => {
  // The resource policies that read a state machine's definition: the Step Functions ones.
  const definitionPolicies = policies.filter((p) => !isStackPolicy(p) && p.name.startsWith("sfn-")) as ResourceValidationPolicy[];
  const unreadable: [string, unknown][] = [
    ["not valid JSON", "{ this is not json"],
    ["undefined (unknown during preview)", undefined],
    ["the engine's unknown value (preview)", UNKNOWN_STRING],
    ["JSON but not an object", "[1, 2, 3]"],
  ];

  it("covers the state machine policies", () => {
    assert.deepEqual(definitionPolicies.map((p) => p.name).sort(), [
      "sfn-callback-heartbeat",
      "sfn-definition-readable",
      "sfn-execution-timeout",
      "sfn-failure-paths-observable",
      "sfn-logging",
      "sfn-retry-bounded",
      "sfn-retry-transient-only",
      "sfn-task-resource-is-integration",
      "sfn-task-timeout",
      "sfn-time-budget",
      "sfn-xray-tracing",
    ]);
  });

  for (const [what, definition] of unreadable) {
    it(`a definition that is ${what}: one clear advisory, no exception, no mandatory violation`, async () => {
      const record = resource(T.stateMachine, "hand-written", {
        definition,
        tracingConfiguration: { enabled: true },
        loggingConfiguration: { level: "ERROR", logDestination: "arn:aws:logs:us-east-1:123456789012:log-group:x:*" },
      });
      const diagnostics = await runPolicies(policies, [record]);
      assert.equal(diagnostics.length, 1, describeDiagnostics(diagnostics));
      const [d] = diagnostics;
      assert.equal(d.policyName, "sfn-definition-readable");
      assert.equal(d.enforcementLevel, "advisory");
      assert.match(d.message, /^State machine "hand-written": its definition (is not known yet|cannot be read|is not a JSON object)/);
      // The definition-based policies say why they did not apply.
      for (const p of definitionPolicies.filter(
        (p) => p.name !== "sfn-definition-readable" && p.name !== "sfn-logging" && p.name !== "sfn-xray-tracing",
      )) {
        const out = await runResourcePolicy(p, record);
        assert.deepEqual(out.diagnostics, []);
        assert.equal(out.notApplicable.length, 1, p.name);
        assert.match(out.notApplicable[0], /^State machine "hand-written": its definition/);
      }
    });
  }

  it("the stack policy skips a state machine whose definition is unknown, and still checks the others", async () => {
    const stack = [
      ...compliantStack(),
      stateMachine("second", undefined),
      stateMachine(
        "third",
        edited(orderDefinition(), (d) => {
          d.States.ChargeCard.TimeoutSeconds = 5;
        }),
      ),
    ];
    const out = await run("sfn-task-outlasts-lambda", stack);
    assert.equal(out.violations.length, 1, out.violations.join("\n"));
    assert.match(out.violations[0], /^State machine "third": Task States\.ChargeCard has TimeoutSeconds 5/);
  });
});

describe("policy pack: values unknown during preview", () => {
  it("a Lambda timeout unknown during preview gets the engine's advisory, not a violation", async () => {
    const out = await run("lambda-explicit-timeout", [lambdaFunction("charge-payment", { timeout: UNKNOWN_NUMBER })]);
    assert.deepEqual(out.violations, []);
    assert.equal(out.diagnostics.length, 1);
    assert.equal(out.diagnostics[0].kind, "preview-unknown");
    assert.equal(out.diagnostics[0].enforcementLevel, "advisory");
  });

  it("an EventTarget whose state machine ARN is unknown passes when retry and DLQ are set", async () => {
    const out = await run("eventbridge-sfn-target-retry-dlq", [eventTarget("t", { arn: UNKNOWN_STRING })]);
    assert.deepEqual(out.diagnostics, []);
  });

  it("an EventTarget whose ARN is unknown and has no DLQ gets the engine's preview advisory", async () => {
    const out = await run("eventbridge-sfn-target-retry-dlq", [eventTarget("t", { arn: UNKNOWN_STRING, deadLetterConfig: undefined })]);
    assert.deepEqual(out.violations, []);
    assert.equal(out.diagnostics[0]?.kind, "preview-unknown");
  });

  it("an IAM policy document unknown during preview gets the engine's advisory", async () => {
    const out = await run("iam-no-wildcards", [rolePolicy("p", UNKNOWN_STRING)]);
    assert.deepEqual(out.violations, []);
    assert.equal(out.diagnostics[0]?.kind, "preview-unknown");
  });

  it("an unknown function ARN in the stack leaves that function out of the comparison", async () => {
    const stack = replacing(
      replacing(compliantStack(), "charge-payment", lambdaFunction("charge-payment", { arn: UNKNOWN_STRING, name: UNKNOWN_STRING })),
      "order-processor",
      stateMachine(
        "order-processor",
        edited(orderDefinition(), (d) => {
          d.States.ChargeCard.TimeoutSeconds = 10;
        }),
      ),
    );
    const out = await run("sfn-task-outlasts-lambda", stack);
    assert.deepEqual(out.diagnostics, []);
  });
});

describe("policy pack: behaviour details", () => {
  it("the stack policy ignores Lambdas of other stacks and tasks without a static function", async () => {
    const def = edited(orderDefinition(), (d) => {
      d.States.ChargeCard.Resource = "arn:aws:lambda:us-east-1:999999999999:function:someone-elses";
      d.States.ChargeCard.TimeoutSeconds = 2;
      const reserve = d.States.ReserveItems.ItemProcessor.States.ReserveItem;
      reserve.Parameters = { "FunctionName.$": "$.fn", "Payload.$": "$" };
      reserve.TimeoutSeconds = 2;
    });
    const out = await run("sfn-task-outlasts-lambda", replacing(compliantStack(), "order-processor", stateMachine("order-processor", def)));
    assert.deepEqual(out.diagnostics, []);
  });

  it("the stack policy reports against the state machine's URN and honours minMarginSeconds", async () => {
    const out = await run("sfn-task-outlasts-lambda", compliantStack(), {
      config: { "sfn-task-outlasts-lambda": { minMarginSeconds: 5 } },
    });
    // Every task whose margin is under 5 s: 10 over 9 (ValidateOrder, MarkOrderComplete), 30 over 27 (ChargeCard,
    // RefundAndFail), 20 over 18 (SendConfirmationEmail), 15 over 13 (ReserveItem); FulfillOrder has 60 over 54.
    assert.equal(out.violations.length, 6, out.violations.join("\n"));
    assert.match(
      out.violations[0],
      /Task States\.ValidateOrder has TimeoutSeconds 10, only 1 s more than \(at least 5 s required\) the 9 s timeout .*Fix: set the Task's TimeoutSeconds to at least 14, or lower the function's timeout to at most 5\.$/,
    );
    for (const d of out.diagnostics)
      assert.equal(d.urn, "urn:pulumi:test::event-driven-workflow::aws:sfn/stateMachine:StateMachine::order-processor");
  });

  it("a CallbackFunction default is not reported when treatCallbackDefaultAsUnset is false", async () => {
    const out = await run("lambda-explicit-timeout", [lambdaFunction("f", { handler: "__index.handler", timeout: 180 })], {
      config: { "lambda-explicit-timeout": { treatCallbackDefaultAsUnset: false } },
    });
    assert.deepEqual(out.diagnostics, []);
  });

  it("a plain Function with a 180 s timeout is not mistaken for a CallbackFunction default", async () => {
    const out = await run("lambda-explicit-timeout", [lambdaFunction("f", { timeout: 180 })]);
    assert.deepEqual(out.diagnostics, []);
  });

  it("a nested Fail reached from a branch Catch is not reported: the error propagates to the Parallel's own Catch", async () => {
    const def = edited(orderDefinition(), (d) => {
      const states = d.States.FulfillmentAndNotification.Branches[0].States;
      states.FulfillOrder.Catch[0].Next = "FulfillmentFailed";
      states.FulfillmentFailed = { Type: "Fail", Error: "FulfillmentFailed", Cause: "fulfillment failed" };
      delete states.LogFulfillmentFailure;
    });
    const out = await run("sfn-failure-paths-observable", [stateMachine("sm", def)]);
    assert.deepEqual(out.diagnostics, []);
  });

  it("a Parallel containing a notification counts as observable on a failure path", async () => {
    const def = edited(orderDefinition(), (d) => {
      d.States.ValidateOrder.Catch[0].Next = "NotifyBoth";
      d.States.NotifyBoth = {
        Type: "Parallel",
        Branches: [
          {
            StartAt: "N",
            States: {
              N: {
                Type: "Task",
                Resource: "arn:aws:states:::sns:publish",
                Parameters: { TopicArn: "t", "Message.$": "$" },
                TimeoutSeconds: 5,
                End: true,
              },
            },
          },
        ],
        Next: "ValidationFailedEnd",
      };
    });
    const out = await run("sfn-failure-paths-observable", [stateMachine("sm", def)]);
    assert.deepEqual(out.diagnostics, []);
  });

  it("extra observable resources can be configured", async () => {
    const def = edited(orderDefinition(), (d) => {
      d.States.OrderValidationFailed = {
        Type: "Task",
        Resource: "arn:aws:states:::dynamodb:putItem",
        Parameters: { TableName: "failures", Item: {} },
        TimeoutSeconds: 5,
        Next: "ValidationFailedEnd",
      };
    });
    const record = stateMachine("sm", def);
    assert.equal((await run("sfn-failure-paths-observable", [record])).violations.length, 1);
    const out = await run("sfn-failure-paths-observable", [record], {
      config: { "sfn-failure-paths-observable": { observableResourcePrefixes: ["arn:aws:states:::dynamodb:putItem"] } },
    });
    assert.deepEqual(out.diagnostics, []);
  });

  it("JSONata definitions: TimeoutSeconds expressions and Arguments.FunctionName are understood", async () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "Charge",
      TimeoutSeconds: 60,
      States: {
        Charge: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Arguments: { FunctionName: "charge-payment", Payload: "{% $states.input %}" },
          TimeoutSeconds: 20,
          End: true,
        },
        Later: {
          Type: "Task",
          Resource: "arn:aws:states:::sns:publish",
          Arguments: { TopicArn: "t" },
          TimeoutSeconds: "{% $min([$states.input.timeout, 60]) %}",
          End: true,
        },
      },
    };
    const stack = [stateMachine("jsonata", def), lambdaFunction("charge-payment")];
    assert.deepEqual((await run("sfn-task-timeout", stack)).diagnostics, []);
    const out = await run("sfn-task-outlasts-lambda", stack);
    assert.equal(out.violations.length, 1);
    assert.match(
      out.violations[0],
      /Task States\.Charge has TimeoutSeconds 20, not more than the 27 s timeout of Lambda function "charge-payment" it invokes \(Arguments\.FunctionName\)/,
    );
  });

  it('IAM: Deny statements and the allowlisted actions on "*" pass; the allowlist is configurable', async () => {
    assert.deepEqual((await run("iam-no-wildcards", [rolePolicy("p")])).diagnostics, []);
    const out = await run("iam-no-wildcards", [rolePolicy("p")], {
      config: { "iam-no-wildcards": { wildcardResourceActions: ["xray:PutTraceSegments"] } },
    });
    assert.equal(out.violations.length, 2, out.violations.join("\n"));
    assert.match(
      out.violations[0],
      /Statement\[5\] \(Sid "XRay"\) grants "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets" on Resource "\*"/,
    );
  });

  it("IAM: an unreadable policy document is reported, not thrown", async () => {
    const out = await run("iam-no-wildcards", [rolePolicy("p", "{ nope")]);
    assert.equal(out.violations.length, 1);
    assert.match(out.violations[0], /^IAM role policy "p": the policy document cannot be read: it is not valid JSON/);
  });

  it("policies ignore resource types they do not judge (notApplicable, as the engine expects)", async () => {
    const bucket = resource("aws:s3/bucketV2:BucketV2", "b", { bucket: "b" });
    for (const p of policies) {
      const out = isStackPolicy(p) ? await runStackPolicy(p, [bucket]) : await runResourcePolicy(p, bucket);
      assert.deepEqual(out.diagnostics, [], p.name);
      assert.equal(out.notApplicable.length, 1, p.name);
    }
  });

  it("an EventTarget that does not start a state machine is not judged", async () => {
    const out = await run("eventbridge-sfn-target-retry-dlq", [
      eventTarget("to-lambda", {
        arn: "arn:aws:lambda:us-east-1:123456789012:function:f",
        retryPolicy: undefined,
        deadLetterConfig: undefined,
      }),
    ]);
    assert.deepEqual(out.diagnostics, []);
    assert.equal(out.notApplicable.length, 1);
  });

  it('configured enforcement levels apply: "all", per policy, and disabled', async () => {
    const record = lambdaFunction("f", { timeout: undefined, tracingConfig: undefined });
    const all = await runPolicies(policies, [record], { config: { all: "mandatory" } });
    assert.ok(all.length >= 2 && all.every((d) => d.enforcementLevel === "mandatory"), describeDiagnostics(all));
    const some = await runPolicies(policies, [record], {
      config: { "lambda-explicit-timeout": "advisory", "lambda-xray-tracing": { enforcementLevel: "disabled" } },
    });
    assert.deepEqual(
      some.map((d) => [d.policyName, d.enforcementLevel]),
      [["lambda-explicit-timeout", "advisory"]],
    );
  });
});

describe("policy pack: Map item selectors, distributed Maps and event detail paths", () => {
  const distributed = () =>
    edited(orderDefinition(), (d) => {
      const map = d.States.ReserveItems;
      map.ItemSelector = { "orderId.$": "$.detail.orderId", "item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" };
      map.ItemProcessor.ProcessorConfig = { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" };
      map.ToleratedFailurePercentage = 25;
      map.ToleratedFailureCount = 1;
      d.States.PublishOrderProcessed.Parameters.Entries[0]["Detail.$"] = "$.detail";
    });

  it("pass every policy of the pack", async () => {
    const diagnostics = await runPolicies(
      policies,
      replacing(compliantStack(), "order-processor", stateMachine("order-processor", distributed())),
    );
    assert.deepEqual(diagnostics, [], describeDiagnostics(diagnostics));
  });

  it("a distributed Map's item processor is walked: its Task without a timeout is reported", async () => {
    const untimed = edited(distributed(), (d) => {
      delete d.States.ReserveItems.ItemProcessor.States.ReserveItem.TimeoutSeconds;
    });
    const outcome = await run("sfn-task-timeout", [stateMachine("order-processor", untimed)]);
    assert.equal(outcome.violations.length, 1, JSON.stringify(outcome.violations));
    assert.match(outcome.violations[0], /Task States\.ReserveItems\.ItemProcessor\.States\.ReserveItem has no TimeoutSeconds/);
  });
});
