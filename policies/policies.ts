/**
 * The policies of the `event-driven-workflow` policy pack, as plain objects so tests can call their
 * validators and remediations directly. Constructing the PolicyPack (which starts a gRPC server) happens
 * only in index.ts.
 *
 * The pack judges ANY stack: a state machine written by hand with `aws.sfn.StateMachine` is checked exactly
 * like one the EventDrivenWorkflow component generated. Property values may be JSON strings or objects;
 * values unknown during preview are reported as such, never crash a policy.
 *
 * The policies live in one file per service (stepfunctions.ts, lambda.ts, eventbridge.ts, iamPolicies.ts,
 * messaging.ts, observability.ts) and are listed once in registry.ts; this module is the pack's public face:
 * the registry's list, every policy with its configuration type and defaults, the resource types, and
 * `checkResources` (check.ts), which runs them over plain resource records without the Pulumi CLI.
 */
export { policies } from "./registry";
export { checkResources, PACK_NAME, PACK_VERSION, PolicyConfigError, validatePolicyConfig, type CheckOptions, type Finding } from "./check";
export { recordOf, urnOf, type ResourceRecord } from "./engine";
export { defaultPolicyConfig, type PolicyConfigEntry } from "./defaults";
export { LAMBDA_DEFAULT_TIMEOUT, NATIVE_TYPES, TYPES } from "./common";
export * from "./stepfunctions";
export * from "./lambda";
export * from "./eventbridge";
export * from "./iamPolicies";
export * from "./messaging";
export * from "./observability";
export * from "./cloudformation";
export { EMBEDDING_TYPES, embeddedResources } from "./embedded";
