/**
 * Validation equal to AWS's: every step list, typed or plain-JavaScript junk, either compiles to a definition that both
 * asl-validator and AWS's own amazon-states-language-service accept, or is refused with a WorkflowDefinitionError
 * naming a step (or the list). No other error type escapes. Both validators run in-process: they stand in for the
 * CreateStateMachine call, which cannot be made here.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import fc from "fast-check";
import { getLanguageService } from "amazon-states-language-service";
import { TextDocument } from "vscode-languageserver-textdocument";
import { compileValidatedSteps, type ResolvedResources } from "../../core/compile";
import { childExecutionsArn, stepFunctionsSyncRuleArn } from "../../core/childWorkflows";
import { executionRolePolicy, integrationNeeds } from "../../core/iam";
import { INTRINSIC_FUNCTIONS } from "../../core/intrinsics";
import { MAX_NESTING_DEPTH, validateSteps, WorkflowDefinitionError } from "../../core/validate";
import { allSteps, taskSteps } from "../../core/walk";
import type { Step } from "../../steps/types";
import { bindTaskSteps, localResources } from "../../../local/runner/bindSteps";
import { LocalWorkflow } from "../../../local/runner/execute";
import { formatPath } from "../../../local/runner/report";
import { decide } from "../../../test/support/iamSimulation";

// asl-validator ships CommonJS without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require("asl-validator") as (
  definition: unknown,
  options?: unknown,
) => { isValid: boolean; errorsText: (separator?: string) => string };

const languageService = getLanguageService({});
let documents = 0;

/** AWS's language service's errors (severity 1) and warnings on a definition's JSON text. */
async function languageServiceProblems(json: string): Promise<string[]> {
  const document = TextDocument.create(`file:///definition-${documents++}.asl.json`, "json", 1, json);
  const diagnostics = await languageService.doValidation(document, languageService.parseJSONDocument(document), {});
  return diagnostics.map((d) => `${d.severity === 1 ? "error" : "warning"}: ${d.message}`);
}

/**
 * asl-validator builds a new Ajv, adds ajv-formats and compiles all its schemas on every call (about 0.35 s each on
 * this machine). While this file runs, its calls share one Ajv, built and equipped by asl-validator's own code on the
 * first call: the same schemas and formats (it re-registers its formats on every call), compiled once. Restored after.
 */
function shareAslValidatorAjv(): () => void {
  const from = { paths: [dirname(require.resolve("asl-validator"))] };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ajv = require(require.resolve("ajv", from)) as { default: new (options: unknown) => object };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const formats = require(require.resolve("ajv-formats", from)) as { default: (ajv: object, options?: unknown) => object };
  const [originalAjv, originalFormats] = [ajv.default, formats.default];
  let shared: object | undefined;
  ajv.default = function SharedAjv(options: unknown) {
    shared ??= new originalAjv(options);
    return shared;
  } as unknown as typeof originalAjv;
  const equipped = new WeakSet<object>();
  formats.default = (instance, options) => {
    if (equipped.has(instance)) return instance; // its keywords cannot be added twice
    equipped.add(instance);
    return originalFormats(instance, options);
  };
  return () => {
    ajv.default = originalAjv;
    formats.default = originalFormats;
  };
}

/** asl-validator's verdict; it adds fields to what it checks, so it gets its own parsed copy. */
function aslValidatorProblems(json: string): string[] {
  const result = aslValidator(JSON.parse(json), { checkPaths: true, checkArn: true });
  return result.isValid ? [] : [result.errorsText("; ")];
}

/** Lambda ARNs for every task, as own keys (a task may be named `__proto__`). */
function resourcesFor(steps: readonly Step[]): ResolvedResources {
  return {
    functionArns: Object.fromEntries(taskSteps(steps).map((t) => [t.name, `arn:aws:lambda:us-east-1:123456789012:function:wf-${t.name}`])),
    alertTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
    deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
    defaultEventBusName: "default",
  };
}

type Verdict = { accepted: true; json: string } | { accepted: false; error: WorkflowDefinitionError };

/** validateSteps then compile: a definition, or the WorkflowDefinitionError; any other throw fails the test. */
function verdictOf(steps: unknown): Verdict {
  try {
    validateSteps(steps as Step[]);
    const definition = compileValidatedSteps(steps as Step[], resourcesFor(steps as Step[]));
    return { accepted: true, json: JSON.stringify(definition) };
  } catch (error) {
    assert.ok(error instanceof WorkflowDefinitionError, `expected WorkflowDefinitionError, got ${(error as Error)?.stack ?? error}`);
    for (const problem of error.problems) assert.ok(typeof problem.step === "string" && problem.step.length > 0, error.message);
    return { accepted: false, error };
  }
}

/** The property: refused with a named culprit, or accepted by both of AWS's validators. */
async function judge(steps: unknown): Promise<void> {
  const verdict = verdictOf(steps);
  if (!verdict.accepted) return;
  assert.deepEqual(JSON.parse(verdict.json), JSON.parse(JSON.stringify(JSON.parse(verdict.json))));
  assert.deepEqual(aslValidatorProblems(verdict.json), [], verdict.json);
  assert.deepEqual(await languageServiceProblems(verdict.json), [], verdict.json);
}

// ---- Arbitraries: what a user (or plain JavaScript) might pass ----

const NAMES = [
  "A",
  "B",
  "C",
  "D",
  "E",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "Ünïcode-名前",
  "a b",
  "",
  "x".repeat(81),
];
const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
const target = fc.option(name, { nil: undefined });
const PATHS = [
  "$",
  "$.a",
  "$.a.b[0]",
  "$['a b']",
  "$.detail-type",
  "$$.Execution.Id",
  "$.a b",
  "a",
  "",
  "$.*",
  "$..a",
  "$.a[?(@.b)]",
  "$.",
  "$[x]",
];
const path = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PATHS) }, { weight: 1, arbitrary: fc.anything() });
const optionalPath = fc.option(path, { nil: undefined });
const NUMBERS = [0, 1, 2, 30, 3600, 31_622_400, 31_622_401, 99_999_999, 100_000_000, 1e12, Infinity, -Infinity, Number.NaN, -1, 1.5];
const num = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...NUMBERS) }, { weight: 1, arbitrary: fc.anything() });
const optionalNum = fc.option(num, { nil: undefined });
const errorNames = fc.oneof(
  fc.constantFrom(["ThrottlingException"], ["States.ALL"], ["States.Timeout", "Custom"], [], [""], [5]),
  fc.anything(),
);
const retry = fc.record(
  {
    errors: errorNames,
    intervalSeconds: optionalNum,
    maxAttempts: optionalNum,
    backoffRate: optionalNum,
    maxDelaySeconds: optionalNum,
    acknowledgeCatchAll: fc.option(fc.oneof(fc.constantFrom("the partner API fails transiently", ""), fc.anything()), { nil: undefined }),
  },
  { requiredKeys: ["errors"] },
);
const catcher = fc.record({ errors: errorNames, next: name, resultPath: optionalPath }, { requiredKeys: ["errors", "next"] });
const errorHandling = {
  retry: fc.option(fc.array(retry, { maxLength: 2 }), { nil: undefined }),
  catch: fc.option(fc.array(catcher, { maxLength: 2 }), { nil: undefined }),
};
const flow = { next: target, end: fc.option(fc.boolean(), { nil: undefined }) };
/**
 * asl-validator 4.0's schema refuses `null` and `""` as items of an array inside a payload template
 * (`{ "list": [1, null, ""] }`), which AWS's own language service accepts (see the case below): generated template
 * values keep them out of arrays.
 */
