/**
 * Workflow-level settings: defaults, the derived Lambda timeout and layer, and validation of the values a user
 * (or a stack's config) passes. Pure: the component calls these before creating anything.
 */
import { type DefinitionProblem, WorkflowDefinitionError, MAX_LAMBDA_TIMEOUT_SECONDS, describeValue, isDeferredValue } from "./validate";
import { expressCallbackProblems } from "./expressCallbacks";
import { eventPatternProblems } from "./eventPatternRules";
import { scheduleProblems } from "./validation/schedule";
import type { Step, TaskStep } from "../steps/types";
import type { AlarmKind } from "./alarms";

export type LogLevel = "ALL" | "ERROR" | "FATAL";
export type WorkflowType = "STANDARD" | "EXPRESS";
export type Architecture = "arm64" | "x86_64";

/** The plain-data part of the component's arguments that this module checks. */
export interface WorkflowSettingsInput {
  timeoutSeconds: number;
  workflowType?: WorkflowType;
  logging?: { level?: LogLevel; includeExecutionData?: boolean; retentionInDays?: number };
  lambda?: { runtime?: string; memorySize?: number; architecture?: Architecture; logLevel?: string; powertoolsLayerArn?: unknown };
  dashboard?: { businessMetrics?: { step: string; metricName: string }[] };
  alarms?: { periodSeconds?: number; thresholds?: Record<string, number | undefined> };
  /**
   * The trigger (its pattern may hold Pulumi Outputs). Checked when present, and required when the settings are the
   * component's whole arguments (they carry `steps`).
   */
  trigger?: { pattern?: unknown; eventBusName?: unknown; schedule?: unknown };
  /** Alert subscribers; each address may be a Pulumi Output. */
  alerting?: { emailEndpoints?: readonly unknown[] };
  /** The step list, when the settings are the component's whole arguments. */
  steps?: unknown;
}

/** The component's name, which the generated names, the metrics namespace and the logical names hold. */
export interface WorkflowNaming {
  workflowName: string;
}

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

/** Every kind of alarm a workflow gets, the keys of `alarms.thresholds`. */
export const ALARM_KINDS = [
  "executions-failed",
  "executions-timed-out",
  "executions-throttled",
  "executions-aborted",
  "lambda-errors",
  "lambda-throttles",
  "dead-letters-visible",
  "rule-failed-invocations",
] as const satisfies readonly AlarmKind[];
// Fails to compile when alarms.ts gains a kind this list lacks.
const everyAlarmKindListed: Exclude<AlarmKind, (typeof ALARM_KINDS)[number]> extends never ? true : never = true;
void everyAlarmKindListed;

/** Powertools Logger levels of the step Lambdas. */
export const LAMBDA_LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
/** A Lambda layer version ARN: `arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>`. */
const LAYER_VERSION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]{1,140}:\d+$/;

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
 * A task's Lambda timeout: shorter than its Task's, and for a callback task (whose Task waits for an answer, maybe for
 * days) the hand-off time only.
 *
 * @example
 * lambdaTimeoutOf(task("Charge", { handler, timeoutSeconds: 30 })) // 27
 * lambdaTimeoutOf(waitForCallback("Approve", { handler, timeoutSeconds: 86_400 })) // 30
 */
export function lambdaTimeoutOf(step: Pick<TaskStep, "timeoutSeconds" | "callback">): number {
  return step.callback
    ? Math.min(step.callback.handlerTimeoutSeconds ?? DEFAULT_CALLBACK_HANDLER_TIMEOUT_SECONDS, lambdaTimeoutFor(step.timeoutSeconds))
    : lambdaTimeoutFor(step.timeoutSeconds);
}

/** A callback task's Lambda only hands its token off. */
export const DEFAULT_CALLBACK_HANDLER_TIMEOUT_SECONDS = 30;

/** What SNS takes as an email endpoint, the same check as the order stack's config (workflows/config.ts). */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks the workflow-level settings (and that each task fits in the workflow's timeout); throws a
 * {@link WorkflowDefinitionError} naming each bad setting and the accepted values. Values of the wrong type (from
 * plain JavaScript or untyped config) are reported the same way, never as a TypeError.
 *
 * The trigger's event pattern is checked structurally (field names, arrays at the leaves, filter operators; see
 * {@link eventPatternProblems}) and `alerting.emailEndpoints` must be email addresses; Pulumi Outputs in either are
 * skipped. The trigger itself is required when `settings` are the component's arguments (they carry `steps`), so a
 * partial settings object (`{ timeoutSeconds: 60 }`) can still be checked alone.
 *
 * @example
 * validateSettings({ timeoutSeconds: 60, trigger: { pattern: { detail_type: ["Order Placed"] } } });
 * // WorkflowDefinitionError: step "(setting trigger.pattern)": `detail_type` is not an EventBridge event field: did you mean `detail-type`? ...
 */
