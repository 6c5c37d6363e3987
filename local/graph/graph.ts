/**
 * Amazon States Language -> Mermaid flowchart, pure. GitHub renders the result in Markdown (```mermaid fences).
 *
 * One node per state, shaped by type; Parallel and Map states become subgraphs holding their branch/iterator
 * states; solid edges for Next/Choices/Default, dashed red edges for Catch; success and failure paths styled
 * apart with classDef; optionally the path one execution took, highlighted.
 */
import { mapIoLabels } from "./mapIoLabel";
import { formatDuration, timeBudgetOfDefinition, type StateTimeBudget } from "event-driven-workflow/core";
import {
  catchTransitions,
  childScopes as nestedScopes,
  isAslObject,
  normalTransitions,
  ownField,
  parseIntegrationArn,
  scopeOf,
  statesOf,
  type AslObject,
  type Scope,
  type StateRef,
} from "event-driven-workflow/asl";

/** Options of {@link toMermaid}. */
export interface MermaidOptions {
  /** The path of one execution: the names of the states it entered, and the state it failed in, if it failed. */
  highlight?: { visited: string[]; failedAt?: string };
  /** A title, rendered above the chart (Mermaid front matter). */
  title?: string;
  /**
   * Show the worst-case time budget (see `timeBudgetOfDefinition`): each state's worst case under its name, and the
   * path that binds (the worst one) drawn in thick orange. @default false
   */
  timeBudget?: boolean;
  /**
   * What starts an execution, shown on the Start marker (see `triggerLabel`).
   * @default none (the marker reads "Start")
   * @example "schedule: rate(1 day)"
   */
  trigger?: string;
}

/** Mermaid class names the chart assigns, by meaning; stable so tests and docs can refer to them. */
export const MERMAID_CLASSES = {
  task: "task",
  choice: "choice",
  pass: "pass",
  wait: "wait",
  parallel: "parallel",
  map: "map",
  succeed: "succeed",
  fail: "fail",
  /** Non-Fail states reached only through a Catch (error handling). */
  failurePath: "failurePath",
  /** The Start and End markers. */
  terminal: "terminal",
  visited: "visited",
  unvisited: "unvisited",
  failedAt: "failedAt",
  /** The states of the worst-case path (with `timeBudget`). */
  binding: "binding",
} as const;

/**
 * Renders an ASL definition as a Mermaid `flowchart TD`.
 *
 * @param definition the ASL definition, as an object or its JSON text (`{ StartAt, States }`).
 * @param options `title`, and `highlight` to emphasise the states (and the edges between them) an execution
 *   visited, and the state it failed in.
 * @returns the Mermaid source, without the ```mermaid fence.
 * @throws Error when the definition is not ASL-shaped (no `StartAt`/`States`, a `StartAt` or a transition naming
 *   a state that does not exist).
 * @example
 * const chart = toMermaid({
 *   StartAt: "Charge Card",
 *   States: {
 *     "Charge Card": { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:charge", Next: "Done",
 *       Catch: [{ ErrorEquals: ["PaymentDeclined"], Next: "Payment Failed" }] },
 *     "Payment Failed": { Type: "Fail", Error: "PaymentFailed" },
 *     Done: { Type: "Succeed" },
 *   },
 * }, { title: "Checkout", highlight: { visited: ["Charge Card", "Payment Failed"], failedAt: "Payment Failed" } });
 * // "---\ntitle: \"Checkout\"\n---\nflowchart TD\n  __start((\"Start\"))\n  Charge_Card[\"Charge Card\"]\n ..."
 */
export function toMermaid(definition: object | string, options: MermaidOptions = {}): string {
  const root = parseDefinition(definition);
  const builder = new ChartBuilder(root, options);
  return builder.render();
}

// ---------------------------------------------------------------------------------------------------------------

/** A state of a checked definition: its Type is a string. */
type CheckedRef = StateRef & { type: string };

