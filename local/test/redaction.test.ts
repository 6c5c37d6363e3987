/**
 * The local runner writes no card token (issue 11): a step that throws, prints and rejects with the token, run from
 * source in-process, leaves it nowhere in the report (history, cause, invocation logs) nor in edw-local's text and
 * `--json` output; an unhandled rejection fails its step (named) instead of ending the process; and programs load any
 * number of times in one process, concurrently too.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../cli/main";
import { captureOutput } from "../runner/captureOutput";
import { formatEventReport } from "../runner/report";
import { LocalRunner } from "../runner/runner";

const PROGRAM = join(__dirname, "fixtures", "leakyCharge.ts");
/** Not token-shaped (no `tok_`): only the input-based rule can mask it; with characters URL encoding changes. */
const TOKEN = "pm_Secret/42&9f";
const event = (mode: "thrown" | "unhandled") => ({
  source: "fixture.leaky",
  "detail-type": "Charge Requested",
  detail: { cardToken: TOKEN, mode },
});
const leaked = (text: string) => [TOKEN, encodeURIComponent(TOKEN)].filter((form) => text.includes(form));

describe("local runner: redaction, unhandled rejections, reloads (in-process, source mode)", function () {
  this.timeout(60_000);
  let runner: LocalRunner;
  before(async () => {
    runner = await LocalRunner.load(PROGRAM, { mode: "source" });
  });
  after(() => runner?.close());

  it("a step that throws with the token: failed under its error's name, and the token is nowhere in the report or its text", async () => {
    const report = await runner.runEvent(event("thrown"), "thrown");
    const [execution] = report.executions;
    assert.equal(execution.status, "FAILED");
    assert.equal(execution.error, "CardDeclinedError");
    const failed = execution.history.find((e) => e.type === "LambdaFunctionFailed");
    assert.equal(failed?.state, "Charge");
    assert.match(failed?.cause ?? "", /^card \[REDACTED\] declined$/);
    assert.ok(
      execution.invocations[0].logs.some((line) => line.includes("charging card [REDACTED]")),
      "the handler's console.log is in its logs, masked",
    );
    assert.deepEqual(leaked(JSON.stringify(report)), [], JSON.stringify(report));
    assert.deepEqual(leaked(formatEventReport(report).join("\n")), []);
  });

  it("an unhandled rejection in a handler fails that step as Runtime.UnhandledPromiseRejection, and the run goes on", async () => {
    const report = await runner.runEvent(event("unhandled"), "unhandled");
    const [execution] = report.executions;
    assert.equal(execution.status, "FAILED");
    assert.equal(execution.error, "Runtime.UnhandledPromiseRejection");
    const failed = execution.history.find((e) => e.type === "LambdaFunctionFailed");
    assert.equal(failed?.state, "Charge");
    assert.equal(failed?.cause, "Error: late decline of [REDACTED]");
    assert.deepEqual(leaked(JSON.stringify(report)), []);
  });

  it("edw-local --source, text and --json: exit 1 for the failures, and the token in neither output", async () => {
    const folder = mkdtempSync(join(tmpdir(), "edw-redaction-"));
    try {
      const events = join(folder, "events.json");
      writeFileSync(events, JSON.stringify([event("thrown"), event("unhandled")]));
      for (const format of [[], ["--json"]]) {
        const capture = captureOutput();
        // Restores the output even when main throws: the error is then compared (and shown) below.
        const code = await main([PROGRAM, events, "--source", ...format]).catch((error: Error) => error);
        const printed = capture.stop().join("\n");
        assert.equal(code, 1, printed);
        assert.ok(printed.includes("Runtime.UnhandledPromiseRejection") && printed.includes("CardDeclinedError"), printed);
        assert.deepEqual(leaked(printed), [], printed);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("loads a program again, and twice at once: each load finds its workflow", async () => {
    const again = await LocalRunner.load(PROGRAM, { mode: "source" });
    const both = await Promise.all([LocalRunner.load(PROGRAM, { mode: "source" }), LocalRunner.load(PROGRAM, { mode: "source" })]);
    try {
      for (const loaded of [again, ...both])
        assert.deepEqual(
          loaded.workflows.map((w) => w.name),
          ["leakyCharge"],
        );
    } finally {
      for (const loaded of [again, ...both]) await loaded.close();
    }
  });
});
