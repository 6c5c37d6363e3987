/**
 * The one walker over ASL definitions: every state at any depth (Parallel `Branches`, Map `ItemProcessor` and
 * legacy `Iterator`) with its path inside the definition and the scope it belongs to. The compiler's tests, the
 * local runner, the graph and the policy pack all walk through here.
 *
 * Safe on untrusted input (a hand-written definition, a resource property under policy): it reads own keys only,
 * keeps states by name in Maps (a state named `__proto__` or `constructor` is a state like any other, and
 * no object's prototype changes), skips what is not ASL-shaped instead of throwing, and stops at cycles.
 */
import type { AslObject } from "./types";

/** One scope of states: the top level, a Parallel branch or a Map item processor. */
export interface Scope {
  /** Path of the scope inside the definition: "" for the top level, e.g. `States.P.Branches[0]` for a branch. */
  path: string;
  /** The scope's `StartAt`, when it is a string. */
  startAt: string | undefined;
  /** The scope's states by name, in declaration order; entries that are not objects are left out. */
  states: ReadonlyMap<string, AslObject>;
  /** The Parallel or Map state that owns this scope; undefined at the top level. */
  owner?: StateRef;
  /** The object the scope was read from (the definition, a branch, an item processor), as it is. */
  container: AslObject;
}

/** A state and where it is. */
export interface StateRef {
  name: string;
  /** Full path inside the definition, e.g. `States.FulfillmentAndNotification.Branches[0].States.FulfillOrder`. */
  path: string;
  /** The state's `Type` when it is a string (`"Task"`, `"Map"`, ...). */
  type: string | undefined;
  state: AslObject;
  scope: Scope;
}

/** Whether `value` is a JSON object (not null, not an array). */
export function isAslObject(value: unknown): value is AslObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value of an own property: never one inherited from Object.prototype (`constructor`, `__proto__`, ...). */
export function ownField(container: object, key: string): unknown {
  return Object.hasOwn(container, key) ? (container as Record<string, unknown>)[key] : undefined;
}

/** The path of state `name` in `scope`. */
export function statePath(scope: Pick<Scope, "path">, name: string): string {
  return scope.path ? `${scope.path}.States.${name}` : `States.${name}`;
}

/**
 * A scope read from a container with `StartAt` and `States` (the definition itself, a branch, an item processor).
 * Anything else yields an empty scope.
 */
export function scopeOf(container: unknown, path = "", owner?: StateRef): Scope {
  const states = new Map<string, AslObject>();
  const record = isAslObject(container) ? container : {};
  const raw = ownField(record, "States");
  if (isAslObject(raw)) {
    for (const name of Object.keys(raw)) {
      const state = raw[name];
      if (isAslObject(state)) states.set(name, state);
    }
  }
  const startAt = ownField(record, "StartAt");
  return { path, startAt: typeof startAt === "string" ? startAt : undefined, states, owner, container: record };
}

/** The states of one scope, in declaration order. */
export function statesOf(scope: Scope): StateRef[] {
  return [...scope.states.keys()].map((name) => stateIn(scope, name) as StateRef);
}

/** State `name` of `scope`, if it has one (a transition's target, say). */
export function stateIn(scope: Scope, name: string): StateRef | undefined {
  const state = scope.states.get(name);
  if (!state) return undefined;
  const type = ownField(state, "Type");
  return { name, path: statePath(scope, name), type: typeof type === "string" ? type : undefined, state, scope };
}

/**
 * The nested scopes a state owns: each of its `Branches`, its `ItemProcessor` and its `Iterator`, whatever its
 * `Type` says (a policy must see a mislabelled state's children too).
 */
export function childScopes(ref: StateRef): Scope[] {
  const scopes: Scope[] = [];
  const branches = ownField(ref.state, "Branches");
  if (Array.isArray(branches)) {
    branches.forEach((branch, i) => {
      if (isAslObject(branch)) scopes.push(scopeOf(branch, `${ref.path}.Branches[${i}]`, ref));
    });
  }
  for (const key of ["ItemProcessor", "Iterator"]) {
    const processor = ownField(ref.state, key);
    if (isAslObject(processor)) scopes.push(scopeOf(processor, `${ref.path}.${key}`, ref));
  }
  return scopes;
}

/** Every scope of a definition: the top level first, then each state's nested scopes, depth-first. */
export function allScopes(definition: unknown): Scope[] {
  return [...traverse(definition)].flatMap((step) => ("scope" in step ? [step.scope] : []));
}

/**
 * Every state at any depth, depth-first in declaration order: each state, then the states of the scopes it owns,
 * then its next sibling. Never throws: what is not ASL-shaped is skipped.
 *
 * @example
 * for (const s of walkStates(JSON.parse(definition))) if (s.type === "Task") console.log(s.path, s.state.Resource);
 * // States.ValidateOrder arn:aws:lambda:...
 * // States.FulfillmentAndNotification.Branches[0].States.FulfillOrder arn:aws:lambda:...
 */
export function* walkStates(definition: unknown): Generator<StateRef> {
  for (const step of traverse(definition)) if ("state" in step) yield step.state;
}

/** The one traversal behind {@link allScopes} and {@link walkStates}: a scope, then each state and the scopes it owns. */
function* traverse(definition: unknown): Generator<{ scope: Scope } | { state: StateRef }> {
  if (!isAslObject(definition)) return;
  const visit = function* (scope: Scope): Generator<{ scope: Scope } | { state: StateRef }> {
    yield { scope };
    for (const ref of statesOf(scope)) {
      yield { state: ref };
      // JSON has no cycles, but an object built in code may hold a state inside its own branch: walk it once.
      if (!ownedBy(scope, ref.state)) for (const child of childScopes(ref)) yield* visit(child);
    }
  };
  yield* visit(scopeOf(definition));
}

/** Whether `state` owns `scope` or one of the scopes around it. */
function ownedBy(scope: Scope, state: AslObject): boolean {
  for (let owner = scope.owner; owner; owner = owner.scope.owner) if (owner.state === state) return true;
  return false;
}

/** The Task states at any depth. */
export function taskStates(definition: unknown): StateRef[] {
  return [...walkStates(definition)].filter((s) => s.type === "Task");
}

/**
 * Every state at any depth by name (ASL names are unique across a state machine; if an untrusted definition
 * repeats one, the first wins).
 *
 * @example
 * stateMap(definition).get("ChargeCard")?.Type // "Task"
 */
export function stateMap(definition: unknown): Map<string, AslObject> {
  const out = new Map<string, AslObject>();
  for (const { name, state } of walkStates(definition)) if (!out.has(name)) out.set(name, state);
  return out;
}

/** The state names a state's normal transitions lead to: `Next`, each Choice rule's `Next`, and `Default`. */
export function normalTransitions(state: AslObject): string[] {
  const out: string[] = [];
  const next = ownField(state, "Next");
  if (typeof next === "string") out.push(next);
  const choices = ownField(state, "Choices");
  if (Array.isArray(choices)) {
    for (const choice of choices) {
      const target = isAslObject(choice) ? ownField(choice, "Next") : undefined;
      if (typeof target === "string") out.push(target);
    }
  }
  const otherwise = ownField(state, "Default");
  if (typeof otherwise === "string") out.push(otherwise);
  return out;
}

/** The state names a state's Catchers lead to, in order. */
export function catchTransitions(state: AslObject): string[] {
  const catchers = ownField(state, "Catch");
  if (!Array.isArray(catchers)) return [];
  return catchers.map((c) => (isAslObject(c) ? ownField(c, "Next") : undefined)).filter((n): n is string => typeof n === "string");
}
