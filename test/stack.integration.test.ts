import assert from "node:assert/strict";
import { WILDCARD_RESOURCE_ACTIONS, lambdaTimeoutFor, type PolicyDocument } from "../components/index";
import { LAMBDA_RUNTIME_PACKAGE } from "../components/stepArchive";
import { ORDER_TASK_TIMEOUTS } from "../workflows/order";
import { SANDBOX_TABLE_ENV } from "../handlers/sandboxTables";
import { SANDBOX_TABLE_NAMES, SANDBOX_TABLE_USERS } from "../workflows/sandboxTables";
import { NO_VPC } from "../workflows/orderStack";
import { DEFAULT_TIMEOUT_SECONDS } from "../workflows/config";
import { decide } from "./support/iamSimulation";
import { synthesizeOrderStack } from "./support/orderStack";
import { ofType, TEST_ACCOUNT, type RecordedResource } from "../local/program/synthesize";

const json = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);
const only = (resources: RecordedResource[], type: string) => {
  const found = ofType(resources, type);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0];
};
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe("the order stack under Pulumi mocks (index.ts)", () => {
  let resources: RecordedResource[];
  let outputs: Record<string, any>;
  before(async () => ({ resources, outputs } = await synthesizeOrderStack()));

  const idempotencyTable = () => ofType(resources, "aws:dynamodb/table:Table").find((t) => t.name === "order-processing-idempotency")!;
  const rolePolicyOf = (roleName: string): PolicyDocument =>
    json(ofType(resources, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === roleName)!.inputs.policy);

  it("registers the full inventory, every child parented by the component but the stack's own sandbox tables", () => {
    const counts: Record<string, number> = {};
    for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    assert.deepEqual(counts, {
      "eventdrivenworkflow:index:EventDrivenWorkflow": 1,
      "aws:kms/key:Key": 1,
      "aws:sns/topic:Topic": 1,
      "aws:sns/topicPolicy:TopicPolicy": 1,
      "aws:sns/topicSubscription:TopicSubscription": 1,
      "aws:sqs/queue:Queue": 1,
      "aws:sqs/queuePolicy:QueuePolicy": 1,
      "aws:cloudwatch/logGroup:LogGroup": 8,
      "aws:iam/role:Role": 9,
      "aws:iam/rolePolicy:RolePolicy": 9,
      "aws:lambda/function:Function": 7,
      "aws:sfn/stateMachine:StateMachine": 1,
      "aws:cloudwatch/eventRule:EventRule": 1,
      "aws:cloudwatch/eventTarget:EventTarget": 1,
      "aws:cloudwatch/metricAlarm:MetricAlarm": 20,
      "aws:cloudwatch/dashboard:Dashboard": 1,
      // The idempotent steps share one idempotency table; the stack adds the sandbox's two (workflows/sandboxTables.ts).
      "aws:dynamodb/table:Table": 3,
    });
    const component = "eventdrivenworkflow:index:EventDrivenWorkflow::order-processing";
    const sandboxTables = Object.values(SANDBOX_TABLE_NAMES);
    const orphans = resources
      .filter((r) => r.type.startsWith("aws:") && r.parent !== component && !sandboxTables.includes(r.name))
      .map((r) => `${r.type} ${r.name} (parent ${r.parent})`);
    assert.deepEqual(orphans, []);
  });

  it("exports the stack outputs", () => {
    assert.match(outputs.stateMachineArn, /^arn:aws:states:us-east-1:123456789012:stateMachine:order-processing-test-order-processing$/);
    assert.match(outputs.deadLetterQueueUrl, /^https:\/\/sqs\./);
    assert.deepEqual(Object.keys(outputs.functionArns).sort(), Object.keys(ORDER_TASK_TIMEOUTS).sort());
    for (const key of ["ruleArn", "ruleName", "alertTopicArn", "logGroupName", "stateMachineName", "deadLetterQueueArn", "dashboardName"])
      assert.ok(outputs[key], key);
    assert.equal(outputs.vpcId, NO_VPC, "the dev stack places no Lambda in a VPC");
  });

  it("routes Order Placed events from the default bus", () => {
    const rule = only(resources, "aws:cloudwatch/eventRule:EventRule");
    assert.deepEqual(json(rule.inputs.eventPattern), { source: ["order.service"], "detail-type": ["Order Placed"] });
    assert.equal(rule.inputs.eventBusName, "default");
  });

  it("gives the rule's target a retry policy and the DLQ, whose policy admits only this rule", () => {
    const target = only(resources, "aws:cloudwatch/eventTarget:EventTarget");
    const queue = only(resources, "aws:sqs/queue:Queue");
    const rule = only(resources, "aws:cloudwatch/eventRule:EventRule");
    assert.equal(target.inputs.arn, outputs.stateMachineArn);
    assert.deepEqual(target.inputs.retryPolicy, { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 });
    assert.equal(target.inputs.deadLetterConfig.arn, queue.state.arn);
    const queuePolicy = json(only(resources, "aws:sqs/queuePolicy:QueuePolicy").inputs.policy);
    const allow = queuePolicy.Statement.find((s: any) => s.Effect === "Allow");
    assert.deepEqual(allow.Principal, { Service: "events.amazonaws.com" });
    assert.deepEqual(allow.Condition, { ArnEquals: { "aws:SourceArn": rule.state.arn } });
  });

  it("guards the EventBridge and Step Functions trust policies with SourceAccount and SourceArn", () => {
    const roles = ofType(resources, "aws:iam/role:Role");
    const trustOf = (name: string) => json(roles.find((r) => r.name === name)!.inputs.assumeRolePolicy).Statement[0];
    const ruleTrust = trustOf("order-processing-trigger");
    assert.deepEqual(ruleTrust.Principal, { Service: "events.amazonaws.com" });
    assert.deepEqual(ruleTrust.Condition, {
      StringEquals: { "aws:SourceAccount": TEST_ACCOUNT },
      ArnLike: { "aws:SourceArn": outputs.ruleArn },
    });
    const executionTrust = trustOf("order-processing-execution");
    assert.deepEqual(executionTrust.Principal, { Service: "states.amazonaws.com" });
    assert.deepEqual(executionTrust.Condition, {
      StringEquals: { "aws:SourceAccount": TEST_ACCOUNT },
      ArnLike: { "aws:SourceArn": outputs.stateMachineArn },
    });
  });

  it("names exact ARNs in every IAM statement; '*' only on the allowlisted X-Ray and log-delivery actions", () => {
    const allowlisted = new Set(WILDCARD_RESOURCE_ACTIONS.flatMap((g) => g.actions));
    const policies = ofType(resources, "aws:iam/rolePolicy:RolePolicy");
    assert.equal(policies.length, 9);
    for (const policy of policies) {
      for (const statement of json(policy.inputs.policy).Statement) {
        const actions = asArray<string>(statement.Action);
        for (const action of actions) assert.doesNotMatch(action, /\*/, `${policy.name}: wildcard action ${action}`);
        for (const resource of asArray<string>(statement.Resource)) {
          if (resource === "*") {
            for (const action of actions) assert.ok(allowlisted.has(action), `${policy.name}: ${action} on "*" is not allowlisted`);
          } else {
            assert.match(resource, /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/, `${policy.name}: ${resource} is not an exact ARN`);
          }
        }
      }
    }
  });

  it("lets the rule's role start only this state machine (IAM simulated offline)", async () => {
    const policy = rolePolicyOf("order-processing-trigger");
    assert.equal(await decide(policy, "states:StartExecution", outputs.stateMachineArn), "Allowed");
    assert.equal(
      await decide(policy, "states:StartExecution", `arn:aws:states:us-east-1:${TEST_ACCOUNT}:stateMachine:someone-elses`),
      "ImplicitlyDenied",
    );
    assert.equal(
      await decide(
        policy,
        "states:StopExecution",
        `arn:aws:states:us-east-1:${TEST_ACCOUNT}:execution:order-processing-test-order-processing:x`,
      ),
      "ImplicitlyDenied",
    );
  });

  it("lets the execution role reach only this workflow's functions, topic (and its key), DLQ and bus (IAM simulated offline)", async () => {
    const policy = rolePolicyOf("order-processing-execution");
    const key = only(resources, "aws:kms/key:Key");
    const keyPolicy = json(key.inputs.policy);
    const other = (service: string, suffix: string) => `arn:aws:${service}:us-east-1:${TEST_ACCOUNT}:${suffix}`;
    const matrix: [string, string, string, PolicyDocument?][] = [
      ...Object.values(outputs.functionArns as Record<string, string>).map((arn): [string, string, string] => [
        "lambda:InvokeFunction",
        arn,
        "Allowed",
      ]),
      ["lambda:InvokeFunction", other("lambda", "function:unrelated"), "ImplicitlyDenied"],
      ["sns:Publish", outputs.alertTopicArn, "Allowed"],
      ["sns:Publish", other("sns", "another-topic"), "ImplicitlyDenied"],
      ["kms:GenerateDataKey", key.state.arn, "Allowed", keyPolicy],
      ["kms:Decrypt", key.state.arn, "Allowed", keyPolicy],
      ["kms:Encrypt", key.state.arn, "ImplicitlyDenied", keyPolicy],
      ["sqs:SendMessage", outputs.deadLetterQueueArn, "Allowed"],
      ["sqs:SendMessage", other("sqs", "another-queue"), "ImplicitlyDenied"],
      ["sqs:ReceiveMessage", outputs.deadLetterQueueArn, "ImplicitlyDenied"],
      ["events:PutEvents", other("events", "event-bus/default"), "Allowed"],
      ["events:PutEvents", other("events", "event-bus/payments"), "ImplicitlyDenied"],
      ["states:StartExecution", outputs.stateMachineArn, "ImplicitlyDenied"],
    ];
    for (const [action, resource, expected, resourcePolicy] of matrix) {
      assert.equal(await decide(policy, action, resource, resourcePolicy), expected, `${action} on ${resource}`);
    }
  });

  it("lets each Lambda role write only its own log group", async () => {
    const functions = ofType(resources, "aws:lambda/function:Function");
    const logGroups = ofType(resources, "aws:cloudwatch/logGroup:LogGroup");
    for (const fn of functions) {
      const group = logGroups.find((g) => g.inputs.name === fn.inputs.loggingConfig.logGroup)!;
      const others = logGroups.filter((g) => g !== group);
      const policy = rolePolicyOf(fn.name);
      assert.equal(await decide(policy, "logs:PutLogEvents", `${group.state.arn}:log-stream:2025/01/01/abc`), "Allowed", fn.name);
      assert.equal(await decide(policy, "logs:PutLogEvents", `${others[0].state.arn}:log-stream:x`), "ImplicitlyDenied", fn.name);
      assert.equal(await decide(policy, "lambda:InvokeFunction", fn.state.arn), "ImplicitlyDenied", fn.name);
    }
  });

  it("turns on X-Ray and logging with retention, and keeps execution data out of logs", () => {
    const machine = only(resources, "aws:sfn/stateMachine:StateMachine");
    assert.deepEqual(machine.inputs.tracingConfiguration, { enabled: true });
    assert.equal(machine.inputs.loggingConfiguration.includeExecutionData, false);
    assert.match(
      machine.inputs.loggingConfiguration.logDestination,
      /^arn:aws:logs:.*:log-group:\/aws\/vendedlogs\/states\/order-processing-test-order-processing:\*$/,
    );
    assert.equal(machine.inputs.type, "STANDARD");
    for (const group of ofType(resources, "aws:cloudwatch/logGroup:LogGroup")) assert.ok(group.inputs.retentionInDays > 0, group.name);
    for (const fn of ofType(resources, "aws:lambda/function:Function")) assert.deepEqual(fn.inputs.tracingConfig, { mode: "Active" });
  });

  it("deploys the compiled definition with the real function ARNs and a whole-execution timeout", () => {
    const definition = json(only(resources, "aws:sfn/stateMachine:StateMachine").inputs.definition);
    assert.equal(definition.TimeoutSeconds, DEFAULT_TIMEOUT_SECONDS);
    assert.equal(definition.States.ChargeCard.Resource, outputs.functionArns.ChargeCard);
    assert.equal(definition.States.OrderValidationFailed.Parameters.TopicArn, outputs.alertTopicArn);
    assert.equal(definition.States.QueueForRetry.Parameters.QueueUrl, outputs.deadLetterQueueUrl);
  });

  it("gives each Lambda an explicit timeout shorter than its task's, the Powertools layer and a least-privilege role", () => {
    const definition = json(only(resources, "aws:sfn/stateMachine:StateMachine").inputs.definition);
    const taskTimeout = (name: string): number =>
      definition.States[name]?.TimeoutSeconds ??
      definition.States.FulfillmentAndNotification.Branches.map((b: any) => b.States[name]?.TimeoutSeconds).find(Boolean);
    for (const fn of ofType(resources, "aws:lambda/function:Function")) {
      const step = fn.name.replace("order-processing-", "");
      assert.equal(fn.inputs.timeout, lambdaTimeoutFor(taskTimeout(step)), step);
      assert.ok(fn.inputs.timeout < taskTimeout(step), `${step}: Lambda ${fn.inputs.timeout}s vs task ${taskTimeout(step)}s`);
      assert.match(fn.inputs.layers[0], /:layer:AWSLambdaPowertoolsTypeScriptV2:\d+$/);
      assert.equal(fn.inputs.role, ofType(resources, "aws:iam/role:Role").find((r) => r.name === fn.name)!.state.arn, step);
      assert.equal(fn.inputs.runtime, "nodejs22.x");
    }
  });

  it("ships only the serialized handler in each archive, beside the prebuilt step wrapper (no step bundles a package)", async () => {
    const wrapper = `node_modules/${LAMBDA_RUNTIME_PACKAGE}/`;
    for (const fn of ofType(resources, "aws:lambda/function:Function")) {
      const assets = await fn.inputs.code.assets;
      assert.deepEqual(
        Object.keys(assets).filter((entry) => !entry.startsWith(wrapper)),
        ["__index.js"],
        fn.name,
      );
      assert.ok(assets[`${wrapper}index.js`], `${fn.name} ships the wrapper`);
      const source: string = await assets["__index.js"].text;
      assert.match(source, new RegExp(`require\\("${LAMBDA_RUNTIME_PACKAGE}"\\)\\.instrumentStep`), `${fn.name} is wrapped at load`);
      assert.doesNotMatch(source, /mocha|ts-node|aws-local-stepfunctions|asl-validator|@pulumi\//, fn.name);
    }
  });

  it("encrypts the topic with a customer managed key CloudWatch may use, and the DLQ; both deny non-TLS", () => {
    const key = only(resources, "aws:kms/key:Key");
    assert.equal(key.inputs.enableKeyRotation, true);
    const keyPolicy = json(key.inputs.policy);
    assert.ok(
      keyPolicy.Statement.some(
        (s: any) => s.Principal?.Service === "cloudwatch.amazonaws.com" && asArray(s.Action).includes("kms:GenerateDataKey*"),
      ),
    );
    assert.equal(only(resources, "aws:sns/topic:Topic").inputs.kmsMasterKeyId, key.state.arn);
    assert.equal(only(resources, "aws:sqs/queue:Queue").inputs.sqsManagedSseEnabled, true);
    for (const type of ["aws:sns/topicPolicy:TopicPolicy", "aws:sqs/queuePolicy:QueuePolicy"]) {
      const deny = json(only(resources, type).inputs.policy).Statement.find((s: any) => s.Effect === "Deny");
      assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } }, type);
    }
    const topicPolicy = json(only(resources, "aws:sns/topicPolicy:TopicPolicy").inputs.policy);
    assert.ok(topicPolicy.Statement.some((s: any) => s.Effect === "Allow" && s.Principal?.Service === "cloudwatch.amazonaws.com"));
    assert.equal(only(resources, "aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "oncall@example.com");
  });

  it("points every alarm at the alert topic, with OK actions, covering the executions, each Lambda, the DLQ and the rule", () => {
    const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
    for (const alarm of alarms) {
      assert.deepEqual(alarm.inputs.alarmActions, [outputs.alertTopicArn], alarm.name);
      assert.deepEqual(alarm.inputs.okActions, [outputs.alertTopicArn], alarm.name);
    }
    const metrics = alarms.map((a) => `${a.inputs.namespace}/${a.inputs.metricName}`);
    for (const expected of [
      "AWS/States/ExecutionsFailed",
      "AWS/States/ExecutionsTimedOut",
      "AWS/States/ExecutionThrottled",
      "AWS/States/ExecutionsAborted",
      "AWS/SQS/ApproximateNumberOfMessagesVisible",
      "AWS/Events/FailedInvocations",
    ]) {
      assert.ok(metrics.includes(expected), expected);
    }
    const functionNames = ofType(resources, "aws:lambda/function:Function")
      .map((f) => f.state.name)
      .sort();
    const lambdaDims = (metric: string) =>
      alarms
        .filter((a) => a.inputs.metricName === metric && a.inputs.namespace === "AWS/Lambda")
        .map((a) => a.inputs.dimensions.FunctionName)
        .sort();
    assert.deepEqual(lambdaDims("Errors"), functionNames);
    assert.deepEqual(lambdaDims("Throttles"), functionNames);
    assert.equal(
      alarms.find((a) => a.inputs.metricName === "ExecutionsFailed")!.inputs.dimensions.StateMachineArn,
      outputs.stateMachineArn,
    );
  });

  it("creates a dashboard whose widgets name this workflow's real resources", () => {
    const body = json(only(resources, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
    const text = JSON.stringify(body);
    assert.ok(text.includes(outputs.stateMachineArn));
    for (const fn of ofType(resources, "aws:lambda/function:Function")) assert.ok(text.includes(fn.state.name), fn.name);
    assert.ok(text.includes(only(resources, "aws:sqs/queue:Queue").state.name));
    assert.ok(text.includes(outputs.ruleName));
    const titles = body.widgets.map((w: { properties: { title?: string } }) => w.properties.title);
    for (const metric of ["OrdersRejected", "ChargeAttempts", "ChargeAmount", "OrdersCompleted", "RefundFailures"])
      assert.ok(titles.includes(metric), metric);
    assert.match(text, /"order-processing","ChargeAmount","service","ChargeCard","currency","USD"/);
  });

  it("creates one idempotency table: on demand, TTL on Powertools' expiry attribute, encrypted, point-in-time recovery", () => {
    const table = idempotencyTable();
    assert.equal(table.inputs.billingMode, "PAY_PER_REQUEST");
    assert.equal(table.inputs.hashKey, "id");
    assert.deepEqual(table.inputs.attributes, [{ name: "id", type: "S" }]);
    assert.deepEqual(table.inputs.ttl, { attributeName: "expiration", enabled: true });
    assert.equal(table.inputs.serverSideEncryption.enabled, true);
    assert.equal(table.inputs.pointInTimeRecovery.enabled, true);
  });

  it("lets only the idempotent steps touch the table, with its exact ARN and only the item actions Powertools uses", async () => {
    const table = idempotencyTable();
    const idempotent = ["ChargeCard", "FulfillOrder", "SendConfirmationEmail", "MarkOrderComplete", "RefundAndFail"];
    for (const fn of ofType(resources, "aws:lambda/function:Function")) {
      const step = fn.name.replace("order-processing-", "");
      const policy = rolePolicyOf(fn.name);
      const expected = idempotent.includes(step) ? "Allowed" : "ImplicitlyDenied";
      assert.equal(fn.inputs.environment.variables.EDW_IDEMPOTENCY_TABLE, idempotent.includes(step) ? table.state.name : undefined, step);
      for (const action of ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]) {
        assert.equal(await decide(policy, action, table.state.arn), expected, `${step} ${action}`);
      }
      assert.equal(await decide(policy, "dynamodb:Scan", table.state.arn), "ImplicitlyDenied", `${step} may not scan`);
      assert.equal(
        await decide(policy, "dynamodb:GetItem", `arn:aws:dynamodb:us-east-1:${TEST_ACCOUNT}:table/another-table`),
        "ImplicitlyDenied",
        step,
      );
    }
  });

  it('creates the sandbox tables (encrypted, point-in-time recovery, "sandbox" in the name) and names each only to the steps that use it', () => {
    for (const [kind, name] of Object.entries(SANDBOX_TABLE_NAMES) as [keyof typeof SANDBOX_TABLE_NAMES, string][]) {
      const table = ofType(resources, "aws:dynamodb/table:Table").find((t) => t.name === name)!;
      assert.match(table.state.name, /sandbox/);
      assert.equal(table.inputs.billingMode, "PAY_PER_REQUEST");
      assert.equal(table.inputs.serverSideEncryption.enabled, true);
      assert.equal(table.inputs.pointInTimeRecovery.enabled, true);
      for (const fn of ofType(resources, "aws:lambda/function:Function")) {
        const step = fn.name.replace("order-processing-", "");
        const uses = (SANDBOX_TABLE_USERS[kind] as readonly string[]).includes(step);
        assert.equal(fn.inputs.environment.variables[SANDBOX_TABLE_ENV[kind]], uses ? table.state.name : undefined, `${step} ${kind}`);
      }
    }
  });
});
