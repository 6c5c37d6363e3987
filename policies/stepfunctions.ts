/**
 * Step Functions policies: every state machine, hand-written or generated, has bounded timeouts, retries only
 * what can succeed on a retry, is traced and logged, routes its failures somewhere visible, and uses service
 * integrations as Task resources, and fits its worst-case time budget in its execution timeout. `sfn-task-outlasts-lambda` is the pack's one stack policy: it pairs each
 * Task with the Lambda function of the same stack it invokes.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isCallbackTask, parseIntegrationArn, WAIT_FOR_TASK_TOKEN } from "event-driven-workflow/asl";
import {
  CATCH_ALL_ERRORS,
  describePath,
  formatDuration,
  NEVER_TRANSIENT_ERRORS,
  timeBudgetNote,
  timeBudgetOfDefinition,
} from "event-driven-workflow/core";
import {
  classifyTaskResource,
  DEFAULT_MAX_ATTEMPTS,
  lambdaReferenceOf,
  parseFunctionReference,
  retriersOf,
  taskStates,
  taskTimeout,
  unobservedFailurePaths,
  walkStates,
} from "./asl";
import {
  definitionOf,
  integerSchema,
  isPositiveInteger,
  label,
  LAMBDA_DEFAULT_TIMEOUT,
  LAMBDA_FUNCTION_TYPES,
  NATIVE_TYPES,
  onTypes,
  quoteList,
  readStateMachineDefinition,
  remediateOnType,
  STATE_MACHINE_TYPES,
  TYPES,
  unknownDuringPreview,
  withProperty,
} from "./common";
import { asArray, isRecord, prop, propPath, UNKNOWN, withDefaults } from "./values";

// ---------------------------------------------------------------------------------------------------------
// Timeouts (mandatory by default)
// ---------------------------------------------------------------------------------------------------------

/** Configuration of {@link sfnTaskTimeout}. */
export interface TaskTimeoutConfig {
  /** The longest TimeoutSeconds a Task may set. */
  maxTimeoutSeconds: number;
  /** The longest TimeoutSeconds a callback Task (`.waitForTaskToken`: it waits for a person or a slow system) may set. */
  maxCallbackTimeoutSeconds: number;
  /** The longest TimeoutSeconds a job Task (`.sync`, `.sync:2`: it waits for a job or a child execution to finish) may set. */
  maxJobTimeoutSeconds: number;
}
/** {@link sfnTaskTimeout}'s defaults, also its config schema's. */
export const TASK_TIMEOUT_DEFAULTS: TaskTimeoutConfig = {
  maxTimeoutSeconds: 3600,
  maxCallbackTimeoutSeconds: 604_800,
  maxJobTimeoutSeconds: 172_800,
};

/** Which maximum bounds a Task's timeout, by how it waits: for an answer (a task token), for a job to finish (`.sync`), or for a call. */
function timeoutLimitOf(resource: unknown): keyof TaskTimeoutConfig {
  const pattern = parseIntegrationArn(resource)?.pattern;
  if (pattern === WAIT_FOR_TASK_TOKEN) return "maxCallbackTimeoutSeconds";
  if (pattern?.startsWith(".sync")) return "maxJobTimeoutSeconds";
  return "maxTimeoutSeconds";
}

