/**
 * Least privilege as a matrix: for every principal of the order stack (index.ts synthesized under Pulumi mocks), every
 * request it needs is Allowed and its near misses are Denied (another state machine, function, topic, queue, bus,
 * table, key, log group, account; iam:PassRole; any request without TLS on a resource with a resource policy).
 * Decisions come from the offline IAM SIMULATION (@cloud-copilot/iam-simulate) of the generated policies.
 */
import assert from "node:assert/strict";
import { dlqReplayPolicy, SNS_TOPIC_POLICY_ACTIONS, type PolicyDocument } from "../components/index";
import { join } from "node:path";
import { ofType, synthesizeProgram, TEST_ACCOUNT, TEST_REGION, type RecordedResource } from "../local/program/synthesize";
import { actionsOnResourceType, simulate, type Decision, type SimulatedRequest } from "./support/iamSimulation";
import { synthesizeOrderStack } from "./support/orderStack";
import { SANDBOX_TABLE_ACTIONS, SANDBOX_TABLE_NAMES, SANDBOX_TABLE_USERS } from "../workflows/sandboxTables";

const OTHER_ACCOUNT = "210987654321";
/** An account administrator (Allow *:*) asking without TLS. */
const NON_TLS_ADMIN = "administrator, no TLS";
const json = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);
const arn = (service: string, suffix: string, account = TEST_ACCOUNT) => `arn:aws:${service}:${TEST_REGION}:${account}:${suffix}`;
/** An ARN without the parts every row shares (partition, region, test account). */
const short = (text: string) => text.replace("arn:aws:", "").replace(`${TEST_REGION}:${TEST_ACCOUNT}:`, "");
/** The same ARN in another account. */
const inOtherAccount = (resourceArn: string) => resourceArn.replace(`:${TEST_ACCOUNT}:`, `:${OTHER_ACCOUNT}:`);

/** AWS's default key policy: the account administers the key, so IAM policies decide who uses it. */
const DEFAULT_KEY_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

/** One cell of the matrix. */
interface Row {
  principal: string;
  action: string;
  resource: string;
  expected: Decision;
  request: SimulatedRequest;
}

/** A principal: who it is, the policies that speak for it, what it needs and what it must not get. */
interface Principal {
  name: string;
  request: SimulatedRequest;
  needs: [action: string, resource: string, extra?: SimulatedRequest][];
  nearMisses: [action: string, resource: string, extra?: SimulatedRequest][];
}

/**
 * Simulates every row, prints the matrix (principal, action, shortened resource, `columns` of each row, expected and
 * actual decision), and returns the rows whose decision is not the expected one.
 */
async function mismatchesOf(rows: Row[], columns: (row: Row) => Record<string, string> = () => ({})): Promise<string[]> {
  const results = await Promise.all(rows.map(async (row) => ({ ...row, actual: await simulate(row.action, row.resource, row.request) })));
  console.table(
    results.map((r) => ({
      principal: r.principal,
      action: r.action,
      resource: short(r.resource),
      ...columns(r),
      expected: r.expected,
      actual: r.actual,
    })),
  );
  return results
    .filter((r) => r.actual !== r.expected)
    .map((r) => `${r.principal}: ${r.action} on ${r.resource}: expected ${r.expected}, got ${r.actual}`);
}

