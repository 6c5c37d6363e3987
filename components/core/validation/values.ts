/** Plain-value helpers for validation messages: type guards, a never-throwing rendering, "did you mean" hints. */

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const isPositiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;
/** A whole number from `min` to `max`. */
export const isWholeNumber = (value: unknown, min: number, max: number): value is number =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

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
