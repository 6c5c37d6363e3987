/**
 * `edw-local [program] [event.json ...] [options]`: runs events through the EventDrivenWorkflows of a Pulumi program,
 * locally (see ../runner/runner.ts). `--help` prints the usage.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { RunnerInputError, type LabeledEvent } from "../input/eventInput";
import type { GraphSection } from "../graph/document";
import { CLOCK_DESCRIPTIONS } from "../runner/clock";
import type { LoadedProgram } from "../runner/chain";
import type { EventReport, LoadedWorkflow, RunnerOptions } from "../runner/runner";
import { defaultProgram, exitCodeOf, parseRunArguments, readEventSources, runnerOptionsOf, usageError } from "./options";

export const USAGE = `Usage: edw-local [program] [event.json ...] [options]
       edw-local graph [program] [--out <file.md>]
       edw-local replay (--queue-url <url> --event-bus <bus> | --local <dlq.jsonl> [program]) [--apply]  (see replay --help)
       edw-local cost [program] [event.json ...]  (the AWS cost of each path; see cost --help)
       edw-local check [program] [--policy-config <file>] [--json]  (the installed policy pack; see check --help)
       edw-local capacity [program] --rate <events/s>  (which AWS quota binds first; see capacity --help)

Runs events through the EventDrivenWorkflows of a Pulumi program on this machine: no AWS account, no Pulumi CLI.
The program is synthesized under Pulumi mocks; each event is matched against each workflow's rule, and a matching
event runs the deployed state machine definition: each Lambda task from its deployment artifact (the serialized
archive, in a warm child process per function that can resolve only the Powertools layer, the Lambda runtime's
AWS SDK and Node's modules), SNS/SQS/EventBridge states against in-process recorders, and the program's DynamoDB
tables (e.g. idempotency) served by a local in-memory stand-in.

Arguments:
  program               a Pulumi program (e.g. index.ts), or a module exporting workflow arguments
                        ({ trigger, steps, timeoutSeconds, name? }); default: the \`main\` of ./Pulumi.yaml, else
                        ./index.ts. TypeScript is transpiled with esbuild (type checking stays tsc's job).
  event.json ...        files holding an event, an array of events, or PutEvents entries ({ Source, DetailType,
                        Detail }); "-" reads stdin, which is also read when no file is given and it is not a terminal

Options:
  --json                print one JSON document (per event: status, path, retries, history, published messages,
                        metrics) instead of the text report
  --clock <mode>        how time passes: fast (default: Retry intervals and Waits skipped, timeouts in real time),
                        virtual (every interval, Wait, timeout and heartbeat honoured on a simulated clock, without
                        waiting; with --source the handlers' Date and timers too, while artifacts keep their own
                        real clock), or real (everything waits in real time)
  --real-time           the same as --clock real
  --graph <file.md>     write the state machine graph (Mermaid) with each execution's path highlighted
  --config <key=value>  set Pulumi config, repeatable; a key without a namespace gets the project's
  --stack <name>        use Pulumi.<name>.yaml's config too (default stack: local, whose file rarely exists)
  --source              run the handlers from source, in-process, instead of from their deployment artifacts; a
                        synthesis the cache does not serve then skips serializing them (run without --source, or
                        edw-local check, to see whether \`pulumi up\` can)
  --bus <name>          the event bus the events are put on (default: default)
  --workflow <name>     run only this workflow, repeatable (default: every workflow of the program)
  --input <file.json>   start the one --workflow directly with this input, as a schedule or StartExecution would
                        (no event, no rule): e.g. --workflow nightly-report --input input.json
  --timeout-scale <f>   multiply every timeout by f (e.g. 0.05 to see a hung task time out in a second)
  --callback <answer>   answer a callback task (waitForCallback), repeatable: State=success:<json> or
                        State=failure:<ErrorName>[:<cause>]; an unanswered one waits for its heartbeat or timeout
  --service <s:a>=<f>   answer the direct service call <service:action> (callAwsService) with the JSON of file f,
                        repeatable (e.g. s3:getObject=object.json); DynamoDB item calls use the local DynamoDB and
                        SQS/SNS/EventBridge messages are recorded without one
  --also <program>      load another program too, repeatable (e.g. a stack that subscribes to this one's events):
                        the events any execution publishes are delivered to every loaded program's rules on their
                        bus, hop after hop (at most 10), and the report shows the chain (event → workflow →
                        published event → workflow); --workflow and --callback apply to the first program
  --stack-reference <org/project/stack>=<outputs.json>
                        the outputs a StackReference of the programs reads (a JSON object), repeatable
  --secret <NAME=value> the value of a task's secret (secrets: { NAME: ... }), repeatable; a run whose tasks need
                        a secret not given is refused, naming the step and the secret
  --s3 <bucket>=<folder> the local S3 stand-in (simulated): a Distributed Map's itemReader reads and its
                        resultWriter writes bucket <bucket> in <folder>, repeatable; a Map naming a bucket without
                        one is refused
  --dead-letter-file <f> append what executions send to their dead-letter queue to f (JSON lines, one SQS message
                        each), for \`edw-local replay --local <f>\`
  --no-cache            synthesize the program again instead of reusing the cached synthesis of the same content
                        (node_modules/.cache/edw-local: kept only while every file, package version and variable
                        the synthesis read is unchanged; the handlers always run the current code)
  -h, --help            print this help

Exit codes:
  0  every execution succeeded
  1  an execution failed or timed out, no event matched any rule, or the program cannot be deployed
     (it throws under synthesis, or a step's handler cannot be serialized: the same failure \`pulumi up\` hits)
  2  usage or input error (unknown option, missing file, malformed event JSON, no workflow in the program)

Examples:
  edw-local index.ts events/happy.json events/validation-error.json
  edw-local events/*.json --json > run.json
  edw-local app.ts order.json --also analytics.ts --stack-reference acme/app/dev=app-outputs.json
  cat events/happy.json | edw-local index.ts --graph run.md
`;

interface CliOptions {
  program: string;
  eventSources: string[];
  json: boolean;
  graph?: string;
  bus: string;
  /** `--workflow <name> --input <file>`: start that workflow directly with the file's JSON. */
  direct?: { workflow: string; input: string };
  /** `--also <program>`: more programs whose rules receive the events (and what the executions publish). */
  also: string[];
  runner: RunnerOptions;
}

