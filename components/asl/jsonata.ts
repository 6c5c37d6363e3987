/**
 * JSONata fields (`"{% ... %}"`) as a reader of a definition can judge them without running it: constants (literals,
 * arithmetic and numeric functions over literals) by their value, and expressions read from the execution by the
 * upper bound they can be proven to keep (`$min([$states.input.t, 300])`). The policy pack and the time budget share
 * it, so both read a JSONata timeout the same way.
 */
/** A JSONata field (`"{% ... %}"`): a constant the pack can evaluate, or an expression that depends on the execution. */
export type JsonataValue = { kind: "constant"; value: number | string } | { kind: "expression" };

const JSONATA_FIELD = /^\s*\{%([\s\S]*)%\}\s*$/;

/**
 * Reads a JSONata field. Literals, arithmetic and calls of JSONata's numeric functions over literals
 * (`{% 99999999 %}`, `{% 60 * 60 * 24 %}`, `{% $number('99999999') %}`, `{% $max([1, 99999999]) %}`,
 * `{% 'arn:aws:lambda:...' %}`) are constants: AWS evaluates them to the same value on every execution, so the pack
 * judges that value. Anything that reads the execution (`$states.input.timeout`) is an expression. Not a JSONata
 * field: undefined.
 *
 * @example
 * jsonataValue("{% 60 * 60 %}") // { kind: "constant", value: 3600 }
 * jsonataValue("{% $states.input.t %}") // { kind: "expression" }
 */
export function jsonataValue(value: unknown): JsonataValue | undefined {
  if (typeof value !== "string") return undefined;
  const match = JSONATA_FIELD.exec(value);
  if (!match) return undefined;
  const result = evaluateJsonata(match[1]);
  return result?.kind === "value" && (typeof result.value === "number" || typeof result.value === "string")
    ? { kind: "constant", value: result.value }
    : { kind: "expression" };
}

/**
 * The largest value a JSONata numeric field can take, when the pack can prove one: `{% $min([$states.input.t, 300]) %}`
 * is at most 300 whatever the execution's input. Undefined when nothing bounds it.
 *
 * @example
 * jsonataUpperBound("{% $min([$states.input.timeout, 300]) %}") // 300
 * jsonataUpperBound("{% $states.input.timeout %}") // undefined
 */
export function jsonataUpperBound(value: string): number | undefined {
  const match = JSONATA_FIELD.exec(value);
  const result = match ? evaluateJsonata(match[1]) : undefined;
  if (result === undefined) return undefined;
  const bound = result.kind === "value" ? (typeof result.value === "number" ? result.value : undefined) : result.max;
  return bound !== undefined && Number.isFinite(bound) ? bound : undefined;
}

/** A JSONata sub-expression: a known value, or one read from the execution with its upper bound (Infinity: none). */
type Evaluated = { kind: "value"; value: number | string | Evaluated[] } | { kind: "read"; max: number };

const READ: Evaluated = { kind: "read", max: Number.POSITIVE_INFINITY };
const num = (value: number): Evaluated | undefined => (Number.isFinite(value) ? { kind: "value", value } : undefined);
const upper = (e: Evaluated): number => (e.kind === "read" ? e.max : typeof e.value === "number" ? e.value : Number.POSITIVE_INFINITY);

/** JSONata's numeric functions over known arguments; `$min`/`$max` also bound arguments read from the execution. */
const FUNCTIONS: Readonly<Record<string, (args: Evaluated[]) => Evaluated | undefined>> = {
  $number: ([x]) =>
    x?.kind === "value" && (typeof x.value === "number" || typeof x.value === "string") ? num(Number(x.value)) : undefined,
  $abs: unary(Math.abs),
  $floor: unary(Math.floor),
  $ceil: unary(Math.ceil),
  $round: unary(Math.round),
  $sqrt: unary(Math.sqrt),
  $power: ([a, b]) => (isNumber(a) && isNumber(b) ? num(a.value ** b.value) : undefined),
  $min: (args) => aggregate(args, Math.min),
  $max: (args) => aggregate(args, Math.max),
  $sum: (args) => known(args, (values) => values.reduce((x, y) => x + y, 0)),
  $average: (args) => known(args, (values) => (values.length ? values.reduce((x, y) => x + y, 0) / values.length : Number.NaN)),
};

