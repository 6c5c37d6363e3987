/**
 * validateSteps: every rule a step list must keep before anything is compiled or deployed. It collects every
 * problem of the list and throws once, so a user fixes them all in one pass.
 */
import { intrinsicProblem, looksLikeIntrinsic } from "./intrinsics";
import type { MapStep, Step, TaskStep } from "../steps/types";
import { isTerminalOrBranching } from "./walk";

/** One problem of a step list: the culprit step (or `(workflow)`) and what to do about it. */
export interface DefinitionProblem {
  step: string;
  message: string;
}

/**
 * Thrown by {@link validateSteps} and the component when a workflow definition would be rejected by AWS, or
 * would deploy but misbehave. `problems` lists each culprit with its fix.
 */
export class WorkflowDefinitionError extends Error {
  constructor(public readonly problems: DefinitionProblem[]) {
    super(
      `Invalid workflow definition (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - step "${p.step}": ${p.message}`).join("\n"),
    );
    this.name = "WorkflowDefinitionError";
  }
}

/** AWS state names: at most 80 characters, none of whitespace, brackets, wildcards or these punctuation marks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: AWS refuses control characters in state names; matching them is the point.
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
/** Task names also name a Lambda function and its log group, which accept fewer characters. */
const TASK_NAME = /^[A-Za-z0-9_-]+$/;
const MAX_STATE_NAME_LENGTH = 80;
/** Lambda's own ceiling; a task's Lambda gets a shorter timeout than the task. */
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
/** Errors that never heal by retrying: a bad input stays bad, a missing permission stays missing. */
export const NEVER_TRANSIENT_ERRORS = [
  "ValidationError",
  "States.Permissions",
  "States.Runtime",
  "States.ResultPathMatchFailure",
  "States.ParameterPathFailure",
  "States.QueryEvaluationError",
  "States.IntrinsicFailure",
  "States.NoChoiceMatched",
];
/** The catch-all error names: they match every failure, transient or not. */
export const CATCH_ALL_ERRORS = ["States.ALL", "States.TaskFailed"];
/**
 * Error names a Retry may not name: the never-transient ones, and the catch-alls that also match them
 * (`States.TaskFailed` matches every handler error, `ValidationError` included). Retrying them is the article's
 * third mistake. The policy pack's `sfn-retry-transient-only` starts from the same list.
 */
export const NEVER_RETRY_ERRORS = [...CATCH_ALL_ERRORS, ...NEVER_TRANSIENT_ERRORS];

const COMPARISON_OPERATORS = new Set([
  "stringEquals",
  "stringEqualsPath",
  "stringLessThan",
  "stringLessThanPath",
  "stringGreaterThan",
  "stringGreaterThanPath",
  "stringLessThanEquals",
  "stringLessThanEqualsPath",
  "stringGreaterThanEquals",
  "stringGreaterThanEqualsPath",
  "stringMatches",
  "numericEquals",
  "numericEqualsPath",
  "numericLessThan",
  "numericLessThanPath",
  "numericGreaterThan",
  "numericGreaterThanPath",
  "numericLessThanEquals",
  "numericLessThanEqualsPath",
  "numericGreaterThanEquals",
  "numericGreaterThanEqualsPath",
  "booleanEquals",
  "booleanEqualsPath",
  "timestampEquals",
  "timestampEqualsPath",
  "timestampLessThan",
  "timestampLessThanPath",
  "timestampGreaterThan",
  "timestampGreaterThanPath",
  "timestampLessThanEquals",
  "timestampLessThanEqualsPath",
  "timestampGreaterThanEquals",
  "timestampGreaterThanEqualsPath",
  "isNull",
  "isPresent",
  "isNumeric",
  "isString",
  "isBoolean",
  "isTimestamp",
]);

const isPositiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;
/** A whole number from `min` to `max`. */
const isWholeNumber = (value: unknown, min: number, max: number): value is number =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/** Step Functions' ceiling on TimeoutSeconds, HeartbeatSeconds, Wait Seconds, Retry IntervalSeconds and MaxAttempts. */
export const MAX_ASL_SECONDS = 99_999_999;
/** Step Functions' ceiling on a Retrier's MaxDelaySeconds (366 days). */
export const MAX_RETRY_DELAY_SECONDS = 31_622_400;

/**
 * One segment of a JSONPath in dot notation: what AWS's path grammar (asl-path-validator) takes as a name, minus the
 * characters that mean something else there (wildcards, filters, slices, variables).
 */
const PATH_NAME = String.raw`[^\s.\[\]()'",\\<>!=*@$?:]+`;
const PATH_SEGMENTS = String.raw`(?:\.${PATH_NAME}|\[\d+\]|\['[^'\\]*'\])*`;
/** A reference path: `$` then names and indices, e.g. `$.detail['order-id'].items[0]`; no wildcards or filters. */
const REFERENCE_PATH = new RegExp(`^\\$${PATH_SEGMENTS}$`);
/** A reference path into the state input or, with `$$`, the Context Object (`$$.Execution.Id`). */
const INPUT_OR_CONTEXT_PATH = new RegExp(`^\\$\\$?${PATH_SEGMENTS}$`);
const isPath = (value: unknown): boolean => typeof value === "string" && INPUT_OR_CONTEXT_PATH.test(value);
/** ResultPath (of a state or a catch) writes into the state input: the Context Object is read-only. */
const isResultPath = (value: unknown): boolean => typeof value === "string" && REFERENCE_PATH.test(value);
const PATH_HINT =
  'a JSONPath must start with "$" and continue with `.name`, `[index]` or `[\'name with spaces\']` parts (e.g. "$.detail.items[0]"), without spaces, wildcards or filters';
/** IAM action names: `service:Action`, where the action part may hold `*` wildcards (`s3:Get*`). */
const ACTION_NAME = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;
/** Services whose ARNs name the resource directly (a bucket, a queue, a topic, an API), without a resource type. */
const UNTYPED_ARN_SERVICES = new Set(["s3", "sqs", "sns", "execute-api", "apigateway"]);
/** Guards the recursion of every walk over nested step lists; real workflows nest a few levels deep. */
export const MAX_NESTING_DEPTH = 24;
/** Guards against a condition that contains itself; real conditions are a few levels deep. */
const MAX_CONDITION_DEPTH = 32;

