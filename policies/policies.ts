/**
 * The policies of the `event-driven-workflow` policy pack, as plain objects so tests can call their
 * validators directly. Constructing the PolicyPack (which starts a gRPC server) happens only in index.ts.
 *
 * The pack judges ANY stack: a state machine written by hand with `aws.sfn.StateMachine` is checked exactly
 * like one the EventDrivenWorkflow component generated. Property values may be JSON strings or objects;
 * values unknown during preview are reported as such, never crash a policy.
 */
import type {
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  type AslObject,
  classifyTaskResource,
  DEFAULT_MAX_ATTEMPTS,
  lambdaReferenceOf,
  parseFunctionReference,
  readDefinition,
  retriersOf,
  taskStates,
  taskTimeout,
  unobservedFailurePaths,
  walkStates,
} from "./asl";
import { CATCH_ALL_ERRORS, NEVER_TRANSIENT_ERRORS } from "event-driven-workflow/core";
import { DEFAULT_WILDCARD_RESOURCE_ACTIONS, isBroadManagedPolicy, wildcardFindings } from "./iam";
import { asArray, isRecord, parseJsonProperty, prop, propPath, UNKNOWN, withDefaults } from "./values";

// ---------------------------------------------------------------------------------------------------------
// Resource types
// ---------------------------------------------------------------------------------------------------------

export const TYPES = {
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  lambdaFunction: "aws:lambda/function:Function",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  queue: "aws:sqs/queue:Queue",
  topic: "aws:sns/topic:Topic",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
} as const;

/** The handler every `aws.lambda.CallbackFunction` gets, and the timeout it applies when given none. */
export const CALLBACK_FUNCTION_HANDLER = "__index.handler";
export const CALLBACK_FUNCTION_DEFAULT_TIMEOUT = 180;
/** Lambda's own timeout when `timeout` is not set. */
export const LAMBDA_DEFAULT_TIMEOUT = 3;

// ---------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------

/**
 * A validation that applies only to `types`; other types are reported as not applicable. With one type the
 * engine's fast path (`__pulumiType`) skips other resources without calling us.
 */
function onTypes(types: string | readonly string[], validate: ResourceValidation): ResourceValidation {
  const list: readonly string[] = typeof types === "string" ? [types] : types;
  const fn: ResourceValidation = (args, report) => {
    if (!list.includes(args.type)) return args.notApplicable(`Policy only applies to resources of type ${list.map((t) => `'${t}'`).join(", ")}`);
    return validate(args, report);
  };
  if (list.length === 1) (fn as ResourceValidation & { __pulumiType?: string }).__pulumiType = list[0];
  return fn;
}

/**
 * A value the engine marked unknown during preview: touch it through the engine's proxy (which raises the
 * engine's own "can't run policy during preview" advisory), else mark the policy not applicable.
 */
function unknownDuringPreview(args: ResourceValidationArgs, key: string, what: string): never {
  void args.props[key];
  return args.notApplicable(`${what} is not known yet during preview; it is checked on \`pulumi up\``);
}

/** `<Kind> "<name>"`, the way every message starts. */
const label = (kind: string, name: string): string => `${kind} "${name}"`;

const isPositiveInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value > 0;

const quoteList = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(", ");

function integerSchema(description: string, defaultValue?: number, minimum = 1): PolicyConfigSchema["properties"][string] {
  return { type: "integer", minimum, description, ...(defaultValue !== undefined ? { default: defaultValue } : {}) };
}

/**
 * Reads the definition of a state machine under validation. When it cannot be read (unknown during preview,
 * not JSON), the policy is not applicable to this resource: `sfn-definition-readable` reports why, once.
 */
function definitionOf(args: ResourceValidationArgs): AslObject {
  const read = readDefinition(prop(args.props, "definition"));
  if (read.status !== "ok") return args.notApplicable(`${label("State machine", args.name)}: ${read.message}`);
  return read.definition;
}

// ---------------------------------------------------------------------------------------------------------
// Timeouts (mandatory by default)
// ---------------------------------------------------------------------------------------------------------

export interface TaskTimeoutConfig {
  /** The longest TimeoutSeconds a Task may set. */
  maxTimeoutSeconds: number;
}
export const TASK_TIMEOUT_DEFAULTS: TaskTimeoutConfig = { maxTimeoutSeconds: 3600 };

