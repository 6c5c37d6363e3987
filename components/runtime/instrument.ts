/**
 * The code that runs inside each step's Lambda (and in the local runner): it wraps a user's handler with
 * Powertools Metrics, Logger and Tracer. Everything here is captured by Pulumi's closure serialization, so the
 * Powertools objects are created lazily at run time (inside Lambda), never at deploy time, and the packages
 * are `require`d from the Powertools layer rather than copied into the archive.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { StepContext, StepHandler } from "../steps/types";

/** The part of the Lambda context a step needs; the local runner provides the same shape. */
export interface InvocationContext {
  awsRequestId: string;
  functionName?: string;
  getRemainingTimeInMillis(): number;
}

/** Names of the metrics every step emits, in the workflow's namespace with the step as `service`. */
export const STEP_METRICS = {
  succeeded: "StepSucceeded",
  failed: "StepFailed",
  duration: "StepDuration",
  coldStart: "ColdStart",
} as const;

/** The dimension a failed invocation's metrics carry: the error's `name`, a bounded set (the error classes). */
export const ERROR_NAME_DIMENSION = "errorName";

interface StepTools {
  metrics: Metrics;
  logger: Logger;
  tracer: Tracer;
  coldStart: boolean;
}

/**
 * Wraps `handler` as a Lambda handler for step `stepName` of workflow `workflowName`.
 *
 * Per invocation it flushes one EMF line: `StepSucceeded` or `StepFailed` (the latter with an `errorName`
 * dimension), `StepDuration` in milliseconds, `ColdStart` on the first invocation, and whatever the handler
 * added through `context.metrics`. It opens a `## <step>` X-Ray subsegment annotated with cold start and
 * service, logs failures as structured JSON, and rethrows so that the error's `name` reaches Step Functions.
 *
 * @example
 * export const handler = instrumentStep("order-processing", "ChargeCard", chargeCard);
 */
export function instrumentStep<I, O>(workflowName: string, stepName: string, handler: StepHandler<I, O>) {
  let tools: StepTools | undefined;
  return async (event: I, invocation: InvocationContext): Promise<O> => {
    tools ??= {
      metrics: new Metrics({ namespace: workflowName, serviceName: stepName }),
      logger: new Logger({ serviceName: stepName, persistentKeys: { workflow: workflowName } }),
      tracer: new Tracer({ serviceName: stepName }),
      coldStart: true,
    };
    const { metrics, logger, tracer } = tools;
    if (tools.coldStart) metrics.addMetric(STEP_METRICS.coldStart, MetricUnit.Count, 1);
    tools.coldStart = false;
    logger.appendKeys({ requestId: invocation.awsRequestId });

    const parentSegment = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const subsegment = parentSegment?.addNewSubsegment(`## ${stepName}`);
    if (subsegment) {
      tracer.setSegment(subsegment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }

    const context: StepContext = {
      stepName,
      workflowName,
      requestId: invocation.awsRequestId,
      remainingTimeMs: () => invocation.getRemainingTimeInMillis(),
      metrics,
      logger,
      tracer,
    };
    const started = Date.now();
    try {
      const result = await handler(event, context);
      metrics.addMetric(STEP_METRICS.succeeded, MetricUnit.Count, 1);
      return result;
    } catch (thrown) {
      const error = asLambdaError(thrown);
      metrics.addDimension(ERROR_NAME_DIMENSION, error.name);
      metrics.addMetric(STEP_METRICS.failed, MetricUnit.Count, 1);
      logger.error(`${stepName} failed with ${error.name}`, error);
      if (subsegment) tracer.addErrorAsMetadata(error);
      throw error;
    } finally {
      metrics.addMetric(STEP_METRICS.duration, MetricUnit.Milliseconds, Date.now() - started);
      metrics.publishStoredMetrics();
      logger.removeKeys(["requestId"]);
      if (subsegment && parentSegment) {
        subsegment.close();
        tracer.setSegment(parentSegment);
      }
    }
  };
}

/**
 * The Lambda Node runtime reports a thrown value by its `name` (the error Step Functions matches) only when
 * name, message and stack are strings. Error subclasses that went through Pulumi's closure serialization can
 * lose their message and stack, and plain objects have none: rebuild such values as real Errors of the same
 * name so that Retry and Catch rules still match.
 */
export function asLambdaError(thrown: unknown): Error {
  const candidate = thrown as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
  if (thrown instanceof Error && typeof candidate!.message === "string" && typeof candidate!.stack === "string") return thrown;
  const name = typeof candidate?.name === "string" && candidate.name.length > 0 ? candidate.name : "NonErrorThrown";
  const message = typeof candidate?.message === "string" ? candidate.message : typeof thrown === "string" ? thrown : name;
  const error = new Error(message);
  error.name = name;
  if (thrown && typeof thrown === "object") Object.assign(error, thrown, { name, message });
  return error;
}
