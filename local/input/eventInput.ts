/**
 * Events for the local runner, from files or stdin. A source holds one event object, an array of them, or
 * PutEvents entries (`{ Source, DetailType, Detail }`, as `aws events put-events --entries` takes them); each
 * becomes an event as EventBridge would deliver it. Malformed input fails with the source, line and column.
 */

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
    throw new RunnerInputError(`${source}: invalid JSON${positionOf(text, (error as Error).message)}: ${(error as Error).message}`);
  }
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
    return {
      label: where,
      event: fromPutEventsEntry(item as Record<string, unknown>, `${source}${Array.isArray(parsed) ? ` (element ${i})` : ""}`),
    };
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

/** " at line L, column C" for a V8 JSON error that names a position. */
function positionOf(text: string, message: string): string {
  const found = /at position (\d+)/.exec(message);
  const offset = found ? Number(found[1]) : /Unexpected end of JSON input/.test(message) ? text.length : undefined;
  if (offset === undefined) return "";
  const before = text.slice(0, offset).split("\n");
  return ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