describe("least privilege of the order stack, as a matrix (IAM simulated offline)", () => {
  let rows: Row[];
  let functionCount: number;

  before(async () => {
    const { resources, outputs } = await synthesizeOrderStack();
    functionCount = ofType(resources, "aws:lambda/function:Function").length;
    rows = await matrixRows(resources, outputs as Record<string, any>);
  });

  it("allows every request each principal needs and denies every near miss, TLS-less requests included", async () => {
    const mismatches = await mismatchesOf(rows, (r) => ({
      tls: r.request.context?.["aws:SecureTransport"] === "false" ? "no" : "yes",
      // The request context that makes the row (e.g. a service acting for another rule or account).
      context: Object.entries(r.request.context ?? {})
        .filter(([key]) => key !== "aws:SecureTransport")
        .map(([key, value]) => `${key.replace("aws:", "")}=${short(value)}`)
        .join(" "),
    }));
    console.log(`least-privilege matrix: ${rows.length} rows`);
    assert.deepEqual(mismatches, []);
  });

  it("covers each principal's needs and near misses, and every action of the topic, queue and key without TLS", () => {
    const principals = new Set(rows.map((r) => r.principal));
    for (const p of ["execution role", "rule role", "events.amazonaws.com (DLQ)", "cloudwatch.amazonaws.com (alarms)", "replay operator"])
      assert.ok(principals.has(p), p);
    assert.equal([...principals].filter((p) => p.startsWith("Lambda ")).length, functionCount, "one principal per step Lambda");
    for (const p of [...principals].filter((name) => name !== NON_TLS_ADMIN)) {
      assert.ok(
        rows.some((r) => r.principal === p && r.expected === "Allowed"),
        `${p} has needs`,
      );
      assert.ok(
        rows.some((r) => r.principal === p && r.expected !== "Allowed"),
        `${p} has near misses`,
      );
    }
    // The finding: plain-HTTP Subscribe to the alert topic.
    assert.ok(rows.some((r) => r.action === "sns:Subscribe" && r.request.context?.["aws:SecureTransport"] === "false"));
  });

  it("names in the topic's TLS deny only actions SNS defines for topics", async () => {
    const topicActions = await actionsOnResourceType("sns", "topic");
    assert.deepEqual(
      SNS_TOPIC_POLICY_ACTIONS.filter((a) => !topicActions.includes(a)),
      [],
    );
  });
});

describe("least privilege of direct service calls (callAwsService) and child workflows (startWorkflow), as a matrix (IAM simulated offline)", () => {
  let rows: Row[];
  let definition: { States: Record<string, { Parameters?: Record<string, unknown> }> };
  let tableName: string;
  let childArn: string;
  let moderation: { url: string; arn: string };

  before(async () => {
    const { resources, outputs } = await synthesizeProgram(join(__dirname, "fixtures", "serviceCallStack.ts"), { stack: "test" });
    const role = ofType(resources, "aws:iam/role:Role").find((r) => r.name === "media-pipeline-execution")!;
    const policy = json(
      ofType(resources, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "media-pipeline-execution")!.inputs.policy,
    );
    definition = json(ofType(resources, "aws:sfn/stateMachine:StateMachine").find((m) => m.name === "media-pipeline")!.inputs.definition);
    const table = (outputs as Record<string, string>).tableArn;
    const child = (outputs as Record<string, string>).childStateMachineArn;
    childArn = child;
    const childRun = `${child.replace(":stateMachine:", ":execution:")}:run-1`;
    const syncRule = arn("events", "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule");
    tableName = (outputs as Record<string, string>).tableName;
    const out = outputs as Record<string, string>;
    moderation = { url: out.moderationQueueUrl, arn: out.moderationQueueArn };
    // A key's default policy: the account's IAM policies decide (what AWS creates when a key is given no policy).
    const accountKeyPolicy: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
    };
    const request: SimulatedRequest = { principal: role.state.arn, identityPolicy: policy };
    const cell = (action: string, resource: string, expected: Decision): Row => ({
      principal: "execution role (service calls)",
      action,
      resource,
      expected,
      request,
    });
    rows = [
      cell("dynamodb:PutItem", table, "Allowed"),
      cell("s3:GetObject", "arn:aws:s3:::media-thumbnails/v-1.jpg", "Allowed"),
      // A neighbouring table, bucket and account; a neighbouring action on the same resource.
      cell("dynamodb:PutItem", arn("dynamodb", "table/another-table"), "ImplicitlyDenied"),
      cell("dynamodb:PutItem", inOtherAccount(table), "ImplicitlyDenied"),
      cell("dynamodb:DeleteItem", table, "ImplicitlyDenied"),
      cell("dynamodb:GetItem", table, "ImplicitlyDenied"),
      cell("s3:GetObject", "arn:aws:s3:::media-originals/v-1.mp4", "ImplicitlyDenied"),
      cell("s3:PutObject", "arn:aws:s3:::media-thumbnails/v-1.jpg", "ImplicitlyDenied"),
      cell("s3:ListBucket", "arn:aws:s3:::media-thumbnails", "ImplicitlyDenied"),
      // startWorkflow (sync): start the child, watch and stop its executions, the rule Step Functions manages for it.
      cell("states:StartExecution", child, "Allowed"),
      cell("states:DescribeExecution", childRun, "Allowed"),
      cell("states:StopExecution", childRun, "Allowed"),
      cell("events:PutRule", syncRule, "Allowed"),
      cell("events:PutTargets", syncRule, "Allowed"),
      cell("events:DescribeRule", syncRule, "Allowed"),
      cell("states:StartExecution", arn("states", "stateMachine:someone-elses"), "ImplicitlyDenied"),
      cell("states:DescribeExecution", arn("states", "execution:someone-elses:run-1"), "ImplicitlyDenied"),
      cell("states:StartExecution", inOtherAccount(child), "ImplicitlyDenied"),
      cell("events:PutRule", arn("events", "rule/another-rule"), "ImplicitlyDenied"),
      cell("events:DeleteRule", syncRule, "ImplicitlyDenied"),
      // waitForCallback through an encrypted queue and a topic: send or publish there only, the queue key's data keys.
      cell("sqs:SendMessage", out.moderationQueueArn, "Allowed"),
      cell("sqs:SendMessage", arn("sqs", "moderation-neighbour"), "ImplicitlyDenied"),
      cell("sqs:ReceiveMessage", out.moderationQueueArn, "ImplicitlyDenied"),
      cell("sns:Publish", out.partnersTopicArn, "Allowed"),
      cell("sns:Publish", arn("sns", "partners-neighbour"), "ImplicitlyDenied"),
      cell("sns:Publish", inOtherAccount(out.partnersTopicArn), "ImplicitlyDenied"),
      { ...cell("kms:GenerateDataKey", out.moderationKeyArn, "Allowed"), request: { ...request, resourcePolicy: accountKeyPolicy } },
      { ...cell("kms:Decrypt", out.moderationKeyArn, "Allowed"), request: { ...request, resourcePolicy: accountKeyPolicy } },
      { ...cell("kms:Encrypt", out.moderationKeyArn, "ImplicitlyDenied"), request: { ...request, resourcePolicy: accountKeyPolicy } },
      {
        ...cell("kms:Decrypt", arn("kms", "key/another-key"), "ImplicitlyDenied"),
        request: { ...request, resourcePolicy: accountKeyPolicy },
      },
    ];
  });

  it("allows each call on exactly what its step names and denies its neighbours", async () => {
    assert.deepEqual(await mismatchesOf(rows), []);
  });

  it("resolves the Outputs of a call's request and of a child's ARN into the definition", () => {
    assert.equal(definition.States.SaveVideo.Parameters?.TableName, tableName);
    assert.equal(definition.States.TranscodeAndWait.Parameters?.StateMachineArn, childArn);
    assert.equal(definition.States.AwaitModeration.Parameters?.QueueUrl, moderation.url);
    assert.ok(moderation.url);
    assert.ok(tableName && childArn);
  });
});