/** `sfn-task-timeout`: every Task, at any depth, has a timeout within a maximum. */
export const sfnTaskTimeout: ResourceValidationPolicy = {
  name: "sfn-task-timeout",
  description:
    "Every Task state, at any depth (Parallel branches, Map item processors), sets TimeoutSeconds within a maximum; a timeout read from the execution (TimeoutSecondsPath, a JSONata expression) must be provably capped within it.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["step-functions", "timeouts"],
  remediationSteps:
    'Add "TimeoutSeconds": <seconds> (a whole number, at most maxTimeoutSeconds, default 3600) to every Task state, including those inside Parallel branches and Map item processors; a timeout taken from the execution needs a cap the pack can see, e.g. "TimeoutSeconds": "{% $min([$states.input.timeout, 300]) %}" (JSONata) instead of TimeoutSecondsPath; for a Task that invokes a Lambda, make it longer than the function\'s timeout.',
  configSchema: {
    properties: {
      maxTimeoutSeconds: integerSchema("The longest TimeoutSeconds a Task may set.", TASK_TIMEOUT_DEFAULTS.maxTimeoutSeconds),
      maxCallbackTimeoutSeconds: integerSchema(
        "The longest TimeoutSeconds a callback Task (.waitForTaskToken) may set: it waits for a person or a slow system.",
        TASK_TIMEOUT_DEFAULTS.maxCallbackTimeoutSeconds,
      ),
      maxJobTimeoutSeconds: integerSchema(
        "The longest TimeoutSeconds a job Task (.sync, .sync:2) may set: it waits for a job (Glue, Batch, ECS, ...) or a child execution to finish.",
        TASK_TIMEOUT_DEFAULTS.maxJobTimeoutSeconds,
      ),
    },
  },
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const limits = withDefaults(args, TASK_TIMEOUT_DEFAULTS);
    const sm = label("State machine", args.name);
    for (const task of taskStates(definitionOf(args))) {
      const limitKey = timeoutLimitOf(task.state.Resource);
      const maxTimeoutSeconds = limits[limitKey];
      const timeout = taskTimeout(task.state);
      if (timeout.kind === "dynamic") {
        if (timeout.bound === undefined) {
          report(
            `${sm}: Task ${task.path} reads its timeout from the execution (${timeout.source}) and nothing bounds it, so one input can hold the execution for up to 99999999 s. Fix: cap it, e.g. "TimeoutSeconds": "{% $min([<the expression>, ${maxTimeoutSeconds}]) %}" (JSONata), or set a fixed "TimeoutSeconds" (at most ${maxTimeoutSeconds}).`,
          );
        } else if (timeout.bound > maxTimeoutSeconds) {
          report(
            `${sm}: Task ${task.path} reads its timeout from the execution (${timeout.source}), bounded at ${timeout.bound} s, above the maximum of ${maxTimeoutSeconds}. Fix: lower the cap to at most ${maxTimeoutSeconds}.`,
          );
        }
        continue;
      }
      if (timeout.kind === "none") {
        report(
          `${sm}: Task ${task.path} has no TimeoutSeconds or TimeoutSecondsPath, so a hung call holds the execution until the whole workflow times out (a Task waits up to 99999999 s by default). Fix: add "TimeoutSeconds": <seconds> (at most ${maxTimeoutSeconds}) to the state.`,
        );
      } else if (!isPositiveInteger(timeout.seconds)) {
        report(
          `${sm}: Task ${task.path} has TimeoutSeconds ${JSON.stringify(timeout.seconds)}, not a positive whole number of seconds. Fix: set "TimeoutSeconds" to a whole number from 1 to ${maxTimeoutSeconds}.`,
        );
      } else if (timeout.seconds > maxTimeoutSeconds) {
        report(
          `${sm}: Task ${task.path} has TimeoutSeconds ${timeout.seconds}, above the maximum of ${maxTimeoutSeconds}. Fix: lower "TimeoutSeconds" to at most ${maxTimeoutSeconds} (or raise this policy's ${limitKey} if the task really needs longer).`,
        );
      }
    }
  }),
};

/** Config of `sfn-callback-heartbeat`. */
export interface CallbackHeartbeatConfig {
  /** A callback Task waiting longer than this without HeartbeatSeconds is reported. */
  heartbeatRequiredAboveSeconds: number;
}

/** Defaults of `sfn-callback-heartbeat`: waits beyond an hour should heartbeat. */
export const CALLBACK_HEARTBEAT_DEFAULTS: CallbackHeartbeatConfig = { heartbeatRequiredAboveSeconds: 3600 };