/** Parses argv; throws RunnerInputError for a usage error; returns undefined for --help. */
export function parseCommandLine(argv: string[]): CliOptions | undefined {
  const { values, positionals } = parseRunArguments(argv);
  if (values.help) return undefined;
  const [first, ...rest] = positionals;
  const programGiven = first !== undefined && first !== "-" && !/\.json$/i.test(first);
  const eventSources = programGiven ? rest : positionals;
  if (values.input !== undefined && (values.workflow?.length !== 1 || eventSources.length > 0))
    throw new RunnerInputError(
      "--input starts one workflow directly: name it with exactly one --workflow <name>, and give no event files (e.g. edw-local index.ts --workflow nightly-report --input input.json).",
    );
  return {
    program: programGiven ? first : defaultProgram(),
    eventSources,
    ...(values.input !== undefined ? { direct: { workflow: values.workflow![0], input: values.input } } : {}),
    json: values.json ?? false,
    graph: values.graph,
    bus: values.bus ?? "default",
    also: values.also ?? [],
    runner: runnerOptionsOf(values),
  };
}

export async function runCommand(argv: string[]): Promise<number> {
  let options: CliOptions | undefined;
  let events: LabeledEvent[];
  try {
    options = parseCommandLine(argv);
    if (!options) {
      process.stdout.write(USAGE);
      return 0;
    }
    events = options.direct ? [readDirectInput(options.direct.input)] : readEventSources(options.eventSources);
    if (!existsSync(options.program))
      throw new RunnerInputError(
        `${options.program}: no such program${options.program === "index.ts" ? " (the default; name the program first)" : ""}.`,
      );
    for (const also of options.also) if (!existsSync(also)) throw new RunnerInputError(`--also ${also}: no such program.`);
  } catch (error) {
    return usageError(error);
  }

  // Loaded only now: malformed input fails fast, before Pulumi and the program are.
  const { LocalRunner } = await import("../runner/runner");
  const { forgetPendingPulumiWork } = await import("../program/mocks");
  const programs: LoadedProgram[] = [];
  try {
    programs.push({ program: options.program, runner: await LocalRunner.load(options.program, options.runner) });
    // The other programs run all their workflows; callback answers name the first program's steps.
    for (const also of options.also)
      programs.push({
        program: also,
        runner: await LocalRunner.load(also, { ...options.runner, workflows: undefined, callbacks: undefined }),
      });
  } catch (error) {
    await closeAll(programs);
    if (error instanceof RunnerInputError) return usageError(error);
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    for (const { runner } of programs) for (const warning of runner.synthesis.warnings) process.stderr.write(`warning: ${warning}\n`);
    for (const { program, runner } of programs) {
      const cache = runner.synthesis.cache;
      const which = programs.length > 1 ? ` of ${program}` : "";
      if (cache?.hit)
        process.stderr.write(`note: the synthesis${which} came from the cache (same content); --no-cache synthesizes it again\n`);
      else if (cache?.note) process.stderr.write(`note: synthesis${which} ${cache.note}\n`);
    }
    for (const waiting of programs.flatMap((p) => p.runner.unansweredCallbacks)) {
      const wait = waiting.heartbeatSeconds ? `its heartbeat (${waiting.heartbeatSeconds} s)` : "its timeout";
      const scale = options.runner.timeoutScale !== 1 ? ` × ${options.runner.timeoutScale}` : "";
      process.stderr.write(
        `note: ${waiting.workflow}: callback step ${waiting.state} has no --callback answer, so it waits for ${wait}${scale}: ` +
          `pass --callback ${waiting.state}=success:<json>, or --timeout-scale to shorten the wait.\n`,
      );
    }
    const problems = programs.flatMap((p) => p.runner.problems);
    if (problems.length > 0) {
      const header =
        options.runner.mode === "source"
          ? "warning: running from source, but `pulumi up` would fail on these steps:"
          : "error: the program cannot be deployed, so nothing ran:";
      process.stderr.write(`${header}\n${problems.map((p) => `  ${p.workflow}: ${p.message.split("\n").join("\n    ")}`).join("\n")}\n`);
      if (options.runner.mode !== "source") return 1;
    }
    return await runAll(programs, options, events);
  } finally {
    await closeAll(programs);
    forgetPendingPulumiWork();
  }
}

