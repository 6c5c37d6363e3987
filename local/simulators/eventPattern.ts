/**
 * EventBridge event-pattern matching, pure and in-process: what a rule would do with an event, and why not.
 *
 * Semantics follow the Amazon EventBridge user guide ("Creating event patterns", "Content filtering",
 * "Comparison operators", "Arrays in event patterns", "Null values and empty strings") and the open-source
 * matcher behind it (aws/event-ruler):
 * - every leaf of a pattern is an array; the field matches when ANY element matches (OR);
 * - the fields of a pattern object must ALL match (AND); nested objects match nested event fields;
 * - when the event value is an array, the field matches when any of its elements matches;
 *   an array of objects matches a nested pattern when one element matches the whole nested pattern;
 * - exact values are type-strict: `"5"` is not `5`, `""` is not `null`, and a missing field matches nothing
 *   except `{"exists": false}`, which holds only when the field path has no value anywhere in the event (an array
 *   element without the field does not count while another element has it);
 * - operators: prefix, suffix (both also with equals-ignore-case), equals-ignore-case, wildcard, anything-but
 *   (value, list, prefix, suffix, wildcard, equals-ignore-case), numeric, exists, cidr (IPv4 and IPv6), and `$or`.
 *
 * The module has no dependencies and no side effects; the local runner, the CLI and the tests share it.
 */
import { EVENT_PATTERN_FILTERS } from "event-driven-workflow/core";

/** The outcome of {@link matchEventPattern}: whether the rule would fire, and if not, every reason why. */
export interface EventPatternMatch {
  matched: boolean;
  /** Human-readable, one per failing condition, each naming the field path, what was expected and what was found. Empty when matched. */
  reasons: string[];
}

/** Thrown for a pattern EventBridge would reject; `path` names the offending place (e.g. `detail.state[0]`). */
export class EventPatternError extends Error {
  constructor(
    readonly path: string,
    problem: string,
    fix: string,
  ) {
    super(`Invalid event pattern at ${path || "(root)"}: ${problem} Fix: ${fix}`);
    this.name = "EventPatternError";
  }
}

/** The largest event pattern PutRule accepts, in characters of its JSON. */
export const MAX_EVENT_PATTERN_LENGTH = 4096;
/** Numeric matching works on values within ±5.0e9 (event-ruler's and EventBridge's limit). */
const NUMERIC_LIMIT = 5e9;

/**
 * Checks that a pattern is one EventBridge would accept, with the same rules {@link matchEventPattern} applies.
 *
 * @param pattern the pattern as an object, or its JSON text.
 * @throws {@link EventPatternError} naming the path and the fix, e.g. for an unknown operator, a bare value that
 *   should be wrapped in an array, or a `numeric` with bad operands.
 * @example
 * validateEventPattern({ source: ["order.service"], "detail-type": ["Order Placed"] }); // ok
 * validateEventPattern({ detail: { total: [{ numeric: [">", "100"] }] } });
 * // throws: Invalid event pattern at detail.total[0].numeric: operand "100" is not a number. Fix: ...
 */
export function validateEventPattern(pattern: object | string): void {
  compile(pattern);
}

/**
 * Matches an event against an EventBridge event pattern, in-process, with EventBridge semantics.
 *
 * @param pattern the rule's event pattern (object or JSON text); validated first.
 * @param event the event as EventBridge would deliver it (`source`, `detail-type`, `detail`, ...).
 * @returns `matched`, and for a non-matching event one reason per failing condition, such as
 *   `detail-type: expected one of ["Order Placed"], found "Order Cancelled"`.
 * @throws {@link EventPatternError} when the pattern is invalid (see {@link validateEventPattern}).
 * @example
 * const trigger = { source: ["order.service"], "detail-type": ["Order Placed"] };
 * matchEventPattern(trigger, { source: "order.service", "detail-type": "Order Placed", detail: {} });
 * // => { matched: true, reasons: [] }
 * matchEventPattern(trigger, { source: "order.service", "detail-type": "Order Cancelled", detail: {} });
 * // => { matched: false, reasons: ['detail-type: expected one of ["Order Placed"], found "Order Cancelled"'] }
 */
export function matchEventPattern(pattern: object | string, event: object): EventPatternMatch {
  const compiled = compile(pattern);
  const reasons: string[] = [];
  const matched = evalNode(compiled, event, "", reasons, { root: event, keys: [] });
  return { matched, reasons: matched ? [] : reasons };
}