interface Edge {
  from: string;
  to: string;
  label?: string;
  kind: "start" | "next" | "choice" | "default" | "catch" | "end";
  /** State names at either end, for highlighting (undefined for the Start/End markers). */
  fromState?: string;
  toState?: string;
}

interface NodeInfo {
  id: string;
  name: string;
  type: string;
  failurePath: boolean;
}

const START_ID = "__start";
const END_ID = "__finish";
/** Words Mermaid's flowchart grammar reserves; a node id equal to one (any case) gets a prefix. */
const RESERVED = new Set([
  "end",
  "graph",
  "flowchart",
  "subgraph",
  "style",
  "linkstyle",
  "classdef",
  "class",
  "click",
  "call",
  "href",
  "default",
  "direction",
  "interpolate",
  "acctitle",
  "accdescr",
  "td",
  "tb",
  "bt",
  "lr",
  "rl",
]);
/** Names Object.prototype defines ("constructor", "toString", ...): Mermaid's layout fails on a linked node with such an id. */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

class ChartBuilder {
  private readonly lines: string[] = [];
  private readonly edges: Edge[] = [];
  private readonly nodes: NodeInfo[] = [];
  private readonly usedIds = new Set<string>([START_ID, END_ID]);
  /** Node id of each state, by scope path and name. */
  private readonly idOf = new Map<string, string>();
  private hasEnd = false;
  /** Each state's worst case, and the top-level states of the binding path, when `timeBudget` is asked for. */
  private readonly budget?: { states: Map<string, StateTimeBudget>; binding: string[] };

  constructor(
    private readonly root: Scope,
    private readonly options: MermaidOptions,
  ) {
    if (options.timeBudget) {
      const budget = timeBudgetOfDefinition(root.container);
      this.budget = { states: new Map(budget.states.map((s) => [s.name, s])), binding: budget.worst.states };
    }
  }

  /** "≤ 47 s" (or "unbounded") under a state's name, with `timeBudget`. */
  private budgetLine(name: string): string[] {
    const state = this.budget?.states.get(name);
    // A state that takes no time (Pass, Choice, Succeed, Fail) shows nothing.
    if (!state || (state.bounded && state.seconds === 0)) return [];
    return [state.bounded ? `≤ ${formatDuration(state.seconds).split(" (")[0]}` : "unbounded"];
  }

  render(): string {
    this.allocateIds(this.root);
    const out: string[] = [];
    if (this.options.title !== undefined) out.push("---", `title: ${JSON.stringify(this.options.title)}`, "---");
    out.push("flowchart TD");
    const start = this.options.trigger === undefined ? "Start" : `Start<br/>${label(this.options.trigger)}`;
    this.lines.push(`  ${START_ID}(("${start}"))`);
    const startAt = this.root.startAt as string;
    this.edges.push({ from: START_ID, to: this.id(this.root, startAt), kind: "start", toState: startAt });
    this.emitScope(this.root, 1, false, true);
    if (this.hasEnd) this.lines.push(`  ${END_ID}(("End"))`);
    out.push(...this.lines);
    out.push(...this.edges.map((e) => `  ${edgeText(e)}`));
    out.push(...this.styling());
    return `${out.join("\n")}\n`;
  }

  // ---- ids ----

  private allocateIds(scope: Scope): void {
    for (const ref of checkedStates(scope)) {
      this.idOf.set(`${scope.path}\u0000${ref.name}`, this.unique(sanitize(ref.name)));
      for (const child of childScopes(ref)) this.allocateIds(child);
    }
  }

  private unique(base: string): string {
    let id = base;
    for (let n = 2; this.usedIds.has(id); n++) id = `${base}_${n}`;
    this.usedIds.add(id);
    return id;
  }

