import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

describe("npm start (the local demo, run as a user would)", () => {
  it("runs every sample event and prints each path and final status", () => {
    const root = join(__dirname, "..");
    const output = execFileSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "local/demo.ts"], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    const summary = output.split("\n").find((line) => line.startsWith("Summary: "));
    assert.ok(summary, output);
    assert.deepEqual(Object.fromEntries(summary!.slice("Summary: ".length).split(" | ").map((entry) => entry.split(": "))), {
      happy: "SUCCEEDED",
      "charge-hangs": "FAILED UnexpectedError",
      "email-fails": "SUCCEEDED",
      "fulfillment-fails": "SUCCEEDED",
      "insufficient-funds": "FAILED PaymentFailed",
      "processor-down": "FAILED TemporaryFailure",
      "refund-fails": "FAILED CriticalFailure",
      "throttled-then-ok": "SUCCEEDED",
      "validation-error": "FAILED ValidationFailed",
    });
    assert.match(output, /ChargeCard \(retried 1×\)/);
    assert.match(output, /EventBridge put on bus "default": order\.processor \/ Order Processed/);
    assert.doesNotMatch(output, /tok_[a-z]/, "no card token is printed");
  });
});
