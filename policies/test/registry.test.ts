/**
 * The policy pack's registry (every policy of every service file listed once, with its metadata) and its
 * remediations, called directly through test/support/policyHarness.ts the way @pulumi/policy's server calls
 * them at enforcement level "remediate".
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  lambdaExplicitTimeout,
  lambdaXrayTracing,
  logGroupRetention,
  policies,
  sfnLogging,
  sfnXrayTracing,
  sqsEncrypted,
} from "../policies";
import {
  type ResourceRecord,
  runResourcePolicy,
  runResourceRemediation,
  UNKNOWN_BOOLEAN,
  UNKNOWN_STRING,
} from "../../test/support/policyHarness";
import { KEY_ARN, LOG_GROUP_ARN, lambdaFunction, logGroup, orderDefinition, queue, stateMachine } from "../../test/fixtures/policy/stack";

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

const POLICIES_DIR = path.resolve(__dirname, "..");
/** Modules that gather policies rather than define them; index.ts is never loaded (it starts the pack). */
const NOT_SERVICE_FILES = new Set(["index.ts", "policies.ts", "registry.ts"]);

const isPolicy = (value: unknown): value is AnyPolicy =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as AnyPolicy).name === "string" &&
  (typeof (value as ResourceValidationPolicy).validateResource === "function" ||
    typeof (value as StackValidationPolicy).validateStack === "function");

/** Every policy object exported by a file of policies/, by file: found by loading them, not by a list kept here. */
function policiesByFile(): Map<string, AnyPolicy[]> {
  const out = new Map<string, AnyPolicy[]>();
  for (const file of fs
    .readdirSync(POLICIES_DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !NOT_SERVICE_FILES.has(f))
    .sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = Object.values(require(path.join(POLICIES_DIR, file)) as Record<string, unknown>).filter(isPolicy);
    if (exported.length > 0) out.set(file, exported);
  }
  return out;
}

const REMEDIABLE = ["sfn-xray-tracing", "lambda-xray-tracing", "sfn-logging", "sqs-encrypted", "log-group-retention"];

describe("policy pack: the registry", () => {
  const byFile = policiesByFile();

  it("has one file per service area, each exporting its policies", () => {
    assert.deepEqual(
      [...byFile.keys()],
      ["cloudformation.ts", "eventbridge.ts", "iamPolicies.ts", "lambda.ts", "messaging.ts", "observability.ts", "stepfunctions.ts"],
    );
  });

  it("registers every policy a service file exports exactly once, and nothing else", () => {
    const exported = [...byFile.values()].flat();
    for (const p of exported)
      assert.equal(policies.filter((r) => r === p).length, 1, `${p.name} is registered ${policies.filter((r) => r === p).length} times`);
    assert.equal(new Set(exported).size, exported.length, "a policy is exported by two service files");
    assert.deepEqual(new Set(policies), new Set(exported));
    assert.equal(policies.length, 24);
  });

  it("keeps the pack's order: the mandatory timeout policies first", () => {
    assert.deepEqual(
      policies.map((p) => p.name),
      [
        "sfn-task-timeout",
        "sfn-execution-timeout",
        "sfn-time-budget",
        "lambda-explicit-timeout",
        "sfn-task-outlasts-lambda",
        "sfn-callback-heartbeat",
        "sfn-retry-bounded",
        "sfn-retry-transient-only",
        "sfn-xray-tracing",
        "lambda-xray-tracing",
        "sfn-logging",
        "sfn-failure-paths-observable",
        "sfn-definition-readable",
        "sfn-task-resource-is-integration",
        "eventbridge-sfn-target-retry-dlq",
        "iam-no-wildcards",
        "resource-policies-scoped",
        "cloudwatch-alarm-actions",
        "cloudwatch-alarm-topic-deliverable",
        "sqs-encrypted",
        "sns-encrypted",
        "messaging-secure-transport",
        "log-group-retention",
        "cloudformation-template-readable",
      ],
    );
  });

  it("gives every policy a unique name, remediation steps, a severity and tags", () => {
    const names = policies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of policies) {
      assert.ok((p.remediationSteps ?? "").length > 40, `${p.name}: remediation steps too thin`);
      assert.ok(p.severity && ["low", "medium", "high", "critical"].includes(p.severity), p.name);
      assert.ok(p.tags && p.tags.length > 0, p.name);
    }
  });

  it("remediates exactly the policies whose fix is mechanical, and says so in their steps", () => {
    const remediable = policies.filter((p) => typeof (p as ResourceValidationPolicy).remediateResource === "function").map((p) => p.name);
    assert.deepEqual(remediable.sort(), [...REMEDIABLE].sort());
    for (const p of policies)
      assert.equal(/enforcement level "remediate"/.test(p.remediationSteps ?? ""), REMEDIABLE.includes(p.name), p.name);
    assert.equal(lambdaExplicitTimeout.remediateResource, undefined, "a Lambda's timeout is the owner's choice");
  });
});

