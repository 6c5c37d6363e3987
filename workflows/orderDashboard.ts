/**
 * The order workflow's business metrics for its dashboard, read off the metric catalogue: one line per step that
 * emits a metric, and per value of its extra dimension (the catalogue keeps those sets closed).
 */
import type { BusinessMetric } from "event-driven-workflow";
import { ORDER_METRIC_CATALOGUE, type MetricDefinition } from "../handlers/metricsCatalogue";

/** Catalogue entries emitted by named steps (the per-step built-ins already have their own widgets). */
export function orderBusinessMetrics(catalogue: readonly MetricDefinition[] = ORDER_METRIC_CATALOGUE): BusinessMetric[] {
  return catalogue
    .filter((metric) => metric.emittedBy !== "every step")
    .flatMap((metric) =>
      metric.emittedBy
        .split(",")
        .map((step) => step.trim())
        .flatMap((step): BusinessMetric[] => {
          const [dimension, values] = Object.entries(metric.dimensionValues ?? {})[0] ?? [];
          if (!dimension) return [{ step, metricName: metric.name }];
          return values!.map((value) => ({ step, metricName: metric.name, dimensions: { [dimension]: value } }));
        }),
    );
}
