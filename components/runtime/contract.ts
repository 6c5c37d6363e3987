/**
 * The contract between deploy-time code and the code inside the step Lambdas: what both sides must spell the same
 * way. The pure core imports only this module from runtime/ (never the Powertools wrapper), and the Lambda code is
 * serialized with it by value. Constants only: nothing here loads a package.
 */

/** Names of the metrics every step emits, in the workflow's namespace with the step as `service`. */
export const STEP_METRICS = {
  succeeded: "StepSucceeded",
  failed: "StepFailed",
  duration: "StepDuration",
  coldStart: "ColdStart",
  /** An idempotent step returned the stored result of an earlier run instead of running its handler. */
  idempotentReplay: "IdempotentReplays",
} as const;

/** The dimension a failed invocation's metrics carry: the error's `name`, a bounded set (the error classes). */
export const ERROR_NAME_DIMENSION = "errorName";

/** Environment variable naming the idempotency table, set on the Lambdas of idempotent tasks. */
export const IDEMPOTENCY_TABLE_ENV = "EDW_IDEMPOTENCY_TABLE";

/** Environment variable holding a task's secret sources as JSON (`{ NAME: { parameter } | { secret } }`), set by the component. */
export const SECRETS_ENV = "EDW_SECRETS";

/**
 * Environment variable holding secret VALUES as JSON (`{ NAME: value }`), set only by the local runner (`--secret`):
 * the runtime then takes the values from it instead of asking AWS.
 */
export const LOCAL_SECRETS_ENV = "EDW_LOCAL_SECRETS";

/** The error name of a step whose secret could not be read (missing, not allowed, or not supplied locally). */
export const SECRET_UNAVAILABLE_ERROR = "SecretUnavailable";

/** Environment variable adding sensitive keys (comma-separated) to those the workflow configured. */
export const SENSITIVE_KEYS_ENV = "EDW_SENSITIVE_KEYS";

/** Marks the task input envelope; a plain invocation (a test, the console) passes its input unwrapped and is taken as is. */
export const STEP_INPUT_MARKER = "edwStepInput";

/** The Parameters of every Lambda task: the state input (after InputPath) and the execution id. */
export const STEP_INPUT_PARAMETERS = { [STEP_INPUT_MARKER]: true, "payload.$": "$", "executionId.$": "$$.Execution.Id" } as const;

/** The Payload of a callback task (`.waitForTaskToken`): the same envelope with the task token. */
export const CALLBACK_INPUT_PAYLOAD = { ...STEP_INPUT_PARAMETERS, "taskToken.$": "$$.Task.Token" } as const;

/** The error name a concurrent duplicate fails with (Powertools' class name): retry it with backoff, it heals. */
export const IDEMPOTENCY_IN_PROGRESS_ERROR = "IdempotencyAlreadyInProgressError";

/** The error name of a failure of the idempotency store itself (e.g. DynamoDB throttling): transient. */
export const IDEMPOTENCY_STORE_ERROR = "IdempotencyPersistenceLayerError";

/** The error name of an input without the idempotency key (the step fails rather than run unprotected). Permanent. */
export const IDEMPOTENCY_KEY_ERROR = "IdempotencyKeyError";

/** The error thrown when an idempotent step runs without its table configured (a deployment mistake). */
export const IDEMPOTENCY_NOT_CONFIGURED_ERROR = "IdempotencyTableNotConfigured";

/**
 * The SQS message attribute in which `sendToDeadLetterQueue` carries the execution's input (the event that started it)
 * as JSON, whatever the steps made of the state in the body: a dead letter is replayable after any step.
 */
export const DEAD_LETTER_EVENT_ATTRIBUTE = "EDW_ORIGINAL_EVENT";

/** Tells Pulumi to serialize this module into Lambda archives by value, never as a `require` of the library. */
export const deploymentOnlyModule = true;
