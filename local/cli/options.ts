/**
 * What the edw-local commands share below them: the default program, `--config` and `--callback` entries, event
 * sources, usage errors and exit codes. Commands import from here; nothing here imports a command.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { parseArgs } from "node:util";
import { RunnerInputError, parseEvents, readEventFile, type LabeledEvent } from "../input/eventInput";
import { CLOCK_MODES, type ClockMode } from "../runner/clock";
import type { CallbackAnswer, EventReport, RunnerOptions } from "../runner/runner";
import type { ServiceStandIn } from "../runner/serviceCalls";

/**
 * The options of every command that synthesizes a program (`--stack`, `--config`, `--help`), as node:util parseArgs
 * declares them: commands spread them into their own.
 */
export const PROGRAM_OPTIONS = {
  stack: { type: "string" },
  config: { type: "string", multiple: true },
  "stack-reference": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * The synthesis settings `--stack`, `--config` and `--stack-reference` give; throws RunnerInputError for a `--config`
 * entry without `=` or a bad `--stack-reference`.
 */
export function programSettingsOf(values: { stack?: string; config?: string[]; "stack-reference"?: string[] }): {
  stack?: string;
  config: Record<string, string>;
  stackReferences: Record<string, Record<string, unknown>>;
  stackReferenceHint: (name: string) => string;
} {
  return {
    stack: values.stack,
    config: parseConfigAssignments(values.config ?? []),
    stackReferences: parseStackReferences(values["stack-reference"] ?? []),
    stackReferenceHint: (name) => `pass its outputs with --stack-reference ${name}=<outputs.json> (a JSON object of the stack's outputs).`,
  };
}

/**
 * `--stack-reference <org/project/stack>=<outputs.json>` entries as StackReference stubs: the file's JSON object is
 * the referenced stack's outputs. Throws RunnerInputError naming the entry (malformed, missing file, not an object).
 */
export function parseStackReferences(entries: readonly string[]): Record<string, Record<string, unknown>> {
  const stubs: Record<string, Record<string, unknown>> = {};
  for (const entry of entries) {
    const at = entry.indexOf("=");
    if (at <= 0 || at === entry.length - 1)
      throw new RunnerInputError(
        `--stack-reference "${entry}": use <org/project/stack>=<outputs.json>, e.g. acme/shop/dev=shop-outputs.json (the name the program's StackReference uses).`,
      );
    const [name, file] = [entry.slice(0, at), entry.slice(at + 1)];
    let outputs: unknown;
    try {
      outputs = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new RunnerInputError(`--stack-reference "${entry}": cannot read ${file} as JSON (${(error as Error).message}).`);
    }
    if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs))
      throw new RunnerInputError(
        `--stack-reference "${entry}": ${file} must hold a JSON object of the stack's outputs ({ "<output>": <value> }).`,
      );
    stubs[name] = outputs as Record<string, unknown>;
  }
  return stubs;
}

/** The options every command that runs events takes (a run, `cost`), as node:util parseArgs declares them. */
const RUN_OPTIONS = {
  json: { type: "boolean" },
  graph: { type: "string" },
  "real-time": { type: "boolean" },
  clock: { type: "string" },
  source: { type: "boolean" },
  bus: { type: "string" },
  workflow: { type: "string", multiple: true },
  input: { type: "string" },
  "timeout-scale": { type: "string" },
  callback: { type: "string", multiple: true },
  service: { type: "string", multiple: true },
  secret: { type: "string", multiple: true },
  s3: { type: "string", multiple: true },
  "dead-letter-file": { type: "string" },
  also: { type: "string", multiple: true },
  "no-cache": { type: "boolean" },
  ...PROGRAM_OPTIONS,
} as const;

/** Parses a command line of run options, strictly; throws RunnerInputError for an unknown or malformed option. */
export function parseRunArguments(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: RUN_OPTIONS });
  } catch (error) {
    throw new RunnerInputError((error as Error).message);
  }
}

/**
 * The runner options the run options give; throws RunnerInputError for a bad clock, scale, config, callback answer or
 * service stand-in.
 */
export function runnerOptionsOf(values: ReturnType<typeof parseRunArguments>["values"]): RunnerOptions {
  const clock = (values.clock ?? (values["real-time"] ? "real" : "fast")) as ClockMode;
  if (!CLOCK_MODES.includes(clock)) throw new RunnerInputError(`--clock takes ${CLOCK_MODES.join(", ")}; got "${values.clock}".`);
  if (values.clock !== undefined && values.clock !== "real" && values["real-time"])
    throw new RunnerInputError(`--real-time is --clock real: it contradicts --clock ${values.clock}; pass one of them.`);
  const scale = values["timeout-scale"] === undefined ? 1 : Number(values["timeout-scale"]);
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new RunnerInputError(`--timeout-scale takes a positive number, got "${values["timeout-scale"]}".`);
  return {
    ...programSettingsOf(values),
    mode: values.source ? "source" : "artifact",
    // A run from the source does not need the archives: after an edit, serializing them would be most of its cost.
    serialize: !values.source,
    clock,
    timeoutScale: scale,
    workflows: values.workflow,
    callbacks: parseCallbackAnswers(values.callback ?? []),
    services: parseServiceStandIns(values.service ?? []),
    secrets: parseSecretValues(values.secret ?? []),
    s3: parseS3StandIns(values.s3 ?? []),
    deadLetterFile: values["dead-letter-file"],
    cache: !values["no-cache"],
  };
}