type Report = (step: string, message: string) => void;
type Transition = { field: string; target: unknown; implicit?: boolean };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Whether a value is not plain data yet: a Pulumi Output (duck-typed by its `apply`, so this module needs no Pulumi
 * engine) or a Promise/thenable. Checks skip such values instead of refusing them; Pulumi resolves them at deploy time.
 *
 * @example
 * isDeferredValue(pulumi.output("x")) // true
 * isDeferredValue(["x"]) // false
 */
export function isDeferredValue(value: unknown): boolean {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const candidate = value as { apply?: unknown; then?: unknown; __pulumiOutput?: unknown };
  // A function has its own `apply` (Function.prototype.apply): only objects count as Outputs.
  return (
    (typeof value === "object" && (typeof candidate.apply === "function" || candidate.__pulumiOutput === true)) ||
    typeof candidate.then === "function"
  );
}

/**
 * A short, never-throwing rendering of any value for an error message: JSON for plain data, a description for
 * what JSON cannot show (BigInt, Symbol, functions, cycles, Outputs).
 *
 * @example
 * describeValue("x") // '"x"'
 * describeValue(42) // "42"
 * describeValue(undefined) // "undefined"
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "number":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return value.toString();
    case "function":
      return "a function";
    case "string":
      return truncate(JSON.stringify(value));
  }
  if (value === null || typeof value === "boolean") return String(value);
  if (isDeferredValue(value)) return "a Pulumi Output or Promise";
  try {
    return truncate(JSON.stringify(value) ?? (Array.isArray(value) ? "an array" : "an object"));
  } catch {
    return Array.isArray(value) ? "an array (not JSON-serializable)" : "an object (not JSON-serializable)";
  }
}

function truncate(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The name of `names` that `candidate` most likely misspells: the same letters in another case or punctuation
 * (`detailType` for `detail-type`), else the nearest by edit distance (typos, a dropped or swapped letter) when close
 * enough to be a plausible typo. Used for "did you mean" hints.
 *
 * @returns the suggestion, or undefined when no name is close (or `candidate` is itself one of `names`).
 * @example
 * closestName("ChargeCrd", ["ValidateOrder", "ChargeCard"]) // "ChargeCard"
 * closestName("Nowhere", ["A", "B"]) // undefined
 */
