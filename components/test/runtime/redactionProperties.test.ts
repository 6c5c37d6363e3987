/**
 * Redaction that holds, as properties (fast-check): generated payloads carry a token under a sensitive key (a
 * default one, one the workflow added, in any letter case) as a string, a number, inside arrays or objects, at any
 * depth, short or long, with characters that JSON and URLs escape; generated handlers leak it every way a step
 * writes: log messages and log objects, console.log/info/warn/error, EMF metadata and dimensions, thrown errors (message, enumerable properties,
 * cause chains, non-Error values), unhandled rejections, each as is, JSON-escaped or URL-encoded. Each runs through
 * the real wrapper (instrumentStep) with stdout and stderr captured, and no form of the token survives anywhere:
 * not in a printed line, nor in the error the wrapper throws (what Lambda reports and Step Functions makes the
 * `Cause`: name, message, stack; and every property and cause, as a log or the local runner would show them).
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import fc from "fast-check";
import { APPROVAL_LOCAL_SECRET_ENV, APPROVAL_URL_ENV, instrumentStep } from "../../runtime";
import type { StepContext } from "../../steps/types";
import { MAX_REDACTED_DEPTH, MIN_MASKED_LENGTH, REDACTED, sensitiveKeysFrom } from "../../runtime/redact";
import { captureOutput } from "../../../local/runner/captureOutput";

const RUNS = 200;
const invocation = { awsRequestId: "req-prop", getRemainingTimeInMillis: () => 10_000 };

/** The forms a token takes when code writes it inside other text. */
const ENCODINGS: Record<string, (token: string) => string> = {
  raw: (t) => t,
  json: (t) => JSON.stringify(t).slice(1, -1),
  jsonTwice: (t) => JSON.stringify(JSON.stringify(t)).slice(3, -3),
  uriComponent: (t) => encodeURIComponent(t),
  uri: (t) => encodeURI(t),
  form: (t) => new URLSearchParams({ q: t }).toString().slice(2),
};

/** Characters JSON, URLs or both escape, plus non-ASCII. */
const tricky = fc.string({
  unit: fc.constantFrom('"', "\\", " ", "\n", "&", "=", "+", "%", "/", "?", "#", "'", "é", "€", "😀", "<"),
  maxLength: 6,
});
/** A long token: a distinctive core (so it never occurs in a log by chance) around awkward characters. */
const longToken = fc
  .tuple(fc.stringMatching(/^[A-Z][a-z0-9]{7}$/), tricky)
  .map(([core, rest]) => `${core.slice(0, 4)}${rest}${core.slice(4)}`);
/** A short token (1 to 3 characters), of letters no log uses otherwise, so that any survival is a leak. */
const shortToken = fc.string({ unit: fc.constantFrom("α", "β", "γ", "δ", "ж", "ш"), minLength: 1, maxLength: MIN_MASKED_LENGTH - 1 });
/** A card number, held as a number. */
const numericToken = fc.integer({ min: 4_000_000_000_000, max: 4_999_999_999_999 });

/** Whether `token` survives in `output`, in any of its forms (a short one only where it stands as a whole word). */
function survives(token: string, output: string): string | undefined {
  for (const [name, encode] of Object.entries(ENCODINGS)) {
    const form = encode(token);
    const found =
      token.length >= MIN_MASKED_LENGTH
        ? output.includes(form)
        : new RegExp(`(?<![\\p{L}\\p{N}_])${form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}_])`, "u").test(output);
    if (found) return name;
  }
  return undefined;
}

/** A payload holding `token` under `key`, inside `wrap` (the value as is, in an array, in an object), `depth` levels down. */
function payloadWith(key: string, token: string | number, wrap: "as is" | "array" | "object", depth: number): Record<string, unknown> {
  const held = wrap === "array" ? ["first", [token]] : wrap === "object" ? { inner: { value: token } } : token;
  let node: Record<string, unknown> = { orderId: "ord-1", [key]: held };
  for (let level = 0; level < depth; level++) node = level % 2 ? { level, items: [node] } : { level, next: node };
  return node;
}

/** How a handler leaks what it was given. */
type Leak =
  | {
      kind: "log message" | "console" | "metric" | "error message" | "thrown string" | "unhandled rejection" | "unhandled string";
      encoding: string;
    }
  | {
      kind:
        | "log object"
        | "error property"
        | "error cause"
        | "thrown object"
        | "console object"
        | "log key"
        | "console key"
        | "error key"
        | "metric name"
        | "bigint"
        | "late output";
    };

