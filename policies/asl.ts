/**
 * The policy pack's view of Amazon States Language: read a state machine definition (string or object, possibly
 * unknown during preview), and judge its states (Retry and Catch rules, timeouts, Lambda references, Task
 * resources, failure paths). Walking the definition (every state at any depth, with its path, e.g.
 * `States.FulfillmentAndNotification.Branches[0].States.FulfillOrder`) is the library's walker, re-exported here
 * so the policies keep importing everything ASL from "./asl".
 *
 * Pure: no Pulumi, no I/O.
 */
import {
  allScopes,
  childScopes,
  jsonataUpperBound,
  jsonataValue,
  messageServiceOf,
  normalTransitions,
  parseIntegrationArn,
  SERVICE_INTEGRATIONS,
  serviceIntegrationOf,
  stateIn,
  statesOf,
  type AslObject,
  type Scope,
  type StateRef,
} from "event-driven-workflow/asl";
import { isRecord, parseJsonProperty } from "./values";

export {
  allScopes,
  childScopes,
  jsonataUpperBound,
  jsonataValue,
  normalTransitions,
  statesOf,
  taskStates,
  walkStates,
} from "event-driven-workflow/asl";
export type { JsonataValue } from "event-driven-workflow/asl";
export type { AslObject, Scope, StateRef } from "event-driven-workflow/asl";

/** A definition read from a resource property. */
export type DefinitionRead =
  | { status: "ok"; definition: AslObject }
  | { status: "unknown"; message: string }
  | { status: "invalid"; message: string };

/**
 * Parses a definition property. `undefined` and the engine's unknown marker both mean "not known yet"
 * (a definition interpolating ARNs of resources that do not exist yet is unknown during preview).
 *
 * @example
 * readDefinition('{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}').status // "ok"
 */
export function readDefinition(value: unknown): DefinitionRead {
  const parsed = parseJsonProperty(value);
  switch (parsed.status) {
    case "unknown":
    case "absent":
      return {
        status: "unknown",
        message:
          "its definition is not known yet (during preview it depends on resources that do not exist yet), so its states cannot be checked now; they are checked on `pulumi up`, or run `pulumi preview` again once those resources exist",
      };
    case "invalid":
      return {
        status: "invalid",
        message: `its definition cannot be read: ${parsed.reason}. Fix: pass a valid Amazon States Language JSON document (e.g. JSON.stringify of an object with StartAt and States)`,
      };
    case "ok": {
      const definition = parsed.value;
      if (!isRecord(definition)) {
        return {
          status: "invalid",
          message: "its definition is not a JSON object. Fix: pass an Amazon States Language document with StartAt and States",
        };
      }
      if (!isRecord(definition.States)) {
        return {
          status: "invalid",
          message: 'its definition has no States object. Fix: add "StartAt" and "States" (Amazon States Language)',
        };
      }
      return { status: "ok", definition };
    }
  }
}

/** A Retry or Catch rule with its index and error names. */
export interface ErrorRule {
  index: number;
  errors: string[];
  rule: AslObject;
}

