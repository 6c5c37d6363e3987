/**
 * `npm run bench`: every speed and size figure of the project, each with its baseline, ratio, target and met/missed,
 * printed as Markdown tables (copied into the README's "Performance" section) and written to bench/results.json.
 * Nothing here asserts or fails on time: tests check behaviour, this measures it.
 *
 * THE SHAPE (for anyone adding a measurement): a measurement is a module `bench/<measure>.ts` exporting an async
 * function that returns `BenchRow[]` (bench/rows.ts: measure, unit, ours {min, median, max}, baseline, ratio, target,
 * met, note). Register it below in MEASUREMENTS with a key, a title and a lazy `load` (so one module's imports cost
 * nothing until it runs). Each module can also run alone (`npx ts-node --transpile-only bench/<measure>.ts`).
 * `npm run bench -- --only local-loop,wrapper` runs only the measurements of those keys; `npm run bench -- <title
 * words>` those whose title contains the words; `--quick` takes fewer samples (figures for a smoke run on a busy
 * machine, not for the README). A partial run leaves bench/results.json as it was for the measurements it skipped.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BenchRow, formatRows } from "./rows";

interface Measurement {
  /** For `--only`. */
  key: string;
  title: string;
  /** `quick`: fewer samples and sizes. */
  load: (quick: boolean) => Promise<BenchRow[]>;
}

const MEASUREMENTS: Measurement[] = [
  {
    key: "local-loop",
    title: "Local loop (edw-local on one event, the test kit)",
    load: async (quick) => (await import("./localLoop")).localLoopRows(quick ? 2 : 5, quick ? 4 : 8),
  },
  {
    key: "local-execution",
    title: "Local execution (in-process)",
    load: async (quick) => (await import("./localExecution")).localExecutionRows(2, quick ? 21 : 75),
  },
  {
    key: "wrapper",
    title: "Step wrapper per invocation (in-process)",
    load: async (quick) => (await import("./wrapper")).wrapperRows(quick ? 1000 : 5000, quick ? 3 : 7),
  },
  {
    key: "runner",
    title: "Local runner from artifacts",
    load: async (quick) => (await import("./runner")).runnerRows(quick ? 2 : 5, quick ? 3 : 5),
  },
  { key: "heap", title: "Heap over 10,000 executions", load: async (quick) => (await import("./heap")).heapRows(quick ? 2000 : 10_000) },
  {
    key: "synthesis",
    title: "Synthesis scaling",
    load: async (quick) => (await import("./synthesis")).synthesisRows(quick ? [10, 50] : [10, 50, 200, 500]),
  },
  { key: "cost", title: "Cost per order", load: async (quick) => (await import("./cost")).costRows(quick ? 5 : 20) },
  {
    key: "cold-start",
    title: "Lambda artifacts and cold start",
    load: async (quick) => (await import("./coldStart")).coldStartRows(quick ? 3 : undefined),
  },
  // Last: it runs the whole suite (minutes), and a machine the suite just loaded would slow the rows after it.
  { key: "test-suite", title: "npm test", load: async () => (await import("./testSuite")).testSuiteRows() },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const at = args.indexOf("--only");
  const keys = at >= 0 ? (args[at + 1] ?? "").split(",").filter(Boolean) : undefined;
  const unknown = keys?.filter((key) => !MEASUREMENTS.some((m) => m.key === key)) ?? [];
  if (keys?.length === 0 || unknown.length > 0)
    throw new Error(
      `--only takes measurement keys, comma-separated: ${MEASUREMENTS.map((m) => m.key).join(", ")}${unknown.length ? ` (not: ${unknown.join(", ")})` : ""}`,
    );
  const words = args
    .filter((a, i) => a !== "--quick" && a !== "--only" && args[i - 1] !== "--only")
    .join(" ")
    .toLowerCase();
  const selected = MEASUREMENTS.filter((m) => (keys ? keys.includes(m.key) : m.title.toLowerCase().includes(words)));
  const file = join(__dirname, "results.json");
  // A partial run keeps the figures of the measurements it did not run.
  const previous = selected.length < MEASUREMENTS.length && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).results : {};
  const results: Record<string, BenchRow[] | { error: string }> = { ...previous };
  console.log(
    `Benchmarks (Node ${process.version}, ${new Date().toISOString().slice(0, 10)}): npm run bench${quick ? " -- --quick" : ""}\n`,
  );
  for (const { title, load } of selected) {
    const started = Date.now();
    try {
      const rows = await load(quick);
      results[title] = rows;
      console.log(`## ${title} (${((Date.now() - started) / 1000).toFixed(0)} s)\n\n${formatRows(rows)}\n`);
    } catch (error) {
      // One broken measurement must not hide the others' figures.
      results[title] = { error: String((error as Error)?.stack ?? error) };
      console.log(`## ${title}\n\nFAILED to measure: ${(error as Error)?.message ?? error}\n`);
    }
  }
  writeFileSync(file, `${JSON.stringify({ node: process.version, date: new Date().toISOString(), quick, results }, null, 2)}\n`);
  console.log(`Written to ${file}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
