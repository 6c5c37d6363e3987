/**
 * event-driven-workflow: the public entry (deploy time). The component, the step builders and the step model, and
 * the pure core (also importable alone as `event-driven-workflow/core`). Code that runs inside the Lambdas imports
 * `event-driven-workflow/runtime` instead, so that its archive never carries this module.
 *
 * @example
 * import { EventDrivenWorkflow, task, notify, fail } from "event-driven-workflow";
 */
export { EventDrivenWorkflow } from "./workflow";
export type { WorkflowNodes } from "./workflow";
export type { StepLambda } from "./resources/stepLambdas";
export { transform } from "./resources/transform";
export type { Transform, WorkflowTransforms } from "./resources/transform";
export { buildStepArchive, inProcessHandlerFactoryOf, inProcessHandlerOf, STEP_HANDLER_ENTRY } from "./stepArchive";
export { findPackageFolder, MissingPackageError, packageClosure } from "./packageClosure";
export type { PackageClosureOptions } from "./packageClosure";
export type { StepArchive, StepArchiveOptions } from "./stepArchive";
export type {
  CheckedWorkflowArgs,
  EventDrivenWorkflowArgs,
  EventPattern,
  EventPatternFields,
  EventPatternFilter,
  EventPatternValues,
  EventTrigger,
  ScheduleTrigger,
  WorkflowSchedule,
  WorkflowTrigger,
} from "./args";
export {
  task,
  waitForCallback,
  parallel,
  choice,
  map,
  wait,
  pass,
  succeed,
  fail,
  notify,
  sendToDeadLetterQueue,
  publishEvent,
  callAwsService,
  startWorkflow,
} from "./steps/builders";
export type * from "./steps/types";
export type * from "./steps/mapIo";
export { defineSteps, eventTrigger } from "./steps/define";
export { eventContract, triggerFromContract } from "./steps/contract";
export type { ContractPayload, ContractTrigger, ContractTriggerOptions, EventContract } from "./steps/contract";
export type { ContractPublishOptions } from "./steps/builders";
export type { PublishedEventOutput } from "./resources/contractOutputs";
export type { CheckedSteps, EventBridgeEvent, StepTypeInfo, TriggerEvent, TypedDetail, TypedTask } from "./steps/typing";
export * from "./core";
export { STEP_METRICS, ERROR_NAME_DIMENSION, IDEMPOTENCY_TABLE_ENV } from "./runtime/contract";
