/**
 * Workflow-level settings: defaults, the derived Lambda timeout and layer, and validation of the values a user
 * (or a stack's config) passes. Pure: the component calls these before creating anything.
 */
import { DefinitionProblem, WorkflowDefinitionError, MAX_LAMBDA_TIMEOUT_SECONDS } from "./validate";
import type { Step } from "../steps/types";
import { taskSteps } from "./walk";

export type LogLevel = "ALL" | "ERROR" | "FATAL";
export type WorkflowType = "STANDARD" | "EXPRESS";
export type Architecture = "arm64" | "x86_64";

/** The plain-data part of the component's arguments that this module checks. */
export interface WorkflowSettingsInput {
  timeoutSeconds: number;
  workflowType?: WorkflowType;
  logging?: { level?: LogLevel; includeExecutionData?: boolean; retentionInDays?: number };
  lambda?: { runtime?: string; memorySize?: number; architecture?: Architecture };
  dashboard?: { businessMetrics?: { step: string; metricName: string }[] };
  alarms?: { periodSeconds?: number; thresholds?: Record<string, number | undefined> };
}

/** Where the names of the generated resources come from: the component's name and the Pulumi stack. */
export interface WorkflowNaming {
  workflowName: string;
  stack: string;
}

/** Lambda function and IAM role names: at most 64 characters, of which Pulumi's auto-naming suffix takes 8. */
export const MAX_AUTONAMED_LENGTH = 56;
/** Step Functions state machine names: at most 80 characters. */
export const MAX_STATE_MACHINE_NAME_LENGTH = 80;

export const DEFAULTS = {
  workflowType: "STANDARD" as WorkflowType,
  /** The state machine's log level. */
  stateMachineLogLevel: "ERROR" as LogLevel,
  /** The Powertools Logger level of the step Lambdas. */
  lambdaLogLevel: "INFO" as "DEBUG" | "INFO" | "WARN" | "ERROR",
  includeExecutionData: false,
  retentionInDays: 30,
  runtime: "nodejs22.x",
  memorySize: 256,
  architecture: "arm64" as Architecture,
};

/** Runtimes the Powertools TypeScript v2 layer supports. */
export const SUPPORTED_RUNTIMES = ["nodejs22.x", "nodejs24.x"];
/** CloudWatch Logs accepts only these retention periods. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** EXPRESS executions may run 5 minutes; STANDARD ones a year. */
const MAX_EXECUTION_SECONDS: Record<WorkflowType, number> = { STANDARD: 31_536_000, EXPRESS: 300 };

/** Powertools TypeScript v2 layer version, kept in step with the npm packages in package.json (2.36.0). */
export const POWERTOOLS_LAYER_VERSION = 50;

/**
 * The Powertools layer ARN AWS publishes for a commercial region.
 *
 * @example
 * powertoolsLayerArn("eu-west-1") // "arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:50"
 */
export function powertoolsLayerArn(region: string): string {
  return `arn:aws:lambda:${region}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:${POWERTOOLS_LAYER_VERSION}`;
}

/**
 * A task's Lambda times out before the task does, so Step Functions sees the Lambda's own timeout error (and its
 * logs) instead of abandoning an invocation that may still be charging a card: 10% earlier, at least 1 s.
 *
 * @example
 * lambdaTimeoutFor(30) // 27
 */
export function lambdaTimeoutFor(taskTimeoutSeconds: number): number {
  return Math.min(MAX_LAMBDA_TIMEOUT_SECONDS, taskTimeoutSeconds - Math.max(1, Math.ceil(taskTimeoutSeconds * 0.1)));
}

/**
 * Checks the workflow-level settings (and that each task fits in the workflow's timeout); throws a
 * {@link WorkflowDefinitionError} naming each bad setting and the accepted values.
 */
