/**
 * The worst-case time budget of a workflow: for every path through its definition, the longest time an execution
 * can spend on it, as AWS counts time (task timeouts times attempts, retry intervals with backoff and caps, Waits,
 * callback waits, Parallel branches, Map batches). Pure: it reads any ASL definition (JSONPath or JSONata, ours or
 * hand-written) through the one walker, so the component's validation, the policy pack and `edw-local graph` all
 * show the same figures.
 *
 * What the definition cannot bound (a wait read from the input, a Map over an undeclared number of items, a loop)
 * is named, not guessed. Declarations the ASL has no field for travel as notes in a state's `Comment` (see
 * {@link timeBudgetNote}), so a deployed definition carries them to the policy pack.
 */
import type { Step } from "../steps/types";
import { compileDefinition } from "./compile";
import { allSteps, taskSteps } from "./walk";
import {
  catchTransitions,
  isAslObject,
  normalTransitions,
  ownField,
  scopeOf,
  stateIn,
  walkStates,
  type Scope,
  type StateRef,
} from "../asl/walk";
import type { AslObject } from "../asl/types";
import { jsonataUpperBound, jsonataValue } from "../asl/jsonata";
import { timeBudgetNote, type TimeBudgetNote } from "./timeBudgetNote";

/** The worst case of one state, alone (its retries included; for Parallel and Map, its inner states too). */
export interface StateTimeBudget {
  name: string;
  /** Where the state is in the definition, e.g. `States.FulfillmentAndNotification.Branches[0].States.FulfillOrder`. */
  path: string;
  type: string | undefined;
  /** Worst-case seconds; when not `bounded`, the part that is bounded. */
  seconds: number;
  bounded: boolean;
  /** Why the state has no bound (e.g. "TimeoutSecondsPath reads its timeout from the execution"). */
  unbounded?: string;
  /** How the figure is made, e.g. "6 attempts x 30 s + 19 s of retry intervals". */
  detail: string;
}

/** The worst case of one path from the start to an end of the execution. */
export interface PathTimeBudget {
  /** The top-level states the path runs, in order. */
  states: string[];
  seconds: number;
  bounded: boolean;
  /** The state that takes the largest share (the unbounded one when there is one); nested states are named through their Parallel or Map. */
  dominant: string;
  /** Set when the path turns back to a state it already ran: a loop, whose turns nothing bounds. */
  loopsBackTo?: string;
  /** Why the path has no bound, one line per cause. */
  unbounded: string[];
}

/** A definition's time budget. */
export interface TimeBudget {
  /** Every state at any depth, in definition order. */
  states: StateTimeBudget[];
  /** Every path through the top level (at most {@link MAX_LISTED_PATHS}; see `truncated`), worst first. */
  paths: PathTimeBudget[];
  /** The path that binds: an unbounded one if any, else the longest. */
  worst: PathTimeBudget;
  /** True when the definition has more paths than {@link MAX_LISTED_PATHS}; `worst` is still exact. */
  truncated: boolean;
  /** The definition's own top-level TimeoutSeconds, when it sets a number. */
  executionTimeoutSeconds?: number;
}

/** How many paths a budget lists; a definition with more keeps its exact worst path. */
export const MAX_LISTED_PATHS = 1000;

/** What AWS waits for a Task without TimeoutSeconds. */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

/** ASL's Retrier defaults. */
const RETRIER_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 };

/** Iterations an inline Map runs at once when MaxConcurrency is 0 or absent (AWS's documented ceiling); distributed: child executions. */
const MAP_CONCURRENCY_CEILING = { INLINE: 40, DISTRIBUTED: 10_000 };

/**
 * The worst-case time budget of a step list (compiled with placeholder ARNs, which do not change any duration).
 *
 * @throws {@link WorkflowDefinitionError} when the step list is invalid.
 * @example
 * const budget = timeBudget(steps, { timeoutSeconds: 300 });
 * budget.worst.seconds; // 412
 * budget.worst.states; // ["ValidateOrder", "ChargeCard", "ReconcilePayment", ...]
 */
