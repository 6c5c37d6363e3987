/**
 * The card token (and anything configured as sensitive) never reaches a log line, an EMF metric line (dimension or
 * metadata), an X-Ray annotation or metadata, nor the error a step reports: proven on a handler that tries to leak
 * it everywhere, and on every sample event run through the order workflow with tracing on (real X-Ray documents,
 * captured from the SDK's UDP stream).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { instrumentStep } from "../../runtime";
import { DEFAULT_SENSITIVE_KEYS, REDACTED, SENSITIVE_KEYS_ENV } from "../../runtime/redact";
import { captureOutput } from "../../../local/runner/captureOutput";
import { inOrderChild } from "../../../test/support/orderRun";
import { waitFor } from "../../../test/support/waitFor";
import { PARENT_ID, startXRayCapture, TRACE_ID, type XRayCapture } from "../../../test/support/xray";

const invocation = { awsRequestId: "req-leak", getRemainingTimeInMillis: () => 10_000 };

/** Records what reaches the real Tracer (outside Lambda it traces nothing, so the test looks at its inputs). */
function spyOnTracer(): { calls: unknown[][]; restore(): void } {
  const calls: unknown[][] = [];
  const methods = ["putAnnotation", "putMetadata", "addErrorAsMetadata"] as const;
  const originals = methods.map((m) => Tracer.prototype[m]);
  for (const method of methods) {
    (Tracer.prototype as any)[method] = (...args: unknown[]) => {
      calls.push([method, ...args.map((a) => (a instanceof Error ? { name: a.name, message: a.message, stack: a.stack } : a))]);
    };
  }
  return {
    calls,
    restore: () => {
      for (const [i, m] of methods.entries()) (Tracer.prototype as any)[m] = originals[i];
    },
  };
}