/** Closes the runners, the last loaded first (each restores what it had installed over the one before it). */
async function closeAll(programs: readonly LoadedProgram[]): Promise<void> {
  for (const { runner } of [...programs].reverse()) await runner.close();
}

/** The JSON of an `--input` file, as the one execution's input. */
function readDirectInput(file: string): LabeledEvent {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new RunnerInputError(`--input ${file}: cannot read it (${(error as Error).message}).`);
  }
  try {
    return { label: file, event: JSON.parse(text) };
  } catch (error) {
    throw new RunnerInputError(`--input ${file}: not JSON (${(error as Error).message}).`);
  }
}

async function runAll(programs: LoadedProgram[], options: CliOptions, events: LabeledEvent[]): Promise<number> {
  const { formatEventReport, formatEventSummary } = await import("../runner/report");
  const { runEventAcross, runWorkflowAcross } = await import("../runner/chain");
  const runner = programs[0].runner;
  const workflows = programs.flatMap((p) => p.runner.workflows);
  const started = Date.now();
  const reports: EventReport[] = [];
  if (!options.json) {
    const mode =
      options.runner.mode === "source"
        ? "handlers from source, in-process"
        : "Lambdas from their deployment artifacts, in warm child processes";
    process.stdout.write(
      `Local run of ${programs.map((p) => `${p.program} (${p.runner.workflows.map((w) => w.name).join(", ")})`).join(" + ")}, stack ${runner.synthesis.stack}; ${mode}; ` +
        `${CLOCK_DESCRIPTIONS[runner.clock]}${options.runner.timeoutScale !== 1 ? `; timeouts ×${options.runner.timeoutScale}` : ""}\n\n`,
    );
  }
  for (const { label, event } of events) {
    const report = options.direct
      ? await runWorkflowAcross(programs, options.direct.workflow, event, label)
      : await runEventAcross(programs, event, label, options.bus);
    reports.push(report);
    if (!options.json) process.stdout.write(`${formatEventReport(report).join("\n")}\n\n`);
  }
  const exitCode = exitCodeOf(reports);
  const count = (status: EventReport["status"]) => reports.filter((r) => r.status === status).length;
  const summary = {
    events: reports.length,
    succeeded: count("SUCCEEDED"),
    failed: count("FAILED"),
    timedOut: count("TIMED_OUT"),
    notMatched: count("NOT_MATCHED"),
    durationMs: Date.now() - started,
    clock: runner.clock,
  };
  if (options.graph) await writeRunGraph(options.graph, options.program, workflows, reports);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          program: options.program,
          ...(options.also.length > 0 ? { also: options.also } : {}),
          stack: runner.synthesis.stack,
          mode: options.runner.mode,
          clock: runner.clock,
          timeoutScale: options.runner.timeoutScale,
          workflows: workflows.map((w) => ({
            name: w.name,
            eventBusName: w.eventBusName,
            pattern: w.pattern,
            schedule: w.schedule,
            tasks: w.tasks.map((t) => ({ state: t.state, function: t.functionName, timeoutSeconds: t.timeoutSeconds })),
          })),
          events: reports,
          summary,
          exitCode,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const width = Math.max(...reports.map((r) => r.label.length));
    process.stdout.write(`Summary\n${reports.map((r) => `  ${formatEventSummary(r, width)}`).join("\n")}\n`);
    process.stdout.write(
      `${summary.events} events: ${summary.succeeded} succeeded, ${summary.failed} failed, ${summary.timedOut} timed out, ${summary.notMatched} not matched` +
        ` in ${summary.durationMs} ms (clock: ${runner.clock})${options.graph ? `; graph written to ${options.graph}` : ""} -> exit code ${exitCode}\n`,
    );
    if (summary.notMatched === summary.events) process.stdout.write("No event matched any workflow's rule: nothing ran.\n");
  }
  return exitCode;
}

