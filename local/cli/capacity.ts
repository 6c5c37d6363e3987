/**
 * `edw-local capacity [program] [event.json ...] --rate <events/s>`: which AWS quota binds first at that rate, what it
 * costs a month, and what to change. It runs the program's sample events as `edw-local cost` does (the same events and
 * skip rules, ../runner/sampleEvents.ts), measures each path (../capacity/usage.ts) and checks the mix at the rate
 * against the quota table (../capacity/quotas.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { closestName } from "event-driven-workflow/core";
import { walkStates } from "event-driven-workflow/asl";
import { RunnerInputError, type LabeledEvent } from "../input/eventInput";
import type { Load } from "../capacity/load";
import { defaultMix, parseMix } from "../capacity/mix";
import { parseQuotaFile } from "../capacity/quotaFile";
import { KNOWN_REGIONS, quotasFor, type QuotaValue } from "../capacity/quotas";
import type { WorkflowFacts } from "../capacity/recommend";
import { capacityReport, type CapacityReport } from "../capacity/report";
import { measurePaths } from "../capacity/usage";
import { PRICES_US_EAST_1 } from "../cost/prices";
import { runSampleEvents, sampleEvents } from "../runner/sampleEvents";
import { defaultProgram, usageError, PROGRAM_OPTIONS, programSettingsOf } from "./options";

const USAGE = `Usage: edw-local capacity [program] [event.json ...] --rate <events/s> [options]

Runs each sample event (as \`edw-local cost\` does: every events/*.json next to the program but the *hang* ones, or the
files given) through the program's workflows, handlers from source, measures each path (state transitions, Lambda
invocations and durations, PutEvents, SNS publishes, SQS sends, DynamoDB request units, KMS requests), and checks
the traffic at the given rate against AWS's default quotas: per quota the limit, the use, the utilization and the
headroom, the first quota to bind and the rate at which it binds, the monthly cost on STANDARD and EXPRESS, and
what to change.

Options:
  --rate <n>             triggering events per second (required)
  --burst <n> --over <s> n more events arriving evenly within s seconds: token buckets are simulated over it
  --mix <path=w,...>     the share of each path (sample event name), e.g. happy=90,email-fails=10
                         (default: the paths that succeed, equally)
  --region <region>      the AWS region whose default quotas apply (default: us-east-1)
  --type <STANDARD|EXPRESS>  the workflow type to check (default: the program's)
  --quotas <file.json>   the account's own quota values, by quota id: { "lambda.concurrentExecutions": 5000,
                         "stepFunctions.standard.startExecution": { "limit": 1000, "bucket": 5000 } }
  --json                 print { rate, type, region, binding, bindsAtRate, quotas, costPerMonth, recommendations }
  --stack <name>, --config <key=value>   as for the other commands
  -h, --help             print this help

Exit codes:
  0  no quota binds at this rate
  1  a quota binds at this rate (or the burst drains a bucket)
  2  usage or input error (a rate that is not a positive number, an unknown region, a malformed quota file, ...)
`;

/** The validated options. */
interface CapacityOptions {
  program: string;
  events: LabeledEvent[];
  load: Load;
  /** Weights by path (event label); default: the paths that succeed, equally. */
  mix?: Record<string, number>;
  region: string;
  type?: "STANDARD" | "EXPRESS";
  overrides: Record<string, QuotaValue>;
  json: boolean;
  stack?: string;
  config: Record<string, string>;
  stackReferences: Record<string, Record<string, unknown>>;
  stackReferenceHint: (name: string) => string;
}

/** Parses and validates argv (before anything runs); undefined for --help. */
export function parseCapacityCommandLine(argv: string[]): CapacityOptions | undefined {
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        rate: { type: "string" },
        burst: { type: "string" },
        over: { type: "string" },
        mix: { type: "string" },
        region: { type: "string" },
        type: { type: "string" },
        quotas: { type: "string" },
        json: { type: "boolean" },
        ...PROGRAM_OPTIONS,
      },
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    throw new RunnerInputError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const positive = (name: string, raw: string | undefined) => {
    const n = Number(raw);
    if (raw === undefined || raw.trim() === "" || !Number.isFinite(n) || n <= 0)
      throw new RunnerInputError(
        `--${name} takes a positive number${name === "rate" ? " of events per second" : ""}, got ${raw === undefined ? "nothing" : `"${raw}"`}.`,
      );
    return n;
  };
  if (values.rate === undefined) throw new RunnerInputError("--rate is required: the triggering events per second, e.g. --rate 100.");
  const rate = positive("rate", values.rate);
  if ((values.burst === undefined) !== (values.over === undefined))
    throw new RunnerInputError("--burst and --over go together: --burst <events> --over <seconds>, e.g. --burst 5000 --over 10.");
  const burst =
    values.burst === undefined ? undefined : { events: positive("burst", values.burst), seconds: positive("over", values.over) };
  const region = values.region ?? "us-east-1";
  if (!(KNOWN_REGIONS as readonly string[]).includes(region)) {
    const closest = closestName(region, KNOWN_REGIONS);
    throw new RunnerInputError(
      `--region ${region}: not a region the quota table knows${closest ? `; did you mean ${closest}?` : ""} Known: ${KNOWN_REGIONS.join(", ")}.`,
    );
  }
  if (values.type !== undefined && values.type !== "STANDARD" && values.type !== "EXPRESS")
    throw new RunnerInputError(`--type takes STANDARD or EXPRESS, got "${values.type}".`);
  let overrides: Record<string, QuotaValue> = {};
  if (values.quotas !== undefined) {
    if (!existsSync(values.quotas)) throw new RunnerInputError(`--quotas ${values.quotas}: no such file.`);
    overrides = parseQuotaFile(readFileSync(values.quotas, "utf8"), values.quotas);
  }
  const [program = defaultProgram(), ...files] = positionals;
  const events = sampleEvents(program, files);
  return {
    program,
    events,
    load: { rate, ...(burst ? { burst } : {}) },
    // Each event is one path, labelled as its event: the mix is checked before anything runs.
    ...(values.mix !== undefined ? { mix: parseMix(values.mix, labelsOf(events)) } : {}),
    region,
    type: values.type as CapacityOptions["type"],
    overrides,
    json: values.json ?? false,
    ...programSettingsOf(values),
  };
}