function isNumber(e: Evaluated | undefined): e is { kind: "value"; value: number } {
  return e?.kind === "value" && typeof e.value === "number";
}
function unary(fn: (x: number) => number): (args: Evaluated[]) => Evaluated | undefined {
  return ([x]) => (isNumber(x) ? num(fn(x.value)) : undefined);
}
/** The arguments of $min/$max/$sum: one array, or the values themselves. */
function flatten(args: Evaluated[]): Evaluated[] {
  return args.length === 1 && args[0].kind === "value" && Array.isArray(args[0].value) ? args[0].value : args;
}
function known(args: Evaluated[], fn: (values: number[]) => number): Evaluated | undefined {
  const items = flatten(args);
  return items.every(isNumber) ? num(fn(items.map((i) => i.value))) : undefined;
}
function aggregate(args: Evaluated[], fn: (...values: number[]) => number): Evaluated | undefined {
  const items = flatten(args);
  if (items.length === 0) return undefined;
  if (items.every(isNumber)) return num(fn(...items.map((i) => i.value)));
  if (items.some((i) => i.kind === "value" && typeof i.value !== "number")) return undefined;
  // $min is at most its smallest bound; $max at most its largest (unbounded if any item is).
  return { kind: "read", max: fn(...items.map(upper)) };
}

/**
 * Evaluates a JSONata expression made of literals (numbers, strings, arrays), + - * /, parentheses, the functions of
 * {@link FUNCTIONS} and paths (`$states.input.x`, read from the execution). Undefined for anything else.
 */
function evaluateJsonata(source: string): Evaluated | undefined {
  const tokens =
    source.match(/'[^'\\]*'|"[^"\\]*"|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\$?[A-Za-z_][\w]*(?:\.[A-Za-z_$][\w]*)*|\$|[-+*/()[\],.]|\S/g) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const arithmetic = (op: string, left: Evaluated, right: Evaluated): Evaluated | undefined => {
    if (isNumber(left) && isNumber(right)) {
      const [a, b] = [left.value, right.value];
      return num(op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : a / b);
    }
    if (left.kind === "value" && typeof left.value !== "number") return undefined;
    if (right.kind === "value" && typeof right.value !== "number") return undefined;
    // Bounds: a + b at most the sum of bounds; a - k and a * k (k >= 0 known) likewise; anything else is unbounded.
    if (op === "+") return { kind: "read", max: upper(left) + upper(right) };
    if (op === "-" && isNumber(right)) return { kind: "read", max: upper(left) - right.value };
    if (op === "*" && isNumber(right) && right.value >= 0) return { kind: "read", max: upper(left) * right.value };
    if (op === "*" && isNumber(left) && left.value >= 0) return { kind: "read", max: left.value * upper(right) };
    return READ;
  };
  const expression = (): Evaluated | undefined => {
    let left = term();
    while (left !== undefined && (peek() === "+" || peek() === "-")) {
      const op = tokens[at++];
      const right = term();
      left = right === undefined ? undefined : arithmetic(op, left, right);
    }
    return left;
  };
  const term = (): Evaluated | undefined => {
    let left = factor();
    while (left !== undefined && (peek() === "*" || peek() === "/")) {
      const op = tokens[at++];
      const right = factor();
      left = right === undefined ? undefined : arithmetic(op, left, right);
    }
    return left;
  };
  const list = (close: string): Evaluated[] | undefined => {
    const items: Evaluated[] = [];
    if (peek() === close) {
      at++;
      return items;
    }
    for (;;) {
      const item = expression();
      if (item === undefined) return undefined;
      items.push(item);
      const next = tokens[at++];
      if (next === close) return items;
      if (next !== ",") return undefined;
    }
  };
  const factor = (): Evaluated | undefined => {
    const token = tokens[at++];
    if (token === undefined) return undefined;
    if (token === "-") {
      const inner = factor();
      return isNumber(inner) ? num(-inner.value) : inner === undefined ? undefined : READ;
    }
    if (token === "(") {
      const inner = expression();
      return tokens[at++] === ")" ? inner : undefined;
    }
    if (token === "[") {
      const items = list("]");
      return items && { kind: "value", value: items };
    }
    if (/^\d/.test(token)) return num(Number(token));
    const literal = /^(?:'([^']*)'|"([^"]*)")$/.exec(token);
    if (literal) return { kind: "value", value: literal[1] ?? literal[2] };
    if (/^\$?[A-Za-z_]/.test(token)) {
      if (peek() === "(") {
        at++;
        const fn = Object.hasOwn(FUNCTIONS, token) ? FUNCTIONS[token] : undefined;
        const args = list(")");
        return fn && args ? fn(args) : args ? READ : undefined;
      }
      // A path: a value of the execution's input, context or variables.
      return READ;
    }
    return undefined;
  };
  const result = expression();
  return result !== undefined && at === tokens.length ? result : undefined;
}
