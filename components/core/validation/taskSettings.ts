/**
 * A task's Lambda settings beyond its code: `environment` (Lambda's name rules, no reserved or library-owned names,
 * 4 KB in all), `secrets` (a parameter or a secret each, with an optional KMS key) and `reservedConcurrency` /
 * `provisionedConcurrency`. Checked before anything is created: Lambda would refuse these only at `pulumi up`.
 */
import type { TaskStep } from "../../steps/types";
import type { Report } from "./errors";
import { describeValue, isDeferredValue, isObject, isPositiveInteger } from "./values";

/** Lambda's limit on all of a function's environment variables together (keys and values), in bytes. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

/** What Lambda reserves (beyond every `AWS_*` name): its runtime sets them and refuses or overrides a function's own. */
const LAMBDA_RESERVED = ["_HANDLER", "_X_AMZN_TRACE_ID", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ"];

/** The variables the component sets on every step Lambda: a task's `environment` must not replace them. */
export const COMPONENT_ENVIRONMENT = ["POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"];

const NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;
const SECRET_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PARAMETER = /^(arn:aws[a-zA-Z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[a-zA-Z0-9_.\-/]+|\/?[a-zA-Z0-9_.\-/]+)$/;
const KMS_KEY = /^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[a-zA-Z0-9/_-]+$/;

/** Why an environment variable name cannot be set on a step Lambda, or undefined. */
function environmentNameProblem(name: string): string | undefined {
  if (!NAME.test(name))
    return "Lambda takes names of at least two characters: a letter, then letters, digits or underscores (e.g. `API_URL`)";
  if (name.startsWith("AWS_") || LAMBDA_RESERVED.includes(name)) return "Lambda reserves it (its runtime sets it)";
  if (name.startsWith("EDW_") || COMPONENT_ENVIRONMENT.includes(name))
    return "the workflow sets it itself (`EDW_*` and the Powertools names are the library's)";
  return undefined;
}

/**
 * Checks a task's `environment`, `secrets`, `reservedConcurrency` and `provisionedConcurrency`; reports each problem
 * against the step, with the fix. Pulumi Outputs are skipped (their values are known only at deployment).
 *
 * @example
 * checkTaskSettings(task("Call", { handler, timeoutSeconds: 10, environment: { AWS_REGION: "eu-west-1" } }), "Call", report)
 * // reports: `environment.AWS_REGION` cannot be set: Lambda reserves it (its runtime sets it) ...
 */
export function checkTaskSettings(step: TaskStep, name: string, report: Report): void {
  const show = describeValue;
  const environment: unknown = step.environment;
  if (environment !== undefined) {
    if (!isObject(environment) || isDeferredValue(environment))
      report(name, `has \`environment: ${show(environment)}\`: give an object of names and values, e.g. \`{ API_URL: "https://..." }\`.`);
    else {
      let bytes = 0;
      for (const [key, value] of Object.entries(environment)) {
        const problem = environmentNameProblem(key);
        if (problem) report(name, `has \`environment.${key}\`, which cannot be set: ${problem}. Rename it.`);
        if (typeof value === "string") bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
        else if (!isDeferredValue(value))
          report(
            name,
            `has \`environment.${key}: ${show(value)}\`: Lambda takes string values; write it as a string (e.g. \`"${String(value)}"\`).`,
          );
      }
      if (bytes > LAMBDA_ENVIRONMENT_MAX_BYTES)
        report(
          name,
          `has an \`environment\` of ${bytes} bytes; Lambda takes at most ${LAMBDA_ENVIRONMENT_MAX_BYTES} for all of a function's variables (the workflow's own included): keep large values in a \`secrets\` parameter or in S3.`,
        );
    }
  }
  const secrets: unknown = step.secrets;
  if (secrets !== undefined) {
    if (!isObject(secrets))
      report(name, `has \`secrets: ${show(secrets)}\`: give an object such as \`{ API_KEY: { parameter: "/claims/api-key" } }\`.`);
    else
      for (const [secret, source] of Object.entries(secrets)) {
        const at = `\`secrets.${secret}\``;
        if (!SECRET_NAME.test(secret))
          report(
            name,
            `has ${at}: name it as an identifier (letters, digits, _ or $, not starting with a digit), e.g. \`API_KEY\`, to read it as \`context.secrets.${secret.replace(/\W/g, "_")}\`.`,
          );
        if (!isObject(source) || "parameter" in source === "secret" in source) {
          report(
            name,
            `has ${at}: ${show(source)}: give exactly one of \`{ parameter: "/path" }\` (SSM Parameter Store) or \`{ secret: "<arn or name>" }\` (Secrets Manager).`,
          );
          continue;
        }
        if ("parameter" in source && !(typeof source.parameter === "string" && PARAMETER.test(source.parameter)))
          report(name, `has ${at}.parameter ${show(source.parameter)}: give a parameter name such as "/claims/api-key", or its ARN.`);
        if ("secret" in source && !isDeferredValue(source.secret) && !(typeof source.secret === "string" && source.secret.trim() !== ""))
          report(name, `has ${at}.secret ${show(source.secret)}: give the secret's ARN (e.g. \`secret.arn\`) or name.`);
        const key = source.keyArn;
        if (key !== undefined && !isDeferredValue(key) && !(typeof key === "string" && KMS_KEY.test(key)))
          report(
            name,
            `has ${at}.keyArn ${show(key)}: give the KMS key's ARN (e.g. \`key.arn\`), or leave it out for the AWS-managed key.`,
          );
      }
  }
  const reserved = step.reservedConcurrency;
  if (reserved !== undefined && !isPositiveInteger(reserved))
    report(
      name,
      `has \`reservedConcurrency: ${show(reserved)}\`: give a whole number of at least 1 (0 would stop the function from ever running), or leave it out.`,
    );
  const provisioned = step.provisionedConcurrency;
  if (provisioned !== undefined) {
    if (!isPositiveInteger(provisioned))
      report(name, `has \`provisionedConcurrency: ${show(provisioned)}\`: give a whole number of at least 1, or leave it out.`);
    else if (isPositiveInteger(reserved) && provisioned > reserved)
      report(
        name,
        `has \`provisionedConcurrency: ${provisioned}\` above its \`reservedConcurrency: ${reserved}\`: Lambda refuses more provisioned than reserved executions; raise the reserve or lower the provisioned count.`,
      );
  }
}