/** `sfn-callback-heartbeat`: a long callback wait notices a silent worker through heartbeats, not only at its timeout. */
export const sfnCallbackHeartbeat: ResourceValidationPolicy = {
  name: "sfn-callback-heartbeat",
  description:
    "Every callback Task (.waitForTaskToken) that waits longer than an hour sets HeartbeatSeconds, so a worker that died is noticed early.",
  enforcementLevel: "advisory",
  severity: "low",
  tags: ["step-functions", "timeouts", "callbacks"],
  remediationSteps:
    'Add "HeartbeatSeconds": <seconds> (less than TimeoutSeconds) to the callback Task and have the system holding the token call SendTaskHeartbeat more often than that (waitForCallback: `heartbeatSeconds`); a wait for a person, who does not heartbeat, can keep this advisory finding.',
  configSchema: {
    properties: {
      heartbeatRequiredAboveSeconds: integerSchema(
        "A callback Task waiting longer than this many seconds without HeartbeatSeconds is reported.",
        CALLBACK_HEARTBEAT_DEFAULTS.heartbeatRequiredAboveSeconds,
      ),
    },
  },
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const { heartbeatRequiredAboveSeconds } = withDefaults(args, CALLBACK_HEARTBEAT_DEFAULTS);
    const sm = label("State machine", args.name);
    for (const task of taskStates(definitionOf(args))) {
      if (
        !isCallbackTask(task.state.Resource) ||
        task.state.HeartbeatSeconds !== undefined ||
        task.state.HeartbeatSecondsPath !== undefined
      )
        continue;
      const timeout = taskTimeout(task.state);
      if (timeout.kind === "seconds" && typeof timeout.seconds === "number" && timeout.seconds > heartbeatRequiredAboveSeconds) {
        report(
          `${sm}: callback Task ${task.path} waits up to ${timeout.seconds} s with no HeartbeatSeconds, so a worker that died holding its token is noticed only then. Fix: add "HeartbeatSeconds" (below ${timeout.seconds}) and heartbeat with SendTaskHeartbeat.`,
        );
      }
    }
  }),
};

/** Configuration of {@link sfnExecutionTimeout}. */
export interface ExecutionTimeoutConfig {
  /** The longest whole-execution TimeoutSeconds; unlimited when unset. */
  maxTimeoutSeconds?: number;
}
/** {@link sfnExecutionTimeout}'s defaults: no maximum. */
export const EXECUTION_TIMEOUT_DEFAULTS: ExecutionTimeoutConfig = {};

/** `sfn-execution-timeout`: the whole execution has a timeout. */
export const sfnExecutionTimeout: ResourceValidationPolicy = {
  name: "sfn-execution-timeout",
  description: "Every state machine sets a top-level TimeoutSeconds for the whole execution.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["step-functions", "timeouts"],
  remediationSteps:
    'Add "TimeoutSeconds": <seconds> (a whole number, at most maxTimeoutSeconds when configured) at the top level of the definition, next to StartAt, longer than the slowest successful execution.',
  configSchema: {
    properties: {
      maxTimeoutSeconds: integerSchema("The longest whole-execution TimeoutSeconds (unset: no maximum)."),
    },
  },
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const { maxTimeoutSeconds } = withDefaults(args, EXECUTION_TIMEOUT_DEFAULTS);
    const sm = label("State machine", args.name);
    const seconds = definitionOf(args).TimeoutSeconds;
    if (seconds === undefined) {
      report(
        `${sm} has no top-level TimeoutSeconds, so a stuck execution runs until the service limit (a year for STANDARD workflows), holding its order and its cost. Fix: add "TimeoutSeconds": <seconds> at the top level of the definition, next to StartAt.`,
      );
    } else if (!isPositiveInteger(seconds)) {
      report(
        `${sm} has top-level TimeoutSeconds ${JSON.stringify(seconds)}, not a positive whole number of seconds. Fix: set the top-level "TimeoutSeconds" to a whole number of seconds.`,
      );
    } else if (maxTimeoutSeconds !== undefined && seconds > maxTimeoutSeconds) {
      report(
        `${sm} has top-level TimeoutSeconds ${seconds}, above the maximum of ${maxTimeoutSeconds}. Fix: lower it to at most ${maxTimeoutSeconds}.`,
      );
    }
  }),
};

/** Configuration of {@link sfnTaskOutlastsLambda}. */
export interface TaskOutlastsLambdaConfig {
  /** How many seconds longer than its Lambda's timeout a Task's TimeoutSeconds must be, at least. */
  minMarginSeconds: number;
}
/** {@link sfnTaskOutlastsLambda}'s defaults, also its config schema's. */
export const TASK_OUTLASTS_LAMBDA_DEFAULTS: TaskOutlastsLambdaConfig = { minMarginSeconds: 1 };

/** A Lambda function of the stack, as the stack policy sees it. */
interface StackFunction {
  resource: PolicyResource;
  functionName?: string;
  arn?: string;
  timeout: number;
}