const leaks: fc.Arbitrary<Leak[]> = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constantFrom(
        "log message",
        "console",
        "metric",
        "error message",
        "thrown string",
        "unhandled rejection",
        "unhandled string",
      ),
      encoding: fc.constantFrom(...Object.keys(ENCODINGS)),
    }) as fc.Arbitrary<Leak>,
    fc.record({
      kind: fc.constantFrom(
        "log object",
        "error property",
        "error cause",
        "thrown object",
        "console object",
        "log key",
        "console key",
        "error key",
        "metric name",
        "bigint",
        "late output",
      ),
    }) as fc.Arbitrary<Leak>,
  ),
  { minLength: 1, maxLength: 4 },
);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A handler that never finishes: only the unhandled rejection can end its invocation. */
const hang = () => new Promise<never>(() => undefined);

/** A handler that commits every leak in `plan` with `secret`; the first throwing leak ends it. */
function leakyHandler(plan: Leak[], secret: string, payload: unknown) {
  return async (_input: unknown, context: StepContext) => {
    for (const leak of plan) {
      const encoded = "encoding" in leak ? ENCODINGS[leak.encoding](secret) : secret;
      switch (leak.kind) {
        case "log message":
          context.logger.info(`charging ${encoded} now`);
          break;
        case "log object":
          context.logger.info("the order", { order: payload, note: { deep: [secret] } });
          break;
        case "metric":
          context.metrics.addMetadata("note", `card ${encoded}`);
          context.metrics.addDimension("card", encoded);
          break;
        case "console":
          console[(["log", "info", "warn", "error"] as const)[encoded.length % 4]](`console: ${encoded};`);
          break;
        case "console object":
          console.log("payload:", payload, { note: secret });
          break;
        case "error message":
          throw Object.assign(new Error(`card ${encoded} declined`), { name: "CardDeclinedError" });
        case "error property":
          throw Object.assign(new Error("declined"), { name: "CardDeclinedError", detail: { token: secret, list: [secret] }, payload });
        case "error cause":
          throw new Error("charge failed", { cause: new Error("gateway said", { cause: { reason: `bad ${secret}` } }) });
        case "thrown string":
          throw `declined ${encoded}`;
        case "thrown object":
          throw { name: "CardDeclinedError", message: `declined ${secret}`, token: secret };
        case "unhandled rejection":
          void Promise.reject(new Error(`late ${encoded}`));
          return hang();
        case "unhandled string":
          void Promise.reject(`late ${encoded}`);
          return hang();
        case "log key":
          context.logger.info("by key", { [secret]: "x", nested: { [`k_${secret}`]: 1 } });
          break;
        case "console key":
          console.log({ [secret]: true }, [{ [secret]: 1 }]);
          break;
        case "error key":
          throw Object.assign(new Error("declined"), { name: "CardDeclinedError", [secret]: 1, detail: { [secret]: 2 } });
        case "metric name":
          context.metrics.addMetric(`Charged_${secret}`, "Count", 1);
          if (/^\d+$/.test(secret)) context.metrics.addMetric("Amount", "Count", Number(secret));
          break;
        case "bigint":
          if (/^\d+$/.test(secret)) {
            context.logger.info("amount", { amount: BigInt(secret) });
            console.log("amount", BigInt(secret), { amount: BigInt(secret) });
          }
          break;
        case "late output":
          // Written after the invocation ended: a timer and an un-awaited promise of the handler.
          setTimeout(() => console.log(`late timer ${secret}`, { [secret]: 1 }), 1);
          void sleep(2).then(() => context.logger.info(`late promise ${secret}`));
          break;
      }
    }
    return { ok: true };
  };
}

/** Everything the invocation wrote or reported: printed lines, and the thrown error as Lambda, a log and the runner show it. */
async function runThroughWrapper(handler: ReturnType<typeof leakyHandler>, payload: unknown, sensitiveKeys?: string[]): Promise<string[]> {
  const lambda = instrumentStep("wf", "Leaky", handler as never, sensitiveKeys ? { sensitiveKeys } : {});
  const capture = captureOutput();
  let thrown: unknown;
  try {
    await lambda(payload, invocation);
  } catch (error) {
    thrown = error;
  }
  // What the handler's timers and un-awaited promises print late: in Lambda, during the container's next invocation.
  await instrumentStep("wf", "Next", async () => sleep(20))({ orderId: "ord-2" }, invocation);
  const lines = capture.stop();
  const error = thrown as Error | undefined;
  const reported = error ? [JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: error.stack?.split("\n") })] : [];
  return [...lines, ...reported, ...(error ? [inspect(error, { depth: null, showHidden: true })] : [])];
}

