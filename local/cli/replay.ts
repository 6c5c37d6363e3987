/**
 * `edw-local replay`: puts the events of a workflow's dead-letter queue back on its bus (see replay.ts), from the DLQ
 * on AWS or from the file the local runner records. A dry run unless `--apply`.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { defaultProgram, PROGRAM_OPTIONS, programSettingsOf } from "./options";
import { RunnerInputError } from "../input/eventInput";
import { validateEventPattern } from "../simulators/eventPattern";
import { replayQueue, replayRecorded, type ReplayItem, type ReplayReport } from "../replay/replay";

export const REPLAY_USAGE = `Usage: edw-local replay --queue-url <dlq url> --event-bus <name|arn> [--pattern <json|file> [--verify local|aws]] [--apply] [--max <n>] [--visibility-timeout <s>] [--json]
       edw-local replay --local <dlq.jsonl> [program] [--apply] [--bus <name>] [--source] [--stack <name>] [--config key=value] [--json]

Puts the events kept in a workflow's dead-letter queue back on its event bus, so that its rule starts them again.
A DRY RUN by default: it lists each message (source, detail-type, original id, why it failed) and changes nothing;
--apply re-publishes each event (EventBridge PutEvents: source, detail-type, detail, resources and time kept; the
event gets a new id) and deletes a message only once PutEvents reports it put and the event matches the workflow's
rule (PutEvents succeeds on a bus where nothing matches: a typo in the bus, a disabled rule). A message that is not
an event, or whose event the rule does not match, is reported and kept. Steps must be idempotent on the event's data (the order steps key on the order id), so that
replaying an event the workflow already processed changes nothing.

AWS (credentials and region from the environment; the operator needs the workflow's replayPolicyJson):
  --queue-url <url>           the DLQ (the workflow's deadLetterQueueUrl output)
  --event-bus <name|arn>      the bus the workflow's rule listens on (default bus: "default")
  --max <n>                   read at most n messages (default 100)
  --visibility-timeout <s>    how long read messages stay hidden (default 60); a dry run hides them for that long too
  --pattern <json|file>       the event pattern of the workflow's rule (required with --apply): only events it matches
                              are put back and deleted
  --verify local|aws          check --pattern with this package's matcher (default) or with EventBridge's
                              TestEventPattern (needs events:TestEventPattern); the report says which was used

Local (the file \`edw-local <program> <events> --dead-letter-file <file>\` records, one SQS message per line):
  --local <file>              replay the recorded dead letters through the local runner; --apply removes the replayed
                              lines (what the replays send to the DLQ again is appended)
  --bus <name>                the bus the events are put on (default: default); a replayed event that starts no
                              execution is kept in the file
  --source, --stack, --config as for a run

  --apply                     replay (default: dry run)
  --json                      print the report as JSON

Exit codes: 0 every message replayed (or replayable, in a dry run); 1 a message cannot be replayed or PutEvents
refused it (kept in the queue), or, locally, a replayed execution did not succeed; 2 usage error.
`;

/** The AWS clients the command uses; tests pass simulated ones. */
export interface ReplayClients {
  sqs: Pick<SQSClient, "send">;
  events: Pick<EventBridgeClient, "send">;
}

interface AwsSource {
  queueUrl: string;
  eventBus: string;
  maxMessages: number;
  visibilityTimeoutSeconds: number;
  rulePattern?: object;
  verifyWith: "local" | "aws";
}

interface LocalSource {
  file: string;
  program: string;
  bus: string;
  source: boolean;
  stack?: string;
  config: Record<string, string>;
  stackReferences: Record<string, Record<string, unknown>>;
  stackReferenceHint: (name: string) => string;
}

type ReplayCommandOptions = { apply: boolean; json: boolean } & (
  | { aws: AwsSource; local?: undefined }
  | { local: LocalSource; aws?: undefined }
);

