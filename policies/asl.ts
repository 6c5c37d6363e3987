/**
 * Amazon States Language helpers for the policy pack: read a state machine definition (string or object,
 * possibly unknown during preview) and walk every state at any depth (Parallel branches, Map item
 * processors), with the state's path inside the definition, e.g.
 * `States.FulfillmentAndNotification.Branches[0].States.FulfillOrder`.
 *
 * Pure: no Pulumi, no I/O. The failure-path analysis lives here too.
 */
import { isRecord, parseJsonProperty } from "./values";

export type AslObject = Record<string, unknown>;

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
        message: "its definition is not known yet (during preview it depends on resources that do not exist yet), so its states cannot be checked now; they are checked on `pulumi up`, or run `pulumi preview` again once those resources exist",
      };
    case "invalid":
      return { status: "invalid", message: `its definition cannot be read: ${parsed.reason}. Fix: pass a valid Amazon States Language JSON document (e.g. JSON.stringify of an object with StartAt and States)` };
    case "ok": {
      const definition = parsed.value;
      if (!isRecord(definition)) {
        return { status: "invalid", message: "its definition is not a JSON object. Fix: pass an Amazon States Language document with StartAt and States" };
      }
      if (!isRecord(definition.States)) {
        return { status: "invalid", message: "its definition has no States object. Fix: add \"StartAt\" and \"States\" (Amazon States Language)" };
      }
      return { status: "ok", definition };
    }
  }
}

/** One scope of states: the top level, a Parallel branch or a Map item processor. */
export interface Scope {
  /** Path prefix of the scope's states: "" for the top level, "States.P.Branches[0]" for a branch. */
  path: string;
  startAt: string | undefined;
  states: Record<string, AslObject>;
  /** The Parallel or Map state that owns this scope; undefined at the top level. */
  owner?: Pick<StateRef, "path" | "state">;
}

/** A state and where it is. */
export interface StateRef {
  name: string;
  /** Full path inside the definition, e.g. `States.P.Branches[0].States.FulfillOrder`. */
  path: string;
  type: string | undefined;
  state: AslObject;
  scope: Scope;
}

function statePath(scope: Scope, name: string): string {
  return scope.path ? `${scope.path}.States.${name}` : `States.${name}`;
}

function scopeOf(container: AslObject, path: string, owner: Pick<StateRef, "path" | "state"> | undefined): Scope {
  const states: Record<string, AslObject> = {};
  if (isRecord(container.States)) {
    for (const [name, state] of Object.entries(container.States)) if (isRecord(state)) states[name] = state;
  }
  return { path, startAt: typeof container.StartAt === "string" ? container.StartAt : undefined, states, owner };
}

/** The nested scopes a state owns (Parallel `Branches`, Map `ItemProcessor` or legacy `Iterator`). */
export function childScopes(ref: Pick<StateRef, "path" | "state">): Scope[] {
  const scopes: Scope[] = [];
  if (Array.isArray(ref.state.Branches)) {
    ref.state.Branches.forEach((branch, i) => {
      if (isRecord(branch)) scopes.push(scopeOf(branch, `${ref.path}.Branches[${i}]`, ref));
    });
  }
  for (const key of ["ItemProcessor", "Iterator"]) {
    const processor = ref.state[key];
    if (isRecord(processor)) scopes.push(scopeOf(processor, `${ref.path}.${key}`, ref));
  }
  return scopes;
}

/** Every scope of the definition, the top level first, then nested scopes depth-first. */
export function allScopes(definition: AslObject): Scope[] {
  const out: Scope[] = [];
  const visit = (scope: Scope): void => {
    out.push(scope);
    for (const ref of statesOf(scope)) for (const child of childScopes(ref)) visit(child);
  };
  visit(scopeOf(definition, "", undefined));
  return out;
}

/** The states of one scope, in declaration order. */
export function statesOf(scope: Scope): StateRef[] {
  return Object.entries(scope.states).map(([name, state]) => ({
    name,
    path: statePath(scope, name),
    type: typeof state.Type === "string" ? state.Type : undefined,
    state,
    scope,
  }));
}

/**
 * Every state at any depth, parents before their children.
 *
 * @example
 * for (const s of walkStates(def)) if (s.type === "Task") console.log(s.path);
 */
export function* walkStates(definition: AslObject): Generator<StateRef> {
  for (const scope of allScopes(definition)) yield* statesOf(scope);
}

