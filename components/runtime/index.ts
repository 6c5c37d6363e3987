/**
 * What runs inside the step Lambdas, importable on its own as `event-driven-workflow/runtime`: handlers import
 * Lambda-time helpers from here (never from the package root), so their archives carry only this code.
 *
 * @example
 * import { traceCall } from "event-driven-workflow/runtime";
 */
export * from "./contract";
export { instrumentStep, asLambdaError } from "./instrument";
export type { InvocationContext, StepRuntimeOptions } from "./instrument";
export { DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS, dynamoDbPersistenceLayer, idempotentRunner } from "./idempotency";
export type { PersistenceLayerFactory, IdempotentInvocation, IdempotentRunner } from "./idempotency";
export { DEFAULT_SENSITIVE_KEYS, REDACTED, sensitiveKeysFrom, createRedactor } from "./redact";
export type { Redactor } from "./redact";
export { unwrapStepInput } from "./stepInput";
export { OUTCOME_ANNOTATION, traceCall } from "./tracing";
export * from "./approvalToken";
export { approvalEndpointHandler, APPROVAL_REJECTED_ERROR, TASK_NO_LONGER_WAITING_ERRORS } from "./approvalEndpoint";
export type { ApprovalEndpointOptions, ApprovalRequest, ApprovalResponse, ApprovalSfnApi } from "./approvalEndpoint";

/** Tells Pulumi to serialize this module into Lambda archives by value, never as a `require` of the library. */
export const deploymentOnlyModule = true;