  private id(scope: Scope, name: string): string {
    const id = this.idOf.get(`${scope.path}\u0000${name}`);
    if (!id) throw new Error(`toMermaid: "${name}" is not a state of this scope; check StartAt/Next/Default/Catch names.`);
    return id;
  }

  // ---- nodes and edges ----

  private emitScope(scope: Scope, depth: number, inheritedFailure: boolean, topLevel: boolean): void {
    const indent = "  ".repeat(depth);
    const onFailurePath = failurePathStates(scope);
    for (const ref of checkedStates(scope)) {
      const { name, type, state } = ref;
      const id = this.id(scope, name);
      const failure = inheritedFailure || onFailurePath.has(name);
      this.nodes.push({ id, name, type, failurePath: failure && type !== "Fail" });
      if (type === "Parallel" || type === "Map") {
        this.lines.push(`${indent}subgraph ${id}["${label([subgraphTitle(ref), ...this.budgetLine(name)].join(" "))}"]`);
        childScopes(ref).forEach((child, i) => {
          if (type === "Parallel") {
            const branchId = this.unique(`${id}_branch${i + 1}`);
            this.lines.push(`${indent}  subgraph ${branchId}["${label(`Branch ${i + 1}`)}"]`);
            this.emitScope(child, depth + 2, failure, false);
            this.lines.push(`${indent}  end`);
          } else {
            this.emitScope(child, depth + 1, failure, false);
          }
        });
        this.lines.push(`${indent}end`);
      } else {
        this.lines.push(`${indent}${id}${shape(type, [...nodeLabel(ref), ...this.budgetLine(name)])}`);
      }
      this.edgesOf(scope, name, state, id, topLevel);
    }
  }

  private edgesOf(scope: Scope, name: string, state: AslObject, id: string, topLevel: boolean): void {
    const to = (target: unknown, what: string): string => {
      if (typeof target !== "string") throw new Error(`toMermaid: state "${name}" has a ${what} that is not a state name.`);
      return this.id(scope, target);
    };
    if (state.Type === "Choice") {
      const choices = Array.isArray(state.Choices) ? state.Choices : [];
      for (const rule of choices as Array<Record<string, unknown>>) {
        this.edges.push({
          from: id,
          to: to(rule.Next, "choice Next"),
          kind: "choice",
          label: truncate(conditionText(rule)),
          fromState: name,
          toState: rule.Next as string,
        });
      }
      if (state.Default !== undefined) {
        this.edges.push({
          from: id,
          to: to(state.Default, "Default"),
          kind: "default",
          label: "Default",
          fromState: name,
          toState: state.Default as string,
        });
      }
    } else if (typeof state.Next === "string") {
      this.edges.push({ from: id, to: to(state.Next, "Next"), kind: "next", fromState: name, toState: state.Next });
    } else if (state.End === true && topLevel) {
      this.hasEnd = true;
      this.edges.push({ from: id, to: END_ID, kind: "end", fromState: name });
    }
    const catchers = Array.isArray(state.Catch) ? state.Catch : [];
    for (const c of catchers as Array<Record<string, unknown>>) {
      const errors = Array.isArray(c.ErrorEquals) ? (c.ErrorEquals as unknown[]).map(String) : [];
      this.edges.push({
        from: id,
        to: to(c.Next, "Catch Next"),
        kind: "catch",
        label: truncate(errors.join(", ") || "error"),
        fromState: name,
        toState: c.Next as string,
      });
    }
  }

  // ---- classes and link styles ----

