/**
 * What share of real Step Functions workflows our builders can express, measured on a local checkout of AWS's public
 * sample collections (aws-samples/step-functions-workflows-collection, aws-samples/serverless-patterns): every ASL
 * definition in their JSON and YAML files (.asl.json files, and definitions inside SAM/CloudFormation templates),
 * deduplicated, classified as expressible or not by the state kinds, Task resources and fields it uses against what the
 * builders compile, with the blockers of the rest ranked. Offline: it reads the folder it is given, nothing else.
 *
 * Run: `npm run sample-coverage -- <checkout> [<checkout> ...] [--json]`.
 *
 * What "expressible" means: each state maps onto a builder (task, waitForCallback, callAwsService, startWorkflow,
 * pass, wait, choice, parallel, map, succeed, fail) with the fields it uses. A Lambda task counts (the sample writes
 * that Lambda too); a direct service call counts when `callAwsService` compiles it (an optimized integration it knows,
 * or `aws-sdk:*`, with `callback` for `.waitForTaskToken`, and the `.sync` jobs of its job-integrations table with
 * `integrationPattern: "runJob"`), and an optimized integration it does not know, request-response or
 * `.waitForTaskToken`, counts through its `aws-sdk` equivalent (named apart in the report); other `.sync` ones do not. A missing `TimeoutSeconds` is no blocker (the builders require one; the
 * user adds it), nor is a catch-all retry (allowed with an acknowledgement).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import yaml from "js-yaml";
import { OPTIMIZED_SERVICE_CALLS, parseIntegrationArn, WAIT_FOR_TASK_TOKEN } from "../components/asl/integrations";
import { JOB_INTEGRATIONS } from "../components/core/integrationPatterns";

type Json = any;

/** The fields our builders compile, by state type (besides Type, Comment, Next and End, which every state may have). */
const SUPPORTED_FIELDS: Record<string, readonly string[]> = {
  Task: [
    "Resource",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "InputPath",
    "OutputPath",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "Retry",
    "Catch",
  ],
  Pass: ["Result", "Parameters", "ResultPath", "InputPath", "OutputPath"],
  Wait: ["Seconds", "SecondsPath", "TimestampPath", "InputPath", "OutputPath"],
  Choice: ["Choices", "Default", "InputPath", "OutputPath"],
  Parallel: ["Parameters", "Branches", "ResultSelector", "ResultPath", "Retry", "Catch", "InputPath", "OutputPath"],
  Map: [
    "ItemsPath",
    "Iterator",
    "ItemProcessor",
    "ItemSelector",
    "Parameters",
    "MaxConcurrency",
    "ToleratedFailurePercentage",
    "ToleratedFailureCount",
    "Label",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "ResultSelector",
    "ResultPath",
    "Retry",
    "Catch",
    "InputPath",
    "OutputPath",
  ],
  Succeed: ["InputPath", "OutputPath"],
  Fail: ["Error", "ErrorPath", "Cause", "CausePath"],
};
const EVERY_STATE = ["Type", "Comment", "Next", "End"];

/** Optimized integrations that wait (`.sync`, `.waitForTaskToken`) which a builder compiles. */
const SUPPORTED_PATTERNS = new Set([
  "lambda:invoke.waitForTaskToken", // waitForCallback with a handler
  "sqs:sendMessage.waitForTaskToken", // waitForCallback with a queue
  "sns:publish.waitForTaskToken", // waitForCallback with a topic
  "states:startExecution.sync:2", // startWorkflow, mode "sync"
  // callAwsService with integrationPattern "runJob" (.sync) or a callback through the job's own integration.
  ...Object.values(JOB_INTEGRATIONS).flatMap((row) => [
    ...(row.runJob ? [`${row.resource}${row.runJob}`] : []),
    ...(row.waitForTaskToken ? [`${row.resource}${WAIT_FOR_TASK_TOKEN}`] : []),
  ]),
]);
/** Request-response optimized integrations callAwsService compiles to (not through their aws-sdk equivalent). */
const OPTIMIZED_CALLS = new Set([
  ...Object.values(OPTIMIZED_SERVICE_CALLS).map((o) => o.resource.replace("arn:aws:states:::", "")),
  ...Object.values(JOB_INTEGRATIONS).flatMap((row) => (row.requestResponse ? [row.resource] : [])),
]);
/** Optimized integrations with no AWS SDK counterpart: only their own integration can make these calls. */
const NO_SDK_EQUIVALENT = new Set(["apigateway:invoke", "http:invoke", "eks:call", "eks:runJob"]);

