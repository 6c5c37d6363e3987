/**
 * `npm test` as a developer runs it on this machine: build (up to date by then), typecheck, lint and the whole suite
 * in two workers, timed once (it takes minutes: one sample), wall time against the target, its CPU time (every worker
 * and child process) beside it. A suite that fails is reported as such, never as a time.
 *
 * Run alone: `npx ts-node --transpile-only bench/testSuite.ts`.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { childrenCpuSeconds } from "./childrenCpu";
import { type BenchRow, formatRows } from "./rows";

/** `npm test` on this 2-core machine, at most (seconds; issue 23). */
export const TEST_SUITE_TARGET_SECONDS = 120;

const ROOT = join(__dirname, "..");

export async function testSuiteRows(): Promise<BenchRow[]> {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn("npm", ["test", "--silent"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString("utf8");
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ code: exitCode, output }));
  });
  const seconds = (performance.now() - started) / 1000;
  // What failed: mocha's failures, listed after its summary, or else the end of the output (a build, type or lint error).
  const failing = /^\s*\d+ failing/m.exec(output);
  if (code !== 0) throw new Error(`npm test failed (exit ${code}):\n${failing ? output.slice(failing.index) : output.slice(-4000)}`);
  const cpuAfter = childrenCpuSeconds();
  const passing = /(\d[\d,]*) passing/.exec(output)?.[1];
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? "" : `, ${(cpuAfter - cpuBefore).toFixed(0)} s of CPU`;
  return [
    {
      measure: `npm test (build, typecheck, lint, ${passing ?? "every"} specs in 2 workers${cpu}; 1 sample)`,
      unit: "s",
      ours: { min: seconds, median: seconds, max: seconds },
      target: `at most ${TEST_SUITE_TARGET_SECONDS} s`,
      met: seconds <= TEST_SUITE_TARGET_SECONDS,
      note: "The suite is CPU-bound on 2 cores; the packaging specs (real npm pack + npm install, strict tsc over @pulumi/aws's declarations per module system) are most of its CPU (README, Performance).",
    },
  ];
}

if (require.main === module) testSuiteRows().then((rows) => console.log(formatRows(rows)));
