/**
 * Lambda policies: every function chooses its timeout (a CallbackFunction's silent default does not count)
 * and takes part in the workflow's X-Ray trace. A function the EventDrivenWorkflow component made says so with a tag
 * (COMPONENT_FUNCTION_TAG): the component always chooses its timeouts, so its 180 s is a choice, not the default.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { COMPONENT_FUNCTION_TAG, STEP_HANDLER_ENTRY } from "event-driven-workflow/asl";
import {
  integerSchema,
  isPositiveInteger,
  label,
  LAMBDA_DEFAULT_TIMEOUT,
  LAMBDA_FUNCTION_TYPES,
  onTypes,
  remediateOnType,
  TYPES,
  unknownDuringPreview,
  withProperty,
} from "./common";
import { isRecord, prop, propPath, UNKNOWN, withDefaults } from "./values";

/** The handler every `aws.lambda.CallbackFunction` gets (as this library's step Lambdas do), and the timeout it applies when given none. */
export const CALLBACK_FUNCTION_HANDLER = STEP_HANDLER_ENTRY;
export const CALLBACK_FUNCTION_DEFAULT_TIMEOUT = 180;

/** Whether the EventDrivenWorkflow component made the function: its tag says so (the timeout's value cannot). */
function madeByComponent(tags: unknown): boolean {
  return isRecord(tags) && typeof tags[COMPONENT_FUNCTION_TAG] === "string";
}

/** Configuration of {@link lambdaExplicitTimeout}. */
export interface LambdaTimeoutConfig {
  /** The longest timeout a function may set (Lambda's own ceiling is 900). */
  maxTimeoutSeconds: number;
  /** Treat a CallbackFunction (handler "__index.handler", not tagged as made by the component) with exactly 180 s as not set: its silent default. */
  treatCallbackDefaultAsUnset: boolean;
}
/** {@link lambdaExplicitTimeout}'s defaults, also its config schema's. */
export const LAMBDA_TIMEOUT_DEFAULTS: LambdaTimeoutConfig = { maxTimeoutSeconds: 900, treatCallbackDefaultAsUnset: true };

/**
 * `lambda-explicit-timeout`: every function sets its timeout, within a maximum. No remediation: the right
 * value depends on the function's work and on the Task that invokes it.
 */
export const lambdaExplicitTimeout: ResourceValidationPolicy = {
  name: "lambda-explicit-timeout",
  description:
    "Every Lambda function sets `timeout` explicitly, within a maximum (a CallbackFunction's silent 180 s default counts as not set).",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["lambda", "timeouts"],
  remediationSteps:
    "Set `timeout` (whole seconds, at most maxTimeoutSeconds, default 900) on every aws.lambda.Function and aws.lambda.CallbackFunction, chosen for the function's work and shorter than the TimeoutSeconds of the Step Functions Task that invokes it.",
  configSchema: {
    properties: {
      maxTimeoutSeconds: integerSchema("The longest timeout a function may set.", LAMBDA_TIMEOUT_DEFAULTS.maxTimeoutSeconds),
      treatCallbackDefaultAsUnset: {
        type: "boolean",
        default: LAMBDA_TIMEOUT_DEFAULTS.treatCallbackDefaultAsUnset,
        description:
          'Report a CallbackFunction (handler "__index.handler") whose timeout is exactly 180 s, the value CallbackFunction applies silently when none is given.',
      },
    },
  },
  validateResource: onTypes(LAMBDA_FUNCTION_TYPES, (args, report) => {
    const { maxTimeoutSeconds, treatCallbackDefaultAsUnset } = withDefaults(args, LAMBDA_TIMEOUT_DEFAULTS);
    const fn = label("Lambda function", args.name);
    const timeout = prop(args.props, "timeout");
    if (timeout === UNKNOWN) return unknownDuringPreview(args, "timeout", `${fn}'s timeout`);
    if (timeout === undefined || timeout === null) {
      report(
        `${fn} does not set timeout, so it gets Lambda's default of ${LAMBDA_DEFAULT_TIMEOUT} s, not a value chosen for its work. Fix: set \`timeout\` explicitly (at most ${maxTimeoutSeconds} s), shorter than the Step Functions Task that invokes it.`,
      );
      return;
    }
    if (
      treatCallbackDefaultAsUnset &&
      timeout === CALLBACK_FUNCTION_DEFAULT_TIMEOUT &&
      prop(args.props, "handler") === CALLBACK_FUNCTION_HANDLER &&
      !madeByComponent(prop(args.props, "tags"))
    ) {
      report(
        `${fn} is an aws.lambda.CallbackFunction (handler "${CALLBACK_FUNCTION_HANDLER}") with timeout ${CALLBACK_FUNCTION_DEFAULT_TIMEOUT} s, the default CallbackFunction applies silently when no timeout is given. Fix: set \`timeout\` explicitly on the CallbackFunction (at most ${maxTimeoutSeconds} s), shorter than the Step Functions Task that invokes it (if 180 s is really intended, set this policy's treatCallbackDefaultAsUnset to false).`,
      );
      return;
    }
    if (!isPositiveInteger(timeout)) {
      report(
        `${fn} has timeout ${JSON.stringify(timeout)}, not a positive whole number of seconds. Fix: set \`timeout\` to a whole number from 1 to ${maxTimeoutSeconds}.`,
      );
    } else if (timeout > maxTimeoutSeconds) {
      report(
        `${fn} has timeout ${timeout} s, above the maximum of ${maxTimeoutSeconds} s. Fix: lower \`timeout\` to at most ${maxTimeoutSeconds} (or raise this policy's maxTimeoutSeconds).`,
      );
    }
  }),
};

/** `lambda-xray-tracing`: functions trace actively; remediable. */
export const lambdaXrayTracing: ResourceValidationPolicy = {
  name: "lambda-xray-tracing",
  description: 'Lambda functions have active X-Ray tracing (tracingConfig.mode "Active").',
  enforcementLevel: "advisory",
  severity: "low",
  tags: ["lambda", "observability"],
  remediationSteps:
    'Set tracingConfig: { mode: "Active" } on every aws.lambda.Function and grant its role xray:PutTraceSegments and xray:PutTelemetryRecords on Resource "*". At enforcement level "remediate" the pack sets tracingConfig.mode itself (the role\'s permissions remain yours to grant).',
  validateResource: onTypes(LAMBDA_FUNCTION_TYPES, (args, report) => {
    const mode = propPath(args.props, "tracingConfig", "mode");
    if (mode === UNKNOWN) return unknownDuringPreview(args, "tracingConfig", "tracingConfig");
    if (mode !== "Active") {
      report(
        `${label("Lambda function", args.name)} does not have active X-Ray tracing (tracingConfig.mode is ${mode === undefined ? "not set" : JSON.stringify(mode)}): its part of a workflow's trace is missing. Fix: set tracingConfig: { mode: "Active" } (its role needs xray:PutTraceSegments and xray:PutTelemetryRecords).`,
      );
    }
  }),
  remediateResource: remediateOnType(TYPES.lambdaFunction, (args) => {
    const tracing = prop(args.props, "tracingConfig");
    if (tracing === UNKNOWN || (isRecord(tracing) && tracing.mode === "Active")) return;
    return withProperty(args, "tracingConfig", { ...(isRecord(tracing) ? tracing : {}), mode: "Active" });
  }),
};
