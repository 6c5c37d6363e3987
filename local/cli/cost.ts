/**
 * `edw-local cost [program] [event.json ...]`: what each path of a program's workflows would cost on AWS, from local
 * executions of the given events (default: every events/*.json next to the program): per event and workflow, the
 * state transitions, Lambda requests and GB-seconds, and the price per execution and per million on STANDARD and
 * EXPRESS (local/cost/prices.ts). Handlers run from source (in-process); durations are this machine's, so the Lambda and
 * Express figures are estimates.
 */
import { parseArgs } from "node:util";
import { defaultProgram, parseConfigAssignments } from "./options";
import type { ExecutionCost } from "../cost/cost";
import { RunnerInputError, type LabeledEvent } from "../input/eventInput";
import { PRICES_US_EAST_1 } from "../cost/prices";
import { runSampleEvents, sampleEvents } from "../runner/sampleEvents";

const USAGE = `Usage: edw-local cost [program] [event.json ...] [--stack <name>] [--config key=value ...]

Runs each event (default: every events/*.json next to the program, but those named *hang*, which wait for a
Lambda timeout on purpose) through the program's workflows locally, handlers from source, and prints per path the state
transitions, Lambda requests and GB-seconds, and the cost per execution and per million executions on STANDARD
and EXPRESS (${PRICES_US_EAST_1.region} prices of ${PRICES_US_EAST_1.checkedOn}, local/cost/prices.ts).
`;

/** One priced path: an event's execution of a workflow. */
export interface PricedPath {
  event: string;
  workflow: string;
  status: string;
  cost: ExecutionCost;
}

/** The table `edw-local cost` prints (Markdown). */
export function formatCostTable(paths: readonly PricedPath[]): string {
  const usd = (n: number) => `$${n.toPrecision(3)}`;
  const lines = [
    "| event | workflow | status | transitions | Lambda calls | Lambda GB-s | STANDARD | EXPRESS | STANDARD per 1M | EXPRESS per 1M |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const { event, workflow, status, cost } of paths)
    lines.push(
      `| ${event} | ${workflow} | ${status} | ${cost.stateTransitions} | ${cost.lambdaRequests} | ${cost.lambdaGbSeconds.toFixed(4)} | ` +
        `${usd(cost.standardUsd)} | ${usd(cost.expressUsd)} | ${usd(cost.standardUsd * 1e6)} | ${usd(cost.expressUsd * 1e6)} |`,
    );
  return lines.join("\n");
}

/** `edw-local cost ...`: returns the exit code. */
export async function costCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { stack: { type: "string" }, config: { type: "string", multiple: true }, help: { type: "boolean" } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [program = defaultProgram(), ...files] = positionals;
  let events: LabeledEvent[];
  try {
    events = sampleEvents(program, files);
  } catch (error) {
    if (!(error instanceof RunnerInputError)) throw error;
    process.stderr.write(`edw-local cost: ${error.message}\n${USAGE}`);
    return 2;
  }
  const { runs } = await runSampleEvents(program, events, { stack: values.stack, config: parseConfigAssignments(values.config ?? []) });
  const paths: PricedPath[] = runs.flatMap(({ label, report }) =>
    report.executions.map((e) => ({ event: label, workflow: e.workflow, status: e.status, cost: e.cost })),
  );
  process.stdout.write(
    `${formatCostTable(paths)}\n\nPrices: local/cost/prices.ts (${PRICES_US_EAST_1.region}, ${PRICES_US_EAST_1.checkedOn}); Lambda and EXPRESS durations measured on this machine.\n`,
  );
  return 0;
}
