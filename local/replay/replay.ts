/**
 * DLQ replay: puts the events kept in a workflow's dead-letter queue back on its bus, so that the rule starts them again.
 * A dry run (the default) reads and lists; `apply` re-publishes each replayable event with PutEvents and deletes its
 * message only once PutEvents reports that entry put AND the event matches the workflow's rule: PutEvents succeeds on
 * a bus where no rule matches (a typo in the bus, a rule disabled during an incident), so on AWS each event is first
 * checked against the rule's pattern (the local matcher, or EventBridge's TestEventPattern), and locally the replayed
 * event must have started an execution. Malformed and unmatched messages are reported and kept.
 *
 * Two sources: the DLQ on AWS (SQS ReceiveMessage, EventBridge PutEvents; the clients are injected, so tests use an
 * in-memory simulation), or the JSON lines file the local runner records (`deadLetterFile`), replayed through the
 * local runner. The operator's least-privilege policy is the library's `dlqReplayPolicy`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { PutEventsCommand, type EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { putEventsBatches, putEventsEntry, readDeadLetter, type DeadLetter, type DeadLetterEvent } from "../deadLetters/messages";
import { matchEventPattern } from "../simulators/eventPattern";
import type { EventReport, LocalRunner } from "../runner/runner";

/** What happened to one DLQ message. */
export interface ReplayItem extends DeadLetter {
  outcome: "would replay" | "replayed" | "put failed" | "not replayable" | "no matching rule";
  /** The id EventBridge gave the replayed event. */
  newEventId?: string;
  /** Why PutEvents (or the delete) failed. */
  error?: string;
  /** Whether the message was deleted from the queue (or the recorded file). */
  deleted: boolean;
  /** Local replays: what the replayed event started. */
  execution?: { status: EventReport["status"]; workflows: string[] };
}

/** The outcome of a replay (dry run or applied). */
export interface ReplayReport {
  apply: boolean;
  /** The queue URL or the recorded file. */
  from: string;
  eventBus: string;
  /** SQS's ApproximateNumberOfMessages before reading (AWS only). */
  approximateMessages?: number;
  /** What checked each event against the workflow's rule before it was put back (AWS, with `apply`). */
  verifiedWith?: "the local matcher" | "EventBridge TestEventPattern";
  items: ReplayItem[];
}

export interface QueueReplayOptions {
  sqs: Pick<SQSClient, "send">;
  events: Pick<EventBridgeClient, "send">;
  queueUrl: string;
  /** The bus to put the events on: the trigger's bus, by name or ARN. */
  eventBus: string;
  /** Re-publish and delete; otherwise only list. @default false */
  apply?: boolean;
  /**
   * The event pattern of the workflow's rule. Required with `apply`: an event is put back (and its message deleted)
   * only when it matches, since PutEvents succeeds on a bus where nothing matches.
   */
  rulePattern?: object;
  /** What checks `rulePattern`: this package's matcher, or EventBridge's TestEventPattern (events:TestEventPattern). @default "local" */
  verifyWith?: "local" | "aws";
  /** Read at most this many messages. @default 100 */
  maxMessages?: number;
  /**
   * How long a read message stays hidden from other readers. A dry run hides the messages it lists for this long too
   * (SQS has no read without hiding); nothing is deleted and they reappear. @default 60
   */
  visibilityTimeoutSeconds?: number;
}

/**
 * Replays the DLQ on AWS: receives up to `maxMessages`, and with `apply` re-publishes each batch and deletes the messages
 * PutEvents put, before receiving more.
 *
 * @example
 * const report = await replayQueue({ sqs: new SQSClient({}), events: new EventBridgeClient({}), queueUrl, eventBus: "default" });
 */
