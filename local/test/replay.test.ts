/**
 * DLQ replay against AWS's APIs, proven on an in-memory SIMULATION of SQS and EventBridge (no AWS here): the real SDK
 * commands are built and sent; the simulated services answer as the APIs document (visibility timeout, per-entry
 * PutEvents results). What only AWS shows: real credentials, throttling, the queue's long polling.
 */
import assert from "node:assert/strict";
import { PutEventsCommand, TestEventPatternCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replayQueue, replayRecorded } from "../replay/replay";
import { formatReplayReport, parseReplayCommandLine, replayCommand, replayExitCode } from "../cli/replay";
import { putEventsBatches, putEventsEntry, readDeadLetter } from "../deadLetters/messages";
import { RunnerInputError } from "../input/eventInput";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/order-processing-dlq";
const RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/order-processing-trigger";

/** SIMULATED SQS: one in-memory queue; ReceiveMessage hides what it returns for the visibility timeout. */
class SimulatedQueue {
  readonly calls: string[] = [];
  private clock = 0;
  private messages: (Message & { hiddenUntil: number })[];
  constructor(messages: Message[]) {
    this.messages = messages.map((m) => ({ ...m, hiddenUntil: 0 }));
  }
  get remaining(): string[] {
    return this.messages.map((m) => m.MessageId!);
  }
  /** Lets time pass: hidden messages reappear. */
  advance(seconds: number): void {
    this.clock += seconds;
  }
  async send(command: object): Promise<any> {
    this.calls.push(command.constructor.name);
    if (command instanceof GetQueueAttributesCommand) return { Attributes: { ApproximateNumberOfMessages: String(this.messages.length) } };
    if (command instanceof ReceiveMessageCommand) {
      assert.equal(command.input.QueueUrl, QUEUE_URL);
      const visible = this.messages.filter((m) => m.hiddenUntil <= this.clock).slice(0, command.input.MaxNumberOfMessages ?? 1);
      for (const m of visible) {
        m.hiddenUntil = this.clock + (command.input.VisibilityTimeout ?? 30);
        m.ReceiptHandle = `rh-${m.MessageId}-${this.clock}`;
      }
      const withAttributes = command.input.MessageAttributeNames?.includes("All");
      return {
        Messages: visible.map(({ hiddenUntil, MessageAttributes, ...m }) => ({ ...m, ...(withAttributes ? { MessageAttributes } : {}) })),
      };
    }
    if (command instanceof DeleteMessageCommand) {
      const at = this.messages.findIndex((m) => m.ReceiptHandle === command.input.ReceiptHandle);
      assert.ok(at >= 0, `no message has receipt handle ${command.input.ReceiptHandle}`);
      this.messages.splice(at, 1);
      return {};
    }
    throw new Error(`the simulated queue does not answer ${command.constructor.name}`);
  }
}

/** SIMULATED EventBridge: records PutEvents; `refuse` picks entries to fail (per entry, as PutEvents reports them). */
class SimulatedBus {
  readonly requests: PutEventsRequestEntry[][] = [];
  constructor(private readonly refuse: (entry: PutEventsRequestEntry) => string | undefined = () => undefined) {}
  get put(): PutEventsRequestEntry[] {
    return this.requests.flat().filter((e) => !this.refuse(e));
  }
  /** TestEventPattern requests, answered `testResult` (a simulation: only AWS runs EventBridge's own matcher). */
  readonly patternTests: { EventPattern?: string; Event?: string }[] = [];
  testResult = true;
  async send(command: object): Promise<any> {
    if (command instanceof TestEventPatternCommand) {
      this.patternTests.push(command.input);
      return { Result: this.testResult };
    }
    if (!(command instanceof PutEventsCommand)) throw new Error(`the simulated bus does not answer ${command.constructor.name}`);
    const entries = command.input.Entries ?? [];
    assert.ok(entries.length <= 10, "PutEvents takes at most 10 entries");
    this.requests.push(entries);
    const results = entries.map((entry, i) => {
      const code = this.refuse(entry);
      return code ? { ErrorCode: code, ErrorMessage: "simulated refusal" } : { EventId: `new-${this.requests.length}-${i}` };
    });
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }
}

