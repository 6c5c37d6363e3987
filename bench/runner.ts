/**
 * `ts-node --transpile-only bench/runner.ts [rounds]`: the local runner's throughput on the order sample events,
 * from the deployment artifacts (warm execution environments) and from source, printed as a Markdown table.
 *
 * Every sample but charge-hangs (whose duration is its Lambda timeout, by design) runs `rounds` times after a warm-up
 * round, each round with fresh order ids (so that idempotency and the sandboxes see new orders), one event at a time
 * and then eight in flight (after a round that scales the environments out, as Lambda would for that concurrency).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseEvents } from "../local/eventInput";
import { LocalRunner, type RunnerOptions } from "../local/runner";
import { synthesizeProgram, forgetPendingPulumiWork } from "../local/synthesize";

const root = join(__dirname, "..");
const rounds = Number(process.argv[2] ?? 20);
const samples = readdirSync(join(root, "events"))
  .filter((f) => f.endsWith(".json") && f !== "charge-hangs.json")
  .sort()
  .flatMap((file) => parseEvents(readFileSync(join(root, "events", file), "utf8"), file));

/** The samples with order ids unique to `round`. */
const eventsOf = (round: number) =>
  samples.map(({ label, event }) => {
    const detail = event.detail as Record<string, unknown> | undefined;
    return {
      label,
      event:
        typeof detail?.orderId === "string" && detail.orderId
          ? { ...event, detail: { ...detail, orderId: `${detail.orderId}-r${round}` } }
          : event,
    };
  });

async function measure(runner: LocalRunner, concurrency: number, firstRound: number): Promise<number> {
  const events = Array.from({ length: rounds }, (_, i) => eventsOf(firstRound + i)).flat();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events.length) {
        const { label, event } = events[next++];
        await runner.runEvent(event, label);
      }
    }),
  );
  return events.length / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  let started = performance.now();
  const synthesis = await synthesizeProgram(join(root, "index.ts"), { stack: "bench" });
  const synthesisMs = performance.now() - started;
  const rows: [string, string][] = [["order program synthesized under mocks (serialization included)", `${synthesisMs.toFixed(0)} ms`]];
  for (const mode of ["artifact", "source"] as RunnerOptions["mode"][]) {
    started = performance.now();
    const runner = await LocalRunner.fromSynthesis(synthesis, { mode }, "index.ts");
    const prepareMs = performance.now() - started;
    started = performance.now();
    for (const { label, event } of eventsOf(0)) await runner.runEvent(event, label);
    const coldMs = performance.now() - started;
    const sequential = await measure(runner, 1, 1);
    await measure(runner, 8, 1 + rounds); // scales out to an environment per event in flight, as Lambda would: cold
    const concurrent = await measure(runner, 8, 1 + 2 * rounds);
    await runner.close();
    const what = mode === "artifact" ? "from deployment artifacts (warm child process per function)" : "from source (in-process)";
    rows.push(
      [`${what}: prepare (archives unpacked, executors built)`, `${prepareMs.toFixed(0)} ms`],
      [`${what}: first round of ${samples.length} events (cold starts)`, `${coldMs.toFixed(0)} ms`],
      [`${what}: warm, one event at a time`, `${sequential.toFixed(0)} events/s`],
      [`${what}: warm, 8 events in flight`, `${concurrent.toFixed(0)} events/s`],
    );
  }
  console.log(
    `Local runner throughput: the ${samples.length} order sample events but charge-hangs, ${rounds} rounds each (Node ${process.version})\n`,
  );
  console.log("| measure | value |\n|---|---|");
  for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);
}

main().then(
  () => {
    forgetPendingPulumiWork();
    process.exit(0);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