function withoutRefusedItems(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null && item !== "").map(withoutRefusedItems);
  const plain = typeof value === "object" && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value));
  if (plain) return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, withoutRefusedItems(field)]));
  return value;
}
const templateValue = fc.jsonValue().map(withoutRefusedItems);
/** Payload templates (`parameters`, `resultSelector`, a child's `input`): paths and intrinsics, good and bad, or any JSON. */
const template = fc.option(
  fc.oneof(
    fc.constantFrom(
      { "id.$": "$.a" },
      { "x.$": "States.Format('{} {}', $.a, States.UUID())" },
      { "x.$": "States.MathRandom(1, 9, 3)" },
      { "x.$": "States.UUID(1)" },
      { "x.$": "States.Nope($.a)" },
      { "x.$": "States.Array($.a" },
      { "x.$": "a.b" },
      { x: { "y.$": "$$.Execution.Id" } },
      "$.a",
    ),
    fc.dictionary(fc.string({ maxLength: 4 }), templateValue),
  ),
  { nil: undefined },
);
const handler = async (input: unknown) => input;
/** `inputPath`/`outputPath`, which ASL allows on every state kind but Fail. */
const statePaths = { inputPath: optionalPath, outputPath: optionalPath };
/** A task's Lambda settings (issue 22): environment, secrets, concurrency; good values, bad ones, anything. */
const taskSettings = {
  environment: fc.option(fc.oneof(fc.constantFrom({ API_URL: "https://x" }, { AWS_REGION: "x" }, { a: 5 }), fc.anything()), {
    nil: undefined,
  }),
  secrets: fc.option(fc.oneof(fc.constantFrom({ API_KEY: { parameter: "/p" } }, { K: { secret: "" } }, { "1x": {} }), fc.anything()), {
    nil: undefined,
  }),
  reservedConcurrency: optionalNum,
  provisionedConcurrency: optionalNum,
};

const OPERATORS = [
  "stringEquals",
  "stringMatches",
  "numericEquals",
  "numericLessThanPath",
  "booleanEquals",
  "timestampEquals",
  "isPresent",
  "isNull",
  "bogus",
];
const comparisonValue = fc.oneof(
  fc.constantFrom("x", "2026-01-31T12:00:00Z", "yesterday", 5, Infinity, true, "$.b", "$.b c", null),
  fc.anything(),
);
const condition: fc.Arbitrary<unknown> = fc.letrec<{ condition: unknown }>((tie) => ({
  condition: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(path, fc.constantFrom(...OPERATORS), comparisonValue).map(([variable, operator, value]) => ({ variable, [operator]: value })),
    fc.array(tie("condition"), { maxLength: 2 }).map((and) => ({ and })),
    fc.array(tie("condition"), { maxLength: 2 }).map((or) => ({ or })),
    tie("condition").map((not) => ({ not })),
    fc.anything(),
  ),
})).condition;

/** Drops undefined fields, as a user who leaves a field out would. */
const defined = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));

function stepOf(list: fc.Arbitrary<unknown[]>): fc.Arbitrary<unknown> {
  const common = { name, ...flow };
  return fc
    .oneof(
      { depthSize: "small" },
      fc.record({
        kind: fc.constant("task"),
        ...common,
        ...errorHandling,
        handler: fc.oneof(fc.constant(handler), fc.anything()),
        timeoutSeconds: num,
        inputPath: optionalPath,
        resultPath: optionalPath,
        outputPath: optionalPath,
        parameters: template,
        resultSelector: template,
        callback: fc.option(fc.record({ heartbeatSeconds: optionalNum }), { nil: undefined }),
        ...taskSettings,
      }),
      fc.record({
        kind: fc.constant("callAwsService"),
        ...common,
        ...errorHandling,
        service: fc.constantFrom("dynamodb", "s3", "sfn", "eventbridge", "DynamoDB", "", "ecs", "glue", "bedrock"),
        action: fc.constantFrom(
          "putItem",
          "getObject",
          "listExecutions",
          "putEvents",
          "PutItem",
          "",
          "runTask",
          "startJobRun",
          "invokeModel",
        ),
        integrationPattern: fc.constantFrom(undefined, "requestResponse", "runJob", "RUN_JOB"),
        passRoles: fc.constantFrom(undefined, ["arn:aws:iam::123456789012:role/task"], ["*"], []),
        parameters: template,
        resultSelector: template,
        iamResources: fc.constantFrom(["arn:aws:dynamodb:us-east-1:123456789012:table/t"], ["arn:aws:s3:::b/*"], ["*"], [], undefined),
        iamActions: fc.constantFrom(undefined, ["states:ListExecutions"], ["states:ListExecution"], []),
        timeoutSeconds: num,
        inputPath: optionalPath,
        resultPath: optionalPath,
        outputPath: optionalPath,
        callback: fc.option(fc.record({ heartbeatSeconds: optionalNum }), { nil: undefined }),
      }),
      fc.record({
        kind: fc.constant("startWorkflow"),
        ...common,
        ...errorHandling,
        stateMachineArn: fc.constantFrom(
          "arn:aws:states:us-east-1:123456789012:stateMachine:child",
          "arn:aws:sns:us-east-1:123456789012:t",
          "",
        ),
        mode: fc.constantFrom("sync", "async", "wait"),
        input: template,
        timeoutSeconds: num,
        resultSelector: template,
        resultPath: optionalPath,
        ...statePaths,
      }),
      fc.record({
        kind: fc.constant("choice"),
        name,
        choices: fc.array(fc.record({ condition, next: name }), { maxLength: 2 }),
        otherwise: target,
        ...statePaths,
      }),
      fc.record({
        kind: fc.constant("parallel"),
        ...common,
        ...errorHandling,
        branches: fc.array(list, { maxLength: 2 }),
        parameters: template,
        resultSelector: template,
        resultPath: optionalPath,
        ...statePaths,
      }),
      fc.record({
        kind: fc.constant("map"),
        ...common,
        ...errorHandling,
        itemsPath: path,
        steps: list,
        maxConcurrency: optionalNum,
        toleratedFailurePercentage: optionalNum,
        itemSelector: fc.option(
          fc.oneof(fc.constant({ "item.$": "$$.Map.Item.Value" }), fc.dictionary(fc.string({ maxLength: 4 }), templateValue)),
          { nil: undefined },
        ),
        label: fc.option(fc.oneof(fc.constantFrom("scan-items", "", "a b", "x".repeat(41)), fc.anything()), { nil: undefined }),
        resultSelector: template,
        ...statePaths,
      }),
      fc.oneof(
        fc.record({ kind: fc.constant("wait"), ...common, seconds: num, ...statePaths }),
        fc.record({ kind: fc.constant("wait"), ...common, timestampPath: path, ...statePaths }),
        fc.record({ kind: fc.constant("wait"), ...common, secondsPath: path, ...statePaths }),
      ),
      fc.record({
        kind: fc.constant("pass"),
        ...common,
        result: fc.option(fc.oneof(fc.jsonValue(), fc.anything()), { nil: undefined }),
        parameters: template,
        resultPath: optionalPath,
        ...statePaths,
      }),
      fc.record({ kind: fc.constant("succeed"), name, ...statePaths }),
      fc.record({
        kind: fc.constant("fail"),
        name,
        error: fc.option(fc.constantFrom("Failed", "", 5), { nil: undefined }),
        cause: fc.option(fc.constantFrom("because", ""), { nil: undefined }),
        errorPath: optionalPath,
        causePath: optionalPath,
      }),
      fc.record({
        kind: fc.constant("notify"),
        ...common,
        timeoutSeconds: optionalNum,
        messagePath: optionalPath,
        resultPath: optionalPath,
        ...statePaths,
      }),
      fc.record({ kind: fc.constant("sendToDeadLetterQueue"), ...common, timeoutSeconds: optionalNum, ...statePaths }),
      fc.record({
        kind: fc.constant("publishEvent"),
        ...common,
        source: fc.constantFrom("order.processor", "aws.x", ""),
        detailType: fc.constantFrom("Order Processed", ""),
        detailPath: optionalPath,
        ...statePaths,
      }),
      fc.anything(),
    )
    .map((step) => (typeof step === "object" && step !== null && !Array.isArray(step) ? defined(step as Record<string, unknown>) : step));
}

