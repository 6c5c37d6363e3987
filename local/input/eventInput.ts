/**
 * Events for the local runner, from files or stdin. A source holds one event object, an array of them, or
 * PutEvents entries (`{ Source, DetailType, Detail }`, as `aws events put-events --entries` takes them); each
 * becomes an event as EventBridge would deliver it. Malformed input fails with the source, line and column; an event
 * EventBridge would refuse (over 256 KB) or one nested too deep to process fails naming the limit.
 */
import { existsSync, readFileSync, statSync } from "node:fs";

/** EventBridge refuses a PutEvents entry over 256 KB (its documented entry size: source, detail-type, detail...). */
export const MAX_EVENT_BYTES = 256 * 1024;
/**
 * Deeper events are refused: AWS documents no depth limit, but every recursive walk of an event (matching, the
 * state machine's paths, redaction) would overflow the stack long before 256 KB of brackets (about 130,000 levels).
 */
export const MAX_EVENT_DEPTH = 1000;

/** Input the runner cannot use (bad event JSON, no workflow in the program, ...): a usage error, exit code 2. */
export class RunnerInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunnerInputError";
  }
}

/** An event and where it came from (`happy`, `batch[2]`, `stdin`). */
export interface LabeledEvent {
  label: string;
  event: Record<string, unknown>;
}

/**
 * The events of one event file, labelled by `label` (default: the path); throws RunnerInputError when the file is
 * missing, is a directory, or does not hold events.
 */
export function readEventFile(path: string, label: string = path): LabeledEvent[] {
  if (!existsSync(path)) throw new RunnerInputError(`${path}: no such file.`);
  if (statSync(path).isDirectory()) throw new RunnerInputError(`${path}: is a directory, not an event file; name the files in it.`);
  return parseEvents(readFileSync(path, "utf8"), label);
}

/**
 * Parses the text of one source into events.
 *
 * @throws RunnerInputError naming the source, and the line and column of a JSON syntax error.
 * @example
 * parseEvents('{"source":"order.service","detail-type":"Order Placed","detail":{}}', "order.json");
 * // => [{ label: "order", event: { source: "order.service", ... } }]
 */
export function parseEvents(text: string, source: string): LabeledEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RunnerInputError(`${source}: invalid JSON${positionOf(text)}: ${(error as Error).message}`);
  }
  if (depthOf(parsed) > MAX_EVENT_DEPTH)
    throw new RunnerInputError(
      `${source}: the event is nested deeper than ${MAX_EVENT_DEPTH.toLocaleString("en-US")} levels, more than the local runner processes; flatten it.`,
    );
  const label = source.replace(/^.*[\\/]/, "").replace(/\.json$/i, "");
  const items = Array.isArray(parsed) ? parsed : [parsed];
  if (items.length === 0) throw new RunnerInputError(`${source}: the array holds no events.`);
  return items.map((item, i) => {
    const where = Array.isArray(parsed) ? `${label}[${i}]` : label;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new RunnerInputError(
        `${source}${Array.isArray(parsed) ? ` (element ${i})` : ""}: an event must be a JSON object, got ${Array.isArray(item) ? "an array" : item === null ? "null" : typeof item}.`,
      );
    }
    const named = `${source}${Array.isArray(parsed) ? ` (element ${i})` : ""}`;
    const event = fromPutEventsEntry(item as Record<string, unknown>, named);
    const size = entrySize(event);
    if (size > MAX_EVENT_BYTES)
      throw new RunnerInputError(
        `${named}: the event is ${size.toLocaleString("en-US")} bytes; EventBridge refuses PutEvents entries over 256 KB ` +
          `(${MAX_EVENT_BYTES.toLocaleString("en-US")} bytes): put the payload elsewhere (e.g. S3) and send its key.`,
      );
    return { label: where, event };
  });
}

