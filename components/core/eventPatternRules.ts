/**
 * Structural rules of an EventBridge event pattern, checked before deployment: field names at the top level, arrays
 * at every leaf, known operator names inside content filters. PutRule rejects most of these mistakes only at
 * `pulumi up` time, and a misspelt top-level field (`detail_type`) it accepts silently, so the rule never fires.
 *
 * The grammar follows the local runner's matcher (local/simulators/eventPattern.ts, which also checks operands and matches
 * events); this module stays dependency-free because the library cannot depend on the runner.
 */
import { closestName, describeValue, isDeferredValue } from "./validate";

/**
 * The fields of an EventBridge event: the only keys a pattern's top level (or a top-level `$or` alternative) may
 * name. The event's own payload is matched under `detail`.
 */
export const EVENT_PATTERN_FIELDS = [
  "version",
  "id",
  "detail-type",
  "source",
  "account",
  "time",
  "region",
  "resources",
  "detail",
  "replay-name",
] as const;

/** The content-filter operators EventBridge recognises inside a pattern array (as in the local runner's matcher). */
export const EVENT_PATTERN_FILTERS = [
  "prefix",
  "suffix",
  "anything-but",
  "numeric",
  "exists",
  "equals-ignore-case",
  "wildcard",
  "cidr",
] as const;

/** The filters `anything-but` accepts as an object, e.g. `{"anything-but": {"prefix": "init"}}`. */
const ANYTHING_BUT_FILTERS = ["prefix", "suffix", "wildcard", "equals-ignore-case"];

/** Guards against a pattern that contains itself; real patterns are a few levels deep. */
const MAX_PATTERN_DEPTH = 32;

/** One structural problem of a pattern: where (`detail.state[0]`, empty for the whole pattern) and what to do. */
export interface EventPatternProblem {
  path: string;
  message: string;
}

/**
 * Finds the structural mistakes of an EventBridge event pattern: an unknown or misspelt top-level field (with the
 * field it most likely meant), a value that is not an array, an empty array or pattern, a nested array, and an
 * unknown or misplaced content-filter operator. Pulumi Outputs and Promises, as the whole pattern or as any value
 * in it, are not plain data yet and are skipped rather than refused.
 *
 * @returns every problem found; empty when the pattern is well formed (or not known yet).
 * @example
 * eventPatternProblems({ source: "order.service", detail_type: ["Order Placed"] });
 * // [{ path: "source", message: '... write `"source": ["order.service"]`.' },
 * //  { path: "detail_type", message: "... did you mean `detail-type`? ..." }]
 */
export function eventPatternProblems(pattern: unknown): EventPatternProblem[] {
  const problems: EventPatternProblem[] = [];
  if (isDeferredValue(pattern)) return problems;
  if (!isPlainObject(pattern)) {
    problems.push({
      path: "",
      message: `is ${describeValue(pattern)}: a pattern is an object of event fields, e.g. { source: ["order.service"], "detail-type": ["Order Placed"] }.`,
    });
    return problems;
  }
  checkObject(pattern, "", true, problems, new WeakSet(), 0);
  return problems;
}