// ---------------------------------------------------------------------------------------------------------------
// Compilation (validation) of a pattern into a matcher tree

type Leaf = string | number | boolean | null;

interface LeafMatcher {
  /** The pattern element as written, for messages. */
  text: string;
  test(values: readonly Leaf[]): boolean;
  /**
   * `{"exists": false}`: true when the field path holds no leaf value anywhere in the event. EventBridge asks the
   * whole event, so an array element that lacks the field does not make it absent when another element has it.
   */
  absent?: true;
}

interface LeafField {
  kind: "leaf";
  key: string;
  matchers: LeafMatcher[];
}
interface ObjectField {
  kind: "object";
  key: string;
  node: PatternNode;
}
interface PatternNode {
  fields: Array<LeafField | ObjectField>;
  ors: PatternNode[][];
}

const cache = new WeakMap<object, PatternNode>();

function compile(pattern: object | string): PatternNode {
  if (typeof pattern === "object" && pattern !== null) {
    const hit = cache.get(pattern);
    if (hit) return hit;
  }
  let parsed: unknown = pattern;
  if (typeof pattern === "string") {
    try {
      parsed = JSON.parse(pattern);
    } catch (err) {
      throw new EventPatternError(
        "",
        `the pattern is not valid JSON (${(err as Error).message}).`,
        `pass an object or JSON text such as {"source": ["order.service"]}.`,
      );
    }
  }
  if (!isPlainObject(parsed)) {
    throw new EventPatternError(
      "",
      `a pattern must be a JSON object, got ${kindOf(parsed)}.`,
      `write it as an object of fields, e.g. {"source": ["order.service"], "detail-type": ["Order Placed"]}.`,
    );
  }
  const length = JSON.stringify(parsed).length;
  if (length > MAX_EVENT_PATTERN_LENGTH) {
    throw new EventPatternError(
      "",
      `the pattern is ${length} characters of JSON; EventBridge accepts at most ${MAX_EVENT_PATTERN_LENGTH}.`,
      "shorten it: move long value lists into prefix/wildcard matches, or split it into several rules.",
    );
  }
  const node = compileObject(parsed, "");
  if (typeof pattern === "object" && pattern !== null) cache.set(pattern, node);
  return node;
}

function compileObject(obj: Record<string, unknown>, path: string): PatternNode {
  const node: PatternNode = { fields: [], ors: [] };
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  if (entries.length === 0) {
    throw new EventPatternError(
      path,
      "the pattern object has no fields; EventBridge rejects empty patterns.",
      `add at least one field, e.g. ${path ? `{"state": ["running"]}` : `{"source": ["order.service"]}`}.`,
    );
  }
  for (const [key, value] of entries) {
    const here = join(path, key);
    if (key === "$or" && Array.isArray(value)) {
      if (value.length < 2 || !value.every(isPlainObject)) {
        throw new EventPatternError(
          here,
          '"$or" needs an array of at least two pattern objects.',
          `write "$or": [{"fieldA": ["x"]}, {"fieldB": ["y"]}]; for alternatives of one field, list them in its array instead.`,
        );
      }
      node.ors.push(value.map((alt, i) => compileObject(alt as Record<string, unknown>, `${here}[${i}]`)));
    } else if (Array.isArray(value)) {
      if (value.length === 0) {
        throw new EventPatternError(
          here,
          "the value array is empty, so it could never match.",
          `list at least one value or operator, e.g. "${key}": ["value"] or "${key}": [{"exists": true}].`,
        );
      }
      node.fields.push({ kind: "leaf", key, matchers: value.map((el, i) => compileLeaf(el, `${here}[${i}]`, key)) });
    } else if (isPlainObject(value)) {
      const keys = Object.keys(value);
      const looksLikeOperator =
        keys.length > 0 &&
        keys.every((k) => operatorNamed(k) !== undefined) &&
        !Object.values(value).some((v) => Array.isArray(v) || isPlainObject(v));
      if (looksLikeOperator) {
        throw new EventPatternError(
          here,
          `operators must sit inside an array, but "${key}" holds ${JSON.stringify(value)} directly.`,
          `wrap it: "${key}": [${JSON.stringify(value)}].`,
        );
      }
      node.fields.push({ kind: "object", key, node: compileObject(value, here) });
    } else {
      throw new EventPatternError(
        here,
        `every pattern value must be an array (or a nested object), got ${kindOf(value)} ${JSON.stringify(value)}.`,
        `wrap it in an array: "${key}": [${JSON.stringify(value)}].`,
      );
    }
  }
  return node;
}

