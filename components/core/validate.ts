/**
 * validateSteps: every rule a step list must keep before anything is compiled or deployed. It collects every
 * problem of the list and throws once, so a user fixes them all in one pass.
 */
import type { Catch, Condition, Retry, Step } from "../steps/types";
import { childScopes, isTerminalOrBranching, transitionsOf } from "./walk";

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
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
/** Task names also name a Lambda function and its log group, which accept fewer characters. */
const TASK_NAME = /^[A-Za-z0-9_-]+$/;
const MAX_STATE_NAME_LENGTH = 80;
/** Lambda's own ceiling; a task's Lambda gets a shorter timeout than the task. */
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
/** Errors that never heal by retrying: a bad input stays bad, a missing permission stays missing. */
export const NEVER_TRANSIENT_ERRORS = [
  "ValidationError", "States.Permissions", "States.Runtime", "States.ResultPathMatchFailure",
  "States.ParameterPathFailure", "States.QueryEvaluationError", "States.IntrinsicFailure", "States.NoChoiceMatched",
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
  "stringEquals", "stringEqualsPath", "stringLessThan", "stringLessThanPath", "stringGreaterThan",
  "stringGreaterThanPath", "stringLessThanEquals", "stringLessThanEqualsPath", "stringGreaterThanEquals",
  "stringGreaterThanEqualsPath", "stringMatches", "numericEquals", "numericEqualsPath", "numericLessThan",
  "numericLessThanPath", "numericGreaterThan", "numericGreaterThanPath", "numericLessThanEquals",
  "numericLessThanEqualsPath", "numericGreaterThanEquals", "numericGreaterThanEqualsPath", "booleanEquals",
  "booleanEqualsPath", "timestampEquals", "timestampEqualsPath", "timestampLessThan", "timestampLessThanPath",
  "timestampGreaterThan", "timestampGreaterThanPath", "timestampLessThanEquals", "timestampLessThanEqualsPath",
  "timestampGreaterThanEquals", "timestampGreaterThanEqualsPath", "isNull", "isPresent", "isNumeric", "isString",
  "isBoolean", "isTimestamp",
]);

const isPositiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;
const isPath = (value: unknown): boolean => typeof value === "string" && value.startsWith("$");

/**
 * Checks a step list against every rule AWS enforces at deploy time and the ones this library adds (timeouts on
 * every task, retries only on transient errors, no unreachable or dangling steps).
 *
 * @throws {@link WorkflowDefinitionError} listing each problem with the step's name and the fix.
 * @example
 * validateSteps([task("Charge", { handler, timeoutSeconds: 30, next: "Missing" })]);
 * // WorkflowDefinitionError: step "Charge": `next` points to "Missing", which is not a step of this list ...
 */
export function validateSteps(steps: readonly Step[]): void {
  const problems: DefinitionProblem[] = [];
  if (!Array.isArray(steps) || steps.length === 0) {
    problems.push({ step: "(workflow)", message: "the step list is empty: declare at least one step, e.g. task(...) or pass(...)." });
    throw new WorkflowDefinitionError(problems);
  }
  const seen = new Set<string>();
  checkScope(steps, "(workflow)", seen, problems);
  if (problems.length > 0) throw new WorkflowDefinitionError(problems);
}

function checkScope(steps: readonly Step[], scopeName: string, seen: Set<string>, problems: DefinitionProblem[]): void {
  const report = (step: string, message: string) => problems.push({ step, message });
  const namesInScope = new Set(steps.map((s) => s?.name));

  steps.forEach((step, index) => {
    if (!step || typeof step !== "object" || typeof step.kind !== "string") {
      report(`${scopeName}[${index}]`, "is not a step: build steps with task(), parallel(), choice(), map(), wait(), pass(), succeed(), fail(), notify(), sendToDeadLetterQueue() or publishEvent().");
      return;
    }
    checkName(step, seen, report);
    checkStep(step, report);
    const following = steps[index + 1];
    const flow = step as { next?: string; end?: boolean };
    if (flow.next !== undefined && flow.end) report(step.name, "sets both `next` and `end`: keep one.");
    for (const target of transitionsOf(step, following)) {
      if (!namesInScope.has(target)) {
        report(step.name, `transitions to "${target}", which is not a step of ${scopeName === "(workflow)" ? "the workflow's top-level list" : `the list of ${scopeName}`}: name a step of the same list (a branch cannot jump out of its Parallel or Map).`);
      }
    }
    if (!following && !isTerminalOrBranching(step) && !flow.end && flow.next === undefined) {
      report(step.name, "is the last step of its list and has neither `next` nor `end`: the flow would fall off the end. Add `end: true` or `next: \"<step>\"`.");
    }
    for (const scope of childScopes(step)) checkScope(scope, step.name, seen, problems);
  });

  reportUnreachable(steps, report);
}