/** The stack's Lambda functions whose timeout is known (unset counts as Lambda's default). */
function stackFunctions(resources: readonly PolicyResource[]): StackFunction[] {
  const out: StackFunction[] = [];
  for (const resource of resources) {
    if (!LAMBDA_FUNCTION_TYPES.includes(resource.type)) continue;
    const timeout = prop(resource.props, "timeout");
    if (timeout === UNKNOWN) continue;
    const arnValue = prop(resource.props, "arn");
    const nameValue = prop(resource.props, resource.type === NATIVE_TYPES.lambdaFunction ? "functionName" : "name");
    const arn = typeof arnValue === "string" ? parseFunctionReference(arnValue)?.arn : undefined;
    const functionName = typeof nameValue === "string" ? nameValue : arn ? parseFunctionReference(arn)?.name : undefined;
    out.push({ resource, arn, functionName, timeout: typeof timeout === "number" ? timeout : LAMBDA_DEFAULT_TIMEOUT });
  }
  return out;
}

/** `sfn-task-outlasts-lambda` (stack policy): a Task gives the Lambda it invokes more time than the Lambda's timeout. */
export const sfnTaskOutlastsLambda: StackValidationPolicy = {
  name: "sfn-task-outlasts-lambda",
  description:
    "A Task that invokes a Lambda function of the same stack gives it more time (TimeoutSeconds) than the function's own timeout.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["step-functions", "lambda", "timeouts"],
  remediationSteps:
    "Set the Task's TimeoutSeconds to at least the invoked Lambda's `timeout` plus minMarginSeconds (default 1), or lower the function's `timeout` below the Task's TimeoutSeconds, so the Task sees the Lambda's own timeout error instead of abandoning (and retrying) a running invocation.",
  configSchema: {
    properties: {
      minMarginSeconds: integerSchema(
        "How many seconds longer than its Lambda's timeout a Task's TimeoutSeconds must be, at least.",
        TASK_OUTLASTS_LAMBDA_DEFAULTS.minMarginSeconds,
      ),
    },
  },
  validateStack: (args, report) => {
    const { minMarginSeconds } = withDefaults(args, TASK_OUTLASTS_LAMBDA_DEFAULTS);
    const machines = args.resources.filter((r) => STATE_MACHINE_TYPES.includes(r.type));
    if (machines.length === 0)
      return args.notApplicable(
        `Policy only applies to stacks with resources of type ${STATE_MACHINE_TYPES.map((t) => `'${t}'`).join(", ")}`,
      );
    const functions = stackFunctions(args.resources);
    for (const machine of machines) {
      const read = readStateMachineDefinition(machine.type, machine.props);
      if (read.status !== "ok") continue; // sfn-definition-readable reports it
      for (const task of taskStates(read.definition)) {
        const ref = lambdaReferenceOf(task.state);
        if (!ref) continue;
        const fn =
          functions.find((f) => ref.arn !== undefined && f.arn === ref.arn) ??
          functions.find((f) => f.functionName === ref.name && (ref.arn === undefined || f.arn === undefined));
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

/** Configuration of {@link sfnRetryBounded}. */
export interface RetryBoundedConfig {
  /** The most attempts a Retry on States.ALL or States.TaskFailed may make. */
  maxAttempts: number;
}
/** {@link sfnRetryBounded}'s defaults: ASL's own MaxAttempts. */
export const RETRY_BOUNDED_DEFAULTS: RetryBoundedConfig = { maxAttempts: DEFAULT_MAX_ATTEMPTS };

/** `sfn-retry-bounded`: catch-all retries make few attempts. */
export const sfnRetryBounded: ResourceValidationPolicy = {
  name: "sfn-retry-bounded",
  description: "No Retry on States.ALL or States.TaskFailed makes more than a maximum number of attempts.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions", "retries"],
  remediationSteps:
    "In each reported Retry, replace States.ALL / States.TaskFailed in ErrorEquals with the transient errors by name (Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException, Lambda.TooManyRequestsException, ThrottlingException), or lower its MaxAttempts to at most maxAttempts (default 3).",
  configSchema: {
    properties: {
      maxAttempts: integerSchema(
        "The most attempts a Retry on States.ALL or States.TaskFailed may make (ASL's default MaxAttempts is 3).",
        RETRY_BOUNDED_DEFAULTS.maxAttempts,
        0,
      ),
    },
  },
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const { maxAttempts } = withDefaults(args, RETRY_BOUNDED_DEFAULTS);
    const sm = label("State machine", args.name);
    for (const state of walkStates(definitionOf(args))) {
      for (const retrier of retriersOf(state.state)) {
        const broad = retrier.errors.filter((e) => CATCH_ALL_ERRORS.includes(e));
        if (broad.length === 0) continue;
        const attempts = typeof retrier.rule.MaxAttempts === "number" ? retrier.rule.MaxAttempts : DEFAULT_MAX_ATTEMPTS;
        if (attempts > maxAttempts) {
          report(
            `${sm}: Retry[${retrier.index}] of ${state.path} retries ${quoteList(broad)} with MaxAttempts ${attempts}, above the limit of ${maxAttempts}: a catch-all retry repeats failures that will never succeed (invalid input, bugs) and delays the failure for minutes. Fix: retry only transient errors by name (e.g. "Lambda.ServiceException", "Lambda.TooManyRequestsException", "ThrottlingException") and lower MaxAttempts to at most ${maxAttempts}.`,
          );
        }
      }
    }
  }),
};

/** Configuration of {@link sfnRetryTransientOnly}. */
export interface RetryTransientConfig {
  /** Error names that never succeed on a retry. */
  neverTransientErrors: string[];
}
/** {@link sfnRetryTransientOnly}'s defaults, also its config schema's. */
export const RETRY_TRANSIENT_DEFAULTS: RetryTransientConfig = {
  // The component's own list: what it refuses to generate, the pack refuses to accept.
  neverTransientErrors: [...NEVER_TRANSIENT_ERRORS],
};

/** `sfn-retry-transient-only`: no Retry names an error that never succeeds on a retry. */
export const sfnRetryTransientOnly: ResourceValidationPolicy = {
  name: "sfn-retry-transient-only",
  description: "No Retry names an error that is never transient (ValidationError and the configured list).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions", "retries"],
  remediationSteps:
    "Remove the reported errors (ValidationError and the rest of neverTransientErrors) from each Retry's ErrorEquals, and handle them in a Catch that notifies (e.g. an SNS publish Task) and then fails.",
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
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const { neverTransientErrors } = withDefaults(args, RETRY_TRANSIENT_DEFAULTS);
    const sm = label("State machine", args.name);
    for (const state of walkStates(definitionOf(args))) {
      for (const retrier of retriersOf(state.state)) {
        const permanent = retrier.errors.filter((e) => neverTransientErrors.includes(e));
        if (permanent.length === 0) continue;
        report(
          `${sm}: Retry[${retrier.index}] of ${state.path} retries ${quoteList(permanent)}, which never goes away on a retry: every attempt fails the same way and only delays the failure. Fix: remove ${quoteList(permanent)} from the Retry's ErrorEquals and handle it in a Catch (e.g. notify, then fail).`,
        );
      }
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// Observability: tracing, logging, failure paths
// ---------------------------------------------------------------------------------------------------------

/** `sfn-xray-tracing`: X-Ray tracing is on; remediable. */
export const sfnXrayTracing: ResourceValidationPolicy = {
  name: "sfn-xray-tracing",
  description: "State machines have X-Ray tracing enabled.",
  enforcementLevel: "advisory",
  severity: "low",
  tags: ["step-functions", "observability"],
  remediationSteps:
    'Set tracingConfiguration: { enabled: true } on the aws.sfn.StateMachine, and grant its role xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules and xray:GetSamplingTargets on Resource "*". At enforcement level "remediate" the pack sets tracingConfiguration.enabled itself (the role\'s permissions remain yours to grant).',
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const enabled = propPath(args.props, "tracingConfiguration", "enabled");
    if (enabled === UNKNOWN) return unknownDuringPreview(args, "tracingConfiguration", "tracingConfiguration");
    if (enabled !== true) {
      report(
        `${label("State machine", args.name)} has X-Ray tracing off (tracingConfiguration.enabled is ${enabled === undefined ? "not set" : JSON.stringify(enabled)}): a failed execution cannot be followed across its Lambdas and services. Fix: set tracingConfiguration: { enabled: true } (the state machine's role needs xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules and xray:GetSamplingTargets).`,
      );
    }
  }),
  remediateResource: remediateOnType(TYPES.stateMachine, (args) => {
    const tracing = prop(args.props, "tracingConfiguration");
    if (tracing === UNKNOWN || (isRecord(tracing) && tracing.enabled === true)) return;
    return withProperty(args, "tracingConfiguration", { ...(isRecord(tracing) ? tracing : {}), enabled: true });
  }),
};

