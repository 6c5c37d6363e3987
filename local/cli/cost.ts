/**
 * `edw-local cost [program] [event.json ...]`: what each path of a program's workflows would cost on AWS, from local
 * executions of the given events (default: every events/*.json next to the program): per event and workflow, the
 * state transitions, Lambda requests and GB-seconds, and the price per execution and per million on STANDARD and
 * EXPRESS (../cost/prices.ts). Handlers run from source (in-process); durations are this machine's, so the Lambda and
 * Express figures are estimates. A callback step nobody answers stops its execution (priced up to the hand-off).
 */
import type { ExecutionCost } from "../cost/cost";
import { PRICES_US_EAST_1 } from "../cost/prices";
import { RunnerInputError, type LabeledEvent } from "../input/eventInput";
import type { RunnerOptions } from "../runner/runner";
import { runSampleEvents, sampleEvents } from "../runner/sampleEvents";
import { defaultProgram, parseRunArguments, runnerOptionsOf, usageError } from "./options";

const USAGE = `Usage: edw-local cost [program] [event.json ...] [options of a run: --stack, --config, --callback, --timeout-scale, ...]

Runs each event (default: every events/*.json next to the program, but those named *hang*, which wait for a
Lambda timeout on purpose) through the program's workflows locally, handlers from source, and prints per path the state
transitions, Lambda requests and GB-seconds, and the cost per execution and per million executions on STANDARD
and EXPRESS (${PRICES_US_EAST_1.region} prices of ${PRICES_US_EAST_1.checkedOn}).

A callback step (waitForCallback) without a --callback answer does not wait: the execution stops after its hand-off,
the path is priced up to there, and the report names the step. Answer it to price the path beyond:
--callback State=success:<json>, or State=failure:States.Timeout for the path of a wait that expires.

Options: those of a run (edw-local --help): --json, --stack, --config, --callback, --timeout-scale, --workflow,
--bus, --real-time, --dead-letter-file; --source is accepted (cost always runs handlers from source); --graph is not
(draw a run's paths with edw-local <program> <events> --graph <file>).
`;

/** One priced path: an event's execution of a workflow. */
export interface PricedPath {
  event: string;
  workflow: string;
  status: string;
  /** The callback step the execution was stopped at, unanswered: the cost covers what ran before it. */
  stoppedAt?: string;
  cost: ExecutionCost;
}

/** The table `edw-local cost` prints (Markdown). */
export function formatCostTable(paths: readonly PricedPath[]): string {
  const usd = (n: number) => `$${n.toPrecision(3)}`;
  const lines = [
    "| event | workflow | status | transitions | Lambda calls | Lambda GB-s | STANDARD | EXPRESS | STANDARD per 1M | EXPRESS per 1M |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const { event, workflow, status, stoppedAt, cost } of paths)
    lines.push(
      `| ${event} | ${workflow} | ${stoppedAt ? `STOPPED at ${stoppedAt}` : status} | ${cost.stateTransitions} | ${cost.lambdaRequests} | ${cost.lambdaGbSeconds.toFixed(4)} | ` +
        `${usd(cost.standardUsd)} | ${usd(cost.expressUsd)} | ${usd(cost.standardUsd * 1e6)} | ${usd(cost.expressUsd * 1e6)} |`,
    );
  return lines.join("\n");
}

/** `edw-local cost ...`: returns the exit code (0, or 2 for a usage or input error). */
export async function costCommand(argv: string[]): Promise<number> {
  let program: string;
  let events: LabeledEvent[];
  let parsed: ReturnType<typeof parseRunArguments>;
  let options: RunnerOptions;
  try {
    parsed = parseRunArguments(argv);
    if (parsed.values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (parsed.values.graph !== undefined)
      throw new RunnerInputError("cost does not take --graph: draw a run's paths with edw-local <program> <events> --graph <file>.");
    if (parsed.values.also !== undefined)
      throw new RunnerInputError("cost does not take --also: it prices one program's paths; run each program's cost on its own.");
    const [first, ...rest] = parsed.positionals;
    const programGiven = first !== undefined && first !== "-" && !/\.json$/i.test(first);
    program = programGiven ? first : defaultProgram();
    events = sampleEvents(program, programGiven ? rest : parsed.positionals);
    options = runnerOptionsOf(parsed.values);
  } catch (error) {
    return usageError(error);
  }
  let runs: Awaited<ReturnType<typeof runSampleEvents>>["runs"];
  try {
    ({ runs } = await runSampleEvents(program, events, options, parsed.values.bus));
  } catch (error) {
    return usageError(error);
  }
  const paths: PricedPath[] = runs.flatMap(({ label, report }) =>
    report.executions.map((e) => ({
      event: label,
      workflow: e.workflow,
      status: e.status,
      ...(e.stoppedAt ? { stoppedAt: e.stoppedAt } : {}),
      cost: e.cost,
    })),
  );
  const stopped = [...new Set(paths.flatMap((p) => (p.stoppedAt ? [p.stoppedAt] : [])))];
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify({ program, prices: PRICES_US_EAST_1, paths, stoppedAt: stopped }, null, 2)}\n`);
    return 0;
  }
  const skipped = stopped.map(
    (state) =>
      `Skipped: ${state} is a callback step with no --callback answer, so its executions stopped after the hand-off and are priced up to there; ` +
      `pass --callback ${state}=success:<json> (or =failure:<ErrorName>) to price the path beyond.`,
  );
  process.stdout.write(
    `${formatCostTable(paths)}\n\n${skipped.map((line) => `${line}\n`).join("")}` +
      `Prices: ${PRICES_US_EAST_1.region}, checked ${PRICES_US_EAST_1.checkedOn}; Lambda and EXPRESS durations measured on this machine.\n`,
  );
  return 0;
}