function checkName(step: Step, seen: Set<string>, report: (step: string, message: string) => void): void {
  const name = step.name;
  if (typeof name !== "string" || name.length === 0) {
    report(String(name), `a ${step.kind} step has no name: give it a unique, non-empty name.`);
    return;
  }
  if (seen.has(name)) report(name, "is declared more than once: step names must be unique across the whole workflow, branches included.");
  seen.add(name);
  if (name.length > MAX_STATE_NAME_LENGTH) report(name, `is ${name.length} characters long: AWS accepts at most ${MAX_STATE_NAME_LENGTH}.`);
  if (FORBIDDEN_NAME_CHARACTERS.test(name)) report(name, "contains a character AWS rejects in state names (whitespace, brackets, wildcards or punctuation such as $ & , ; : /): use letters, digits, '-' and '_'.");
  else if (step.kind === "task" && !TASK_NAME.test(name)) report(name, "names a Lambda function too, so it may use only letters, digits, '-' and '_'.");
}

function checkStep(step: Step, report: (step: string, message: string) => void): void {
  const name = step.name;
  const checkPath = (field: string, value: unknown) => {
    if (value !== undefined && value !== null && !isPath(value)) report(name, `\`${field}\` is ${JSON.stringify(value)}: a JSONPath must start with "$" (e.g. "$.result").`);
  };
  switch (step.kind) {
    case "task":
      if (typeof step.handler !== "function") report(name, "has no handler: pass `handler: async (input, context) => ...`.");
      if (step.timeoutSeconds === undefined) report(name, "has no `timeoutSeconds`: every task needs one, or a hung Lambda holds the execution until the workflow times out (e.g. `timeoutSeconds: 30`).");
      else if (!Number.isInteger(step.timeoutSeconds) || step.timeoutSeconds < 2) report(name, `has \`timeoutSeconds: ${step.timeoutSeconds}\`: use a whole number of at least 2 (its Lambda gets a shorter timeout of at least 1 s).`);
      if (step.memorySize !== undefined && (!Number.isInteger(step.memorySize) || step.memorySize < 128 || step.memorySize > 10240)) {
        report(name, `has \`memorySize: ${step.memorySize}\`: Lambda accepts whole megabytes from 128 to 10240.`);
      }
      if (step.idempotency !== undefined) {
        if (typeof step.idempotency.keyPath !== "string" || step.idempotency.keyPath.trim() === "") report(name, "has `idempotency` without a `keyPath`: name the input field that identifies a request, e.g. \"orderId\".");
        if (step.idempotency.payloadValidationPath !== undefined && (typeof step.idempotency.payloadValidationPath !== "string" || step.idempotency.payloadValidationPath.trim() === "")) report(name, "has an empty `idempotency.payloadValidationPath`: name the fields a replay must repeat, e.g. \"[totalAmount, currency]\", or leave it out.");
        if (step.idempotency.expiresAfterSeconds !== undefined && !isPositiveInteger(step.idempotency.expiresAfterSeconds)) report(name, `has \`idempotency.expiresAfterSeconds: ${step.idempotency.expiresAfterSeconds}\`: use a positive whole number of seconds.`);
      }
      (step.permissions ?? []).forEach((grant, i) => {
        if (!Array.isArray(grant.actions) || grant.actions.length === 0) report(name, `permissions[${i}] has no \`actions\`: list the IAM actions the handler calls, e.g. ["s3:GetObject"].`);
        else if (grant.actions.some((a) => typeof a !== "string" || a === "*" || !/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(a))) report(name, `permissions[${i}] has an action that is "*" or not "service:Action" (${JSON.stringify(grant.actions)}): name each action, e.g. "s3:GetObject".`);
        if (!Array.isArray(grant.resources) || grant.resources.length === 0) report(name, `permissions[${i}] has no \`resources\`: name the exact ARNs the actions apply to.`);
        else if (grant.resources.includes("*")) report(name, `permissions[${i}] grants on Resource "*": name the exact ARNs (least privilege); the only "*" grants are the ones AWS requires, which the component adds itself.`);
      });
      checkPath("inputPath", step.inputPath);
      checkPath("resultPath", step.resultPath);
      checkPath("outputPath", step.outputPath);
      checkRetries(step.name, step.retry, report);
      checkCatches(step.name, step.catch, report);
      break;
    case "parallel":
      if (!Array.isArray(step.branches) || step.branches.length === 0) report(name, "has no branches: give `branches` at least one non-empty step list.");
      else step.branches.forEach((branch, i) => {
        if (!Array.isArray(branch) || branch.length === 0) report(name, `branch ${i} is empty: give it at least one step, or remove it.`);
      });
      checkPath("resultPath", step.resultPath);
      checkRetries(step.name, step.retry, report);
      checkCatches(step.name, step.catch, report);
      break;
    case "map":
      if (!Array.isArray(step.steps) || step.steps.length === 0) report(name, "has no steps: give `steps` at least one step to run per item.");
      if (!isPath(step.itemsPath)) report(name, `\`itemsPath\` is ${JSON.stringify(step.itemsPath)}: it must be a JSONPath to an array, e.g. "$.detail.items".`);
      if (step.maxConcurrency !== undefined && !(Number.isInteger(step.maxConcurrency) && step.maxConcurrency >= 0)) report(name, `\`maxConcurrency\` is ${step.maxConcurrency}: use a whole number, 0 meaning no limit.`);
      checkPath("resultPath", step.resultPath);
      checkRetries(step.name, step.retry, report);
      checkCatches(step.name, step.catch, report);
      break;
    case "choice":
      if (!Array.isArray(step.choices) || step.choices.length === 0) report(name, "has no choices: give at least one `{ condition, next }`.");
      else step.choices.forEach((c, i) => checkCondition(name, `choices[${i}].condition`, c.condition, report));
      break;
    case "wait": {
      const hasSeconds = step.seconds !== undefined;
      const hasTimestamp = step.timestampPath !== undefined;
      if (hasSeconds === hasTimestamp) report(name, "needs exactly one of `seconds` or `timestampPath`.");
      if (hasSeconds && !isPositiveInteger(step.seconds)) report(name, `has \`seconds: ${step.seconds}\`: use a positive whole number.`);
      if (hasTimestamp) checkPath("timestampPath", step.timestampPath);
      break;
    }
    case "pass":
      checkPath("resultPath", step.resultPath);
      break;
    case "fail":
      if (typeof step.error !== "string" || step.error.length === 0) report(name, "has no `error`: name the failure, e.g. \"PaymentFailed\".");
      if (typeof step.cause !== "string" || step.cause.length === 0) report(name, "has no `cause`: say what happened, for the execution history and alarms.");
      break;
    case "notify":
    case "sendToDeadLetterQueue":
    case "publishEvent":
      if (step.timeoutSeconds !== undefined && !isPositiveInteger(step.timeoutSeconds)) report(name, `has \`timeoutSeconds: ${step.timeoutSeconds}\`: use a positive whole number.`);
      checkPath("resultPath", step.resultPath);
      if (step.kind === "notify") checkPath("messagePath", step.messagePath);
      if (step.kind === "notify" && step.message !== undefined && step.messagePath !== undefined) report(name, "sets both `message` and `messagePath`: keep one.");
      if (step.kind === "notify" && step.subject !== undefined && (step.subject.length === 0 || step.subject.length > 100 || !/^[\x20-\x7e]+$/.test(step.subject))) {
        report(name, "has a `subject` SNS would reject: use 1 to 100 printable ASCII characters, no line breaks.");
      }
      if (step.kind === "publishEvent") {
        if (typeof step.source !== "string" || step.source.length === 0) report(name, "has no `source`: set it, e.g. \"order.processor\".");
        else if (step.source.startsWith("aws.")) report(name, `has \`source: "${step.source}"\`: EventBridge reserves sources starting with "aws." for AWS services; use your own, e.g. "order.processor".`);
        if (typeof step.detailType !== "string" || step.detailType.length === 0) report(name, "has no `detailType`: set it, e.g. \"Order Processed\".");
      }
      break;
    case "succeed":
      break;
    default:
      report(name, `has unknown kind "${(step as { kind: string }).kind}": build it with one of the step builders.`);
  }
}