export function validateSettings(settings: WorkflowSettingsInput, steps: readonly Step[] = [], naming?: WorkflowNaming): void {
  const problems: DefinitionProblem[] = [];
  const report = (setting: string, message: string) => problems.push({ step: `(setting ${setting})`, message });
  if (!isRecord(settings)) {
    problems.push({
      step: "(settings)",
      message: `the workflow's settings are ${describeValue(settings)}: pass an object such as { trigger: { pattern: { source: ["order.service"] } }, steps: [...], timeoutSeconds: 300 }.`,
    });
    throw new WorkflowDefinitionError(problems);
  }
  const show = describeValue;
  const named = wellFormedSteps(steps);
  const tasks = named.filter((s): s is TaskStep => s.kind === "task");
  for (const step of named.filter((s) => s.name === "__proto__"))
    problems.push({
      step: step.name,
      message:
        'is a name the component cannot deploy: it keys each step\'s Lambda ARN and event bus by step name in Pulumi Outputs, and Pulumi drops a `__proto__` key when it copies them (ASL itself allows the name). Rename the step, e.g. "Proto".',
    });
  if (naming) checkNaming(naming, problems);
  /** A nested group of settings: an object, or absent (null counts as absent, as `??` treats it). */
  const group = (setting: string, example: string): Record<string, unknown> => {
    const value = (settings as unknown as Record<string, unknown>)[setting];
    if (value === undefined || value === null) return {};
    if (isRecord(value) && !isDeferredValue(value)) return value;
    report(setting, `is ${show(value)}: give an object, e.g. \`${setting}: ${example}\`, or leave it out.`);
    return {};
  };
  const type = settings.workflowType ?? DEFAULTS.workflowType;
  if (type !== "STANDARD" && type !== "EXPRESS") report("workflowType", `is ${show(type)}: use "STANDARD" or "EXPRESS".`);
  problems.push(...expressCallbackProblems(steps, type));
  const max = MAX_EXECUTION_SECONDS[type] ?? MAX_EXECUTION_SECONDS.STANDARD;
  if (settings.timeoutSeconds === undefined)
    report("timeoutSeconds", "is missing: every workflow needs a whole-execution timeout, e.g. `timeoutSeconds: 300`.");
  else if (!Number.isInteger(settings.timeoutSeconds) || settings.timeoutSeconds < 1 || settings.timeoutSeconds > max) {
    report(
      "timeoutSeconds",
      `is ${show(settings.timeoutSeconds)}: use a whole number from 1 to ${max} for a ${type === "EXPRESS" ? "EXPRESS" : "STANDARD"} workflow.`,
    );
  }
  if ("trigger" in settings || "steps" in settings) checkTrigger(settings.trigger, report);
  checkEmailEndpoints(group("alerting", `{ emailEndpoints: ["oncall@example.com"] }`), report);
  const logging = group("logging", `{ level: "ERROR", retentionInDays: 30 }`);
  if (logging.level !== undefined && !["ALL", "ERROR", "FATAL"].includes(logging.level as string))
    report("logging.level", `is ${show(logging.level)}: use "ALL", "ERROR" or "FATAL".`);
  if (logging.retentionInDays !== undefined && !RETENTION_DAYS.includes(logging.retentionInDays as number)) {
    report("logging.retentionInDays", `is ${show(logging.retentionInDays)}: CloudWatch Logs accepts ${RETENTION_DAYS.join(", ")}.`);
  }
  const lambda = group("lambda", `{ memorySize: 256, architecture: "arm64" }`);
  if (lambda.runtime !== undefined && !SUPPORTED_RUNTIMES.includes(lambda.runtime as string))
    report("lambda.runtime", `is ${show(lambda.runtime)}: the Powertools layer supports ${SUPPORTED_RUNTIMES.join(" and ")}.`);
  if (
    lambda.memorySize !== undefined &&
    (!Number.isInteger(lambda.memorySize) || (lambda.memorySize as number) < 128 || (lambda.memorySize as number) > 10240)
  ) {
    report("lambda.memorySize", `is ${show(lambda.memorySize)}: Lambda accepts whole megabytes from 128 to 10240.`);
  }
  if (lambda.architecture !== undefined && lambda.architecture !== "arm64" && lambda.architecture !== "x86_64")
    report("lambda.architecture", `is ${show(lambda.architecture)}: use "arm64" or "x86_64".`);
  if (lambda.logLevel !== undefined && !(LAMBDA_LOG_LEVELS as readonly unknown[]).includes(lambda.logLevel))
    report("lambda.logLevel", `is ${show(lambda.logLevel)}: use one of ${LAMBDA_LOG_LEVELS.map((l) => `"${l}"`).join(", ")}.`);
  if (lambda.minify !== undefined && typeof lambda.minify !== "boolean")
    report("lambda.minify", `is ${show(lambda.minify)}: use true (the default: \`__index.js\` minified) or false (as serialized).`);
  if (lambda.bundleSourceMaps !== undefined && typeof lambda.bundleSourceMaps !== "boolean")
    report(
      "lambda.bundleSourceMaps",
      `is ${show(lambda.bundleSourceMaps)}: use false (the default) or true (a .map beside each package bundle).`,
    );
  const layer = lambda.powertoolsLayerArn;
  if (layer !== undefined && !isDeferredValue(layer) && !(typeof layer === "string" && LAYER_VERSION_ARN.test(layer)))
    report(
      "lambda.powertoolsLayerArn",
      `is ${show(layer)}, not a layer version ARN: give one such as "${powertoolsLayerArn("eu-west-1")}", or leave it out for AWS's Powertools layer of the stack's region.`,
    );
  if (Number.isInteger(settings.timeoutSeconds)) {
    for (const step of tasks) {
      if (typeof step.timeoutSeconds === "number" && step.timeoutSeconds > settings.timeoutSeconds) {
        report(
          "timeoutSeconds",
          `is ${settings.timeoutSeconds}, shorter than step "${step.name}"'s timeoutSeconds ${step.timeoutSeconds}: lengthen the workflow's \`timeoutSeconds\` to at least ${step.timeoutSeconds}, or shorten the step's.`,
        );
      }
    }
  }
  const alarms = group("alarms", `{ periodSeconds: 300 }`);
  if (
    alarms.periodSeconds !== undefined &&
    !(Number.isInteger(alarms.periodSeconds) && (alarms.periodSeconds as number) >= 60 && (alarms.periodSeconds as number) % 60 === 0)
  ) {
    report("alarms.periodSeconds", `is ${show(alarms.periodSeconds)}: CloudWatch alarms on these metrics take a multiple of 60 seconds.`);
  }
  const thresholds = alarms.thresholds;
  if (thresholds !== undefined && thresholds !== null && !isRecord(thresholds))
    report("alarms.thresholds", `is ${show(thresholds)}: give an object of occurrences per alarm kind, e.g. { "executions-failed": 1 }.`);
  for (const [kind, value] of Object.entries(isRecord(thresholds) && !isDeferredValue(thresholds) ? thresholds : {})) {
    if (!(ALARM_KINDS as readonly string[]).includes(kind))
      report(`alarms.thresholds.${kind}`, `is not a kind of alarm: use one of ${ALARM_KINDS.join(", ")}.`);
    else if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 1))
      report(`alarms.thresholds.${kind}`, `is ${show(value)}: use a finite number of occurrences of at least 1.`);
  }
  const taskNames = new Set(tasks.map((s) => s.name));
  const metrics = group("dashboard", `{ businessMetrics: [{ step: "ChargeCard", metricName: "OrderValue" }] }`).businessMetrics;
  if (metrics !== undefined && !Array.isArray(metrics))
    report("dashboard.businessMetrics", `is ${show(metrics)}: give a list such as [{ step: "ChargeCard", metricName: "OrderValue" }].`);
  (Array.isArray(metrics) ? metrics : []).forEach((metric: unknown, i) => {
    if (!isRecord(metric))
      report(`dashboard.businessMetrics[${i}]`, `is ${show(metric)}: give { step: "<task name>", metricName: "<metric>" }.`);
    else if (typeof metric.step !== "string" || !taskNames.has(metric.step)) {
      report(
        "dashboard.businessMetrics",
        `graphs ${typeof metric.metricName === "string" ? metric.metricName : show(metric.metricName)} of ${typeof metric.step === "string" ? `"${metric.step}"` : show(metric.step)}, which is not a task step: name one of ${[...taskNames].join(", ") || "(no tasks)"}.`,
      );
    }
  });
  if (problems.length > 0) throw new WorkflowDefinitionError(problems);
}

