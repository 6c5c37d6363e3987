import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..");

describe("npm start (the local demo, run as a user would)", () => {
  /** A fresh folder for its on-disk idempotency records (EDW_LOCAL_STATE_DIR), not the repository's .local-state/. */
  let stateDir: string;
  const demo = () =>
    execFileSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "demo/start.ts"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "", EDW_LOCAL_STATE_DIR: stateDir },
    });
  /** The replay section's run lines, e.g. "run 1:     SUCCEEDED; ChargeCard charged ch_sandbox_ord-1001 (1 gateway call)". */
  const replayRuns = (output: string) =>
    output
      .split("\n")
      .filter((line) => /^ {2}run \d:/.test(line))
      .map((line) => line.trim());
  let first: string;
  let second: string;

  before(() => {
    stateDir = mkdtempSync(join(tmpdir(), "edw-demo-state-"));
    first = demo();
    second = demo(); // a later `npm start`, against the same state
  });
  after(() => stateDir && rmSync(stateDir, { recursive: true, force: true }));

  it("runs every sample event and prints each path and final status", () => {
    const summary = first.split("\n").find((line) => line.startsWith("Summary: "));
    assert.ok(summary, first);
    assert.deepEqual(
      Object.fromEntries(
        summary!
          .slice("Summary: ".length)
          .split(" | ")
          .map((entry) => entry.split(": ")),
      ),
      {
        happy: "SUCCEEDED",
        "charge-hangs": "FAILED CriticalFailure",
        "email-fails": "SUCCEEDED",
        "fulfillment-fails": "SUCCEEDED",
        "insufficient-funds": "FAILED PaymentFailed",
        "processor-down": "FAILED TemporaryFailure",
        "refund-fails": "FAILED CriticalFailure",
        "throttled-then-ok": "SUCCEEDED",
        "validation-error": "FAILED ValidationFailed",
      },
    );
    assert.match(first, /ChargeCard \(retried 1×\)/);
    assert.match(first, /EventBridge put on bus "default": order\.processor \/ Order Processed/);
    for (const output of [first, second]) assert.doesNotMatch(output, /tok_[a-z]/, "no card token is printed");
  });

  it("keeps its idempotency records in EDW_LOCAL_STATE_DIR: the first run charges once, every later one is already processed", () => {
    assert.ok(first.includes(`idempotency records on disk in ${join(stateDir, "idempotency")}`), first);
    assert.deepEqual(replayRuns(first), [
      "run 1:     SUCCEEDED; ChargeCard charged ch_sandbox_ord-1001 (1 gateway call)",
      "run 2:     SUCCEEDED; ChargeCard already processed: returned the stored charge ch_sandbox_ord-1001, no gateway call",
    ]);
    assert.deepEqual(
      replayRuns(second),
      [1, 2].map(
        (run) => `run ${run}:     SUCCEEDED; ChargeCard already processed: returned the stored charge ch_sandbox_ord-1001, no gateway call`,
      ),
    );
    assert.equal(
      second.split("\n").find((line) => line.startsWith("Summary: ")),
      first.split("\n").find((line) => line.startsWith("Summary: ")),
      "the second run's summary is the first one's",
    );
    assert.ok(
      readdirSync(join(stateDir, "idempotency")).some((file) => /^[0-9a-f]{64}\.json$/.test(file)),
      "the records are in the given folder",
    );
  });
});