/** How a definition fares. */
export interface Classification {
  expressible: boolean;
  /** Why not: one entry per distinct blocker. */
  blockers: string[];
  /** Request-response optimized integrations it uses that count through their aws-sdk equivalent. */
  viaSdk: string[];
}

/**
 * Classifies one ASL definition (placeholders such as `${FunctionArn}` already substituted where known).
 *
 * @example
 * classifyDefinition({ StartAt: "A", States: { A: { Type: "Wait", Timestamp: "2030-01-01T00:00:00Z", End: true } } })
 * // { expressible: false, blockers: ["Wait.Timestamp"], viaSdk: [] }
 */
export function classifyDefinition(definition: Json): Classification {
  const blockers = new Set<string>();
  const viaSdk = new Set<string>();
  if (definition.QueryLanguage === "JSONata") blockers.add("JSONata");
  const visit = (scope: Json) => {
    for (const state of Object.values<Json>(scope?.States ?? {})) {
      if (typeof state !== "object" || state === null) continue;
      const type = String(state.Type);
      const supported = SUPPORTED_FIELDS[type];
      if (!supported) {
        blockers.add(`state type ${type}`);
        continue;
      }
      for (const field of Object.keys(state))
        if (!EVERY_STATE.includes(field) && !supported.includes(field))
          blockers.add(
            field === "Assign" ? "variables (Assign)" : ["Arguments", "Output"].includes(field) ? "JSONata" : `${type}.${field}`,
          );
      if (state.QueryLanguage === "JSONata") blockers.add("JSONata");
      if (type === "Task") classifyResource(state, blockers, viaSdk);
      if (type === "Map") {
        for (const blocker of mapIoBlockers(state)) blockers.add(blocker);
        visit(state.ItemProcessor ?? state.Iterator);
      }
      if (type === "Parallel") for (const branch of state.Branches ?? []) visit(branch);
    }
  };
  visit(definition);
  return { expressible: blockers.size === 0, blockers: [...blockers].sort(), viaSdk: [...viaSdk].sort() };
}

/**
 * A Task's or reader's `Resource` as the builders emit it. A template's `Fn::Sub` is its string; a partition left as a
 * placeholder (`arn:${AWS::Partition}:...`) is a partition; an integration ARN written with a region and account
 * (`arn:aws:states:us-east-1:1234:aws-sdk:s3:getObject`) names the same integration as the canonical
 * `arn:aws:states:::aws-sdk:s3:getObject` the builders emit.
 */
function canonicalResource(value: Json): unknown {
  const raw: unknown = typeof value?.["Fn::Sub"] === "string" ? value["Fn::Sub"] : value;
  return typeof raw === "string"
    ? raw
        .replace(/\$\{AWS::Partition\}/g, "aws")
        .replace(/\$\{AWS::(Region|AccountId)\}/g, "x")
        .replace(/^arn:\$\{[^}]+\}:/, "arn:aws:")
        .replace(/^arn:([^:]+):states:[^:]+:[^:]+:(?!activity:|stateMachine:|execution:)/, "arn:$1:states:::")
    : raw;
}

const only = (value: Json, keys: readonly string[]) =>
  typeof value === "object" && value !== null && Object.keys(value).every((key) => keys.includes(key));

/**
 * What a Distributed Map's S3 input and output use that `map`'s `itemReader`, `itemBatcher` and `resultWriter` do not
 * compile: readers other than an object (JSON, JSON Lines, CSV, manifest) or a listing, batch limits read from the
 * input, a writer's bucket read from the input or its `WriterConfig`.
 */
