/**
 * Local execution at interpreter speed: executions per second of each order sample path in-process (LocalWorkflow +
 * the instrumented source handlers against sandbox services) against the FLOOR, raw aws-local-stepfunctions running
 * the same definition with trivial handlers that replay the outcomes ours produced (so both take the same path,
 * retries included). Both measured in the same run, alternating, the median over samples.
 *
 * Run alone: `npx ts-node --transpile-only bench/localExecution.ts [executionsPerSample] [samples]`.
 */
import { performance } from "node:perf_hooks";
import { StateMachine } from "aws-local-stepfunctions";
import { walkStates } from "event-driven-workflow/asl";
import { LocalWorkflow, type LocalTaskHandler } from "../local/runner/execute";
import { orderSamples, orderWorkflowInProcess, withFreshOrderId } from "./orderBench";
import { type BenchRow, formatRows, spread } from "./rows";

/** In-process may cost at most this many times the raw interpreter (issue 12). */
export const IN_PROCESS_TARGET_SLOWDOWN = 2;

type Outcome = { output: unknown } | { error: { name: string; message: string } };

export async function localExecutionRows(executionsPerSample = 150, samples = 7): Promise<BenchRow[]> {
  const { definition, taskHandlers } = orderWorkflowInProcess();
  // Each task's outcomes, in call order, from one execution of ours: the raw floor replays them.
  let recording: Record<string, Outcome[]> = {};
  const recorded = Object.fromEntries(
    Object.entries(taskHandlers).map(([state, handler]) => [
      state,
      async (input: unknown) => {
        try {
          const output = await handler(input);
          (recording[state] ??= []).push({ output });
          return output;
        } catch (error) {
          (recording[state] ??= []).push({ error: { name: (error as Error).name, message: (error as Error).message } });
          throw error;
        }
      },
    ]),
  );
  const ours = new LocalWorkflow(definition, { taskHandlers: recorded });
  const integrationStates = [...walkStates(definition)].filter((s) => s.type === "Task" && !taskHandlers[s.name]).map((s) => s.name);
  const retryStates = [...walkStates(definition)].filter((s) => Array.isArray(s.state.Retry)).map((s) => s.name);
  const raw = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });

  const rows: BenchRow[] = [];
  let sequence = 0;
  for (const { name, event } of orderSamples) {
    recording = {};
    await ours.run(withFreshOrderId(event, `rec-${sequence++}`));
    const outcomes = recording;
    const replay =
      (state: string, calls: Record<string, number>): LocalTaskHandler =>
      async () => {
        const list = outcomes[state] ?? [{ output: {} }];
        const outcome = list[Math.min((calls[state] = (calls[state] ?? -1) + 1), list.length - 1)];
        if ("error" in outcome) throw Object.assign(new Error(outcome.error.message), { name: outcome.error.name });
        return outcome.output;
      };
    const runRaw = async () => {
      const calls: Record<string, number> = {};
      const handlers = Object.fromEntries(
        [...Object.keys(taskHandlers), ...integrationStates].map((state) => [state, replay(state, calls)]),
      );
      const execution = raw.run(event, {
        overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: Object.fromEntries(retryStates.map((s) => [s, 0])) },
        noThrowOnAbort: true,
      } as never);
      await execution.result.catch(() => undefined);
    };
    const runOurs = () => ours.run(withFreshOrderId(event, `b-${sequence++}`));
    for (let i = 0; i < 30; i++) {
      await runOurs();
      await runRaw();
    }
    const oursRates: number[] = [];
    const rawRates: number[] = [];
    for (let s = 0; s < samples; s++) {
      let started = performance.now();
      for (let i = 0; i < executionsPerSample; i++) await runOurs();
      oursRates.push((executionsPerSample * 1000) / (performance.now() - started));
      started = performance.now();
      for (let i = 0; i < executionsPerSample; i++) await runRaw();
      rawRates.push((executionsPerSample * 1000) / (performance.now() - started));
    }
    const oursSpread = spread(oursRates);
    const baseline = spread(rawRates).median;
    const slowdown = baseline / oursSpread.median;
    rows.push({
      measure: `in-process, ${name} (vs raw aws-local-stepfunctions, trivial handlers)`,
      unit: "executions/s",
      ours: oursSpread,
      baseline,
      ratio: slowdown,
      target: `within ${IN_PROCESS_TARGET_SLOWDOWN}x of raw`,
      met: slowdown <= IN_PROCESS_TARGET_SLOWDOWN,
      note: "The handlers' own work (Powertools logger/metrics/tracer, redaction, idempotency, order validation) is what raw does not do.",
    });
  }
  return rows;
}

if (require.main === module) {
  localExecutionRows(Number(process.argv[2] ?? 150), Number(process.argv[3] ?? 7)).then(
    (rows) => console.log(formatRows(rows)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
