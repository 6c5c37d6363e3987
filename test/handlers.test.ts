/**
 * The order-processing step handlers, against the sandbox services: every validation rule, every sandbox
 * behaviour, the compensating refund, the completion summary, the sample events, and the error classes both
 * natively and after Pulumi's closure serialization (what actually runs in the Lambda).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { StepContext } from "../components/steps/types";
import {
  CardDeclinedError,
  chargeCard,
  createSandboxServices,
  EmailRejectedError,
  fulfillOrder,
  InsufficientFundsError,
  markOrderComplete,
  OutOfStockError,
  PaymentProcessorDown,
  reconcilePayment,
  refundPayment,
  RefundFailedError,
  sendConfirmationEmail,
  ServiceUnavailableException,
  ThrottlingException,
  TRANSIENT_ERROR_NAMES,
  validateOrder,
  ValidationError,
} from "../handlers";
import type {
  BranchFailure,
  ChargeResult,
  CompletionInput,
  EmailResult,
  FulfillmentResult,
  OrderPlacedEvent,
  OrderProcessed,
  SandboxFaultPlan,
  SandboxServices,
  ValidatedOrder,
} from "../handlers";
import { createTestStepContext, type TestStepContext } from "./support/stepContext";

const EVENTS_DIR = join(__dirname, "..", "events");
// An ISO string, not a Date: the serialization tests capture the clock, and Pulumi serializes a Date as a plain object.
const FIXED_NOW = "2025-06-01T12:34:56.000Z";

/** A fresh copy of a sample event (tests mutate it freely). */
function loadEvent(name: string): OrderPlacedEvent {
  return JSON.parse(readFileSync(join(EVENTS_DIR, `${name}.json`), "utf8")) as OrderPlacedEvent;
}

function sandbox(options: Parameters<typeof createSandboxServices>[0] = {}): SandboxServices {
  return createSandboxServices({ now: () => new Date(FIXED_NOW), ...options });
}

/** The happy event's order as ValidateOrder returns it. */
async function happyOrder(overrides: Partial<ValidatedOrder> = {}): Promise<ValidatedOrder> {
  const order = await validateOrder(loadEvent("happy"), createTestStepContext("ValidateOrder"), sandbox());
  return { ...order, ...overrides };
}

/** The metrics (name -> value) of an EMF object. */
function emfValues(emf: Record<string, unknown>): Record<string, number> {
  const names = (emf._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0].Metrics.map((m) => m.Name);
  return Object.fromEntries(names.map((n) => [n, emf[n] as number]));
}

/**
 * The metric values a handler emitted through its context, by name (empty if none): those of the step's own blob and
 * of the standalone single-metric blobs (metrics with dimensions of their own), summed by name.
 */
function metricsOf(context: TestStepContext): Record<string, number> {
  const blobs = [
    ...(context.metrics.hasStoredMetrics() ? [context.metrics.serializeMetrics() as unknown as Record<string, unknown>] : []),
    ...context.standaloneEmf(),
  ];
  const totals: Record<string, number> = {};
  for (const [name, value] of blobs.flatMap((blob) => Object.entries(emfValues(blob)))) totals[name] = (totals[name] ?? 0) + value;
  return totals;
}

/** The dimensions (name -> value, `service` left out) each standalone metric was emitted with. */
function standaloneDimensionsOf(context: TestStepContext): { metric: string; dimensions: Record<string, unknown> }[] {
  return context.standaloneEmf().map((blob) => {
    const [directive] = (blob._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] }).CloudWatchMetrics;
    const dimensions = Object.fromEntries(directive.Dimensions[0].filter((d) => d !== "service").map((d) => [d, blob[d]]));
    return { metric: directive.Metrics[0].Name, dimensions };
  });
}

/** Awaits `promise`, expecting it to reject; returns the rejection. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => assert.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => {
      assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
      return error;
    },
  );
}

/** Runs ValidateOrder on `input`, expecting a ValidationError; returns its problems. */
async function problemsOf(input: unknown): Promise<string[]> {
  const error = await rejectionOf(validateOrder(input, createTestStepContext("ValidateOrder"), sandbox()));
  assert.ok(error instanceof ValidationError);
  return error.problems;
}

/** Collects what is written to stdout and stderr (Powertools Logger writes warnings and errors to stderr). */
async function captureOutput(run: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    }) as typeof stream.write;
  }
  try {
    await run();
  } finally {
    for (const [i, s] of streams.entries()) s.write = writes[i];
  }
  return chunks.join("");
}

/** A promise that resolves to "pending" after `ms`, to race against one that should not settle. */
function pendingAfter(ms: number): Promise<"pending"> {
  return new Promise((resolve) => setTimeout(() => resolve("pending"), ms));
}