/** Configuration of {@link sfnLogging}. */
export interface SfnLoggingConfig {
  /** Log levels that count as logging. */
  allowedLevels: string[];
}
/** {@link sfnLogging}'s defaults, also its config schema's. */
export const SFN_LOGGING_DEFAULTS: SfnLoggingConfig = { allowedLevels: ["ALL", "ERROR", "FATAL"] };

/** The log group ARN a logging configuration writes to: classic `logDestination`, aws-native `destinations[0]`. */
function logDestinationOf(type: string, logging: Record<string, unknown>): unknown {
  if (type !== NATIVE_TYPES.stateMachine) return logging.logDestination;
  const first = asArray(logging.destinations)[0];
  return isRecord(first) && isRecord(first.cloudWatchLogsLogGroup) ? first.cloudWatchLogsLogGroup.logGroupArn : undefined;
}

/** `sfn-logging`: executions log to a CloudWatch log group; a destination missing its `:*` is remediable. */
export const sfnLogging: ResourceValidationPolicy = {
  name: "sfn-logging",
  description: "State machines log to a CloudWatch log group (loggingConfiguration with a level other than OFF and a logDestination).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions", "observability"],
  remediationSteps:
    'Create an aws.cloudwatch.LogGroup with a retentionInDays and set loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: <the log group ARN>:* } on the state machine; its role needs logs:CreateLogDelivery, logs:GetLogDelivery, logs:UpdateLogDelivery, logs:DeleteLogDelivery, logs:ListLogDeliveries, logs:PutResourcePolicy, logs:DescribeResourcePolicies and logs:DescribeLogGroups on Resource "*". At enforcement level "remediate" the pack appends a missing ":*" to logDestination itself.',
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
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const { allowedLevels } = withDefaults(args, SFN_LOGGING_DEFAULTS);
    const sm = label("State machine", args.name);
    const fix =
      'set loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: <the log group ARN>:* } with a log group that has a retention';
    const logging = prop(args.props, "loggingConfiguration");
    if (logging === UNKNOWN) return unknownDuringPreview(args, "loggingConfiguration", "loggingConfiguration");
    if (!isRecord(logging)) {
      report(`${sm} has no loggingConfiguration, so its level is OFF: failed executions leave no log. Fix: ${fix}.`);
      return;
    }
    const level = logging.level;
    if (level !== UNKNOWN && (typeof level !== "string" || !allowedLevels.includes(level))) {
      report(
        `${sm} logs at level ${level === undefined ? "OFF (not set)" : JSON.stringify(level)}, not one of ${quoteList(allowedLevels)}: failed executions leave no log. Fix: ${fix}.`,
      );
    }
    const destination = logDestinationOf(args.type, logging);
    if (destination === UNKNOWN) return;
    if (typeof destination !== "string" || destination === "") {
      report(`${sm} has loggingConfiguration without a logDestination: there is no log group to write to. Fix: ${fix}.`);
    } else if (!destination.endsWith(":*")) {
      report(
        `${sm} has logDestination "${destination}", which AWS rejects: it must be a log group ARN ending in ":*". Fix: append ":*" to the log group ARN (logDestination: \`\${logGroup.arn}:*\`).`,
      );
    }
  }),
  // Only the missing ":*" is mechanical: which log group and level to use are the owner's choice.
  remediateResource: remediateOnType(TYPES.stateMachine, (args) => {
    const logging = prop(args.props, "loggingConfiguration");
    if (!isRecord(logging)) return;
    const destination = logging.logDestination;
    if (typeof destination !== "string" || destination === "" || destination.endsWith(":*")) return;
    return withProperty(args, "loggingConfiguration", { ...logging, logDestination: `${destination}:*` });
  }),
};