export const sfnTaskTimeout: ResourceValidationPolicy = {
  name: "sfn-task-timeout",
  description: "Every Task state, at any depth (Parallel branches, Map item processors), sets TimeoutSeconds or TimeoutSecondsPath, within a maximum.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["step-functions", "timeouts"],
  remediationSteps: "Add \"TimeoutSeconds\": <seconds> to every Task state, including those inside Parallel branches and Map item processors.",
  configSchema: {
    properties: {
      maxTimeoutSeconds: integerSchema("The longest TimeoutSeconds a Task may set.", TASK_TIMEOUT_DEFAULTS.maxTimeoutSeconds),
    },
  },
  validateResource: onTypes(TYPES.stateMachine, (args, report) => {
    const { maxTimeoutSeconds } = withDefaults(args, TASK_TIMEOUT_DEFAULTS);
    const sm = label("State machine", args.name);
    for (const task of taskStates(definitionOf(args))) {
      const timeout = taskTimeout(task.state);
      if (timeout.kind === "dynamic") continue;
      if (timeout.kind === "none") {
        report(`${sm}: Task ${task.path} has no TimeoutSeconds or TimeoutSecondsPath, so a hung call holds the execution until the whole workflow times out (a Task waits up to 99999999 s by default). Fix: add "TimeoutSeconds": <seconds> (at most ${maxTimeoutSeconds}) to the state.`);
      } else if (!isPositiveInteger(timeout.seconds)) {
        report(`${sm}: Task ${task.path} has TimeoutSeconds ${JSON.stringify(timeout.seconds)}, not a positive whole number of seconds. Fix: set "TimeoutSeconds" to a whole number from 1 to ${maxTimeoutSeconds}.`);
      } else if (timeout.seconds > maxTimeoutSeconds) {
        report(`${sm}: Task ${task.path} has TimeoutSeconds ${timeout.seconds}, above the maximum of ${maxTimeoutSeconds}. Fix: lower "TimeoutSeconds" to at most ${maxTimeoutSeconds} (or raise this policy's maxTimeoutSeconds if the task really needs longer).`);
      }
    }
  }),
};

export interface ExecutionTimeoutConfig {
  /** The longest whole-execution TimeoutSeconds; unlimited when unset. */
  maxTimeoutSeconds?: number;
}
export const EXECUTION_TIMEOUT_DEFAULTS: ExecutionTimeoutConfig = {};

export const sfnExecutionTimeout: ResourceValidationPolicy = {
  name: "sfn-execution-timeout",
  description: "Every state machine sets a top-level TimeoutSeconds for the whole execution.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["step-functions", "timeouts"],
  remediationSteps: "Add \"TimeoutSeconds\": <seconds> at the top level of the definition, next to StartAt.",
  configSchema: {
    properties: {
      maxTimeoutSeconds: integerSchema("The longest whole-execution TimeoutSeconds (unset: no maximum)."),
    },
  },
  validateResource: onTypes(TYPES.stateMachine, (args, report) => {
    const { maxTimeoutSeconds } = withDefaults(args, EXECUTION_TIMEOUT_DEFAULTS);
    const sm = label("State machine", args.name);
    const seconds = definitionOf(args).TimeoutSeconds;
    if (seconds === undefined) {
      report(`${sm} has no top-level TimeoutSeconds, so a stuck execution runs until the service limit (a year for STANDARD workflows), holding its order and its cost. Fix: add "TimeoutSeconds": <seconds> at the top level of the definition, next to StartAt.`);
    } else if (!isPositiveInteger(seconds)) {
      report(`${sm} has top-level TimeoutSeconds ${JSON.stringify(seconds)}, not a positive whole number of seconds. Fix: set the top-level "TimeoutSeconds" to a whole number of seconds.`);
    } else if (maxTimeoutSeconds !== undefined && seconds > maxTimeoutSeconds) {
      report(`${sm} has top-level TimeoutSeconds ${seconds}, above the maximum of ${maxTimeoutSeconds}. Fix: lower it to at most ${maxTimeoutSeconds}.`);
    }
  }),
};

export interface LambdaTimeoutConfig {
  /** The longest timeout a function may set (Lambda's own ceiling is 900). */
  maxTimeoutSeconds: number;
  /** Treat a CallbackFunction (handler "__index.handler") with exactly 180 s as not set: its silent default. */
  treatCallbackDefaultAsUnset: boolean;
}
export const LAMBDA_TIMEOUT_DEFAULTS: LambdaTimeoutConfig = { maxTimeoutSeconds: 900, treatCallbackDefaultAsUnset: true };