/** Step lists nested a few levels deep (Parallel branches, Map steps), with junk wherever a step may be. */
const stepList: fc.Arbitrary<unknown[]> = fc.letrec<{ list: unknown[] }>((tie) => ({
  list: fc.array(stepOf(tie("list")), { minLength: 1, maxLength: 4 }),
})).list;

// ---- Plausible step lists: mostly valid values, unique names, transitions wired to siblings ----

/** Mostly one of `valid`, sometimes one of `invalid`, rarely anything at all. */
const mostly = <T>(valid: readonly T[], invalid: readonly unknown[]) =>
  fc.oneof(
    { weight: 40, arbitrary: fc.constantFrom(...valid) },
    { weight: 2, arbitrary: fc.constantFrom(...invalid) },
    { weight: 1, arbitrary: fc.anything() },
  );
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });
/** A transition to the k-th sibling, resolved once the list is named (see {@link wire}). */
const sibling = fc.nat(6).map((k) => ({ sibling: k }));
const VALID_PATHS = ["$", "$.a", "$.a.b[0]", "$['a b']", "$.detail-type", "$.ü"];
const INVALID_PATHS = ["$.a b", "a", "", "$.*", "$..a", "$.a[?(@.b)]", "$.", "$[x]", "$.a'"];
const plausiblePath = mostly(VALID_PATHS, INVALID_PATHS);
const plausibleSeconds = mostly([2, 30, 3600, 86_400, 99_999_999], [0, 1.5, 100_000_000, 1e12, Infinity, Number.NaN, -1]);
const plausibleRetry = fc.record(
  {
    errors: mostly([["ThrottlingException"], ["Custom", "States.Timeout"]], [[], [""], ["States.ALL"], [5]]),
    intervalSeconds: maybe(mostly([1, 5, 99_999_999], [0, 1e12, 0.5])),
    maxAttempts: maybe(mostly([0, 3, 99_999_999], [-1, 100_000_000, 2.5])),
    backoffRate: maybe(mostly([1, 1.5, 2], [0.5, Infinity, Number.NaN])),
    maxDelaySeconds: maybe(mostly([1, 60, 31_622_400], [0, 31_622_401])),
    jitter: maybe(mostly(["FULL", "NONE"], ["HALF"])),
  },
  { requiredKeys: ["errors"] },
);
/** A catch-all Retry (issue 22): bounded and acknowledged it is accepted; unbounded, over 3 attempts or unexplained, refused. */
const plausibleCatchAllRetry = fc.record(
  {
    errors: fc.constantFrom(["States.ALL"], ["States.TaskFailed"], ["States.TaskFailed", "Custom"]),
    maxAttempts: mostly([0, 2, 3], [undefined, 4, 1.5]),
    intervalSeconds: maybe(mostly([1, 5], [0])),
    acknowledgeCatchAll: mostly(["the partner API fails transiently with any error"], ["", "  ", 5]),
  },
  { requiredKeys: ["errors", "acknowledgeCatchAll"] },
);
const plausibleCatch = fc.record(
  { errors: mostly([["States.ALL"], ["Custom"]], [[], [7]]), next: sibling, resultPath: maybe(mostly(["$.error", "$"], ["$$.x", "$ x"])) },
  { requiredKeys: ["errors", "next"] },
);
const plausibleHandling = {
  retry: maybe(
    fc.array(fc.oneof({ weight: 3, arbitrary: plausibleRetry }, { weight: 1, arbitrary: plausibleCatchAllRetry }), { maxLength: 2 }),
  ),
  catch: maybe(fc.array(plausibleCatch, { maxLength: 1 })),
};
/** Comparison operators with values of the type AWS requires. */
const COMPARISONS: [string, unknown[]][] = [
  ["stringEquals", ["x", ""]],
  ["stringMatches", ["a*"]],
  ["numericGreaterThan", [0, 2.5, -3]],
  ["numericEqualsPath", ["$.b", "$$.Execution.Id"]],
  ["booleanEquals", [true, false]],
  ["timestampLessThan", ["2026-01-31T12:00:00Z", "2026-01-31T12:00:00.5+02:00"]],
  ["isPresent", [true, false]],
];

/** How a step leaves, mostly as a user writes it: by default to the following step, sometimes both ways at once. */
const plausibleFlow = {
  flow: fc.oneof(
    { weight: 16, arbitrary: fc.constant({}) },
    { weight: 3, arbitrary: sibling.map((next) => ({ next })) },
    { weight: 1, arbitrary: fc.constant({ end: true }) },
    { weight: 1, arbitrary: sibling.map((next) => ({ next, end: true })) },
  ),
};
const plausibleCondition: fc.Arbitrary<unknown> = fc.letrec<{ condition: unknown }>((tie) => ({
  condition: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    {
      weight: 4,
      arbitrary: fc
        .tuple(plausiblePath, fc.constantFrom(...COMPARISONS))
        .chain(([variable, [operator, values]]) =>
          mostly(values, ["x", 5, true, Infinity, "$ x", null]).map((value) => ({ variable, [operator]: value })),
        ),
    },
    { weight: 1, arbitrary: fc.array(tie("condition"), { minLength: 1, maxLength: 2 }).map((and) => ({ and })) },
    { weight: 1, arbitrary: fc.array(tie("condition"), { minLength: 1, maxLength: 2 }).map((or) => ({ or })) },
    { weight: 1, arbitrary: tie("condition").map((not) => ({ not })) },
  ),
})).condition;