/** Configuration of {@link sfnFailurePathsObservable}. */
export interface FailurePathsConfig {
  /** Extra Task Resource prefixes that count as observable (beyond SNS publish, SQS send, EventBridge put, Lambda). */
  observableResourcePrefixes: string[];
}
/** {@link sfnFailurePathsObservable}'s defaults: only the built-in observable Tasks. */
export const FAILURE_PATHS_DEFAULTS: FailurePathsConfig = { observableResourcePrefixes: [] };

/** `sfn-failure-paths-observable`: every Catch leads through something someone will see. */
export const sfnFailurePathsObservable: ResourceValidationPolicy = {
  name: "sfn-failure-paths-observable",
  description:
    "Every Catch leads somewhere observable: through an SNS publish, SQS send, EventBridge put or Lambda Task, not only to Fail, Pass or Succeed states.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions", "observability", "error-handling"],
  remediationSteps:
    "Route every Catch through a notify (arn:aws:states:::sns:publish), dead-letter (arn:aws:states:::sqs:sendMessage), event (arn:aws:states:::events:putEvents) or Lambda Task before it ends.",
  configSchema: {
    properties: {
      observableResourcePrefixes: {
        type: "array",
        items: { type: "string" },
        default: FAILURE_PATHS_DEFAULTS.observableResourcePrefixes,
        description: 'Extra Task Resource prefixes that count as observable (e.g. "arn:aws:states:::dynamodb:putItem").',
      },
    },
  },
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const { observableResourcePrefixes } = withDefaults(args, FAILURE_PATHS_DEFAULTS);
    const sm = label("State machine", args.name);
    for (const found of unobservedFailurePaths(definitionOf(args), observableResourcePrefixes)) {
      report(
        `${sm}: Catch[${found.catchIndex}] of ${found.catcher.path} (ErrorEquals ${JSON.stringify(found.errors)}) leads ${found.path.join(" -> ")} to ${found.ending} without a notification, dead-letter message, event or Lambda on the way: the failure disappears without a trace anyone will see. Fix: route it through a Task that publishes to SNS (arn:aws:states:::sns:publish), sends to SQS (arn:aws:states:::sqs:sendMessage), puts an event (arn:aws:states:::events:putEvents) or invokes a Lambda before it ends.`,
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// Definition hygiene
// ---------------------------------------------------------------------------------------------------------

/** `sfn-definition-readable`: the one place an unreadable or preview-unknown definition is reported. */
export const sfnDefinitionReadable: ResourceValidationPolicy = {
  name: "sfn-definition-readable",
  description: "State machine definitions can be read and checked: valid Amazon States Language JSON, known at preview time.",
  enforcementLevel: "advisory",
  severity: "low",
  tags: ["step-functions"],
  remediationSteps:
    "Pass `definition` as a valid Amazon States Language document (a JSON string or object with StartAt and States). A definition unknown during preview needs no change: it is checked on `pulumi up`.",
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const read = readStateMachineDefinition(args.type, args.props);
    if (read.status !== "ok") report(`${label("State machine", args.name)}: ${read.message}.`);
  }),
};

