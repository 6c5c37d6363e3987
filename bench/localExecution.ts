/**
 * Local execution at interpreter speed: executions per second of each order sample path in-process (LocalWorkflow +
 * the instrumented source handlers against sandbox services) against the HONEST BASELINE: the same definition on the
 * same engine (aws-local-stepfunctions, used directly) with the same order handlers instrumented by hand with bare
 * Powertools (bench/handInstrumented.ts). The trivial-handler figure (the raw engine running handlers that replay the
 * outcomes ours produced, so that both take the same path, retries included) is kept as the engine's CEILING, with no
 * target: no instrumented step can reach it. All measured in the same run, alternating, the median over samples.
 *
 * Run alone: `npx ts-node --transpile-only bench/localExecution.ts [executionsPerSample] [samples]`.
 */
import { performance } from "node:perf_hooks";
import { StateMachine } from "aws-local-stepfunctions";
import { walkStates } from "event-driven-workflow/asl";
import { discardOutput } from "../local/runner/captureOutput";
import { LocalWorkflow, type LocalTaskHandler } from "../local/runner/execute";
import { orderHandlersByHand, orderSamples, orderWorkflowInProcess, withFreshOrderId } from "./orderBench";
import { type BenchRow, formatRows, spread } from "./rows";

/** In-process may cost at most this many times the same handlers instrumented by hand with bare Powertools (issue 23). */
export const IN_PROCESS_TARGET_SLOWDOWN = 1.3;

type Outcome = { output: unknown } | { error: { name: string; message: string } };

export async function localExecutionRows(executionsPerSample = 150, samples = 7): Promise<BenchRow[]> {
  const { definition, taskHandlers } = orderWorkflowInProcess();
  // Each task's outcomes, in call order, from one execution of ours: the trivial handlers replay them.
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
  const ours = new LocalWorkflow(definition, { taskHandlers: recorded, prevalidated: true });
  const integrationStates = [...walkStates(definition)].filter((s) => s.type === "Task" && !taskHandlers[s.name]).map((s) => s.name);
  const retryStates = [...walkStates(definition)].filter((s) => Array.isArray(s.state.Retry)).map((s) => s.name);
  const raw = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const retryIntervalOverrides = Object.fromEntries(retryStates.map((s) => [s, 0]));
  const byHand = orderHandlersByHand();
  // What the integration states return: a message id, as the recorder's (the engine would call AWS otherwise).
  const integrations = Object.fromEntries(integrationStates.map((state) => [state, async () => ({ MessageId: "m-1" })]));
  const runRaw = async (event: Record<string, unknown>, handlers: Record<string, LocalTaskHandler>) => {
    const execution = raw.run(
      event as never,
      {
        overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
        noThrowOnAbort: true,
        context: { Execution: { Id: "arn:aws:states:local-1:000000000000:execution:local:bench" } },
      } as never,
    );
    await execution.result.catch(() => undefined);
  };

  const rows: BenchRow[] = [];
  let sequence = 0;
  // Powertools prints EMF and log lines on both sides: measured without the terminal's cost.
  const restoreOutput = discardOutput();
  try {
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
      const runTrivial = () => {
        const calls: Record<string, number> = {};
        return runRaw(
          event,
          Object.fromEntries([...Object.keys(taskHandlers), ...integrationStates].map((state) => [state, replay(state, calls)])),
        );
      };
      const runOurs = () => ours.run(withFreshOrderId(event, `b-${sequence++}`));
      const runByHand = () => runRaw(withFreshOrderId(event, `h-${sequence++}`), { ...byHand, ...integrations });
      for (let i = 0; i < 30; i++) {
        await runOurs();
        await runByHand();
        await runTrivial();
      }
      const rate = async (run: () => Promise<unknown>) => {
        const started = performance.now();
        for (let i = 0; i < executionsPerSample; i++) await run();
        return (executionsPerSample * 1000) / (performance.now() - started);
      };
      const [oursRates, handRates, trivialRates]: number[][] = [[], [], []];
      for (let s = 0; s < samples; s++) {
        oursRates.push(await rate(runOurs));
        handRates.push(await rate(runByHand));
        trivialRates.push(await rate(runTrivial));
      }
      const oursSpread = spread(oursRates);
      const handMedian = spread(handRates).median;
      const trivialMedian = spread(trivialRates).median;
      const slowdown = handMedian / oursSpread.median;
      rows.push({
        measure: `in-process, ${name} (vs the same handlers instrumented by hand with bare Powertools, same engine)`,
        unit: "executions/s",
        ours: oursSpread,
        baseline: handMedian,
        ratio: slowdown,
        target: `within ${IN_PROCESS_TARGET_SLOWDOWN}x of hand-instrumented`,
        met: slowdown <= IN_PROCESS_TARGET_SLOWDOWN,
        note: "Redaction, the invocation guards, the cold-start metric and the execution's history and recorders are what the hand-written baseline does not do.",
      });
      rows.push({
        measure: `in-process, ${name} (vs the engine's ceiling: raw aws-local-stepfunctions, trivial handlers; no target)`,
        unit: "executions/s",
        ours: oursSpread,
        baseline: trivialMedian,
        ratio: trivialMedian / oursSpread.median,
      });
    }
  } finally {
    restoreOutput();
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
