/**
 * The pure core, importable on its own as `event-driven-workflow/core`: validation, ASL compilation, IAM and alarm
 * derivation, the dashboard body and settings, as functions over plain data. Nothing here creates a Pulumi resource,
 * so a policy pack or a test can use it without a Pulumi engine.
 *
 * @example
 * import { compileDefinition, validateSteps } from "event-driven-workflow/core";
 */
export * from "./alarms";
export * from "./archive";
export * from "./childWorkflows";
export * from "./compile";
export * from "./dashboard";
export * from "./eventPatternRules";
export * from "./iam";
export * from "./integrationPatterns";
export * from "./intrinsics";
export * from "./naming";
export * from "./serviceCalls";
export * from "./plan";
export * from "./settings";
export * from "./taskSecrets";
export { scheduleExpressionProblems, timeZoneProblems } from "./validation/schedule";
export * from "./timeBudget";
export * from "./timeBudgetCheck";
export * from "./timeBudgetNote";
export * from "./validate";
export * from "./walk";
// The one package-closure walk (file system, no Pulumi), shared with the local runner's simulated Lambda layer.
export { findPackageFolder, MissingPackageError, packageClosure, type PackageClosureOptions } from "../packageClosure";
