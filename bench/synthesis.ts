/**
 * Synthesis that scales: wall time to construct and resolve generated workflows of 10, 50, 200 and 500 Lambda tasks
 * (with catches, parallels and maps: bench/generatedWorkflow.ts) under Pulumi mocks, against the BASELINE of the same
 * resources declared by hand with the @pulumi/aws classes and the inputs ours produced (bench/synthesisChild.ts), in
 * the same process, alternating.
 * Each size runs in a fresh process (Pulumi's runtime state is per process).
 *
 * Run alone: `npx ts-node --transpile-only bench/synthesis.ts [sizes, e.g. 10,50]`.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { type BenchRow, formatRows, spread } from "./rows";

/** Samples per size: the big ones take minutes on a shared machine, so fewer of them. */
const SAMPLES: Record<number, number> = { 10: 3, 50: 3, 200: 2, 500: 1 };
/** Targets (issue 12). */
export const SYNTHESIS_TARGETS = { maxMsAt200: 10_000, maxRatio: 1.5, maxLinearityDrift: 1.5 };

async function sample(taskCount: number, samples: number): Promise<{ ours: number[]; baseline: number[]; resources: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(__dirname, "synthesisChild.ts"), String(taskCount), String(samples)],
    { cwd: join(__dirname, ".."), env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 64 * 1024 * 1024 },
  );
  const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@"));
  if (!line) throw new Error(`synthesisChild ${taskCount} printed no result:\n${stdout}`);
  return JSON.parse(line.slice("@@RESULT@@".length));
}

export async function synthesisRows(sizes: readonly number[] = [10, 50, 200, 500]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const perTask: Record<number, number> = {};
  for (const size of sizes) {
    const { ours, baseline, resources } = await sample(size, SAMPLES[size] ?? 1);
    const oursSpread = spread(ours.map((ms) => ms / 1000));
    const baselineMedian = spread(baseline).median / 1000;
    const ratio = oursSpread.median / baselineMedian;
    perTask[size] = oursSpread.median / size;
    const atTarget = size === 200 ? oursSpread.median * 1000 <= SYNTHESIS_TARGETS.maxMsAt200 : true;
    rows.push({
      measure: `synthesis, ${size} tasks (${resources} resources; ${ours.length} sample${ours.length > 1 ? "s" : ""}) vs the same resources by hand`,
      unit: "s",
      ours: oursSpread,
      baseline: baselineMedian,
      ratio,
      target: `at most ${SYNTHESIS_TARGETS.maxRatio}x the hand-written baseline${size === 200 ? `, under ${SYNTHESIS_TARGETS.maxMsAt200 / 1000} s` : ""}`,
      met: ratio <= SYNTHESIS_TARGETS.maxRatio && atTarget,
      note:
        (size === 200 && baselineMedian * 1000 > SYNTHESIS_TARGETS.maxMsAt200
          ? `The same resources declared by hand take ${baselineMedian.toFixed(1)} s themselves: Pulumi's own cost per resource is the limit. `
          : "") +
        "Profile (50 tasks): a third of the CPU, ours and baseline alike, is Pulumi's debuggablePromise taking `new Error().stack` " +
        "per resource property, formatted through ts-node's source-map-support; ours adds Outputs chained between resources " +
        "and Pulumi's closure serialization of each handler (inspector round trips).",
    });
  }
  const smallest = sizes[0];
  const largest = sizes[sizes.length - 1];
  if (sizes.length > 1) {
    const drift = perTask[largest] / perTask[smallest];
    rows.push({
      measure: `growth: time per task at ${largest} tasks against at ${smallest}`,
      unit: "s",
      ours: spread([perTask[largest]]),
      baseline: perTask[smallest],
      ratio: drift,
      target: `linear (at most ${SYNTHESIS_TARGETS.maxLinearityDrift}x)`,
      met: drift <= SYNTHESIS_TARGETS.maxLinearityDrift,
    });
  }
  return rows;
}

if (require.main === module) {
  synthesisRows(process.argv[2] ? process.argv[2].split(",").map(Number) : undefined).then(
    (rows) => console.log(formatRows(rows)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
