import assert from "node:assert/strict";
import { createSandboxServices, type SandboxFault, type SandboxFaultPlan, type SandboxOperation } from "../handlers";
import { InMemoryIdempotencyStore } from "../local/simulators/idempotency";
import { messagesTo, publishedEvents } from "../local/simulators/messageRecorder";
import { loadEvent, runOrder } from "./support/orderRun";

describe("the order workflow, executed locally (aws-local-stepfunctions, sandbox services, in-process SNS/SQS/EventBridge recorders)", () => {
  it("happy path: validate, charge, fulfil and email in parallel, complete, publish Order Processed", async () => {
    const { result, services } = await runOrder("happy");
    assert.equal(result.status, "SUCCEEDED");
    assert.deepEqual(
      result.path,
      [
        "ValidateOrder",
        "ChargeCard",
        "FulfillmentAndNotification",
        "FulfillOrder",
        "SendConfirmationEmail",
        "MarkOrderComplete",
        "PublishOrderProcessed",
      ].filter((s) => result.path.includes(s)),
    );
    assert.deepEqual(
      new Set(result.path),
      new Set([
        "ValidateOrder",
        "ChargeCard",
        "FulfillmentAndNotification",
        "FulfillOrder",
        "SendConfirmationEmail",
        "MarkOrderComplete",
        "PublishOrderProcessed",
      ]),
    );
    assert.deepEqual(result.retries, {});
    assert.equal(result.output.status, "COMPLETED");
    assert.equal(result.output.orderId, "ord-1001");
    assert.equal(result.output.amount, 129.99);
    const [event] = publishedEvents(result.published);
    assert.equal(result.published.length, 1);
    assert.equal(result.published[0].service, "events");
    assert.deepEqual(
      { source: event.Source, type: event.DetailType, bus: event.EventBusName },
      { source: "order.processor", type: "Order Processed", bus: "default" },
    );
    assert.equal(event.detail.orderId, "ord-1001");
    const activity = services.activity();
    assert.equal(activity.charges.length, 1);
    assert.equal(activity.fulfillments.length, 1);
    assert.equal(activity.emails.length, 1);
    assert.equal(activity.completedOrders.length, 1);
  });

  it("ValidationError: alert published, ValidationFailed, and the charge never runs", async () => {
    const { result, services } = await runOrder("validation-error");
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "ValidationFailed");
    assert.deepEqual(result.path, ["ValidateOrder", "OrderValidationFailed", "ValidationFailedEnd"]);
    assert.deepEqual(result.retries, {});
    assert.equal(result.published.length, 1);
    assert.equal(result.published[0].service, "sns");
    assert.equal(result.published[0].request.Message.Error, "ValidationError");
    assert.doesNotMatch(JSON.stringify(result.published), /tok_/, "the alert carries no card token");
    assert.equal(services.activity().chargeCalls, 0);
  });

  const malformed: { name: string; fields: string[]; mutate: (event: any) => void }[] = [
    {
      name: "missing fields",
      fields: ["orderId", "items[0].sku", "cardToken"],
      mutate: (e) => {
        delete e.detail.orderId;
        delete e.detail.items[0].sku;
        delete e.detail.cardToken;
      },
    },
    {
      name: "wrong types",
      fields: ["customerId", "items", "totalAmount"],
      mutate: (e) => Object.assign(e.detail, { customerId: 999, items: "two mugs", totalAmount: "129.99" }),
    },
    {
      name: "negative and NaN amounts",
      fields: ["items[0].unitPrice", "items[1].quantity", "totalAmount"],
      mutate: (e) => {
        e.detail.items[0].unitPrice = -19.99;
        e.detail.items[1].quantity = NaN;
        e.detail.totalAmount = NaN;
      },
    },
    { name: "a total that does not add up", fields: ["totalAmount"], mutate: (e) => (e.detail.totalAmount = 100) },
    {
      name: "oversized strings",
      fields: ["orderId", "items[1].sku", "cardToken"],
      mutate: (e) => {
        e.detail.orderId = "o".repeat(5000);
        e.detail.items[1].sku = "S".repeat(65);
        e.detail.cardToken = `tok_${"x".repeat(200)}`;
      },
    },
    {
      name: "a broken envelope",
      fields: ["event.time", "event.account"],
      mutate: (e) => {
        e.time = "yesterday";
        delete e.account;
      },
    },
  ];
  for (const { name, fields, mutate } of malformed) {
    it(`an event with ${name} fails validation with ONE ValidationError naming each bad field, and the charge is never reached`, async () => {
      const event = loadEvent("happy");
      mutate(event);
      const { result, services } = await runOrder(event);
      assert.equal(result.status, "FAILED");
      assert.deepEqual(result.path, ["ValidateOrder", "OrderValidationFailed", "ValidationFailedEnd"]);
      assert.deepEqual(result.retries, {});
      assert.equal(services.activity().chargeCalls, 0);
      const alert = messagesTo(result.published, "sns")[0].request.Message;
      assert.equal(alert.Error, "ValidationError");
      // Locally the Cause is the error's message (in AWS, a JSON object holding it as errorMessage).
      const errorMessage: string = alert.Cause;
      assert.match(errorMessage, new RegExp(`^Order failed validation with ${fields.length} problem\\(s\\): `));
      for (const field of fields) assert.ok(errorMessage.includes(`${field} `), `${field} in ${errorMessage}`);
      assert.doesNotMatch(errorMessage, /tok_x|o{100}/, "no token and no long string is echoed");
    });
  }

  it("InsufficientFundsError: RefundAndFail (a recorded no-op refund), then PaymentFailed", async () => {
    const { result, services } = await runOrder("insufficient-funds");
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "PaymentFailed");
    assert.deepEqual(result.path, ["ValidateOrder", "ChargeCard", "RefundAndFail", "PaymentFailedEnd"]);
    assert.deepEqual(result.retries, {}, "a declined card is not retried");
    assert.deepEqual(
      services.activity().refundRequests.map((r) => r.outcome),
      ["NOTHING_TO_REFUND"],
    );
  });

  it("PaymentProcessorDown: QueueForRetry sends the order to the DLQ, then TemporaryFailure", async () => {
    const { result } = await runOrder("processor-down");
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "TemporaryFailure");
    assert.deepEqual(result.path, ["ValidateOrder", "ChargeCard", "QueueForRetry", "RetryQueuedEnd"]);
    assert.equal(result.published.length, 1);
    assert.equal(result.published[0].service, "sqs");
    assert.match(result.published[0].request.QueueUrl, /order-processing-dlq$/);
    assert.equal(result.published[0].request.MessageBody.detail.orderId, "ord-1004");
    assert.equal(result.published[0].request.MessageBody.error.Error, "PaymentProcessorDown");
  });

  it("ThrottlingException is retried, then the order completes, charged once", async () => {
    const { result, services } = await runOrder("throttled-then-ok");
    assert.equal(result.status, "SUCCEEDED");
    assert.deepEqual(result.retries, { ChargeCard: 1 });
    assert.equal(result.path.filter((s) => s === "ChargeCard").length, 1, "a retry stays inside the state");
    assert.equal(services.activity().chargeCalls, 2);
    assert.equal(services.activity().charges.length, 1);
  });

  it("a fulfilment failure still completes the order (LogFulfillmentFailure)", async () => {
    const { result } = await runOrder("fulfillment-fails");
    assert.equal(result.status, "SUCCEEDED");
    assert.ok(result.path.includes("LogFulfillmentFailure"));
    assert.ok(!result.path.includes("LogEmailFailure"));
    assert.deepEqual(result.retries, {}, "OutOfStockError is not transient");
    assert.equal(result.output.fulfillmentStatus, "FAILED");
    assert.equal(result.output.emailStatus, "SENT");
  });

  it("an email failure still completes the order (LogEmailFailure)", async () => {
    const { result } = await runOrder("email-fails");
    assert.equal(result.status, "SUCCEEDED");
    assert.ok(result.path.includes("LogEmailFailure"));
    assert.equal(result.output.emailStatus, "FAILED");
    assert.equal(result.output.fulfillmentStatus, "FULFILLED");
  });

  it("a refund failure escalates: RefundFailedManualIntervention, then CriticalFailure", async () => {
    const { result } = await runOrder("refund-fails");
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "CriticalFailure");
    assert.deepEqual(result.path, ["ValidateOrder", "ChargeCard", "RefundAndFail", "RefundFailedManualIntervention", "CriticalFailure"]);
    assert.equal(messagesTo(result.published, "sns")[0].request.Message, "CRITICAL: Refund failed. Manual intervention required.");
  });

  // Short timeouts locally: ChargeCard's Task times out after 2 s (States.Timeout), ReconcilePayment's Lambda gets 2 s.
  const quick = { timeouts: { ChargeCard: 2, ReconcilePayment: 3 } };
  const faultOn =
    (operation: SandboxOperation, fault: SandboxFault, attempts = [1]): SandboxFaultPlan =>
    (call) =>
      call.operation === operation && attempts.includes(call.attempt) ? fault : undefined;

  it("a charge that never answers is reconciled, still pending, and escalated: PaymentUnresolvedManualIntervention, then CriticalFailure", async () => {
    const { result, services } = await runOrder("charge-hangs", quick);
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "CriticalFailure");
    assert.deepEqual(result.path, [
      "ValidateOrder",
      "ChargeCard",
      "ReconcilePayment",
      "PaymentUnresolvedManualIntervention",
      "CriticalFailure",
    ]);
    assert.deepEqual(result.retries, { ReconcilePayment: 3 }, "PaymentPending is asked again before escalating");
    assert.equal(messagesTo(result.published, "sns")[0].request.Message.Error, "PaymentPending");
    assert.doesNotMatch(JSON.stringify(result.published), /tok_/, "the alert carries no card token");
    assert.equal(services.activity().charges.length, 0);
  });

  it("a slow answer (beyond ChargeCard's timeout) is reconciled: the order completes, charged once", async () => {
    const { result, services } = await runOrder("happy", { ...quick, faults: faultOn("charge", "slowAnswer"), slowAnswerMs: 2300 });
    assert.equal(result.status, "SUCCEEDED");
    assert.ok(result.path.includes("ReconcilePayment"));
    assert.equal(result.output.chargeId, "ch_sandbox_ord-1001");
    assert.equal(services.activity().charges.length, 1);
  });

  it("a lost answer (charged, but the caller saw an error) is reconciled: the order completes, charged once", async () => {
    const { result, services } = await runOrder("happy", { ...quick, faults: faultOn("charge", "lostAnswer") });
    assert.equal(result.status, "SUCCEEDED");
    assert.deepEqual(result.path.slice(0, 3), ["ValidateOrder", "ChargeCard", "ReconcilePayment"]);
    assert.equal(services.activity().charges.length, 1);
    assert.equal(services.activity().completedOrders.length, 1);
  });

  it("a charge throttled until its retries run out is reconciled as not taken: QueueForRetry, nothing charged", async () => {
    const { result, services } = await runOrder("happy", { ...quick, faults: faultOn("charge", "throttled", [1, 2, 3, 4, 5, 6]) });
    assert.equal(result.error, "TemporaryFailure");
    assert.deepEqual(result.path, ["ValidateOrder", "ChargeCard", "ReconcilePayment", "QueueForRetry", "RetryQueuedEnd"]);
    assert.equal(services.activity().charges.length, 0);
  });

  it("the same order id with another amount is rejected (DuplicateOrderRejected), never charged twice", async () => {
    const shared = { services: createSandboxServices(), idempotencyStore: new InMemoryIdempotencyStore() };
    const { result: first } = await runOrder("happy", shared);
    const other = loadEvent("happy");
    other.detail.items = [{ sku: "SKU-MUG", quantity: 1, unitPrice: 5 }];
    other.detail.totalAmount = 5;
    const { result: second } = await runOrder(other, shared);
    assert.equal(first.status, "SUCCEEDED");
    assert.equal(second.error, "DuplicateOrderRejected");
    assert.deepEqual(second.path, ["ValidateOrder", "ChargeCard", "DuplicateOrderRejected", "DuplicateRejectedEnd"]);
    assert.equal(messagesTo(second.published, "sns")[0].request.Message.Error, "IdempotencyValidationError");
    assert.equal(shared.services.activity().charges.length, 1);
  });

  it("every log line of a run is JSON carrying the execution id, and the order id once the step knows it", async () => {
    const { result } = await runOrder("happy");
    const logs = result.printed.map((line) => JSON.parse(line)).filter((entry) => !("_aws" in entry));
    assert.ok(logs.length >= 5);
    assert.match(result.executionId, /^arn:aws:states:local-1:000000000000:execution:local:/);
    for (const entry of logs) {
      assert.equal(entry.executionId, result.executionId, JSON.stringify(entry));
      assert.equal(entry.orderId, "ord-1001", JSON.stringify(entry));
      assert.equal(entry.workflow, "order-processing");
      assert.ok(["ValidateOrder", "ChargeCard", "FulfillOrder", "SendConfirmationEmail", "MarkOrderComplete"].includes(entry.service));
    }
  });

  it("every step's Lambda instrumentation printed one step EMF metrics line per invocation", async () => {
    const { result } = await runOrder("happy");
    // The step's own line; metrics with dimensions of their own (e.g. ChargeAmount by currency) have theirs.
    const emf = result.printed
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line))
      .filter((m) => "StepDuration" in m);
    const services = emf.map((m) => m.service).sort();
    assert.deepEqual(services, ["ChargeCard", "FulfillOrder", "MarkOrderComplete", "SendConfirmationEmail", "ValidateOrder"]);
    for (const m of emf) {
      assert.equal(m._aws.CloudWatchMetrics[0].Namespace, "order-processing");
      assert.equal(m.StepSucceeded, 1);
      assert.equal(typeof m.StepDuration, "number");
    }
  });
});