export function timeBudget(steps: readonly Step[], options: { timeoutSeconds?: number } = {}): TimeBudget {
  const functionArns = Object.fromEntries(
    taskSteps(steps).map((t) => [t.name, `arn:aws:lambda:us-east-1:123456789012:function:${t.name}`]),
  );
  const definition = compileDefinition(
    steps,
    {
      functionArns,
      alertTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
      deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
      defaultEventBusName: "default",
      // A child's ARN may be an Output until deploy time: its duration is the step's own timeout either way.
      childStateMachineArns: Object.fromEntries(
        allSteps(steps)
          .filter((s) => s.kind === "startWorkflow")
          .map((s) => [s.name, `arn:aws:states:us-east-1:123456789012:stateMachine:${s.name}`]),
      ),
    },
    { timeoutSeconds: options.timeoutSeconds },
  );
  return timeBudgetOfDefinition(definition);
}

/**
 * The worst-case time budget of any ASL definition (object or JSON string). Never throws on what is not ASL-shaped.
 *
 * Per state: a Task's TimeoutSeconds times its attempts (1 + the MaxAttempts of every retrier that some error can
 * reach; each retrier counts its own attempts), plus each retrier's intervals (IntervalSeconds x BackoffRate^n,
 * capped at MaxDelaySeconds; with FULL jitter the interval is at most the un-jittered one); a callback waits its
 * TimeoutSeconds (heartbeats do not extend it); a Wait its Seconds; a Parallel its slowest branch; a Map its
 * slowest item times ceil(items / MaxConcurrency). Per path: the sum of its states, following Next, Choice rules
 * and Catch edges (a caught state has used all its retries first).
 *
 * @example
 * timeBudgetOfDefinition({ StartAt: "A", States: { A: { Type: "Wait", Seconds: 5, End: true } } }).worst.seconds // 5
 */
export function timeBudgetOfDefinition(definition: unknown): TimeBudget {
  const root = typeof definition === "string" ? parseJson(definition) : definition;
  const jsonata = isAslObject(root) && ownField(root, "QueryLanguage") === "JSONata";
  const states = new Map<AslObject, StateTimeBudget>();
  const cost = (ref: StateRef, inJsonata: boolean): StateTimeBudget => {
    const known = states.get(ref.state);
    if (known) return known;
    const budget = stateBudget(ref, inJsonata, (scope, lang) => scopeWorst(scope, (r) => cost(r, lang)));
    states.set(ref.state, budget);
    return budget;
  };
  const scope = scopeOf(root);
  const top = (ref: StateRef) => cost(ref, languageOf(ref.state, jsonata));
  const worst = scopeWorst(scope, top);
  const { paths, truncated } = listPaths(scope, top);
  const timeout = isAslObject(root) ? ownField(root, "TimeoutSeconds") : undefined;
  return {
    // Every state at any depth, in definition order (those no path reaches included).
    states: [...walkStates(root)].map((ref) => states.get(ref.state) ?? cost(ref, jsonata)),
    paths,
    worst,
    truncated,
    ...(typeof timeout === "number" ? { executionTimeoutSeconds: timeout } : {}),
  };
}

/** Whether a path is worse than another: unbounded first, then longer. */
export function compareWorst(a: Pick<PathTimeBudget, "bounded" | "seconds">, b: Pick<PathTimeBudget, "bounded" | "seconds">): number {
  if (a.bounded !== b.bounded) return a.bounded ? 1 : -1;
  return b.seconds - a.seconds;
}

/** `90` -> "90 s", `3725` -> "3725 s (1 h 2 min 5 s)". */
export function formatDuration(seconds: number): string {
  const rounded = Math.round(seconds * 1000) / 1000;
  if (rounded < 60) return `${rounded} s`;
  const parts = [
    [Math.floor(rounded / 86_400), "d"],
    [Math.floor((rounded % 86_400) / 3600), "h"],
    [Math.floor((rounded % 3600) / 60), "min"],
    [Math.round((rounded % 60) * 1000) / 1000, "s"],
  ].filter(([n]) => n !== 0);
  return `${rounded} s (${parts.map(([n, unit]) => `${n} ${unit}`).join(" ")})`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function languageOf(state: AslObject, inherited: boolean): boolean {
  const own = ownField(state, "QueryLanguage");
  return own === "JSONata" ? true : own === "JSONPath" ? false : inherited;
}

/** A number the definition fixes: a number, or a JSONata constant (`"{% 30 %}"`, `"{% 60 * 5 %}"`); undefined for anything read from the execution. */
function fixedNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  const jsonata = jsonataValue(value);
  return jsonata?.kind === "constant" && typeof jsonata.value === "number" ? jsonata.value : undefined;
}