/** `--secret NAME=value` entries as the values of the tasks' secrets; throws RunnerInputError for an entry without `=`. */
export function parseSecretValues(entries: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf("=");
      if (at <= 0) throw new RunnerInputError(`--secret takes NAME=value (e.g. --secret API_KEY=test-key), got "${entry}".`);
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}

/**
 * `--s3 <bucket>=<folder>` entries as the local S3 stand-in (a simulation: a folder per bucket, for Distributed Map
 * readers and writers); throws RunnerInputError for an entry without `=` or a folder that does not exist.
 */
export function parseS3StandIns(entries: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf("=");
      if (at <= 0) throw new RunnerInputError(`--s3 takes <bucket>=<folder> (e.g. --s3 claims-archive=./fixtures/claims), got "${entry}".`);
      const folder = resolvePath(entry.slice(at + 1));
      if (!existsSync(folder) || !statSync(folder).isDirectory())
        throw new RunnerInputError(
          `--s3 ${entry}: ${folder} is not a folder; create it, or name the folder standing in for bucket "${entry.slice(0, at)}".`,
        );
      return [entry.slice(0, at), folder];
    }),
  );
}

/**
 * `--callback State=success:<json>` and `--callback State=failure:<ErrorName>[:<cause>]` entries as the runner's
 * callback answers; throws RunnerInputError naming the entry and the accepted forms.
 */
export function parseCallbackAnswers(entries: readonly string[]): Record<string, CallbackAnswer> {
  const answers: Record<string, CallbackAnswer> = {};
  for (const entry of entries) {
    const match = /^([^=]+)=(success|failure):(.*)$/s.exec(entry);
    const usage = 'use State=success:<json> (e.g. ManagerApproval=success:{"approved":true}) or State=failure:<ErrorName>[:<cause>]';
    if (!match) throw new RunnerInputError(`--callback "${entry}": ${usage}.`);
    const [, state, outcome, rest] = match;
    if (outcome === "success") {
      try {
        answers[state] = { success: JSON.parse(rest) };
      } catch (error) {
        throw new RunnerInputError(`--callback "${entry}": the success output is not JSON (${(error as Error).message}); ${usage}.`);
      }
    } else {
      const [error, ...cause] = rest.split(":");
      if (!/^[A-Za-z][\w.-]*$/.test(error)) throw new RunnerInputError(`--callback "${entry}": "${error}" is not an error name; ${usage}.`);
      answers[state] = { failure: error, ...(cause.length > 0 ? { cause: cause.join(":") } : {}) };
    }
  }
  return answers;
}

/**
 * `--service <service:action>=<response.json>` entries as service-call stand-ins that answer with the file's JSON;
 * throws RunnerInputError naming the entry (malformed, missing file, not JSON).
 */
export function parseServiceStandIns(entries: readonly string[]): Record<string, ServiceStandIn> {
  const standIns: Record<string, ServiceStandIn> = {};
  for (const entry of entries) {
    const match = /^([a-z0-9]+:[a-z][A-Za-z0-9]*)=(.+)$/.exec(entry);
    if (!match)
      throw new RunnerInputError(`--service "${entry}": use <service:action>=<response.json>, e.g. s3:getObject=responses/object.json.`);
    const [, key, file] = match;
    let response: unknown;
    try {
      response = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new RunnerInputError(`--service "${entry}": cannot read ${file} as JSON (${(error as Error).message}).`);
    }
    standIns[key] = () => structuredClone(response);
  }
  return standIns;
}

/** `--config key=value` entries as a config object; throws RunnerInputError for an entry without `=`. */
export function parseConfigAssignments(entries: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf("=");
      if (at <= 0) throw new RunnerInputError(`--config takes key=value, got "${entry}".`);
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}

/** Reads and parses every event source up front, so that bad input fails before the program is synthesized. */
export function readEventSources(sources: string[]): LabeledEvent[] {
  const all = sources.length > 0 ? sources : process.stdin.isTTY ? [] : ["-"];
  if (all.length === 0) throw new RunnerInputError("no events: give one or more event files, or pipe events to stdin.");
  return all.flatMap((source) => {
    return source === "-" ? parseEvents(readFileSync(0, "utf8"), "stdin") : readEventFile(source);
  });
}

/**
 * The exit code of a run: 1 when an execution failed or timed out (those its published events started included), a
 * chain of published events hit its hop limit, or nothing ran at all.
 */
export function exitCodeOf(reports: readonly EventReport[]): 0 | 1 {
  const executions = reports.flatMap((r) => [...r.executions, ...(r.chain ?? []).flatMap((link) => link.executions)]);
  const broken = reports.some((r) => r.chainError !== undefined);
  return broken || executions.length === 0 || executions.some((e) => e.status !== "SUCCEEDED") ? 1 : 0;
}

/** The program `pulumi up` would run from the working directory: Pulumi.yaml's `main`, else index.ts. */
export function defaultProgram(folder: string = process.cwd()): string {
  const project = join(folder, "Pulumi.yaml");
  const main = existsSync(project) ? /^main:\s*["']?([^"'\s#]+)/m.exec(readFileSync(project, "utf8"))?.[1] : undefined;
  return main ?? "index.ts";
}

/** Prints a usage or input error and returns exit code 2; rethrows anything else. */
export function usageError(error: unknown): number {
  if (!(error instanceof RunnerInputError)) throw error;
  process.stderr.write(`error: ${error.message}\nRun with --help for usage.\n`);
  return 2;
}
