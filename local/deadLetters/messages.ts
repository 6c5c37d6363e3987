/**
 * Dead letters as replayable events (pure): what a DLQ message holds, why it is there, and the PutEvents entry that puts
 * it back on the bus.
 *
 * The DLQ of an EventDrivenWorkflow receives two kinds of messages, both with an event as the body:
 * - from EventBridge, when the rule's target could not start an execution (no permission, no state machine, retries
 *   exhausted): the body is the original event unchanged, and the message attributes RULE_ARN, TARGET_ARN, ERROR_CODE,
 *   ERROR_MESSAGE, RETRY_ATTEMPTS and (when retries ran out) EXHAUSTED_RETRY_CONDITION say why;
 * - from the workflow itself (`sendToDeadLetterQueue`, e.g. the order program's QueueForRetry): the body is the state
 *   (what the steps made of the event, an `error` caught on the way), and the {@link DEAD_LETTER_EVENT_ATTRIBUTE}
 *   message attribute the event that started the execution, which is what is put back (a body alone, from older
 *   messages, is put back when it is still an event).
 * Either way the event's source, detail-type, detail, resources and time are put back; EventBridge gives the replayed
 * event a new id, so steps must key their idempotency on the event's data (the order steps use the order id).
 */
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { DEAD_LETTER_EVENT_ATTRIBUTE } from "event-driven-workflow/runtime";
import type { PublishedMessage } from "../simulators/messageRecorder";

/** The message attributes EventBridge sets on a dead letter (AWS: "Using dead-letter queues to process undelivered events"). */
export const EVENTBRIDGE_DLQ_ATTRIBUTES = [
  "RULE_ARN",
  "TARGET_ARN",
  "ERROR_CODE",
  "ERROR_MESSAGE",
  "RETRY_ATTEMPTS",
  "EXHAUSTED_RETRY_CONDITION",
] as const;

/** PutEvents takes at most this many entries per request. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** ... and at most this many bytes per request (entries summed as AWS counts them, roughly). */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/** The event a dead letter carries, as it will be put back. */
export interface DeadLetterEvent {
  /** The id the event had; the replayed event gets a new one. */
  id?: string;
  source: string;
  detailType: string;
  detail: unknown;
  resources: string[];
  time?: string;
}

/** One DLQ message, read. */
export interface DeadLetter {
  messageId: string;
  receiptHandle?: string;
  /** Who put it in the DLQ: EventBridge (delivery failed), the workflow (sendToDeadLetterQueue), or unknown. */
  origin: "eventbridge" | "workflow" | "unknown";
  /** Why it is there, in a line (error code and message, or the error the workflow caught). */
  reason: string;
  /** Set when the message can be replayed. */
  event?: DeadLetterEvent;
  /** Set when it cannot: what is wrong with it. Such a message is reported and kept. */
  problem?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Reads one SQS message of the DLQ.
 *
 * @example
 * readDeadLetter({ MessageId: "m-1", Body: JSON.stringify(event), MessageAttributes: { ERROR_CODE: { DataType: "String", StringValue: "NO_PERMISSIONS" } } })
 * // => { messageId: "m-1", origin: "eventbridge", reason: "NO_PERMISSIONS", event: { source: "order.service", ... } }
 */
export function readDeadLetter(message: Message): DeadLetter {
  const messageId = message.MessageId ?? "(no message id)";
  const attributes = attributeValues(message.MessageAttributes);
  const base = { messageId, ...(message.ReceiptHandle ? { receiptHandle: message.ReceiptHandle } : {}) };
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? "");
  } catch {
    return { ...base, ...originOf(attributes, undefined), problem: "the body is not JSON" };
  }
  const { origin, reason } = originOf(attributes, body);
  // A workflow's dead letter carries the event that started it beside the state, whatever the steps made of that.
  let event: unknown = body;
  if (attributes[DEAD_LETTER_EVENT_ATTRIBUTE] !== undefined) {
    try {
      event = JSON.parse(attributes[DEAD_LETTER_EVENT_ATTRIBUTE]);
    } catch {
      return { ...base, origin, reason, problem: `the ${DEAD_LETTER_EVENT_ATTRIBUTE} attribute is not JSON` };
    }
  }
  const problem = eventProblem(event);
  if (problem) return { ...base, origin, reason, problem };
  const fields = event as Record<string, unknown>;
  return {
    ...base,
    origin,
    reason,
    event: {
      ...(typeof fields.id === "string" ? { id: fields.id } : {}),
      source: fields.source as string,
      detailType: fields["detail-type"] as string,
      detail: fields.detail,
      resources: Array.isArray(fields.resources) ? fields.resources.filter((r): r is string => typeof r === "string") : [],
      ...(typeof fields.time === "string" ? { time: fields.time } : {}),
    },
  };
}