function compileLeaf(el: unknown, path: string, key: string): LeafMatcher {
  if (el === null || typeof el === "string" || typeof el === "boolean" || (typeof el === "number" && Number.isFinite(el))) {
    const text = JSON.stringify(el);
    return { text, test: (values) => values.some((v) => v === el) };
  }
  if (Array.isArray(el)) {
    throw new EventPatternError(
      path,
      "nested arrays are not allowed in a pattern.",
      `flatten it: "${key}": [${el.map((x) => JSON.stringify(x)).join(", ")}].`,
    );
  }
  if (!isPlainObject(el)) {
    throw new EventPatternError(
      path,
      `${kindOf(el)} is not a pattern value.`,
      "use a string, number, boolean, null or an operator object.",
    );
  }
  const keys = Object.keys(el);
  if (keys.length !== 1) {
    throw new EventPatternError(
      path,
      `an operator object takes exactly one operator, got ${keys.length === 0 ? "none" : keys.map((k) => `"${k}"`).join(", ")}.`,
      keys.length === 0
        ? `use one of ${EVENT_PATTERN_FILTERS.join(", ")}, e.g. {"prefix": "us-"}.`
        : `put each operator in its own array element (they are ORed): [${keys.map((k) => JSON.stringify({ [k]: el[k] })).join(", ")}].`,
    );
  }
  const op = keys[0];
  const arg = el[op];
  const at = `${path}.${op}`;
  const text = JSON.stringify(el);
  switch (op) {
    case "prefix":
    case "suffix": {
      const { value, ignoreCase } = stringOrIgnoreCase(arg, at, op);
      const needle = ignoreCase ? value.toLowerCase() : value;
      const check = op === "prefix" ? (s: string) => s.startsWith(needle) : (s: string) => s.endsWith(needle);
      return { text, test: (values) => values.some((v) => typeof v === "string" && check(ignoreCase ? v.toLowerCase() : v)) };
    }
    case "equals-ignore-case": {
      if (typeof arg !== "string") {
        throw new EventPatternError(at, `equals-ignore-case takes a string, got ${kindOf(arg)}.`, `write {"equals-ignore-case": "alice"}.`);
      }
      const lower = arg.toLowerCase();
      return { text, test: (values) => values.some((v) => typeof v === "string" && v.toLowerCase() === lower) };
    }
    case "wildcard": {
      const re = wildcardRegExp(arg, at);
      return { text, test: (values) => values.some((v) => typeof v === "string" && re.test(v)) };
    }
    case "exists": {
      if (typeof arg !== "boolean") {
        throw new EventPatternError(
          at,
          `exists takes true or false, got ${JSON.stringify(arg)}.`,
          `write {"exists": true} or {"exists": false}.`,
        );
      }
      return arg ? { text, test: (values) => values.length > 0 } : { text, test: (values) => values.length === 0, absent: true };
    }
    case "numeric": {
      const inRange = numericRange(arg, at);
      return { text, test: (values) => values.some((v) => typeof v === "number" && inRange(v)) };
    }
    case "cidr": {
      const inBlock = cidrBlock(arg, at);
      return { text, test: (values) => values.some((v) => typeof v === "string" && inBlock(v)) };
    }
    case "anything-but": {
      const denied = anythingBut(arg, at);
      // A missing field (no leaf values) never matches anything-but: there is nothing that is "anything".
      return { text, test: (values) => values.some((v) => !denied(v)) };
    }
    default: {
      const guess = operatorNamed(op);
      throw new EventPatternError(
        path,
        `unknown operator "${op}".`,
        guess
          ? `did you mean "${guess}"? Write {"${guess}": ${JSON.stringify(arg)}}.`
          : `use one of ${EVENT_PATTERN_FILTERS.join(", ")}; to match a nested field, use a nested object instead of an array element.`,
      );
    }
  }
}

function stringOrIgnoreCase(arg: unknown, at: string, op: string): { value: string; ignoreCase: boolean } {
  if (typeof arg === "string") return { value: arg, ignoreCase: false };
  if (isPlainObject(arg) && Object.keys(arg).length === 1 && typeof arg["equals-ignore-case"] === "string") {
    return { value: arg["equals-ignore-case"] as string, ignoreCase: true };
  }
  throw new EventPatternError(
    at,
    `${op} takes a string or {"equals-ignore-case": string}, got ${JSON.stringify(arg)}.`,
    `write {"${op}": "${op === "prefix" ? "us-" : ".png"}"} or {"${op}": {"equals-ignore-case": "${op === "prefix" ? "us-" : ".png"}"}}.`,
  );
}