function checkRetries(name: string, retries: Retry[] | undefined, report: (step: string, message: string) => void): void {
  (retries ?? []).forEach((retry, i) => {
    const where = `retry[${i}]`;
    if (!Array.isArray(retry.errors) || retry.errors.length === 0) report(name, `${where} has no \`errors\`: list the transient errors to retry, e.g. ["ThrottlingException"].`);
    for (const error of retry.errors ?? []) {
      if (NEVER_RETRY_ERRORS.includes(error)) {
        const why = CATCH_ALL_ERRORS.includes(error) ? "which also matches errors that never heal (a ValidationError stays invalid)" : "an error that never heals by retrying";
        report(name, `${where} retries "${error}", ${why}: retry only transient errors, e.g. ["ThrottlingException", "Lambda.TooManyRequestsException"], and let the rest reach a Catch.`);
      }
    }
    if (retry.maxAttempts !== undefined && !(Number.isInteger(retry.maxAttempts) && retry.maxAttempts >= 0 && retry.maxAttempts <= 99999999)) report(name, `${where} has \`maxAttempts: ${retry.maxAttempts}\`: use a whole number from 0.`);
    if (retry.intervalSeconds !== undefined && !isPositiveInteger(retry.intervalSeconds)) report(name, `${where} has \`intervalSeconds: ${retry.intervalSeconds}\`: use a whole number of at least 1.`);
    if (retry.backoffRate !== undefined && !(typeof retry.backoffRate === "number" && retry.backoffRate >= 1)) report(name, `${where} has \`backoffRate: ${retry.backoffRate}\`: use a number of at least 1.0.`);
    if (retry.maxDelaySeconds !== undefined && !isPositiveInteger(retry.maxDelaySeconds)) report(name, `${where} has \`maxDelaySeconds: ${retry.maxDelaySeconds}\`: use a positive whole number.`);
    if (retry.jitter !== undefined && retry.jitter !== "FULL" && retry.jitter !== "NONE") report(name, `${where} has \`jitter: ${JSON.stringify(retry.jitter)}\`: use "FULL" or "NONE".`);
  });
}