function attributeValues(attributes: Record<string, MessageAttributeValue> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes ?? {}).flatMap(([name, value]) => (value.StringValue !== undefined ? [[name, value.StringValue]] : [])),
  );
}

function eventBridgeReason(attributes: Record<string, string>): string | undefined {
  if (!attributes.ERROR_CODE) return undefined;
  const retries = attributes.RETRY_ATTEMPTS !== undefined ? ` after ${attributes.RETRY_ATTEMPTS} retries` : "";
  const exhausted = attributes.EXHAUSTED_RETRY_CONDITION ? ` (${attributes.EXHAUSTED_RETRY_CONDITION} reached)` : "";
  return `${attributes.ERROR_CODE}${attributes.ERROR_MESSAGE ? `: ${attributes.ERROR_MESSAGE}` : ""}${retries}${exhausted}`;
}

function originOf(attributes: Record<string, string>, body: unknown): Pick<DeadLetter, "origin" | "reason"> {
  if (attributes.RULE_ARN || attributes.ERROR_CODE)
    return { origin: "eventbridge", reason: `EventBridge could not deliver it: ${eventBridgeReason(attributes) ?? "no error code"}` };
  const caught = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (caught)
    return {
      origin: "workflow",
      reason: `the workflow sent it after ${String(caught.Error ?? "an error")}${caught.Cause ? `: ${String(caught.Cause).slice(0, 200)}` : ""}`,
    };
  return { origin: "unknown", reason: "no EventBridge error attributes and no caught error in the body" };
}

/** What keeps a body from being put back as an event, or undefined. */
function eventProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return "the body is not a JSON object";
  const missing = ["source", "detail-type"].filter((key) => typeof body[key] !== "string" || body[key] === "");
  if (!isRecord(body.detail)) missing.push("detail");
  if (missing.length > 0) return `the body is not an event: no ${missing.join(", ")}`;
  // PutEvents refuses these sources: only AWS services emit them.
  if ((body.source as string).startsWith("aws.")) return `the source "${body.source}" is reserved for AWS services: PutEvents refuses it`;
  return undefined;
}

/** The PutEvents entry that puts `event` back on `eventBusName` (a name or an ARN). */
export function putEventsEntry(event: DeadLetterEvent, eventBusName: string): PutEventsRequestEntry {
  const time = event.time ? new Date(event.time) : undefined;
  return {
    EventBusName: eventBusName,
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    ...(event.resources.length > 0 ? { Resources: event.resources } : {}),
    // The original time: a replay is the same business event, late.
    ...(time && !Number.isNaN(time.getTime()) ? { Time: time } : {}),
  };
}

/** The size PutEvents counts for an entry (UTF-8 bytes of its text fields, 14 for the time). */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, "utf8") : 0);
  return (
    14 + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + (entry.Resources ?? []).reduce((n, r) => n + bytes(r), 0)
  );
}

/** Splits items into PutEvents requests: at most 10 entries and 256 KiB each. */
export function putEventsBatches<T extends { entry: PutEventsRequestEntry }>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const itemSize = entrySize(item.entry);
    if (current.length === PUT_EVENTS_MAX_ENTRIES || (current.length > 0 && size + itemSize > PUT_EVENTS_MAX_BYTES)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * The DLQ messages an execution sent (its `sendToDeadLetterQueue` states), as SQS would return them: the local runner
 * records these for `edw-local replay --local`.
 */
export function sentDeadLetters(published: readonly PublishedMessage[], newId: () => string): Message[] {
  return published
    .filter((message) => message.service === "sqs")
    .map((message) => {
      const body = message.request.MessageBody;
      const attributes = message.request.MessageAttributes as Record<string, MessageAttributeValue> | undefined;
      return {
        MessageId: newId(),
        Body: typeof body === "string" ? body : JSON.stringify(body),
        ...(attributes ? { MessageAttributes: attributes } : {}),
      };
    });
}