const orderEvent = (orderId: string) => ({
  version: "0",
  id: `evt-${orderId}`,
  "detail-type": "Order Placed",
  source: "order.service",
  account: "123456789012",
  time: "2026-01-02T03:04:05Z",
  region: "us-east-1",
  resources: ["arn:aws:example:us-east-1:123456789012:store/main"],
  detail: { orderId, totalAmount: 10, cardToken: "tok_visa" },
});
/** The order workflow's rule. */
const ORDER_PATTERN = { source: ["order.service"], "detail-type": ["Order Placed"] };
const string = (value: string) => ({ DataType: "String", StringValue: value });
/** A dead letter as EventBridge writes it: the event unchanged, the failure in message attributes. */
const eventBridgeDeadLetter = (orderId: string): Message => ({
  MessageId: `m-${orderId}`,
  Body: JSON.stringify(orderEvent(orderId)),
  MessageAttributes: {
    RULE_ARN: string(RULE_ARN),
    TARGET_ARN: string("arn:aws:states:us-east-1:123456789012:stateMachine:order-processing-test"),
    ERROR_CODE: string("NO_PERMISSIONS"),
    ERROR_MESSAGE: string("not authorized to perform states:StartExecution"),
    RETRY_ATTEMPTS: string("0"),
  },
});