/**
 * The largest value a number of the definition can take: a fixed one, or the bound a JSONata expression provably
 * keeps (`"{% $min([$states.input.t, 300]) %}"` is at most 300); undefined when the execution decides it unbounded.
 * For durations, attempts and item counts, where the larger value is the worse case.
 */
function upperBoundOf(value: unknown): number | undefined {
  return fixedNumber(value) ?? (typeof value === "string" ? jsonataUpperBound(value) : undefined);
}

type ScopeWorst = (scope: Scope, jsonata: boolean) => PathTimeBudget;

/** One attempt's bound, before retries: a Task's timeout, a Wait, a Parallel's slowest branch, a Map's batches. */
interface Attempt {
  seconds: number;
  unbounded?: string;
  detail: string;
}

function stateBudget(ref: StateRef, jsonata: boolean, worstOf: ScopeWorst): StateTimeBudget {
  const lang = languageOf(ref.state, jsonata);
  const note = timeBudgetNote(ownField(ref.state, "Comment"));
  const attempt = attemptOf(ref, lang, note, worstOf);
  const retried = withRetries(ref.state, attempt);
  return {
    name: ref.name,
    path: ref.path,
    type: ref.type,
    seconds: retried.seconds,
    bounded: retried.unbounded === undefined,
    ...(retried.unbounded !== undefined ? { unbounded: retried.unbounded } : {}),
    detail: retried.detail,
  };
}

function attemptOf(ref: StateRef, jsonata: boolean, note: TimeBudgetNote, worstOf: ScopeWorst): Attempt {
  const state = ref.state;
  const field = (key: string) => ownField(state, key);
  const declared = (what: string): Attempt =>
    note.maxSeconds !== undefined
      ? { seconds: note.maxSeconds, detail: `${note.maxSeconds} s (declared maxSeconds; ${what})` }
      : { seconds: 0, unbounded: `${ref.name}: ${what}, and no maxSeconds bounds it`, detail: `unbounded: ${what}` };
  switch (ref.type) {
    case "Task": {
      if (typeof field("TimeoutSecondsPath") === "string")
        return declared(`TimeoutSecondsPath ${field("TimeoutSecondsPath")} reads its timeout from the execution`);
      const raw = field("TimeoutSeconds");
      if (raw === undefined)
        return {
          seconds: 0,
          unbounded: `${ref.name}: no TimeoutSeconds, so AWS waits up to ${DEFAULT_TASK_TIMEOUT_SECONDS} s`,
          detail: "unbounded: no TimeoutSeconds",
        };
      const seconds = upperBoundOf(raw);
      if (seconds === undefined) return declared(`TimeoutSeconds ${JSON.stringify(raw)} is read from the execution`);
      return { seconds, detail: `${seconds} s timeout` };
    }
    case "Wait": {
      const seconds = field("Seconds");
      if (seconds !== undefined) {
        const literal = upperBoundOf(seconds);
        return literal !== undefined
          ? { seconds: literal, detail: `waits ${literal} s` }
          : declared(`Seconds ${JSON.stringify(seconds)} is read from the execution`);
      }
      const source = ["SecondsPath", "TimestampPath", "Timestamp"].find((key) => field(key) !== undefined) ?? "Seconds";
      return declared(`${source} ${JSON.stringify(field(source) ?? null)} waits until a time the definition does not fix`);
    }
    case "Parallel": {
      const branches = asArray(field("Branches")).map((branch, i) => worstOf(scopeOf(branch, `${ref.path}.Branches[${i}]`, ref), jsonata));
      if (branches.length === 0) return { seconds: 0, detail: "no branches" };
      const slowest = [...branches].sort(compareWorst)[0];
      return {
        seconds: slowest.seconds,
        ...(slowest.bounded ? {} : { unbounded: slowest.unbounded.join("; ") }),
        detail: `slowest branch ${slowest.states.join(" > ")} (${slowest.seconds} s)`,
      };
    }
    case "Map":
      return mapAttempt(ref, jsonata, note, worstOf);
    default:
      return { seconds: 0, detail: "no wait" };
  }
}