export async function replayQueue(options: QueueReplayOptions): Promise<ReplayReport> {
  const { sqs, events, queueUrl, eventBus } = options;
  if (options.apply && !options.rulePattern)
    throw new Error("replay: apply needs the workflow rule's pattern (rulePattern), to put back only events the rule matches.");
  const max = options.maxMessages ?? 100;
  const matches = options.rulePattern ? ruleMatcher(options.rulePattern, options.verifyWith ?? "local", events, queueUrl) : undefined;
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
  const approximate = Number(attributes.Attributes?.ApproximateNumberOfMessages);
  const items: ReplayItem[] = [];
  const seen = new Set<string>();
  while (items.length < max) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - items.length),
        MessageAttributeNames: ["All"],
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 60,
        // Long polling asks every SQS server: an empty answer means no visible message is left.
        WaitTimeSeconds: 1,
      }),
    );
    const fresh = (received.Messages ?? []).filter((m: Message) => !seen.has(m.MessageId ?? ""));
    if (fresh.length === 0) break;
    for (const m of fresh) seen.add(m.MessageId ?? "");
    const batch = fresh.map((message) => listed(readDeadLetter(message), options.apply ?? false));
    if (matches)
      for (const item of batch)
        if (item.event && !(await matches(item.event))) {
          item.outcome = "no matching rule";
          item.error = `the rule's pattern does not match this event (checked with ${verifierName(options.verifyWith)}): putting it back would start nothing`;
        }
    if (options.apply)
      await putAndDelete(batch, eventBus, events, async (item) => {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: item.receiptHandle }));
      });
    items.push(...batch);
  }
  return {
    apply: options.apply ?? false,
    from: queueUrl,
    eventBus,
    ...(Number.isFinite(approximate) ? { approximateMessages: approximate } : {}),
    ...(matches ? { verifiedWith: verifierName(options.verifyWith) } : {}),
    items,
  };
}

const verifierName = (verifyWith: QueueReplayOptions["verifyWith"]) =>
  verifyWith === "aws" ? ("EventBridge TestEventPattern" as const) : ("the local matcher" as const);

/** Whether the rule's pattern matches an event as EventBridge would deliver it (account and region from the queue URL). */
function ruleMatcher(
  pattern: object,
  verifyWith: "local" | "aws",
  events: Pick<EventBridgeClient, "send">,
  queueUrl: string,
): (event: DeadLetterEvent) => Promise<boolean> {
  const [, region = "us-east-1", account = "000000000000"] = /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d+)\//.exec(queueUrl) ?? [];
  return async (event) => {
    const delivered = {
      version: "0",
      id: event.id ?? "00000000-0000-0000-0000-000000000000",
      "detail-type": event.detailType,
      source: event.source,
      account,
      time: event.time ?? new Date().toISOString(),
      region,
      resources: event.resources,
      detail: event.detail,
    };
    if (verifyWith === "local") return matchEventPattern(pattern, delivered).matched;
    const { TestEventPatternCommand } = await import("@aws-sdk/client-eventbridge");
    const answer = (await events.send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(delivered) }),
    )) as { Result?: boolean };
    return answer.Result === true;
  };
}

/** A read message before anything is done with it. */
function listed(letter: DeadLetter, apply: boolean): ReplayItem {
  return { ...letter, outcome: !letter.event ? "not replayable" : apply ? "put failed" : "would replay", deleted: false };
}

