/**
 * The local loop, as a user feels it: the wall time of `edw-local index.ts events/happy.json` (one order event through
 * the order program, from the deployment artifacts, then with `--source`; each for an unchanged program, whose
 * synthesis comes from the cache, and after an edit to one handler file, whose synthesis does not) against the FLOOR
 * of loading `@pulumi/pulumi` + `@pulumi/aws` in a fresh Node process (what any local run of a Pulumi AWS program pays
 * first), and the test kit's second and later `runEvents` calls in one process. Fresh processes, alternated, the
 * median over samples; wall time on a shared machine moves with its load, so the ratios (measured side by side) are
 * the figures to read. The edit changes the last line of a handler file before each such run (restored at the end): the
 * program's synthesis runs again, as after any edit, with the caches that hold per file (the other files'
 * transpilations, compiled packages, the parses of unchanged function texts) still used; `--no-cache` rows show a run
 * with no cache at all.
 *
 * Run alone: `npx ts-node --transpile-only bench/localLoop.ts [samples]`.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { childrenCpuSeconds } from "./childrenCpu";
import { type BenchRow, formatRows, spread } from "./rows";

/** `edw-local` on one event, artifact mode, may take at most this many times the floor (issue 23). */
export const ARTIFACT_LOOP_TARGET = 2;
/** The same with `--source`. */
export const SOURCE_LOOP_TARGET = 1.5;
/** A second, third... `runEvents` call in one process, at most (seconds). */
export const TEST_KIT_TARGET_SECONDS = 0.2;

const ROOT = join(__dirname, "..");