export function closestName(candidate: string, names: Iterable<string>): string | undefined {
  if (typeof candidate !== "string" || candidate.length === 0 || candidate.length > 200) return undefined;
  const normalise = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const wanted = normalise(candidate);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    if (typeof name !== "string" || name === candidate) {
      if (name === candidate) return undefined;
      continue;
    }
    if (wanted !== "" && normalise(name) === wanted) return name;
    // Short names give no signal ("A" is one edit from "B"); longer ones tolerate one edit per four characters.
    const limit = Math.floor(Math.max(candidate.length, name.length) / 4);
    if (limit === 0 || Math.abs(name.length - candidate.length) > limit) continue;
    const distance = editDistance(candidate.toLowerCase(), name.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of adjacent letters cost one. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * Whether an IAM action grants every action of a service (`s3:*`). The bare `"*"` and `"*:*"` (every action of every
 * service) are refused outright by {@link validateSteps}, not by this check.
 *
 * @example
 * isServiceWideAction("s3:*") // true
 * isServiceWideAction("s3:Get*") // false
 */
export function isServiceWideAction(action: string): boolean {
  return /^[a-z0-9-]+:\*+$/i.test(action);
}

/**
 * Whether a resource ARN covers every resource of its service (or more): its resource part, after the resource type
 * where the service has one, begins with a segment that is only `*`. Object- or path-level wildcards stay narrow.
 *
 * @example
 * isServiceWideResource("arn:aws:s3:::*") // true: every bucket
 * isServiceWideResource("arn:aws:dynamodb:*:*:table/*") // true: every table
 * isServiceWideResource("arn:*") // true
 * isServiceWideResource("arn:aws:s3:::my-bucket/*") // false: the objects of one bucket
 * isServiceWideResource("arn:aws:logs:us-east-1:123:log-group:/aws/x:*") // false: the streams of one log group
 */
export function isServiceWideResource(arn: string): boolean {
  const parts = arn.split(":");
  if (parts[0] !== "arn") return false;
  const onlyWildcards = (s: string | undefined) => s !== undefined && /^\*+$/.test(s);
  // `arn:*`, `arn:aws:*`, `arn:aws:s3:*`: a wildcard that ends the ARN early swallows the rest of it.
  if (parts.length < 6) return onlyWildcards(parts[parts.length - 1]);
  const service = parts[2];
  if (onlyWildcards(service)) return true;
  const resource = parts.slice(5).join(":");
  const name = UNTYPED_ARN_SERVICES.has(service) ? resource : resource.replace(/^[A-Za-z][A-Za-z0-9-]*[:/]/, "");
  return onlyWildcards(name.split(/[/:]/)[0]);
}

/**
 * Checks a step list against every rule AWS enforces at deploy time and the ones this library adds (timeouts on
 * every task, retries only on transient errors, no unreachable or dangling steps). Plain-JavaScript callers get the
 * same errors for values of the wrong type, never a TypeError.
 *
 * @throws {@link WorkflowDefinitionError} listing each problem with the step's name and the fix.
 * @example
 * validateSteps([task("Charge", { handler, timeoutSeconds: 30, next: "Missing" })]);
 * // WorkflowDefinitionError: step "Charge": `next` points to "Missing", which is not a step of this list ...
 */
export function validateSteps(steps: readonly Step[]): void {
  const problems: DefinitionProblem[] = [];
  if (!Array.isArray(steps)) {
    problems.push({
      step: "(workflow)",
      message: `the step list is ${describeValue(steps)}, not a list: pass an array of steps, e.g. \`steps: [task(...), succeed(...)]\`.`,
    });
    throw new WorkflowDefinitionError(problems);
  }
  if (steps.length === 0) {
    problems.push({ step: "(workflow)", message: "the step list is empty: declare at least one step, e.g. task(...) or pass(...)." });
    throw new WorkflowDefinitionError(problems);
  }
  checkScope(steps, "(workflow)", "(workflow)", new Set(), new WeakSet(), problems, 0);
  if (problems.length > 0) throw new WorkflowDefinitionError(problems);
}

/** A value shaped enough like a step to be checked field by field. */
function isStepLike(step: unknown): step is Step {
  return isObject(step) && typeof step.kind === "string";
}

/** How problems name a step: its name, or its position when it has no usable one (never ""). */
function labelOf(step: unknown, scopePath: string, index: number): string {
  const name = isObject(step) ? step.name : undefined;
  return typeof name === "string" && name.length > 0 ? name : `${scopePath}[${index}]`;
}

function checkScope(
  steps: readonly Step[],
  scopeName: string,
  scopePath: string,
  seen: Set<string>,
  visiting: WeakSet<object>,
  problems: DefinitionProblem[],
  depth: number,
): void {
  const report: Report = (step, message) => problems.push({ step, message });
  const labels = steps.map((s, i) => labelOf(s, scopePath, i));
  const namesInScope = new Set(
    steps
      .filter(isStepLike)
      .map((s) => s.name)
      .filter((n): n is string => typeof n === "string" && n.length > 0),
  );

  steps.forEach((step, index) => {
    const label = labels[index];
    if (!isStepLike(step)) {
      report(
        `${scopePath}[${index}]`,
        "is not a step: build steps with task(), parallel(), choice(), map(), wait(), pass(), succeed(), fail(), notify(), sendToDeadLetterQueue() or publishEvent().",
      );
      return;
    }
    if (visiting.has(step)) {
      report(label, "contains itself (a branch or item list holds the very step that owns it): build each nested list from new steps.");
      return;
    }
    checkName(step, label, seen, report);
    checkStep(step, label, report);
    const following = steps[index + 1];
    const flow = step as { next?: unknown; end?: unknown };
    if (flow.next !== undefined && flow.end) report(label, "sets both `next` and `end`: keep one.");
    for (const { field, target, implicit } of transitions(step, following)) {
      if (implicit) continue; // the following step of the same list: in scope by construction
      if (typeof target !== "string" || target.length === 0) {
        report(
          label,
          `\`${field}\` is ${describeValue(target)}: name a step of the same list, e.g. \`${field.replace(/^.*\./, "")}: "${[...namesInScope][0] ?? "NextStep"}"\`.`,
        );
      } else if (!namesInScope.has(target)) {
        const guess = closestName(target, namesInScope);
        report(
          label,
          `transitions to "${target}", which is not a step of ${scopeName === "(workflow)" ? "the workflow's top-level list" : `the list of ${scopeName}`}: name a step of the same list (a branch cannot jump out of its Parallel or Map).${guess ? ` Did you mean "${guess}"?` : ""}`,
        );
      }
    }
    if (!following && !isTerminalOrBranching(step) && !flow.end && flow.next === undefined) {
      report(
        label,
        'is the last step of its list and has neither `next` nor `end`: the flow would fall off the end. Add `end: true` or `next: "<step>"`.',
      );
    }
    const nested = nestedLists(step, label);
    if (nested.length > 0 && depth >= MAX_NESTING_DEPTH) {
      report(
        label,
        `nests Parallel branches or Map steps more than ${MAX_NESTING_DEPTH} levels deep: flatten the workflow, or start a child workflow.`,
      );
      return;
    }
    visiting.add(step);
    for (const { steps: scope, path } of nested) checkScope(scope, label, path, seen, visiting, problems, depth + 1);
    visiting.delete(step);
  });

  reportUnreachable(steps, report);
  reportEndless(steps, report);
}

/** The nested step lists of a step that are lists (the malformed ones are reported by checkStep), with their paths. */
function nestedLists(step: Step, label: string): { steps: Step[]; path: string }[] {
  if (step.kind === "parallel" && Array.isArray(step.branches)) {
    return step.branches.flatMap((branch, i) => (Array.isArray(branch) ? [{ steps: branch, path: `${label}.branches[${i}]` }] : []));
  }
  if (step.kind === "map" && Array.isArray(step.steps)) return [{ steps: step.steps, path: `${label}.steps` }];
  return [];
}

/**
 * Where a step can go, with the field that says so: `next` (explicit, or implied by the following step), choice
 * targets and catch targets. Like walk.ts's transitionsOf, but tolerant of malformed steps.
 */
function transitions(step: Step, following: unknown): Transition[] {
  const s = step as unknown as Record<string, unknown>;
  switch (step.kind) {
    case "succeed":
    case "fail":
      return [];
    case "choice": {
      const choices = Array.isArray(s.choices) ? s.choices : [];
      const out: Transition[] = choices.flatMap((c, i) => (isObject(c) ? [{ field: `choices[${i}].next`, target: c.next }] : []));
      if (s.otherwise !== undefined) out.push({ field: "otherwise", target: s.otherwise });
      return out;
    }
    default: {
      const out: Transition[] = [];
      if (!s.end) {
        if (s.next !== undefined) out.push({ field: "next", target: s.next });
        else if (isObject(following)) out.push({ field: "next", target: following.name, implicit: true });
      }
      if (Array.isArray(s.catch))
        s.catch.forEach((c, i) => {
          if (isObject(c)) out.push({ field: `catch[${i}].next`, target: c.next });
        });
      return out;
    }
  }
}

function checkName(step: Step, label: string, seen: Set<string>, report: Report): void {
  const name: unknown = step.name;
  if (typeof name !== "string" || name.length === 0) {
    const what = name === undefined || name === "" ? "has no name" : `has the name ${describeValue(name)}, which is not a string`;
    report(label, `a ${step.kind} step ${what}: give it a unique, non-empty name.`);
    return;
  }
  if (seen.has(name)) report(name, "is declared more than once: step names must be unique across the whole workflow, branches included.");
  seen.add(name);
  if (name.length > MAX_STATE_NAME_LENGTH) report(name, `is ${name.length} characters long: AWS accepts at most ${MAX_STATE_NAME_LENGTH}.`);
  if (FORBIDDEN_NAME_CHARACTERS.test(name))
    report(
      name,
      "contains a character AWS rejects in state names (whitespace, brackets, wildcards or punctuation such as $ & , ; : /): use letters, digits, '-' and '_'.",
    );
  else if (step.kind === "task" && !TASK_NAME.test(name))
    report(name, "names a Lambda function too, so it may use only letters, digits, '-' and '_'.");
  else if (step.kind === "task" && name === APPROVAL_ENDPOINT_NAME)
    report(name, `is the name of the workflow's approval endpoint (its Lambda, role and log group): rename the task.`);
}

/** The name the approval endpoint's resources take after the workflow's; no task may take it. */
export const APPROVAL_ENDPOINT_NAME = "approval-link";

function checkStep(step: Step, name: string, report: Report): void {
  const show = describeValue;
  const checkPath = (field: string, value: unknown) => {
    const valid = field === "resultPath" ? isResultPath : isPath;
    // ASL gives null a meaning only in InputPath, OutputPath and ResultPath (an empty input, or discard the result).
    const nullable = field === "resultPath" || field === "inputPath" || field === "outputPath";
    if (value !== undefined && !(value === null && nullable) && !valid(value))
      report(
        name,
        `\`${field}\` is ${show(value)}: ${PATH_HINT}${field === "resultPath" ? '; a result path writes into the state input, so it cannot start with "$$"' : ""}.`,
      );
  };
  switch (step.kind) {
    case "task": {
      if (typeof step.handler !== "function") report(name, "has no handler: pass `handler: async (input, context) => ...`.");
      if (step.timeoutSeconds === undefined)
        report(
          name,
          step.callback !== undefined
            ? "has no `timeoutSeconds`: a callback step must bound its wait for an answer, e.g. `timeoutSeconds: 86_400` (a day); its Lambda's own timeout is `handlerTimeoutSeconds`."
            : "has no `timeoutSeconds`: every task needs one, or a hung Lambda holds the execution until the workflow times out (e.g. `timeoutSeconds: 30`).",
        );
      else if (!isWholeNumber(step.timeoutSeconds, 2, MAX_ASL_SECONDS))
        report(
          name,
          `has \`timeoutSeconds: ${show(step.timeoutSeconds)}\`: use a whole number of at least 2 (its Lambda gets a shorter timeout of at least 1 s) and at most ${MAX_ASL_SECONDS} (Step Functions' ceiling).`,
        );
      if (step.memorySize !== undefined && (!Number.isInteger(step.memorySize) || step.memorySize < 128 || step.memorySize > 10240)) {
        report(name, `has \`memorySize: ${show(step.memorySize)}\`: Lambda accepts whole megabytes from 128 to 10240.`);
      }
      if (step.callback !== undefined) checkCallback(name, step as TaskStep, report);
      const idempotency: unknown = step.idempotency;
      if (idempotency !== undefined) {
        if (!isObject(idempotency))
          report(
            name,
            `has \`idempotency: ${show(idempotency)}\`: give an object naming the key, e.g. \`idempotency: { keyPath: "orderId" }\`.`,
          );
        else {
          if (typeof idempotency.keyPath !== "string" || idempotency.keyPath.trim() === "")
            report(name, 'has `idempotency` without a `keyPath`: name the input field that identifies a request, e.g. "orderId".');
          if (
            idempotency.payloadValidationPath !== undefined &&
            (typeof idempotency.payloadValidationPath !== "string" || idempotency.payloadValidationPath.trim() === "")
          )
            report(
              name,
              'has an empty `idempotency.payloadValidationPath`: name the fields a replay must repeat, e.g. "[totalAmount, currency]", or leave it out.',
            );
          if (idempotency.expiresAfterSeconds !== undefined && !isPositiveInteger(idempotency.expiresAfterSeconds))
            report(
              name,
              `has \`idempotency.expiresAfterSeconds: ${show(idempotency.expiresAfterSeconds)}\`: use a positive whole number of seconds.`,
            );
        }
      }
      const permissions: unknown = step.permissions;
      if (permissions !== undefined) {
        if (!Array.isArray(permissions))
          report(
            name,
            `has \`permissions: ${show(permissions)}\`: give a list of grants, e.g. \`permissions: [{ actions: ["s3:GetObject"], resources: [objectArn] }]\`.`,
          );
        else for (const [i, grant] of permissions.entries()) checkPermission(name, grant, i, report);
      }
      checkPath("inputPath", step.inputPath);
      checkPath("resultPath", step.resultPath);
      checkPath("outputPath", step.outputPath);
      checkRetries(name, step.retry, report);
      checkCatches(name, step.catch, report);
      break;
    }
    case "parallel": {
      const branches: unknown = step.branches;
      if (branches === undefined || (Array.isArray(branches) && branches.length === 0))
        report(name, "has no branches: give `branches` at least one non-empty step list.");
      else if (!Array.isArray(branches))
        report(name, `has \`branches: ${show(branches)}\`: give a list of step lists, e.g. \`branches: [[task(...)], [task(...)]]\`.`);
      else
        branches.forEach((branch, i) => {
          if (!Array.isArray(branch))
            report(name, `branch ${i} is ${show(branch)}, not a step list: give it a list of steps, e.g. [task(...)], or remove it.`);
          else if (branch.length === 0) report(name, `branch ${i} is empty: give it at least one step, or remove it.`);
        });
      checkPath("resultPath", step.resultPath);
      checkRetries(name, step.retry, report);
      checkCatches(name, step.catch, report);
      break;
    }
    case "map": {
      const inner: unknown = step.steps;
      if (inner === undefined || (Array.isArray(inner) && inner.length === 0))
        report(name, "has no steps: give `steps` at least one step to run per item.");
      else if (!Array.isArray(inner))
        report(name, `has \`steps: ${show(inner)}\`: give a list of the steps to run per item, e.g. \`steps: [task(...)]\`.`);
      if (!isPath(step.itemsPath))
        report(name, `\`itemsPath\` is ${show(step.itemsPath)}: it must be a JSONPath to an array, e.g. "$.detail.items"; ${PATH_HINT}.`);
      if (step.maxConcurrency !== undefined && !(Number.isInteger(step.maxConcurrency) && step.maxConcurrency >= 0))
        report(name, `\`maxConcurrency\` is ${show(step.maxConcurrency)}: use a whole number, 0 meaning no limit.`);
      checkMapTolerance(step, name, report);
      if (step.itemSelector !== undefined) checkPayloadTemplate(name, "itemSelector", step.itemSelector, report);
      checkPath("resultPath", step.resultPath);
      checkRetries(name, step.retry, report);
      checkCatches(name, step.catch, report);
      break;
    }
    case "choice": {
      const choices: unknown = step.choices;
      if (choices === undefined || choices === null || (Array.isArray(choices) && choices.length === 0))
        report(name, "has no choices: give at least one `{ condition, next }`.");
      else if (!Array.isArray(choices)) report(name, `has \`choices: ${show(choices)}\`: give a list of \`{ condition, next }\`.`);
      else
        choices.forEach((c, i) => {
          if (!isObject(c))
            report(
              name,
              `choices[${i}] is ${show(c)}: give \`{ condition, next }\`, e.g. { condition: { variable: "$.amount", numericGreaterThan: 100 }, next: "Review" }.`,
            );
          else checkCondition(name, `choices[${i}].condition`, c.condition, report, 0);
        });
      break;
    }
    case "wait": {
      const hasSeconds = step.seconds !== undefined;
      const hasTimestamp = step.timestampPath !== undefined;
      if (hasSeconds === hasTimestamp) report(name, "needs exactly one of `seconds` or `timestampPath`.");
      if (hasSeconds && !isWholeNumber(step.seconds, 1, MAX_ASL_SECONDS))
        report(name, `has \`seconds: ${show(step.seconds)}\`: use a positive whole number, at most ${MAX_ASL_SECONDS}.`);
      if (hasTimestamp) checkPath("timestampPath", step.timestampPath);
      break;
    }
    case "pass":
      checkPath("resultPath", step.resultPath);
      if (step.result !== undefined) checkTemplateValue(name, "result", step.result, report, 0, false);
      break;
    case "fail":
      if (typeof step.error !== "string" || step.error.length === 0)
        report(name, 'has no `error`: name the failure, e.g. "PaymentFailed".');
      if (typeof step.cause !== "string" || step.cause.length === 0)
        report(name, "has no `cause`: say what happened, for the execution history and alarms.");
      break;
    case "notify":
    case "sendToDeadLetterQueue":
    case "publishEvent":
      if (step.timeoutSeconds !== undefined && !isWholeNumber(step.timeoutSeconds, 1, MAX_ASL_SECONDS))
        report(name, `has \`timeoutSeconds: ${show(step.timeoutSeconds)}\`: use a whole number from 1 to ${MAX_ASL_SECONDS}.`);
      checkPath("resultPath", step.resultPath);
      if (step.kind === "notify") checkPath("messagePath", step.messagePath);
      if (step.kind === "notify" && step.message !== undefined && step.messagePath !== undefined)
        report(name, "sets both `message` and `messagePath`: keep one.");
      if (
        step.kind === "notify" &&
        step.subject !== undefined &&
        (typeof step.subject !== "string" || step.subject.length === 0 || step.subject.length > 100 || !/^[\x20-\x7e]+$/.test(step.subject))
      ) {
        report(name, "has a `subject` SNS would reject: use 1 to 100 printable ASCII characters, no line breaks.");
      }
      if (step.kind === "publishEvent") {
        if (typeof step.source !== "string" || step.source.length === 0) report(name, 'has no `source`: set it, e.g. "order.processor".');
        else if (step.source.startsWith("aws."))
          report(
            name,
            `has \`source: "${step.source}"\`: EventBridge reserves sources starting with "aws." for AWS services; use your own, e.g. "order.processor".`,
          );
        if (typeof step.detailType !== "string" || step.detailType.length === 0)
          report(name, 'has no `detailType`: set it, e.g. "Order Processed".');
        if (step.detailPath !== undefined && !isPath(step.detailPath))
          report(
            name,
            `has \`detailPath: ${show(step.detailPath)}\`: give the JSONPath of the part of the state input to publish as the event's detail, starting with "$" (e.g. "$.detail"), or leave it out to publish the whole input; ${PATH_HINT}.`,
          );
      }
      break;
    case "succeed":
      break;
    default:
      report(name, `has unknown kind ${show((step as { kind: unknown }).kind)}: build it with one of the step builders.`);
  }
}

/**
 * One IAM grant of a task: named actions on named resources. A service-wide wildcard (`s3:*`, `arn:aws:s3:::*`)
 * passes only with `acknowledgeWildcard: "<reason>"`, so a broad grant is a decision someone wrote down, not a
 * shortcut; a bare `*` (action or resource) never passes.
 */
function checkPermission(name: string, grant: unknown, i: number, report: Report): void {
  const where = `permissions[${i}]`;
  if (!isObject(grant)) {
    report(name, `${where} is ${describeValue(grant)}: give a grant such as { actions: ["s3:GetObject"], resources: [objectArn] }.`);
    return;
  }
  const reason = (grant as { acknowledgeWildcard?: unknown }).acknowledgeWildcard;
  const acknowledged = typeof reason === "string" && reason.trim().length > 0;
  if (reason !== undefined && !acknowledged) {
    report(
      name,
      `${where} has \`acknowledgeWildcard: ${describeValue(reason)}\`: give the reason the grant needs a service-wide wildcard as a non-empty string, or remove it.`,
    );
  }
  const { actions, resources } = grant;
  if (!Array.isArray(actions) || actions.length === 0)
    report(name, `${where} has no \`actions\`: list the IAM actions the handler calls, e.g. ["s3:GetObject"].`);
  else if (actions.some((a) => typeof a !== "string" || a === "*" || !ACTION_NAME.test(a)))
    report(
      name,
      `${where} has an action that is "*" or not "service:Action" (${describeValue(actions)}): name each action, e.g. "s3:GetObject".`,
    );
  else if (!acknowledged) {
    const wide = (actions as string[]).filter(isServiceWideAction);
    if (wide.length > 0) {
      report(
        name,
        `${where} grants every action of a service (${wide.map((a) => `"${a}"`).join(", ")}): name the actions the handler calls, e.g. "${wide[0].split(":")[0]}:GetObject"; if it truly needs them all, say why with \`acknowledgeWildcard: "<reason>"\`.`,
      );
    }
  }
  if (!Array.isArray(resources) || resources.length === 0)
    report(name, `${where} has no \`resources\`: name the exact ARNs the actions apply to.`);
  else if (resources.includes("*"))
    report(
      name,
      `${where} grants on Resource "*": name the exact ARNs (least privilege); the only "*" grants are the ones AWS requires, which the component adds itself.`,
    );
  else if (!acknowledged) {
    // Outputs and Promises resolve at deploy time; only the ARNs known now are judged.
    const wide = resources.filter((r): r is string => typeof r === "string" && isServiceWideResource(r));
    if (wide.length > 0) {
      report(
        name,
        `${where} grants on every resource of a service (${wide.map((r) => `"${r}"`).join(", ")}): name the exact resources, e.g. "arn:aws:s3:::my-bucket/*" or a table's ARN; if the handler truly needs them all, say why with \`acknowledgeWildcard: "<reason>"\`.`,
      );
    }
  }
}

/**
 * A Map's failure tolerance: AWS takes `ToleratedFailurePercentage` (0 to 100; asl-validator and the local runner
 * accept whole numbers only) and `ToleratedFailureCount` (a whole number from 0), on a Distributed Map only; the
 * child execution type applies to a Distributed Map only.
 */
function checkMapTolerance(step: MapStep, name: string, report: Report): void {
  const show = describeValue;
  const percentage: unknown = step.toleratedFailurePercentage;
  const count: unknown = step.toleratedFailureCount;
  if (percentage !== undefined && !(Number.isInteger(percentage) && (percentage as number) >= 0 && (percentage as number) <= 100))
    report(
      name,
      `has \`toleratedFailurePercentage: ${show(percentage)}\`: use a whole number from 0 to 100, the percentage of items that may fail (e.g. 25 for one in four).`,
    );
  if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 0))
    report(name, `has \`toleratedFailureCount: ${show(count)}\`: use a whole number from 0, the number of items that may fail (e.g. 1).`);
  const executionType: unknown = step.itemExecutionType;
  if (executionType !== undefined) {
    if (executionType !== "STANDARD" && executionType !== "EXPRESS")
      report(name, `has \`itemExecutionType: ${show(executionType)}\`: use "STANDARD" or "EXPRESS".`);
    else if (percentage === undefined && count === undefined)
      report(
        name,
        "sets `itemExecutionType` without a tolerance: child executions exist only in a Distributed Map, which this library uses for a Map with `toleratedFailurePercentage` or `toleratedFailureCount`. Set one, or remove `itemExecutionType`.",
      );
  }
}