function mapIoBlockers(state: Json): string[] {
  const blockers: string[] = [];
  const { ItemReader: reader, ItemBatcher: batcher, ResultWriter: writer } = state;
  if (reader !== undefined) {
    const resource = canonicalResource(reader.Resource);
    const config = reader.ReaderConfig ?? {};
    const object =
      resource === "arn:aws:states:::s3:getObject" &&
      ["JSON", "JSONL", "CSV", "MANIFEST"].includes(config.InputType) &&
      only(config, ["InputType", "CSVHeaderLocation", "CSVHeaders", "MaxItems", "MaxItemsPath"]) &&
      only(reader.Parameters, ["Bucket", "Bucket.$", "Key", "Key.$"]);
    const listing =
      resource === "arn:aws:states:::s3:listObjectsV2" &&
      only(config, ["MaxItems", "MaxItemsPath"]) &&
      only(reader.Parameters, ["Bucket", "Bucket.$", "Prefix"]);
    if (!object && !listing) blockers.push("Map.ItemReader");
    // `map` takes `itemsPath` or `itemReader`, never both.
    if (state.ItemsPath !== undefined) blockers.push("Map.ItemsPath with ItemReader");
  }
  if (batcher !== undefined && !only(batcher, ["MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"]))
    blockers.push("Map.ItemBatcher");
  if (
    writer !== undefined &&
    !(
      canonicalResource(writer.Resource) === "arn:aws:states:::s3:putObject" &&
      only(writer, ["Resource", "Parameters"]) &&
      only(writer.Parameters, ["Bucket", "Prefix"])
    )
  )
    blockers.push("Map.ResultWriter");
  return blockers;
}

function classifyResource(state: Json, blockers: Set<string>, viaSdk: Set<string>): void {
  const resource = canonicalResource(state.Resource);
  if (typeof resource !== "string") {
    blockers.add("Task.Resource not a string");
    return;
  }
  if (/^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource)) {
    blockers.add("activity");
    return;
  }
  // A Lambda ARN, or a placeholder the template fills in with one (the usual SAM/Terraform substitution).
  if (/^arn:[^:]+:lambda:/.test(resource) || /^\$\{[^}]*\}$/.test(resource)) {
    if (/activity/i.test(resource)) blockers.add("activity");
    else if (state.HeartbeatSeconds !== undefined) blockers.add("HeartbeatSeconds on a Lambda task without a callback");
    return;
  }
  const arn = parseIntegrationArn(resource);
  if (!arn) {
    blockers.add(`Task.Resource ${resource.replace(/[0-9]{12}/, "<account>")}`);
    return;
  }
  const call = `${arn.service}:${arn.action}`;
  if (arn.sdk) {
    // callAwsService's `callback` makes any SDK call wait for its token; `.sync` is not an SDK pattern.
    if (arn.pattern && arn.pattern !== WAIT_FOR_TASK_TOKEN) blockers.add(`aws-sdk ${arn.pattern}`);
    return;
  }
  if (arn.pattern) {
    if (SUPPORTED_PATTERNS.has(`${call}${arn.pattern}`)) return;
    // Any other call waiting for its token: callAwsService with `callback`, through its aws-sdk equivalent.
    if (arn.pattern === WAIT_FOR_TASK_TOKEN && !NO_SDK_EQUIVALENT.has(call)) viaSdk.add(`${call}${arn.pattern}`);
    else blockers.add(`${call}${arn.pattern}`);
    return;
  }
  if (call === "lambda:invoke") {
    const extra = Object.keys(state.Parameters ?? {}).filter((k) => !/^(FunctionName|Payload)(\.\$)?$/.test(k));
    if (extra.length > 0) blockers.add(`lambda:invoke ${extra.join(", ")}`);
    if (state.HeartbeatSeconds !== undefined) blockers.add("HeartbeatSeconds on a Lambda task without a callback");
    return;
  }
  if (call === "states:startExecution" || OPTIMIZED_CALLS.has(call)) return;
  if (NO_SDK_EQUIVALENT.has(call)) blockers.add(call);
  else viaSdk.add(call);
}

/** One ASL definition found in a file. */
export interface FoundDefinition {
  file: string;
  definition: Json;
}

// CloudFormation's short-form tags, read as the long form (`!Sub x` -> { "Fn::Sub": x }).
const CFN_TAGS = ["Ref", "Sub", "GetAtt", "Join", "If", "Select", "Split", "FindInMap", "ImportValue", "Equals", "Not", "And", "Or"];
const CFN_SCHEMA = yaml.DEFAULT_SCHEMA.extend(
  CFN_TAGS.flatMap((tag) =>
    (["scalar", "sequence", "mapping"] as const).map(
      (kind) =>
        new yaml.Type(`!${tag}`, {
          kind,
          construct: (data: unknown) => ({ [tag === "Ref" ? "Ref" : `Fn::${tag}`]: data }),
        }),
    ),
  ),
);

