/**
 * Reading resource properties safely. The policy engine hands validators a proxy that throws
 * `UnknownValueError` when a value is unknown during `pulumi preview` (an ARN not created yet); it also
 * hands plain values, JSON strings or objects. These helpers turn all of that into plain data plus an
 * explicit "unknown" marker, so a policy can say something useful instead of being skipped wholesale.
 */

/** Marks a value that cannot be known yet (preview of a resource whose inputs depend on new resources). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/**
 * The sentinels @pulumi/policy (and the Pulumi engine) use for unknown values of each kind. A value equal to
 * one of them reached us without the unknown-checking proxy.
 */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** Whether `error` is @pulumi/policy's UnknownValueError (checked by name: the class is not in its typings). */
export function isUnknownValueError(error: unknown): boolean {
  return error instanceof Error && (error.constructor?.name === "UnknownValueError" || error.name === "UnknownValueError");
}

function isSentinel(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/**
 * Deep-copies `value` into plain data (no proxies). Any unknown value anywhere inside makes the whole result
 * {@link UNKNOWN}: a definition or policy document with one unknown ARN is unknown as a whole.
 */
export function plain(value: unknown): unknown {
  try {
    // Cycle guard on the current path only: a DAG (one object referenced twice) is copied twice, faithfully.
    const ancestors = new Set<object>();
    const copy = (v: unknown): unknown => {
      if (isSentinel(v)) throw new UnknownMarker();
      if (v === null || typeof v !== "object") return v;
      if (ancestors.has(v)) return undefined;
      ancestors.add(v);
      try {
        if (Array.isArray(v)) {
          const out: unknown[] = [];
          for (let i = 0; i < v.length; i++) out.push(copy(v[i]));
          return out;
        }
        const out: Record<string, unknown> = {};
        // defineProperty, not assignment: a key named "__proto__" (a state, say) stays a key instead of
        // replacing the copy's prototype and vanishing from every own-key walk.
        for (const key of Object.keys(v)) {
          Object.defineProperty(out, key, {
            value: copy((v as Record<string, unknown>)[key]),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      } finally {
        ancestors.delete(v);
      }
    };
    return copy(value);
  } catch (error) {
    if (error instanceof UnknownMarker || isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
}

class UnknownMarker extends Error {}

/**
 * Reads `props[key]` as plain data: {@link UNKNOWN} when the engine says it is unknown, `undefined` when it
 * is absent.
 *
 * @example
 * const definition = prop(args.props, "definition"); // string | object | undefined | UNKNOWN
 */
export function prop(props: Record<string, unknown> | undefined, key: string): unknown {
  if (!props) return undefined;
  try {
    return plain(props[key]);
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
}

/** Reads a nested property (`propPath(props, "loggingConfiguration", "level")`), stopping at absent/unknown. */
export function propPath(props: Record<string, unknown> | undefined, ...keys: string[]): unknown {
  let current: unknown = props;
  for (const key of keys) {
    if (current === UNKNOWN) return UNKNOWN;
    if (current === null || typeof current !== "object") return undefined;
    current = prop(current as Record<string, unknown>, key);
  }
  return current;
}

export type Parsed<T> = { status: "ok"; value: T } | { status: "absent" } | { status: "unknown" } | { status: "invalid"; reason: string };

/**
 * A JSON document property (state machine definition, IAM policy) that may be a JSON string, an object,
 * absent, or unknown during preview.
 */
export function parseJsonProperty(value: unknown): Parsed<unknown> {
  if (value === UNKNOWN) return { status: "unknown" };
  if (value === undefined || value === null || value === "") return { status: "absent" };
  if (typeof value === "string") {
    try {
      return { status: "ok", value: JSON.parse(value) };
    } catch (error) {
      return { status: "invalid", reason: `it is not valid JSON (${(error as Error).message})` };
    }
  }
  if (typeof value === "object") return { status: "ok", value };
  return { status: "invalid", reason: `it is a ${typeof value}, not a JSON document` };
}

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `value` as an array: arrays as-is, a single value wrapped, absent as empty. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The policy's configuration over its defaults (the engine may pass only what the user set). */
export function withDefaults<T extends object>(args: { getConfig<U extends object>(): U }, defaults: T): T {
  const given = (args.getConfig<Partial<T>>() ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) merged[key] = value;
  return merged as T;
}