/**
 * Remediates `record`, then checks the promise a remediation makes: the policy no longer reports the result,
 * and nothing but `changed` differs from the input.
 */
async function remediated(
  policy: ResourceValidationPolicy,
  record: ResourceRecord,
  changed: string,
  config?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const options = config ? { config: { [policy.name]: config } } : {};
  const before = await runResourcePolicy(policy, record, options);
  assert.equal(before.violations.length, 1, `${policy.name} should report the fixture first`);
  const out = await runResourceRemediation(policy, record, options);
  assert.ok(out.props, `${policy.name} changed nothing`);
  const after = await runResourcePolicy(policy, { ...record, props: out.props }, options);
  assert.deepEqual(after.violations, [], `${policy.name} still reports the remediated resource`);
  const untouched = (props: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(props).filter(([k, v]) => k !== changed && v !== undefined));
  assert.deepEqual(untouched(out.props), untouched(record.props));
  return out.props;
}

/** A compliant resource: the remediation changes nothing. */
async function unchanged(policy: ResourceValidationPolicy, record: ResourceRecord): Promise<void> {
  const out = await runResourceRemediation(policy, record);
  assert.equal(out.props, undefined, `${policy.name} changed a compliant ${record.name}`);
  assert.deepEqual(out.notApplicable, []);
}