describe("redaction of sensitive values (card tokens and configured keys)", () => {
  it("cardToken is sensitive by default", () => assert.ok(DEFAULT_SENSITIVE_KEYS.includes("cardToken")));

  it("a handler trying to leak the token into every sink leaks nothing: logs, EMF, trace, error", async () => {
    const token = "tok_live_9f8e7d6c5b4a3921";
    const iban = "DE89370400440532013000";
    process.env[SENSITIVE_KEYS_ENV] = "customerEmail";
    const tracer = spyOnTracer();
    const capture = captureOutput();
    let thrown: Error | undefined;
    try {
      const lambda = instrumentStep(
        "wf",
        "Leaky",
        async (input: { order: Record<string, string> }, context) => {
          context.logger.info(`charging card ${token}`);
          context.logger.info("the order", { order: input.order });
          context.logger.warn("nested", { attempt: { card: { cardToken: token } }, note: `token=${token};`, list: [token] });
          context.metrics.addDimension("card", token);
          context.metrics.addMetadata("cardToken", token);
          context.metrics.addMetadata("note", `token ${token}`);
          const single = context.metrics.singleMetric();
          single.addDimensions({ card: token, iban });
          single.addMetric("Leaks", "Count", 1);
          context.metrics.addMetric("Attempts", "Count", 1);
          context.tracer.putAnnotation("cardToken", token);
          context.tracer.putAnnotation("note", `card ${token}`);
          context.tracer.putMetadata("order", input.order);
          throw Object.assign(new Error(`card ${token} declined (iban ${iban})`), { name: "CardDeclinedError", cardToken: token });
        },
        { sensitiveKeys: ["cardToken", "iban"] },
      );
      await lambda({ order: { orderId: "ord-1", cardToken: token, iban, customerEmail: "ann@example.com" } }, invocation);
    } catch (error) {
      thrown = error as Error;
    } finally {
      const lines = capture.stop();
      tracer.restore();
      delete process.env[SENSITIVE_KEYS_ENV];
      const everything = JSON.stringify({
        lines,
        traced: tracer.calls,
        error: { ...thrown, message: thrown?.message, stack: thrown?.stack },
      });
      for (const secret of [token, iban, "ann@example.com"]) assert.ok(!everything.includes(secret), `${secret} leaked:\n${everything}`);
      assert.ok(lines.length >= 5, "the logs and EMF lines were written");
      assert.ok(
        lines.some((l) => l.includes(`charging card ${REDACTED}`)),
        "a secret inside a message is masked in place",
      );
      assert.ok(
        lines.some((l) => l.includes(`"cardToken":"${REDACTED}"`)),
        "a sensitive key is redacted wherever it sits",
      );
      assert.ok(
        lines.some((l) => l.includes(`"customerEmail":"${REDACTED}"`)),
        `keys from ${SENSITIVE_KEYS_ENV} are sensitive too`,
      );
      const emf = lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
      assert.deepEqual(
        emf.map((m) => m.card),
        [REDACTED, REDACTED],
        "dimensions, of the step's line and of single-metric lines",
      );
      assert.deepEqual(
        tracer.calls.filter(([m]) => m === "putAnnotation").map(([, k, v]) => [k, v]),
        [
          ["cardToken", REDACTED],
          ["note", `card ${REDACTED}`],
        ],
      );
      assert.equal(thrown?.name, "CardDeclinedError", "the error keeps its name for Step Functions");
      assert.equal(thrown?.message, `card ${REDACTED} declined (iban ${REDACTED})`);
    }
  });

  it("masks a numeric secret in an X-Ray annotation, and secrets used as annotation or metadata keys", async () => {
    const card = 4_111_111_111_111_111;
    const tracer = spyOnTracer();
    try {
      const lambda = instrumentStep("wf", "Numbers", async (_input: unknown, context) => {
        context.tracer.putAnnotation("amount", card);
        context.tracer.putAnnotation("items", 3);
        context.tracer.putMetadata("by", { [String(card)]: 1, tok_live_abcd1234: 2, nested: { [`k${card}`]: [card] } });
      });
      await lambda({ cardToken: card }, invocation);
    } finally {
      tracer.restore();
    }
    assert.deepEqual(
      tracer.calls.filter(([m]) => m === "putAnnotation").map(([, k, v]) => [k, v]),
      [
        ["amount", REDACTED],
        ["items", 3],
      ],
    );
    const traced = JSON.stringify(tracer.calls);
    for (const secret of [String(card), "tok_live_abcd1234"]) assert.ok(!traced.includes(secret), `${secret} leaked: ${traced}`);
  });

  it("masks each running invocation's values until the last one ends (concurrent invocations of one step, as in a local Map)", async () => {
    const { createRedactor, LATE_OUTPUT_INVOCATIONS } = await import("../../runtime/redact");
    const redactor = createRedactor(["cardToken"]);
    redactor.remember({ cardToken: "pm_first_1111" });
    redactor.remember({ cardToken: "pm_second_2222" });
    redactor.forget();
    assert.equal(redactor.text("pm_first_1111 pm_second_2222"), `${REDACTED} ${REDACTED}`);
    redactor.forget();
    assert.equal(redactor.text("pm_first_1111"), REDACTED, "kept once they ended, for their code's late output");
    for (let i = 1; i < LATE_OUTPUT_INVOCATIONS; i++) {
      redactor.remember({ orderId: "o-next" });
      redactor.forget();
    }
    assert.equal(redactor.text("pm_second_2222"), REDACTED, `kept through the next ${LATE_OUTPUT_INVOCATIONS - 1} invocation(s)`);
    redactor.remember({ orderId: "o-later" });
    redactor.forget();
    assert.equal(redactor.text("pm_first_1111"), "pm_first_1111", "then forgotten: a container keeps a bounded few");
  });

  describe("every sample event through the order workflow, traced with X-Ray", function () {
    this.timeout(120_000);
    let directory: string;
    let xray: XRayCapture;
    let runs: { file: string; status: string; printed: string[]; published: unknown[] }[];
    /** How many X-Ray documents (UDP datagrams) the child process sent. */
    let xrayDocumentsSent: number;
    const tokens: string[] = [];

    before(async () => {
      directory = mkdtempSync(join(tmpdir(), "edw-redaction-"));
      const events = join(__dirname, "..", "..", "..", "events");
      const files = readdirSync(events)
        .filter((f) => f.endsWith(".json"))
        .map((f) => join(events, f));
      // Plus tokens that look like real ones (the samples' are the sandbox's magic test tokens).
      const variant = (name: string, base: string, cardToken: string) => {
        const event = JSON.parse(readFileSync(join(events, base), "utf8"));
        event.detail.cardToken = cardToken;
        event.detail.orderId = `${event.detail.orderId || "ord-x"}-${name}`;
        writeFileSync(join(directory, `${name}.json`), JSON.stringify(event));
        files.push(join(directory, `${name}.json`));
      };
      variant("live-token", "happy.json", "tok_live_51HxYzAbCdEfGhIjKl");
      variant("invalid-with-token", "validation-error.json", "tok_live_52QwErTyUiOpAsDf");
      variant("card-number", "happy.json", "4000056655665556");
      // validation-error.json has no token; every other event has one.
      for (const file of files)
        tokens.push(...[JSON.parse(readFileSync(file, "utf8")).detail.cardToken].filter((t) => typeof t === "string"));
      xray = await startXRayCapture();
      ({ runs, xrayDocumentsSent } = await inOrderChild(["samples", ...files], xray.environment));
      // The child has exited, so every datagram is on its way: wait until as many arrived as it sent.
      await waitFor(`the ${xrayDocumentsSent} X-Ray documents the child sent`, () => xray.raw().length >= xrayDocumentsSent);
    });
    after(() => {
      xray?.close();
      rmSync(directory, { recursive: true, force: true });
    });

    it("ran every sample event and its variants, down its path", () => {
      const byName = Object.fromEntries(
        runs.map((r) => [
          r.file
            .split("/")
            .pop()!
            .replace(/\.json$/, ""),
          r.status,
        ]),
      );
      assert.equal(byName.happy, "SUCCEEDED");
      assert.equal(byName["live-token"], "SUCCEEDED");
      assert.equal(byName["validation-error"], "FAILED");
      assert.equal(byName["card-number"], "FAILED");
      assert.equal(runs.length, tokens.length + 1);
      assert.ok(tokens.includes("tok_visa") && tokens.includes("tok_live_52QwErTyUiOpAsDf"));
    });

    it("no card token in any log line or EMF line", () => {
      for (const run of runs) {
        assert.ok(run.printed.length > 0);
        for (const line of run.printed) for (const token of tokens) assert.ok(!line.includes(token), `${run.file}: ${line}`);
      }
    });

    it("no card token in any X-Ray document (annotations, metadata, errors)", () => {
      const raw = xray.raw();
      assert.equal(raw.length, xrayDocumentsSent, "every document the child sent was captured, and only those");
      assert.ok(raw.length > 20, `traces were captured (${raw.length})`);
      for (const datagram of raw) for (const token of tokens) assert.ok(!datagram.includes(token), datagram);
    });

    it("no card token in what the alerts and the completion event publish", () => {
      for (const run of runs) {
        // The DLQ message (QueueForRetry) carries the order on purpose: it is replayed from there.
        const published = JSON.stringify((run.published as { service: string }[]).filter((p) => p.service !== "sqs"));
        for (const token of tokens) assert.ok(!published.includes(token), `${run.file}: ${published}`);
      }
    });

    it("one trace per order: each step's subsegment under the invocation's segment, each gateway call under its step, with its outcome", () => {
      const documents = xray.documents();
      assert.ok(documents.every((d) => d.trace_id === TRACE_ID));
      const happy = documents.filter((d) => d.annotations?.orderId === "ord-1001");
      assert.deepEqual(happy.map((d) => d.name).sort(), [
        "## ChargeCard",
        "## FulfillOrder",
        "## MarkOrderComplete",
        "## SendConfirmationEmail",
        "## ValidateOrder",
      ]);
      assert.ok(
        happy.every((d) => d.parent_id === PARENT_ID),
        "steps hang off the segment Step Functions passed",
      );
      const outcomeUnder = (step: string, call: string) => {
        const parent = happy.find((d) => d.name === `## ${step}`)!;
        return documents.find((d) => d.name === `### ${call}` && d.parent_id === parent.id)?.annotations?.outcome;
      };
      assert.equal(outcomeUnder("ChargeCard", "payments.charge"), "CHARGED");
      assert.equal(outcomeUnder("FulfillOrder", "fulfillment.fulfill"), "FULFILLED");
      assert.equal(outcomeUnder("SendConfirmationEmail", "email.sendOrderConfirmation"), "SENT");
      assert.equal(outcomeUnder("MarkOrderComplete", "orders.markComplete"), "RECORDED");
    });

    it("a failed gateway call is annotated with the error's name", () => {
      const outcomes = xray
        .documents()
        .filter((d) => d.name === "### payments.charge")
        .map((d) => d.annotations?.outcome);
      for (const outcome of ["InsufficientFundsError", "PaymentProcessorDown", "ThrottlingException", "CardDeclinedError"])
        assert.ok(outcomes.includes(outcome), `${outcome} in ${outcomes}`);
      const refund = xray
        .documents()
        .filter((d) => d.name === "### payments.refund")
        .map((d) => d.annotations?.outcome);
      assert.ok(refund.includes("NOTHING_TO_REFUND") && refund.includes("RefundFailedError"), String(refund));
    });
  });
});
