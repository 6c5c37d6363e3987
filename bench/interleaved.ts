/**
 * Side-by-side sampling for comparisons on a shared machine, where the load of other processes changes from one
 * second to the next: the contenders run in turns, one small batch each per sample (their order rotating from sample
 * to sample), so that every sample of one has samples of the others taken under the same load. Each batch is timed
 * in wall time and in the process's CPU time (user + system): CPU time is what the code costs, whatever else runs.
 */
import { performance } from "node:perf_hooks";
import { spread } from "./rows";

/** Per contender, in the order given: each sample's wall and CPU milliseconds per run. */
export interface InterleavedSamples {
  wallMs: number[][];
  cpuMs: number[][];
}

/**
 * Runs each of `contenders` `batch` times per sample, `samples` times, in turns (after `warmup` turns unmeasured).
 *
 * @example
 * const { wallMs } = await interleavedSamples([runOurs, runBaseline], { batch: 5, samples: 31, warmup: 10 });
 * pairedRatio(wallMs[0], wallMs[1]); // the median of ours / baseline, sample by sample
 */
export async function interleavedSamples(
  contenders: readonly (() => Promise<unknown>)[],
  { batch, samples, warmup }: { batch: number; samples: number; warmup: number },
): Promise<InterleavedSamples> {
  const wallMs: number[][] = contenders.map(() => []);
  const cpuMs: number[][] = contenders.map(() => []);
  for (let turn = 0; turn < warmup; turn++) for (const run of contenders) await run();
  for (let sample = 0; sample < samples; sample++) {
    for (let k = 0; k < contenders.length; k++) {
      const which = (sample + k) % contenders.length;
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < batch; i++) await contenders[which]();
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      wallMs[which].push(wall / batch);
      cpuMs[which].push((used.user + used.system) / 1000 / batch);
    }
  }
  return { wallMs, cpuMs };
}

/** The median over samples of `ours[i] / baseline[i]`: each sample compared with the one taken beside it. */
export function pairedRatio(ours: readonly number[], baseline: readonly number[]): number {
  return spread(ours.map((value, i) => value / baseline[i])).median;
}

/** The middle half of the per-sample ratios `ours[i] / baseline[i]` (first and third quartiles): how far one sample's ratio strays. */
export function pairedRatioQuartiles(ours: readonly number[], baseline: readonly number[]): [number, number] {
  const ratios = ours.map((value, i) => value / baseline[i]).sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
  return [at(0.25), at(0.75)];
}
