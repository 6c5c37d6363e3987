/**
 * The test-kit half of bench/localLoop.ts, in a process of its own: `runEvents` on the order program's happy event,
 * N times in one process; prints `{ seconds: [...], cpuSeconds: [...] }` (wall and CPU time of each call) on stdout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runEvents } from "../local/testing";

async function main(calls: number): Promise<void> {
  const root = join(__dirname, "..");
  const event = JSON.parse(readFileSync(join(root, "events", "happy.json"), "utf8"));
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const [report] = await runEvents(join(root, "index.ts"), event);
    seconds.push((performance.now() - started) / 1000);
    const used = process.cpuUsage(cpu);
    cpuSeconds.push((used.user + used.system) / 1e6);
    if (report.status !== "SUCCEEDED") throw new Error(`call ${i + 1}: the happy order ended ${report.status}`);
  }
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds })}\n`);
}

main(Number(process.argv[2] ?? 6)).then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