/** Guards against a payload template that contains itself; real templates are a few levels deep. */
const MAX_TEMPLATE_DEPTH = 32;

/**
 * An ASL payload template (`itemSelector`): a JSON object whose keys ending in `.$` hold a path (`$...`, or `$$...` for
 * the Context Object) or an intrinsic function (`States.Format(...)`), at any depth; other values are plain JSON.
 */
function checkPayloadTemplate(name: string, field: string, template: unknown, report: Report): void {
  if (!isObject(template) || isDeferredValue(template)) {
    report(
      name,
      `has \`${field}: ${describeValue(template)}\`: give an object that builds each iteration's input, e.g. { "claimId.$": "$.detail.claimId", "item.$": "$$.Map.Item.Value" }.`,
    );
    return;
  }
  checkTemplateValue(name, field, template, report, 0, true);
}

/** Plain JSON at any depth; in a payload template (`isTemplate`), keys ending in `.$` must hold a path. */
function checkTemplateValue(name: string, where: string, value: unknown, report: Report, depth: number, isTemplate: boolean): void {
  const show = describeValue;
  if (depth > MAX_TEMPLATE_DEPTH) {
    report(name, `\`${where}\` is nested more than ${MAX_TEMPLATE_DEPTH} levels deep (or contains itself): flatten it.`);
  } else if (Array.isArray(value)) {
    for (const [i, element] of value.entries()) checkTemplateValue(name, `${where}[${i}]`, element, report, depth + 1, isTemplate);
  } else if (isObject(value) && !isDeferredValue(value)) {
    for (const [key, field] of Object.entries(value)) {
      const at = `${where}["${key}"]`;
      if (!isTemplate || !key.endsWith(".$")) {
        checkTemplateValue(name, at, field, report, depth + 1, isTemplate);
        continue;
      }
      if (Object.hasOwn(value, key.slice(0, -2)))
        report(name, `\`${where}\` has both "${key.slice(0, -2)}" and "${key}": AWS rejects the duplicate field; keep one.`);
      const intrinsic = typeof field === "string" && looksLikeIntrinsic(field) ? intrinsicProblem(field, isPath) : undefined;
      if (intrinsic) report(name, `\`${at}\` is ${show(field)}: ${intrinsic}.`);
      else if (typeof field !== "string" || !(isPath(field) || looksLikeIntrinsic(field)))
        report(
          name,
          `\`${at}\` is ${show(field)}: a key ending in ".$" takes a JSONPath starting with "$" (e.g. "$.detail.claimId", "$$.Map.Item.Value"; ${PATH_HINT}) or an intrinsic function such as "States.Format('{}', $.id)"; for a fixed value drop the ".$" from the key.`,
        );
    }
  } else if (
    value === undefined ||
    (typeof value === "number" && !Number.isFinite(value)) ||
    typeof value === "function" ||
    typeof value === "bigint" ||
    typeof value === "symbol" ||
    isDeferredValue(value)
  ) {
    report(name, `\`${where}\` is ${show(value)}: use plain JSON values (string, number, boolean, null, object or array).`);
  }
}