/** The Task states at any depth. */
export function taskStates(definition: AslObject): StateRef[] {
  return [...walkStates(definition)].filter((s) => s.type === "Task");
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
 * A Task's timeout as written: a number, a reference (TimeoutSecondsPath or a JSONata expression), or none.
 */
export type TaskTimeout = { kind: "seconds"; seconds: unknown } | { kind: "dynamic"; source: string } | { kind: "none" };

export function taskTimeout(state: AslObject): TaskTimeout {
  if (typeof state.TimeoutSecondsPath === "string") return { kind: "dynamic", source: `TimeoutSecondsPath ${state.TimeoutSecondsPath}` };
  const seconds = state.TimeoutSeconds;
  if (typeof seconds === "string" && seconds.trim().startsWith("{%")) return { kind: "dynamic", source: `TimeoutSeconds ${seconds}` };
  if (seconds === undefined || seconds === null) return { kind: "none" };
  return { kind: "seconds", seconds };
}

/** Normal (non-error) transitions of a state: Next, Choice rules and Default. */
export function normalTransitions(state: AslObject): string[] {
  const out: string[] = [];
  if (typeof state.Next === "string") out.push(state.Next);
  if (Array.isArray(state.Choices)) {
    for (const choice of state.Choices) if (isRecord(choice) && typeof choice.Next === "string") out.push(choice.Next);
  }
  if (typeof state.Default === "string") out.push(state.Default);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Lambda references and integration ARNs
// ---------------------------------------------------------------------------------------------------------

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const LAMBDA_PARTIAL_ARN = /^(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const LAMBDA_NAME = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const SERVICE_INTEGRATION = /^arn:aws[a-zA-Z-]*:states:::([a-zA-Z0-9-]+):([a-zA-Z0-9]+)(\.[a-zA-Z0-9:.]+)?$/;

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
  const integration = SERVICE_INTEGRATION.exec(resource);
  if (integration && integration[1] === "lambda" && integration[2] === "invoke") {
    for (const key of ["Parameters", "Arguments"]) {
      const bag = task[key];
      if (isRecord(bag) && typeof bag.FunctionName === "string" && !bag.FunctionName.startsWith("{%")) {
        const parsed = parseFunctionReference(bag.FunctionName);
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
  const integration = SERVICE_INTEGRATION.exec(resource);
  if (integration) return { kind: "integration", service: integration[1], action: integration[2] };
  if (LAMBDA_FUNCTION_ARN.test(resource)) return { kind: "lambda-function" };
  if (/^arn:aws[a-zA-Z-]*:states:[a-z0-9-]+:\d{12}:activity:/.test(resource)) return { kind: "activity" };
  const service = /^arn:aws[a-zA-Z-]*:([a-z0-9-]+):/.exec(resource)?.[1] ?? "unknown";
  const hints: Record<string, string> = {
    sns: "use \"Resource\": \"arn:aws:states:::sns:publish\" with \"Parameters\": { \"TopicArn\": \"<topic ARN>\", \"Message.$\": \"$\" }",
    sqs: "use \"Resource\": \"arn:aws:states:::sqs:sendMessage\" with \"Parameters\": { \"QueueUrl\": \"<queue URL>\", \"MessageBody.$\": \"$\" }",
    states: "use \"Resource\": \"arn:aws:states:::states:startExecution.sync:2\" with \"Parameters\": { \"StateMachineArn\": \"<state machine ARN>\", \"Input.$\": \"$\" }",
    events: "use \"Resource\": \"arn:aws:states:::events:putEvents\" with \"Parameters\": { \"Entries\": [...] }",
    lambda: "use the function's ARN (arn:aws:lambda:<region>:<account>:function:<name>) or \"arn:aws:states:::lambda:invoke\" with \"Parameters\": { \"FunctionName\": \"<function ARN>\" }",
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
  const kind = classifyTaskResource(resource);
  if (kind.kind === "lambda-function") return true;
  if (kind.kind !== "integration") return false;
  return (kind.service === "sns" && kind.action === "publish")
    || (kind.service === "sqs" && kind.action === "sendMessage")
    || (kind.service === "events" && kind.action === "putEvents")
    || (kind.service === "lambda" && kind.action === "invoke");
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
  const observable = (state: AslObject, path: string): boolean => {
    const cached = observableCache.get(state);
    if (cached !== undefined) return cached;
    let result = isObservableTask(state, extraResourcePrefixes);
    if (!result) result = childScopes({ path, state }).some((scope) => statesOf(scope).some((s) => observable(s.state, s.path)));
    observableCache.set(state, result);
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
  observable: (state: AslObject, path: string) => boolean,
): { path: string[]; ending: string } | undefined {
  // Breadth-first, so the reported path is the shortest unobserved one.
  const queue: string[][] = [[start]];
  const visited = new Set<string>([start]);
  while (queue.length > 0) {
    const path = queue.shift()!;
    const name = path[path.length - 1];
    const state = scope.states[name];
    if (!state) return { path, ending: `"${name}", which does not exist in this scope` };
    if (observable(state, statePath(scope, name))) continue;
    const type = typeof state.Type === "string" ? state.Type : "state";
    if (type === "Fail") {
      if (!nested) return { path, ending: `Fail state "${name}"` };
      continue;
    }
    const next = normalTransitions(state);
    if (type === "Succeed" || state.End === true || next.length === 0) {
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
  observable: (state: AslObject, path: string) => boolean,
): "observed" | { path: string[]; ending: string } | undefined {
  const owner = scope.owner as Partial<StateRef> | undefined;
  if (!owner?.scope || !owner.name || !owner.state) return undefined;
  const transitions = normalTransitions(owner.state);
  if (transitions.length === 0 || owner.state.End === true) {
    const further = continueAfterOwner(owner.scope, observable);
    return further === "observed" || further === undefined ? further : { path: [`(after ${owner.name})`, ...further.path], ending: further.ending };
  }
  for (const next of transitions) {
    const found = findUnobservedPath(owner.scope, next, owner.scope.owner !== undefined, observable);
    if (found) return { path: [`(after ${owner.name})`, ...found.path], ending: found.ending };
  }
  return "observed";
}
