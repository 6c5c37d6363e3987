/**
 * What every order handler does for observability: tag its logs, trace and metrics with the order id, emit the
 * catalogued metrics (and only those), and trace each call to an outside service.
 */
import type { StepContext } from "event-driven-workflow";
import { traceCall } from "event-driven-workflow/runtime";
import type { MetricDefinition } from "./metricsCatalogue";

/**
 * Makes `orderId` a correlation key of this invocation: a key of every log line (until the invocation ends), an
 * X-Ray annotation (searchable: `annotation.orderId = "ord-1001"`), and EMF metadata (searchable in Logs Insights,
 * and not a dimension: an order id is unbounded).
 */
export function correlateOrder(context: StepContext, orderId: string): void {
  context.logger.appendKeys({ orderId });
  context.tracer.putAnnotation("orderId", orderId);
  context.metrics.addMetadata("orderId", orderId);
}

/**
 * Emits catalogued `metric` (an entry of `ORDER_METRICS`) with its documented unit and dimensions. A metric with extra dimensions (or marked
 * standalone) goes on an EMF line of its own, so its dimensions are exactly the documented ones. Throws on a
 * dimension that is missing, undocumented or outside its closed set of values: cardinality stays bounded by
 * construction.
 *
 * @example
 * emitOrderMetric(context, ORDER_METRICS.chargeAttempts, 1, { outcome: "Charged" });
 *
 * (The entry is passed rather than its key so that Pulumi serializes only the entries a handler uses into its
 * Lambda, not the whole catalogue.)
 */
export function emitOrderMetric(
  context: StepContext,
  metric: MetricDefinition,
  value: number,
  dimensions: Record<string, string> = {},
): void {
  const extra = metric.dimensionSets[0].filter((d) => d !== "service");
  const given = Object.keys(dimensions);
  if (given.length !== extra.length || extra.some((d) => !given.includes(d))) {
    throw new Error(`Metric ${metric.name} takes dimensions [${extra.join(", ")}], got [${given.join(", ")}]`);
  }
  for (const [name, allowed] of Object.entries(metric.dimensionValues ?? {})) {
    if (!allowed.includes(dimensions[name]))
      throw new Error(`Metric ${metric.name}: ${name} "${dimensions[name]}" is not one of ${allowed.join(", ")}`);
  }
  if (!metric.standalone && extra.length === 0) {
    context.metrics.addMetric(metric.name, metric.unit, value);
    return;
  }
  const single = context.metrics.singleMetric();
  for (const name of extra) single.addDimension(name, dimensions[name]);
  single.addMetric(metric.name, metric.unit, value);
}

/**
 * Calls an outside service (`service.operation`, e.g. "payments.charge") inside an X-Ray subsegment annotated with
 * the outcome: the result's status, or the error's name.
 */
export function traceGateway<T extends { status: string }>(context: StepContext, name: string, call: () => Promise<T>): Promise<T> {
  return traceCall(context.tracer, name, call, (result) => result.status);
}