function mapAttempt(ref: StateRef, jsonata: boolean, note: TimeBudgetNote, worstOf: ScopeWorst): Attempt {
  const state = ref.state;
  const key = isAslObject(ownField(state, "ItemProcessor")) ? "ItemProcessor" : "Iterator";
  const processor = ownField(state, key);
  const item = worstOf(scopeOf(processor, `${ref.path}.${key}`, ref), jsonata);
  const config = isAslObject(processor) ? ownField(processor, "ProcessorConfig") : undefined;
  const mode = isAslObject(config) && ownField(config, "Mode") === "DISTRIBUTED" ? "DISTRIBUTED" : "INLINE";
  const reader = ownField(state, "ItemReader");
  const readerConfig = isAslObject(reader) ? ownField(reader, "ReaderConfig") : undefined;
  const readerMax = isAslObject(readerConfig) ? upperBoundOf(ownField(readerConfig, "MaxItems")) : undefined;
  const items = note.maxItems ?? readerMax;
  const maxConcurrency = ownField(state, "MaxConcurrency");
  const literalConcurrency = fixedNumber(maxConcurrency);
  // MaxConcurrencyPath (or a JSONata value) is read from the execution: assume the worst, one item at a time.
  const concurrency =
    maxConcurrency === undefined && ownField(state, "MaxConcurrencyPath") === undefined
      ? MAP_CONCURRENCY_CEILING[mode]
      : literalConcurrency === undefined
        ? 1
        : literalConcurrency === 0
          ? MAP_CONCURRENCY_CEILING[mode]
          : literalConcurrency;
  const itemWhy = item.bounded ? "" : item.unbounded.join("; ");
  if (items === undefined) {
    const what = `${ref.name}: the number of items is not bounded (declare maxItems)`;
    return {
      seconds: item.seconds,
      unbounded: itemWhy ? `${what}; ${itemWhy}` : what,
      detail: `unbounded: items not bounded; one item ${item.seconds} s`,
    };
  }
  const batches = Math.ceil(items / concurrency);
  return {
    seconds: batches * item.seconds,
    ...(itemWhy ? { unbounded: itemWhy } : {}),
    detail: `${batches} batch${batches === 1 ? "" : "es"} (${items} items, ${concurrency} at a time) x ${item.seconds} s per item`,
  };
}

/** An attempt repeated by the state's retriers: each retrier reachable by some error adds its MaxAttempts and its intervals. */
function withRetries(state: AslObject, attempt: Attempt): Attempt {
  const retriers = asArray(ownField(state, "Retry")).filter(isAslObject);
  let attempts = 1;
  let intervals = 0;
  let unbounded = attempt.unbounded;
  const seen = new Set<string>();
  for (const retrier of retriers) {
    const errors = asArray(ownField(retrier, "ErrorEquals")).filter((e): e is string => typeof e === "string");
    // A retrier whose every error an earlier one already takes is never used: AWS applies the first that matches.
    const reachable = errors.some((e) => !shadowed(e, seen));
    for (const e of errors) seen.add(e);
    if (!reachable) continue;
    const max = value(retrier, "MaxAttempts");
    const interval = value(retrier, "IntervalSeconds");
    const rate = value(retrier, "BackoffRate");
    const cap = ownField(retrier, "MaxDelaySeconds") === undefined ? undefined : value(retrier, "MaxDelaySeconds");
    if (
      max === undefined ||
      interval === undefined ||
      rate === undefined ||
      (cap === undefined && ownField(retrier, "MaxDelaySeconds") !== undefined)
    ) {
      unbounded ??= `a retrier of ${errors.join(", ")} reads its settings from the execution`;
      continue;
    }
    attempts += max;
    // Closed forms once the interval stops growing (capped, or a rate of 1), so MaxAttempts 99999999 costs nothing.
    for (let n = 0; n < max && Number.isFinite(intervals); n++) {
      const wait = interval * rate ** n;
      if (cap !== undefined && wait >= cap) {
        intervals += (max - n) * cap;
        break;
      }
      if (rate <= 1) {
        intervals += (max - n) * wait;
        break;
      }
      intervals += wait;
    }
  }
  const seconds = attempts * attempt.seconds + intervals;
  const retryPart = attempts === 1 ? "" : ` x ${attempts} attempts + ${round(intervals)} s of retry intervals`;
  return {
    seconds: round(seconds),
    ...(unbounded !== undefined ? { unbounded } : {}),
    detail: retryPart ? `${attempt.detail}${retryPart}` : attempt.detail,
  };

  function value(retrier: AslObject, key: keyof typeof RETRIER_DEFAULTS | "MaxDelaySeconds"): number | undefined {
    const raw = ownField(retrier, key);
    if (raw === undefined) return key === "MaxDelaySeconds" ? undefined : RETRIER_DEFAULTS[key];
    return upperBoundOf(raw);
  }
}