function wildcardRegExp(arg: unknown, at: string): RegExp {
  if (typeof arg !== "string") {
    throw new EventPatternError(at, `wildcard takes a string, got ${kindOf(arg)}.`, `write {"wildcard": "dir/*.png"}.`);
  }
  let source = "^";
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (c === "\\") {
      const next = arg[i + 1];
      if (next !== "*" && next !== "\\") {
        throw new EventPatternError(
          at,
          `a backslash may only escape "*" or "\\" in a wildcard, found ${JSON.stringify(arg)}.`,
          "write \\\\* for a literal asterisk and \\\\\\\\ for a literal backslash (in JSON text), or remove the backslash.",
        );
      }
      source += escapeRegExp(next);
      i++;
    } else if (c === "*") {
      if (arg[i + 1] === "*") {
        throw new EventPatternError(
          at,
          `consecutive wildcard characters are not allowed, found ${JSON.stringify(arg)}.`,
          "use a single * (it already matches any run of characters).",
        );
      }
      source += "[\\s\\S]*";
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`${source}$`);
}

function numericRange(arg: unknown, at: string): (n: number) => boolean {
  const example = `for example {"numeric": [">", 0, "<=", 5]}, {"numeric": ["<", 10]} or {"numeric": ["=", 301.8]}.`;
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) {
    throw new EventPatternError(
      at,
      `numeric takes [operator, number] or [lower-operator, number, upper-operator, number], got ${JSON.stringify(arg)}.`,
      example,
    );
  }
  const ops = ["<", "<=", "=", ">", ">="];
  const pairs: Array<{ op: string; value: number }> = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const value = arg[i + 1];
    if (typeof op !== "string" || !ops.includes(op)) {
      throw new EventPatternError(
        `${at}[${i}]`,
        `${JSON.stringify(op)} is not a numeric operator.`,
        `use one of ${ops.map((o) => `"${o}"`).join(", ")}; ${example}`,
      );
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new EventPatternError(
        `${at}[${i + 1}]`,
        `operand ${JSON.stringify(value)} is not a number.`,
        `write it as a JSON number, not a string; ${example}`,
      );
    }
    if (Math.abs(value) > NUMERIC_LIMIT) {
      throw new EventPatternError(
        `${at}[${i + 1}]`,
        `operand ${value} is outside the range EventBridge compares (-5.0e9 to +5.0e9).`,
        "use a bound within ±5.0e9.",
      );
    }
    pairs.push({ op, value });
  }
  if (pairs.length === 1) {
    const [{ op, value }] = pairs;
    return compare(op, value);
  }
  if (pairs.some((p) => p.op === "=")) {
    throw new EventPatternError(at, `"=" cannot be combined with another bound.`, `use {"numeric": ["=", n]} alone; ${example}`);
  }
  const lower = pairs.find((p) => p.op.startsWith(">"));
  const upper = pairs.find((p) => p.op.startsWith("<"));
  if (!lower || !upper) {
    throw new EventPatternError(
      at,
      `a two-bound numeric range needs one lower (">" or ">=") and one upper ("<" or "<=") bound, got ${JSON.stringify(arg)}.`,
      example,
    );
  }
  if (!(lower.value < upper.value)) {
    throw new EventPatternError(
      at,
      `the lower bound ${lower.value} is not below the upper bound ${upper.value}, so nothing could match.`,
      "swap or correct the bounds.",
    );
  }
  const above = compare(lower.op, lower.value);
  const below = compare(upper.op, upper.value);
  return (n) => above(n) && below(n);
}

function compare(op: string, bound: number): (n: number) => boolean {
  switch (op) {
    case "<":
      return (n) => n < bound;
    case "<=":
      return (n) => n <= bound;
    case ">":
      return (n) => n > bound;
    case ">=":
      return (n) => n >= bound;
    default:
      return (n) => n === bound;
  }
}

