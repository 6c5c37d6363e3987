/**
 * One Lambda per task: its own log group and least-privilege role, a timeout below its task's, Powertools from the
 * layer, X-Ray, and an archive holding the serialized handler and the task's bundle only (see stepArchive.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_HANDLER_SIZE_BUDGET_BYTES } from "../core/archive";
import { lambdaRolePolicy, lambdaTrustPolicy } from "../core/iam";
import { lambdaTimeoutOf, powertoolsLayerArn } from "../core/settings";
import { APPROVAL_KEY_ENV, APPROVAL_URL_ENV } from "../runtime/approvalToken";
import { IDEMPOTENCY_TABLE_ENV, SECRETS_ENV } from "../runtime/contract";
import { secretGrants, secretSources, type ResolvedTaskSecret } from "../core/taskSecrets";
import type { ApprovalEndpoint } from "./approvalEndpoint";
import { buildInstrumentedStepArchive, STEP_HANDLER_ENTRY } from "../stepArchive";
import { COMPONENT_FUNCTION_TAG } from "../asl/integrations";
import { known, type WorkflowContext } from "./context";
import { named } from "./naming";
import { createFunctionLogGroup } from "./functionLogGroup";
import { createRole } from "./role";
import { transform } from "./transform";

/** A task's Lambda and what it runs with. */
export interface StepLambda {
  function: aws.lambda.Function;
  role: aws.iam.Role;
  logGroup: aws.cloudwatch.LogGroup;
  /** The `live` alias the state machine invokes, when the task has `provisionedConcurrency`. */
  alias?: aws.lambda.Alias;
  /** The alias's provisioned concurrency, when the task has `provisionedConcurrency`. */
  provisionedConcurrency?: aws.lambda.ProvisionedConcurrencyConfig;
}

/** The alias a task with provisioned concurrency is invoked through. */
export const PROVISIONED_ALIAS = "live";

/** The Lambdas by task name, with their ARNs and names as the definition, IAM and alarms use them. */
export interface StepLambdas {
  byStep: Record<string, StepLambda>;
  arns: pulumi.Output<Record<string, string>>;
  names: Record<string, pulumi.Output<string>>;
}

