/**
 * EventDrivenWorkflow: the public entry of the library.
 *
 * @example
 * import { EventDrivenWorkflow, task, notify, fail } from "event-driven-workflow";
 */
export { EventDrivenWorkflow, LAYER_PROVIDED_PACKAGES } from "./workflow";
export type { EventDrivenWorkflowArgs, EventPattern } from "./workflow";
export { task, parallel, choice, map, wait, pass, succeed, fail, notify, sendToDeadLetterQueue, publishEvent } from "./steps/builders";
export type * from "./steps/types";
export { IDEMPOTENCY_TABLE_ENV } from "./steps/types";
export { validateSteps, WorkflowDefinitionError, NEVER_RETRY_ERRORS, NEVER_TRANSIENT_ERRORS } from "./core/validate";
export type { DefinitionProblem } from "./core/validate";
export { compileDefinition, conditionToAsl, LAMBDA_SERVICE_RETRY, SERVICE_INTEGRATIONS, DEFAULT_INTEGRATION_TIMEOUT_SECONDS } from "./core/compile";
export type { AslDefinition, AslState, CompileOptions, ResolvedResources } from "./core/compile";
export * from "./core/iam";
export { deriveAlarmSpecs } from "./core/alarms";
export type { AlarmSpec, AlarmTargets, AlarmOptions, AlarmKind } from "./core/alarms";
export { validateSettings, lambdaTimeoutFor, powertoolsLayerArn, DEFAULTS, SUPPORTED_RUNTIMES, RETENTION_DAYS } from "./core/settings";
export { allSteps, taskSteps } from "./core/walk";
export { instrumentStep, asLambdaError, STEP_METRICS, ERROR_NAME_DIMENSION } from "./runtime/instrument";
export type { InvocationContext } from "./runtime/instrument";
export { dashboardBody } from "./core/dashboard";
export type { BusinessMetric, DashboardInputs } from "./core/dashboard";