/** Arguments of intrinsic calls: literals and paths AWS takes, and near misses it refuses. */
const INTRINSIC_ARGUMENTS = [
  "'text'",
  String.raw`'it\'s {} \{x\}'`,
  "''",
  "0",
  "-7",
  "true",
  "false",
  "null",
  ...VALID_PATHS,
  "$$.Map.Item.Value",
];
const BAD_INTRINSIC_ARGUMENTS = ["1.5", '"double"', "'open", String.raw`'a\\b'`, "x", "$.a b", "$.a[?(@.b)]", "", "States.UUID"];
/** Intrinsic calls (`States.Name(args)`): known and unknown names, right and wrong arities, nested calls. */
const intrinsicCall: fc.Arbitrary<string> = fc.letrec<{ call: string }>((tie) => ({
  call: fc
    .tuple(
      fc.constantFrom(...Object.keys(INTRINSIC_FUNCTIONS), "States.Nope", "States.format", "States.Uuid", "States."),
      fc.array(
        fc.oneof({ depthSize: "small" }, { weight: 3, arbitrary: mostly(INTRINSIC_ARGUMENTS, BAD_INTRINSIC_ARGUMENTS) }, tie("call")),
        { maxLength: 4 },
      ),
      fc.constantFrom(", ", ",", " , "),
    )
    .map(([name, args, separator]) => `${name}(${args.map(String).join(separator)})`),
})).call;

// ---- Issue 22's fields: payload templates, task settings, direct service calls, child workflows ----

/** Payload templates (`parameters`, `resultSelector`, a child's `input`, a callback's message): fixed values, paths, intrinsics. */
const plausibleTemplate = maybe(
  fc
    .oneof(
      {
        weight: 12,
        arbitrary: mostly(
          [
            { "id.$": "$.a", fixed: 1 },
            { "greeting.$": "States.Format('Hello {}, order {}', $.a, $.a.b[0])", nested: { "when.$": "$$.Execution.StartTime" } },
            { "raw.$": "States.StringToJson($.a)", "all.$": "States.Array($.a, 'x', 3)", "n.$": "States.MathAdd($.n, 1)" },
            { "uuid.$": "States.UUID()", list: [1, "two", { none: null }] },
          ],
          [{ "x.$": "States.Nope($.a)" }, { "x.$": "States.UUID(1)" }, { "x.$": "$.a b" }, { "x.$": 5 }, { "x.$": "a" }],
        ),
      },
      // Generated calls are mostly refused (see intrinsicCall's own property): rarely here, to keep lists accepted. AWS's
      // guide gives States.Array zero or more arguments; the language service wants one in a field's value (see below).
      { weight: 1, arbitrary: intrinsicCall.filter((call) => call !== "States.Array()").map((call) => ({ "value.$": call })) },
    )
    .map(withoutRefusedItems), // `mostly`'s anything() can nest a null in an array too
);
/**
 * `inputPath`/`outputPath` (every state kind but Fail), and `resultPath` where the kind has a result. Both are set
 * less often than other fields: every kind has them, and each bad path refuses the whole list.
 */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const plausibleStatePaths = { inputPath: rarely(plausiblePath), outputPath: rarely(plausiblePath) };
