/**
 * Cost per order: each order sample path executed in-process, priced by local/cost/cost.ts with local/cost/prices.ts, on
 * STANDARD and EXPRESS (Lambda included in both). No baseline: a price is compared with nothing; the table shows
 * the per-execution figure over repeated executions (Lambda durations vary run to run; transitions do not).
 * `npm run cost` prints the same for any program.
 */
import { performance } from "node:perf_hooks";
import { executionCost } from "../local/cost/cost";
import { LocalWorkflow, type LocalTaskHandler } from "../local/runner/execute";
import { orderSamples, orderWorkflowInProcess, withFreshOrderId } from "./orderBench";
import { type BenchRow, formatRows, spread } from "./rows";

export async function costRows(executionsPerSample = 20): Promise<BenchRow[]> {
  const { definition, taskHandlers } = orderWorkflowInProcess();
  let invocations: { state: string; durationMs: number }[] = [];
  const timed: Record<string, LocalTaskHandler> = Object.fromEntries(
    Object.entries(taskHandlers).map(([state, handler]) => [
      state,
      async (input: unknown) => {
        const started = performance.now();
        try {
          return await handler(input);
        } finally {
          invocations.push({ state, durationMs: performance.now() - started });
        }
      },
    ]),
  );
  const workflow = new LocalWorkflow(definition, { taskHandlers: timed });
  const rows: BenchRow[] = [];
  let sequence = 0;
  for (const { name, event } of orderSamples) {
    const standard: number[] = [];
    const express: number[] = [];
    let transitions = 0;
    for (let i = 0; i < executionsPerSample; i++) {
      invocations = [];
      const result = await workflow.run(withFreshOrderId(event, `cost-${sequence++}`));
      const cost = executionCost({ ...result, invocations });
      standard.push(cost.standardUsd);
      express.push(cost.expressUsd);
      transitions = cost.stateTransitions;
    }
    rows.push(
      { measure: `cost per order, ${name}, STANDARD (${transitions} transitions + Lambda)`, unit: "USD", ours: spread(standard) },
      { measure: `cost per order, ${name}, EXPRESS (request + duration + Lambda)`, unit: "USD", ours: spread(express) },
    );
  }
  return rows;
}

if (require.main === module) {
  costRows().then(
    (rows) => console.log(formatRows(rows)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