function rules(state: AslObject, key: "Retry" | "Catch"): ErrorRule[] {
  const list = state[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((rule, index) => {
    if (!isRecord(rule)) return [];
    const errors = Array.isArray(rule.ErrorEquals) ? rule.ErrorEquals.filter((e): e is string => typeof e === "string") : [];
    return [{ index, errors, rule }];
  });
}

export const retriersOf = (state: AslObject): ErrorRule[] => rules(state, "Retry");
export const catchersOf = (state: AslObject): ErrorRule[] => rules(state, "Catch");

/** ASL's default MaxAttempts when a Retrier omits it. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * A Task's timeout as written: a number, a value read from the execution (TimeoutSecondsPath or a JSONata expression,
 * with the upper bound the pack can prove, if any), or none.
 */
export type TaskTimeout = { kind: "seconds"; seconds: unknown } | { kind: "dynamic"; source: string; bound?: number } | { kind: "none" };

export function taskTimeout(state: AslObject): TaskTimeout {
  if (typeof state.TimeoutSecondsPath === "string") return { kind: "dynamic", source: `TimeoutSecondsPath ${state.TimeoutSecondsPath}` };
  const seconds = state.TimeoutSeconds;
  const jsonata = jsonataValue(seconds);
  if (jsonata?.kind === "expression") {
    const bound = jsonataUpperBound(String(seconds));
    return { kind: "dynamic", source: `TimeoutSeconds ${String(seconds)}`, ...(bound !== undefined ? { bound } : {}) };
  }
  // A constant expression ("{% 99999999 %}", "{% $number('99999999') %}") is a fixed timeout in disguise: judge its value.
  if (jsonata?.kind === "constant") return { kind: "seconds", seconds: jsonata.value };
  if (seconds === undefined || seconds === null) return { kind: "none" };
  return { kind: "seconds", seconds };
}

// ---------------------------------------------------------------------------------------------------------
// Lambda references and integration ARNs
// ---------------------------------------------------------------------------------------------------------

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const LAMBDA_PARTIAL_ARN = /^(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const LAMBDA_NAME = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;

/** A reference to a Lambda function: its name, and its unqualified ARN when the reference is a full ARN. */
export interface FunctionReference {
  name: string;
  arn?: string;
  /** Where the reference was found: "Resource" or "Parameters.FunctionName". */
  via: string;
}

/** Parses a function name, partial ARN (`123456789012:function:name`) or ARN, with or without a qualifier. */
export function parseFunctionReference(value: string): { name: string; arn?: string } | undefined {
  let m = LAMBDA_FUNCTION_ARN.exec(value);
  if (m) {
    const [, , , name, qualifier] = m;
    return { name, arn: qualifier ? value.slice(0, value.length - qualifier.length - 1) : value };
  }
  m = LAMBDA_PARTIAL_ARN.exec(value);
  if (m) return { name: m[2] };
  m = LAMBDA_NAME.exec(value);
  if (m) return { name: m[1] };
  return undefined;
}

/**
 * The Lambda function a Task invokes, if it names one statically: a function ARN as `Resource`, or
 * `arn:aws:states:::lambda:invoke[...]` with `Parameters.FunctionName` (or JSONata `Arguments.FunctionName`).
 */
export function lambdaReferenceOf(task: AslObject): FunctionReference | undefined {
  const resource = task.Resource;
  if (typeof resource !== "string") return undefined;
  if (LAMBDA_FUNCTION_ARN.test(resource)) {
    const parsed = parseFunctionReference(resource);
    return parsed && { ...parsed, via: "Resource" };
  }
  if (serviceIntegrationOf(resource, { anyPattern: true }) === "lambdaInvoke") {
    for (const key of ["Parameters", "Arguments"]) {
      const bag = task[key];
      if (!isRecord(bag)) continue;
      // A JSONata string literal names the function as surely as a plain string does.
      const jsonata = jsonataValue(bag.FunctionName);
      const name = jsonata?.kind === "constant" ? jsonata.value : jsonata ? undefined : bag.FunctionName;
      if (typeof name === "string") {
        const parsed = parseFunctionReference(name);
        if (parsed) return { ...parsed, via: `${key}.FunctionName` };
      }
    }
  }
  return undefined;
}

/** How a Task's Resource reaches AWS. */
export type ResourceKind =
  | { kind: "integration"; service: string; action: string }
  | { kind: "lambda-function" }
  | { kind: "activity" }
  | { kind: "not-an-integration"; service: string; hint: string }
  | { kind: "dynamic-or-unknown" };

/**
 * Classifies a Task `Resource`. AWS accepts only service integrations (`arn:aws:states:::service:action`),
 * Lambda function ARNs and activity ARNs; a topic, queue or state machine ARN is rejected at deploy time.
 */
export function classifyTaskResource(resource: unknown): ResourceKind {
  if (typeof resource !== "string" || resource === "" || resource.startsWith("{%")) return { kind: "dynamic-or-unknown" };
  const integration = parseIntegrationArn(resource);
  if (integration) return { kind: "integration", service: integration.service, action: integration.action };
  if (LAMBDA_FUNCTION_ARN.test(resource)) return { kind: "lambda-function" };
  if (/^arn:aws[a-zA-Z-]*:states:[a-z0-9-]+:\d{12}:activity:/.test(resource)) return { kind: "activity" };
  const service = /^arn:aws[a-zA-Z-]*:([a-z0-9-]+):/.exec(resource)?.[1] ?? "unknown";
  const hints: Record<string, string> = {
    sns: `use "Resource": "${SERVICE_INTEGRATIONS.snsPublish}" with "Parameters": { "TopicArn": "<topic ARN>", "Message.$": "$" }`,
    sqs: `use "Resource": "${SERVICE_INTEGRATIONS.sqsSendMessage}" with "Parameters": { "QueueUrl": "<queue URL>", "MessageBody.$": "$" }`,
    states:
      'use "Resource": "arn:aws:states:::states:startExecution.sync:2" with "Parameters": { "StateMachineArn": "<state machine ARN>", "Input.$": "$" }',
    events: `use "Resource": "${SERVICE_INTEGRATIONS.eventsPutEvents}" with "Parameters": { "Entries": [...] }`,
    lambda: `use the function's ARN (arn:aws:lambda:<region>:<account>:function:<name>) or "${SERVICE_INTEGRATIONS.lambdaInvoke}" with "Parameters": { "FunctionName": "<function ARN>" }`,
  };
  return {
    kind: "not-an-integration",
    service,
    hint: hints[service] ?? "use the service integration ARN arn:aws:states:::<service>:<action> and pass the resource in Parameters",
  };
}

/** Task resources whose effect someone can see after the fact: a notification, a queued message, an event, a Lambda. */
export function isObservableTask(state: AslObject, extraResourcePrefixes: readonly string[] = []): boolean {
  if (state.Type !== "Task" || typeof state.Resource !== "string") return false;
  const resource = state.Resource;
  if (extraResourcePrefixes.some((prefix) => resource.startsWith(prefix))) return true;
  if (classifyTaskResource(resource).kind === "lambda-function") return true;
  // Any integration pattern: a message sent with .waitForTaskToken is still sent.
  return (
    messageServiceOf(resource, { anyPattern: true }) !== undefined ||
    serviceIntegrationOf(resource, { anyPattern: true }) === "lambdaInvoke"
  );
}

// ---------------------------------------------------------------------------------------------------------
// Failure paths
// ---------------------------------------------------------------------------------------------------------

/** A Catch whose target can reach the end of its scope without passing anything observable. */
export interface UnobservedFailurePath {
  catcher: StateRef;
  catchIndex: number;
  errors: string[];
  /** State names from the Catch target to where the path ends, in order. */
  path: string[];
  /** How the path ends, e.g. `Fail state "PaymentFailedEnd"` or `"LogFulfillmentFailure" (Pass, End)`. */
  ending: string;
}

/**
 * For every Catch at any depth, looks for a way from its target to the end of the scope that passes no
 * observable state (see {@link isObservableTask}; a Parallel or Map containing one counts as observable).
 * Inside a Parallel branch or Map processor, a path that ends in a Fail state is not reported: the error
 * propagates to the owning state, whose own Catch (or the execution's failure) is judged instead.
 */
export function unobservedFailurePaths(definition: AslObject, extraResourcePrefixes: readonly string[] = []): UnobservedFailurePath[] {
  const out: UnobservedFailurePath[] = [];
  const observableCache = new Map<AslObject, boolean>();
  const observable = (ref: StateRef): boolean => {
    const cached = observableCache.get(ref.state);
    if (cached !== undefined) return cached;
    // Set before descending, so a state that (in code, not JSON) holds itself ends the recursion.
    observableCache.set(ref.state, false);
    const result = isObservableTask(ref.state, extraResourcePrefixes) || childScopes(ref).some((scope) => statesOf(scope).some(observable));
    observableCache.set(ref.state, result);
    return result;
  };

  for (const scope of allScopes(definition)) {
    const nested = scope.owner !== undefined;
    for (const ref of statesOf(scope)) {
      for (const catcher of catchersOf(ref.state)) {
        const target = typeof catcher.rule.Next === "string" ? catcher.rule.Next : undefined;
        if (target === undefined) continue;
        const found = findUnobservedPath(scope, target, nested, observable);
        if (found) out.push({ catcher: ref, catchIndex: catcher.index, errors: catcher.errors, ...found });
      }
    }
  }
  return out;
}

function findUnobservedPath(
  scope: Scope,
  start: string,
  nested: boolean,
  observable: (ref: StateRef) => boolean,
): { path: string[]; ending: string } | undefined {
  // Breadth-first, so the reported path is the shortest unobserved one.
  const queue: string[][] = [[start]];
  const visited = new Set<string>([start]);
  while (queue.length > 0) {
    const path = queue.shift()!;
    const name = path[path.length - 1];
    const ref = stateIn(scope, name);
    if (!ref) return { path, ending: `"${name}", which does not exist in this scope` };
    if (observable(ref)) continue;
    const type = ref.type ?? "state";
    if (type === "Fail") {
      if (!nested) return { path, ending: `Fail state "${name}"` };
      continue;
    }
    const next = normalTransitions(ref.state);
    if (type === "Succeed" || ref.state.End === true || next.length === 0) {
      const after = continueAfterOwner(scope, observable);
      if (after === "observed") continue;
      if (after) return { path: [...path, ...after.path], ending: after.ending };
      return { path, ending: type === "Succeed" ? `Succeed state "${name}"` : `"${name}" (${type}, End)` };
    }
    for (const n of next) {
      if (!visited.has(n)) {
        visited.add(n);
        queue.push([...path, n]);
      }
    }
  }
  return undefined;
}

/**
 * A branch or iteration that ends normally hands its output (a caught error included) to whatever follows its
 * Parallel or Map: the failure path goes on there. Returns "observed" when every continuation is observed, the
 * unobserved continuation otherwise, or undefined when nothing follows (the top level, or an owner that ends).
 */
function continueAfterOwner(
  scope: Scope,
  observable: (ref: StateRef) => boolean,
): "observed" | { path: string[]; ending: string } | undefined {
  const owner = scope.owner;
  if (!owner) return undefined;
  const transitions = normalTransitions(owner.state);
  if (transitions.length === 0 || owner.state.End === true) {
    const further = continueAfterOwner(owner.scope, observable);
    return further === "observed" || further === undefined
      ? further
      : { path: [`(after ${owner.name})`, ...further.path], ending: further.ending };
  }
  for (const next of transitions) {
    const found = findUnobservedPath(owner.scope, next, owner.scope.owner !== undefined, observable);
    if (found) return { path: [`(after ${owner.name})`, ...found.path], ending: found.ending };
  }
  return "observed";
}
