/**
 * A {@link StepContext} for unit tests of step handlers: real Powertools objects, as `instrumentStep` builds
 * them in Lambda, so a handler's calls are exercised for real (a wrong metric unit throws here as it would there).
 * Outside Lambda the Tracer disables itself, so annotations are no-ops unless a test spies on them.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { StepContext } from "../../components/steps/types";

/** A StepContext that keeps the standalone EMF blobs (Powertools `singleMetric`) a handler emits instead of printing them. */
export interface TestStepContext extends StepContext {
  /** The EMF objects of the single-metric blobs emitted so far (metrics with their own dimensions). */
  standaloneEmf(): Record<string, unknown>[];
}

/** Overrides of {@link createTestStepContext}: any StepContext field, plus the logger's level. */
export interface TestStepContextOverrides extends Partial<StepContext> {
  /** Level of the default Logger. @default "SILENT" (keeps test output clean; raise it to capture logs) */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
}

/**
 * Builds a StepContext for step `stepName` of a workflow named "test", with Metrics in namespace "test".
 * Metrics are never flushed by it: read them with `context.metrics.serializeMetrics()`, and the single-metric blobs
 * (metrics with dimensions of their own) with `context.standaloneEmf()`.
 *
 * @example
 * const context = createTestStepContext("ChargeCard");
 * await chargeCard(order, context, services);
 * context.metrics.serializeMetrics(); // the EMF object holding OrdersCharged and ChargeAmount
 */
export function createTestStepContext(stepName: string, overrides: TestStepContextOverrides = {}): TestStepContext {
  const { logLevel = "SILENT", ...fields } = overrides;
  const metrics = new Metrics({ namespace: "test", serviceName: stepName });
  const standalone: Record<string, unknown>[] = [];
  const singleMetric = metrics.singleMetric.bind(metrics);
  metrics.singleMetric = () => {
    const single = singleMetric();
    // A single-metric blob publishes on every addMetric: keep it instead of printing it.
    single.publishStoredMetrics = () => {
      standalone.push(single.serializeMetrics() as unknown as Record<string, unknown>);
      single.clearMetrics();
      return single;
    };
    return single;
  };
  return {
    resources: undefined,
    stepName,
    workflowName: "test",
    requestId: `test-request-${stepName}`,
    remainingTimeMs: () => 30_000,
    metrics,
    standaloneEmf: () => standalone.map((blob) => structuredClone(blob)),
    logger: new Logger({ serviceName: stepName, logLevel, persistentKeys: { workflow: "test" } }),
    tracer: new Tracer({ serviceName: stepName }),
    ...fields,
    secrets: fields.secrets ?? {},
  };
}