export function createStepLambdas(
  ctx: WorkflowContext,
  idempotencyTable: aws.dynamodb.Table | undefined,
  approval?: ApprovalEndpoint,
): StepLambdas {
  const { name, names, parent, tags, transforms, lambda: settings } = ctx;
  const vpc = settings.vpc;
  const layer = settings.powertoolsLayerArn ?? ctx.region.apply(powertoolsLayerArn);
  const byStep: Record<string, StepLambda> = {};
  for (const step of ctx.plan.tasks) {
    const idempotent = ctx.plan.idempotentSteps.has(step.name);
    const linking = step.callback?.approvalLink !== undefined;
    // A renamed task keeps its physical names (and so its function, role and log history): see `renamedFrom`.
    const physicalStepName = step.renamedFrom ?? step.name;
    const logGroup = createFunctionLogGroup(ctx, `${name}-${step.name}`, physicalStepName);
    const role = createRole(ctx, `${name}-${step.name}`, physicalStepName, JSON.stringify(lambdaTrustPolicy()));
    // The task's secrets with their Outputs (a secret's or key's ARN) resolved: the grants and the runtime's sources.
    const secrets = step.secrets ? (pulumi.output(step.secrets) as pulumi.Output<Record<string, ResolvedTaskSecret>>) : undefined;
    const rolePolicy = new aws.iam.RolePolicy(
      ...transform(
        transforms.rolePolicy,
        `${name}-${step.name}`,
        {
          role: role.name,
          policy: pulumi
            .all([
              logGroup.arn,
              idempotent ? idempotencyTable!.arn : undefined,
              pulumi.output(step.permissions ?? []),
              linking ? approval!.key.arn : undefined,
              secrets,
              ctx.scope,
            ])
            .apply(([arn, tableArn, grants, approvalKeyArn, declared, scope]) =>
              JSON.stringify(
                lambdaRolePolicy(arn, {
                  idempotencyTableArn: tableArn,
                  vpcAccess: vpc !== undefined,
                  grants: [
                    ...grants,
                    // Signing approval links: GenerateMac on the workflow's approval key only.
                    ...(approvalKeyArn ? [{ actions: ["kms:GenerateMac"], resources: [approvalKeyArn] }] : []),
                    ...(declared ? secretGrants(declared, scope) : []),
                  ],
                }),
              ),
            ),
        },
        { parent },
      ),
    );
    const archive = buildInstrumentedStepArchive(
      {
        workflowName: name,
        stepName: step.name,
        handler: step.handler,
        runtime: {
          idempotency: step.idempotency,
          sensitiveKeys: settings.sensitiveKeys,
          init: step.init,
          approvalLinkSeconds: linking ? (step.callback?.approvalLink?.expiresAfterSeconds ?? step.timeoutSeconds) : undefined,
          secretNames: step.secrets ? Object.keys(step.secrets) : undefined,
        },
      },
      {
        stepName: step.name,
        bundle: step.bundle ?? [],
        copyPackages: step.copyPackages,
        sourceMaps: settings.bundleSourceMaps,
        sizeBudgetBytes: settings.handlerSizeBudgetBytes ?? DEFAULT_HANDLER_SIZE_BUDGET_BYTES,
        minify: settings.minify,
      },
    );
    const fn = new aws.lambda.Function(
      ...named(
        names,
        "function",
        transform(
          transforms.function,
          `${name}-${step.name}`,
          {
            name: names.of("function", physicalStepName),
            code: archive.then((built) => built.archive),
            handler: STEP_HANDLER_ENTRY,
            role: role.arn,
            runtime: settings.runtime,
            architectures: [settings.architecture],
            memorySize: step.memorySize ?? settings.memorySize,
            timeout: lambdaTimeoutOf(step),
            layers: [layer],
            tracingConfig: { mode: "Active" },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: settings.logLevel },
            ...(step.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: step.reservedConcurrency } : {}),
            // Provisioned concurrency is set on a published version (through the alias below), never on $LATEST.
            ...(step.provisionedConcurrency !== undefined ? { publish: true } : {}),
            environment: {
              variables: {
                ...step.environment,
                POWERTOOLS_SERVICE_NAME: step.name,
                POWERTOOLS_METRICS_NAMESPACE: name,
                POWERTOOLS_LOG_LEVEL: settings.logLevel,
                ...(idempotent ? { [IDEMPOTENCY_TABLE_ENV]: idempotencyTable!.name } : {}),
                ...(linking ? { [APPROVAL_URL_ENV]: approval!.url, [APPROVAL_KEY_ENV]: approval!.key.arn } : {}),
                ...(secrets ? { [SECRETS_ENV]: secrets.apply((declared) => JSON.stringify(secretSources(declared))) } : {}),
              },
            },
            ...(vpc ? { vpcConfig: { subnetIds: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds } } : {}),
            tags: { ...tags, [COMPONENT_FUNCTION_TAG]: step.name },
          },
          { parent, dependsOn: [rolePolicy] },
        ),
      ),
    );
    byStep[step.name] = {
      function: fn,
      role,
      logGroup,
      ...(step.provisionedConcurrency !== undefined ? provisioned(ctx, step.name, fn, step.provisionedConcurrency) : {}),
    };
  }
  const entries = Object.entries(byStep);
  return {
    byStep,
    // What the state machine invokes (and may invoke): the alias where there is one, else the unqualified function.
    arns: pulumi.output(
      Object.fromEntries(entries.map(([step, l]) => [step, known((l.alias ?? l.function).arn, `ARN of the ${step} function`)])),
    ) as pulumi.Output<Record<string, string>>,
    names: Object.fromEntries(entries.map(([step, l]) => [step, l.function.name])),
  };
}

/** The `live` alias on the function's published version, with `count` execution environments provisioned on it. */
function provisioned(
  ctx: WorkflowContext,
  stepName: string,
  fn: aws.lambda.Function,
  count: number,
): { alias: aws.lambda.Alias; provisionedConcurrency: aws.lambda.ProvisionedConcurrencyConfig } {
  const alias = new aws.lambda.Alias(
    ...transform(
      ctx.transforms.functionAlias,
      `${ctx.name}-${stepName}-${PROVISIONED_ALIAS}`,
      { functionName: fn.name, functionVersion: fn.version, name: PROVISIONED_ALIAS },
      { parent: ctx.parent },
    ),
  );
  const provisionedConcurrency = new aws.lambda.ProvisionedConcurrencyConfig(
    ...transform(
      ctx.transforms.provisionedConcurrency,
      `${ctx.name}-${stepName}-${PROVISIONED_ALIAS}`,
      { functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: count },
      { parent: ctx.parent },
    ),
  );
  return { alias, provisionedConcurrency };
}