async function writeRunGraph(file: string, program: string, workflows: LoadedWorkflow[], reports: EventReport[]): Promise<void> {
  const { writeGraphMarkdown, GRAPH_LEGEND, HIGHLIGHT_LEGEND } = await import("../graph/document");
  const definitions = new Map(workflows.map((w) => [w.name, w.definition]));
  writeGraphMarkdown(
    file,
    `Local run of ${relative(process.cwd(), program) || program}`,
    `Written by \`edw-local ... --graph ${file}\`: one graph per execution. ${HIGHLIGHT_LEGEND}\n\n${GRAPH_LEGEND}`,
    reports.flatMap((report): GraphSection[] =>
      report.executions.length === 0
        ? [
            {
              heading: `${report.label}: not matched`,
              text: `No execution started: ${report.matches.map((m) => `${m.workflow}: ${m.reasons.join("; ")}`).join(" | ")}.`,
            },
          ]
        : report.executions.map((e) => ({
            heading: `${report.label} → ${e.workflow}: ${e.status}${e.error ? ` (${e.error})` : ""}`,
            definition: definitions.get(e.workflow)!,
            options: { highlight: { visited: e.path, ...(e.status !== "SUCCEEDED" ? { failedAt: e.path[e.path.length - 1] } : {}) } },
          })),
    ),
  );
}