/**
 * Whether an error name is always taken by an earlier retrier's list. `States.TaskFailed` takes every error but
 * `States.Timeout`; it is trusted to take only names outside `States.` here, so that no doubt lowers the bound.
 */
function shadowed(error: string, earlier: ReadonlySet<string>): boolean {
  return earlier.has(error) || earlier.has("States.ALL") || (earlier.has("States.TaskFailed") && !error.startsWith("States."));
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The states a state can go to next in its scope: Next, Choice rules and Default, then Catch targets. */
function successors(ref: StateRef): StateRef[] {
  const names = [...new Set([...normalTransitions(ref.state), ...catchTransitions(ref.state)])];
  return names.map((name) => stateIn(ref.scope, name)).filter((s): s is StateRef => s !== undefined);
}

/** The worst path of a scope, from its StartAt: a longest-path search that names any loop it meets as unbounded. */
function scopeWorst(scope: Scope, cost: (ref: StateRef) => StateTimeBudget): PathTimeBudget {
  const start = scope.startAt === undefined ? undefined : stateIn(scope, scope.startAt);
  if (!start) return { states: [], seconds: 0, bounded: true, dominant: "", unbounded: [] };
  // The worst way on from each state; a turn back to a state on the current search path is a loop (unbounded).
  type Tail = { refs: StateRef[]; seconds: number; bounded: boolean; loop?: [string, string] };
  const memo = new Map<string, Tail>();
  const onStack = new Set<string>();
  const from = (ref: StateRef): Tail => {
    const known = memo.get(ref.name);
    if (known) return known;
    onStack.add(ref.name);
    const own = cost(ref);
    let worst: Tail | undefined;
    for (const next of successors(ref)) {
      const tail: Tail = onStack.has(next.name) ? { refs: [], seconds: 0, bounded: false, loop: [ref.name, next.name] } : from(next);
      if (!worst || compareWorst(tail, worst) < 0) worst = tail;
    }
    onStack.delete(ref.name);
    const tail = worst ?? { refs: [], seconds: 0, bounded: true };
    const result: Tail = { ...tail, refs: [ref, ...tail.refs], seconds: own.seconds + tail.seconds, bounded: own.bounded && tail.bounded };
    memo.set(ref.name, result);
    return result;
  };
  const worst = from(start);
  const path = summarise(worst.refs, cost);
  if (!worst.loop) return path;
  return { ...path, bounded: false, loopsBackTo: worst.loop[1], unbounded: [...path.unbounded, loopReason(...worst.loop)] };
}

function loopReason(from: string, to: string): string {
  return `${from} can go back to ${to}: a loop whose turns nothing bounds`;
}

/** Every path from StartAt to an end (at most MAX_LISTED_PATHS), each state at most once; a turn back is a loop. */
function listPaths(scope: Scope, cost: (ref: StateRef) => StateTimeBudget): { paths: PathTimeBudget[]; truncated: boolean } {
  const start = scope.startAt === undefined ? undefined : stateIn(scope, scope.startAt);
  const paths: PathTimeBudget[] = [];
  let truncated = false;
  const walk = (ref: StateRef, trail: StateRef[]) => {
    if (paths.length >= MAX_LISTED_PATHS) {
      truncated = true;
      return;
    }
    const here = [...trail, ref];
    const next = successors(ref);
    if (next.length === 0) paths.push(summarise(here, cost));
    for (const n of next) {
      if (!here.some((s) => s.name === n.name)) walk(n, here);
      else {
        const path = summarise(here, cost);
        paths.push({ ...path, loopsBackTo: n.name, bounded: false, unbounded: [...path.unbounded, loopReason(ref.name, n.name)] });
      }
    }
  };
  if (start) walk(start, []);
  return { paths: paths.sort(compareWorst), truncated };
}

function summarise(refs: readonly StateRef[], cost: (ref: StateRef) => StateTimeBudget): PathTimeBudget {
  const budgets = refs.map(cost);
  const dominant = budgets.find((b) => !b.bounded) ?? budgets.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  return {
    states: refs.map((r) => r.name),
    seconds: round(budgets.reduce((sum, b) => sum + b.seconds, 0)),
    bounded: budgets.every((b) => b.bounded),
    dominant: dominant.name,
    unbounded: budgets.filter((b) => !b.bounded).map((b) => b.unbounded ?? `${b.name} has no bound`),
  };
}
