/**
 * The local runner's throughput on the order sample events (charge-hangs excluded: its duration is its Lambda
 * timeout, by design), warm, 8 events in flight: from the deployment artifacts (a warm child process per execution
 * environment, over IPC) against the BASELINE, the same runner from source (handlers in-process), in the same run.
 * Every round uses fresh order ids (so idempotency and the sandboxes see new orders); a round that scales the
 * environments out to 8 per function (as Lambda would for that concurrency) precedes the measured ones.
 *
 * Run alone: `npx ts-node --transpile-only bench/runner.ts [rounds] [samples]`.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LocalRunner } from "../local/runner";
import { forgetPendingPulumiWork, synthesizeProgram } from "../local/synthesize";
import { orderSamples, withFreshOrderId } from "./orderBench";
import { type BenchRow, formatRows, spread } from "./rows";

/** What artifact mode should reach, warm (issue 12). */
export const ARTIFACT_TARGET_EVENTS_PER_SECOND = 1000;
const IN_FLIGHT = 8;
type Mode = "artifact" | "source";

let roundSequence = 0;
async function eventsPerSecond(runner: LocalRunner, rounds: number): Promise<number> {
  const events = Array.from({ length: rounds }, () => {
    const round = `r${roundSequence++}`;
    return orderSamples.map(({ name, event }) => ({ label: name, event: withFreshOrderId(event, round) }));
  }).flat();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < events.length) {
        const { label, event } = events[next++];
        await runner.runEvent(event, label);
      }
    }),
  );
  return events.length / ((performance.now() - started) / 1000);
}

export async function runnerRows(rounds = 5, samples = 5): Promise<BenchRow[]> {
  const synthesis = await synthesizeProgram(join(__dirname, "..", "index.ts"), { stack: "bench" });
  const runners: Record<Mode, LocalRunner> = {
    artifact: await LocalRunner.fromSynthesis(synthesis, { mode: "artifact" }, "index.ts"),
    source: await LocalRunner.fromSynthesis(synthesis, { mode: "source" }, "index.ts"),
  };
  try {
    for (const runner of Object.values(runners)) await eventsPerSecond(runner, 2); // cold starts, scale-out to 8
    const rates: Record<Mode, number[]> = { artifact: [], source: [] };
    for (let s = 0; s < samples; s++)
      for (const mode of ["artifact", "source"] as const) rates[mode].push(await eventsPerSecond(runners[mode], rounds));
    const ours = spread(rates.artifact);
    const baseline = spread(rates.source).median;
    return [
      {
        measure: `runner from artifacts, warm, ${IN_FLIGHT} events in flight (vs the runner from source, in-process)`,
        unit: "events/s",
        ours,
        baseline,
        ratio: baseline / ours.median,
        target: `at least ${ARTIFACT_TARGET_EVENTS_PER_SECOND} events/s`,
        met: ours.median >= ARTIFACT_TARGET_EVENTS_PER_SECOND,
        note: "Each Lambda task is an IPC round trip to a child process running the full instrumented handler; the in-process runner is the ceiling.",
      },
      {
        measure: `runner from source, warm, ${IN_FLIGHT} events in flight`,
        unit: "events/s",
        ours: spread(rates.source),
      },
    ];
  } finally {
    for (const runner of Object.values(runners)) await runner.close();
    forgetPendingPulumiWork();
  }
}

if (require.main === module) {
  runnerRows(Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 5)).then(
    (rows) => {
      console.log(formatRows(rows));
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