function anythingBut(arg: unknown, at: string): (v: Leaf) => boolean {
  const example = `for example {"anything-but": "stopped"}, {"anything-but": ["stopped", "overloaded"]}, {"anything-but": [100, 200]} or {"anything-but": {"prefix": "init"}}.`;
  if (typeof arg === "string" || (typeof arg === "number" && Number.isFinite(arg))) return (v) => v === arg;
  if (Array.isArray(arg)) {
    const allStrings = arg.every((x) => typeof x === "string");
    const allNumbers = arg.every((x) => typeof x === "number" && Number.isFinite(x));
    if (arg.length === 0 || (!allStrings && !allNumbers)) {
      throw new EventPatternError(
        at,
        `an anything-but list must be non-empty and hold only strings or only numbers, got ${JSON.stringify(arg)}.`,
        example,
      );
    }
    const set = new Set<unknown>(arg);
    return (v) => set.has(v);
  }
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    const inner = arg[keys[0]];
    if (keys.length === 1) {
      switch (keys[0]) {
        case "prefix":
        case "suffix":
          if (typeof inner === "string") {
            return keys[0] === "prefix"
              ? (v) => typeof v === "string" && v.startsWith(inner)
              : (v) => typeof v === "string" && v.endsWith(inner);
          }
          throw new EventPatternError(
            `${at}.${keys[0]}`,
            `anything-but ${keys[0]} takes a single string, got ${JSON.stringify(inner)}.`,
            `write {"anything-but": {"${keys[0]}": "init"}}; to exclude several, use a wildcard or several rules.`,
          );
        case "equals-ignore-case": {
          const list = typeof inner === "string" ? [inner] : inner;
          if (Array.isArray(list) && list.length > 0 && list.every((x) => typeof x === "string")) {
            const lowered = new Set((list as string[]).map((s) => s.toLowerCase()));
            return (v) => typeof v === "string" && lowered.has(v.toLowerCase());
          }
          throw new EventPatternError(
            `${at}.equals-ignore-case`,
            `anything-but equals-ignore-case takes a string or a list of strings, got ${JSON.stringify(inner)}.`,
            `write {"anything-but": {"equals-ignore-case": ["stopped", "overloaded"]}}.`,
          );
        }
        case "wildcard": {
          const list = typeof inner === "string" ? [inner] : inner;
          if (Array.isArray(list) && list.length > 0) {
            const res = list.map((w, i) => wildcardRegExp(w, Array.isArray(inner) ? `${at}.wildcard[${i}]` : `${at}.wildcard`));
            return (v) => typeof v === "string" && res.some((re) => re.test(v));
          }
          throw new EventPatternError(
            `${at}.wildcard`,
            `anything-but wildcard takes a string or a list of strings, got ${JSON.stringify(inner)}.`,
            `write {"anything-but": {"wildcard": "*/lib/*"}}.`,
          );
        }
      }
    }
    throw new EventPatternError(
      at,
      `anything-but accepts a value, a list, or one of {prefix}, {suffix}, {wildcard}, {equals-ignore-case}; got ${JSON.stringify(arg)}.`,
      example,
    );
  }
  throw new EventPatternError(at, `anything-but takes strings or numbers, got ${JSON.stringify(arg)}.`, example);
}

// ---- CIDR ------------------------------------------------------------------------------------------------------

interface IpAddress {
  bits: 32 | 128;
  value: bigint;
}

function cidrBlock(arg: unknown, at: string): (s: string) => boolean {
  const fix = `write {"cidr": "10.0.0.0/24"} or {"cidr": "2001:db8::/32"}.`;
  if (typeof arg !== "string") throw new EventPatternError(at, `cidr takes a string, got ${kindOf(arg)}.`, fix);
  const [addr, len, ...rest] = arg.split("/");
  const ip = parseIp(addr);
  if (!ip || rest.length > 0) throw new EventPatternError(at, `${JSON.stringify(arg)} is not an IPv4 or IPv6 CIDR block.`, fix);
  const prefix = len === undefined ? ip.bits : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= ip.bits)) {
    throw new EventPatternError(at, `prefix length "/${len}" is out of range for ${ip.bits === 32 ? "IPv4 (0-32)" : "IPv6 (0-128)"}.`, fix);
  }
  const shift = BigInt(ip.bits - prefix);
  const network = ip.value >> shift;
  return (s) => {
    const candidate = parseIp(s);
    return candidate !== undefined && candidate.bits === ip.bits && candidate.value >> shift === network;
  };
}