/** The trigger: an object whose `pattern` is a well-formed EventBridge pattern (Outputs skipped), or a valid `schedule`. */
function checkTrigger(trigger: unknown, report: (setting: string, message: string) => void): void {
  const example = `\`trigger: { pattern: { source: ["order.service"], "detail-type": ["Order Placed"] } }\``;
  if (trigger === undefined || trigger === null) {
    report("trigger", `is missing: say which events start an execution, e.g. ${example}.`);
    return;
  }
  if (!isRecord(trigger) || isDeferredValue(trigger)) {
    report("trigger", `is ${describeValue(trigger)}: give a plain object (its pattern and bus name may be Outputs), e.g. ${example}.`);
    return;
  }
  const { pattern, eventBusName, schedule } = trigger;
  if (schedule !== undefined && schedule !== null) {
    if (pattern !== undefined || eventBusName !== undefined)
      report(
        "trigger",
        "has both a schedule and an event pattern (or bus): a workflow starts on one or the other. Keep `trigger: { schedule }` or `trigger: { pattern, eventBusName? }`, and create a second workflow for the other trigger.",
      );
    for (const problem of scheduleProblems(schedule)) report(problem.setting, problem.message);
    return;
  }
  if (pattern === undefined || pattern === null) {
    report(
      "trigger.pattern",
      `is ${describeValue(pattern)}: give the EventBridge pattern of the events that start an execution, e.g. { source: ["order.service"], "detail-type": ["Order Placed"] }, or start it on a schedule with \`trigger: { schedule: { expression: "rate(1 day)" } }\`.`,
    );
  } else {
    for (const problem of eventPatternProblems(pattern)) {
      report(
        "trigger.pattern",
        problem.path === "" || problem.message.startsWith(`\`${problem.path}\``)
          ? problem.message
          : `\`${problem.path}\` ${problem.message}`,
      );
    }
  }
  if (eventBusName !== undefined && !isDeferredValue(eventBusName) && (typeof eventBusName !== "string" || eventBusName.trim() === "")) {
    report(
      "trigger.eventBusName",
      `is ${describeValue(eventBusName)}: name the bus (or an Output of its name), or leave it out for the "default" bus.`,
    );
  }
}