describe("least privilege of a schedule trigger (EventBridge Scheduler) and of per-task settings, as a matrix (IAM simulated offline)", () => {
  let rows: Row[];
  let aliasArn: string;
  let functionArn: string;
  let scheduleArgs: Record<string, any>;
  let machineArn: string;
  let queueArn: string;
  let scheduleRoleArn: string;

  before(async () => {
    const { resources, outputs } = await synthesizeProgram(join(__dirname, "fixtures", "scheduleStack.ts"), { stack: "test" });
    const out = outputs as Record<string, string>;
    const named = (type: string, name: string) => ofType(resources, type).find((r) => r.name === name)!;
    const role = named("aws:iam/role:Role", "nightly-report-schedule");
    const trust = json(role.inputs.assumeRolePolicy);
    scheduleArgs = named("aws:scheduler/schedule:Schedule", "nightly-report-schedule").inputs;
    [machineArn, queueArn, scheduleRoleArn] = [out.nightlyStateMachineArn, out.nightlyDeadLetterQueueArn, role.state.arn];
    const policy = json(named("aws:iam/rolePolicy:RolePolicy", "nightly-report-schedule").inputs.policy);
    const queuePolicy = json(named("aws:sqs/queuePolicy:QueuePolicy", "nightly-report-dlq").inputs.policy);
    const machine = out.nightlyStateMachineArn;
    const queue = out.nightlyDeadLetterQueueArn;
    const schedule = out.nightlyScheduleArn;
    const group = arn("scheduler", "schedule-group/default");
    const asRole: SimulatedRequest = { principal: role.state.arn, identityPolicy: policy };
    const asScheduler = (context: Record<string, string>, resourcePolicy: PolicyDocument): SimulatedRequest => ({
      principal: "scheduler.amazonaws.com",
      resourcePolicy,
      context,
    });
    const cell = (principal: string, action: string, resource: string, expected: Decision, request: SimulatedRequest): Row => ({
      principal,
      action,
      resource,
      expected,
      request,
    });
    const here = { "aws:SourceAccount": TEST_ACCOUNT };
    rows = [
      // The schedule's role: start this state machine, send dead letters to this workflow's queue; nothing else.
      cell("schedule role", "states:StartExecution", machine, "Allowed", asRole),
      cell("schedule role", "sqs:SendMessage", queue, "Allowed", asRole),
      cell("schedule role", "states:StartExecution", out.neighbourStateMachineArn, "ImplicitlyDenied", asRole),
      cell("schedule role", "states:StartExecution", inOtherAccount(machine), "ImplicitlyDenied", {
        ...asRole,
        resourceAccount: OTHER_ACCOUNT,
      }),
      cell("schedule role", "states:StopExecution", `${machine.replace(":stateMachine:", ":execution:")}:x`, "ImplicitlyDenied", asRole),
      cell("schedule role", "sqs:SendMessage", out.neighbourDeadLetterQueueArn, "ImplicitlyDenied", asRole),
      cell("schedule role", "sqs:ReceiveMessage", queue, "ImplicitlyDenied", asRole),
      cell("schedule role", "lambda:InvokeFunction", arn("lambda", "function:nightly-report-BuildReport"), "ImplicitlyDenied", asRole),
      // Scheduler assumes the role only for this account's default schedule group (the confused-deputy guard).
      cell(
        "scheduler.amazonaws.com (assume role)",
        "sts:AssumeRole",
        role.state.arn,
        "Allowed",
        asScheduler({ ...here, "aws:SourceArn": group }, trust),
      ),
      cell(
        "scheduler.amazonaws.com (assume role)",
        "sts:AssumeRole",
        role.state.arn,
        "ImplicitlyDenied",
        asScheduler({ "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": inOtherAccount(group) }, trust),
      ),
      cell(
        "scheduler.amazonaws.com (assume role)",
        "sts:AssumeRole",
        role.state.arn,
        "ImplicitlyDenied",
        asScheduler({ ...here, "aws:SourceArn": arn("scheduler", "schedule-group/another-group") }, trust),
      ),
      // The DLQ's queue policy lets Scheduler send for this schedule only, and only over TLS.
      cell(
        "scheduler.amazonaws.com (DLQ)",
        "sqs:SendMessage",
        queue,
        "Allowed",
        asScheduler({ ...here, "aws:SourceArn": schedule }, queuePolicy),
      ),
      cell(
        "scheduler.amazonaws.com (DLQ)",
        "sqs:SendMessage",
        queue,
        "ImplicitlyDenied",
        asScheduler({ ...here, "aws:SourceArn": arn("scheduler", "schedule/default/someone-elses") }, queuePolicy),
      ),
      cell(
        "scheduler.amazonaws.com (DLQ)",
        "sqs:SendMessage",
        queue,
        "ExplicitlyDenied",
        asScheduler({ ...here, "aws:SourceArn": schedule, "aws:SecureTransport": "false" }, queuePolicy),
      ),
      cell(
        "scheduler.amazonaws.com (DLQ)",
        "sqs:ReceiveMessage",
        queue,
        "ImplicitlyDenied",
        asScheduler({ ...here, "aws:SourceArn": schedule }, queuePolicy),
      ),
    ];
    // A task's secrets: its Lambda reads exactly its parameter and secrets, decrypts with exactly the key named; the
    // other task of the workflow reads none of them.
    const lambda = (step: string): SimulatedRequest => ({
      principal: named("aws:iam/role:Role", `nightly-report-${step}`).state.arn,
      identityPolicy: json(named("aws:iam/rolePolicy:RolePolicy", `nightly-report-${step}`).inputs.policy),
    });
    const publisher = lambda("PublishReport");
    const builder = lambda("BuildReport");
    const parameter = arn("ssm", "parameter/reports/api-key");
    const signing = arn("secretsmanager", "secret:reports/signing-XyZ789");
    const secrets = "Lambda PublishReport (secrets)";
    rows.push(
      cell(secrets, "ssm:GetParameter", parameter, "Allowed", publisher),
      cell(secrets, "secretsmanager:GetSecretValue", out.databaseSecretArn, "Allowed", publisher),
      cell(secrets, "secretsmanager:GetSecretValue", signing, "Allowed", publisher),
      // The key has AWS's default key policy (the account administers it), which lets IAM policies grant its use.
      cell(secrets, "kms:Decrypt", out.reportKeyArn, "Allowed", { ...publisher, resourcePolicy: DEFAULT_KEY_POLICY }),
      cell(secrets, "ssm:GetParameter", arn("ssm", "parameter/reports/other"), "ImplicitlyDenied", publisher),
      cell(secrets, "ssm:GetParameter", arn("ssm", "parameter/reports/api-key/child"), "ImplicitlyDenied", publisher),
      cell(secrets, "ssm:PutParameter", parameter, "ImplicitlyDenied", publisher),
      // The name's six-character suffix is matched exactly: a secret whose name only starts the same is not readable.
      cell(
        secrets,
        "secretsmanager:GetSecretValue",
        arn("secretsmanager", "secret:reports/signing-extra-XyZ789"),
        "ImplicitlyDenied",
        publisher,
      ),
      cell(secrets, "secretsmanager:GetSecretValue", arn("secretsmanager", "secret:reports/db2-AbC123"), "ImplicitlyDenied", publisher),
      cell(secrets, "secretsmanager:PutSecretValue", out.databaseSecretArn, "ImplicitlyDenied", publisher),
      cell(secrets, "kms:Decrypt", arn("kms", "key/ffffffff-0000-0000-0000-000000000000"), "ImplicitlyDenied", publisher),
      cell(secrets, "kms:Encrypt", out.reportKeyArn, "ImplicitlyDenied", { ...publisher, resourcePolicy: DEFAULT_KEY_POLICY }),
      cell("Lambda BuildReport (no secrets)", "ssm:GetParameter", parameter, "ImplicitlyDenied", builder),
      cell("Lambda BuildReport (no secrets)", "secretsmanager:GetSecretValue", out.databaseSecretArn, "ImplicitlyDenied", builder),
    );
    // Provisioned concurrency: the state machine invokes the task's `live` alias, and only that qualifier of it.
    const execution: SimulatedRequest = {
      principal: named("aws:iam/role:Role", "nightly-report-execution").state.arn,
      identityPolicy: json(named("aws:iam/rolePolicy:RolePolicy", "nightly-report-execution").inputs.policy),
    };
    const publishFunction = named("aws:lambda/function:Function", "nightly-report-PublishReport").state.arn;
    aliasArn = named("aws:lambda/alias:Alias", "nightly-report-PublishReport-live").state.arn;
    functionArn = publishFunction;
    const invoke = "execution role (alias)";
    rows.push(
      cell(invoke, "lambda:InvokeFunction", aliasArn, "Allowed", execution),
      cell(
        invoke,
        "lambda:InvokeFunction",
        named("aws:lambda/function:Function", "nightly-report-BuildReport").state.arn,
        "Allowed",
        execution,
      ),
      cell(invoke, "lambda:InvokeFunction", publishFunction, "ImplicitlyDenied", execution),
      cell(invoke, "lambda:InvokeFunction", `${publishFunction}:1`, "ImplicitlyDenied", execution),
      cell(invoke, "lambda:InvokeFunction", `${publishFunction}:canary`, "ImplicitlyDenied", execution),
    );
  });

  it("creates the schedule as the rule's target is: on time, with retries, the DLQ, the schedule's role and input", () => {
    assert.deepEqual(scheduleArgs, {
      name: "order-processing-test-nightly-report-schedule",
      description: "Starts the nightly-report workflow",
      scheduleExpression: "cron(0 2 ? * MON-FRI *)",
      scheduleExpressionTimezone: "Europe/Paris",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: machineArn,
        roleArn: scheduleRoleArn,
        input: JSON.stringify({ report: "daily" }),
        retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
        deadLetterConfig: { arn: queueArn },
      },
    });
  });

  it("invokes a task with provisioned concurrency through its live alias", () => {
    assert.equal(aliasArn, `${functionArn}:live`);
  });

  it("lets the schedule start only its state machine and dead-letter only to its queue, each task read only its own secrets, and the state machine invoke only the alias", async () => {
    assert.deepEqual(await mismatchesOf(rows), []);
  });
});