export function validateSettings(settings: WorkflowSettingsInput, steps: readonly Step[] = [], naming?: WorkflowNaming): void {
  const problems: DefinitionProblem[] = [];
  if (naming) checkNaming(naming, steps, problems);
  const report = (setting: string, message: string) => problems.push({ step: `(setting ${setting})`, message });
  const type = settings.workflowType ?? DEFAULTS.workflowType;
  if (type !== "STANDARD" && type !== "EXPRESS") report("workflowType", `is ${JSON.stringify(type)}: use "STANDARD" or "EXPRESS".`);
  const max = MAX_EXECUTION_SECONDS[type] ?? MAX_EXECUTION_SECONDS.STANDARD;
  if (settings.timeoutSeconds === undefined) report("timeoutSeconds", "is missing: every workflow needs a whole-execution timeout, e.g. `timeoutSeconds: 300`.");
  else if (!Number.isInteger(settings.timeoutSeconds) || settings.timeoutSeconds < 1 || settings.timeoutSeconds > max) {
    report("timeoutSeconds", `is ${settings.timeoutSeconds}: use a whole number from 1 to ${max} for a ${type} workflow.`);
  }
  const logging = settings.logging ?? {};
  if (logging.level !== undefined && !["ALL", "ERROR", "FATAL"].includes(logging.level)) report("logging.level", `is ${JSON.stringify(logging.level)}: use "ALL", "ERROR" or "FATAL".`);
  if (logging.retentionInDays !== undefined && !RETENTION_DAYS.includes(logging.retentionInDays)) {
    report("logging.retentionInDays", `is ${logging.retentionInDays}: CloudWatch Logs accepts ${RETENTION_DAYS.join(", ")}.`);
  }
  const lambda = settings.lambda ?? {};
  if (lambda.runtime !== undefined && !SUPPORTED_RUNTIMES.includes(lambda.runtime)) report("lambda.runtime", `is ${JSON.stringify(lambda.runtime)}: the Powertools layer supports ${SUPPORTED_RUNTIMES.join(" and ")}.`);
  if (lambda.memorySize !== undefined && (!Number.isInteger(lambda.memorySize) || lambda.memorySize < 128 || lambda.memorySize > 10240)) {
    report("lambda.memorySize", `is ${lambda.memorySize}: Lambda accepts whole megabytes from 128 to 10240.`);
  }
  if (lambda.architecture !== undefined && lambda.architecture !== "arm64" && lambda.architecture !== "x86_64") report("lambda.architecture", `is ${JSON.stringify(lambda.architecture)}: use "arm64" or "x86_64".`);
  if (Number.isInteger(settings.timeoutSeconds)) {
    for (const step of taskSteps(steps)) {
      if (step.timeoutSeconds > settings.timeoutSeconds) {
        problems.push({ step: step.name, message: `has timeoutSeconds ${step.timeoutSeconds}, longer than the whole workflow's ${settings.timeoutSeconds}: shorten the task or lengthen the workflow.` });
      }
    }
  }
  const alarms = settings.alarms ?? {};
  if (alarms.periodSeconds !== undefined && !(Number.isInteger(alarms.periodSeconds) && alarms.periodSeconds >= 60 && alarms.periodSeconds % 60 === 0)) {
    report("alarms.periodSeconds", `is ${alarms.periodSeconds}: CloudWatch alarms on these metrics take a multiple of 60 seconds.`);
  }
  for (const [kind, value] of Object.entries(alarms.thresholds ?? {})) {
    if (value !== undefined && !(typeof value === "number" && value >= 1)) report(`alarms.thresholds.${kind}`, `is ${value}: use a number of occurrences of at least 1.`);
  }
  const taskNames = new Set(taskSteps(steps).map((s) => s.name));
  for (const metric of settings.dashboard?.businessMetrics ?? []) {
    if (!taskNames.has(metric.step)) report("dashboard.businessMetrics", `graphs ${metric.metricName} of "${metric.step}", which is not a task step: name one of ${[...taskNames].join(", ") || "(no tasks)"}.`);
  }
  if (problems.length > 0) throw new WorkflowDefinitionError(problems);
}

/**
 * The component's name becomes part of every generated name (log groups, the state machine, Lambda functions,
 * IAM roles, the metrics namespace): it must fit the strictest of their rules.
 */
function checkNaming({ workflowName, stack }: WorkflowNaming, steps: readonly Step[], problems: DefinitionProblem[]): void {
  const report = (step: string, message: string) => problems.push({ step, message });
  if (!/^[A-Za-z0-9_-]+$/.test(workflowName)) {
    report("(workflow name)", `${JSON.stringify(workflowName)} is used in log group, function, role and state machine names: use letters, digits, '-' and '_' only.`);
  }
  const stateMachineName = `${workflowName}-${stack}`;
  if (stateMachineName.length > MAX_STATE_MACHINE_NAME_LENGTH) {
    report("(workflow name)", `the state machine would be named "${stateMachineName}" (${stateMachineName.length} characters); AWS accepts ${MAX_STATE_MACHINE_NAME_LENGTH}: shorten the workflow or stack name.`);
  }
  for (const role of ["execution", "trigger"]) {
    const generated = `${workflowName}-${role}`;
    if (generated.length > MAX_AUTONAMED_LENGTH) report("(workflow name)", `the ${role} role would be named "${generated}-xxxxxxx", over IAM's 64 characters: shorten the workflow name to at most ${MAX_AUTONAMED_LENGTH - role.length - 1} characters.`);
  }
  for (const step of taskSteps(steps)) {
    const generated = `${workflowName}-${step.name}`;
    if (generated.length > MAX_AUTONAMED_LENGTH) {
      report(step.name, `names a Lambda function and IAM role "${generated}-xxxxxxx" (${generated.length + 8} characters); AWS accepts 64: shorten the step or workflow name by ${generated.length - MAX_AUTONAMED_LENGTH}.`);
    }
  }
}