/** Runs `node args` from the repository root; resolves with its wall time and CPU time in seconds, and its stdout. */
function timeNode(args: string[]): Promise<{ seconds: number; cpuSeconds?: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuSeconds();
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = childrenCpuSeconds();
      const cpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      if (code === 0) resolve({ seconds, cpuSeconds, stdout });
      else reject(new Error(`node ${args.join(" ")} exited ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

const FLOOR = ["-e", 'require("@pulumi/pulumi"); require("@pulumi/aws");'];
const EDW_LOCAL = ["local/bin/edw-local.js", "index.ts", "events/happy.json"];

/** The handler file the "after an edit" runs change (a line appended; restored at the end). */
const EDITED_FILE = join(ROOT, "handlers", "sendConfirmationEmail.ts");

export async function localLoopRows(samples = 5, kitCalls = 6): Promise<BenchRow[]> {
  const original = readFileSync(EDITED_FILE, "utf8");
  let edits = 0;
  const edit = () => writeFileSync(EDITED_FILE, `${original}export const editedByTheBench = ${++edits};\n`);
  await timeNode(FLOOR); // the file system cache, for every side alike
  type Side = "floor" | "artifact" | "source" | "artifactEdited" | "sourceEdited" | "artifactUncached" | "sourceUncached";
  const sides: Side[] = ["floor", "artifact", "source", "artifactEdited", "sourceEdited", "artifactUncached", "sourceUncached"];
  const times = Object.fromEntries(sides.map((side) => [side, [] as number[]])) as Record<Side, number[]>;
  const cpu = Object.fromEntries(sides.map((side) => [side, [] as number[]])) as Record<Side, number[]>;
  const sample = async (side: Side, args: string[]) => {
    const { seconds, cpuSeconds } = await timeNode(args);
    times[side].push(seconds);
    if (cpuSeconds !== undefined) cpu[side].push(cpuSeconds);
  };
  try {
    await timeNode(EDW_LOCAL); // the synthesis cache: the "unchanged program" rows reuse it
    for (let s = 0; s < samples; s++) {
      await sample("floor", FLOOR);
      await sample("artifact", EDW_LOCAL);
      await sample("source", [...EDW_LOCAL, "--source"]);
      // --source writes no cache entry (it serializes nothing), so the artifact run after its own edit comes last:
      // it caches the edited program, which the next sample's "unchanged" runs then find.
      edit();
      await sample("sourceEdited", [...EDW_LOCAL, "--source"]);
      edit();
      await sample("artifactEdited", EDW_LOCAL);
      await sample("sourceUncached", [...EDW_LOCAL, "--source", "--no-cache"]);
      await sample("artifactUncached", [...EDW_LOCAL, "--no-cache"]);
    }
  } finally {
    writeFileSync(EDITED_FILE, original);
  }
  const floor = spread(times.floor).median;
  const row = (side: Side, target?: number): BenchRow => {
    const mode = side.startsWith("source") ? "source" : "artifact";
    const changed = side.endsWith("Edited") || side.endsWith("Uncached");
    const ours = spread(times[side]);
    const cpuRatio = cpu.floor.length > 0 ? spread(cpu[side]).median / spread(cpu.floor).median : undefined;
    const state = side.endsWith("Edited")
      ? "after an edit (a handler file changed: synthesized again)"
      : side.endsWith("Uncached")
        ? "--no-cache (synthesized again, every cache bypassed; no target)"
        : "unchanged program (synthesis from the cache)";
    return {
      measure: `edw-local index.ts events/happy.json${mode === "source" ? " --source" : " (artifact mode)"}, ${state} (vs loading @pulumi/pulumi + @pulumi/aws)`,
      unit: "s",
      ours,
      baseline: floor,
      ratio: ours.median / floor,
      ...(target === undefined ? {} : { target: `<= ${target}x floor`, met: ours.median / floor <= target }),
      note:
        (changed
          ? mode === "artifact"
            ? "The program's synthesis under mocks (its TypeScript loaded, every resource registered, each Lambda's closure serialized)"
            : "The program's synthesis under mocks without serializing its Lambdas (the handlers run from the source)"
          : mode === "artifact"
            ? "The cached synthesis read back (no program loaded)"
            : "The program loaded under mocks without serializing its Lambdas (the archives come from the cache)") +
        (mode === "artifact"
          ? " and one Node process per function (cold starts) come on top of the floor."
          : " comes on top of the floor.") +
        (cpuRatio === undefined
          ? ""
          : ` CPU time (the machine's load does not inflate it): ${spread(cpu[side]).median.toFixed(2)} s vs ${spread(cpu.floor).median.toFixed(2)} s (${cpuRatio.toFixed(2)}x).`),
    };
  };
  // The test kit: one process, `kitCalls` calls; the first synthesizes the program, the others reuse it.
  const { stdout } = await timeNode(["-r", "ts-node/register/transpile-only", join("bench", "localLoopChild.ts"), String(kitCalls)]);
  const kit: { seconds: number[]; cpuSeconds: number[] } = JSON.parse(stdout.trim().split("\n").pop() ?? "");
  const later = spread(kit.seconds.slice(1));
  return [
    row("artifact", ARTIFACT_LOOP_TARGET),
    row("source", SOURCE_LOOP_TARGET),
    row("artifactEdited", ARTIFACT_LOOP_TARGET),
    row("sourceEdited", SOURCE_LOOP_TARGET),
    row("artifactUncached"),
    row("sourceUncached"),
    {
      measure: "test kit: a second, third... runEvents call in one process (happy order, source mode; vs the first call)",
      unit: "s",
      ours: later,
      baseline: kit.seconds[0],
      ratio: later.median / kit.seconds[0],
      target: `<= ${TEST_KIT_TARGET_SECONDS} s each`,
      met: later.max <= TEST_KIT_TARGET_SECONDS,
      note:
        "Each call still starts fresh containers (a cold start per step) and fresh local tables, as it should. " +
        `CPU time of the later calls (the machine's load does not inflate it): median ${spread(kit.cpuSeconds.slice(1)).median.toFixed(3)} s.`,
    },
  ];
}

if (require.main === module) {
  localLoopRows(Number(process.argv[2] ?? 5)).then(
    (rows) => console.log(formatRows(rows)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