const sensitiveKey = fc.constantFrom("cardToken", "CARDTOKEN", "cardtoken", "iban");

describe("redaction properties (fast-check, through the real wrapper)", function () {
  this.timeout(120_000);

  it("the workflow's sensitiveKeys add to the defaults, never replace them", () => {
    assert.deepEqual(sensitiveKeysFrom(["iban"], {}), ["cardToken", "iban"]);
    assert.deepEqual(sensitiveKeysFrom(undefined, { EDW_SENSITIVE_KEYS: "ssn, iban" }), ["cardToken", "ssn", "iban"]);
  });

  it("no token survives anywhere the step writes, whatever the payload holds it in and however the handler leaks it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(longToken, shortToken, numericToken),
        sensitiveKey,
        fc.constantFrom("as is", "array", "object") as fc.Arbitrary<"as is" | "array" | "object">,
        fc.integer({ min: 0, max: MAX_REDACTED_DEPTH + 8 }),
        leaks,
        async (token, key, wrap, depth, plan) => {
          const payload = payloadWith(key, token, wrap, depth);
          const secret = String(token);
          // "iban" is sensitive only because the workflow says so: cardToken stays sensitive beside it.
          const outputs = await runThroughWrapper(leakyHandler(plan, secret, payload), payload, ["iban"]);
          for (const output of outputs) {
            const form = survives(secret, output);
            assert.equal(form, undefined, `the token ${JSON.stringify(secret)} survived (${form}) in:\n${output}`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("an approval link's token, its claims part and the task token in base64 are masked, whichever way a handler writes them", async () => {
    const saved = { url: process.env[APPROVAL_URL_ENV], secret: process.env[APPROVAL_LOCAL_SECRET_ENV] };
    process.env[APPROVAL_URL_ENV] = "https://approvals.example/";
    process.env[APPROVAL_LOCAL_SECRET_ENV] = "local-property-secret";
    try {
      await fc.assert(
        fc.asyncProperty(fc.stringMatching(/^AQ[A-Za-z0-9+/=]{20,60}$/), async (taskToken) => {
          let written: string[] = [];
          const lambda = instrumentStep(
            "refunds",
            "Approve",
            async (_input: unknown, context: StepContext) => {
              const links = context.approvalLinks!;
              const token = new URL(links.approve).searchParams.get("token")!;
              written = [token, token.split(".")[0], Buffer.from(taskToken).toString("base64"), decodeURIComponent(links.reject)];
              context.logger.info(`token ${written[0]}, claims ${written[1]}, encoded ${written[2]}`);
              console.log(`decoded link ${written[3]}`, { [token]: 1 });
            },
            { approvalLinkSeconds: 3600 },
          );
          const capture = captureOutput();
          await lambda({ edwStepInput: true, payload: {}, taskToken }, invocation);
          const output = capture.stop().join("\n");
          for (const secret of [taskToken, ...written]) assert.ok(!output.includes(secret), `${secret} survived in:\n${output}`);
          const claims = [...output.matchAll(/[A-Za-z0-9_-]{40,}/g)].map(([m]) => Buffer.from(m, "base64url").toString("utf8"));
          assert.ok(
            claims.every((decoded) => !decoded.includes(taskToken)),
            "no written text decodes to the task token",
          );
        }),
        { numRuns: 50 },
      );
    } finally {
      for (const [name, value] of [
        [APPROVAL_URL_ENV, saved.url],
        [APPROVAL_LOCAL_SECRET_ENV, saved.secret],
      ] as const)
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
  });

  it("card tokens (tok_…) the input never carried are masked in every encoding too", async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^tok_live_[A-Za-z0-9]{4,24}$/), leaks, async (token, plan) => {
        const outputs = await runThroughWrapper(leakyHandler(plan, token, { orderId: "ord-1" }), { orderId: "ord-1" });
        for (const output of outputs) assert.equal(survives(token, output), undefined, output);
      }),
      { numRuns: RUNS },
    );
  });

  it("an unhandled rejection fails the invocation as Runtime.UnhandledPromiseRejection, redacted, instead of ending the process", async () => {
    const lambda = instrumentStep("wf", "Late", async () => {
      void Promise.reject(Object.assign(new Error("declined pm_9f8e7d6c"), { name: "CardDeclinedError" }));
      await sleep(5_000);
      return "never";
    });
    const capture = captureOutput();
    const started = Date.now();
    const outcome = await lambda({ cardToken: "pm_9f8e7d6c" }, invocation).catch((error: Error) => error);
    capture.stop();
    assert.ok(outcome instanceof Error);
    assert.equal(outcome.name, "Runtime.UnhandledPromiseRejection");
    assert.equal(outcome.message, `CardDeclinedError: declined ${REDACTED}`);
    assert.ok(Date.now() - started < 4_000, "the invocation failed when the rejection went unhandled, not when the handler ended");
  });

  it("an invocation that never settles lowers the guards when its time is up, and a removed guard is put back", async () => {
    const listening = () => process.listeners("unhandledRejection");
    const before = listening();
    const consoleLog = console.log;
    const hung = instrumentStep("wf", "Hung", () => new Promise<never>(() => undefined));
    const late = instrumentStep("wf", "Late", async () => {
      void Promise.reject(Object.assign(new Error("declined pm_1a2b3c4d"), { name: "CardDeclinedError" }));
      await sleep(2_000);
      return "never";
    });
    const capture = captureOutput();
    try {
      void hung({}, { awsRequestId: "req-hung", getRemainingTimeInMillis: () => 200 });
      assert.notEqual(console.log, consoleLog, "console is redacted while an invocation runs");
      // What a test runner does between spec files: every unhandledRejection listener removed, its own added.
      const runnerListener = () => undefined;
      process.removeAllListeners("unhandledRejection");
      process.on("unhandledRejection", runnerListener);
      const outcome = await late({ cardToken: "pm_1a2b3c4d" }, invocation).catch((error: Error) => error);
      assert.ok(outcome instanceof Error && outcome.name === "Runtime.UnhandledPromiseRejection", String(outcome));
      await sleep(250);
      assert.equal(console.log, consoleLog, "the hung invocation's time is up: console is itself again");
      assert.deepEqual(listening(), [runnerListener], "the listeners standing when the guard went back up are restored");
    } finally {
      capture.stop();
      process.removeAllListeners("unhandledRejection");
      for (const listener of before) process.on("unhandledRejection", listener);
    }
  });

  it("a listener its owner removes while an invocation runs stays removed, and one kept still hears other rejections", async () => {
    const before = process.rawListeners("unhandledRejection") as ((...args: unknown[]) => void)[];
    const heard: unknown[] = [];
    const removed = () => undefined;
    const kept = (reason: unknown) => heard.push(reason);
    // Only these two (mocha's own listener re-emits what it does not handle, which would be heard twice).
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", removed);
    process.on("unhandledRejection", kept);
    const hung = instrumentStep("wf", "Hung", () => new Promise<never>(() => undefined));
    const capture = captureOutput();
    try {
      void hung({}, { awsRequestId: "req-hung", getRemainingTimeInMillis: () => 100 });
      // What a synthesis or a runner does as it ends: its listener goes, while a step still runs.
      process.off("unhandledRejection", removed);
      const outside = new Error("not a step's");
      setImmediate(() => void Promise.reject(outside));
      await sleep(250);
      const listening = process.listeners("unhandledRejection");
      assert.ok(!listening.includes(removed), "a listener removed while the guards were up is not put back");
      assert.ok(listening.includes(kept), "the one kept is back");
      assert.deepEqual(heard, [outside], "a rejection outside any invocation reaches the others' listeners");
    } finally {
      capture.stop();
      process.removeAllListeners("unhandledRejection");
      for (const listener of before) process.on("unhandledRejection", listener);
    }
  });

  it("a value nested deeper than the limit is redacted as a whole, never written", async () => {
    const { createRedactor } = await import("../../runtime/redact");
    const redactor = createRedactor(["cardToken"]);
    const deep = payloadWith("note", "pm_unknown_to_the_input", "as is", MAX_REDACTED_DEPTH + 2);
    const written = JSON.stringify(redactor.value(deep));
    assert.ok(!written.includes("pm_unknown_to_the_input") && written.includes(REDACTED), written);
    // A cycle is cut, not followed.
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    assert.deepEqual(redactor.value(cyclic), { a: 1, self: REDACTED });
  });
});