function checkRetries(name: string, retries: unknown, report: Report): void {
  if (retries === undefined) return;
  if (!Array.isArray(retries)) {
    report(
      name,
      `has \`retry: ${describeValue(retries)}\`: give a list of rules, e.g. \`retry: [{ errors: ["ThrottlingException"], maxAttempts: 3 }]\`.`,
    );
    return;
  }
  const show = describeValue;
  retries.forEach((retry: unknown, i) => {
    const where = `retry[${i}]`;
    if (!isObject(retry)) {
      report(name, `${where} is ${show(retry)}: give a rule such as { errors: ["ThrottlingException"], maxAttempts: 3 }.`);
      return;
    }
    const errors = retry.errors;
    if (!Array.isArray(errors) || errors.length === 0)
      report(name, `${where} has no \`errors\`: list the transient errors to retry, e.g. ["ThrottlingException"].`);
    else checkErrorNames(name, where, errors, report);
    for (const error of Array.isArray(errors) ? errors : []) {
      if (NEVER_RETRY_ERRORS.includes(error)) {
        const why = CATCH_ALL_ERRORS.includes(error)
          ? "which also matches errors that never heal (a ValidationError stays invalid)"
          : "an error that never heals by retrying";
        report(
          name,
          `${where} retries "${error}", ${why}: retry only transient errors, e.g. ["ThrottlingException", "Lambda.TooManyRequestsException"], and let the rest reach a Catch.`,
        );
      }
    }
    if (retry.maxAttempts !== undefined && !isWholeNumber(retry.maxAttempts, 0, MAX_ASL_SECONDS))
      report(name, `${where} has \`maxAttempts: ${show(retry.maxAttempts)}\`: use a whole number from 0 to ${MAX_ASL_SECONDS}.`);
    if (retry.intervalSeconds !== undefined && !isWholeNumber(retry.intervalSeconds, 1, MAX_ASL_SECONDS))
      report(name, `${where} has \`intervalSeconds: ${show(retry.intervalSeconds)}\`: use a whole number from 1 to ${MAX_ASL_SECONDS}.`);
    if (
      retry.backoffRate !== undefined &&
      !(typeof retry.backoffRate === "number" && Number.isFinite(retry.backoffRate) && retry.backoffRate >= 1)
    )
      report(name, `${where} has \`backoffRate: ${show(retry.backoffRate)}\`: use a finite number of at least 1.0, e.g. 2.`);
    if (retry.maxDelaySeconds !== undefined && !isWholeNumber(retry.maxDelaySeconds, 1, MAX_RETRY_DELAY_SECONDS))
      report(
        name,
        `${where} has \`maxDelaySeconds: ${show(retry.maxDelaySeconds)}\`: use a whole number from 1 to ${MAX_RETRY_DELAY_SECONDS} (366 days).`,
      );
    if (retry.jitter !== undefined && retry.jitter !== "FULL" && retry.jitter !== "NONE")
      report(name, `${where} has \`jitter: ${show(retry.jitter)}\`: use "FULL" or "NONE".`);
  });
}