function checkCatches(name: string, catches: Catch[] | undefined, report: (step: string, message: string) => void): void {
  (catches ?? []).forEach((c, i) => {
    const where = `catch[${i}]`;
    if (!Array.isArray(c.errors) || c.errors.length === 0) report(name, `${where} has no \`errors\`: list the errors it handles, e.g. ["InsufficientFundsError"].`);
    if (c.errors?.includes("States.ALL") && (c.errors.length > 1 || i !== catches!.length - 1)) {
      report(name, `${where} uses "States.ALL" beside other errors or before another catch: AWS requires "States.ALL" alone, in the last catch.`);
    }
    if (c.resultPath !== undefined && !isPath(c.resultPath)) report(name, `${where} has \`resultPath: ${JSON.stringify(c.resultPath)}\`: a JSONPath must start with "$".`);
  });
}

function checkCondition(name: string, where: string, condition: Condition | undefined, report: (step: string, message: string) => void): void {
  if (!condition || typeof condition !== "object") {
    report(name, `${where} is missing: give a condition such as { variable: "$.amount", numericGreaterThan: 100 }.`);
    return;
  }
  if ("and" in condition || "or" in condition) {
    const list = "and" in condition ? condition.and : (condition as { or: Condition[] }).or;
    if (!Array.isArray(list) || list.length === 0) report(name, `${where} combines no conditions: give \`and\`/\`or\` a non-empty list.`);
    else list.forEach((c, i) => checkCondition(name, `${where}.${"and" in condition ? "and" : "or"}[${i}]`, c, report));
    return;
  }
  if ("not" in condition) {
    checkCondition(name, `${where}.not`, condition.not, report);
    return;
  }
  const { variable, ...rest } = condition as { variable?: string } & Record<string, unknown>;
  if (!isPath(variable)) report(name, `${where} has \`variable: ${JSON.stringify(variable)}\`: it must be a JSONPath such as "$.detail.totalAmount".`);
  const operators = Object.keys(rest);
  const unknown = operators.filter((op) => !COMPARISON_OPERATORS.has(op));
  if (unknown.length > 0) report(name, `${where} uses unknown operator(s) ${unknown.join(", ")}: use an ASL comparison in camelCase, e.g. numericGreaterThan, stringEquals, isPresent.`);
  else if (operators.length !== 1) report(name, `${where} has ${operators.length} comparison operators: use exactly one, or combine conditions with \`and\`/\`or\`.`);
}

function reportUnreachable(steps: readonly Step[], report: (step: string, message: string) => void): void {
  const byName = new Map(steps.filter((s) => s && typeof s === "object").map((s, i) => [s.name, { step: s, following: steps[i + 1] }]));
  const reached = new Set<string>();
  const queue = steps[0] ? [steps[0].name] : [];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (reached.has(name) || !byName.has(name)) continue;
    reached.add(name);
    const { step, following } = byName.get(name)!;
    queue.push(...transitionsOf(step, following));
  }
  for (const step of steps) {
    if (step && typeof step === "object" && !reached.has(step.name)) {
      report(step.name, `is unreachable from "${steps[0].name}": point a \`next\`, choice or catch at it, or remove it.`);
    }
  }
}