const plausibleResultPath = maybe(mostly([...VALID_PATHS, null], ["$$.Execution", ...INVALID_PATHS]));
/** A task's Lambda settings: valid ones, and the names, sources and counts Lambda or the component refuse. */
const plausibleTaskSettings = {
  environment: maybe(
    mostly(
      [{ API_URL: "https://api.example.com", LEVEL_2: "" }],
      [{ AWS_REGION: "eu-west-1" }, { EDW_X: "1" }, { a: "1" }, { API: 5 }, [], { X1: "x".repeat(4097) }],
    ),
  ),
  secrets: maybe(
    mostly(
      [
        { API_KEY: { parameter: "/claims/api-key" } },
        { DB: { secret: "claims/db", keyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd" }, $TOKEN: { parameter: "token" } },
      ],
      [
        { "1x": { parameter: "/p" } },
        { K: {} },
        { K: { parameter: "/p", secret: "s" } },
        { K: { parameter: "a b" } },
        { K: { secret: " " } },
        { K: { parameter: "/p", keyArn: "alias/mine" } },
      ],
    ),
  ),
  /** Spread into the task by {@link withConcurrency}: provisioned within reserved, or refused as Lambda would. */
  concurrency: maybe(
    mostly(
      [{ reservedConcurrency: 10 }, { provisionedConcurrency: 2 }, { reservedConcurrency: 10, provisionedConcurrency: 2 }],
      [
        { reservedConcurrency: 0 },
        { reservedConcurrency: 1.5 },
        { provisionedConcurrency: 0 },
        { reservedConcurrency: 1, provisionedConcurrency: 2 },
      ],
    ),
  ),
};
const withConcurrency = ({ concurrency, ...step }: Record<string, unknown>) => ({ ...step, ...(concurrency as object) });
/** Direct service calls: optimized and SDK integrations with the resources they act on, and the misspellings AWS refuses. */
const SERVICE_CALLS = [
  { service: "dynamodb", action: "putItem", iamResources: ["arn:aws:dynamodb:us-east-1:123456789012:table/media"] },
  { service: "dynamodb", action: "getItem", iamResources: ["arn:aws:dynamodb:us-east-1:123456789012:table/media"] },
  { service: "sqs", action: "sendMessage", iamResources: ["arn:aws:sqs:us-east-1:123456789012:jobs"] },
  { service: "sns", action: "publish", iamResources: ["arn:aws:sns:us-east-1:123456789012:news"] },
  { service: "eventbridge", action: "putEvents", iamResources: ["arn:aws:events:us-east-1:123456789012:event-bus/default"] },
  { service: "s3", action: "getObject", iamResources: ["arn:aws:s3:::media/*"] },
  {
    service: "sfn",
    action: "listExecutions",
    iamResources: ["arn:aws:states:us-east-1:123456789012:stateMachine:x"],
    iamActions: ["states:ListExecutions"],
  },
  {
    service: "s3",
    action: "listBuckets",
    iamResources: ["*"],
    iamActions: ["s3:ListAllMyBuckets"],
    acknowledgeWildcard: "ListBuckets has no resource-level permissions",
  },
];
const BAD_SERVICE_CALLS = [
  { service: "DynamoDB", action: "putItem", iamResources: ["arn:aws:dynamodb:us-east-1:123456789012:table/media"] },
  { service: "dynamodb", action: "PutItem", iamResources: ["arn:aws:dynamodb:us-east-1:123456789012:table/media"] },
  { service: "s3", action: "getObject", iamResources: ["*"] },
  { service: "s3", action: "getObject", iamResources: [] },
  { service: "sfn", action: "listExecutions", iamResources: ["arn:aws:states:us-east-1:123456789012:stateMachine:x"] },
  { service: "s3", action: "listBuckets", iamResources: ["*"], acknowledgeWildcard: "no resource-level permissions" },
  {
    service: "sfn",
    action: "listExecutions",
    iamResources: ["arn:aws:states:us-east-1:123456789012:stateMachine:x"],
    iamActions: ["states:ListExecution"],
  },
];
/** A callback through a queue or topic, as `waitForCallback({ queue | topic })` builds it: the token in the message. */
const CALLBACK_CALLS = [
  {
    service: "sqs",
    action: "sendMessage",
    iamResources: ["arn:aws:sqs:us-east-1:123456789012:approvals"],
    parameters: {
      QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
      MessageBody: { state: "S", "input.$": "$", "taskToken.$": "$$.Task.Token" },
    },
  },
  {
    service: "sns",
    action: "publish",
    iamResources: ["arn:aws:sns:us-east-1:123456789012:approvals"],
    parameters: { TopicArn: "arn:aws:sns:us-east-1:123456789012:approvals", Message: { "token.$": "$$.Task.Token" } },
  },
];
const BAD_CALLBACK_CALLS = [
  {
    ...CALLBACK_CALLS[0],
    parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/approvals", MessageBody: { "input.$": "$" } },
  },
  {
    service: "dynamodb",
    action: "putItem",
    iamResources: ["arn:aws:dynamodb:us-east-1:123456789012:table/media"],
    parameters: { "token.$": "$$.Task.Token" },
  },
];

function plausibleStep(list: fc.Arbitrary<unknown[]>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { depthSize: "small" },
    fc
      .record({
        kind: fc.constant("task"),
        ...plausibleFlow,
        ...plausibleHandling,
        handler: fc.constant(handler),
        timeoutSeconds: plausibleSeconds,
        ...plausibleStatePaths,
        resultPath: plausibleResultPath,
        parameters: plausibleTemplate,
        resultSelector: plausibleTemplate,
        callback: maybe(fc.record({ heartbeatSeconds: maybe(mostly([1, 60], [0, 1e12])) })),
        ...plausibleTaskSettings,
      })
      .map(withConcurrency),
    fc
      .record({
        kind: fc.constant("callAwsService"),
        ...plausibleFlow,
        ...plausibleHandling,
        call: mostly(SERVICE_CALLS, BAD_SERVICE_CALLS),
        parameters: plausibleTemplate,
        resultSelector: plausibleTemplate,
        timeoutSeconds: plausibleSeconds,
        ...plausibleStatePaths,
        resultPath: plausibleResultPath,
      })
      .map(({ call, ...step }) => ({ ...step, ...(call as object) })),
    fc
      .record({
        kind: fc.constant("callAwsService"),
        ...plausibleFlow,
        ...plausibleHandling,
        call: mostly(CALLBACK_CALLS, BAD_CALLBACK_CALLS),
        callback: fc.record({ heartbeatSeconds: rarely(mostly([1, 60], [0, 1e12])) }),
        timeoutSeconds: plausibleSeconds,
        resultSelector: plausibleTemplate,
        resultPath: plausibleResultPath,
      })
      .map(({ call, ...step }) => ({ ...step, ...(call as object) })),
    fc.record({
      kind: fc.constant("startWorkflow"),
      ...plausibleFlow,
      ...plausibleHandling,
      stateMachineArn: mostly(["arn:aws:states:us-east-1:123456789012:stateMachine:child"], ["arn:aws:sns:us-east-1:123456789012:t", ""]),
      mode: mostly(["sync", "async"], ["wait", "SYNC"]),
      input: plausibleTemplate,
      timeoutSeconds: plausibleSeconds,
      resultSelector: plausibleTemplate,
      ...plausibleStatePaths,
      resultPath: plausibleResultPath,
    }),
    fc.record({
      kind: fc.constant("choice"),
      choices: fc.array(fc.record({ condition: plausibleCondition, next: sibling }), { minLength: 1, maxLength: 2 }),
      otherwise: maybe(sibling),
      ...plausibleStatePaths,
    }),
    fc.record({
      kind: fc.constant("parallel"),
      ...plausibleFlow,
      ...plausibleHandling,
      branches: fc.array(list, { minLength: 1, maxLength: 2 }),
      parameters: plausibleTemplate,
      resultSelector: plausibleTemplate,
      ...plausibleStatePaths,
      resultPath: plausibleResultPath,
    }),
    fc.record({
      kind: fc.constant("map"),
      ...plausibleFlow,
      ...plausibleHandling,
      itemsPath: plausiblePath,
      steps: list,
      maxConcurrency: maybe(mostly([0, 5], [-1, 1.5])),
      toleratedFailurePercentage: maybe(mostly([0, 25, 100], [101, 2.5])),
      itemSelector: maybe(
        fc.oneof(
          mostly([{ "item.$": "$$.Map.Item.Value", fixed: 1 }], [{ "item.$": "$.a b" }, { "x.$": 5 }]).map(withoutRefusedItems),
          intrinsicCall.map((call) => ({ "value.$": call, nested: { "also.$": call } })),
        ),
      ),
      label: maybe(mostly(["scan-items", "x".repeat(40)], ["", "a b", "a:b", "x".repeat(41), 5])),
      resultSelector: plausibleTemplate,
      ...plausibleStatePaths,
      resultPath: plausibleResultPath,
    }),
    // A Distributed Map over S3 (itemReader in place of itemsPath, a batcher, a writer), valid or one field off.
    fc.record({
      kind: fc.constant("map"),
      ...plausibleFlow,
      ...plausibleHandling,
      steps: list,
      itemReader: mostly(
        [
          { format: "json", bucket: "in-bucket", key: "a.json" },
          { format: "csv", bucket: "in-bucket", keyPath: "$.key", csvHeaders: "firstRow", maxItems: 10 },
          { format: "csv", bucket: "in-bucket", key: "a.csv", csvHeaders: ["id", "n"] },
          { format: "jsonl", bucket: "in-bucket", key: "a.jsonl", maxItemsPath: "$.n" },
          { format: "listObjects", bucket: "in-bucket", prefix: "in/" },
        ],
        [
          { format: "csv", bucket: "in-bucket", key: "a.csv" },
          { format: "json", bucket: "In Bucket", key: "a.json" },
          { format: "json", bucket: "in-bucket" },
          { format: "json", bucket: "in-bucket", key: "a", maxItems: 0 },
          { format: "listObjects", bucket: "in-bucket", key: "a" },
          { format: "xml", bucket: "in-bucket", key: "a" },
        ],
      ),
      itemBatcher: maybe(
        mostly(
          [{ maxItemsPerBatch: 10 }, { maxInputBytesPerBatch: 1024, batchInput: { "k.$": "$.k" } }],
          [{}, { maxInputBytesPerBatch: 262_145 }],
        ),
      ),
      resultWriter: maybe(
        mostly(
          [{ bucket: "out-bucket", prefix: "runs" }, { bucket: "out-bucket" }],
          [{ bucket: "" }, { bucket: "out-bucket", prefix: "/x" }],
        ),
      ),
    }),
    fc.record({ kind: fc.constant("wait"), ...plausibleFlow, seconds: plausibleSeconds, ...plausibleStatePaths }),
    fc.record({ kind: fc.constant("wait"), ...plausibleFlow, timestampPath: plausiblePath, ...plausibleStatePaths }),
    fc.record({ kind: fc.constant("wait"), ...plausibleFlow, secondsPath: plausiblePath, ...plausibleStatePaths }),
    fc.record({
      kind: fc.constant("pass"),
      ...plausibleFlow,
      result: maybe(fc.jsonValue({ maxDepth: 2 })),
      resultPath: maybe(plausiblePath),
      ...plausibleStatePaths,
    }),
    fc.record({
      kind: fc.constant("pass"),
      ...plausibleFlow,
      parameters: plausibleTemplate,
      result: rarely(fc.constant("fixed")),
      resultPath: maybe(plausiblePath),
      ...plausibleStatePaths,
    }),
    fc.record({ kind: fc.constant("succeed"), ...plausibleStatePaths }),
    fc.record({ kind: fc.constant("fail"), error: mostly(["Failed"], [""]), cause: mostly(["because"], [""]) }),
    // A Fail reading its error (and maybe its cause) from the input; rarely with a fixed value beside a path (refused).
    fc.record({
      kind: fc.constant("fail"),
      errorPath: mostly(["$.error.Error", "$.a"], INVALID_PATHS),
      error: rarely(fc.constant("Failed")),
      cause: mostly(["because"], [undefined, ""]),
    }),
    fc.record({
      kind: fc.constant("fail"),
      error: mostly(["Failed"], [""]),
      causePath: mostly(["$.error.Cause", "$"], INVALID_PATHS),
      cause: rarely(fc.constant("because")),
    }),
    fc.record({
      kind: fc.constant("notify"),
      ...plausibleFlow,
      timeoutSeconds: maybe(plausibleSeconds),
      messagePath: maybe(plausiblePath),
      ...plausibleStatePaths,
    }),
    fc.record({ kind: fc.constant("sendToDeadLetterQueue"), ...plausibleFlow, ...plausibleStatePaths }),
    fc.record({
      kind: fc.constant("publishEvent"),
      ...plausibleFlow,
      source: mostly(["order.processor"], ["aws.x"]),
      detailType: fc.constant("Done"),
      detailPath: maybe(plausiblePath),
      ...plausibleStatePaths,
    }),
  );
}

/** Special names first (prototype keys, unicode), then plain ones: unique across the workflow, as AWS requires. */
const SPECIAL_NAMES = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "Ünïcode-名前"];