/** Reports error names that are not non-empty strings; true when it reported. */
function checkErrorNames(name: string, where: string, errors: unknown[], report: Report): boolean {
  const bad = errors.filter((e) => typeof e !== "string" || e.length === 0);
  if (bad.length > 0)
    report(name, `${where} has error names ${describeValue(bad)}: each must be a non-empty string, e.g. "ThrottlingException".`);
  return bad.length > 0;
}

function checkCatches(name: string, catches: unknown, report: Report): void {
  if (catches === undefined) return;
  if (!Array.isArray(catches)) {
    report(
      name,
      `has \`catch: ${describeValue(catches)}\`: give a list of rules, e.g. \`catch: [{ errors: ["States.ALL"], next: "HandleFailure" }]\`.`,
    );
    return;
  }
  catches.forEach((c: unknown, i) => {
    const where = `catch[${i}]`;
    if (!isObject(c)) {
      report(name, `${where} is ${describeValue(c)}: give a rule such as { errors: ["States.ALL"], next: "HandleFailure" }.`);
      return;
    }
    const errors = c.errors;
    if (!Array.isArray(errors) || errors.length === 0)
      report(name, `${where} has no \`errors\`: list the errors it handles, e.g. ["InsufficientFundsError"].`);
    else if (
      !checkErrorNames(name, where, errors, report) &&
      errors.includes("States.ALL") &&
      (errors.length > 1 || i !== catches.length - 1)
    ) {
      report(
        name,
        `${where} uses "States.ALL" beside other errors or before another catch: AWS requires "States.ALL" alone, in the last catch.`,
      );
    }
    if (c.resultPath !== undefined && !isResultPath(c.resultPath))
      report(
        name,
        `${where} has \`resultPath: ${describeValue(c.resultPath)}\`: ${PATH_HINT}, and not "$$" (the Context Object is read-only).`,
      );
  });
}

