/**
 * Redaction of sensitive values (card tokens and anything else configured) from everything a step writes: logs,
 * console output, metric dimensions and metadata, trace annotations and metadata, and the errors it reports.
 *
 * Three rules, applied together:
 * - by KEY: a property whose name is sensitive (case-insensitive) is written as {@link REDACTED}, whatever its value
 *   (string, number, array, object), wherever it sits;
 * - by VALUE: every string or number found under a sensitive key in the invocation's input, at any depth, is
 *   remembered for that invocation and masked wherever it appears inside other text, as is or JSON-escaped or
 *   URL-encoded (values shorter than {@link MIN_MASKED_LENGTH} only where they stand as a whole word);
 * - by SHAPE: card tokens as processors issue them ({@link CARD_TOKEN_PATTERN}) are masked in any text.
 *
 * Property names are text too: a secret used as a key is masked like any other. What the last
 * {@link LATE_OUTPUT_INVOCATIONS} invocations remembered stays masked after they end: a timer or an un-awaited
 * promise of a handler writes after its invocation, in Lambda during the next one.
 *
 * Pure functions over plain data; the step wrapper creates one redactor per Lambda container, at run time. Kept
 * small and free of dependencies: it ships inside every step's Lambda.
 */
import { SENSITIVE_KEYS_ENV } from "./contract";

/** Keys never written anywhere. A workflow's own `sensitiveKeys` are added to these, never instead of them. */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = ["cardToken"];

/** Environment variable with extra sensitive keys, comma-separated (e.g. "iban,ssn"), added to the configured ones. */
export { SENSITIVE_KEYS_ENV };

/** What a redacted value is written as. */
export const REDACTED = "[REDACTED]";

/** Card tokens (`tok_live_…`, `tok_visa`), as a regular expression's source: masked in any text, whether or not the input carried them. */
export const CARD_TOKEN_PATTERN = "tok_\\w+";

/** Remembered values shorter than this are masked only as whole words (masking "7" inside "1701" would garble logs). */
export const MIN_MASKED_LENGTH = 4;

/** Invocations whose secrets stay masked after they end, for output their code writes late (timers, un-awaited promises). */
export const LATE_OUTPUT_INVOCATIONS = 2;

/** Nesting beyond which a written value is replaced as a whole by {@link REDACTED} (never left unredacted). */
export const MAX_REDACTED_DEPTH = 32;

export interface Redactor {
  /** Remembers the values held under sensitive keys anywhere in `input`, for as long as its invocation runs. */
  remember(input: unknown): void;
  /** Ends an invocation: once none is running, its values are kept for late output, as long as the next {@link LATE_OUTPUT_INVOCATIONS} - 1 invocations. */
  forget(): void;
  /** Masks `secret` too, until the running invocations end: a value derived from the input, e.g. a signed link. */
  also(secret: string): void;
  /** Masks `secret` for as long as the redactor lives (the container): a task's secret, read once per container. */
  always(secret: string): void;
  /** `text` with every remembered value and card token masked. */
  text(text: string): string;
  /** A redacted deep copy of `value`; errors become plain objects; nesting deeper than {@link MAX_REDACTED_DEPTH} is redacted. */
  value<T>(value: T): T;
  /** Redacts `error` in place: name, message, stack, every own property, and its `cause` chain. Returns it. */
  error<E extends Error>(error: E): E;
  /** A `JSON.stringify` replacer applying the rules (Powertools Logger's `jsonReplacerFn`). */
  replacer(key: string, value: unknown): unknown;
  /** Whether `key` is a sensitive key. */
  isSensitiveKey(key: string): boolean;
}

/**
 * The sensitive keys in force: {@link DEFAULT_SENSITIVE_KEYS}, plus `configured`, plus those of the
 * {@link SENSITIVE_KEYS_ENV} environment variable.
 *
 * @example
 * sensitiveKeysFrom(["iban"], { EDW_SENSITIVE_KEYS: "ssn" }); // ["cardToken", "iban", "ssn"]
 */
export function sensitiveKeysFrom(configured: readonly string[] | undefined, env: Record<string, string | undefined>): string[] {
  const fromEnv = (env[SENSITIVE_KEYS_ENV] ?? "").split(",").map((k) => k.trim());
  return [...new Set([...DEFAULT_SENSITIVE_KEYS, ...(configured ?? []), ...fromEnv])].filter((k) => k.length > 0);
}