/**
 * Names every step of a generated tree uniquely and resolves each `{ sibling: k }` transition to a step of the
 * same list; the last step of a list without a transition ends it.
 */
function wire(list: unknown[], names: () => string): unknown[] {
  const named: Record<string, unknown>[] = (list as Record<string, unknown>[]).map(({ flow, ...step }) => ({
    ...step,
    ...(flow as object),
    name: names(),
  }));
  const resolve = (value: unknown) => {
    const k = (value as { sibling?: number } | undefined)?.sibling;
    return typeof k === "number" ? named[k % named.length].name : value;
  };
  return named.map((step, i) => {
    const out: Record<string, unknown> = { ...step, next: resolve(step.next), otherwise: resolve(step.otherwise) };
    if (Array.isArray(step.choices)) out.choices = step.choices.map((c: { next: unknown }) => ({ ...c, next: resolve(c.next) }));
    if (Array.isArray(step.catch)) out.catch = step.catch.map((c: { next: unknown }) => ({ ...c, next: resolve(c.next) }));
    if (Array.isArray(step.branches)) out.branches = step.branches.map((b: unknown[]) => wire(b, names));
    if (Array.isArray(step.steps)) out.steps = wire(step.steps, names);
    const terminal = ["choice", "succeed", "fail"].includes(String(step.kind));
    if (i === named.length - 1 && !terminal && out.next === undefined) out.end = true;
    return defined(out);
  });
}

const plausibleStepList: fc.Arbitrary<unknown[]> = fc
  .letrec<{ list: unknown[] }>((tie) => ({
    list: fc.array(plausibleStep(tie("list")), { minLength: 1, maxLength: 4 }),
  }))
  .list.map((list) => {
    let n = 0;
    const names = () => {
      n += 1;
      return SPECIAL_NAMES[n - 1] ?? `S${n}`;
    };
    return wire(list, names);
  });

/** A chain of Parallels `depth` levels deep around one pass step: AWS has no nesting limit, but recursion has one. */
function nestedParallels(depth: number, innermost: string): unknown[] {
  let list: unknown[] = [{ kind: "pass", name: innermost, end: true }];
  for (let level = depth; level > 0; level--) list = [{ kind: "parallel", name: `P${level}`, branches: [list], end: true }];
  return list;
}

const PLAUSIBLE_RUNS = 600;
/** Deep enough to cover every nested scope kind at depth; asl-validator's cost grows exponentially with depth. */
const VALIDATED_NESTING_DEPTH = 8;