  private styling(): string[] {
    const C = MERMAID_CLASSES;
    const out = [
      `  classDef ${C.task} fill:#e8f0fe,stroke:#1a73e8,color:#174ea6`,
      `  classDef ${C.choice} fill:#fef7e0,stroke:#f9ab00,color:#5f4b00`,
      `  classDef ${C.pass} fill:#f1f3f4,stroke:#80868b,color:#202124`,
      `  classDef ${C.wait} fill:#f3e8fd,stroke:#9334e6,color:#4a148c`,
      `  classDef ${C.parallel} fill:#fafafa,stroke:#5f6368,color:#202124`,
      `  classDef ${C.map} fill:#fafafa,stroke:#5f6368,color:#202124`,
      `  classDef ${C.succeed} fill:#e6f4ea,stroke:#188038,color:#0d652d`,
      `  classDef ${C.fail} fill:#fce8e6,stroke:#d93025,color:#a50e0e`,
      `  classDef ${C.failurePath} fill:#fff4f2,stroke:#d93025,color:#a50e0e,stroke-dasharray:4 3`,
      `  classDef ${C.terminal} fill:#202124,stroke:#202124,color:#ffffff`,
    ];
    const highlight = this.options.highlight;
    if (this.budget) out.push(`  classDef ${C.binding} stroke:#e8710a,stroke-width:3px`);
    if (highlight) {
      out.push(
        `  classDef ${C.unvisited} fill:#fafafa,stroke:#dadce0,color:#9aa0a6`,
        `  classDef ${C.visited} stroke:#0b8043,stroke-width:3px`,
        `  classDef ${C.failedAt} fill:#d93025,stroke:#7f0000,stroke-width:3px,color:#ffffff`,
      );
    }
    const byClass = new Map<string, string[]>();
    const assign = (cls: string, id: string) => byClass.set(cls, [...(byClass.get(cls) ?? []), id]);
    assign(C.terminal, START_ID);
    if (this.hasEnd) assign(C.terminal, END_ID);
    for (const node of this.nodes) {
      const typeClass = TYPE_CLASS[node.type];
      if (typeClass) assign(typeClass, node.id);
    }
    for (const node of this.nodes) if (node.failurePath) assign(C.failurePath, node.id);
    const binding = new Set(this.budget?.binding ?? []);
    for (const node of this.nodes) if (binding.has(node.name) && this.root.states.get(node.name)) assign(C.binding, node.id);
    const visited = new Set(highlight?.visited ?? []);
    if (highlight) {
      for (const node of this.nodes) assign(visited.has(node.name) ? C.visited : C.unvisited, node.id);
      for (const node of this.nodes) if (highlight.failedAt !== undefined && node.name === highlight.failedAt) assign(C.failedAt, node.id);
    }
    for (const [cls, ids] of byClass) out.push(`  class ${ids.join(",")} ${cls}`);

    // Link styles: catch edges red; with a highlight, taken edges bold and the rest faded.
    const taken = highlight ? this.takenEdges(highlight) : undefined;
    const bindingEdges = this.bindingEdges();
    const groups = new Map<string, number[]>();
    const group = (style: string, i: number) => groups.set(style, [...(groups.get(style) ?? []), i]);
    this.edges.forEach((edge, i) => {
      const wasTaken = taken?.has(i);
      if (!taken && bindingEdges.has(i)) {
        group(`stroke:#e8710a,stroke-width:3px${edge.kind === "catch" ? ",color:#d93025" : ""}`, i);
      } else if (edge.kind === "catch") {
        group(
          wasTaken
            ? "stroke:#d93025,stroke-width:3px,color:#d93025"
            : taken
              ? "stroke:#f4b6b0,color:#d93025"
              : "stroke:#d93025,color:#d93025",
          i,
        );
      } else if (wasTaken) {
        group("stroke:#0b8043,stroke-width:3px", i);
      } else if (taken) {
        group("stroke:#dadce0", i);
      }
    });
    for (const [style, indices] of groups) out.push(`  linkStyle ${indices.join(",")} ${style}`);
    return out;
  }

  /** Indices of the top-level edges along the binding (worst-case) path, from Start. */
  private bindingEdges(): Set<number> {
    const path = this.budget?.binding ?? [];
    const out = new Set<number>();
    this.edges.forEach((edge, i) => {
      const at = edge.toState === undefined ? -2 : path.indexOf(edge.toState);
      if (at === 0 && edge.kind === "start") out.add(i);
      else if (at > 0 && edge.fromState === path[at - 1] && this.root.states.get(edge.toState as string)) out.add(i);
    });
    return out;
  }