const REPLAY_OPTIONS = {
  "queue-url": { type: "string" },
  "event-bus": { type: "string" },
  max: { type: "string" },
  "visibility-timeout": { type: "string" },
  pattern: { type: "string" },
  verify: { type: "string" },
  local: { type: "string" },
  bus: { type: "string" },
  source: { type: "boolean" },
  apply: { type: "boolean" },
  json: { type: "boolean" },
  ...PROGRAM_OPTIONS,
} as const;

/** Parses `edw-local replay` arguments; throws RunnerInputError for a usage error; undefined for --help. */
export function parseReplayCommandLine(argv: string[]): ReplayCommandOptions | undefined {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: typeof REPLAY_OPTIONS }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: REPLAY_OPTIONS });
  } catch (error) {
    throw new RunnerInputError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const common = { apply: values.apply ?? false, json: values.json ?? false };
  if (values.local !== undefined) {
    if (values["queue-url"] !== undefined) throw new RunnerInputError("replay: give either --local <file> or --queue-url <url>, not both.");
    if (!existsSync(values.local)) throw new RunnerInputError(`replay --local ${values.local}: no such file.`);
    return {
      ...common,
      local: {
        file: values.local,
        program: positionals[0] ?? defaultProgram(),
        bus: values.bus ?? "default",
        source: values.source ?? false,
        ...programSettingsOf(values),
      },
    };
  }
  if (values["queue-url"] === undefined || values["event-bus"] === undefined)
    throw new RunnerInputError(
      "replay: name the DLQ and the bus (--queue-url <url> --event-bus <name|arn>), or a recorded file (--local <file>).",
    );
  if (positionals.length > 0)
    throw new RunnerInputError(`replay: unexpected argument "${positionals[0]}" (a program goes with --local only).`);
  if (values.apply && values.pattern === undefined)
    throw new RunnerInputError(
      "replay --apply needs the rule's pattern (--pattern <json|file>): PutEvents succeeds even where no rule matches, and the DLQ message would be gone.",
    );
  return {
    ...common,
    aws: {
      queueUrl: values["queue-url"],
      eventBus: values["event-bus"],
      maxMessages: positiveInteger("--max", values.max, 100),
      visibilityTimeoutSeconds: positiveInteger("--visibility-timeout", values["visibility-timeout"], 60),
      ...(values.pattern !== undefined ? { rulePattern: rulePatternOf(values.pattern) } : {}),
      verifyWith: verifierOf(values.verify),
    },
  };
}

/** `--pattern`: JSON text, or a file holding it; an object EventBridge would take (validated by the local matcher). */
function rulePatternOf(value: string): object {
  const text = value.trimStart().startsWith("{") ? value : existsSync(value) ? readFileSync(value, "utf8") : undefined;
  if (text === undefined) throw new RunnerInputError(`--pattern ${value}: neither JSON nor a file.`);
  try {
    const pattern = JSON.parse(text);
    validateEventPattern(pattern);
    return pattern;
  } catch (error) {
    throw new RunnerInputError(`--pattern: ${(error as Error).message}`);
  }
}

function verifierOf(value: string | undefined): "local" | "aws" {
  if (value === undefined || value === "local" || value === "aws") return value ?? "local";
  throw new RunnerInputError(`--verify takes local or aws, got "${value}".`);
}

function positiveInteger(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new RunnerInputError(`${option} takes a positive whole number, got "${value}".`);
  return n;
}

/**
 * Runs `edw-local replay`; returns the exit code.
 *
 * @param clients the AWS clients (default: the SDK's, configured from the environment)
 */
