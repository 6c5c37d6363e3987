/**
 * Redaction of sensitive values (card tokens and anything else configured) from everything a step writes: logs,
 * metric dimensions and metadata, trace annotations and metadata, and the errors it reports.
 *
 * Two rules, applied together:
 * - by KEY: a property whose name is sensitive (case-insensitive) is written as {@link REDACTED}, wherever it sits;
 * - by VALUE: the values found under sensitive keys in the invocation's input are remembered for that invocation,
 *   and masked wherever they appear inside other strings (an error message that quotes the token, a log line that
 *   interpolates it).
 *
 * Pure functions over plain data; the step wrapper creates one redactor per Lambda container, at run time.
 */
import { SENSITIVE_KEYS_ENV } from "./contract";

/** Keys never written anywhere, unless the workflow configures its own list (which is added to this one). */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = ["cardToken"];

/** Environment variable with extra sensitive keys, comma-separated (e.g. "iban,ssn"), added to the configured ones. */
export { SENSITIVE_KEYS_ENV };

/** What a redacted value is written as. */
export const REDACTED = "[REDACTED]";

/** Values shorter than this are not masked inside other strings (masking "1" everywhere would garble logs). */
const MIN_MASKED_LENGTH = 4;
/** Bounds of the walk that collects sensitive values from an input: depth and nodes visited. */
const MAX_DEPTH = 12;
const MAX_NODES = 10_000;

export interface Redactor {
  /** Remembers the values held under sensitive keys anywhere in `input`, for as long as its invocation runs. */
  remember(input: unknown): void;
  /** Ends an invocation: once none is running, the remembered values are forgotten. */
  forget(): void;
  /** Masks `secret` too, until the running invocations end: a value derived from the input, e.g. a signed link. */
  also(secret: string): void;
  /** `text` with every remembered value masked. */
  text(text: string): string;
  /** A deep copy of `value` with sensitive keys and remembered values redacted. */
  value<T>(value: T): T;
  /** A `JSON.stringify` replacer applying both rules (Powertools Logger's `jsonReplacerFn`). */
  replacer(key: string, value: unknown): unknown;
  /** Whether `key` is a sensitive key. */
  isSensitiveKey(key: string): boolean;
}

/**
 * The sensitive keys in force: `configured` (default {@link DEFAULT_SENSITIVE_KEYS}) plus those of the
 * {@link SENSITIVE_KEYS_ENV} environment variable.
 */
export function sensitiveKeysFrom(configured: readonly string[] | undefined, env: Record<string, string | undefined>): string[] {
  const fromEnv = (env[SENSITIVE_KEYS_ENV] ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  return [...new Set([...(configured ?? DEFAULT_SENSITIVE_KEYS), ...fromEnv])];
}

/**
 * A redactor for `keys`.
 *
 * @example
 * const redactor = createRedactor(["cardToken"]);
 * redactor.remember({ detail: { cardToken: "tok_visa" } });
 * redactor.text("declined tok_visa"); // "declined [REDACTED]"
 */
export function createRedactor(keys: readonly string[]): Redactor {
  const sensitive = keys.map((k) => k.toLowerCase());
  let remembered: string[] = [];
  // One invocation at a time in Lambda; several at once in the local runner (Map and Parallel states in one process).
  let running = 0;
  const isSensitiveKey = (key: string) => sensitive.includes(key.toLowerCase());
  const text = (input: string) => remembered.reduce((out, secret) => out.split(secret).join(REDACTED), input);
  const replacer = (key: string, value: unknown) => {
    if (key !== "" && isSensitiveKey(key) && value !== undefined && value !== null) return REDACTED;
    return typeof value === "string" ? text(value) : value;
  };
  return {
    remember(input) {
      running++;
      const found = new Set(remembered);
      let visited = 0;
      const walk = (node: unknown, depth: number) => {
        if (typeof node !== "object" || node === null || depth > MAX_DEPTH || ++visited > MAX_NODES) return;
        for (const [key, child] of Object.entries(node)) {
          if (isSensitiveKey(key) && (typeof child === "string" || typeof child === "number")) {
            const secret = String(child);
            if (secret.length >= MIN_MASKED_LENGTH) found.add(secret);
          } else walk(child, depth + 1);
        }
      };
      walk(input, 0);
      // Longest first, so a secret that contains another is masked whole.
      remembered = [...found].sort((a, b) => b.length - a.length);
    },
    forget() {
      running = Math.max(0, running - 1);
      if (running === 0) remembered = [];
    },
    also(secret) {
      if (secret.length >= MIN_MASKED_LENGTH) remembered = [...new Set([...remembered, secret])].sort((a, b) => b.length - a.length);
    },
    text,
    value(value) {
      if (value === undefined) return value;
      return JSON.parse(JSON.stringify(value, replacer));
    },
    replacer,
    isSensitiveKey,
  };
}

/** Tells Pulumi to serialize this module into Lambda archives by value: consumers of the installed package then need no copy of the library inside their functions. */
export const deploymentOnlyModule = true;