export const lambdaExplicitTimeout: ResourceValidationPolicy = {
  name: "lambda-explicit-timeout",
  description: "Every Lambda function sets `timeout` explicitly, within a maximum (a CallbackFunction's silent 180 s default counts as not set).",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["lambda", "timeouts"],
  remediationSteps: "Set `timeout` on every aws.lambda.Function and aws.lambda.CallbackFunction, shorter than the Step Functions task that invokes it.",
  configSchema: {
    properties: {
      maxTimeoutSeconds: integerSchema("The longest timeout a function may set.", LAMBDA_TIMEOUT_DEFAULTS.maxTimeoutSeconds),
      treatCallbackDefaultAsUnset: {
        type: "boolean",
        default: LAMBDA_TIMEOUT_DEFAULTS.treatCallbackDefaultAsUnset,
        description: "Report a CallbackFunction (handler \"__index.handler\") whose timeout is exactly 180 s, the value CallbackFunction applies silently when none is given.",
      },
    },
  },
  validateResource: onTypes(TYPES.lambdaFunction, (args, report) => {
    const { maxTimeoutSeconds, treatCallbackDefaultAsUnset } = withDefaults(args, LAMBDA_TIMEOUT_DEFAULTS);
    const fn = label("Lambda function", args.name);
    const timeout = prop(args.props, "timeout");
    if (timeout === UNKNOWN) return unknownDuringPreview(args, "timeout", `${fn}'s timeout`);
    if (timeout === undefined || timeout === null) {
      report(`${fn} does not set timeout, so it gets Lambda's default of ${LAMBDA_DEFAULT_TIMEOUT} s, not a value chosen for its work. Fix: set \`timeout\` explicitly (at most ${maxTimeoutSeconds} s), shorter than the Step Functions Task that invokes it.`);
      return;
    }
    if (treatCallbackDefaultAsUnset && timeout === CALLBACK_FUNCTION_DEFAULT_TIMEOUT && prop(args.props, "handler") === CALLBACK_FUNCTION_HANDLER) {
      report(`${fn} is an aws.lambda.CallbackFunction (handler "${CALLBACK_FUNCTION_HANDLER}") with timeout ${CALLBACK_FUNCTION_DEFAULT_TIMEOUT} s, the default CallbackFunction applies silently when no timeout is given. Fix: set \`timeout\` explicitly on the CallbackFunction (at most ${maxTimeoutSeconds} s), shorter than the Step Functions Task that invokes it (if 180 s is really intended, set this policy's treatCallbackDefaultAsUnset to false).`);
      return;
    }
    if (!isPositiveInteger(timeout)) {
      report(`${fn} has timeout ${JSON.stringify(timeout)}, not a positive whole number of seconds. Fix: set \`timeout\` to a whole number from 1 to ${maxTimeoutSeconds}.`);
    } else if (timeout > maxTimeoutSeconds) {
      report(`${fn} has timeout ${timeout} s, above the maximum of ${maxTimeoutSeconds} s. Fix: lower \`timeout\` to at most ${maxTimeoutSeconds} (or raise this policy's maxTimeoutSeconds).`);
    }
  }),
};

export interface TaskOutlastsLambdaConfig {
  /** How many seconds longer than its Lambda's timeout a Task's TimeoutSeconds must be, at least. */
  minMarginSeconds: number;
}
export const TASK_OUTLASTS_LAMBDA_DEFAULTS: TaskOutlastsLambdaConfig = { minMarginSeconds: 1 };

/** A Lambda function of the stack, as the stack policy sees it. */
interface StackFunction {
  resource: PolicyResource;
  functionName?: string;
  arn?: string;
  timeout: number;
}

function stackFunctions(resources: readonly PolicyResource[]): StackFunction[] {
  const out: StackFunction[] = [];
  for (const resource of resources) {
    if (resource.type !== TYPES.lambdaFunction) continue;
    const timeout = prop(resource.props, "timeout");
    if (timeout === UNKNOWN) continue;
    const arnValue = prop(resource.props, "arn");
    const nameValue = prop(resource.props, "name");
    const arn = typeof arnValue === "string" ? parseFunctionReference(arnValue)?.arn : undefined;
    const functionName = typeof nameValue === "string" ? nameValue : arn ? parseFunctionReference(arn)?.name : undefined;
    out.push({ resource, arn, functionName, timeout: typeof timeout === "number" ? timeout : LAMBDA_DEFAULT_TIMEOUT });
  }
  return out;
}

