import assert from "node:assert/strict";
import {
  chargeCard,
  createSandboxServices,
  reconcilePayment,
  type SandboxFault,
  type SandboxFaultPlan,
  type SandboxOperation,
} from "../handlers";
import { InMemoryIdempotencyStore } from "../local/simulators/idempotency";
import { runOrder } from "./support/orderRun";
import { createTestStepContext } from "./support/stepContext";

/**
 * Reproductions of two of issue 18's failures, on the compiled order definition executed in-process against the
 * SIMULATED sandbox services: compensation must match what happened (a shipped order is never refunded), and an
 * order settled by ReconcilePayment must not be charged again by a replay once the gateway has forgotten its key.
 */
const faultOn =
  (operation: SandboxOperation, fault: SandboxFault, attempts: number[] = [1]): SandboxFaultPlan =>
  (call) =>
    call.operation === operation && attempts.includes(call.attempt) ? fault : undefined;

describe("the order workflow's compensation matches what happened (SIMULATED services)", () => {
  it("a shipped order whose completion cannot be recorded is retried, then escalated to a person, never refunded", async () => {
    const { result, services } = await runOrder("happy", { faults: faultOn("markComplete", "failed", [1, 2, 3, 4]) });
    const activity = services.activity();
    assert.equal(activity.fulfillments.length, 1, "the order shipped");
    assert.deepEqual(activity.refunds, [], "a shipped order is not refunded");
    assert.equal(result.retries.MarkOrderComplete, 3, "the completion was retried first");
    assert.ok(!result.path.includes("RefundAndFail"), `path: ${result.path.join(" > ")}`);
    assert.deepEqual(result.path.slice(-4), ["MarkOrderComplete", "WasOrderShipped", "EscalateShippedOrder", "ShippedOrderNotRecordedEnd"]);
    const alert = result.published.find((p) => p.state === "EscalateShippedOrder");
    assert.ok(alert, "the escalation alert was published");
    assert.equal(alert.service, "sns");
    assert.doesNotMatch(JSON.stringify(result.published), /tok_/, "the alert carries no card token");
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "ShippedOrderNotRecorded");
  });

  it("an order that did not ship and cannot be recorded is still refunded (RefundAndFail), once", async () => {
    const { result, services } = await runOrder("happy", {
      faults: (call) => (call.operation === "markComplete" ? "failed" : call.operation === "fulfill" ? "failed" : undefined),
    });
    assert.equal(services.activity().fulfillments.length, 0);
    assert.deepEqual(result.path.slice(-3), ["WasOrderShipped", "RefundAndFail", "PaymentFailedEnd"]);
    assert.equal(services.activity().refunds.length, 1);
  });

  it("an order whose shipment outcome is unknown (the warehouse never answered) is escalated too, not refunded", async () => {
    const { result, services } = await runOrder("happy", {
      faults: (call) => (call.operation === "markComplete" ? "failed" : call.operation === "fulfill" ? "unavailable" : undefined),
    });
    assert.ok(result.path.includes("LogFulfillmentUnknown"), `path: ${result.path.join(" > ")}`);
    assert.deepEqual(result.path.slice(-3), ["WasOrderShipped", "EscalateShippedOrder", "ShippedOrderNotRecordedEnd"]);
    assert.deepEqual(services.activity().refunds, []);
  });
});

describe("an order settled by ReconcilePayment is never charged again by a replay (SIMULATED services, 24 h key retention)", () => {
  it("a replay 25 h later, after the gateway forgot the key, does not charge the card a second time", async () => {
    let nowMs = Date.parse("2026-12-01T12:00:00Z");
    const services = createSandboxServices({ now: () => new Date(nowMs), faults: faultOn("charge", "lostAnswer") });
    const shared = { services, idempotencyStore: new InMemoryIdempotencyStore() };
    const { result: first } = await runOrder("happy", shared);
    assert.equal(first.status, "SUCCEEDED");
    assert.ok(first.path.includes("ReconcilePayment"), "the lost answer was settled by ReconcilePayment");
    assert.equal(services.activity().charges.length, 1);

    nowMs += 25 * 3600 * 1000; // a DLQ replay or a re-sent event, after the gateway's 24 h key retention
    const { result: replay } = await runOrder("happy", shared);
    assert.equal(replay.status, "SUCCEEDED", `replay: ${replay.error} ${replay.path.join(" > ")}`);
    assert.equal(services.activity().charges.length, 1, "charged once, whatever the gateway remembers");
  });

  it("the sandbox gateway itself forgets a key after its retention (what makes the replay above dangerous)", async () => {
    let nowMs = Date.parse("2026-12-01T12:00:00Z");
    const services = createSandboxServices({ now: () => new Date(nowMs) });
    const order = { orderId: "o-1", customerId: "c-1", items: [], totalAmount: 5, currency: "USD", cardToken: "tok_visa" };
    await services.payments.charge(order, "o-1");
    nowMs += 23 * 3600 * 1000;
    assert.equal((await services.payments.lookup("o-1")).status, "CHARGED");
    await services.payments.charge(order, "o-1");
    assert.equal(services.activity().charges.length, 1, "within 24 h the key replays the first charge");
    nowMs += 2 * 3600 * 1000;
    assert.equal((await services.payments.lookup("o-1")).status, "NOT_FOUND");
    await services.payments.charge(order, "o-1");
    assert.equal(services.activity().charges.length, 2, "after 24 h the same key charges again");
  });

  it("an attempt of unknown outcome older than the key retention is escalated, not charged again", async () => {
    let nowMs = Date.parse("2026-12-01T12:00:00Z");
    const services = createSandboxServices({ now: () => new Date(nowMs), hangMs: 1 });
    const order = { orderId: "o-2", customerId: "c-2", items: [], totalAmount: 5, currency: "USD", cardToken: "tok_visa" };
    await services.charges.recordAttempt("o-2", new Date(nowMs)); // the attempt whose answer never came back
    nowMs += 25 * 3600 * 1000;
    await assert.rejects(chargeCard(order, createTestStepContext("ChargeCard"), services), { name: "PaymentOutcomeUnknown" });
    await assert.rejects(reconcilePayment(order, createTestStepContext("ReconcilePayment"), services), { name: "PaymentUnverifiable" });
    assert.equal(services.activity().charges.length, 0, "the gateway was never asked to charge again");
    assert.equal(services.activity().chargeCalls, 0);
  });
});
