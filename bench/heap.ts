/**
 * Heap flat over 10,000 executions: heapUsed after GC, every 1,000 in-process happy-path executions
 * (bench/heapChild.ts), on this Node and on Node 22 (`npx -y node@22`, fetched once), both at once. Ours is the
 * growth from the 1,000th execution (warm) to the last; the baseline is the warm heap.
 *
 * Run alone: `npx ts-node --transpile-only bench/heap.ts [executions]`.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { type BenchRow, formatRows, spread } from "./rows";

/** The growth over the run that still counts as flat (issue 12: "heap flat"). */
export const FLAT_HEAP_MAX_GROWTH_MB = 2;

const runtimes: { label: string; command: string; prefix: string[] }[] = [
  { label: `Node ${process.versions.node.split(".")[0]}`, command: process.execPath, prefix: [] },
  { label: "Node 22", command: "npx", prefix: ["-y", "node@22"] },
];

async function heapOf(runtime: (typeof runtimes)[number], executions: number): Promise<{ node: string; heapMb: number[] }> {
  const { stdout } = await promisify(execFile)(
    runtime.command,
    [...runtime.prefix, "--expose-gc", "-r", "ts-node/register/transpile-only", join(__dirname, "heapChild.ts"), String(executions)],
    { cwd: join(__dirname, ".."), env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 64 * 1024 * 1024 },
  );
  const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@"));
  if (!line) throw new Error(`heapChild (${runtime.label}) printed no result:\n${stdout}`);
  return JSON.parse(line.slice("@@RESULT@@".length));
}

export async function heapRows(executions = 10_000): Promise<BenchRow[]> {
  const distinct = runtimes.filter((r, i) => i === 0 || r.label !== runtimes[0].label);
  const results = await Promise.all(distinct.map((runtime) => heapOf(runtime, executions)));
  return results.map(({ node, heapMb }) => {
    const warm = heapMb[Math.min(1, heapMb.length - 1)];
    const growth = heapMb[heapMb.length - 1] - warm;
    return {
      measure: `heap after GC over ${executions.toLocaleString("en")} in-process executions, ${node}: ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MB from the 1,000th`,
      unit: "MB",
      ours: spread(heapMb.slice(1)),
      baseline: warm,
      ratio: heapMb[heapMb.length - 1] / warm,
      target: `flat (growth at most ${FLAT_HEAP_MAX_GROWTH_MB} MB)`,
      met: growth <= FLAT_HEAP_MAX_GROWTH_MB,
      note: `heapUsed per 1,000 executions: ${heapMb.map((mb) => mb.toFixed(1)).join(", ")} MB.`,
    };
  });
}

if (require.main === module) {
  heapRows(Number(process.argv[2] ?? 10_000)).then(
    (rows) => console.log(formatRows(rows)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