export const sfnTaskOutlastsLambda: StackValidationPolicy = {
  name: "sfn-task-outlasts-lambda",
  description: "A Task that invokes a Lambda function of the same stack gives it more time (TimeoutSeconds) than the function's own timeout.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["step-functions", "lambda", "timeouts"],
  remediationSteps: "Make each Lambda's timeout shorter than the TimeoutSeconds of the Task that invokes it, so the Task sees the Lambda's own timeout error instead of abandoning a running invocation.",
  configSchema: {
    properties: {
      minMarginSeconds: integerSchema("How many seconds longer than its Lambda's timeout a Task's TimeoutSeconds must be, at least.", TASK_OUTLASTS_LAMBDA_DEFAULTS.minMarginSeconds),
    },
  },
  validateStack: (args, report) => {
    const { minMarginSeconds } = withDefaults(args, TASK_OUTLASTS_LAMBDA_DEFAULTS);
    const machines = args.resources.filter((r) => r.type === TYPES.stateMachine);
    if (machines.length === 0) return args.notApplicable(`Policy only applies to stacks with resources of type '${TYPES.stateMachine}'`);
    const functions = stackFunctions(args.resources);
    for (const machine of machines) {
      const read = readDefinition(prop(machine.props, "definition"));
      if (read.status !== "ok") continue; // sfn-definition-readable reports it
      for (const task of taskStates(read.definition)) {
        const ref = lambdaReferenceOf(task.state);
        if (!ref) continue;
        const fn = functions.find((f) => ref.arn !== undefined && f.arn === ref.arn)
          ?? functions.find((f) => f.functionName === ref.name && (ref.arn === undefined || f.arn === undefined));
        if (!fn) continue;
        const timeout = taskTimeout(task.state);
        if (timeout.kind !== "seconds" || typeof timeout.seconds !== "number") continue; // sfn-task-timeout reports those
        const needed = fn.timeout + minMarginSeconds;
        if (timeout.seconds < needed) {
          report(
            `${label("State machine", machine.name)}: Task ${task.path} has TimeoutSeconds ${timeout.seconds}, ${timeout.seconds <= fn.timeout ? "not more than" : `only ${timeout.seconds - fn.timeout} s more than (at least ${minMarginSeconds} s required)`} the ${fn.timeout} s timeout of ${label("Lambda function", fn.resource.name)} it invokes (${ref.via}): the Task gives up, and a Retry starts another attempt, while the first invocation may still be running (charging a card twice). Fix: set the Task's TimeoutSeconds to at least ${needed}, or lower the function's timeout to at most ${timeout.seconds - minMarginSeconds}.`,
            machine.urn,
          );
        }
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------------------
// Retries (advisory by default)
// ---------------------------------------------------------------------------------------------------------

export interface RetryBoundedConfig {
  /** The most attempts a Retry on States.ALL or States.TaskFailed may make. */
  maxAttempts: number;
}
export const RETRY_BOUNDED_DEFAULTS: RetryBoundedConfig = { maxAttempts: DEFAULT_MAX_ATTEMPTS };

export const sfnRetryBounded: ResourceValidationPolicy = {
  name: "sfn-retry-bounded",
  description: "No Retry on States.ALL or States.TaskFailed makes more than a maximum number of attempts.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions", "retries"],
  remediationSteps: "Retry only transient errors by name (Lambda.ServiceException, Lambda.TooManyRequestsException, ThrottlingException, ...) and keep catch-all retries short.",
  configSchema: {
    properties: {
      maxAttempts: integerSchema("The most attempts a Retry on States.ALL or States.TaskFailed may make (ASL's default MaxAttempts is 3).", RETRY_BOUNDED_DEFAULTS.maxAttempts, 0),
    },
  },
  validateResource: onTypes(TYPES.stateMachine, (args, report) => {
    const { maxAttempts } = withDefaults(args, RETRY_BOUNDED_DEFAULTS);
    const sm = label("State machine", args.name);
    for (const state of walkStates(definitionOf(args))) {
      for (const retrier of retriersOf(state.state)) {
        const broad = retrier.errors.filter((e) => CATCH_ALL_ERRORS.includes(e));
        if (broad.length === 0) continue;
        const attempts = typeof retrier.rule.MaxAttempts === "number" ? retrier.rule.MaxAttempts : DEFAULT_MAX_ATTEMPTS;
        if (attempts > maxAttempts) {
          report(`${sm}: Retry[${retrier.index}] of ${state.path} retries ${quoteList(broad)} with MaxAttempts ${attempts}, above the limit of ${maxAttempts}: a catch-all retry repeats failures that will never succeed (invalid input, bugs) and delays the failure for minutes. Fix: retry only transient errors by name (e.g. "Lambda.ServiceException", "Lambda.TooManyRequestsException", "ThrottlingException") and lower MaxAttempts to at most ${maxAttempts}.`);
        }
      }
    }
  }),
};

export interface RetryTransientConfig {
  /** Error names that never succeed on a retry. */
  neverTransientErrors: string[];
}
export const RETRY_TRANSIENT_DEFAULTS: RetryTransientConfig = {
  // The component's own list: what it refuses to generate, the pack refuses to accept.
  neverTransientErrors: [...NEVER_TRANSIENT_ERRORS],
};

export const sfnRetryTransientOnly: ResourceValidationPolicy = {
  name: "sfn-retry-transient-only",
  description: "No Retry names an error that is never transient (ValidationError and the configured list).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions", "retries"],
  remediationSteps: "Remove never-transient errors from Retry rules and handle them in a Catch.",
  configSchema: {
    properties: {
      neverTransientErrors: {
        type: "array",
        items: { type: "string" },
        default: RETRY_TRANSIENT_DEFAULTS.neverTransientErrors,
        description: "Error names that never succeed on a retry.",
      },
    },
  },
  validateResource: onTypes(TYPES.stateMachine, (args, report) => {
    const { neverTransientErrors } = withDefaults(args, RETRY_TRANSIENT_DEFAULTS);
    const sm = label("State machine", args.name);
    for (const state of walkStates(definitionOf(args))) {
      for (const retrier of retriersOf(state.state)) {
        const permanent = retrier.errors.filter((e) => neverTransientErrors.includes(e));
        if (permanent.length === 0) continue;
        report(`${sm}: Retry[${retrier.index}] of ${state.path} retries ${quoteList(permanent)}, which never goes away on a retry: every attempt fails the same way and only delays the failure. Fix: remove ${quoteList(permanent)} from the Retry's ErrorEquals and handle it in a Catch (e.g. notify, then fail).`);
      }
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// Observability: tracing, logging, failure paths
// ---------------------------------------------------------------------------------------------------------

export const sfnXrayTracing: ResourceValidationPolicy = {
  name: "sfn-xray-tracing",
  description: "State machines have X-Ray tracing enabled.",
  enforcementLevel: "advisory",
  severity: "low",
  tags: ["step-functions", "observability"],
  remediationSteps: "Set tracingConfiguration: { enabled: true } on the state machine (its role needs the X-Ray write actions).",
  validateResource: onTypes(TYPES.stateMachine, (args, report) => {
    const enabled = propPath(args.props, "tracingConfiguration", "enabled");
    if (enabled === UNKNOWN) return unknownDuringPreview(args, "tracingConfiguration", "tracingConfiguration");
    if (enabled !== true) {
      report(`${label("State machine", args.name)} has X-Ray tracing off (tracingConfiguration.enabled is ${enabled === undefined ? "not set" : JSON.stringify(enabled)}): a failed execution cannot be followed across its Lambdas and services. Fix: set tracingConfiguration: { enabled: true } (the state machine's role needs xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules and xray:GetSamplingTargets).`);
    }
  }),
};

export const lambdaXrayTracing: ResourceValidationPolicy = {
  name: "lambda-xray-tracing",
  description: "Lambda functions have active X-Ray tracing (tracingConfig.mode \"Active\").",
  enforcementLevel: "advisory",
  severity: "low",
  tags: ["lambda", "observability"],
  remediationSteps: "Set tracingConfig: { mode: \"Active\" } on every function (its role needs xray:PutTraceSegments and xray:PutTelemetryRecords).",
  validateResource: onTypes(TYPES.lambdaFunction, (args, report) => {
    const mode = propPath(args.props, "tracingConfig", "mode");
    if (mode === UNKNOWN) return unknownDuringPreview(args, "tracingConfig", "tracingConfig");
    if (mode !== "Active") {
      report(`${label("Lambda function", args.name)} does not have active X-Ray tracing (tracingConfig.mode is ${mode === undefined ? "not set" : JSON.stringify(mode)}): its part of a workflow's trace is missing. Fix: set tracingConfig: { mode: "Active" } (its role needs xray:PutTraceSegments and xray:PutTelemetryRecords).`);
    }
  }),
};

export interface SfnLoggingConfig {
  /** Log levels that count as logging. */
  allowedLevels: string[];
}
export const SFN_LOGGING_DEFAULTS: SfnLoggingConfig = { allowedLevels: ["ALL", "ERROR", "FATAL"] };

export const sfnLogging: ResourceValidationPolicy = {
  name: "sfn-logging",
  description: "State machines log to a CloudWatch log group (loggingConfiguration with a level other than OFF and a logDestination).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions", "observability"],
  remediationSteps: "Set loggingConfiguration: { level: \"ERROR\", includeExecutionData: false, logDestination: `${logGroup.arn}:*` }.",
  configSchema: {
    properties: {
      allowedLevels: {
        type: "array",
        items: { type: "string", enum: ["ALL", "ERROR", "FATAL", "OFF"] },
        default: SFN_LOGGING_DEFAULTS.allowedLevels,
        description: "Log levels that count as logging.",
      },
    },
  },
  validateResource: onTypes(TYPES.stateMachine, (args, report) => {
    const { allowedLevels } = withDefaults(args, SFN_LOGGING_DEFAULTS);
    const sm = label("State machine", args.name);
    const fix = "set loggingConfiguration: { level: \"ERROR\", includeExecutionData: false, logDestination: `${logGroup.arn}:*` } with a log group that has a retention";
    const logging = prop(args.props, "loggingConfiguration");
    if (logging === UNKNOWN) return unknownDuringPreview(args, "loggingConfiguration", "loggingConfiguration");
    if (!isRecord(logging)) {
      report(`${sm} has no loggingConfiguration, so its level is OFF: failed executions leave no log. Fix: ${fix}.`);
      return;
    }
    const level = logging.level;
    if (level !== UNKNOWN && (typeof level !== "string" || !allowedLevels.includes(level))) {
      report(`${sm} logs at level ${level === undefined ? "OFF (not set)" : JSON.stringify(level)}, not one of ${quoteList(allowedLevels)}: failed executions leave no log. Fix: ${fix}.`);
    }
    const destination = logging.logDestination;
    if (destination === UNKNOWN) return;
    if (typeof destination !== "string" || destination === "") {
      report(`${sm} has loggingConfiguration without a logDestination: there is no log group to write to. Fix: ${fix}.`);
    } else if (!destination.endsWith(":*")) {
      report(`${sm} has logDestination "${destination}", which AWS rejects: it must be a log group ARN ending in ":*". Fix: append ":*" to the log group ARN (logDestination: \`\${logGroup.arn}:*\`).`);
    }
  }),
};

export interface FailurePathsConfig {
  /** Extra Task Resource prefixes that count as observable (beyond SNS publish, SQS send, EventBridge put, Lambda). */
  observableResourcePrefixes: string[];
}
export const FAILURE_PATHS_DEFAULTS: FailurePathsConfig = { observableResourcePrefixes: [] };

export const sfnFailurePathsObservable: ResourceValidationPolicy = {
  name: "sfn-failure-paths-observable",
  description: "Every Catch leads somewhere observable: through an SNS publish, SQS send, EventBridge put or Lambda Task, not only to Fail, Pass or Succeed states.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions", "observability", "error-handling"],
  remediationSteps: "Route every Catch through a notify (arn:aws:states:::sns:publish), dead-letter (arn:aws:states:::sqs:sendMessage), event (arn:aws:states:::events:putEvents) or Lambda Task before it ends.",
  configSchema: {
    properties: {
      observableResourcePrefixes: {
        type: "array",
        items: { type: "string" },
        default: FAILURE_PATHS_DEFAULTS.observableResourcePrefixes,
        description: "Extra Task Resource prefixes that count as observable (e.g. \"arn:aws:states:::dynamodb:putItem\").",
      },
    },
  },
  validateResource: onTypes(TYPES.stateMachine, (args, report) => {
    const { observableResourcePrefixes } = withDefaults(args, FAILURE_PATHS_DEFAULTS);
    const sm = label("State machine", args.name);
    for (const found of unobservedFailurePaths(definitionOf(args), observableResourcePrefixes)) {
      report(`${sm}: Catch[${found.catchIndex}] of ${found.catcher.path} (ErrorEquals ${JSON.stringify(found.errors)}) leads ${found.path.join(" -> ")} to ${found.ending} without a notification, dead-letter message, event or Lambda on the way: the failure disappears without a trace anyone will see. Fix: route it through a Task that publishes to SNS (arn:aws:states:::sns:publish), sends to SQS (arn:aws:states:::sqs:sendMessage), puts an event (arn:aws:states:::events:putEvents) or invokes a Lambda before it ends.`);
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// Definition hygiene
// ---------------------------------------------------------------------------------------------------------

export const sfnDefinitionReadable: ResourceValidationPolicy = {
  name: "sfn-definition-readable",
  description: "State machine definitions can be read and checked: valid Amazon States Language JSON, known at preview time.",
  enforcementLevel: "advisory",
  severity: "low",
  tags: ["step-functions"],
  remediationSteps: "Pass a valid ASL JSON document; definitions unknown during preview are checked on `pulumi up`.",
  validateResource: onTypes(TYPES.stateMachine, (args, report) => {
    const read = readDefinition(prop(args.props, "definition"));
    if (read.status !== "ok") report(`${label("State machine", args.name)}: ${read.message}.`);
  }),
};

export const sfnTaskResourceIsIntegration: ResourceValidationPolicy = {
  name: "sfn-task-resource-is-integration",
  description: "Task Resources are service integrations, Lambda function ARNs or activities, never a topic, queue or state machine ARN (AWS rejects those at deploy time).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions"],
  remediationSteps: "Use arn:aws:states:::sns:publish, arn:aws:states:::sqs:sendMessage, arn:aws:states:::states:startExecution.sync:2 ... and pass the resource in Parameters.",
  validateResource: onTypes(TYPES.stateMachine, (args, report) => {
    const sm = label("State machine", args.name);
    for (const task of taskStates(definitionOf(args))) {
      const kind = classifyTaskResource(task.state.Resource);
      if (kind.kind !== "not-an-integration") continue;
      report(`${sm}: Task ${task.path} has Resource "${String(task.state.Resource)}", a ${kind.service} resource ARN rather than a service integration: AWS rejects the definition at deploy time. Fix: ${kind.hint}.`);
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// EventBridge
// ---------------------------------------------------------------------------------------------------------

const STATE_MACHINE_ARN = /^arn:aws[a-zA-Z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:/;

export const eventbridgeSfnTargetRetryDlq: ResourceValidationPolicy = {
  name: "eventbridge-sfn-target-retry-dlq",
  description: "Every EventBridge target that starts a state machine has a retry policy and a dead-letter queue.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["eventbridge", "step-functions", "error-handling"],
  remediationSteps: "Set retryPolicy and deadLetterConfig.arn on the aws.cloudwatch.EventTarget; the queue policy must allow events.amazonaws.com sqs:SendMessage for the rule.",
  validateResource: onTypes(TYPES.eventTarget, (args, report) => {
    const arn = prop(args.props, "arn");
    const retryPolicy = prop(args.props, "retryPolicy");
    const dlqArn = propPath(args.props, "deadLetterConfig", "arn");
    const hasRetry = isRecord(retryPolicy) || retryPolicy === UNKNOWN;
    const hasDlq = (typeof dlqArn === "string" && dlqArn !== "") || dlqArn === UNKNOWN;
    if (arn === UNKNOWN) {
      if (hasRetry && hasDlq) return;
      return unknownDuringPreview(args, "arn", "The target's arn");
    }
    if (typeof arn !== "string" || !STATE_MACHINE_ARN.test(arn)) {
      return args.notApplicable("The target does not start a Step Functions state machine");
    }
    const target = `${label("EventBridge target", args.name)} starts state machine ${arn}`;
    if (!hasRetry) {
      report(`${target} without a retryPolicy: EventBridge falls back to retrying for 24 hours (185 attempts), hiding a broken target for a day. Fix: set retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 } (values to suit).`);
    }
    if (!hasDlq) {
      report(`${target} without a deadLetterConfig: an event that cannot start an execution (throttling, missing permissions, a deleted state machine) is dropped silently once the retries end. Fix: set deadLetterConfig: { arn: queue.arn } with an SQS queue whose policy lets events.amazonaws.com sqs:SendMessage for this rule (aws:SourceArn).`);
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------------------

export interface IamConfig {
  /** Actions that may be granted on Resource "*". */
  wildcardResourceActions: string[];
  /** Report AWS managed policies that grant whole services (…FullAccess, AdministratorAccess, PowerUserAccess). */
  reportBroadManagedPolicies: boolean;
}
export const IAM_DEFAULTS: IamConfig = { wildcardResourceActions: [...DEFAULT_WILDCARD_RESOURCE_ACTIONS], reportBroadManagedPolicies: true };

const IAM_TYPES = [TYPES.rolePolicy, TYPES.policy, TYPES.userPolicy, TYPES.groupPolicy, TYPES.role, TYPES.rolePolicyAttachment];

export const iamNoWildcards: ResourceValidationPolicy = {
  name: "iam-no-wildcards",
  description: "IAM policies grant no \"*\" action and no \"*\" resource, except for the allowlisted X-Ray and log-delivery actions AWS requires it for.",
  enforcementLevel: "advisory",
  severity: "high",
  tags: ["iam", "least-privilege"],
  remediationSteps: "List exact actions and resource ARNs; keep Resource \"*\" for the X-Ray and CloudWatch Logs delivery actions only.",
  configSchema: {
    properties: {
      wildcardResourceActions: {
        type: "array",
        items: { type: "string" },
        default: IAM_DEFAULTS.wildcardResourceActions,
        description: "Actions that may be granted on Resource \"*\".",
      },
      reportBroadManagedPolicies: {
        type: "boolean",
        default: IAM_DEFAULTS.reportBroadManagedPolicies,
        description: "Report AWS managed policies that grant whole services (…FullAccess, AdministratorAccess, PowerUserAccess).",
      },
    },
  },
  validateResource: onTypes(IAM_TYPES, (args, report) => {
    const { wildcardResourceActions, reportBroadManagedPolicies } = withDefaults(args, IAM_DEFAULTS);
    const checkDocument = (owner: string, key: string, value: unknown): void => {
      const parsed = parseJsonProperty(value);
      if (parsed.status === "absent") return;
      if (parsed.status === "unknown") return unknownDuringPreview(args, key, `${owner}'s policy document`);
      if (parsed.status === "invalid") {
        report(`${owner}: the policy document cannot be read: ${parsed.reason}. Fix: pass a valid IAM policy document (JSON string or object with Version and Statement).`);
        return;
      }
      for (const f of wildcardFindings(parsed.value, wildcardResourceActions)) {
        report(`${owner}: ${f.where} ${f.problem}. Fix: ${f.fix}.`);
      }
    };
    const checkManaged = (owner: string, arn: unknown): void => {
      if (reportBroadManagedPolicies && typeof arn === "string" && isBroadManagedPolicy(arn)) {
        report(`${owner} attaches the AWS managed policy ${arn}, which grants a whole service (or everything). Fix: replace it with an inline policy listing the exact actions and resources (an aws.lambda.CallbackFunction given neither \`role\` nor \`policies\` attaches nine such policies: pass a least-privilege role).`);
      }
    };
    switch (args.type) {
      case TYPES.rolePolicy:
        return checkDocument(label("IAM role policy", args.name), "policy", prop(args.props, "policy"));
      case TYPES.policy:
        return checkDocument(label("IAM policy", args.name), "policy", prop(args.props, "policy"));
      case TYPES.userPolicy:
        return checkDocument(label("IAM user policy", args.name), "policy", prop(args.props, "policy"));
      case TYPES.groupPolicy:
        return checkDocument(label("IAM group policy", args.name), "policy", prop(args.props, "policy"));
      case TYPES.rolePolicyAttachment:
        return checkManaged(label("IAM role policy attachment", args.name), prop(args.props, "policyArn"));
      case TYPES.role: {
        const role = label("IAM role", args.name);
        const inline = prop(args.props, "inlinePolicies");
        if (inline === UNKNOWN) return unknownDuringPreview(args, "inlinePolicies", `${role}'s inline policies`);
        asArray(inline).forEach((entry, i) => {
          if (!isRecord(entry)) return;
          const name = typeof entry.name === "string" ? entry.name : `#${i}`;
          checkDocument(`${role}, inline policy "${name}"`, "inlinePolicies", entry.policy);
        });
        const managed = prop(args.props, "managedPolicyArns");
        if (managed !== UNKNOWN) for (const arn of asArray(managed)) checkManaged(role, arn);
        return;
      }
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// Alarms, encryption, retention
// ---------------------------------------------------------------------------------------------------------

export interface AlarmActionsConfig {
  /** Also require okActions, so recovery is announced too. */
  requireOkActions: boolean;
}
export const ALARM_ACTIONS_DEFAULTS: AlarmActionsConfig = { requireOkActions: false };

export const cloudwatchAlarmActions: ResourceValidationPolicy = {
  name: "cloudwatch-alarm-actions",
  description: "CloudWatch metric alarms have alarm actions (and, if configured, OK actions), with actions enabled.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["cloudwatch", "observability"],
  remediationSteps: "Set alarmActions (and okActions) to an SNS topic someone reads.",
  configSchema: {
    properties: {
      requireOkActions: {
        type: "boolean",
        default: ALARM_ACTIONS_DEFAULTS.requireOkActions,
        description: "Also require okActions, so recovery is announced too.",
      },
    },
  },
  validateResource: onTypes(TYPES.metricAlarm, (args, report) => {
    const { requireOkActions } = withDefaults(args, ALARM_ACTIONS_DEFAULTS);
    const alarm = label("CloudWatch alarm", args.name);
    const actions = prop(args.props, "alarmActions");
    if (actions !== UNKNOWN && asArray(actions).length === 0) {
      report(`${alarm} has no alarmActions: it changes state and nobody is told. Fix: set alarmActions: [alertTopic.arn] (and okActions).`);
    }
    if (prop(args.props, "actionsEnabled") === false) {
      report(`${alarm} has actionsEnabled: false, so its actions never run. Fix: remove actionsEnabled or set it to true.`);
    }
    if (requireOkActions) {
      const ok = prop(args.props, "okActions");
      if (ok !== UNKNOWN && asArray(ok).length === 0) {
        report(`${alarm} has no okActions: nobody hears that the problem is over. Fix: set okActions: [alertTopic.arn].`);
      }
    }
  }),
};

export const sqsEncrypted: ResourceValidationPolicy = {
  name: "sqs-encrypted",
  description: "SQS queues are encrypted at rest (kmsMasterKeyId or sqsManagedSseEnabled).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["sqs", "encryption"],
  remediationSteps: "Set sqsManagedSseEnabled: true or kmsMasterKeyId on the queue.",
  validateResource: onTypes(TYPES.queue, (args, report) => {
    const key = prop(args.props, "kmsMasterKeyId");
    const managed = prop(args.props, "sqsManagedSseEnabled");
    if (key === UNKNOWN || managed === UNKNOWN) return;
    if ((typeof key !== "string" || key === "") && managed !== true) {
      report(`${label("SQS queue", args.name)} is not encrypted at rest (neither kmsMasterKeyId nor sqsManagedSseEnabled is set): failed orders in a dead-letter queue carry customer data. Fix: set sqsManagedSseEnabled: true, or kmsMasterKeyId to a KMS key whose policy lets the senders (e.g. events.amazonaws.com) use it.`);
    }
  }),
};

export const snsEncrypted: ResourceValidationPolicy = {
  name: "sns-encrypted",
  description: "SNS topics are encrypted at rest (kmsMasterKeyId).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["sns", "encryption"],
  remediationSteps: "Set kmsMasterKeyId to a customer managed KMS key whose policy allows the publishers (CloudWatch alarms need cloudwatch.amazonaws.com).",
  validateResource: onTypes(TYPES.topic, (args, report) => {
    const key = prop(args.props, "kmsMasterKeyId");
    if (key === UNKNOWN) return;
    if (typeof key !== "string" || key === "") {
      report(`${label("SNS topic", args.name)} is not encrypted at rest (kmsMasterKeyId is not set). Fix: set kmsMasterKeyId to a customer managed KMS key whose key policy lets the publishers use it (alias/aws/sns cannot be used by CloudWatch alarms, so an alert topic needs its own key allowing cloudwatch.amazonaws.com).`);
    }
  }),
};

export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description: "CloudWatch log groups set retentionInDays.",
  enforcementLevel: "advisory",
  severity: "low",
  tags: ["cloudwatch", "cost"],
  remediationSteps: "Set retentionInDays (e.g. 30) on every log group.",
  validateResource: onTypes(TYPES.logGroup, (args, report) => {
    const days = prop(args.props, "retentionInDays");
    if (days === UNKNOWN) return;
    if (!isPositiveInteger(days)) {
      report(`${label("CloudWatch log group", args.name)} keeps its logs forever (retentionInDays is ${days === undefined ? "not set" : JSON.stringify(days)}): cost grows without end and old execution data is never deleted. Fix: set retentionInDays, e.g. 30.`);
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// The pack's policy list
// ---------------------------------------------------------------------------------------------------------

/** Every policy of the pack, mandatory ones first. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  sfnTaskTimeout,
  sfnExecutionTimeout,
  lambdaExplicitTimeout,
  sfnTaskOutlastsLambda,
  sfnRetryBounded,
  sfnRetryTransientOnly,
  sfnXrayTracing,
  lambdaXrayTracing,
  sfnLogging,
  sfnFailurePathsObservable,
  sfnDefinitionReadable,
  sfnTaskResourceIsIntegration,
  eventbridgeSfnTargetRetryDlq,
  iamNoWildcards,
  cloudwatchAlarmActions,
  sqsEncrypted,
  snsEncrypted,
  logGroupRetention,
];