  /**
   * Indices of the edges an execution took. `visited` is read in order (as the execution history lists state
   * entries): each entry of a state was reached along the edge from the nearest earlier-visited state that has an
   * edge to it (or from Start). An End edge was taken when its state was visited and the execution did not fail there.
   */
  private takenEdges(highlight: { visited: string[]; failedAt?: string }): Set<number> {
    const seq = highlight.visited;
    const taken = new Set<number>();
    const incoming = new Map<string, number[]>();
    this.edges.forEach((edge, i) => {
      if (edge.toState !== undefined) incoming.set(edge.toState, [...(incoming.get(edge.toState) ?? []), i]);
    });
    seq.forEach((name, j) => {
      const candidates = incoming.get(name) ?? [];
      const predecessors = new Set(candidates.map((i) => this.edges[i].fromState));
      let from: string | undefined;
      let found = false;
      for (let i = j - 1; i >= 0 && !found; i--) {
        if (predecessors.has(seq[i])) [from, found] = [seq[i], true];
      }
      if (!found && !predecessors.has(undefined)) return;
      for (const i of candidates) if (this.edges[i].fromState === from) taken.add(i);
    });
    const visited = new Set(seq);
    this.edges.forEach((edge, i) => {
      if (edge.kind === "end" && edge.fromState !== undefined && visited.has(edge.fromState) && edge.fromState !== highlight.failedAt)
        taken.add(i);
    });
    return taken;
  }
}

const TYPE_CLASS: Record<string, string> = {
  Task: MERMAID_CLASSES.task,
  Choice: MERMAID_CLASSES.choice,
  Pass: MERMAID_CLASSES.pass,
  Wait: MERMAID_CLASSES.wait,
  Parallel: MERMAID_CLASSES.parallel,
  Map: MERMAID_CLASSES.map,
  Succeed: MERMAID_CLASSES.succeed,
  Fail: MERMAID_CLASSES.fail,
};

// ---------------------------------------------------------------------------------------------------------------
// ASL helpers

function parseDefinition(definition: object | string): Scope {
  let parsed: unknown = definition;
  if (typeof definition === "string") {
    try {
      parsed = JSON.parse(definition);
    } catch (err) {
      throw new Error(`toMermaid: the definition is not valid JSON (${(err as Error).message}).`);
    }
  }
  const root = scopeOf(parsed);
  checkScope(root, "the definition");
  return root;
}

/** Throws unless `scope` and the scopes it holds are ASL-shaped enough to draw. */
function checkScope(scope: Scope, where: string): void {
  const rawStates = ownField(scope.container, "States");
  if (scope.startAt === undefined || !isAslObject(rawStates)) {
    throw new Error(`toMermaid: ${where} needs StartAt (a state name) and States (an object of states).`);
  }
  if (!scope.states.has(scope.startAt))
    throw new Error(`toMermaid: ${where} starts at "${scope.startAt}", which is not one of its States.`);
  for (const name of Object.keys(rawStates)) {
    if (!scope.states.has(name)) throw new Error(`toMermaid: state "${name}" in ${where} has no Type.`);
  }
  for (const ref of statesOf(scope)) {
    if (ref.type === undefined) throw new Error(`toMermaid: state "${ref.name}" in ${where} has no Type.`);
    if (ref.type === "Parallel") {
      const branches = ownField(ref.state, "Branches");
      if (!Array.isArray(branches) || branches.length === 0)
        throw new Error(`toMermaid: Parallel state "${ref.name}" needs a non-empty Branches array.`);
      const scopes = childScopes(ref);
      // A branch that is not an object has no scope: report it as an empty one.
      for (const [i, branch] of branches.entries())
        checkScope(scopes.find((c) => c.container === branch) ?? scopeOf(undefined), `branch ${i + 1} of "${ref.name}"`);
    } else if (ref.type === "Map") {
      const scopes = childScopes(ref);
      if (scopes.length === 0) checkScope(scopeOf(undefined), `the ItemProcessor (or Iterator) of "${ref.name}"`);
      for (const child of scopes) checkScope(child, `the ItemProcessor (or Iterator) of "${ref.name}"`);
    }
  }
}