/** A PutEvents entry as the event EventBridge delivers; any other object unchanged. */
function fromPutEventsEntry(entry: Record<string, unknown>, source: string): Record<string, unknown> {
  if (!("Source" in entry && "DetailType" in entry)) return entry;
  let detail: unknown = entry.Detail ?? "{}";
  if (typeof detail === "string") {
    try {
      detail = JSON.parse(detail);
    } catch (error) {
      throw new RunnerInputError(`${source}: the PutEvents entry's Detail is not valid JSON: ${(error as Error).message}`);
    }
  }
  return {
    source: entry.Source,
    "detail-type": entry.DetailType,
    ...(Array.isArray(entry.Resources) ? { resources: entry.Resources } : {}),
    ...(typeof entry.Time === "string" ? { time: entry.Time } : {}),
    detail,
  };
}

/** The size EventBridge counts for an entry: source, detail-type, detail (as JSON), resources, and 14 bytes for a time. */
function entrySize(event: Record<string, unknown>): number {
  const bytes = (value: unknown) =>
    value === undefined ? 0 : Buffer.byteLength(typeof value === "string" ? value : JSON.stringify(value));
  const resources = Array.isArray(event.resources) ? event.resources.reduce((sum: number, r) => sum + bytes(r), 0) : 0;
  return (event.time === undefined ? 0 : 14) + bytes(event.source) + bytes(event["detail-type"]) + bytes(event.detail) + resources;
}

/** How deeply a parsed JSON value nests, walked without recursion (the value may be too deep for it). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== "object" || item === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_EVENT_DEPTH) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * " at line L, column C" of the first character where `text` stops being JSON. V8 names an offset for some syntax
 * errors only ("Unexpected token 'x', ... is not valid JSON" has none), so the text is scanned again here.
 */
function positionOf(text: string): string {
  const offset = syntaxErrorOffset(text);
  if (offset < 0) return "";
  const before = text.slice(0, offset).split("\n");
  return ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** The offset of the first character that is not JSON (text.length when it ends too soon), or -1 if it is JSON. */
function syntaxErrorOffset(text: string): number {
  let i = 0;
  const closers: string[] = [];
  type Expect = "value" | "valueOrClose" | "key" | "keyOrClose" | "colon" | "commaOrClose";
  let expect: Expect = "value";
  const skipSpace = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const scanString = (): boolean => {
    for (i++; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        i++;
        return true;
      }
      if (c < " ") return false;
      if (c === "\\") {
        i++;
        if (text[i] === "u") {
          const hex = text.slice(i + 1, i + 5).search(/[^0-9a-fA-F]|$/);
          i += 1 + hex;
          if (hex < 4) return false;
          i--;
        } else if (i >= text.length || !'"\\/bfnrt'.includes(text[i])) return false;
      }
    }
    return false;
  };
  const scanScalar = (): boolean => {
    for (const literal of ["true", "false", "null"]) {
      if (text[i] !== literal[0]) continue;
      for (const c of literal) {
        if (text[i] !== c) return false;
        i++;
      }
      return true;
    }
    const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    number.lastIndex = i;
    if (!number.exec(text)) return false;
    i = number.lastIndex;
    return true;
  };
  for (;;) {
    skipSpace();
    const c = text[i];
    if (i >= text.length) return expect === "commaOrClose" && closers.length === 0 ? -1 : i;
    if (expect === "commaOrClose" && closers.length === 0) return i;
    if ((expect === "valueOrClose" || expect === "keyOrClose" || expect === "commaOrClose") && c === closers[closers.length - 1]) {
      closers.pop();
      i++;
      expect = "commaOrClose";
    } else if (expect === "commaOrClose") {
      if (c !== ",") return i;
      i++;
      expect = closers[closers.length - 1] === "}" ? "key" : "value";
    } else if (expect === "colon") {
      if (c !== ":") return i;
      i++;
      expect = "value";
    } else if (expect === "key" || expect === "keyOrClose") {
      if (c !== '"' || !scanString()) return i;
      expect = "colon";
    } else if (c === "{" || c === "[") {
      closers.push(c === "{" ? "}" : "]");
      i++;
      expect = c === "{" ? "keyOrClose" : "valueOrClose";
    } else {
      if (!(c === '"' ? scanString() : scanScalar())) return i;
      expect = "commaOrClose";
    }
  }
}
