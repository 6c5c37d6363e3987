/**
 * The approval endpoint's resources (resources/approvalEndpoint.ts) under Pulumi mocks: an HMAC key, a public
 * Function URL whose credential is the signed link, and a role that may verify MACs with that key and send task
 * results, nothing more, proven with the offline IAM simulator.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, ofType, outputValue, settle, TEST_ACCOUNT, type RecordedResource } from "../../../local/program/synthesize";
import { decide } from "../../../test/support/iamSimulation";
import type { EventDrivenWorkflowArgs } from "../../args";
import { WILDCARD_RESOURCE_ACTIONS, type PolicyDocument } from "../../core/iam";
import { planWorkflow } from "../../core/plan";
import { APPROVAL_ENDPOINT_NAME, WorkflowDefinitionError } from "../../core/validate";
import {
  approvalEndpointConcurrency,
  createApprovalEndpoint,
  DEFAULT_APPROVAL_ENDPOINT_CONCURRENCY,
  type ApprovalEndpoint,
} from "../../resources/approvalEndpoint";
import { workflowContext } from "../../resources/context";
import { APPROVAL_KEY_ENV } from "../../runtime/approvalToken";
import { task, waitForCallback } from "../../steps/builders";
import type { TaskStep } from "../../steps/types";

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:index:ApprovalParent", name);
  }
}

const args: EventDrivenWorkflowArgs = {
  trigger: { pattern: { source: ["claims.service"] } },
  timeoutSeconds: 600,
  steps: [task("Assess", { handler: async (claim: { amount: number }) => claim, timeoutSeconds: 10 })],
};

async function synthesize(
  transform?: EventDrivenWorkflowArgs["transform"],
): Promise<{ endpoint: ApprovalEndpoint; resources: RecordedResource[] }> {
  const resources = installMocks("approval-fixture", "test");
  const parent = new Parent("claims");
  const withHooks = { ...args, transform };
  const endpoint = createApprovalEndpoint(workflowContext("claims", withHooks, planWorkflow(withHooks.steps), parent));
  await outputValue(endpoint.function.arn);
  await settle(resources);
  return { endpoint, resources };
}

const KEY_TYPE = "aws:kms/key:Key";
const OTHER_KEY = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/ffffffff-0000-0000-0000-000000000000`;

describe("the approval endpoint's resources, under mocks", function () {
  this.timeout(60_000);
  let endpoint: ApprovalEndpoint;
  let resources: RecordedResource[];
  let keyArn: string;
  let rolePolicy: PolicyDocument;
  let keyPolicy: PolicyDocument;

  before(async () => {
    ({ endpoint, resources } = await synthesize());
    keyArn = await outputValue(endpoint.key.arn);
    rolePolicy = JSON.parse(ofType(resources, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy);
    keyPolicy = JSON.parse(ofType(resources, KEY_TYPE)[0].inputs.policy);
  });

  it("creates an HMAC_256 key for GENERATE_VERIFY_MAC, administered by the account", () => {
    const [key] = ofType(resources, KEY_TYPE);
    assert.equal(key.inputs.keyUsage, "GENERATE_VERIFY_MAC");
    assert.equal(key.inputs.customerMasterKeySpec, "HMAC_256");
    assert.equal(key.inputs.enableKeyRotation, undefined, "KMS does not rotate HMAC keys");
    assert.deepEqual(JSON.parse(key.inputs.policy).Statement, [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ]);
    assert.equal(key.inputs.tags.workflow, "claims");
  });

  it("puts the Lambda behind a Function URL with authorization NONE: the signed link is the credential", async () => {
    const [url] = ofType(resources, "aws:lambda/functionUrl:FunctionUrl");
    assert.equal(url.inputs.authorizationType, "NONE");
    assert.equal(url.inputs.functionName, await outputValue(endpoint.function.name));
    assert.equal(typeof (await outputValue(endpoint.url)), "string");
  });

  it("runs the endpoint's handler with the key in its environment, traced, logging to its own log group", async () => {
    const [fn] = ofType(resources, "aws:lambda/function:Function");
    assert.equal(fn.inputs.handler, "__index.handler");
    assert.equal(fn.inputs.environment.variables[APPROVAL_KEY_ENV], keyArn);
    assert.deepEqual(fn.inputs.tracingConfig, { mode: "Active" });
    assert.equal(fn.inputs.loggingConfig.logGroup, `/aws/lambda/approval-fixture-test-claims/${APPROVAL_ENDPOINT_NAME}`);
    assert.equal(fn.inputs.layers, undefined);
    assert.equal(fn.inputs.vpcConfig, undefined);
    const [logGroup] = ofType(resources, "aws:cloudwatch/logGroup:LogGroup");
    assert.equal(logGroup.inputs.retentionInDays, 30);
  });

  it("caps its concurrency (reserved, default 5) so that a flood of junk links is throttled, not the account's Lambdas", () => {
    const [fn] = ofType(resources, "aws:lambda/function:Function");
    assert.equal(fn.inputs.reservedConcurrentExecutions, DEFAULT_APPROVAL_ENDPOINT_CONCURRENCY);
    assert.equal(DEFAULT_APPROVAL_ENDPOINT_CONCURRENCY, 5);
    const approval = (reservedConcurrency?: unknown) =>
      waitForCallback(`Approve${String(reservedConcurrency)}`, {
        handler: async () => undefined,
        timeoutSeconds: 3600,
        approvalLink: reservedConcurrency === undefined ? {} : { reservedConcurrency: reservedConcurrency as number },
      }) as TaskStep;
    assert.equal(approvalEndpointConcurrency([approval(), approval(2), approval(20)]), 20, "the largest a step asks for");
    assert.equal(approvalEndpointConcurrency([approval()]), 5);
    for (const bad of [0, 2.5, 1001, "5"])
      assert.throws(
        () => approvalEndpointConcurrency([approval(bad)]),
        (error: Error) =>
          error instanceof WorkflowDefinitionError &&
          /approvalLink\.reservedConcurrency: .*whole number from 1 to 1000/.test(error.message),
      );
  });

  it("grants exactly: its log group, X-Ray, VerifyMac on the key, and SendTaskSuccess/Failure (wildcard-only in IAM)", async () => {
    const logGroupArn = await outputValue(endpoint.logGroup.arn);
    const role = ofType(resources, "aws:iam/role:Role")[0];
    assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: "lambda.amazonaws.com" });
    assert.deepEqual(
      rolePolicy.Statement.map((s) => [s.Sid, s.Action, s.Resource]),
      [
        ["WriteOwnLogGroup", ["logs:CreateLogStream", "logs:PutLogEvents"], `${logGroupArn}:*`],
        ["XRayTracing", ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"], "*"],
        ["VerifyApprovalLinks", "kms:VerifyMac", keyArn],
        ["SendTaskResults", ["states:SendTaskSuccess", "states:SendTaskFailure"], "*"],
      ],
    );
  });

  it('grants on Resource "*" only actions of the one allowlist (core/iam.ts WILDCARD_RESOURCE_ACTIONS)', () => {
    const allowlisted = new Set(WILDCARD_RESOURCE_ACTIONS.flatMap((g) => g.actions));
    const wildcard = rolePolicy.Statement.filter((s) => s.Resource === "*").flatMap((s) => [s.Action].flat());
    assert.deepEqual(
      wildcard.filter((a) => !allowlisted.has(a)),
      [],
    );
  });

  it("allows VerifyMac on its key only, no GenerateMac, and sending task results (IAM simulation)", async () => {
    // KMS needs both: the key policy (which delegates to the account's IAM policies) and the role's policy.
    assert.equal(await decide(rolePolicy, "kms:VerifyMac", keyArn, keyPolicy), "Allowed");
    assert.equal(await decide(rolePolicy, "kms:VerifyMac", keyArn), "ImplicitlyDenied", "without the key policy");
    assert.equal(await decide(rolePolicy, "kms:VerifyMac", OTHER_KEY, keyPolicy), "ImplicitlyDenied");
    assert.equal(await decide(rolePolicy, "kms:GenerateMac", keyArn, keyPolicy), "ImplicitlyDenied");
    assert.equal(await decide(rolePolicy, "kms:Decrypt", keyArn, keyPolicy), "ImplicitlyDenied");
    assert.equal(await decide(rolePolicy, "states:SendTaskSuccess", "*"), "Allowed");
    assert.equal(await decide(rolePolicy, "states:SendTaskFailure", "*"), "Allowed");
    assert.equal(await decide(rolePolicy, "states:SendTaskHeartbeat", "*"), "ImplicitlyDenied");
    assert.equal(
      await decide(rolePolicy, "states:StartExecution", `arn:aws:states:us-east-1:${TEST_ACCOUNT}:stateMachine:claims-test`),
      "ImplicitlyDenied",
    );
  });

  it("gives link-creating Lambdas GenerateMac on the key, and nothing else", async () => {
    const signer: PolicyDocument = { Version: "2012-10-17", Statement: [endpoint.signerStatement(keyArn)] };
    assert.deepEqual(signer.Statement, [{ Sid: "SignApprovalLinks", Effect: "Allow", Action: "kms:GenerateMac", Resource: keyArn }]);
    assert.equal(await decide(signer, "kms:GenerateMac", keyArn, keyPolicy), "Allowed");
    assert.equal(await decide(signer, "kms:GenerateMac", OTHER_KEY, keyPolicy), "ImplicitlyDenied");
    assert.equal(await decide(signer, "kms:VerifyMac", keyArn, keyPolicy), "ImplicitlyDenied");
  });

  it("passes its function, role and log group through the workflow's transform hooks", async () => {
    const seen: string[] = [];
    const { resources: hooked } = await synthesize({
      function: { memorySize: 512 },
      role: (_args, _opts, name) => {
        seen.push(name);
      },
      logGroup: { retentionInDays: 7 },
    });
    assert.equal(ofType(hooked, "aws:lambda/function:Function")[0].inputs.memorySize, 512);
    assert.equal(ofType(hooked, "aws:cloudwatch/logGroup:LogGroup")[0].inputs.retentionInDays, 7);
    assert.deepEqual(seen, [`claims-${APPROVAL_ENDPOINT_NAME}`]);
  });
});