describe("order handlers", () => {
  describe("error classes", () => {
    const cases: [Error, string][] = [
      [new ValidationError(["orderId must be a non-empty string"]), "ValidationError"],
      [new InsufficientFundsError(), "InsufficientFundsError"],
      [new PaymentProcessorDown(), "PaymentProcessorDown"],
      [new CardDeclinedError(), "CardDeclinedError"],
      [new ThrottlingException(), "ThrottlingException"],
      [new ServiceUnavailableException(), "ServiceUnavailableException"],
      [new OutOfStockError(["OUT-OF-STOCK-LAMP"]), "OutOfStockError"],
      [new EmailRejectedError(), "EmailRejectedError"],
      [new RefundFailedError(), "RefundFailedError"],
    ];
    for (const [error, name] of cases) {
      it(`${name} is an Error named "${name}" with a message and a stack`, () => {
        assert.ok(error instanceof Error);
        assert.equal(error.name, name);
        assert.equal(error.constructor.name, name);
        assert.ok(error.message.length > 0);
        assert.match(String(error.stack), new RegExp(`^${name}: `));
        assert.equal(String(error), `${name}: ${error.message}`);
      });
    }

    it("ValidationError carries every problem and lists each in its message", () => {
      const problems = ["orderId must be a non-empty string", "items must be a non-empty array"];
      const error = new ValidationError(problems);
      assert.deepEqual(error.problems, problems);
      for (const p of problems) assert.ok(error.message.includes(p), `message misses "${p}"`);
      problems.push("mutating the input array");
      assert.equal(error.problems.length, 2, "the error keeps its own copy");
    });

    it("only throttling and service unavailability are transient", () => {
      assert.deepEqual([...TRANSIENT_ERROR_NAMES], ["ThrottlingException", "ServiceUnavailableException"]);
    });
  });

  describe("validateOrder", () => {
    it("returns the validated order of the happy event, currency kept", async () => {
      const order = await validateOrder(loadEvent("happy"), createTestStepContext("ValidateOrder"), sandbox());
      assert.deepEqual(order, {
        orderId: "ord-1001",
        customerId: "cust-999",
        items: [
          { sku: "SKU-TSHIRT-M", quantity: 2, unitPrice: 19.99 },
          { sku: "SKU-MUG", quantity: 1, unitPrice: 90.01 },
        ],
        totalAmount: 129.99,
        currency: "USD",
        cardToken: "tok_visa",
      });
    });

    it('defaults a missing currency to "USD" and keeps a given one', async () => {
      const withoutCurrency = loadEvent("happy");
      delete withoutCurrency.detail.currency;
      const euro = loadEvent("happy");
      euro.detail.currency = "EUR";
      const context = createTestStepContext("ValidateOrder");
      assert.equal((await validateOrder(withoutCurrency, context, sandbox())).currency, "USD");
      assert.equal((await validateOrder(euro, context, sandbox())).currency, "EUR");
    });

    it("drops fields it does not know instead of passing them on", async () => {
      const event = loadEvent("happy") as unknown as { detail: Record<string, unknown> & { items: object[] } };
      event.detail.internalNote = "do not forward";
      event.detail.items[0] = { ...event.detail.items[0], discountCode: "X" };
      const order = await validateOrder(event, createTestStepContext("ValidateOrder"), sandbox());
      assert.equal("internalNote" in order, false);
      assert.deepEqual(Object.keys(order.items[0]), ["sku", "quantity", "unitPrice"]);
    });

    it("compares the total in integer cents, so floating-point sums pass", async () => {
      const event = loadEvent("happy");
      event.detail.items = [
        { sku: "A", quantity: 1, unitPrice: 0.1 },
        { sku: "B", quantity: 1, unitPrice: 0.2 },
        { sku: "C", quantity: 3, unitPrice: 12.35 },
      ];
      event.detail.totalAmount = 37.35; // 0.1 + 0.2 !== 0.3 in floating point; 3 * 12.35 = 37.049999...
      const order = await validateOrder(event, createTestStepContext("ValidateOrder"), sandbox());
      assert.equal(order.totalAmount, 37.35);
    });

    it("counts OrdersValidated and annotates the trace with the order id", async () => {
      const context = createTestStepContext("ValidateOrder");
      const annotations: [string, unknown][] = [];
      context.tracer.putAnnotation = (key: string, value: string | number | boolean) => {
        annotations.push([key, value]);
      };
      await validateOrder(loadEvent("happy"), context, sandbox());
      assert.deepEqual(metricsOf(context), { OrdersValidated: 1 });
      assert.deepEqual(annotations, [["orderId", "ord-1001"]]);
    });

    it("counts OrdersRejected (and not OrdersValidated) when it rejects, with the kind of problem as reason", async () => {
      const context = createTestStepContext("ValidateOrder");
      await rejectionOf(validateOrder(loadEvent("validation-error"), context, sandbox()));
      assert.deepEqual(metricsOf(context), { OrdersRejected: 1 });
      assert.deepEqual(standaloneDimensionsOf(context), [{ metric: "OrdersRejected", dimensions: { reason: "Multiple" } }]);
    });

    const reasons: { reason: string; mutate: (d: Record<string, any>) => void }[] = [
      { reason: "MissingField", mutate: (d) => delete d.customerId },
      { reason: "WrongType", mutate: (d) => (d.totalAmount = "129.99") },
      { reason: "InvalidValue", mutate: (d) => (d.items[0].unitPrice = -1) },
      { reason: "TooLong", mutate: (d) => (d.orderId = "o".repeat(65)) },
      { reason: "TotalMismatch", mutate: (d) => (d.totalAmount = 1) },
    ];
    for (const { reason, mutate } of reasons) {
      it(`counts a rejection for ${reason} under reason "${reason}"`, async () => {
        const event = loadEvent("happy");
        mutate(event.detail as unknown as Record<string, any>);
        const context = createTestStepContext("ValidateOrder");
        await rejectionOf(validateOrder(event, context, sandbox()));
        assert.deepEqual(standaloneDimensionsOf(context), [{ metric: "OrdersRejected", dimensions: { reason } }]);
      });
    }

    it('counts a malformed envelope under reason "MalformedEnvelope"', async () => {
      const event = { ...loadEvent("happy"), time: "yesterday" };
      const context = createTestStepContext("ValidateOrder");
      const error = await rejectionOf(validateOrder(event, context, sandbox()));
      assert.deepEqual((error as ValidationError).problems, [
        'event.time is not what EventBridge sends (Invalid ISO datetime) (got "yesterday")',
      ]);
      assert.deepEqual(standaloneDimensionsOf(context), [{ metric: "OrdersRejected", dimensions: { reason: "MalformedEnvelope" } }]);
    });

    /** One broken field each: exactly one problem, and it starts with the field's name. */
    type Detail = Record<string, unknown> & { items: Record<string, unknown>[] };
    const breakDetail = (mutate: (d: Detail) => void) => () => {
      const event = loadEvent("happy");
      mutate(event.detail as unknown as Detail);
      return event;
    };
    const rules: { rule: string; input: () => unknown; field: string }[] = [
      { rule: "the event is null", input: () => null, field: "event" },
      { rule: "the event is a string", input: () => "Order Placed", field: "event" },
      {
        rule: "the event has no time",
        input: () => {
          const e = loadEvent("happy") as Partial<OrderPlacedEvent>;
          delete e.time;
          return e;
        },
        field: "event.time",
      },
      {
        rule: "the event's resources is not an array",
        input: () => ({ ...loadEvent("happy"), resources: "arn" }),
        field: "event.resources",
      },
      {
        rule: "the event has no detail",
        input: () => {
          const e = loadEvent("happy") as Partial<OrderPlacedEvent>;
          delete e.detail;
          return e;
        },
        field: "detail",
      },
      { rule: "detail is an array", input: () => ({ ...loadEvent("happy"), detail: [] }), field: "detail" },
      { rule: "orderId is missing", input: breakDetail((d) => delete d.orderId), field: "orderId" },
      { rule: "orderId is empty", input: breakDetail((d) => (d.orderId = "")), field: "orderId" },
      { rule: "orderId is blank", input: breakDetail((d) => (d.orderId = "   ")), field: "orderId" },
      { rule: "orderId is a number", input: breakDetail((d) => (d.orderId = 12345)), field: "orderId" },
      { rule: "orderId is 65 characters long", input: breakDetail((d) => (d.orderId = "o".repeat(65))), field: "orderId" },
      { rule: "orderId holds a space", input: breakDetail((d) => (d.orderId = "ord 1001")), field: "orderId" },
      { rule: "customerId is 10 kB long", input: breakDetail((d) => (d.customerId = "c".repeat(10_000))), field: "customerId" },
      { rule: "customerId is missing", input: breakDetail((d) => delete d.customerId), field: "customerId" },
      { rule: "customerId is empty", input: breakDetail((d) => (d.customerId = "")), field: "customerId" },
      { rule: "items is missing", input: breakDetail((d) => delete (d as Partial<Detail>).items), field: "items" },
      { rule: "items is empty", input: breakDetail((d) => (d.items = [])), field: "items" },
      { rule: "items is not an array", input: breakDetail((d) => ((d as Record<string, unknown>).items = "SKU-MUG")), field: "items" },
      {
        rule: "items has 101 lines",
        input: breakDetail((d) => (d.items = Array.from({ length: 101 }, () => ({ sku: "A", quantity: 1, unitPrice: 1 })))),
        field: "items",
      },
      { rule: "an item is null", input: breakDetail((d) => ((d.items as unknown[])[1] = null)), field: "items[1]" },
      { rule: "a sku is missing", input: breakDetail((d) => delete d.items[0].sku), field: "items[0].sku" },
      { rule: "a sku is empty", input: breakDetail((d) => (d.items[1].sku = "")), field: "items[1].sku" },
      { rule: "a sku is a number", input: breakDetail((d) => (d.items[1].sku = 42)), field: "items[1].sku" },
      { rule: "a sku is blank", input: breakDetail((d) => (d.items[1].sku = "  ")), field: "items[1].sku" },
      { rule: "a sku is 65 characters long", input: breakDetail((d) => (d.items[1].sku = "S".repeat(65))), field: "items[1].sku" },
      { rule: "a quantity is NaN", input: breakDetail((d) => (d.items[0].quantity = NaN)), field: "items[0].quantity" },
      { rule: "a quantity is above 10000", input: breakDetail((d) => (d.items[0].quantity = 10_001)), field: "items[0].quantity" },
      { rule: "a quantity is zero", input: breakDetail((d) => (d.items[0].quantity = 0)), field: "items[0].quantity" },
      { rule: "a quantity is negative", input: breakDetail((d) => (d.items[0].quantity = -2)), field: "items[0].quantity" },
      { rule: "a quantity is fractional", input: breakDetail((d) => (d.items[0].quantity = 1.5)), field: "items[0].quantity" },
      { rule: "a quantity is a string", input: breakDetail((d) => (d.items[0].quantity = "2")), field: "items[0].quantity" },
      { rule: "a unitPrice is negative", input: breakDetail((d) => (d.items[1].unitPrice = -0.01)), field: "items[1].unitPrice" },
      { rule: "a unitPrice is NaN", input: breakDetail((d) => (d.items[1].unitPrice = NaN)), field: "items[1].unitPrice" },
      { rule: "a unitPrice is infinite", input: breakDetail((d) => (d.items[1].unitPrice = Infinity)), field: "items[1].unitPrice" },
      { rule: "a unitPrice is a string", input: breakDetail((d) => (d.items[1].unitPrice = "90.01")), field: "items[1].unitPrice" },
      { rule: "a unitPrice is missing", input: breakDetail((d) => delete d.items[1].unitPrice), field: "items[1].unitPrice" },
      { rule: "totalAmount is missing", input: breakDetail((d) => delete d.totalAmount), field: "totalAmount" },
      { rule: "totalAmount is a string", input: breakDetail((d) => (d.totalAmount = "129.99")), field: "totalAmount" },
      { rule: "totalAmount is infinite", input: breakDetail((d) => (d.totalAmount = Infinity)), field: "totalAmount" },
      { rule: "totalAmount is NaN", input: breakDetail((d) => (d.totalAmount = NaN)), field: "totalAmount" },
      { rule: "totalAmount is negative", input: breakDetail((d) => (d.totalAmount = -129.99)), field: "totalAmount" },
      { rule: "totalAmount is a cent short", input: breakDetail((d) => (d.totalAmount = 129.98)), field: "totalAmount" },
      { rule: "totalAmount is rounded up", input: breakDetail((d) => (d.totalAmount = 130)), field: "totalAmount" },
      { rule: "currency is lower-case", input: breakDetail((d) => (d.currency = "usd")), field: "currency" },
      { rule: "currency has two letters", input: breakDetail((d) => (d.currency = "US")), field: "currency" },
      { rule: "currency is a word", input: breakDetail((d) => (d.currency = "DOLLARS")), field: "currency" },
      { rule: "currency is numeric", input: breakDetail((d) => (d.currency = 840)), field: "currency" },
      { rule: "currency is null", input: breakDetail((d) => (d.currency = null)), field: "currency" },
      { rule: "cardToken is missing", input: breakDetail((d) => delete d.cardToken), field: "cardToken" },
      { rule: "cardToken is empty", input: breakDetail((d) => (d.cardToken = "")), field: "cardToken" },
      { rule: "cardToken is a number", input: breakDetail((d) => (d.cardToken = 4242424242424242)), field: "cardToken" },
      { rule: "cardToken is blank", input: breakDetail((d) => (d.cardToken = "   ")), field: "cardToken" },
      { rule: "cardToken is 129 characters long", input: breakDetail((d) => (d.cardToken = `tok_${"x".repeat(125)}`)), field: "cardToken" },
    ];
    for (const { rule, input, field } of rules) {
      it(`rejects when ${rule}, naming ${field}`, async () => {
        const problems = await problemsOf(input());
        assert.equal(problems.length, 1, `expected one problem, got: ${problems.join(" | ")}`);
        assert.ok(problems[0].startsWith(`${field} `), `"${problems[0]}" should start with "${field} "`);
      });
    }

    it("says what the total should have been", async () => {
      const [problem] = await problemsOf(breakDetail((d) => (d.totalAmount = 129.98))());
      assert.match(problem, /totalAmount 129\.98 .*\(129\.99\)/);
    });

    it("collects every problem of validation-error.json into ONE ValidationError", async () => {
      const context = createTestStepContext("ValidateOrder");
      const error = await rejectionOf(validateOrder(loadEvent("validation-error"), context, sandbox()));
      assert.ok(error instanceof ValidationError);
      const fields = error.problems.map((p) => p.split(" ")[0]);
      assert.deepEqual(fields, [
        "orderId",
        "items[0].quantity",
        "items[1].sku",
        "items[1].unitPrice",
        "totalAmount",
        "currency",
        "cardToken",
      ]);
      for (const p of error.problems) assert.ok(error.message.includes(p), `message misses "${p}"`);
      assert.match(error.message, /7 problem/);
    });

    it("never logs nor echoes the card token, accepted or rejected", async () => {
      const secret = "tok_secret_do_not_log_4242";
      const good = loadEvent("happy");
      good.detail.cardToken = secret;
      const bad = loadEvent("validation-error");
      (bad.detail as Partial<OrderPlacedEvent["detail"]>).cardToken = secret;
      let rejection: Error | undefined;
      const logs = await captureOutput(async () => {
        await validateOrder(good, createTestStepContext("ValidateOrder", { logLevel: "DEBUG" }), sandbox());
        rejection = await rejectionOf(validateOrder(bad, createTestStepContext("ValidateOrder", { logLevel: "DEBUG" }), sandbox()));
      });
      assert.match(logs, /Order validated/, "the success was logged");
      assert.match(logs, /Order rejected/, "the rejection was logged");
      assert.equal(logs.includes(secret), false, "the token appears in the logs");
      assert.ok(rejection);
      assert.equal(rejection.message.includes(secret), false, "the token appears in the error");
    });

    it("does not echo a malformed card token either", async () => {
      for (const token of [4242424242424242, `tok_${"9".repeat(200)}`]) {
        const [problem] = await problemsOf(breakDetail((d) => (d.cardToken = token))());
        assert.equal(problem, "cardToken must be a non-empty string of at most 128 characters");
      }
    });

    it("describes an oversized string by its length instead of echoing it", async () => {
      const [problem] = await problemsOf(breakDetail((d) => (d.customerId = "c".repeat(10_000)))());
      assert.match(problem, /^customerId must be a non-empty string of at most 64 .*\(got a string of 10000 characters\)$/);
    });

    it("lists every problem of an event broken in every way at once, one per field, in one ValidationError", async () => {
      const event = loadEvent("happy") as unknown as Record<string, any>;
      delete event.source;
      Object.assign(event.detail, {
        orderId: 7,
        customerId: "c".repeat(65),
        totalAmount: NaN,
        currency: "usd",
        cardToken: undefined,
        items: [{ sku: "", quantity: 2.5, unitPrice: -1 }, null, { sku: "OK", quantity: 1, unitPrice: "1" }],
      });
      const error = await rejectionOf(validateOrder(event, createTestStepContext("ValidateOrder"), sandbox()));
      assert.ok(error instanceof ValidationError);
      assert.deepEqual(
        error.problems.map((p) => p.split(" ")[0]),
        [
          "event.source",
          "orderId",
          "customerId",
          "items[0].sku",
          "items[0].quantity",
          "items[0].unitPrice",
          "items[1]",
          "items[2].unitPrice",
          "totalAmount",
          "currency",
          "cardToken",
        ],
      );
      assert.match(error.message, /^Order failed validation with 11 problem\(s\): /);
    });

    it("checks that the total adds up even when another field is bad", async () => {
      const problems = await problemsOf(
        breakDetail((d) => {
          d.totalAmount = 100;
          d.currency = "usd";
        })(),
      );
      // Field checks first, then the sum (checked once the items and the total are each valid).
      assert.deepEqual(
        problems.map((p) => p.split(" ")[0]),
        ["currency", "totalAmount"],
      );
    });
  });

  describe("chargeCard and the sandbox payment gateway", () => {
    it("charges the total with the order id as idempotency key, and counts it", async () => {
      const services = sandbox();
      const context = createTestStepContext("ChargeCard");
      const charge = await chargeCard(await happyOrder(), context, services);
      assert.deepEqual(charge, { chargeId: "ch_sandbox_ord-1001", amount: 129.99, currency: "USD", status: "CHARGED" });
      assert.deepEqual(services.activity().charges, [
        { ...charge, orderId: "ord-1001", idempotencyKey: "ord-1001", chargedAt: services.now().toISOString() },
      ]);
      assert.deepEqual(metricsOf(context), { ChargeAttempts: 1, OrdersCharged: 1, ChargeAmount: 129.99 });
      assert.deepEqual(standaloneDimensionsOf(context), [
        { metric: "ChargeAttempts", dimensions: { outcome: "Charged" } },
        { metric: "ChargeAmount", dimensions: { currency: "USD" } },
      ]);
    });

    it("charges once when retried: the second call returns the first charge from the ledger, without asking the gateway", async () => {
      const services = sandbox();
      const order = await happyOrder();
      const first = await chargeCard(order, createTestStepContext("ChargeCard"), services);
      const second = await chargeCard(order, createTestStepContext("ChargeCard"), services);
      assert.deepEqual(second, first);
      assert.equal(services.activity().charges.length, 1);
      assert.equal(services.activity().chargeCalls, 1);
      await assert.rejects(chargeCard({ ...order, totalAmount: 1 }, createTestStepContext("ChargeCard"), services), {
        name: "PaymentIdempotencyConflict",
      });
    });

    it("accepts any other tok_ token", async () => {
      const services = sandbox();
      const charge = await chargeCard(await happyOrder({ cardToken: "tok_mastercard" }), createTestStepContext("ChargeCard"), services);
      assert.equal(charge.status, "CHARGED");
    });

    it("declines a token the sandbox does not know (not tok_) with CardDeclinedError", async () => {
      const services = sandbox();
      const error = await rejectionOf(
        chargeCard(await happyOrder({ cardToken: "4242424242424242" }), createTestStepContext("ChargeCard"), services),
      );
      assert.equal(error.name, "CardDeclinedError");
      assert.equal(services.activity().charges.length, 0);
    });

    const failing: { token: string; name: string }[] = [
      { token: "tok_insufficient_funds", name: "InsufficientFundsError" },
      { token: "tok_processor_down", name: "PaymentProcessorDown" },
      { token: "tok_refund_unavailable", name: "InsufficientFundsError" },
    ];
    for (const { token, name } of failing) {
      it(`${token} fails every attempt with ${name}, charging nothing`, async () => {
        const services = sandbox();
        const order = await happyOrder({ cardToken: token });
        const context = createTestStepContext("ChargeCard");
        for (let attempt = 0; attempt < 3; attempt++) {
          assert.equal((await rejectionOf(chargeCard(order, context, services))).name, name);
        }
        assert.equal(services.activity().charges.length, 0);
        assert.equal(services.activity().chargeCalls, 3);
        assert.deepEqual(metricsOf(context), { ChargeAttempts: 3 }, "nothing counted as charged");
        const outcome = { InsufficientFundsError: "InsufficientFunds", PaymentProcessorDown: "ProcessorDown" }[name];
        assert.deepEqual(
          standaloneDimensionsOf(context).map((m) => m.dimensions.outcome),
          [outcome, outcome, outcome],
        );
      });
    }

    const once: { token: string; name: string }[] = [
      { token: "tok_throttle_once", name: "ThrottlingException" },
      { token: "tok_unavailable_once", name: "ServiceUnavailableException" },
    ];
    for (const { token, name } of once) {
      it(`${token} fails the first attempt with ${name} (transient) and succeeds on the next`, async () => {
        const services = sandbox();
        const order = await happyOrder({ cardToken: token });
        const error = await rejectionOf(chargeCard(order, createTestStepContext("ChargeCard"), services));
        assert.equal(error.name, name);
        assert.ok((TRANSIENT_ERROR_NAMES as readonly string[]).includes(error.name));
        const charge = await chargeCard(order, createTestStepContext("ChargeCard"), services);
        assert.equal(charge.chargeId, "ch_sandbox_ord-1001");
        assert.deepEqual(services.activity().chargeCallsByOrder, { "ord-1001": 2 });
        assert.equal(services.activity().charges.length, 1);
      });
    }

    it("tok_throttle_once throttles per order, not once per sandbox", async () => {
      const services = sandbox();
      const a = await happyOrder({ orderId: "ord-a", cardToken: "tok_throttle_once" });
      const b = await happyOrder({ orderId: "ord-b", cardToken: "tok_throttle_once" });
      assert.equal((await rejectionOf(chargeCard(a, createTestStepContext("ChargeCard"), services))).name, "ThrottlingException");
      assert.equal((await rejectionOf(chargeCard(b, createTestStepContext("ChargeCard"), services))).name, "ThrottlingException");
    });

    it("tok_hang never settles (only a timeout can end it), and the gateway reports its key as PENDING", async () => {
      const services = sandbox();
      const charging = chargeCard(await happyOrder({ cardToken: "tok_hang" }), createTestStepContext("ChargeCard"), services);
      assert.equal(await Promise.race([charging, pendingAfter(50)]), "pending");
      assert.equal(services.activity().chargeCalls, 1);
      assert.equal(services.activity().charges.length, 0);
      assert.deepEqual(await services.payments.lookup("ord-1001"), { status: "PENDING" });
    });

    it("tok_hang with hangMs is a slow processor: the charge lands after the delay", async () => {
      const services = sandbox({ hangMs: 60 });
      const charging = chargeCard(await happyOrder({ cardToken: "tok_hang" }), createTestStepContext("ChargeCard"), services);
      assert.equal(await Promise.race([charging, pendingAfter(10)]), "pending");
      assert.equal((await charging).status, "CHARGED");
      assert.equal(services.activity().charges.length, 1);
    });

    it("activity() is a snapshot: changing it does not change the sandbox", async () => {
      const services = sandbox();
      await chargeCard(await happyOrder(), createTestStepContext("ChargeCard"), services);
      const snapshot = services.activity();
      snapshot.charges.length = 0;
      snapshot.chargeCalls = 99;
      assert.equal(services.activity().charges.length, 1);
      assert.equal(services.activity().chargeCalls, 1);
      assert.equal("cardTokens" in services.activity(), false, "card tokens are not exposed");
    });
  });

  describe("the sandbox gateway's idempotency keys, injected faults and lookup (SIMULATED)", () => {
    const faultOn =
      (operation: string, fault: ReturnType<SandboxFaultPlan>): SandboxFaultPlan =>
      (call) =>
        call.operation === operation && call.attempt === 1 ? fault : undefined;

    it("a request with a key still in flight waits for the first answer: one charge, both callers get it", async () => {
      const services = sandbox({ faults: faultOn("charge", "slowAnswer"), slowAnswerMs: 40 });
      const order = await happyOrder();
      const [first, second] = await Promise.all([services.payments.charge(order, "key-1"), services.payments.charge(order, "key-1")]);
      assert.deepEqual(second, first);
      assert.equal(services.activity().charges.length, 1);
    });

    it("the same key with another amount is refused with PaymentIdempotencyConflict, in flight or done", async () => {
      const services = sandbox({ faults: faultOn("charge", "slowAnswer"), slowAnswerMs: 30 });
      const order = await happyOrder();
      const first = services.payments.charge(order, "key-1");
      const inFlight = await rejectionOf(services.payments.charge({ ...order, totalAmount: 5 }, "key-1"));
      await first;
      const done = await rejectionOf(services.payments.charge({ ...order, currency: "EUR" }, "key-1"));
      assert.deepEqual([inFlight.name, done.name], ["PaymentIdempotencyConflict", "PaymentIdempotencyConflict"]);
      assert.equal(services.activity().charges.length, 1);
    });

    it("a lost answer: the charge is made, the caller gets PaymentOutcomeUnknown, lookup says CHARGED", async () => {
      const services = sandbox({ faults: faultOn("charge", "lostAnswer") });
      const error = await rejectionOf(services.payments.charge(await happyOrder(), "ord-1001"));
      assert.equal(error.name, "PaymentOutcomeUnknown");
      const found = await services.payments.lookup("ord-1001");
      assert.equal(found.status, "CHARGED");
      assert.equal(services.activity().charges.length, 1);
    });

    it("refusals before processing leave the key free (throttled, processor down); a decline is kept and replayed", async () => {
      const faults: SandboxFaultPlan = (call) =>
        call.operation === "charge" ? (["throttled", "processorDown", "declined"] as const)[call.attempt - 1] : undefined;
      const services = sandbox({ faults });
      const order = await happyOrder();
      const names = [];
      for (let i = 0; i < 4; i++) names.push((await rejectionOf(services.payments.charge(order, "ord-1001"))).name);
      assert.deepEqual(names, ["ThrottlingException", "PaymentProcessorDown", "CardDeclinedError", "CardDeclinedError"]);
      assert.equal((await services.payments.lookup("ord-1001")).status, "DECLINED");
      assert.deepEqual(await services.payments.lookup("ord-unknown"), { status: "NOT_FOUND" });
      assert.deepEqual(
        services.activity().injectedFaults.map((f) => f.fault),
        ["throttled", "processorDown", "declined"],
      );
    });

    it("a refund waits for a charge in flight (PaymentPending) instead of answering NOTHING_TO_REFUND", async () => {
      const services = sandbox({ faults: faultOn("charge", "slowAnswer"), slowAnswerMs: 30 });
      const charging = services.payments.charge(await happyOrder(), "ord-1001");
      assert.equal((await rejectionOf(services.payments.refund("ord-1001"))).name, "PaymentPending");
      await charging;
      assert.equal((await services.payments.refund("ord-1001")).status, "REFUNDED");
    });

    it("idle() resolves once every slow answer has landed", async () => {
      const services = sandbox({ faults: faultOn("charge", "slowAnswer"), slowAnswerMs: 30 });
      void services.payments.charge(await happyOrder(), "ord-1001");
      assert.equal(services.activity().charges.length, 0);
      await services.idle();
      assert.equal(services.activity().charges.length, 1);
    });
  });

  describe("reconcilePayment", () => {
    it("returns the charge made under the order's key", async () => {
      const services = sandbox({ faults: () => "lostAnswer" });
      const order = await happyOrder();
      await rejectionOf(services.payments.charge(order, order.orderId));
      const charge = await reconcilePayment(order, createTestStepContext("ReconcilePayment"), services);
      assert.equal(charge.chargeId, "ch_sandbox_ord-1001");
    });

    it("polls a charge in flight until it lands", async () => {
      const services = sandbox({ faults: () => "slowAnswer", slowAnswerMs: 300 });
      const order = await happyOrder();
      void services.payments.charge(order, order.orderId);
      const charge = await reconcilePayment(order, createTestStepContext("ReconcilePayment"), services);
      assert.equal(charge.status, "CHARGED");
    });

    it("throws PaymentPending when its Lambda runs out of time first", async () => {
      const services = sandbox({ faults: () => "slowAnswer", slowAnswerMs: 2000 });
      const order = await happyOrder();
      void services.payments.charge(order, order.orderId);
      const context = { ...createTestStepContext("ReconcilePayment"), remainingTimeMs: () => 400 };
      assert.equal((await rejectionOf(reconcilePayment(order, context, services))).name, "PaymentPending");
    });

    it("maps the other answers to the errors the workflow routes: PaymentNotTaken, the decline, PaymentIdempotencyConflict", async () => {
      const services = sandbox();
      const order = await happyOrder();
      const reconcile = (o: ValidatedOrder) => rejectionOf(reconcilePayment(o, createTestStepContext("ReconcilePayment"), services));
      assert.equal((await reconcile(order)).name, "PaymentNotTaken");
      await rejectionOf(services.payments.charge({ ...order, orderId: "ord-poor", cardToken: "tok_insufficient_funds" }, "ord-poor"));
      assert.equal((await reconcile({ ...order, orderId: "ord-poor" })).name, "InsufficientFundsError");
      await services.payments.charge(order, order.orderId);
      assert.equal((await reconcile({ ...order, totalAmount: 1 })).name, "PaymentIdempotencyConflict");
    });
  });

  describe("fulfillOrder", () => {
    it("ships the order and counts it", async () => {
      const services = sandbox();
      const order = await happyOrder();
      const payment = await chargeCard(order, createTestStepContext("ChargeCard"), services);
      const context = createTestStepContext("FulfillOrder");
      const result = await fulfillOrder({ order, payment }, context, services);
      assert.deepEqual(result, { status: "FULFILLED", fulfillmentId: "ful_sandbox_ord-1001", itemCount: 3 });
      assert.deepEqual(services.activity().fulfillments, [{ ...result, orderId: "ord-1001" }]);
      assert.deepEqual(metricsOf(context), { OrdersFulfilled: 1 });
    });

    it("ships once when retried", async () => {
      const services = sandbox();
      const input = { order: await happyOrder(), payment: charged(129.99) };
      const first = await fulfillOrder(input, createTestStepContext("FulfillOrder"), services);
      assert.deepEqual(await fulfillOrder(input, createTestStepContext("FulfillOrder"), services), first);
      assert.equal(services.activity().fulfillments.length, 1);
    });

    it("throws OutOfStockError naming each OUT-OF-STOCK sku, shipping nothing", async () => {
      const services = sandbox();
      const order = await validateOrder(loadEvent("fulfillment-fails"), createTestStepContext("ValidateOrder"), services);
      order.items.push({ sku: "OUT-OF-STOCK-RUG", quantity: 1, unitPrice: 0 });
      const error = await rejectionOf(
        fulfillOrder({ order, payment: charged(order.totalAmount) }, createTestStepContext("FulfillOrder"), services),
      );
      assert.ok(error instanceof OutOfStockError);
      assert.equal(error.name, "OutOfStockError");
      assert.deepEqual(error.skus, ["OUT-OF-STOCK-LAMP", "OUT-OF-STOCK-RUG"]);
      assert.match(error.message, /OUT-OF-STOCK-LAMP, OUT-OF-STOCK-RUG/);
      assert.equal(services.activity().fulfillments.length, 0);
    });
  });

  describe("sendConfirmationEmail", () => {
    it("emails the customer once, even when retried", async () => {
      const services = sandbox();
      const input = { order: await happyOrder(), payment: charged(129.99) };
      const context = createTestStepContext("SendConfirmationEmail");
      const result = await sendConfirmationEmail(input, context, services);
      await sendConfirmationEmail(input, createTestStepContext("SendConfirmationEmail"), services);
      assert.deepEqual(result, { status: "SENT", messageId: "msg_sandbox_ord-1001", customerId: "cust-999" });
      assert.deepEqual(services.activity().emails, [
        { ...result, orderId: "ord-1001", chargeId: "ch_test", subject: "Your order ord-1001 is confirmed" },
      ]);
      assert.deepEqual(metricsOf(context), { ConfirmationEmailsSent: 1 });
    });

    it("throws EmailRejectedError for cust-email-bounces, sending nothing", async () => {
      const services = sandbox();
      const order = await happyOrder({ customerId: "cust-email-bounces" });
      const error = await rejectionOf(
        sendConfirmationEmail({ order, payment: charged(129.99) }, createTestStepContext("SendConfirmationEmail"), services),
      );
      assert.ok(error instanceof EmailRejectedError);
      assert.equal(error.name, "EmailRejectedError");
      assert.equal(services.activity().emails.length, 0);
    });
  });

  describe("refundPayment", () => {
    it("returns NOTHING_TO_REFUND when no charge was made: a recorded no-op, not an error", async () => {
      const services = sandbox();
      const order = await happyOrder({ cardToken: "tok_insufficient_funds" });
      await rejectionOf(chargeCard(order, createTestStepContext("ChargeCard"), services));
      const context = createTestStepContext("RefundAndFail");
      const result = await refundPayment({ order, error: { Error: "InsufficientFundsError", Cause: "declined" } }, context, services);
      assert.deepEqual(result, { status: "NOTHING_TO_REFUND" });
      assert.deepEqual(services.activity().refunds, []);
      assert.deepEqual(services.activity().refundRequests, [{ orderId: "ord-1001", outcome: "NOTHING_TO_REFUND" }]);
      assert.deepEqual(metricsOf(context), { RefundsNotNeeded: 1 });
    });

    it("refunds a charge, and at most once however often it is asked", async () => {
      const services = sandbox();
      const order = await happyOrder();
      const charge = await chargeCard(order, createTestStepContext("ChargeCard"), services);
      const context = createTestStepContext("RefundAndFail");
      const first = await refundPayment({ order }, context, services);
      const second = await refundPayment({ order }, createTestStepContext("RefundAndFail"), services);
      assert.deepEqual(first, { status: "REFUNDED", refundId: "re_sandbox_ord-1001" });
      assert.deepEqual(second, first);
      assert.deepEqual(services.activity().refunds, [
        { refundId: "re_sandbox_ord-1001", orderId: "ord-1001", chargeId: charge.chargeId, amount: 129.99, currency: "USD" },
      ]);
      assert.deepEqual(
        services.activity().refundRequests.map((r) => r.outcome),
        ["REFUNDED", "ALREADY_REFUNDED"],
      );
      assert.deepEqual(metricsOf(context), { OrdersRefunded: 1 });
    });

    it("throws RefundFailedError for tok_refund_unavailable", async () => {
      const services = sandbox();
      const order = await validateOrder(loadEvent("refund-fails"), createTestStepContext("ValidateOrder"), services);
      assert.equal((await rejectionOf(chargeCard(order, createTestStepContext("ChargeCard"), services))).name, "InsufficientFundsError");
      const error = await rejectionOf(refundPayment({ order }, createTestStepContext("RefundAndFail"), services));
      assert.ok(error instanceof RefundFailedError);
      assert.equal(error.name, "RefundFailedError");
      assert.deepEqual(services.activity().refundRequests, [{ orderId: "ord-1008", outcome: "FAILED" }]);
    });
  });

  describe("markOrderComplete", () => {
    const fulfilled: FulfillmentResult = { status: "FULFILLED", fulfillmentId: "ful_sandbox_ord-1001", itemCount: 3 };
    const sent: EmailResult = { status: "SENT", messageId: "msg_sandbox_ord-1001", customerId: "cust-999" };
    const failed = (message: string): BranchFailure => ({ status: "FAILED", message });

    async function complete(
      fulfillment: CompletionInput["fulfillment"],
      services = sandbox(),
    ): Promise<{ summary: OrderProcessed; context: TestStepContext; services: SandboxServices }> {
      const context = createTestStepContext("MarkOrderComplete");
      const summary = await markOrderComplete({ order: await happyOrder(), payment: charged(129.99), fulfillment }, context, services);
      return { summary, context, services };
    }

    it("summarises a fully successful order, records it, stamps it with the services' clock", async () => {
      const { summary, context, services } = await complete([fulfilled, sent]);
      const expected: OrderProcessed = {
        orderId: "ord-1001",
        customerId: "cust-999",
        chargeId: "ch_test",
        amount: 129.99,
        currency: "USD",
        fulfillmentStatus: "FULFILLED",
        emailStatus: "SENT",
        status: "COMPLETED",
        completedAt: "2025-06-01T12:34:56.000Z",
      };
      assert.deepEqual(summary, expected);
      assert.deepEqual(services.activity().completedOrders, [expected]);
      assert.deepEqual(await services.orders.get("ord-1001"), expected);
      assert.deepEqual(metricsOf(context), { OrdersCompleted: 1 });
    });

    it("reports a failed fulfillment branch but still completes the (paid) order", async () => {
      const { summary, context } = await complete([failed("Fulfillment failed but order was charged"), sent]);
      assert.equal(summary.fulfillmentStatus, "FAILED");
      assert.equal(summary.emailStatus, "SENT");
      assert.equal(summary.status, "COMPLETED");
      assert.deepEqual(metricsOf(context), { OrdersCompleted: 1, FulfillmentFailures: 1 });
    });

    it("reports a failed email branch", async () => {
      const { summary, context } = await complete([fulfilled, failed("Email send failed but order was processed")]);
      assert.equal(summary.fulfillmentStatus, "FULFILLED");
      assert.equal(summary.emailStatus, "FAILED");
      assert.deepEqual(metricsOf(context), { OrdersCompleted: 1, EmailFailures: 1 });
    });

    it("reports both branches failed", async () => {
      const { summary } = await complete([failed("no stock"), failed("bounced")]);
      assert.deepEqual([summary.fulfillmentStatus, summary.emailStatus, summary.status], ["FAILED", "FAILED", "COMPLETED"]);
    });

    it("treats any non-success branch output (e.g. the article's Pass string) as FAILED", async () => {
      const articleStyle = "Fulfillment failed but order was charged" as unknown as BranchFailure;
      const { summary } = await complete([articleStyle, {} as BranchFailure]);
      assert.deepEqual([summary.fulfillmentStatus, summary.emailStatus], ["FAILED", "FAILED"]);
    });

    it("records an order once when run again (retry-safe)", async () => {
      const services = sandbox();
      await complete([fulfilled, sent], services);
      await complete([fulfilled, sent], services);
      assert.equal(services.activity().completedOrders.length, 1);
    });

    it("fails loudly when the parallel output is missing (a wiring mistake)", async () => {
      const input = { order: await happyOrder(), payment: charged(129.99) } as unknown as CompletionInput;
      const error = await rejectionOf(markOrderComplete(input, createTestStepContext("MarkOrderComplete"), sandbox()));
      assert.match(error.message, /fulfillment: \[fulfillmentResult, emailResult\]/);
    });
  });

  describe("sample events (events/*.json)", () => {
    const files = readdirSync(EVENTS_DIR)
      .filter((f) => f.endsWith(".json"))
      .sort();

    it("include one file per scenario", () => {
      for (const name of [
        "happy",
        "validation-error",
        "insufficient-funds",
        "processor-down",
        "throttled-then-ok",
        "fulfillment-fails",
        "email-fails",
        "refund-fails",
      ]) {
        assert.ok(files.includes(`${name}.json`), `events/${name}.json is missing`);
      }
    });

    for (const file of files) {
      it(`${file} is a full Order Placed envelope from order.service`, () => {
        const event = loadEvent(file.replace(/\.json$/, ""));
        assert.equal(event.version, "0");
        assert.equal(event.source, "order.service");
        assert.equal(event["detail-type"], "Order Placed");
        assert.match(event.id, /^[0-9a-f-]{36}$/);
        assert.match(event.account, /^\d{12}$/);
        assert.ok(!Number.isNaN(Date.parse(event.time)), "time is a timestamp");
        assert.match(event.region, /^[a-z]{2}-[a-z]+-\d$/);
        assert.ok(Array.isArray(event.resources));
        assert.equal(typeof event.detail, "object");
      });
    }

    it("have distinct order ids, so one sandbox can run them all", () => {
      const ids = files.map((f) => loadEvent(f.replace(/\.json$/, "")).detail.orderId);
      assert.equal(new Set(ids).size, ids.length);
    });

    /**
     * Routes an event through the handlers the way the order workflow's Retry/Catch rules do (transient errors
     * retried, InsufficientFunds -> refund, ProcessorDown -> queue, branch failures recovered), returning the
     * end state. A story of what each sample event is for, not a substitute for running the state machine.
     */
    async function route(event: unknown, services: SandboxServices): Promise<{ end: string; summary?: OrderProcessed }> {
      const ctx = (step: string) => createTestStepContext(step);
      let order: ValidatedOrder;
      try {
        order = await validateOrder(event, ctx("ValidateOrder"), services);
      } catch (error) {
        return { end: (error as Error).name === "ValidationError" ? "ValidationFailed" : "UnexpectedError" };
      }
      let payment: ChargeResult | undefined;
      for (let attempt = 1; !payment; attempt++) {
        try {
          payment = await chargeCard(order, ctx("ChargeCard"), services);
        } catch (error) {
          const name = (error as Error).name;
          if ((TRANSIENT_ERROR_NAMES as readonly string[]).includes(name) && attempt <= 5) continue;
          if (name === "InsufficientFundsError") {
            const cause = { Error: name, Cause: (error as Error).message };
            return refundPayment({ order, error: cause }, ctx("RefundAndFail"), services).then(
              () => ({ end: "PaymentFailed" }),
              () => ({ end: "CriticalFailure" }),
            );
          }
          return { end: name === "PaymentProcessorDown" ? "TemporaryFailure" : "UnexpectedError" };
        }
      }
      const input = { order, payment };
      const fulfillment: CompletionInput["fulfillment"] = await Promise.all([
        fulfillOrder(input, ctx("FulfillOrder"), services).catch(
          (): BranchFailure => ({ status: "FAILED", message: "Fulfillment failed but order was charged" }),
        ),
        sendConfirmationEmail(input, ctx("SendConfirmationEmail"), services).catch(
          (): BranchFailure => ({ status: "FAILED", message: "Email send failed but order was processed" }),
        ),
      ]);
      const summary = await markOrderComplete({ ...input, fulfillment }, ctx("MarkOrderComplete"), services);
      return { end: "Succeeded", summary };
    }

    const stories: { file: string; end: string; check?: (s: SandboxServices, summary?: OrderProcessed) => void }[] = [
      {
        file: "happy",
        end: "Succeeded",
        check: (_s, summary) => assert.deepEqual([summary?.fulfillmentStatus, summary?.emailStatus], ["FULFILLED", "SENT"]),
      },
      { file: "validation-error", end: "ValidationFailed", check: (s) => assert.equal(s.activity().chargeCalls, 0) },
      {
        file: "insufficient-funds",
        end: "PaymentFailed",
        check: (s) => assert.deepEqual(s.activity().refundRequests, [{ orderId: "ord-1003", outcome: "NOTHING_TO_REFUND" }]),
      },
      { file: "processor-down", end: "TemporaryFailure", check: (s) => assert.equal(s.activity().chargeCalls, 1) },
      {
        file: "throttled-then-ok",
        end: "Succeeded",
        check: (s, summary) => {
          assert.deepEqual(s.activity().chargeCallsByOrder, { "ord-1005": 2 });
          assert.equal(summary?.currency, "EUR");
        },
      },
      {
        file: "fulfillment-fails",
        end: "Succeeded",
        check: (_s, summary) => assert.deepEqual([summary?.fulfillmentStatus, summary?.emailStatus], ["FAILED", "SENT"]),
      },
      {
        file: "email-fails",
        end: "Succeeded",
        check: (_s, summary) => assert.deepEqual([summary?.fulfillmentStatus, summary?.emailStatus], ["FULFILLED", "FAILED"]),
      },
      { file: "refund-fails", end: "CriticalFailure" },
    ];
    for (const { file, end, check } of stories) {
      it(`${file}.json ends in ${end}`, async () => {
        const services = sandbox();
        const { end: actual, summary } = await route(loadEvent(file), services);
        assert.equal(actual, end);
        check?.(services, summary);
      });
    }

    it("every event but validation-error passes validation (its total adds up)", async () => {
      for (const file of files.filter((f) => f !== "validation-error.json")) {
        const event = loadEvent(file.replace(/\.json$/, ""));
        const order = await validateOrder(event, createTestStepContext("ValidateOrder"), sandbox());
        assert.equal(order.orderId, event.detail.orderId, file);
      }
    });

    it("charge-hangs.json leaves the charge pending (for a States.Timeout demonstration)", async () => {
      const services = sandbox();
      const order = await validateOrder(loadEvent("charge-hangs"), createTestStepContext("ValidateOrder"), services);
      const charging = chargeCard(order, createTestStepContext("ChargeCard"), services);
      assert.equal(await Promise.race([charging, pendingAfter(30)]), "pending");
    });
  });

  describe("after Pulumi closure serialization (the code a Lambda runs)", () => {
    /** Serializes `fn` as CallbackFunction does and loads the artifact's `handler` (same realm, so Error is shared). */
    async function serializeAndLoad<T extends (...args: never[]) => unknown>(fn: T): Promise<T> {
      const pulumi = await import("@pulumi/pulumi");
      const { text } = await pulumi.runtime.serializeFunction(fn, { isFactoryFunction: false });
      const module = { exports: {} as { handler?: T } };
      // Sloppy-mode Function: the serialized code relies on `with`; the artifact's require()s resolve from here.
      new Function("exports", "require", "module", text)(module.exports, require, module);
      assert.equal(typeof module.exports.handler, "function");
      return module.exports.handler as T;
    }

    /** The Lambda Node.js runtime reports `errorType: error.name` only for such errors (its `_isError` check). */
    function lambdaErrorType(error: unknown): string {
      const e = error as { name?: unknown; message?: unknown; stack?: unknown };
      const isError =
        e && typeof e.name === "string" && e.name && typeof e.message === "string" && e.message && typeof e.stack === "string" && e.stack;
      return isError ? (e.name as string) : typeof error;
    }

    it("runs the handlers with the captured sandbox services", async () => {
      const services = sandbox();
      const handler = await serializeAndLoad(async (event: unknown, context: StepContext) => {
        const order = await validateOrder(event, context, services);
        const payment = await chargeCard(order, context, services);
        const input = { order, payment };
        const fulfillment: CompletionInput["fulfillment"] = [
          await fulfillOrder(input, context, services),
          await sendConfirmationEmail(input, context, services),
        ];
        return markOrderComplete({ ...input, fulfillment }, context, services);
      });
      const summary = await handler(loadEvent("happy"), createTestStepContext("Serialized"));
      assert.equal(summary.status, "COMPLETED");
      assert.equal(summary.completedAt, FIXED_NOW);
      assert.equal(services.activity().charges.length, 0, "the artifact has its own copy of the sandbox state");
    });

    it("throws errors the Lambda runtime reports by name, that are still instanceof Error", async () => {
      const handler = await serializeAndLoad(async (which: string) => {
        switch (which) {
          case "ValidationError":
            throw new ValidationError(["orderId must be a non-empty string"]);
          case "InsufficientFundsError":
            throw new InsufficientFundsError();
          case "PaymentProcessorDown":
            throw new PaymentProcessorDown();
          case "CardDeclinedError":
            throw new CardDeclinedError();
          case "ThrottlingException":
            throw new ThrottlingException();
          case "ServiceUnavailableException":
            throw new ServiceUnavailableException();
          case "OutOfStockError":
            throw new OutOfStockError(["OUT-OF-STOCK-LAMP"]);
          case "EmailRejectedError":
            throw new EmailRejectedError();
          case "RefundFailedError":
            throw new RefundFailedError();
          default:
            return "unknown";
        }
      });
      const names = [
        "ValidationError",
        "InsufficientFundsError",
        "PaymentProcessorDown",
        "CardDeclinedError",
        "ThrottlingException",
        "ServiceUnavailableException",
        "OutOfStockError",
        "EmailRejectedError",
        "RefundFailedError",
      ];
      for (const name of names) {
        const error = await handler(name).then(
          () => assert.fail(`${name} was not thrown`),
          (e: unknown) => e,
        );
        assert.equal(lambdaErrorType(error), name);
        assert.ok(error instanceof Error, `${name} is not instanceof Error once serialized`);
        assert.ok((error as Error).message.length > 0);
      }
    });

    it("carries the fault-injection code only for services given a fault plan (a deployed sandbox has none)", async () => {
      const pulumi = await import("@pulumi/pulumi");
      const serializedLookup = async (services: ReturnType<typeof createSandboxServices>) =>
        (await pulumi.runtime.serializeFunction((key: string) => services.payments.lookup(key), { isFactoryFunction: false })).text;
      const [planned, unplanned] = await Promise.all([
        serializedLookup(createSandboxServices({ faults: () => "throttled" })),
        serializedLookup(createSandboxServices()),
      ]);
      assert.match(planned, /injectedFault/);
      assert.doesNotMatch(unplanned, /injectedFault|ThrottlingException/);
      // And without the code, no fault: a lookup of an unknown key answers as the gateway does.
      const services = createSandboxServices();
      const lookup = await serializeAndLoad((key: string) => services.payments.lookup(key));
      assert.deepEqual(await lookup("ord-unknown"), { status: "NOT_FOUND" });
    });

    it("rejects a bad event with the full problem list from the serialized validateOrder", async () => {
      const services = sandbox();
      const handler = await serializeAndLoad((event: unknown, context: StepContext) => validateOrder(event, context, services));
      const error = await handler(loadEvent("validation-error"), createTestStepContext("Serialized")).then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => e as ValidationError,
      );
      assert.equal(lambdaErrorType(error), "ValidationError");
      assert.equal(error.problems.length, 7);
    });
  });
});

/** A charge as ChargeCard returns it, for the steps after it. */
function charged(amount: number): ChargeResult {
  return { chargeId: "ch_test", amount, currency: "USD", status: "CHARGED" };
}
