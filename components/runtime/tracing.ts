/**
 * X-Ray subsegments around the calls a step makes to other services (a payment gateway, a warehouse, a mail
 * provider), annotated with the call's outcome so that X-Ray can filter traces by it
 * (`annotation.outcome = "InsufficientFundsError"`).
 *
 * Step Functions passes its trace header to every Lambda it invokes (tracing is on for the state machine and the
 * functions), so the state machine's segment, each step's `## <step>` subsegment and these `### <call>`
 * subsegments form ONE trace per execution: one trace per order.
 */
import type { Tracer } from "@aws-lambda-powertools/tracer";

/** The annotation holding a traced call's outcome. */
export const OUTCOME_ANNOTATION = "outcome";

/**
 * Runs `call` inside a `### <name>` subsegment of the current segment, annotated with `outcome(result)` or, when it
 * throws, the error's `name` (the error is added too). Without active tracing (outside Lambda) it only runs `call`.
 *
 * Outcomes must come from a small fixed set (statuses, error names): annotations are indexed, and nothing
 * sensitive belongs in them.
 *
 * @example
 * const charge = await traceCall(context.tracer, "payments.charge", () => gateway.charge(order), (c) => c.status);
 */
export async function traceCall<T>(tracer: Tracer, name: string, call: () => Promise<T>, outcome: (result: T) => string): Promise<T> {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!parent) return call();
  const subsegment = parent.addNewSubsegment(`### ${name}`);
  // Annotations go to the current segment: make it this subsegment right before each (synchronously), so that no
  // other code running meanwhile can have moved it.
  const annotate = (value: string, error?: Error) => {
    tracer.setSegment(subsegment);
    tracer.putAnnotation(OUTCOME_ANNOTATION, value);
    if (error) tracer.addErrorAsMetadata(error);
  };
  tracer.setSegment(subsegment);
  try {
    const result = await call();
    annotate(outcome(result));
    return result;
  } catch (error) {
    if (error instanceof Error) annotate(error.name, error);
    else annotate("NonErrorThrown");
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}

/** Tells Pulumi to serialize this module into Lambda archives by value: consumers of the installed package then need no copy of the library inside their functions. */
export const deploymentOnlyModule = true;