/** Puts the replayable items back in PutEvents batches; deletes each one PutEvents reports put. */
async function putAndDelete(
  items: ReplayItem[],
  eventBus: string,
  events: Pick<EventBridgeClient, "send">,
  remove: (item: ReplayItem) => Promise<void>,
): Promise<void> {
  const replayable = items.flatMap((item) =>
    item.event && item.outcome !== "no matching rule" ? [{ item, entry: putEventsEntry(item.event, eventBus) }] : [],
  );
  for (const batch of putEventsBatches(replayable)) {
    let results: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
    try {
      results = (await events.send(new PutEventsCommand({ Entries: batch.map((b) => b.entry) }))).Entries ?? [];
    } catch (error) {
      for (const { item } of batch) item.error = `PutEvents failed: ${(error as Error).message}`;
      continue;
    }
    // PutEvents answers per entry, in order: only the entries with an EventId were put (FailedEntryCount counts the rest).
    for (const [i, { item }] of batch.entries()) {
      const result = results[i];
      if (!result?.EventId) {
        item.error = `PutEvents did not put it: ${result?.ErrorCode ?? "no result"}${result?.ErrorMessage ? `: ${result.ErrorMessage}` : ""}`;
        continue;
      }
      item.outcome = "replayed";
      item.newEventId = result.EventId;
      try {
        await remove(item);
        item.deleted = true;
      } catch (error) {
        item.error = `put on the bus, but not deleted (a later replay repeats it; the steps' idempotency absorbs it): ${(error as Error).message}`;
      }
    }
  }
}

export interface RecordedReplayOptions {
  /** The JSON lines file the local runner wrote (`deadLetterFile`): one SQS message per line. */
  file: string;
  /** The bus the events are put on. @default "default" */
  eventBus?: string;
  /** Replay through `runner` and remove the replayed lines from the file; otherwise only list. */
  apply?: boolean;
  /** Required with `apply`: the runner the events are put on (it may record new dead letters in the same file). */
  runner?: Pick<LocalRunner, "runEvent">;
}

/**
 * Replays the dead letters the local runner recorded, through the local runner: the local twin of {@link replayQueue}.
 * Applied, the replayed lines leave the file; lines that cannot be replayed stay, and dead letters the replays
 * themselves send are appended after them.
 *
 * @example
 * const runner = await LocalRunner.load("index.ts", { mode: "source", deadLetterFile: "dlq.jsonl" });
 * const report = await replayRecorded({ file: "dlq.jsonl", apply: true, runner });
 */
export async function replayRecorded(options: RecordedReplayOptions): Promise<ReplayReport> {
  const eventBus = options.eventBus ?? "default";
  const original = readFileSync(options.file, "utf8");
  const lines = original.split("\n").filter((line) => line.trim().length > 0);
  const items = lines.map((line, i) => listed(recordedLetter(line, i + 1), options.apply ?? false));
  if (options.apply) {
    if (!options.runner) throw new Error("replayRecorded: `apply` needs the runner to put the events on.");
    for (const item of items) {
      const event = item.event;
      if (!event) continue;
      const report = await options.runner.runEvent(
        {
          source: event.source,
          "detail-type": event.detailType,
          detail: event.detail,
          resources: event.resources,
          ...(event.time ? { time: event.time } : {}),
        },
        `replay of ${item.messageId}`,
        eventBus,
      );
      // Kept unless it started an execution: an event no rule matches would be lost, not replayed.
      const matched = report.executions.length > 0;
      Object.assign(item, {
        outcome: matched ? "replayed" : "no matching rule",
        deleted: matched,
        execution: { status: report.status, workflows: report.executions.map((e) => e.workflow) },
        ...(matched
          ? {}
          : { error: `no workflow's rule matched it: ${report.matches.map((m) => `${m.workflow}: ${m.reasons[0]}`).join("; ")}` }),
      });
    }
    // What the replays recorded was appended after the lines read: keep it after the lines that stay.
    const appended = readFileSync(options.file, "utf8").slice(original.length);
    const kept = lines.filter((_, i) => !items[i].deleted);
    writeFileSync(options.file, [...kept, ...appended.split("\n").filter((line) => line.trim().length > 0)].map((l) => `${l}\n`).join(""));
  }
  return { apply: options.apply ?? false, from: options.file, eventBus, items };
}

function recordedLetter(line: string, lineNumber: number): DeadLetter {
  try {
    return readDeadLetter(JSON.parse(line) as Message);
  } catch {
    return {
      messageId: `line ${lineNumber}`,
      origin: "unknown",
      reason: "unreadable",
      problem: `line ${lineNumber} is not a JSON SQS message`,
    };
  }
}
