/**
 * The sample runs `edw-local cost` and `edw-local capacity` measure from: each event (default: every events/*.json
 * next to the program, but the `*hang*` ones) run once through the program's workflows, handlers from source, with
 * what each event made the program's DynamoDB tables serve. One place, so that both commands measure the same paths.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { RunnerInputError, readEventFile, type LabeledEvent } from "../input/eventInput";
import type { TableUsage } from "../simulators/dynamoDb";
import { forgetPendingPulumiWork, type RecordedResource } from "../program/synthesize";
import { LocalRunner, type EventReport, type LoadedWorkflow, type RunnerOptions } from "./runner";

/** One sample event's run: its report, and the DynamoDB requests it caused per table. */
export interface SampleRun {
  label: string;
  report: EventReport;
  dynamoDb: Record<string, TableUsage>;
}

/** What a sample run leaves to measure: the workflows as deployed, every resource of the program, and the runs. */
export interface SampleRuns {
  workflows: LoadedWorkflow[];
  resources: RecordedResource[];
  runs: SampleRun[];
}

/**
 * The events to run: those in `files`, else the program's sample events. Throws RunnerInputError when the program is
 * missing or there is no event, naming what to pass.
 */
export function sampleEvents(program: string, files: readonly string[]): LabeledEvent[] {
  if (!existsSync(program)) throw new RunnerInputError(`no program at ${program}; pass the Pulumi program (e.g. index.ts) first.`);
  const events = (files.length > 0 ? files : sampleEventFiles(program)).flatMap((file) =>
    readEventFile(file, relative(process.cwd(), file)),
  );
  if (events.length === 0) throw new RunnerInputError("no events to run; pass event files (e.g. events/happy.json).");
  return events;
}

/**
 * Runs `events` through the program's workflows from source, in-process, one after another (so that each event's
 * DynamoDB requests are its own), then closes the runner. A callback step nobody answers stops its execution after the
 * hand-off instead of waiting (the report names it as `stoppedAt`): a sample run measures what ran, never a wait.
 *
 * @example
 * const { runs } = await runSampleEvents("index.ts", sampleEvents("index.ts", []));
 * for (const run of runs) console.log(run.label, run.report.status);
 */
export async function runSampleEvents(
  program: string,
  events: readonly LabeledEvent[],
  options: Omit<RunnerOptions, "mode" | "unansweredCallbacks"> = {},
  bus = "default",
): Promise<SampleRuns> {
  const runner = await LocalRunner.load(program, { ...options, mode: "source", unansweredCallbacks: "stop" });
  try {
    const runs: SampleRun[] = [];
    for (const { label, event } of events) {
      const before = runner.dynamoDbUsage();
      const report = await runner.runEvent(event, label, bus);
      runs.push({ label, report, dynamoDb: usageSince(before, runner.dynamoDbUsage()) });
    }
    return { workflows: runner.workflows, resources: runner.synthesis.resources, runs };
  } finally {
    await runner.close();
    forgetPendingPulumiWork();
  }
}

/** The sample events next to the program; `*hang*` files are left out (they wait for a Lambda timeout on purpose). */
function sampleEventFiles(program: string): string[] {
  const folder = join(dirname(program), "events");
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith(".json") && !f.includes("hang"))
    .sort()
    .map((f) => join(folder, f));
}

function usageSince(before: Record<string, TableUsage>, after: Record<string, TableUsage>): Record<string, TableUsage> {
  const zero: TableUsage = { reads: 0, writes: 0, readUnits: 0, writeUnits: 0 };
  return Object.fromEntries(
    Object.entries(after)
      .map(([table, now]): [string, TableUsage] => {
        const then = before[table] ?? zero;
        return [
          table,
          {
            reads: now.reads - then.reads,
            writes: now.writes - then.writes,
            readUnits: now.readUnits - then.readUnits,
            writeUnits: now.writeUnits - then.writeUnits,
          },
        ];
      })
      .filter(([, u]) => u.reads + u.writes > 0),
  );
}