describe("policy pack: remediations", () => {
  describe("sfn-xray-tracing", () => {
    it("turns tracing on when tracingConfiguration is missing or disabled", async () => {
      const missing = await remediated(
        sfnXrayTracing,
        stateMachine("order-processor", orderDefinition(), { tracingConfiguration: undefined }),
        "tracingConfiguration",
      );
      assert.deepEqual(missing.tracingConfiguration, { enabled: true });
      const off = await remediated(
        sfnXrayTracing,
        stateMachine("order-processor", orderDefinition(), { tracingConfiguration: { enabled: false } }),
        "tracingConfiguration",
      );
      assert.deepEqual(off.tracingConfiguration, { enabled: true });
    });

    it("leaves a traced state machine, and one whose tracing is unknown during preview, alone", async () => {
      await unchanged(sfnXrayTracing, stateMachine("order-processor", orderDefinition()));
      await unchanged(
        sfnXrayTracing,
        stateMachine("order-processor", orderDefinition(), { tracingConfiguration: { enabled: UNKNOWN_BOOLEAN } }),
      );
    });

    it("keeps other properties unknown during preview as they are (the engine's proxy is returned, not copied)", async () => {
      const out = await runResourceRemediation(
        sfnXrayTracing,
        stateMachine("order-processor", UNKNOWN_STRING, { tracingConfiguration: undefined, roleArn: UNKNOWN_STRING }),
      );
      assert.equal(out.previewUnknown, undefined);
      assert.equal(out.props?.definition, UNKNOWN_STRING);
      assert.equal(out.props?.roleArn, UNKNOWN_STRING);
      assert.deepEqual(out.props?.tracingConfiguration, { enabled: true });
    });

    it("does not apply to other resource types", async () => {
      const out = await runResourceRemediation(sfnXrayTracing, lambdaFunction("charge-payment", { tracingConfig: undefined }));
      assert.equal(out.props, undefined);
      assert.deepEqual(out.notApplicable, ["Policy only applies to resources of type 'aws:sfn/stateMachine:StateMachine'"]);
    });
  });

  describe("lambda-xray-tracing", () => {
    it("sets tracingConfig.mode to Active when tracingConfig is missing or PassThrough", async () => {
      const missing = await remediated(lambdaXrayTracing, lambdaFunction("charge-payment", { tracingConfig: undefined }), "tracingConfig");
      assert.deepEqual(missing.tracingConfig, { mode: "Active" });
      const passThrough = await remediated(
        lambdaXrayTracing,
        lambdaFunction("charge-payment", { tracingConfig: { mode: "PassThrough" } }),
        "tracingConfig",
      );
      assert.deepEqual(passThrough.tracingConfig, { mode: "Active" });
    });

    it("leaves an actively traced function, and one whose mode is unknown during preview, alone", async () => {
      await unchanged(lambdaXrayTracing, lambdaFunction("charge-payment"));
      await unchanged(lambdaXrayTracing, lambdaFunction("charge-payment", { tracingConfig: { mode: UNKNOWN_STRING } }));
    });
  });

  describe("sfn-logging", () => {
    it('appends the ":*" AWS requires to a log group ARN, keeping the rest of loggingConfiguration', async () => {
      const logging = { level: "ERROR", includeExecutionData: false, logDestination: LOG_GROUP_ARN };
      const out = await remediated(
        sfnLogging,
        stateMachine("order-processor", orderDefinition(), { loggingConfiguration: logging }),
        "loggingConfiguration",
      );
      assert.deepEqual(out.loggingConfiguration, { ...logging, logDestination: `${LOG_GROUP_ARN}:*` });
    });

    it("does not invent a log group or a level: no loggingConfiguration, level OFF or an unknown destination stay as they are", async () => {
      await unchanged(sfnLogging, stateMachine("order-processor", orderDefinition(), { loggingConfiguration: undefined }));
      await unchanged(
        sfnLogging,
        stateMachine("order-processor", orderDefinition(), {
          loggingConfiguration: { level: "OFF", logDestination: `${LOG_GROUP_ARN}:*` },
        }),
      );
      await unchanged(
        sfnLogging,
        stateMachine("order-processor", orderDefinition(), { loggingConfiguration: { level: "ERROR", logDestination: UNKNOWN_STRING } }),
      );
      await unchanged(sfnLogging, stateMachine("order-processor", orderDefinition()));
    });
  });

  describe("log-group-retention", () => {
    it("sets retentionInDays to 30 by default, on a log group without one or with 0 (never expire)", async () => {
      const missing = await remediated(
        logGroupRetention,
        logGroup("order-processor-logs", { retentionInDays: undefined }),
        "retentionInDays",
      );
      assert.equal(missing.retentionInDays, 30);
      const never = await remediated(logGroupRetention, logGroup("order-processor-logs", { retentionInDays: 0 }), "retentionInDays");
      assert.equal(never.retentionInDays, 30);
    });

    it("sets the configured retentionInDays, which the violation suggests too", async () => {
      const record = logGroup("order-processor-logs", { retentionInDays: undefined });
      const config = { retentionInDays: 90 };
      const out = await remediated(logGroupRetention, record, "retentionInDays", config);
      assert.equal(out.retentionInDays, 90);
      const { violations } = await runResourcePolicy(logGroupRetention, record, { config: { "log-group-retention": config } });
      assert.match(violations[0], /Fix: set retentionInDays, e\.g\. 90\.$/);
    });

    it("only offers retention periods CloudWatch accepts", () => {
      const schema = logGroupRetention.configSchema!.properties.retentionInDays;
      assert.ok(typeof schema === "object" && Array.isArray(schema.enum) && schema.enum.includes(30) && !schema.enum.includes(31));
    });

    it("leaves a log group with a retention, and one whose retention is unknown during preview, alone", async () => {
      await unchanged(logGroupRetention, logGroup("order-processor-logs", { retentionInDays: 14 }));
      await unchanged(logGroupRetention, logGroup("order-processor-logs", { retentionInDays: UNKNOWN_STRING }));
    });
  });

  describe("sqs-encrypted", () => {
    it("turns on SSE-SQS for a queue with no KMS key, also when it was turned off", async () => {
      const missing = await remediated(sqsEncrypted, queue("order-dlq", { sqsManagedSseEnabled: undefined }), "sqsManagedSseEnabled");
      assert.equal(missing.sqsManagedSseEnabled, true);
      const off = await remediated(
        sqsEncrypted,
        queue("order-dlq", { sqsManagedSseEnabled: false, kmsMasterKeyId: "" }),
        "sqsManagedSseEnabled",
      );
      assert.equal(off.sqsManagedSseEnabled, true);
    });

    it('replaces a blank kmsMasterKeyId (" ") with SSE-SQS: SQS takes one kind of encryption at a time', async () => {
      const blank = queue("order-dlq", { sqsManagedSseEnabled: undefined, kmsMasterKeyId: " " });
      assert.equal((await runResourcePolicy(sqsEncrypted, blank)).violations.length, 1);
      const out = await runResourceRemediation(sqsEncrypted, blank);
      assert.equal(out.props?.sqsManagedSseEnabled, true);
      assert.equal(out.props?.kmsMasterKeyId, undefined);
      assert.deepEqual((await runResourcePolicy(sqsEncrypted, { ...blank, props: out.props ?? {} })).violations, []);
    });

    it("leaves a queue encrypted with a KMS key or SSE-SQS, or whose key is unknown during preview, alone", async () => {
      await unchanged(sqsEncrypted, queue("order-dlq", { sqsManagedSseEnabled: undefined, kmsMasterKeyId: KEY_ARN }));
      await unchanged(sqsEncrypted, queue("order-dlq"));
      await unchanged(sqsEncrypted, queue("order-dlq", { sqsManagedSseEnabled: undefined, kmsMasterKeyId: UNKNOWN_STRING }));
    });
  });
});