function checkCondition(name: string, where: string, condition: unknown, report: Report, depth: number): void {
  if (!isObject(condition)) {
    report(
      name,
      `${where} is ${condition === undefined ? "missing" : describeValue(condition)}: give a condition such as { variable: "$.amount", numericGreaterThan: 100 }.`,
    );
    return;
  }
  if (depth > MAX_CONDITION_DEPTH) {
    report(name, `${where} is nested more than ${MAX_CONDITION_DEPTH} levels deep (or contains itself): flatten it with \`and\`/\`or\`.`);
    return;
  }
  if ("and" in condition || "or" in condition) {
    const key = "and" in condition ? "and" : "or";
    const list = condition[key];
    if (!Array.isArray(list) || list.length === 0) report(name, `${where} combines no conditions: give \`and\`/\`or\` a non-empty list.`);
    else for (const [i, c] of list.entries()) checkCondition(name, `${where}.${key}[${i}]`, c, report, depth + 1);
    return;
  }
  if ("not" in condition) {
    checkCondition(name, `${where}.not`, condition.not, report, depth + 1);
    return;
  }
  const { variable, ...rest } = condition;
  if (!isPath(variable))
    report(
      name,
      `${where} has \`variable: ${describeValue(variable)}\`: it must be a JSONPath such as "$.detail.totalAmount"; ${PATH_HINT}.`,
    );
  const operators = Object.keys(rest);
  const unknown = operators.filter((op) => !COMPARISON_OPERATORS.has(op));
  if (unknown.length > 0)
    report(
      name,
      `${where} uses unknown operator(s) ${unknown.join(", ")}: use an ASL comparison in camelCase, e.g. numericGreaterThan, stringEquals, isPresent.`,
    );
  else if (operators.length !== 1)
    report(name, `${where} has ${operators.length} comparison operators: use exactly one, or combine conditions with \`and\`/\`or\`.`);
  else {
    const [operator] = operators;
    const expected = comparisonValueProblem(operator, rest[operator]);
    if (expected) report(name, `${where} has \`${operator}: ${describeValue(rest[operator])}\`: ${expected}.`);
  }
}