/** `sfn-task-resource-is-integration`: Task Resources are integrations, Lambda ARNs or activities. */
export const sfnTaskResourceIsIntegration: ResourceValidationPolicy = {
  name: "sfn-task-resource-is-integration",
  description:
    "Task Resources are service integrations, Lambda function ARNs or activities, never a topic, queue or state machine ARN (AWS rejects those at deploy time).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["step-functions"],
  remediationSteps:
    "Replace a topic, queue or state machine ARN in a Task's Resource with its service integration (arn:aws:states:::sns:publish, arn:aws:states:::sqs:sendMessage, arn:aws:states:::states:startExecution.sync:2) and pass the ARN in Parameters (TopicArn, QueueUrl, StateMachineArn).",
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const sm = label("State machine", args.name);
    for (const task of taskStates(definitionOf(args))) {
      const kind = classifyTaskResource(task.state.Resource);
      if (kind.kind !== "not-an-integration") continue;
      report(
        `${sm}: Task ${task.path} has Resource "${String(task.state.Resource)}", a ${kind.service} resource ARN rather than a service integration: AWS rejects the definition at deploy time. Fix: ${kind.hint}.`,
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// Time budget (mandatory by default)
// ---------------------------------------------------------------------------------------------------------

/** Configuration of {@link sfnTimeBudget}. */
export interface TimeBudgetConfig {
  /** Accept an overrun the definition acknowledges in its `Comment` (`[time budget: acknowledged=<why>]`, what the component writes for `timeBudget.acknowledgeOverrun`). */
  acceptAcknowledgements: boolean;
  /** State machines (by resource name or `name`) whose overrun this stack accepts, e.g. ["nightly-batch"]. */
  allowedStateMachines: string[];
}
/** {@link sfnTimeBudget}'s defaults, also its config schema's. */
export const TIME_BUDGET_DEFAULTS: TimeBudgetConfig = { acceptAcknowledgements: true, allowedStateMachines: [] };

/**
 * `sfn-time-budget`: the worst case of every path fits the execution's TimeoutSeconds. Computed by the component
 * library's `timeBudgetOfDefinition`, the same budget the component checks at construction, on any definition.
 */
export const sfnTimeBudget: ResourceValidationPolicy = {
  name: "sfn-time-budget",
  description:
    "The worst-case time of every path (task timeouts x attempts, retry intervals, waits, callbacks, Parallel branches, Map batches) fits the state machine's top-level TimeoutSeconds.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["step-functions", "timeouts"],
  remediationSteps:
    'Raise the top-level "TimeoutSeconds" to at least the reported worst case, or shorten the TimeoutSeconds and Retry (MaxAttempts, IntervalSeconds, BackoffRate, MaxDelaySeconds) of the states on the reported path; bound what has no bound (a Map\'s items or a Wait read from the input: "[time budget: maxItems=N]" or "[time budget: maxSeconds=N]" in the state\'s Comment). An intended overrun: "[time budget: acknowledged=<why>]" in the definition\'s Comment (EventDrivenWorkflow: `timeBudget: { acknowledgeOverrun }`), or the state machine\'s name in allowedStateMachines.',
  configSchema: {
    properties: {
      acceptAcknowledgements: {
        type: "boolean",
        default: TIME_BUDGET_DEFAULTS.acceptAcknowledgements,
        description: "Accept an overrun that the definition's Comment acknowledges with a reason ([time budget: acknowledged=<why>]).",
      },
      allowedStateMachines: {
        type: "array",
        items: { type: "string" },
        default: TIME_BUDGET_DEFAULTS.allowedStateMachines,
        description: "State machines (resource name or `name` property) whose overrun is accepted.",
      },
    },
  },
  validateResource: onTypes(STATE_MACHINE_TYPES, (args, report) => {
    const config = withDefaults(args, TIME_BUDGET_DEFAULTS);
    const definition = definitionOf(args);
    const names = [args.name, prop(args.props, "name")].filter((n): n is string => typeof n === "string");
    if (names.some((n) => asArray(config.allowedStateMachines).includes(n))) return;
    if (config.acceptAcknowledgements && timeBudgetNote(definition.Comment).acknowledged) return;
    // A Task without a timeout is sfn-task-timeout's finding; the budget is judged once every Task has one.
    if (taskStates(definition).some((task) => taskTimeout(task.state).kind === "none")) return;
    const budget = timeBudgetOfDefinition(definition);
    const timeout = budget.executionTimeoutSeconds;
    // No (numeric) execution timeout: sfn-execution-timeout reports it.
    if (timeout === undefined) return;
    const worst = budget.worst;
    if (worst.bounded && worst.seconds <= timeout) return;
    const sm = label("State machine", args.name);
    const dominant = budget.states.find((s) => s.name === worst.dominant);
    const fix = `or acknowledge an intended overrun with "[time budget: acknowledged=<why>]" in the definition's Comment`;
    report(
      worst.bounded
        ? `${sm}: the worst-case path ${describePath(worst)} takes up to ${formatDuration(worst.seconds)}, over its TimeoutSeconds ${timeout}; ${worst.dominant} dominates (${dominant?.detail ?? "its own time"}). The execution would end TIMED_OUT, which no Catch sees. Fix: raise the top-level "TimeoutSeconds" to at least ${Math.ceil(worst.seconds)}, or shorten the timeouts or retries on that path, ${fix}.`
        : `${sm}: the path ${describePath(worst)} has no worst case (${worst.unbounded.join("; ")}), so its TimeoutSeconds ${timeout} may cut it short and the execution would end TIMED_OUT, which no Catch sees. Fix: bound it ("[time budget: maxItems=N]" on a Map, "[time budget: maxSeconds=N]" on a Wait or Task, no loop), ${fix}.`,
    );
  }),
};