describe("edw-local replay: the DLQ on AWS (SQS and EventBridge simulated in memory)", () => {
  it("dry run: lists each message with its event and why it failed, and sends or deletes nothing", async () => {
    const queue = new SimulatedQueue([eventBridgeDeadLetter("o-1"), eventBridgeDeadLetter("o-2")]);
    const bus = new SimulatedBus();
    const report = await replayQueue({ sqs: queue, events: bus, queueUrl: QUEUE_URL, eventBus: "default" });
    assert.equal(report.apply, false);
    assert.equal(report.approximateMessages, 2);
    assert.deepEqual(
      report.items.map((i) => [i.messageId, i.outcome, i.event?.source, i.event?.detailType, i.event?.id]),
      [
        ["m-o-1", "would replay", "order.service", "Order Placed", "evt-o-1"],
        ["m-o-2", "would replay", "order.service", "Order Placed", "evt-o-2"],
      ],
    );
    assert.match(report.items[0].reason, /EventBridge could not deliver it: NO_PERMISSIONS: not authorized .* after 0 retries/);
    assert.equal(bus.requests.length, 0);
    assert.ok(!queue.calls.includes("DeleteMessageCommand"));
    assert.deepEqual(queue.remaining, ["m-o-1", "m-o-2"]);
    assert.equal(replayExitCode(report), 0);
    assert.match(
      formatReplayReport(report)[0],
      /^DRY RUN: 2 messages read .* 2 would be put on default, 0 cannot be\. Nothing was sent or deleted/,
    );
  });

  it("apply: puts each event back as it was (source, detail-type, detail, resources, time) and deletes exactly those put", async () => {
    const queue = new SimulatedQueue(["o-1", "o-2", "o-3"].map(eventBridgeDeadLetter));
    const bus = new SimulatedBus();
    const report = await replayQueue({
      sqs: queue,
      events: bus,
      queueUrl: QUEUE_URL,
      eventBus: "default",
      apply: true,
      rulePattern: ORDER_PATTERN,
    });
    assert.deepEqual(bus.put[0], {
      EventBusName: "default",
      Source: "order.service",
      DetailType: "Order Placed",
      Detail: JSON.stringify(orderEvent("o-1").detail),
      Resources: orderEvent("o-1").resources,
      Time: new Date("2026-01-02T03:04:05Z"),
    });
    assert.deepEqual(
      bus.put.map((e) => JSON.parse(e.Detail!).orderId),
      ["o-1", "o-2", "o-3"],
    );
    assert.deepEqual(queue.remaining, []);
    assert.deepEqual(
      report.items.map((i) => [i.outcome, i.deleted, i.newEventId]),
      [
        ["replayed", true, "new-1-0"],
        ["replayed", true, "new-1-1"],
        ["replayed", true, "new-1-2"],
      ],
    );
  });

  it("a partial PutEvents failure keeps the refused messages in the queue, and exits 1", async () => {
    const queue = new SimulatedQueue(["o-1", "o-2", "o-3"].map(eventBridgeDeadLetter));
    const bus = new SimulatedBus((entry) => (JSON.parse(entry.Detail!).orderId === "o-2" ? "InternalFailure" : undefined));
    const report = await replayQueue({
      sqs: queue,
      events: bus,
      queueUrl: QUEUE_URL,
      eventBus: "default",
      apply: true,
      rulePattern: ORDER_PATTERN,
    });
    assert.deepEqual(queue.remaining, ["m-o-2"]);
    const refused = report.items.find((i) => i.messageId === "m-o-2")!;
    assert.equal(refused.outcome, "put failed");
    assert.equal(refused.deleted, false);
    assert.match(refused.error!, /InternalFailure/);
    assert.equal(replayExitCode(report), 1);
  });

  it("a failed PutEvents request keeps every message of that request", async () => {
    const queue = new SimulatedQueue(["o-1", "o-2"].map(eventBridgeDeadLetter));
    const events = {
      send: async () => {
        throw new Error("AccessDeniedException: not authorized to perform events:PutEvents");
      },
    };
    const report = await replayQueue({
      sqs: queue,
      events,
      queueUrl: QUEUE_URL,
      eventBus: "default",
      apply: true,
      rulePattern: ORDER_PATTERN,
    });
    assert.deepEqual(queue.remaining, ["m-o-1", "m-o-2"]);
    assert.ok(report.items.every((i) => i.outcome === "put failed" && /AccessDeniedException/.test(i.error!)));
  });

  it("reports malformed messages by id and keeps them; replays the rest", async () => {
    const queue = new SimulatedQueue([
      { MessageId: "not-json", Body: "{oops" },
      { MessageId: "no-detail", Body: JSON.stringify({ source: "order.service", "detail-type": "Order Placed" }) },
      { MessageId: "aws-source", Body: JSON.stringify({ ...orderEvent("o-9"), source: "aws.s3" }) },
      eventBridgeDeadLetter("o-1"),
    ]);
    const bus = new SimulatedBus();
    const report = await replayQueue({
      sqs: queue,
      events: bus,
      queueUrl: QUEUE_URL,
      eventBus: "default",
      apply: true,
      rulePattern: ORDER_PATTERN,
    });
    assert.deepEqual(queue.remaining, ["not-json", "no-detail", "aws-source"]);
    assert.deepEqual(
      report.items.filter((i) => i.outcome === "not replayable").map((i) => [i.messageId, i.problem]),
      [
        ["not-json", "the body is not JSON"],
        ["no-detail", "the body is not an event: no detail"],
        ["aws-source", 'the source "aws.s3" is reserved for AWS services: PutEvents refuses it'],
      ],
    );
    assert.equal(bus.put.length, 1);
    assert.ok(formatReplayReport(report).some((line) => line.includes("not-json  cannot replay: the body is not JSON")));
    assert.equal(replayExitCode(report), 1);
  });

  it("reads past one receive (10 messages at most) and puts at most 10 entries per PutEvents request", async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `o-${i}`);
    const queue = new SimulatedQueue(ids.map(eventBridgeDeadLetter));
    const bus = new SimulatedBus();
    const report = await replayQueue({
      sqs: queue,
      events: bus,
      queueUrl: QUEUE_URL,
      eventBus: "default",
      apply: true,
      rulePattern: ORDER_PATTERN,
    });
    assert.deepEqual(
      bus.requests.map((r) => r.length),
      [10, 10, 3],
    );
    assert.equal(report.items.length, 23);
    assert.deepEqual(queue.remaining, []);
    const limited = new SimulatedQueue(ids.map(eventBridgeDeadLetter));
    assert.equal(
      (await replayQueue({ sqs: limited, events: bus, queueUrl: QUEUE_URL, eventBus: "default", maxMessages: 5 })).items.length,
      5,
    );
  });

  it("splits PutEvents requests at 256 KiB as well", () => {
    const big = { source: "s", detailType: "d", detail: { blob: "x".repeat(100 * 1024) }, resources: [] };
    const items = [big, big, big].map((event) => ({ entry: putEventsEntry(event, "default") }));
    assert.deepEqual(
      putEventsBatches(items).map((b) => b.length),
      [2, 1],
    );
  });

  it("tells a message the workflow sent (sendToDeadLetterQueue) from one EventBridge could not deliver", () => {
    const sent = readDeadLetter({
      MessageId: "wf-1",
      Body: JSON.stringify({ ...orderEvent("o-5"), error: { Error: "PaymentProcessorDown", Cause: "gateway unavailable" } }),
    });
    assert.equal(sent.origin, "workflow");
    assert.equal(sent.reason, "the workflow sent it after PaymentProcessorDown: gateway unavailable");
    assert.deepEqual(sent.event?.detail, orderEvent("o-5").detail, "only the event's own fields are put back");
    assert.equal(readDeadLetter(eventBridgeDeadLetter("o-5")).origin, "eventbridge");
  });

  it("apply deletes only the messages whose event the workflow's rule matches (a typo in the pattern's bus or source keeps them)", async () => {
    const queue = new SimulatedQueue([eventBridgeDeadLetter("ord-1"), eventBridgeDeadLetter("ord-2")]);
    const bus = new SimulatedBus();
    await assert.rejects(
      replayQueue({ sqs: queue, events: bus, queueUrl: QUEUE_URL, eventBus: "default", apply: true }),
      /needs the workflow rule's pattern/,
    );
    const other = { source: ["order.servce"] };
    const report = await replayQueue({
      sqs: queue,
      events: bus,
      queueUrl: QUEUE_URL,
      eventBus: "default",
      apply: true,
      rulePattern: other,
    });
    assert.deepEqual(
      report.items.map((i) => [i.outcome, i.deleted]),
      [
        ["no matching rule", false],
        ["no matching rule", false],
      ],
    );
    assert.equal(report.verifiedWith, "the local matcher");
    assert.deepEqual(bus.requests, [], "nothing was put back");
    assert.deepEqual(queue.remaining, ["m-ord-1", "m-ord-2"]);
    assert.equal(replayExitCode(report), 1);
    assert.match(
      formatReplayReport(report)[0],
      /2 matched no rule: those are kept\. Events checked against the rule's pattern with the local matcher\./,
    );
  });

  it("verifies with EventBridge's TestEventPattern when asked, and says so", async () => {
    const queue = new SimulatedQueue([eventBridgeDeadLetter("ord-1")]);
    const bus = new SimulatedBus();
    bus.testResult = false;
    const options = {
      sqs: queue,
      events: bus,
      queueUrl: QUEUE_URL,
      eventBus: "default",
      apply: true,
      rulePattern: ORDER_PATTERN,
      verifyWith: "aws" as const,
    };
    const refused = await replayQueue(options);
    assert.equal(refused.verifiedWith, "EventBridge TestEventPattern");
    assert.equal(refused.items[0].outcome, "no matching rule");
    assert.deepEqual(JSON.parse(bus.patternTests[0].EventPattern!), ORDER_PATTERN);
    assert.deepEqual(JSON.parse(bus.patternTests[0].Event!).detail.orderId, "ord-1");
    assert.equal(JSON.parse(bus.patternTests[0].Event!).account, "123456789012", "account and region from the queue URL");
    queue.advance(60);
    bus.testResult = true;
    const replayed = await replayQueue(options);
    assert.deepEqual(
      replayed.items.map((i) => [i.outcome, i.deleted]),
      [["replayed", true]],
    );
  });

  it("the command refuses --apply without --pattern (exit 2), and takes the pattern as JSON or a file", async () => {
    const queue = new SimulatedQueue([eventBridgeDeadLetter("ord-1")]);
    const bus = new SimulatedBus();
    const capture = (await import("../runner/captureOutput")).captureOutput();
    let codes: number[];
    try {
      codes = [
        await replayCommand(["--queue-url", QUEUE_URL, "--event-bus", "default", "--apply"], { sqs: queue, events: bus }),
        await replayCommand(["--queue-url", QUEUE_URL, "--event-bus", "default", "--apply", "--pattern", "{not json"], {
          sqs: queue,
          events: bus,
        }),
        await replayCommand(
          ["--queue-url", QUEUE_URL, "--event-bus", "default", "--apply", "--pattern", JSON.stringify(ORDER_PATTERN), "--verify", "maybe"],
          {
            sqs: queue,
            events: bus,
          },
        ),
        await replayCommand(["--queue-url", QUEUE_URL, "--event-bus", "default", "--apply", "--pattern", JSON.stringify(ORDER_PATTERN)], {
          sqs: queue,
          events: bus,
        }),
      ];
    } finally {
      capture.stop();
    }
    assert.deepEqual(codes, [2, 2, 2, 0]);
    assert.deepEqual(queue.remaining, []);
  });

  it("locally, a replayed event that starts no execution stays in the file", async () => {
    const folder = mkdtempSync(join(tmpdir(), "edw-replay-"));
    try {
      const file = join(folder, "dlq.jsonl");
      writeFileSync(file, `${JSON.stringify(eventBridgeDeadLetter("ord-1"))}\n`);
      const runner = {
        runEvent: async (_event: Record<string, unknown>, label = "event") => ({
          label,
          status: "NOT_MATCHED" as const,
          matches: [{ workflow: "orders", matched: false, reasons: ['the rule listens on bus "orders", the event was put on "default"'] }],
          executions: [],
        }),
      };
      const report = await replayRecorded({ file, apply: true, runner });
      assert.deepEqual(
        report.items.map((i) => [i.outcome, i.deleted]),
        [["no matching rule", false]],
      );
      assert.match(report.items[0].error ?? "", /no workflow's rule matched it: orders: the rule listens on bus "orders"/);
      assert.equal(readFileSync(file, "utf8").trim().split("\n").length, 1, "the line is kept");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("the command: dry run by default, exit 2 for usage errors", async () => {
    const queue = new SimulatedQueue([eventBridgeDeadLetter("o-1")]);
    const bus = new SimulatedBus();
    const writes: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => writes.push(chunk) > 0) as typeof process.stdout.write;
    let code: number;
    try {
      code = await replayCommand(["--queue-url", QUEUE_URL, "--event-bus", "default"], { sqs: queue, events: bus });
    } finally {
      process.stdout.write = write;
    }
    assert.equal(code, 0);
    assert.match(writes.join(""), /^DRY RUN: 1 messages read/);
    assert.equal(bus.requests.length, 0);
    assert.throws(() => parseReplayCommandLine(["--queue-url", QUEUE_URL]), RunnerInputError);
    assert.throws(() => parseReplayCommandLine(["--local", "/nonexistent.jsonl"]), /no such file/);
    assert.throws(
      () => parseReplayCommandLine(["--queue-url", QUEUE_URL, "--event-bus", "b", "--max", "0"]),
      /--max takes a positive whole number/,
    );
  });
});