function checkObject(
  obj: Record<string, unknown>,
  path: string,
  topLevel: boolean,
  problems: EventPatternProblem[],
  visiting: WeakSet<object>,
  depth: number,
): void {
  const report = (where: string, message: string) => problems.push({ path: where, message });
  if (visiting.has(obj) || depth > MAX_PATTERN_DEPTH) {
    report(path, `is nested more than ${MAX_PATTERN_DEPTH} levels deep or contains itself: a pattern must be finite JSON.`);
    return;
  }
  // JSON.stringify drops undefined values, so EventBridge never sees them.
  const entries = Object.entries(obj).filter(([, value]) => value !== undefined);
  if (entries.length === 0) {
    report(
      path,
      path === ""
        ? 'is empty: EventBridge rejects a pattern without fields. Name the events to match, e.g. { source: ["order.service"], "detail-type": ["Order Placed"] }.'
        : 'is an empty object: EventBridge rejects it. Name at least one nested field, e.g. { state: ["running"] }, or remove it.',
    );
    return;
  }
  visiting.add(obj);
  for (const [key, value] of entries) {
    const here = path ? `${path}.${key}` : key;
    if (key === "$or" && Array.isArray(value)) {
      checkOr(value, here, topLevel, problems, visiting, depth);
      continue;
    }
    if (topLevel && !(EVENT_PATTERN_FIELDS as readonly string[]).includes(key)) {
      const guess = closestName(key, EVENT_PATTERN_FIELDS);
      const fields = `a pattern's top level takes only ${EVENT_PATTERN_FIELDS.join(", ")} (and "$or")`;
      report(
        here,
        guess
          ? `\`${key}\` is not an EventBridge event field: did you mean \`${guess}\`? (${fields}.)`
          : `\`${key}\` is not an EventBridge event field: ${fields}; fields of the event's payload go under \`detail\`, e.g. { detail: { ${JSON.stringify(key)}: ["value"] } }.`,
      );
      continue;
    }
    checkValue(key, value, here, problems, visiting, depth);
  }
  visiting.delete(obj);
}

function checkOr(
  alternatives: unknown[],
  here: string,
  topLevel: boolean,
  problems: EventPatternProblem[],
  visiting: WeakSet<object>,
  depth: number,
): void {
  if (alternatives.length < 2 || !alternatives.every((alt) => isPlainObject(alt) || isDeferredValue(alt))) {
    problems.push({
      path: here,
      message:
        'needs an array of at least two pattern objects: write "$or": [{ fieldA: ["x"] }, { fieldB: ["y"] }]; for alternatives of one field, list them in its array instead.',
    });
    return;
  }
  alternatives.forEach((alt, i) => {
    if (isPlainObject(alt) && !isDeferredValue(alt)) checkObject(alt, `${here}[${i}]`, topLevel, problems, visiting, depth + 1);
  });
}

function checkValue(
  key: string,
  value: unknown,
  here: string,
  problems: EventPatternProblem[],
  visiting: WeakSet<object>,
  depth: number,
): void {
  const report = (message: string) => problems.push({ path: here, message });
  if (isDeferredValue(value)) return;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      report(
        `is an empty array, so it could never match: list at least one value or filter, e.g. ${JSON.stringify(key)}: ["value"] or ${JSON.stringify(key)}: [{ "exists": true }].`,
      );
      return;
    }
    for (const [i, element] of value.entries()) checkElement(key, element, `${here}[${i}]`, problems);
    return;
  }
  if (isPlainObject(value)) {
    // Same heuristic as the local matcher: an object of filter operators is a filter that lost its array.
    const keys = Object.keys(value);
    const looksLikeFilter =
      keys.length > 0 &&
      keys.every((k) => filterNamed(k) !== undefined) &&
      !Object.values(value).some((v) => Array.isArray(v) || (isPlainObject(v) && !isDeferredValue(v)));
    if (looksLikeFilter) {
      report(
        `holds the filter ${describeValue(value)} directly, but filters must sit inside an array: write ${JSON.stringify(key)}: [${describeValue(value)}].`,
      );
      return;
    }
    checkObject(value, here, false, problems, visiting, depth + 1);
    return;
  }
  const wrapped = isScalar(value)
    ? `write \`${JSON.stringify(key)}: [${describeValue(value)}]\``
    : 'write an array of values, e.g. ["value"]';
  report(`is ${describeValue(value)}, but every pattern value must be an array (or, for nested fields, an object): ${wrapped}.`);
}