/** The forms a secret takes once written inside other text: as is, JSON-escaped (once, twice), URL-encoded. */
function encodings(secret: string): string[] {
  const json = (s: string) => JSON.stringify(s).slice(1, -1);
  const url = (encode: (s: string) => string) => {
    try {
      return encode(secret);
    } catch {
      return secret; // a lone surrogate cannot be URL-encoded: then it is not written URL-encoded either
    }
  };
  const base64 = Buffer.from(secret, "utf8");
  return [
    secret,
    // Decoding must not recover a secret either: its base64 forms are masked too.
    base64.toString("base64"),
    base64.toString("base64url"),
    json(secret),
    json(json(secret)),
    url(encodeURIComponent),
    url(encodeURI),
    url((s) => new URLSearchParams([["", s]]).toString().slice(1)),
  ];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Whether every member of `some` is in `all`. */
function isSubset(some: Set<string>, all: Set<string>): boolean {
  for (const member of some) if (!all.has(member)) return false;
  return true;
}

/**
 * A redactor for `keys`.
 *
 * @example
 * const redactor = createRedactor(["cardToken"]);
 * redactor.remember({ detail: { cardToken: "pm_4242" } });
 * redactor.text("declined pm_4242"); // "declined [REDACTED]"
 */
export function createRedactor(keys: readonly string[]): Redactor {
  const sensitive = new Set(keys.map((k) => k.toLowerCase()));
  /** The secrets masked now: those of `permanent`, `live` and `ended` together. */
  let remembered = new Set<string>();
  // One invocation at a time in Lambda; several at once in the local runner (Map and Parallel states in one process).
  let running = 0;
  /** The secrets of the invocations running now, and of the last ones that ended (kept for their late output). */
  let live = new Set<string>();
  const ended: Set<string>[] = [];
  const isSensitiveKey = (key: string) => sensitive.has(key.toLowerCase());
  const cardTokensOnly = new RegExp(CARD_TOKEN_PATTERN, "gu");
  let pattern = cardTokensOnly;
  const keep = (next: Set<string>) => {
    // Compiled once per new set of secrets, not per call: an input without secrets costs no compilation, and nothing
    // keeps a secret once the invocation has forgotten it.
    if (next.size === remembered.size && isSubset(next, remembered)) return;
    remembered = next;
    if (remembered.size === 0) {
      pattern = cardTokensOnly;
      return;
    }
    const alternatives = [...remembered].flatMap((secret) =>
      encodings(secret).map((form) =>
        secret.length >= MIN_MASKED_LENGTH ? escapeRegExp(form) : `(?<![\\p{L}\\p{N}_])${escapeRegExp(form)}(?![\\p{L}\\p{N}_])`,
      ),
    );
    // Longest first, so that a secret containing another is masked whole.
    const sorted = [...new Set(alternatives)].sort((a, b) => b.length - a.length);
    pattern = new RegExp([...sorted, CARD_TOKEN_PATTERN].join("|"), "gu");
  };

  // Declared after `keep`: Pulumi's closure serialization needs a function's captured variables declared before it.
  /** The container's own secrets (a task's `secrets`): never forgotten. */
  const permanent = new Set<string>();
  const keepAll = () => {
    const all = new Set(permanent);
    for (const secrets of [live, ...ended]) for (const secret of secrets) all.add(secret);
    keep(all);
  };

  const text = (input: string) => input.replace(pattern, REDACTED);
  // A remembered number is also masked where it is written as a number, under a key that is not sensitive.
  const number = <T extends number | bigint>(value: T) => (text(String(value)) === String(value) ? value : REDACTED);
  /** An object's own entries with each key masked as text (a secret may be a property name). */
  const maskedKeys = (entries: [string, unknown][]) => entries.map(([key, child]): [string, unknown] => [text(key), child]);
  const isWritten = (value: unknown) => value !== undefined && value !== null;
  const copy = (value: unknown, depth: number, ancestors: object[]): unknown => {
    if (typeof value === "string") return text(value);
    if (typeof value === "number" || typeof value === "bigint") return number(value);
    if (typeof value !== "object" || value === null) return value;
    if (depth > MAX_REDACTED_DEPTH || ancestors.includes(value)) return REDACTED;
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === "function") return copy(json.call(value), depth, ancestors);
    const inner = [...ancestors, value];
    if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1, inner));
    const fields = value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack } : value;
    if (value instanceof Error && value.cause !== undefined) (fields as Record<string, unknown>).cause = value.cause;
    return Object.fromEntries(
      Object.entries(fields).map(([key, child]) => [
        text(key),
        isSensitiveKey(key) && isWritten(child) ? REDACTED : copy(child, depth + 1, inner),
      ]),
    );
  };
  const scrub = (error: Error, seen: Set<Error>): Error => {
    if (seen.has(error)) return error;
    seen.add(error);
    const fields = error as unknown as Record<string, unknown>;
    for (const key of new Set(["name", ...Object.getOwnPropertyNames(error)])) {
      const value = fields[key];
      if (text(key) !== key) {
        delete fields[key];
        fields[text(key)] = REDACTED;
        continue;
      }
      if (isSensitiveKey(key) && isWritten(value)) fields[key] = REDACTED;
      else if (value instanceof Error) fields[key] = scrub(value, seen);
      else if (typeof value === "string" || (typeof value === "object" && value !== null)) fields[key] = copy(value, 1, [error]);
    }
    return error;
  };
  return {
    remember(input) {
      running++;
      // Iterative, without a depth limit: a value nested however deep is still remembered. Two stacks rather than
      // pairs, and own keys by `for...in` rather than entries: this walks every invocation's whole input.
      const nodes: unknown[] = [input];
      const underSensitiveKey: boolean[] = [false];
      const seen = new Set<object>();
      let added = false;
      while (nodes.length > 0) {
        const node = nodes.pop();
        const under = underSensitiveKey.pop() === true;
        if (typeof node === "string" || typeof node === "number") {
          const value = under ? String(node) : "";
          if (value.length > 0) {
            live.add(value);
            added ||= !remembered.has(value);
          }
        } else if (typeof node === "object" && node !== null && !seen.has(node)) {
          seen.add(node);
          for (const key in node)
            if (Object.hasOwn(node, key)) {
              nodes.push((node as Record<string, unknown>)[key]);
              underSensitiveKey.push(under || isSensitiveKey(key));
            }
        }
      }
      // Nothing new (the same secrets as the invocations before): the pattern stands.
      if (added) keepAll();
    },
    forget() {
      running = Math.max(0, running - 1);
      if (running > 0) return;
      ended.push(live);
      live = new Set();
      ended.splice(0, Math.max(0, ended.length - LATE_OUTPUT_INVOCATIONS));
      keepAll();
    },
    also(secret) {
      if (secret.length === 0) return;
      live.add(secret);
      keepAll();
    },
    always(secret) {
      if (secret.length === 0) return;
      permanent.add(secret);
      keepAll();
    },
    text,
    value: (value) => copy(value, 0, []) as typeof value,
    error: (error) => {
      // A frozen error cannot be masked in place: a masked copy of the same class stands in for it.
      const target = Object.isFrozen(error) ? Object.assign(Object.create(Object.getPrototypeOf(error)), copy(error, 0, [])) : error;
      return scrub(target, new Set()) as typeof error;
    },
    replacer(key, value) {
      if (key !== "" && isSensitiveKey(key) && isWritten(value)) return REDACTED;
      if (typeof value === "string") return text(value);
      if (typeof value === "number") return number(value);
      // JSON has no BigInt: written as its digits (Powertools' own replacer does the same), masked like a number.
      if (typeof value === "bigint") return String(number(value));
      // A replacer cannot rename keys: an object with a secret for a property name is written as a copy without it.
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        // Checked without copying the entries: the replacer sees every object of every log line.
        for (const name in value)
          if (Object.hasOwn(value, name) && text(name) !== name) return Object.fromEntries(maskedKeys(Object.entries(value)));
      }
      return value;
    },
    isSensitiveKey,
  };
}

/** Tells Pulumi to serialize this module into Lambda archives by value: consumers of the installed package then need no copy of the library inside their functions. */
export const deploymentOnlyModule = true;
