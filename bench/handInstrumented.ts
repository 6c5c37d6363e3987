/**
 * The honest baseline of the in-process figures: the order steps' own handlers instrumented BY HAND with bare
 * Powertools, as a user writes them without the library. Per Lambda: a Logger, a Metrics and a Tracer created once
 * (at the first invocation, as ours); per invocation the request id appended to the logs, a success or failure
 * metric, the duration, one EMF flush, an error log on failure; for the steps that declare idempotency, Powertools
 * Idempotency (`makeIdempotent`) with the same key, expiry and payload validation, on the same in-memory store.
 * What it leaves out is exactly what the library adds: redaction, the invocation guards (timeouts, unhandled
 * rejections), the cold-start metric and the `init` hook plumbing.
 */
import { randomUUID } from "node:crypto";
import type { Step, StepContext } from "event-driven-workflow";
import { lambdaTimeoutOf, taskSteps } from "event-driven-workflow/core";
import { unwrapStepInput } from "../components/runtime/stepInput";
import type { LocalTaskHandler } from "../local/runner/execute";
import { InMemoryIdempotencyStore } from "../local/simulators/idempotency";

/** Local task handlers for every Lambda task of `steps`, each instrumented by hand with bare Powertools. */
export function bindTaskStepsByHand(workflowName: string, steps: readonly Step[]): Record<string, LocalTaskHandler> {
  const store = new InMemoryIdempotencyStore();
  return Object.fromEntries(
    taskSteps(steps).map((step) => {
      const lambda = handInstrumented(workflowName, step, store);
      const timeoutMs = lambdaTimeoutOf(step) * 1000;
      const handler: LocalTaskHandler = (input) => {
        const started = Date.now();
        return lambda(input, { awsRequestId: `local-${randomUUID()}`, getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started) });
      };
      return [step.name, handler];
    }),
  );
}

type Lambda = (event: unknown, context: { awsRequestId: string; getRemainingTimeInMillis(): number }) => Promise<unknown>;

function handInstrumented(workflowName: string, step: ReturnType<typeof taskSteps>[number], store: InMemoryIdempotencyStore): Lambda {
  const { Logger } = require("@aws-lambda-powertools/logger") as typeof import("@aws-lambda-powertools/logger");
  const { Metrics } = require("@aws-lambda-powertools/metrics") as typeof import("@aws-lambda-powertools/metrics");
  const { Tracer } = require("@aws-lambda-powertools/tracer") as typeof import("@aws-lambda-powertools/tracer");
  let tools:
    | { logger: InstanceType<typeof Logger>; metrics: InstanceType<typeof Metrics>; tracer: InstanceType<typeof Tracer> }
    | undefined;
  let resources: Promise<unknown> | undefined;
  const run = async (event: unknown, invocation: { awsRequestId: string; getRemainingTimeInMillis(): number }) => {
    tools ??= {
      logger: new Logger({ serviceName: step.name, persistentKeys: { workflow: workflowName } }),
      metrics: new Metrics({ namespace: workflowName, serviceName: step.name }),
      tracer: new Tracer({ serviceName: step.name }),
    };
    const { logger, metrics, tracer } = tools;
    logger.appendKeys({ requestId: invocation.awsRequestId });
    const context = {
      resources: step.init ? await (resources ??= Promise.resolve().then(step.init)) : undefined,
      stepName: step.name,
      workflowName,
      requestId: invocation.awsRequestId,
      remainingTimeMs: () => invocation.getRemainingTimeInMillis(),
      metrics,
      logger,
      tracer,
    } as StepContext<unknown>;
    const started = Date.now();
    try {
      const result = await step.handler(event, context);
      metrics.addMetric("StepSucceeded", "Count", 1);
      return result;
    } catch (error) {
      metrics.addMetric("StepFailed", "Count", 1);
      logger.error(`${step.name} failed`, error as Error);
      throw error;
    } finally {
      metrics.addMetric("StepDuration", "Milliseconds", Date.now() - started);
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
  const idempotency = step.idempotency;
  let handler: Lambda = run;
  if (idempotency) {
    const { IdempotencyConfig, makeIdempotent } =
      require("@aws-lambda-powertools/idempotency") as typeof import("@aws-lambda-powertools/idempotency");
    handler = makeIdempotent(run, {
      persistenceStore: store.persistenceLayer(),
      config: new IdempotencyConfig({
        eventKeyJmesPath: idempotency.keyPath,
        expiresAfterSeconds: idempotency.expiresAfterSeconds ?? 3600,
        throwOnNoIdempotencyKey: true,
        ...(idempotency.payloadValidationPath ? { payloadValidationJmesPath: idempotency.payloadValidationPath } : {}),
      }),
      keyPrefix: `${workflowName}.${step.name}`,
    });
  }
  // The definition wraps each state input with the execution id: a hand-written handler unwraps it too.
  return (event, context) => handler(unwrapStepInput(event).payload, context);
}
