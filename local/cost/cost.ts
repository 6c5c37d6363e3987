/**
 * What one local execution would cost on AWS, from its local history (pure): the state transitions Step Functions
 * Standard charges for, the request and duration Express charges for, and the Lambda requests and GB-seconds of its
 * tasks, priced with local/cost/prices.ts. LOCAL DURATIONS ARE THIS MACHINE'S, not Lambda's: the Lambda and Express
 * figures are an estimate of the shape of the bill (which path costs more), not a quote.
 */
import { PRICES_US_EAST_1, type PriceTable } from "./prices";

/** Lambda memory when a function's is unknown: Lambda's default. */
export const DEFAULT_LAMBDA_MEMORY_MB = 128;

/** What {@link executionCost} reads from an execution (an `ExecutionReport` has all of it). */
export interface ExecutionUsageInput {
  /** States entered, branch and iteration states included. */
  path: readonly string[];
  /** Retries per state. */
  retries: Readonly<Record<string, number>>;
  /** The execution's wall time. */
  durationMs: number;
  /** The Lambda invocations (a retried task is invoked again); undefined duration counts as 1 ms. */
  invocations: readonly { state: string; durationMs?: number }[];
}

/** The billable usage of one execution and its price in USD, per workflow type. */
export interface ExecutionCost {
  stateTransitions: number;
  lambdaRequests: number;
  lambdaGbSeconds: number;
  /** Lambda requests + duration. */
  lambdaUsd: number;
  /** Step Functions Standard (transitions) + Lambda. */
  standardUsd: number;
  /** Step Functions Express (request + duration) + Lambda. */
  expressUsd: number;
}

/**
 * Prices one execution. A state transition is counted per state entered and per retry, as Standard bills them.
 *
 * @param memoryMbOf a task state's Lambda memory. @default () => 128
 * @example
 * const cost = executionCost(report.executions[0], (state) => memoryByState[state]);
 * console.log(`$${cost.standardUsd.toFixed(8)} per order on STANDARD`);
 */
export function executionCost(
  execution: ExecutionUsageInput,
  memoryMbOf: (state: string) => number | undefined = () => undefined,
  prices: PriceTable = PRICES_US_EAST_1,
): ExecutionCost {
  const retries = Object.values(execution.retries).reduce((sum, n) => sum + n, 0);
  const stateTransitions = execution.path.length + retries;
  let lambdaGbSeconds = 0;
  for (const { state, durationMs } of execution.invocations) {
    const billedMs = roundUp(Math.max(1, durationMs ?? 1), prices.lambda.durationStepMs);
    lambdaGbSeconds += ((memoryMbOf(state) ?? DEFAULT_LAMBDA_MEMORY_MB) / 1024) * (billedMs / 1000);
  }
  const lambdaRequests = execution.invocations.length;
  const lambdaUsd = lambdaRequests * prices.lambda.perRequest + lambdaGbSeconds * prices.lambda.perGbSecond;
  const express = prices.stepFunctionsExpress;
  const expressGbSeconds = (express.memoryChunkMb / 1024) * (roundUp(Math.max(1, execution.durationMs), express.durationStepMs) / 1000);
  return {
    stateTransitions,
    lambdaRequests,
    lambdaGbSeconds,
    lambdaUsd,
    standardUsd: stateTransitions * prices.stepFunctionsStandard.perStateTransition + lambdaUsd,
    expressUsd: express.perRequest + expressGbSeconds * express.perGbSecond + lambdaUsd,
  };
}

/** A cost as a short line, e.g. `$0.000176 STANDARD / $0.00000213 EXPRESS` (the runner's summary shows it per execution). */
export function formatCost(cost: ExecutionCost): string {
  return `$${cost.standardUsd.toPrecision(3)} STANDARD / $${cost.expressUsd.toPrecision(3)} EXPRESS`;
}

const roundUp = (value: number, step: number) => Math.ceil(value / step) * step;
