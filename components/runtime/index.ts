/**
 * What runs inside the step Lambdas, importable on its own as `event-driven-workflow/runtime`: handlers import
 * Lambda-time helpers from here (never from the package root), so their archives carry only this code.
 *
 * @example
 * import { traceCall } from "event-driven-workflow/runtime";
 */
export { instrumentStep, asLambdaError, STEP_METRICS, ERROR_NAME_DIMENSION } from "./instrument";
export type { InvocationContext, StepRuntimeOptions } from "./instrument";
export {
  IDEMPOTENCY_IN_PROGRESS_ERROR, IDEMPOTENCY_STORE_ERROR, IDEMPOTENCY_KEY_ERROR, IDEMPOTENCY_NOT_CONFIGURED_ERROR,
  DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS, dynamoDbPersistenceLayer, idempotentRunner,
} from "./idempotency";
export type { PersistenceLayerFactory, IdempotentInvocation, IdempotentRunner } from "./idempotency";
export { DEFAULT_SENSITIVE_KEYS, SENSITIVE_KEYS_ENV, REDACTED, sensitiveKeysFrom, createRedactor } from "./redact";
export type { Redactor } from "./redact";
export { STEP_INPUT_MARKER, STEP_INPUT_PARAMETERS, unwrapStepInput } from "./stepInput";
export { OUTCOME_ANNOTATION, traceCall } from "./tracing";

/** Tells Pulumi to serialize this module into Lambda archives by value, never as a `require` of the library. */
export const deploymentOnlyModule = true;