describe("validation equal to AWS's (asl-validator and amazon-states-language-service)", function () {
  this.timeout(60_000);

  let restoreAjv: () => void;
  before(async () => {
    restoreAjv = shareAslValidatorAjv();
    // The language service compiles its schema on first use: pay that once, outside the properties.
    await languageServiceProblems('{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}');
    // The shared Ajv still judges: it accepts a good definition and refuses a bad path, before and after use.
    assert.deepEqual(aslValidatorProblems('{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}'), []);
    assert.notDeepEqual(aslValidatorProblems('{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a b","End":true}}}'), []);
  });
  after(() => {
    assert.notDeepEqual(aslValidatorProblems('{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a b","End":true}}}'), []);
    restoreAjv();
  });

  it("refuses with a named culprit, or compiles to a definition both validators accept (typed and untyped step lists)", async () => {
    await fc.assert(fc.asyncProperty(stepList, judge), { numRuns: 400 });
  });

  it("refuses with a named culprit, or compiles to a definition both validators accept (plausible step lists)", async () => {
    let accepted = 0;
    const judgeCounting = async (steps: unknown) => {
      await judge(steps);
      if (verdictOf(steps).accepted) accepted += 1;
    };
    await fc.assert(fc.asyncProperty(plausibleStepList, judgeCounting), { numRuns: PLAUSIBLE_RUNS });
    // A property over lists that are all refused would prove nothing about the accepted ones. About 26% are accepted
    // (138 to 180 of 600 in 20 runs); the floor sits six standard deviations below that, so a rare draw never trips it.
    assert.ok(accepted >= PLAUSIBLE_RUNS * 0.15, `only ${accepted} of ${PLAUSIBLE_RUNS} lists were accepted`);
  });

  it("reaches every issue-22 field in accepted plausible lists (a fixed sample: the generators' coverage, not luck)", () => {
    const reached = new Set<string>();
    const FEATURES: [string, RegExp][] = [
      ["optimized DynamoDB call", /"Resource":"arn:aws:states:::dynamodb:(putItem|getItem)"/],
      ["AWS SDK call", /"Resource":"arn:aws:states:::aws-sdk:s3:getObject"/],
      ["SQS or SNS callback", /"Resource":"arn:aws:states:::(sqs:sendMessage|sns:publish)\.waitForTaskToken"/],
      ["sync child workflow", /"Resource":"arn:aws:states:::states:startExecution\.sync:2"/],
      ["async child workflow", /"Resource":"arn:aws:states:::states:startExecution"/],
      ["States.Format", /"greeting\.\$":"States\.Format\(/],
      ["ResultSelector", /"ResultSelector":/],
      ["InputPath", /"InputPath":/],
      ["OutputPath", /"OutputPath":/],
      ["Wait SecondsPath", /"SecondsPath":/],
      ["Fail ErrorPath", /"ErrorPath":/],
      ["Fail CausePath", /"CausePath":/],
      ["Map Label", /"Label":/],
      ["acknowledged catch-all Retry", /"Retry":\[[^\]]*"ErrorEquals":\["States\.(ALL|TaskFailed)"/],
    ];
    const SETTINGS: [string, RegExp][] = [
      ["task environment", /"environment":\{"API_URL"/],
      ["task secrets", /"secrets":\{"(API_KEY|DB)"/],
      ["provisioned concurrency", /"provisionedConcurrency":2/],
    ];
    // Compiling only (no validators: the property above judges): a larger sample is cheap.
    for (const steps of fc.sample(plausibleStepList, { numRuns: 1_500, seed: 22 })) {
      const verdict = verdictOf(steps);
      if (!verdict.accepted) continue;
      for (const [feature, pattern] of FEATURES) if (pattern.test(verdict.json)) reached.add(feature);
      for (const [feature, pattern] of SETTINGS) if (pattern.test(JSON.stringify(steps))) reached.add(feature);
    }
    assert.deepEqual(
      [...FEATURES, ...SETTINGS].map(([feature]) => feature).filter((feature) => !reached.has(feature)),
      [],
    );
  });

  it("derives an execution role allowing each direct call and child start of an accepted list, on exactly what it names (offline IAM simulation, a fixed sample)", async () => {
    // What each generated integration needs, as AWS's Step Functions IAM pages give it: kept here, apart from the code under test.
    const DOCUMENTED: Record<string, string> = {
      "dynamodb:putItem": "dynamodb:PutItem",
      "dynamodb:getItem": "dynamodb:GetItem",
      "sqs:sendMessage": "sqs:SendMessage",
      "sns:publish": "sns:Publish",
      "events:putEvents": "events:PutEvents",
      "aws-sdk:s3:getObject": "s3:GetObject",
      "aws-sdk:s3:listBuckets": "s3:ListAllMyBuckets",
      "aws-sdk:sfn:listExecutions": "states:ListExecutions",
    };
    const scope = { partition: "aws", region: "us-east-1", accountId: "123456789012" };
    // An ARN pattern's first match (`media/*` → `media/key`); "*" (an acknowledged wildcard) stays.
    const concrete = (arn: string) => (arn === "*" ? arn : arn.replace(/\*$/, "key"));
    /** Every state of a definition by name, nested ones (Parallel branches, Map processors) included. */
    const statesOf = (json: string): Record<string, { Resource?: string }> => {
      const found: Record<string, { Resource?: string }> = Object.create(null); // a state may be named __proto__
      JSON.parse(json, (key, value) => {
        if (key === "States" && typeof value === "object") for (const [name, state] of Object.entries(value)) found[name] = state as never;
        return value;
      });
      return found;
    };
    let checked = 0;
    for (const list of fc.sample(plausibleStepList, { numRuns: 400, seed: 23 })) {
      const verdict = verdictOf(list);
      if (!verdict.accepted) continue;
      const steps = allSteps(list as Step[]);
      const needs = integrationNeeds(steps);
      const policy = executionRolePolicy({
        functionArns: [],
        eventBusArns: [],
        serviceCalls: needs.serviceCalls.map(({ step, actions, resources }) => ({ step, actions, resources: resources as string[] })),
        childWorkflows: needs.childWorkflows as { step: string; stateMachineArn: string; sync: boolean }[],
        syncRuleArn: stepFunctionsSyncRuleArn(scope),
      });
      for (const step of steps) {
        if (step.kind === "callAwsService") {
          // The Task Resource the definition names, less its prefix and any `.waitForTaskToken`.
          const integration: string = /^arn:aws:states:::([^.]+)/.exec(String(statesOf(verdict.json)[step.name]?.Resource))?.[1] ?? "";
          const action: string | undefined = DOCUMENTED[integration];
          assert.ok(action, `no documented action for ${step.service}:${step.action}`);
          for (const resource of step.iamResources as string[]) {
            assert.equal(await decide(policy, action, concrete(resource)), "Allowed", `${step.name}: ${action} on ${resource}`);
            // A neighbour of an exact ARN (a pattern or a wildcard has none).
            if (!resource.endsWith("*"))
              assert.equal(
                await decide(policy, action, `${resource}-neighbour`),
                "ImplicitlyDenied",
                `${step.name}: ${action} on a neighbour`,
              );
            checked += 1;
          }
        }
        if (step.kind === "startWorkflow") {
          const arn = step.stateMachineArn as string;
          assert.equal(await decide(policy, "states:StartExecution", arn), "Allowed", step.name);
          const execution = concrete(childExecutionsArn(arn));
          // Another step of the list may wait for the same child: then its executions are watched for that one.
          const waitedFor = steps.some((other) => other.kind === "startWorkflow" && other.mode === "sync" && other.stateMachineArn === arn);
          const watched = waitedFor ? "Allowed" : "ImplicitlyDenied";
          for (const action of ["states:DescribeExecution", "states:StopExecution"])
            assert.equal(await decide(policy, action, execution), watched, `${step.name} (${step.mode}): ${action}`);
          if (step.mode === "sync") assert.equal(await decide(policy, "events:PutRule", stepFunctionsSyncRuleArn(scope)), "Allowed");
          assert.equal(await decide(policy, "states:StartExecution", `${arn}-neighbour`), "ImplicitlyDenied");
          checked += 1;
        }
      }
    }
    assert.ok(checked >= 20, `only ${checked} grants checked`);
  });

  it("accepts null and empty-string items in a template array, as AWS's language service does (asl-validator 4.0's schema refuses them)", async () => {
    for (const list of [
      [1, null],
      ["a", ""],
    ]) {
      const verdict = verdictOf([{ kind: "pass", name: "Shape", parameters: { list, "id.$": "$.a" }, end: true }]);
      assert.ok(verdict.accepted);
      assert.deepEqual(await languageServiceProblems(verdict.json), []);
      assert.notDeepEqual(aslValidatorProblems(verdict.json), [], "asl-validator now accepts them: drop withoutRefusedItems");
    }
  });

  it("accepts States.Array() as a field's value, as AWS's guide does (zero or more arguments; the language service wants one)", async () => {
    const verdict = verdictOf([{ kind: "pass", name: "Shape", parameters: { "none.$": "States.Array()" }, end: true }]);
    assert.ok(verdict.accepted);
    assert.deepEqual(aslValidatorProblems(verdict.json), []);
    assert.match(
      (await languageServiceProblems(verdict.json)).join("\n"),
      /must be a valid JSONPath or intrinsic function expression/,
      "the language service now accepts it: drop the filter in plausibleTemplate",
    );
  });

  it("refuses an intrinsic call in itemSelector that AWS refuses (unknown name, wrong arity, bad argument), accepts the rest", async () => {
    let accepted = 0;
    const judgeIntrinsic = async (call: string) => {
      const steps = [
        {
          kind: "map",
          name: "Each",
          itemsPath: "$.items",
          itemSelector: { "v.$": call },
          steps: [{ kind: "succeed", name: "Done" }],
          end: true,
        },
      ];
      await judge(steps);
      if (verdictOf(steps).accepted) accepted += 1;
    };
    await fc.assert(fc.asyncProperty(intrinsicCall, judgeIntrinsic), { numRuns: 400 });
    // About 12% of the calls are accepted (40 to 59 of 400 in 20 runs): a floor five standard deviations below that.
    assert.ok(accepted >= 16, `only ${accepted} of 400 calls were accepted`);
  });

  it("refuses plain-JavaScript junk in place of the step list with a WorkflowDefinitionError", async () => {
    await fc.assert(fc.asyncProperty(fc.anything(), judge), { numRuns: 200 });
  });

  it("judges nested Parallels with both validators (asl-validator's time doubles per level: 11 s at 20 here)", async () => {
    for (let depth = 1; depth <= VALIDATED_NESTING_DEPTH; depth++) await judge(nestedParallels(depth, depth % 2 ? "Leaf" : "__proto__"));
  });

  it("accepts nesting up to MAX_NESTING_DEPTH and refuses it past, never with a RangeError", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), (depth) => {
        assert.equal(verdictOf(nestedParallels(depth, "Leaf")).accepted, depth <= MAX_NESTING_DEPTH);
      }),
      { numRuns: 50 },
    );
  });
});