/** The states of a checked scope, each with its Type. */
function checkedStates(scope: Scope): CheckedRef[] {
  return statesOf(scope) as CheckedRef[];
}

/** The scopes drawn inside a state: a Parallel's branches, a Map's item processor. */
function childScopes(ref: StateRef): Scope[] {
  return ref.type === "Parallel" || ref.type === "Map" ? nestedScopes(ref) : [];
}

/**
 * States of a scope that are reached only through a Catch: not reachable from StartAt along Next/Choices/Default,
 * but reachable from a catch target. (A handler that rejoins the main path leaves the main path's states alone.)
 */
function failurePathStates(scope: Scope): Set<string> {
  const reach = (starts: string[], next: (s: AslObject) => string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...starts];
    while (stack.length) {
      const name = stack.pop() as string;
      const state = scope.states.get(name);
      if (seen.has(name) || !state) continue;
      seen.add(name);
      stack.push(...next(state));
    }
    return seen;
  };
  const main = reach([scope.startAt as string], normalTransitions);
  const handlers = [...scope.states.values()].flatMap(catchTransitions);
  const failure = reach(handlers, (s) => [...normalTransitions(s), ...catchTransitions(s)]);
  return new Set([...failure].filter((n) => !main.has(n)));
}

/** A readable form of an ASL Choice rule (JSONPath comparison operators, And/Or/Not, or a JSONata Condition). */
function conditionText(rule: Record<string, unknown>, nested = false): string {
  const wrap = (s: string) => (nested ? `(${s})` : s);
  if (typeof rule.Condition === "string") return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, "");
  if (Array.isArray(rule.And)) return wrap((rule.And as Array<Record<string, unknown>>).map((r) => conditionText(r, true)).join(" and "));
  if (Array.isArray(rule.Or)) return wrap((rule.Or as Array<Record<string, unknown>>).map((r) => conditionText(r, true)).join(" or "));
  if (rule.Not && typeof rule.Not === "object") return `not (${conditionText(rule.Not as Record<string, unknown>)})`;
  const variable = typeof rule.Variable === "string" ? rule.Variable : "?";
  for (const [key, value] of Object.entries(rule)) {
    const cmp = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThanEquals|GreaterThanEquals|LessThan|GreaterThan|Matches)(Path)?$/.exec(
      key,
    );
    if (cmp) {
      const symbol = { Equals: "==", LessThan: "<", GreaterThan: ">", LessThanEquals: "<=", GreaterThanEquals: ">=", Matches: "matches" }[
        cmp[2]
      ];
      return `${variable} ${symbol} ${cmp[3] ? String(value) : JSON.stringify(value)}`;
    }
    const test = /^Is(Present|Null|Numeric|String|Boolean|Timestamp)$/.exec(key);
    if (test) {
      const what = test[1] === "Present" ? "present" : test[1] === "Null" ? "null" : test[1].toLowerCase();
      return `${variable} is ${value === false ? "not " : ""}${what}`;
    }
  }
  return "condition";
}