function checkElement(key: string, element: unknown, here: string, problems: EventPatternProblem[]): void {
  const report = (message: string) => problems.push({ path: here, message });
  if (isDeferredValue(element)) return;
  if (element === null || typeof element === "string" || typeof element === "boolean") return;
  if (typeof element === "number") {
    if (!Number.isFinite(element)) report(`is ${element}: JSON has no such number; use a finite number.`);
    return;
  }
  if (Array.isArray(element)) {
    report(`is a nested array, which EventBridge rejects: flatten it, listing the values in ${JSON.stringify(key)}'s own array.`);
    return;
  }
  if (!isPlainObject(element)) {
    report(`is ${describeValue(element)}: use a string, number, boolean, null or a filter object such as { "prefix": "us-" }.`);
    return;
  }
  const ops = Object.keys(element);
  if (ops.length !== 1) {
    report(
      ops.length === 0
        ? `is an empty filter object: use one of ${EVENT_PATTERN_FILTERS.join(", ")}, e.g. { "prefix": "us-" }.`
        : `is a filter object with ${ops.length} operators (${ops.map((op) => JSON.stringify(op)).join(", ")}): a filter takes exactly one; put each in its own array element (they are ORed).`,
    );
    return;
  }
  const op = ops[0];
  const arg = element[op];
  if (!(EVENT_PATTERN_FILTERS as readonly string[]).includes(op)) {
    const guess = filterNamed(op) ?? closestName(op, EVENT_PATTERN_FILTERS);
    report(
      `uses the unknown filter ${JSON.stringify(op)}${guess ? `: did you mean \`${guess}\`?` : "."} EventBridge filters are ${EVENT_PATTERN_FILTERS.join(", ")}; to match a nested field, use a nested object instead of an array element.`,
    );
    return;
  }
  if (isDeferredValue(arg)) return;
  const at = `${here}.${op}`;
  switch (op) {
    case "prefix":
    case "suffix":
      if (typeof arg !== "string" && !(isPlainObject(arg) && onlyKey(arg) === "equals-ignore-case")) {
        problems.push({
          path: at,
          message: `is ${describeValue(arg)}: ${op} takes a string or { "equals-ignore-case": string }, e.g. { "${op}": "${op === "prefix" ? "us-" : ".png"}" }.`,
        });
      }
      break;
    case "equals-ignore-case":
    case "wildcard":
    case "cidr":
      if (typeof arg !== "string")
        problems.push({
          path: at,
          message: `is ${describeValue(arg)}: ${op} takes a string, e.g. { "${op}": ${JSON.stringify(op === "cidr" ? "10.0.0.0/24" : op === "wildcard" ? "dir/*.png" : "alice")} }.`,
        });
      break;
    case "exists":
      if (typeof arg !== "boolean")
        problems.push({ path: at, message: `is ${describeValue(arg)}: exists takes true or false, e.g. { "exists": true }.` });
      break;
    case "numeric":
      if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) {
        problems.push({
          path: at,
          message: `is ${describeValue(arg)}: numeric takes [operator, number] or [lower-operator, number, upper-operator, number], e.g. { "numeric": [">", 0, "<=", 5] }.`,
        });
      }
      break;
    case "anything-but":
      if (isPlainObject(arg)) {
        const inner = Object.keys(arg);
        if (inner.length !== 1 || !ANYTHING_BUT_FILTERS.includes(inner[0])) {
          problems.push({
            path: at,
            message: `is ${describeValue(arg)}: as an object, anything-but takes exactly one of ${ANYTHING_BUT_FILTERS.join(", ")}, e.g. { "anything-but": { "prefix": "init" } }.`,
          });
        }
      }
      break;
  }
}

/** The filter a (possibly mistyped) key stands for: the same letters ignoring case and punctuation, as the local matcher does. */
function filterNamed(key: string): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z]/g, "");
  return EVENT_PATTERN_FILTERS.find((op) => op === key || norm(op) === norm(key));
}

function onlyKey(obj: Record<string, unknown>): string | undefined {
  const keys = Object.keys(obj);
  return keys.length === 1 ? keys[0] : undefined;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
