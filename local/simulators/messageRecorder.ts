/**
 * The in-process recorder of the SNS, SQS and EventBridge integration states (a LOCAL SIMULATION: nothing leaves
 * the machine): what each call would have sent, typed per integration, and the answer AWS would give it.
 */
import type { MessageService } from "event-driven-workflow/asl";

type Json = any;

/** An SNS `Publish` an integration state made (`notify`, or `callAwsService` sns:publish). */
export interface SnsPublished {
  state: string;
  service: "sns";
  request: {
    TopicArn: string;
    /** The message as the state resolved it: Step Functions sends a JSON value that is not a string as its JSON text. */
    Message: Json;
    Subject?: string;
    MessageAttributes?: Record<string, Json>;
  };
}

/** An SQS `SendMessage` an integration state made (`sendToDeadLetterQueue`, or `callAwsService` sqs:sendMessage). */
export interface SqsPublished {
  state: string;
  service: "sqs";
  request: {
    QueueUrl: string;
    /** The body as the state resolved it: Step Functions sends a JSON value that is not a string as its JSON text. */
    MessageBody: Json;
    MessageAttributes?: Record<string, Json>;
  };
}

/** One entry of an EventBridge `PutEvents`, as the service receives it, with its detail parsed beside it. */
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  /** The event's detail as PutEvents carries it: a JSON string. */
  Detail: string;
  /** `Detail`, parsed: what a rule's target receives as the event's `detail`. */
  detail: Json;
  /** @default "default" on AWS when the entry names no bus */
  EventBusName?: string;
  Resources?: string[];
  Time?: string;
}

/** An EventBridge `PutEvents` an integration state made (`publishEvent`, or `callAwsService` events:putEvents). */
export interface EventBridgePublished {
  state: string;
  service: "events";
  request: { Entries: PutEventsEntry[] };
}

/**
 * What an integration state would have sent, as recorded by the in-process recorder: narrow on `service` for its
 * request's fields.
 *
 * @example
 * for (const message of execution.published)
 *   if (message.service === "events") console.log(message.request.Entries[0].detail);
 */
export type PublishedMessage = SnsPublished | SqsPublished | EventBridgePublished;

/**
 * The record of a call with the resolved Parameters `request`: a PutEvents entry's `Detail` becomes the JSON string
 * the service receives (Step Functions serializes a JSON object given as `Detail`), with the parsed value as `detail`.
 */
export function recordedMessage(state: string, service: MessageService, request: Json): PublishedMessage {
  if (service !== "events") return { state, service, request } as PublishedMessage;
  const entries = (request?.Entries ?? []) as Record<string, Json>[];
  return {
    state,
    service,
    request: {
      ...request,
      Entries: entries.map((entry) => {
        const detail = typeof entry.Detail === "string" ? parseDetail(entry.Detail) : entry.Detail;
        return { ...entry, Detail: typeof entry.Detail === "string" ? entry.Detail : JSON.stringify(entry.Detail ?? {}), detail };
      }),
    },
  };
}

/** A Detail string's value; one that is not JSON (EventBridge would refuse the entry) is kept as the string. */
function parseDetail(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The answer the service would give to the `sequence`-th recorded call: a message id, or PutEvents' entry ids. */
export function recorderResponse(service: PublishedMessage["service"], sequence: number): Json {
  const id = `local-${String(sequence).padStart(6, "0")}`;
  if (service === "events") return { Entries: [{ EventId: id }], FailedEntryCount: 0 };
  return { MessageId: id };
}

/**
 * The recorded calls to one service, typed as such: e.g. the SNS messages of an execution, `Message` and all.
 *
 * @example
 * const [alert] = messagesTo(execution.published, "sns");
 * assert.equal(alert.request.Message.Error, "ValidationError");
 */
export function messagesTo<S extends PublishedMessage["service"]>(
  published: readonly PublishedMessage[],
  service: S,
): Extract<PublishedMessage, { service: S }>[] {
  return published.filter((message): message is Extract<PublishedMessage, { service: S }> => message.service === service);
}

/**
 * Every event an execution put on EventBridge, in order (the entries of all its PutEvents calls).
 *
 * @example
 * const [completed] = publishedEvents(execution.published);
 * assert.equal(completed.detail.orderId, "ord-1"); // completed.Detail is the JSON string PutEvents carried
 */
export function publishedEvents(published: readonly PublishedMessage[]): PutEventsEntry[] {
  return messagesTo(published, "events").flatMap((message) => message.request.Entries);
}