/** The rows of the matrix, generated from the synthesized resources: principals × (needs, near misses, non-TLS). */
async function matrixRows(resources: RecordedResource[], outputs: Record<string, any>): Promise<Row[]> {
  const only = (type: string) => ofType(resources, type)[0];
  const policyOf = (name: string): PolicyDocument =>
    json(ofType(resources, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === name)!.inputs.policy);
  const roleArn = (name: string): string => ofType(resources, "aws:iam/role:Role").find((r) => r.name === name)!.state.arn;

  const topic = { arn: outputs.alertTopicArn as string, policy: json(only("aws:sns/topicPolicy:TopicPolicy").inputs.policy) };
  const queue = { arn: outputs.deadLetterQueueArn as string, policy: json(only("aws:sqs/queuePolicy:QueuePolicy").inputs.policy) };
  const keyResource = only("aws:kms/key:Key");
  const key = { arn: keyResource.state.arn as string, policy: json(keyResource.inputs.policy) };
  const tables = ofType(resources, "aws:dynamodb/table:Table");
  const table = tables.find((t) => t.name === "order-processing-idempotency")!.state.arn as string;
  // The sandbox services' tables: each granted to the steps that use it (workflows/sandboxTables.ts), none to the others.
  const sandboxTables = Object.entries(SANDBOX_TABLE_NAMES).map(([kind, name]) => ({
    arn: tables.find((t) => t.name === name)!.state.arn as string,
    users: SANDBOX_TABLE_USERS[kind as keyof typeof SANDBOX_TABLE_USERS] as readonly string[],
  }));
  const machine = outputs.stateMachineArn as string;
  const ruleArn = outputs.ruleArn as string;
  const bus = arn("events", "event-bus/default");
  const functions = ofType(resources, "aws:lambda/function:Function");
  const logGroups = ofType(resources, "aws:cloudwatch/logGroup:LogGroup");
  const idempotentTables = new Set(functions.filter((f) => f.inputs.environment?.variables?.EDW_IDEMPOTENCY_TABLE).map((f) => f.name));
  const onTopic = { resourcePolicy: topic.policy };
  const onQueue = { resourcePolicy: queue.policy };
  const onKey = { resourcePolicy: key.policy };

  const other = {
    machine: arn("states", "stateMachine:someone-elses"),
    function: arn("lambda", "function:unrelated"),
    topic: arn("sns", "another-topic"),
    queue: arn("sqs", "another-queue"),
    bus: arn("events", "event-bus/payments"),
    table: arn("dynamodb", "table/another-table"),
    key: arn("kms", "key/00000000-0000-0000-0000-000000000000"),
    logStream: arn("logs", "log-group:/aws/lambda/unrelated:log-stream:x"),
  };
  const passRole = (role: string): [string, string] => ["iam:PassRole", role];

  const lambdaPrincipals: Principal[] = functions.map((fn) => {
    const group = logGroups.find((g) => g.inputs.name === fn.inputs.loggingConfig.logGroup)!;
    const sibling = functions.find((f) => f !== fn)!;
    const siblingGroup = logGroups.find((g) => g.inputs.name === sibling.inputs.loggingConfig.logGroup)!;
    const stream = `${group.state.arn}:log-stream:2026/01/01/abc`;
    const idempotent = idempotentTables.has(fn.name);
    const tableItems = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];
    const step = fn.name.replace("order-processing-", "");
    const sandboxCells = (uses: boolean) =>
      sandboxTables
        .filter((t) => t.users.includes(step) === uses)
        .flatMap((t) => SANDBOX_TABLE_ACTIONS.map((a): [string, string] => [a, t.arn]));
    return {
      name: `Lambda ${fn.name.replace("order-processing-", "")}`,
      request: { principal: roleArn(fn.name), identityPolicy: policyOf(fn.name) },
      needs: [
        ["logs:CreateLogStream", `${group.state.arn}:log-stream:2026/01/01/new`],
        ["logs:PutLogEvents", stream],
        ["xray:PutTraceSegments", "*"],
        ...(idempotent ? tableItems.map((a): [string, string] => [a, table]) : []),
        ...sandboxCells(true),
      ],
      nearMisses: [
        ["logs:PutLogEvents", `${siblingGroup.state.arn}:log-stream:x`],
        ["logs:PutLogEvents", inOtherAccount(stream), { resourceAccount: OTHER_ACCOUNT }],
        ["logs:PutLogEvents", other.logStream],
        ...(idempotent ? [] : tableItems.map((a): [string, string] => [a, table])),
        // A sandbox table it does not use (the neighbour of one it does), and what no step may do on either.
        ...sandboxCells(false),
        ...sandboxTables.flatMap((t): [string, string][] => [
          ["dynamodb:Scan", t.arn],
          ["dynamodb:UpdateItem", t.arn],
          ["dynamodb:DeleteTable", t.arn],
        ]),
        ["dynamodb:Scan", table],
        ["dynamodb:GetItem", other.table],
        ["lambda:InvokeFunction", sibling.state.arn],
        ["states:StartExecution", machine],
        ["sns:Publish", topic.arn, onTopic],
        ["sqs:SendMessage", queue.arn, onQueue],
        ["events:PutEvents", bus],
        ["kms:Decrypt", key.arn, onKey],
        passRole(roleArn(fn.name)),
      ],
    };
  });

  const executionRole = roleArn("order-processing-execution");
  const principals: Principal[] = [
    ...lambdaPrincipals,
    {
      name: "execution role",
      request: { principal: executionRole, identityPolicy: policyOf("order-processing-execution") },
      needs: [
        ...functions.map((f): [string, string] => ["lambda:InvokeFunction", f.state.arn]),
        ["sns:Publish", topic.arn, onTopic],
        ["kms:GenerateDataKey", key.arn, onKey],
        ["kms:Decrypt", key.arn, onKey],
        ["sqs:SendMessage", queue.arn, onQueue],
        ["events:PutEvents", bus],
        ["xray:PutTraceSegments", "*"],
        ["logs:CreateLogDelivery", "*"],
      ],
      nearMisses: [
        ["lambda:InvokeFunction", other.function],
        ["lambda:InvokeFunction", inOtherAccount(functions[0].state.arn), { resourceAccount: OTHER_ACCOUNT }],
        ["sns:Publish", other.topic],
        ["sns:Subscribe", topic.arn, onTopic],
        ["kms:Decrypt", other.key],
        ["kms:Encrypt", key.arn, onKey],
        ["sqs:SendMessage", other.queue],
        ["sqs:ReceiveMessage", queue.arn, onQueue],
        ["events:PutEvents", other.bus],
        ["events:PutEvents", inOtherAccount(bus), { resourceAccount: OTHER_ACCOUNT }],
        ["states:StartExecution", machine],
        ["states:StartExecution", other.machine],
        ["dynamodb:GetItem", table],
        ["logs:PutLogEvents", `${logGroups[0].state.arn}:log-stream:x`],
        passRole(executionRole),
      ],
    },
    {
      name: "rule role",
      request: { principal: roleArn("order-processing-trigger"), identityPolicy: policyOf("order-processing-trigger") },
      needs: [["states:StartExecution", machine]],
      nearMisses: [
        ["states:StartExecution", other.machine],
        ["states:StartExecution", inOtherAccount(machine), { resourceAccount: OTHER_ACCOUNT }],
        ["states:StopExecution", `${machine.replace(":stateMachine:", ":execution:")}:x`],
        ["lambda:InvokeFunction", functions[0].state.arn],
        ["sqs:SendMessage", queue.arn, onQueue],
        ["events:PutEvents", bus],
        passRole(executionRole),
      ],
    },
    {
      // EventBridge itself puts an undeliverable event in the DLQ: only the queue policy speaks for it.
      name: "events.amazonaws.com (DLQ)",
      request: {
        principal: "events.amazonaws.com",
        resourcePolicy: queue.policy,
        context: { "aws:SourceArn": ruleArn, "aws:SourceAccount": TEST_ACCOUNT },
      },
      needs: [["sqs:SendMessage", queue.arn]],
      nearMisses: [
        [
          "sqs:SendMessage",
          queue.arn,
          { context: { "aws:SourceArn": arn("events", "rule/another-rule"), "aws:SourceAccount": TEST_ACCOUNT } },
        ],
        ["sqs:SendMessage", queue.arn, { context: { "aws:SourceArn": inOtherAccount(ruleArn), "aws:SourceAccount": OTHER_ACCOUNT } }],
        ["sqs:ReceiveMessage", queue.arn],
        ["sqs:PurgeQueue", queue.arn],
      ],
    },
    {
      // CloudWatch alarms publish to the encrypted topic: the topic policy and the key policy speak for them.
      name: "cloudwatch.amazonaws.com (alarms)",
      request: { principal: "cloudwatch.amazonaws.com", context: { "aws:SourceAccount": TEST_ACCOUNT } },
      needs: [
        ["sns:Publish", topic.arn, onTopic],
        ["kms:GenerateDataKey", key.arn, onKey],
        ["kms:Decrypt", key.arn, onKey],
      ],
      nearMisses: [
        ["sns:Publish", topic.arn, { ...onTopic, context: { "aws:SourceAccount": OTHER_ACCOUNT } }],
        ["kms:GenerateDataKey", key.arn, { ...onKey, context: { "aws:SourceAccount": OTHER_ACCOUNT } }],
        ["sns:Subscribe", topic.arn, onTopic],
        ["sns:SetTopicAttributes", topic.arn, onTopic],
        ["kms:Encrypt", key.arn, onKey],
        ["sqs:SendMessage", queue.arn, onQueue],
      ],
    },
    {
      name: "replay operator",
      request: {
        principal: `arn:aws:iam::${TEST_ACCOUNT}:role/dlq-replay`,
        identityPolicy: dlqReplayPolicy({ queueArn: queue.arn, busArn: bus }),
      },
      needs: [
        ["sqs:ReceiveMessage", queue.arn, onQueue],
        ["sqs:DeleteMessage", queue.arn, onQueue],
        ["sqs:GetQueueAttributes", queue.arn, onQueue],
        ["events:PutEvents", bus],
      ],
      nearMisses: [
        ["sqs:SendMessage", queue.arn, onQueue],
        ["sqs:PurgeQueue", queue.arn, onQueue],
        ["sqs:ReceiveMessage", other.queue],
        ["sqs:ReceiveMessage", inOtherAccount(queue.arn), { resourceAccount: OTHER_ACCOUNT }],
        ["events:PutEvents", other.bus],
        ["states:StartExecution", machine],
        ["kms:Decrypt", key.arn, onKey],
        passRole(executionRole),
      ],
    },
  ];

  const rows: Row[] = [];
  const withRequest = (p: Principal, [action, resource, extra]: Principal["needs"][number]) => ({
    principal: p.name,
    action,
    resource,
    request: { ...p.request, ...extra, context: { ...p.request.context, ...extra?.context } },
  });
  for (const p of principals) {
    for (const need of p.needs) {
      rows.push({ ...withRequest(p, need), expected: "Allowed" });
      // Without TLS, the same request is refused wherever a resource policy can say so.
      if (need[2]?.resourcePolicy ?? p.request.resourcePolicy) {
        const row = withRequest(p, need);
        rows.push({
          ...row,
          request: { ...row.request, context: { ...row.request.context, "aws:SecureTransport": "false" } },
          expected: "ExplicitlyDenied",
        });
      }
    }
    // Over TLS, nothing refuses a near miss explicitly: no statement allows it.
    for (const miss of p.nearMisses) rows.push({ ...withRequest(p, miss), expected: "ImplicitlyDenied" });
  }

  // An account administrator (Allow *:*) still cannot use the topic, the queue or the key without TLS, for ANY action
  // the resource takes: every action AWS defines on queues and keys, every action a topic policy can name.
  const admin: SimulatedRequest = {
    principal: `arn:aws:iam::${TEST_ACCOUNT}:role/administrator`,
    identityPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    context: { "aws:SecureTransport": "false" },
  };
  const nonTls: [string[], string, PolicyDocument][] = [
    [[...SNS_TOPIC_POLICY_ACTIONS], topic.arn, topic.policy],
    [await actionsOnResourceType("sqs", "queue"), queue.arn, queue.policy],
    [await actionsOnResourceType("kms", "key"), key.arn, key.policy],
  ];
  for (const [actions, resource, resourcePolicy] of nonTls)
    for (const action of actions)
      rows.push({ principal: NON_TLS_ADMIN, action, resource, expected: "ExplicitlyDenied", request: { ...admin, resourcePolicy } });
  return rows;
}