/** Each subscriber an email address SNS can deliver to: a typo here fails only at the confirmation email, silently. */
function checkEmailEndpoints(alerting: Record<string, unknown>, report: (setting: string, message: string) => void): void {
  const endpoints = alerting.emailEndpoints;
  if (endpoints === undefined || endpoints === null) return;
  if (!Array.isArray(endpoints)) {
    const fix =
      typeof endpoints === "string"
        ? `write [${describeValue(endpoints)}]`
        : `give a list such as ["oncall@example.com"] (its elements may be Outputs)`;
    report("alerting.emailEndpoints", `is ${describeValue(endpoints)}, not a list: ${fix}.`);
    return;
  }
  endpoints.forEach((endpoint: unknown, i) => {
    if (isDeferredValue(endpoint)) return;
    if (typeof endpoint !== "string" || !EMAIL_ADDRESS.test(endpoint)) {
      report(
        `alerting.emailEndpoints[${i}]`,
        `is ${describeValue(endpoint)}, not an email address: give one such as "oncall@example.com" (no spaces), or remove it.`,
      );
    }
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The named steps at any depth, like walk.ts's allSteps but skipping what validateSteps reports as malformed
 * (non-steps, nameless steps, nested lists that are not lists, cycles), so this module never throws a TypeError.
 */
function wellFormedSteps(steps: unknown, visited = new WeakSet<object>()): Step[] {
  if (!Array.isArray(steps)) return [];
  const named: Step[] = [];
  for (const step of steps) {
    if (!isRecord(step) || visited.has(step)) continue;
    visited.add(step);
    if (typeof step.kind === "string" && typeof step.name === "string" && step.name.length > 0) named.push(step as unknown as Step);
    const nested = step.kind === "parallel" ? (Array.isArray(step.branches) ? step.branches : []) : step.kind === "map" ? [step.steps] : [];
    for (const list of nested) named.push(...wellFormedSteps(list, visited));
  }
  return named;
}

/**
 * The component's name becomes part of every generated name (log groups, the state machine, Lambda functions,
 * IAM roles) and the metrics namespace: it must fit the strictest of their rules. Lengths are not refused here: a
 * name over its AWS limit is shortened with a hash, and the final names are checked (core/naming.ts).
 */
function checkNaming({ workflowName }: WorkflowNaming, problems: DefinitionProblem[]): void {
  if (!/^[A-Za-z0-9_-]+$/.test(workflowName)) {
    problems.push({
      step: "(workflow name)",
      message: `${JSON.stringify(workflowName)} is used in log group, function, role and state machine names: use letters, digits, '-' and '_' only.`,
    });
  }
}