const labelsOf = (events: readonly LabeledEvent[]) => events.map((e) => e.label);

/** `edw-local capacity ...`: returns the exit code. */
export async function capacityCommand(argv: string[]): Promise<number> {
  let options: CapacityOptions | undefined;
  try {
    options = parseCapacityCommandLine(argv);
    if (!options) {
      process.stdout.write(USAGE);
      return 0;
    }
  } catch (error) {
    return usageError(error);
  }
  let report: CapacityReport;
  try {
    const { workflows, resources, runs } = await runSampleEvents(options.program, options.events, {
      stack: options.stack,
      config: options.config,
      stackReferences: options.stackReferences,
      stackReferenceHint: options.stackReferenceHint,
    });
    const paths = measurePaths(runs, resources);
    const mix = options.mix ?? defaultMix(paths);
    const machine = resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine");
    const type = options.type ?? (machine?.inputs.type === "EXPRESS" ? "EXPRESS" : "STANDARD");
    report = capacityReport({
      paths,
      mix,
      timeouts: Object.fromEntries(workflows.flatMap((w) => w.tasks.map((t) => [t.state, t.timeoutSeconds]))),
      workflows: workflows.map((w): WorkflowFacts => {
        const definition = JSON.parse(w.definition);
        return {
          name: w.name,
          timeoutSeconds: typeof definition.TimeoutSeconds === "number" ? definition.TimeoutSeconds : undefined,
          callbackSteps: [...walkStates(definition)]
            .filter(({ state }) => String(state.Resource ?? "").endsWith(".waitForTaskToken"))
            .map(({ name }) => name),
        };
      }),
      type,
      region: options.region,
      quotas: quotasFor(options.region, type, options.overrides),
      load: options.load,
    });
  } catch (error) {
    return usageError(error);
  }
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatCapacityReport(report, options.program));
  return report.withinQuotas ? 0 : 1;
}

/** The text report: the quota table, the first quota to bind, the monthly cost, the recommendations and what is estimated. */
export function formatCapacityReport(report: CapacityReport, program: string): string {
  const n = (value: number) =>
    Math.abs(value) >= 100 ? Math.round(value).toLocaleString("en-US") : Number(value.toPrecision(3)).toString();
  const rate = (value: number | null) => (value === null ? "never (< 1e9/s)" : value === 0 ? "the burst alone" : `${n(value)}/s`);
  const burst = report.burst ? `; burst of ${n(report.burst.events)} events over ${n(report.burst.seconds)} s` : "";
  const lines = [
    `Capacity of ${program} at ${n(report.rate)} events/s (${report.type}, ${report.region}${burst}); mix: ${Object.entries(report.mix)
      .map(([path, w]) => `${path} ${n(w)}`)
      .join(", ")}`,
    "",
    "| quota | limit | used | utilization | headroom | binds at | code |",
    "|---|---|---|---|---|---|---|",
    ...report.quotas.map((q) => {
      const limit = `${n(q.limit)}${q.bucket !== undefined ? ` (bucket ${n(q.bucket)})` : ""}${q.overridden ? " *" : ""}`;
      const used = `${n(q.used)}${q.usedAtTimeouts !== undefined ? ` (${n(q.usedAtTimeouts)} at timeouts)` : ""}${q.detail ? ` [${q.detail}]` : ""}`;
      const burstNote = q.burst?.throttled ? `; burst: ${n(q.burst.throttled)} throttled from ${n(q.burst.drainedAtSecond ?? 0)} s` : "";
      return `| ${q.name} | ${limit} | ${used} | ${(q.utilization * 100).toFixed(1)}%${q.binds ? " BINDS" : ""}${burstNote} | ${n(q.headroom)} | ${rate(q.bindsAtRate)} | ${q.quotaCode ?? "-"} |`;
    }),
    "",
    report.binding === null
      ? "No quota binds below 1e9 events/s."
      : `First to bind: ${report.binding}, at ${rate(report.bindsAtRate)}${report.withinQuotas ? "" : " (at or below this rate)"}.`,
    `Cost per month at ${n(report.rate)} events/s: STANDARD $${n(report.costPerMonth.STANDARD)}, EXPRESS $${n(report.costPerMonth.EXPRESS)} ` +
      `(Step Functions and Lambda at ${PRICES_US_EAST_1.region} prices of ${PRICES_US_EAST_1.checkedOn}; DynamoDB, KMS, EventBridge and SNS not included).`,
    "",
    "Recommendations:",
    ...(report.recommendations.length > 0 ? report.recommendations.map((r) => `  - ${r}`) : ["  - none at this rate"]),
    "",
    `Sources: each quota's AWS page, checked ${[...new Set(report.quotas.map((q) => q.checkedOn))].join(", ")}: ${[...new Set(report.quotas.map((q) => q.source))].join(" ")}` +
      `${report.quotas.some((q) => q.overridden) ? "; * = from --quotas" : ""}.`,
    "Estimated, not measured: durations are this machine's with the sandbox services; KMS requests are modelled (one data key per publish to an " +
      "encrypted topic, plus a Decrypt per subscription); the triggering events are assumed put by this account.",
  ];
  return `${lines.join("\n")}\n`;
}