/**
 * Every ASL definition under `root`: whole .json/.yaml files that are definitions, definitions inside templates
 * (`Definition`, `DefinitionString`, `DefinitionBody`, as objects or JSON strings, `Fn::Sub` included), with each
 * template's `DefinitionSubstitutions` applied to the definitions of the same sample folder.
 */
export function findDefinitions(root: string): FoundDefinition[] {
  const found: FoundDefinition[] = [];
  const substitutions = new Map<string, Record<string, string>>();
  for (const file of filesUnder(root)) {
    const document = parseFile(file);
    if (document === undefined) continue;
    const sample = sampleOf(root, file);
    for (const [key, value] of collectSubstitutions(document)) substitutions.set(sample, { ...substitutions.get(sample), [key]: value });
    for (const definition of definitionsIn(document)) found.push({ file, definition });
  }
  return found.map(({ file, definition }) => ({ file, definition: substitute(definition, substitutions.get(sampleOf(root, file)) ?? {}) }));
}

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "cdk.out" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    const stat = statSync(path);
    if (stat.isDirectory()) yield* filesUnder(path);
    else if (/\.(json|ya?ml)$/i.test(entry) && stat.size < 2_000_000 && !/package(-lock)?\.json$/.test(entry)) yield path;
  }
}

function parseFile(file: string): Json | undefined {
  const text = readFileSync(file, "utf8");
  if (!text.includes("StartAt")) return undefined;
  try {
    return /\.json$/i.test(file) ? JSON.parse(text) : yaml.load(text, { schema: CFN_SCHEMA });
  } catch {
    return undefined;
  }
}

/** The first folder under the collection's root: one sample. */
function sampleOf(root: string, file: string): string {
  return relative(root, file).split(sep)[0];
}

function isDefinition(value: Json): boolean {
  return typeof value === "object" && value !== null && typeof value.StartAt === "string" && typeof value.States === "object";
}

/** The definitions in a parsed document, without descending into a definition's own branches. */
function* definitionsIn(value: Json): Generator<Json> {
  if (isDefinition(value)) {
    yield value;
    return;
  }
  if (typeof value === "string") {
    if (value.includes('"StartAt"')) {
      try {
        const parsed = JSON.parse(value);
        if (isDefinition(parsed)) yield parsed;
      } catch {
        // Not JSON (a template string with placeholders in non-string places): not counted.
      }
    }
    return;
  }
  if (typeof value !== "object" || value === null) return;
  // `Fn::Sub: [template, vars]` or `Fn::Sub: template`: the template string is the definition.
  const sub = value["Fn::Sub"];
  if (sub !== undefined) {
    yield* definitionsIn(Array.isArray(sub) ? sub[0] : sub);
    return;
  }
  for (const child of Array.isArray(value) ? value : Object.values(value)) yield* definitionsIn(child);
}

/** `DefinitionSubstitutions` entries of a template, each value as the ARN it stands for (as far as it can be read). */
function collectSubstitutions(document: Json): [string, string][] {
  const resources = document?.Resources ?? {};
  const out: [string, string][] = [];
  const visit = (value: Json) => {
    if (typeof value !== "object" || value === null) return;
    if (typeof value.DefinitionSubstitutions === "object" && value.DefinitionSubstitutions !== null)
      for (const [key, raw] of Object.entries<Json>(value.DefinitionSubstitutions)) out.push([key, substitutionValue(raw, resources)]);
    for (const child of Object.values(value)) visit(child);
  };
  visit(document);
  return out;
}

