/**
 * Binds a workflow's Lambda task steps to local functions: each step's handler wrapped by the same
 * instrumentation as in Lambda (Powertools Metrics, Logger, Tracer, redaction, and Idempotency for the tasks that
 * declare it), invoked with a local Lambda-like context whose remaining time counts down from the Lambda timeout
 * the component would deploy. Idempotency records go to a local store standing in for the DynamoDB table.
 */
import { randomUUID } from "node:crypto";
import { lambdaTimeoutOf, taskSteps } from "event-driven-workflow/core";
import { instrumentStep } from "event-driven-workflow/runtime";
import type { Step } from "event-driven-workflow";
import type { LocalTaskHandler } from "./execute";
import { InMemoryIdempotencyStore, type LocalIdempotencyStore } from "../simulators/idempotency";

/** Options of {@link bindTaskSteps}. */
export interface BindOptions {
  /**
   * Where idempotent tasks keep their records: the local stand-in for the workflow's idempotency table.
   * @default a new in-memory store (so each binding starts with an empty table)
   */
  idempotencyStore?: LocalIdempotencyStore;
  /**
   * The workflow's `lambda.sensitiveKeys`: redacted as the deployed steps redact them, in addition to `cardToken`.
   * @default [] (only the defaults)
   * @example { sensitiveKeys: ["iban"] }
   */
  sensitiveKeys?: readonly string[];
}

/**
 * Local task handlers for every Lambda task of `steps`, by state name.
 *
 * @example
 * const machine = new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("order-processing", steps) });
 */
export function bindTaskSteps(workflowName: string, steps: readonly Step[], options: BindOptions = {}): Record<string, LocalTaskHandler> {
  const store = options.idempotencyStore ?? new InMemoryIdempotencyStore();
  return Object.fromEntries(
    taskSteps(steps).map((step) => {
      const lambda = instrumentStep(workflowName, step.name, step.handler, {
        idempotency: step.idempotency,
        persistenceLayer: () => store.persistenceLayer(),
        sensitiveKeys: options.sensitiveKeys,
        init: step.init,
      });
      const timeoutMs = lambdaTimeoutOf(step) * 1000;
      const handler: LocalTaskHandler = (input) => {
        const started = Date.now();
        return lambda(input, {
          awsRequestId: `local-${randomUUID()}`,
          functionName: `${workflowName}-${step.name}`,
          getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
        });
      };
      return [step.name, handler];
    }),
  );
}

/** Made-up ARNs in the shape of the real ones, for compiling a definition that runs locally. */
export function localResources(workflowName: string, steps: readonly Step[]) {
  const account = "000000000000";
  const region = "local-1";
  return {
    functionArns: Object.fromEntries(
      taskSteps(steps).map((s) => [s.name, `arn:aws:lambda:${region}:${account}:function:${workflowName}-${s.name}`]),
    ),
    alertTopicArn: `arn:aws:sns:${region}:${account}:${workflowName}-alerts`,
    deadLetterQueueUrl: `https://sqs.${region}.amazonaws.com/${account}/${workflowName}-dlq`,
    defaultEventBusName: "default",
  };
}