/** An RFC 3339 timestamp, as Step Functions compares them: date, `T`, time, optional fraction, zone. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** What is wrong with the value of a comparison operator, by the type AWS requires of it; undefined when it fits. */
function comparisonValueProblem(operator: string, value: unknown): string | undefined {
  if (operator.endsWith("Path"))
    return isPath(value) ? undefined : `a \`...Path\` comparison takes the JSONPath of the other value; ${PATH_HINT}`;
  if (operator.startsWith("is")) return typeof value === "boolean" ? undefined : "use true or false";
  if (operator.startsWith("string")) return typeof value === "string" ? undefined : "compare with a string";
  if (operator.startsWith("numeric"))
    return typeof value === "number" && Number.isFinite(value) ? undefined : "compare with a finite number";
  if (operator.startsWith("boolean")) return typeof value === "boolean" ? undefined : "compare with true or false";
  if (operator.startsWith("timestamp"))
    return typeof value === "string" && TIMESTAMP.test(value)
      ? undefined
      : 'compare with an RFC 3339 timestamp such as "2026-01-31T12:00:00Z"';
  return undefined;
}

/**
 * Steps from which no path leads to an end (`end: true`, succeed, fail): a loop with no way out. AWS refuses a list
 * without a terminal state; a loop beside one would run until the execution times out, so it is refused too.
 */
function reportEndless(steps: readonly Step[], report: Report): void {
  if (!steps.every((s) => isStepLike(s) && typeof s.name === "string" && s.name.length > 0)) return;
  const edges = new Map(steps.map((s, i) => [s.name, transitions(s, steps[i + 1]).map((t) => t.target)]));
  const ending = new Set(steps.filter((s) => s.kind === "succeed" || s.kind === "fail" || (s as { end?: unknown }).end).map((s) => s.name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, targets] of edges) {
      if (!ending.has(name) && targets.some((t) => typeof t === "string" && ending.has(t))) {
        ending.add(name);
        grew = true;
      }
    }
  }
  const endless = steps.filter((s) => !ending.has(s.name)).map((s) => s.name);
  if (endless.length > 0)
    report(
      endless[0],
      `${
        endless.length === 1
          ? "never reaches"
          : `and ${endless
              .slice(1)
              .map((n) => `"${n}"`)
              .join(", ")} never reach`
      } an end: every path loops back without \`end: true\`, a succeed or a fail step. Give the loop a way out, e.g. a choice whose \`otherwise\` goes to a succeed step.`,
    );
}

function reportUnreachable(steps: readonly Step[], report: Report): void {
  // A malformed step is reported already; reachability through it would only add noise.
  if (steps.length === 0 || !steps.every((s) => isStepLike(s) && typeof s.name === "string" && s.name.length > 0)) return;
  const byName = new Map(steps.map((s, i) => [s.name, { step: s, following: steps[i + 1] }]));
  const reached = new Set<string>();
  const queue: unknown[] = [steps[0].name];
  while (queue.length > 0) {
    const name = queue.shift();
    const entry = typeof name === "string" && !reached.has(name) ? byName.get(name) : undefined;
    if (entry === undefined) continue;
    reached.add(entry.step.name);
    const { step, following } = entry;
    queue.push(...transitions(step, following).map((t) => t.target));
  }
  for (const step of steps) {
    if (!reached.has(step.name))
      report(step.name, `is unreachable from "${steps[0].name}": point a \`next\`, choice or catch at it, or remove it.`);
  }
}

/** The waiting rules of a {@link waitForCallback} step: a bounded wait, heartbeats shorter than it, a short hand-off. */
function checkCallback(name: string, step: TaskStep, report: (step: string, message: string) => void): void {
  const callback = step.callback as unknown;
  if (!isObject(callback)) {
    report(
      name,
      `has \`callback: ${describeValue(callback)}\`: build callback tasks with waitForCallback(name, { handler, timeoutSeconds }).`,
    );
    return;
  }
  const wait = step.timeoutSeconds;
  const heartbeat = callback.heartbeatSeconds;
  if (heartbeat !== undefined) {
    if (!isWholeNumber(heartbeat, 1, MAX_ASL_SECONDS))
      report(name, `has \`heartbeatSeconds: ${describeValue(heartbeat)}\`: use a whole number of seconds from 1 to ${MAX_ASL_SECONDS}.`);
    else if (typeof wait === "number" && (heartbeat as number) >= wait)
      report(
        name,
        `has \`heartbeatSeconds: ${heartbeat}\`, not less than its \`timeoutSeconds: ${wait}\`: a heartbeat must be due before the wait ends (or leave heartbeats out).`,
      );
  }
  const handlerTimeout = callback.handlerTimeoutSeconds;
  if (
    handlerTimeout !== undefined &&
    (!Number.isInteger(handlerTimeout) || (handlerTimeout as number) < 1 || (handlerTimeout as number) > MAX_LAMBDA_TIMEOUT_SECONDS)
  ) {
    report(
      name,
      `has \`handlerTimeoutSeconds: ${describeValue(handlerTimeout)}\`: the hand-off Lambda's timeout is a whole number of seconds from 1 to ${MAX_LAMBDA_TIMEOUT_SECONDS}.`,
    );
  }
  if (step.idempotency !== undefined)
    report(
      name,
      "is a callback task with `idempotency`: the answer, not the hand-off, is the result; make the hand-off idempotent in the system that receives the token.",
    );
}