function parseIp(s: string): IpAddress | undefined {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = parseIpv6(s);
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

function parseIpv4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let value = 0n;
  for (const part of m.slice(1)) {
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/** The whole event, and the field names (array indices left out) from it to the value being matched. */
interface Scope {
  root: unknown;
  keys: readonly string[];
}

function evalNode(node: PatternNode, value: unknown, path: string, reasons: string[], scope: Scope): boolean {
  const obj = isPlainObject(value) ? value : undefined;
  let ok = true;
  for (const field of node.fields) {
    const here = join(path, field.key);
    const child = obj?.[field.key];
    const keys = [...scope.keys, field.key];
    if (field.kind === "leaf") {
      const values = leafValues(child);
      const everywhere = field.matchers.some((m) => m.absent) ? valuesAt(scope.root, keys) : values;
      if (!field.matchers.some((m) => m.test(m.absent ? everywhere : values))) {
        ok = false;
        const found =
          values.length === 0 && everywhere.length > 0
            ? `but ${keys.join(".")} holds a value in another element of the event's arrays`
            : describeFound(child);
        reasons.push(`${here}: expected one of [${field.matchers.map((m) => m.text).join(", ")}], ${found}`);
      }
    } else if (!evalObjectField(field, child, here, reasons, { root: scope.root, keys })) {
      ok = false;
    }
  }
  for (const alternatives of node.ors) {
    const collected: string[][] = [];
    const any = alternatives.some((alt) => {
      const sub: string[] = [];
      const hit = evalNode(alt, value, path, sub, scope);
      collected.push(sub);
      return hit;
    });
    if (!any) {
      ok = false;
      reasons.push(`${join(path, "$or")}: none of the ${alternatives.length} alternatives matched`);
      for (const [i, sub] of collected.entries()) for (const r of sub) reasons.push(`  alternative ${i + 1}: ${r}`);
    }
  }
  return ok;
}

function evalObjectField(field: ObjectField, child: unknown, here: string, reasons: string[], scope: Scope): boolean {
  if (Array.isArray(child)) {
    const elements = objectElements(child, here);
    if (elements.length > 0) {
      const perElement: string[][] = [];
      for (const { path, value } of elements) {
        const sub: string[] = [];
        if (evalNode(field.node, value, path, sub, scope)) return true;
        perElement.push(sub);
      }
      reasons.push(`${here}: no element of the array matched the nested pattern`);
      for (const sub of perElement) reasons.push(...sub.map((r) => `  ${r}`));
      return false;
    }
  }
  const sub: string[] = [];
  if (evalNode(field.node, child, here, sub, scope)) return true;
  if (child !== undefined && !isPlainObject(child)) {
    reasons.push(
      `${here}: expected an object with ${field.node.fields.map((f) => `"${f.key}"`).join(", ") || "nested fields"}, ${describeFound(child)}`,
    );
  }
  reasons.push(...sub);
  return false;
}

/** Objects inside an (arbitrarily nested) event array, with their index paths. */
function objectElements(arr: readonly unknown[], path: string): Array<{ path: string; value: Record<string, unknown> }> {
  const out: Array<{ path: string; value: Record<string, unknown> }> = [];
  arr.forEach((el, i) => {
    const here = `${path}[${i}]`;
    if (Array.isArray(el)) out.push(...objectElements(el, here));
    else if (isPlainObject(el)) out.push({ path: here, value: el });
  });
  return out;
}

/** The leaf values at a field path (names only) anywhere in the event, through every element of its arrays. */
function valuesAt(value: unknown, keys: readonly string[]): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((element) => valuesAt(element, keys));
  if (keys.length === 0) return leafValues(value);
  return isPlainObject(value) ? valuesAt(value[keys[0]], keys.slice(1)) : [];
}

/** The leaf values of an event field: none when missing or an object, the scalars of an (arbitrarily nested) array. */
function leafValues(v: unknown): Leaf[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap(leafValues);
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return [v];
  return [];
}

function describeFound(v: unknown): string {
  if (v === undefined) return "but the field is missing";
  if (isPlainObject(v))
    return `found an object ${truncate(JSON.stringify(v))}, but only leaf values (strings, numbers, booleans, null) can match`;
  if (Array.isArray(v)) return `found ${truncate(JSON.stringify(v))} (no element matched)`;
  return `found ${truncate(JSON.stringify(v))}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function truncate(s: string, max = 120): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The operator a (possibly mistyped) key stands for: exact, or the same letters ignoring case and punctuation. */
function operatorNamed(key: string): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z]/g, "");
  return EVENT_PATTERN_FILTERS.find((op) => op === key || norm(op) === norm(key));
}