export async function replayCommand(argv: string[], clients?: ReplayClients): Promise<number> {
  let options: ReplayCommandOptions | undefined;
  try {
    options = parseReplayCommandLine(argv);
  } catch (error) {
    if (!(error instanceof RunnerInputError)) throw error;
    process.stderr.write(`error: ${error.message}\nRun edw-local replay --help for usage.\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(REPLAY_USAGE);
    return 0;
  }
  const report = options.aws ? await replayFromAws(options.aws, options.apply, clients) : await replayLocal(options.local, options.apply);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReplayReport(report).join("\n")}\n`);
  return replayExitCode(report);
}

async function replayFromAws(
  aws: NonNullable<ReplayCommandOptions["aws"]>,
  apply: boolean,
  clients?: ReplayClients,
): Promise<ReplayReport> {
  const resolved = clients ?? (await defaultClients());
  return replayQueue({ ...resolved, ...aws, apply });
}

async function defaultClients(): Promise<ReplayClients> {
  const [{ SQSClient }, { EventBridgeClient }] = await Promise.all([import("@aws-sdk/client-sqs"), import("@aws-sdk/client-eventbridge")]);
  return { sqs: new SQSClient({}), events: new EventBridgeClient({}) };
}

async function replayLocal(local: LocalSource, apply: boolean): Promise<ReplayReport> {
  if (!apply) return replayRecorded({ file: local.file, eventBus: local.bus });
  const { LocalRunner } = await import("../runner/runner");
  const { forgetPendingPulumiWork } = await import("../program/synthesize");
  // The replays record what they send to the DLQ in the same file, as the queue would receive it.
  const runner = await LocalRunner.load(local.program, {
    stack: local.stack,
    config: local.config,
    stackReferences: local.stackReferences,
    stackReferenceHint: local.stackReferenceHint,
    mode: local.source ? "source" : "artifact",
    deadLetterFile: local.file,
  });
  try {
    return await replayRecorded({ file: local.file, eventBus: local.bus, apply: true, runner });
  } finally {
    await runner.close();
    forgetPendingPulumiWork();
  }
}

/** 1 when a message cannot be replayed or was not put, or (locally) a replayed execution did not succeed; else 0. */
export function replayExitCode(report: ReplayReport): 0 | 1 {
  const kept = report.items.some((item) => ["not replayable", "put failed", "no matching rule"].includes(item.outcome));
  const failed = report.items.some((item) => item.execution && item.execution.status !== "SUCCEEDED");
  return kept || failed ? 1 : 0;
}

/** The text report: a headline, then one line per message. */
export function formatReplayReport(report: ReplayReport): string[] {
  const count = (outcome: ReplayItem["outcome"]) => report.items.filter((item) => item.outcome === outcome).length;
  const inQueue = report.approximateMessages !== undefined ? ` (about ${report.approximateMessages} in the queue)` : "";
  const headline = report.apply
    ? `Replayed ${count("replayed")} of ${report.items.length} messages from ${report.from}${inQueue} onto ${report.eventBus}; ` +
      `${count("put failed")} not put, ${count("not replayable")} not replayable, ${count("no matching rule")} matched no rule: those are kept.` +
      (report.verifiedWith ? ` Events checked against the rule's pattern with ${report.verifiedWith}.` : "")
    : `DRY RUN: ${report.items.length} messages read from ${report.from}${inQueue}; ${count("would replay")} would be put on ` +
      `${report.eventBus}, ${count("not replayable")} cannot be. Nothing was sent or deleted: rerun with --apply to replay.`;
  return [
    headline,
    ...report.items.map((item) => {
      const what = item.event
        ? `${item.event.source} / ${item.event.detailType}${item.event.id ? ` (event ${item.event.id})` : ""}`
        : `cannot replay: ${item.problem}`;
      const result = [
        item.outcome,
        item.newEventId ? `new event ${item.newEventId}` : "",
        item.execution
          ? `${item.execution.status}${item.execution.workflows.length ? ` in ${item.execution.workflows.join(", ")}` : ""}`
          : "",
        item.deleted ? "deleted" : item.outcome === "would replay" ? "" : "kept",
        item.error ?? "",
      ]
        .filter(Boolean)
        .join("; ");
      return `  ${item.messageId}  ${what}\n      why: ${item.reason}\n      -> ${result}`;
    }),
  ];
}