function nodeLabel({ name, state }: StateRef): string[] {
  const lines = [name];
  const integration = parseIntegrationArn(state.Resource);
  if (state.Type === "Task" && integration && integration.service !== "lambda")
    lines.push(`${integration.sdk ? "aws-sdk " : ""}${integration.service}:${integration.action}${integration.pattern ?? ""}`);
  // Data shaping without a Lambda: the fields a Pass builds, and those a Task, Parallel or Map keeps of its result.
  if (state.Type === "Pass" && isAslObject(state.Parameters)) lines.push(`builds {${templateKeys(state.Parameters)}}`);
  if (isAslObject(state.ResultSelector)) lines.push(`keeps {${templateKeys(state.ResultSelector)}}`);
  if (state.Type === "Wait") {
    const when = state.Seconds ?? state.SecondsPath ?? state.Timestamp ?? state.TimestampPath;
    if (when !== undefined) lines.push(typeof state.Seconds === "number" ? `wait ${state.Seconds}s` : `wait until ${String(when)}`);
  }
  if (state.Type === "Fail" && typeof state.Error === "string") lines.push(state.Error);
  return lines;
}

/** A payload template's top-level fields, as the state builds them (without their ".$"). */
function templateKeys(template: Record<string, unknown>): string {
  return Object.keys(template)
    .map((k) => k.replace(/\.\$$/, ""))
    .join(", ");
}

function subgraphTitle({ name, state }: StateRef): string {
  if (state.Type === "Map") {
    const processor = isAslObject(state.ItemProcessor) ? state.ItemProcessor.ProcessorConfig : undefined;
    const kind = isAslObject(processor) && processor.Mode === "DISTRIBUTED" ? "distributed map" : "map";
    const parts = [typeof state.ItemsPath === "string" ? `${kind} over ${state.ItemsPath}` : kind, ...mapIoLabels(state)];
    // The fields each iteration gets (ItemSelector keys, without their ".$"), and the failures it tolerates.
    if (typeof state.Label === "string") parts.push(`label ${state.Label}`);
    if (isAslObject(state.ItemSelector)) parts.push(`item as {${templateKeys(state.ItemSelector)}}`);
    const tolerated = [
      ...(typeof state.ToleratedFailureCount === "number" ? [`${state.ToleratedFailureCount} failed`] : []),
      ...(typeof state.ToleratedFailurePercentage === "number" ? [`${state.ToleratedFailurePercentage}% failed`] : []),
    ];
    if (tolerated.length > 0) parts.push(`tolerates ${tolerated.join(" or ")}`);
    return `${name} (${parts.join("; ")})`;
  }
  return `${name} (parallel)`;
}

// ---------------------------------------------------------------------------------------------------------------
// Mermaid text helpers

function shape(type: string, lines: string[]): string {
  const text = lines.map(label).join("<br/>");
  switch (type) {
    case "Choice":
      return `{"${text}"}`;
    case "Pass":
      return `[/"${text}"/]`;
    case "Wait":
      return `{{"${text}"}}`;
    case "Succeed":
      return `(["${text}"])`;
    case "Fail":
      return `(("${text}"))`;
    default:
      return `["${text}"]`;
  }
}

function edgeText(edge: Edge): string {
  const arrow = edge.kind === "catch" ? "-.->" : "-->";
  return edge.label !== undefined ? `${edge.from} ${arrow}|"${label(edge.label)}"| ${edge.to}` : `${edge.from} ${arrow} ${edge.to}`;
}

/** Escapes text for a quoted Mermaid label: characters Mermaid or HTML would interpret become entity codes. */
function label(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/&/g, "#38;")
    .replace(/"/g, "#34;")
    .replace(/</g, "#60;")
    .replace(/>/g, "#62;")
    .replace(/\|/g, "#124;")
    .replace(/`/g, "#96;")
    .replace(/[\r\n]+/g, " ");
}

/** A Mermaid-safe node id: letters, digits and underscores, not a reserved word or Object.prototype name, not starting with a digit. */
function sanitize(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (id === "") id = "state";
  if (/^[0-9]/.test(id) || RESERVED.has(id.toLowerCase()) || PROTOTYPE_NAMES.has(id)) id = `s_${id}`;
  return id;
}

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