function substitutionValue(raw: Json, resources: Record<string, Json>): string {
  const text = typeof raw === "string" ? raw : typeof raw?.["Fn::Sub"] === "string" ? raw["Fn::Sub"] : undefined;
  if (text !== undefined) return text.replace(/\$\{AWS::Partition\}/g, "aws").replace(/\$\{AWS::(Region|AccountId)\}/g, "x");
  const target = raw?.["Fn::GetAtt"] ?? raw?.Ref;
  const name = Array.isArray(target) ? target[0] : typeof target === "string" ? target.split(".")[0] : undefined;
  const type = name ? String(resources[name]?.Type ?? "") : "";
  if (/Function$/.test(type)) return `arn:aws:lambda:x:x:function:${name}`;
  if (/StepFunctions::Activity$/.test(type)) return `arn:aws:states:x:x:activity:${name}`;
  return `\${${name ?? "unknown"}}`;
}

/** The definition with `${Key}` placeholders replaced where the sample's templates define them. */
function substitute(definition: Json, substitutions: Record<string, string>): Json {
  if (Object.keys(substitutions).length === 0) return definition;
  return JSON.parse(
    JSON.stringify(definition).replace(/\$\{([A-Za-z0-9_:.-]+)\}/g, (whole, key: string) =>
      Object.hasOwn(substitutions, key) ? JSON.stringify(substitutions[key]).slice(1, -1) : whole,
    ),
  );
}

/** A definition's identity for deduplication: its JSON with sorted keys and without comments. */
export function canonical(definition: Json): string {
  const strip = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => k !== "Comment")
        .sort()
        .map((k) => [k, strip(value[k])]),
    );
  };
  return JSON.stringify(strip(definition));
}

/** The measure over some checkouts. */
export interface Coverage {
  distinct: number;
  expressible: number;
  /** Expressible ones that count some call through its aws-sdk equivalent. */
  expressibleViaSdk: number;
  /** Blocker -> how many definitions it blocks, and how many it alone blocks (those it would unblock by itself). */
  blockers: { blocker: string; blocks: number; alone: number }[];
  examples: Record<string, string>;
}

/** Finds, deduplicates and classifies the definitions under each root. */
export function measureCoverage(roots: readonly string[]): Coverage {
  const distinct = new Map<string, FoundDefinition>();
  for (const root of roots)
    for (const found of findDefinitions(root)) {
      const key = canonical(found.definition);
      if (!distinct.has(key)) distinct.set(key, found);
    }
  const counts = new Map<string, { blocks: number; alone: number }>();
  const examples: Record<string, string> = {};
  let expressible = 0;
  let expressibleViaSdk = 0;
  for (const { file, definition } of distinct.values()) {
    const result = classifyDefinition(definition);
    if (result.expressible) {
      expressible++;
      if (result.viaSdk.length > 0) expressibleViaSdk++;
    }
    for (const blocker of result.blockers) {
      const count = counts.get(blocker) ?? { blocks: 0, alone: 0 };
      count.blocks++;
      if (result.blockers.length === 1) count.alone++;
      counts.set(blocker, count);
      examples[blocker] ??= file;
    }
  }
  const blockers = [...counts].map(([blocker, c]) => ({ blocker, ...c })).sort((a, b) => b.blocks - a.blocks || b.alone - a.alone);
  return { distinct: distinct.size, expressible, expressibleViaSdk, blockers, examples };
}

function main(argv: string[]): void {
  const json = argv.includes("--json");
  const roots = argv.filter((a) => a !== "--json");
  if (roots.length === 0) {
    process.stderr.write("usage: sampleCoverage <checkout> [<checkout> ...] [--json]\n");
    process.exit(2);
  }
  const coverage = measureCoverage(roots);
  if (json) {
    process.stdout.write(`${JSON.stringify(coverage, null, 2)}\n`);
    return;
  }
  const share = (n: number) => `${((100 * n) / Math.max(1, coverage.distinct)).toFixed(1)}%`;
  process.stdout.write(
    `${coverage.distinct} distinct definitions; expressible with our builders: ${coverage.expressible} (${share(coverage.expressible)}), ` +
      `of which ${coverage.expressibleViaSdk} count an optimized integration through its aws-sdk equivalent.\n\n` +
      `Blockers (definitions blocked; blocked by it alone):\n`,
  );
  for (const b of coverage.blockers.slice(0, 25))
    process.stdout.write(`  ${String(b.blocks).padStart(4)} ${String(b.alone).padStart(4)}  ${b.blocker}\n`);
}

if (require.main === module) main(process.argv.slice(2));