describe("the issue-11 cases, one by one", () => {
  const arns = (steps: Step[]) => resourcesFor(steps);
  const refusal = (steps: unknown) => {
    const verdict = verdictOf(steps);
    assert.equal(verdict.accepted, false, "expected a WorkflowDefinitionError");
    return (verdict as { error: WorkflowDefinitionError }).error;
  };
  const task = (name: string, extra: Record<string, unknown> = {}) => ({ kind: "task", name, handler, timeoutSeconds: 10, ...extra });

  it("keeps a task named __proto__ as a real state with its Lambda ARN, through JSON and back", async () => {
    const steps = [task("__proto__", { next: "constructor" }), { kind: "succeed", name: "constructor" }] as Step[];
    const definition = compileValidatedSteps(steps, arns(steps));
    assert.ok(Object.hasOwn(definition.States, "__proto__"));
    const json = JSON.stringify(definition);
    assert.match(json, /"__proto__":\{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:wf-__proto__"/);
    const parsed = JSON.parse(json);
    assert.ok(Object.hasOwn(parsed.States, "__proto__"));
    assert.equal(Object.getOwnPropertyDescriptor(parsed.States, "__proto__")?.value.Next, "constructor");
    assert.equal(JSON.stringify(parsed), json);
    await judge(steps);
  });

  it("runs __proto__ and constructor states in-process (aws-local-stepfunctions, as the local runner does)", async () => {
    const steps = [
      task("__proto__", { handler: async (input: object) => ({ ...input, charged: true }), next: "constructor" }),
      { kind: "pass", name: "constructor", result: "done", resultPath: "$.status", end: true },
    ] as Step[];
    const definition = compileValidatedSteps(steps, localResources("wf", steps), { timeoutSeconds: 60 });
    const result = await new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("wf", steps) }).run({ orderId: "o-1" });
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.path, ["__proto__", "constructor"]);
    assert.deepEqual(result.output, { orderId: "o-1", charged: true, status: "done" });
    assert.equal(formatPath(result), "__proto__ → constructor", "no retries read through Object.prototype");
  });

  it("counts the retries of a state named __proto__ as its own (the runner's report and cost read them)", async () => {
    let calls = 0;
    const steps = [
      task("__proto__", {
        handler: async (input: object) => {
          if (calls++ === 0) throw Object.assign(new Error("not yet"), { name: "Flaky" });
          return input;
        },
        retry: [{ errors: ["Flaky"], intervalSeconds: 1, maxAttempts: 2 }],
        end: true,
      }),
    ] as Step[];
    const definition = compileValidatedSteps(steps, localResources("wf", steps), { timeoutSeconds: 60 });
    const result = await new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("wf", steps) }).run({ orderId: "o-1" });
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.equal(Object.getOwnPropertyDescriptor(result.retries, "__proto__")?.value, 1);
    assert.equal(JSON.stringify(result.retries), '{"__proto__":1}');
    assert.equal(formatPath(result), "__proto__ (retried 1×)");
  });

  it("refuses a task whose ARN was resolved only through Object.prototype", () => {
    const steps = [task("constructor", { end: true })] as Step[];
    assert.throws(
      () => compileValidatedSteps(steps, { ...arns([]), functionArns: {} }),
      /no function ARN was resolved for task "constructor"/,
    );
  });

  const cases: [string, unknown, string, RegExp][] = [
    ["a loop without an end", [{ kind: "notify", name: "S0", next: "S0" }], "S0", /never reaches an end/],
    ["a path with a space", [task("A", { resultPath: "$.a b", end: true })], "A", /JSONPath/],
    ["a Context Object result path", [task("A", { resultPath: "$$.Execution.Id", end: true })], "A", /cannot start with "\$\$"/],
    [
      "a numeric comparison with a string",
      [
        { kind: "choice", name: "C", choices: [{ condition: { variable: "$.x", numericEquals: "5" }, next: "S" }] },
        { kind: "succeed", name: "S" },
      ],
      "C",
      /finite number/,
    ],
    ["a timeout of 1e12", [task("A", { timeoutSeconds: 1e12, end: true })], "A", /99999999/],
    ["backoffRate: Infinity", [task("A", { retry: [{ errors: ["X"], backoffRate: Infinity }], end: true })], "A", /finite number/],
    ["maxDelaySeconds past 366 days", [task("A", { retry: [{ errors: ["X"], maxDelaySeconds: 31_622_401 }], end: true })], "A", /31622400/],
    ["a wait of 1e12 seconds", [{ kind: "wait", name: "W", seconds: 1e12, end: true }], "W", /99999999/],
    ['next: ""', [task("A", { next: "" }), { kind: "succeed", name: "B" }], "A", /`next` is ""/],
    [
      "an error name that is not a string",
      [task("A", { catch: [{ errors: [5], next: "B" }], end: true }), { kind: "succeed", name: "B" }],
      "A",
      /non-empty string/,
    ],
    ["a pass result that is not JSON", [{ kind: "pass", name: "P", result: { n: 10n }, end: true }], "P", /plain JSON/],
  ];
  for (const [what, steps, culprit, message] of cases) {
    it(`refuses ${what}, naming "${culprit}"`, () => {
      const error = refusal(steps);
      assert.ok(
        error.problems.some((p) => p.step === culprit && message.test(p.message)),
        error.message,
      );
    });
  }

  it("refuses a definition over AWS's 1 MB quota, naming the largest state", () => {
    const steps = [
      { kind: "pass", name: "Big", result: { blob: "x".repeat(1_100_000) }, next: "Done" },
      { kind: "succeed", name: "Done" },
    ];
    const error = refusal(steps);
    assert.equal(error.problems[0].step, "Big");
    assert.match(error.message, /1048576/);
  });

  it("refuses nesting past the limit instead of overflowing the stack", () => {
    const error = refusal(nestedParallels(10_000, "Leaf"));
    assert.match(error.message, /levels deep/);
  });
});
