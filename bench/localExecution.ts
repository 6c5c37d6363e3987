/**
 * Local execution at interpreter speed: executions per second of each order sample path in-process (LocalWorkflow +
 * the instrumented source handlers against sandbox services) against the HONEST BASELINE: the same definition on the
 * same engine (aws-local-stepfunctions, used directly) with the same order handlers instrumented by hand with bare
 * Powertools (bench/handInstrumented.ts). The trivial-handler figure (the raw engine running handlers that replay the
 * outcomes ours produced, so that both take the same path, retries included) is kept as the engine's CEILING, with no
 * target: no instrumented step can reach it. All measured in the same run, side by side.
 *
 * Ratios are medians of ratios sample by sample (ours beside the baseline, under the same load), in wall time and in CPU
 * time (what the code costs, whatever else the machine runs); the target is judged on wall time.
 *
 * Run alone: `npx ts-node --transpile-only bench/localExecution.ts [batch] [samples]`.
 */
import { StateMachine } from "aws-local-stepfunctions";
import { walkStates } from "event-driven-workflow/asl";
import { discardOutput } from "../local/runner/captureOutput";
import { LocalWorkflow, type LocalTaskHandler } from "../local/runner/execute";
import { orderHandlersByHand, orderSamples, orderWorkflowInProcess, withFreshOrderId } from "./orderBench";
import { interleavedSamples, pairedRatio, pairedRatioQuartiles } from "./interleaved";
import { type BenchRow, formatRows, spread } from "./rows";

/** In-process may cost at most this many times the same handlers instrumented by hand with bare Powertools (issue 23). */
export const IN_PROCESS_TARGET_SLOWDOWN = 1.3;

type Outcome = { output: unknown } | { error: { name: string; message: string } };

/**
 * @param batch executions of each contender per sample
 * @param samples samples per contender and path
 */
export async function localExecutionRows(batch = 2, samples = 75): Promise<BenchRow[]> {
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
  // The recording run goes through its own machine: the measured one runs the handlers without the recorder.
  const recorder = new LocalWorkflow(definition, { taskHandlers: recorded, prevalidated: true });
  const ours = new LocalWorkflow(definition, { taskHandlers, prevalidated: true });
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
      await recorder.run(withFreshOrderId(event, `rec-${sequence++}`));
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
      // Side by side (bench/interleaved.ts): ours, the hand-written baseline and the ceiling in turns, a batch each.
      const { wallMs, cpuMs } = await interleavedSamples([runOurs, runByHand, runTrivial], { batch, samples, warmup: 10 });
      const rates = wallMs.map((times) => times.map((ms) => 1000 / ms));
      const oursSpread = spread(rates[0]);
      const slowdown = pairedRatio(wallMs[0], wallMs[1]);
      const cpuSlowdown = pairedRatio(cpuMs[0], cpuMs[1]);
      const middleHalf = pairedRatioQuartiles(wallMs[0], wallMs[1]).map((r) => r.toFixed(2));
      rows.push({
        measure: `in-process, ${name} (vs the same handlers instrumented by hand with bare Powertools, same engine)`,
        unit: "executions/s",
        ours: oursSpread,
        baseline: spread(rates[1]).median,
        ratio: slowdown,
        target: `within ${IN_PROCESS_TARGET_SLOWDOWN}x of hand-instrumented`,
        met: slowdown <= IN_PROCESS_TARGET_SLOWDOWN,
        note: `Per-sample wall ratios' middle half: ${middleHalf.join("-")}x; CPU time: ${cpuSlowdown.toFixed(2)}x. Redaction, the invocation guards, the cold-start metric and the execution's history and recorders are what the hand-written baseline does not do.`,
      });
      rows.push({
        measure: `in-process, ${name}, CPU time per execution (vs hand-instrumented, the same samples; no target)`,
        unit: "ms",
        ours: spread(cpuMs[0]),
        baseline: spread(cpuMs[1]).median,
        ratio: cpuSlowdown,
      });
      rows.push({
        measure: `in-process, ${name} (vs the engine's ceiling: raw aws-local-stepfunctions, trivial handlers; no target)`,
        unit: "executions/s",
        ours: oursSpread,
        baseline: spread(rates[2]).median,
        ratio: pairedRatio(wallMs[0], wallMs[2]),
      });
    }
  } finally {
    restoreOutput();
  }
  return rows;
}

if (require.main === module) {
  localExecutionRows(Number(process.argv[2] ?? 2), Number(process.argv[3] ?? 75)).then(
    (rows) => console.log(formatRows(rows)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
