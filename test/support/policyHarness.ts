/**
 * The tests' policy harness: the pack's own in-process engine (policies/engine.ts), which runs policies the way
 * @pulumi/policy's server does. Kept under this name so tests keep one import for it.
 */
export * from "../../policies/engine";
