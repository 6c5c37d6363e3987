import assert from "node:assert/strict";
import { parseOrderStackSettings, StackConfigError } from "../workflows/config";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const from = (values: Record<string, string>) => (key: string) => values[key];
/** The values a Pulumi.<stack>.yaml sets for this project, read the simple way (flat `project:key: value` lines). */
function stackConfig(stack: string): Record<string, string> {
  const lines = readFileSync(join(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8").split("\n");
  return Object.fromEntries(
    lines
      .map((l) => l.match(/^\s+order-processing:(\w+):\s*"?([^"]*)"?\s*$/))
      .filter(Boolean)
      .map((m) => [m![1], m![2]]),
  );
}

describe("order stack settings (Pulumi config)", () => {
  it("applies the defaults declared in Pulumi.yaml when nothing is set", () => {
    assert.deepEqual(parseOrderStackSettings(from({})), {
      alertEmails: [],
      timeoutSeconds: 3600,
      workflowType: "STANDARD",
      logLevel: "ERROR",
      includeExecutionData: false,
      retentionInDays: 30,
      lambdaMemorySize: 256,
      lambdaArchitecture: "arm64",
      lambdasInVpc: false,
      paymentKeyRetentionHours: 24,
    });
  });

  it("refuses a gateway key retention that an execution may outlast, naming both values and the fix", () => {
    assert.throws(
      () => parseOrderStackSettings(from({ timeoutSeconds: "7200", paymentKeyRetentionHours: "1" })),
      (error: Error) =>
        error instanceof StackConfigError &&
        error.message.includes('"order-processing:paymentKeyRetentionHours" is "1"') &&
        error.message.includes("keeps idempotency keys 3600 s, less than the 7200 s an execution may last") &&
        /Lower timeoutSeconds/.test(error.message),
    );
    assert.equal(parseOrderStackSettings(from({ timeoutSeconds: "3600", paymentKeyRetentionHours: "1" })).paymentKeyRetentionHours, 1);
  });

  it("reads the dev and the stricter prod examples", () => {
    const dev = parseOrderStackSettings(from(stackConfig("dev")));
    const prod = parseOrderStackSettings(from(stackConfig("prod")));
    assert.equal(dev.logLevel, "ALL");
    assert.equal(dev.retentionInDays, 7);
    assert.equal(dev.lambdasInVpc, false);
    assert.equal(prod.logLevel, "ERROR");
    assert.equal(prod.retentionInDays, 365);
    assert.equal(prod.lambdasInVpc, true);
    assert.deepEqual(prod.alertEmails, ["payments-oncall@example.com"]);
  });

  const invalid: [string, string, RegExp][] = [
    ["alertEmails", ",,,", /order-processing:alertEmails.*",,,".*email addresses/],
    ["alertEmails", " , ", /order-processing:alertEmails.*email addresses/],
    ["logLevel", "VERBOSE", /order-processing:logLevel.*"VERBOSE".*ALL, ERROR or FATAL/],
    [
      "timeoutSeconds",
      "300",
      /order-processing:timeoutSeconds.*"300".*from \d+ \(the order workflow's worst case is \d+ s, on the path ValidateOrder > ChargeCard > .*, where \w+ takes the most\)/,
    ],
    ["timeoutSeconds", "1e3", /order-processing:timeoutSeconds.*whole seconds/],
    ["retentionInDays", "10", /order-processing:retentionInDays.*"10".*one of 1, 3, 5/],
    ["workflowType", "FAST", /order-processing:workflowType.*STANDARD or EXPRESS/],
    ["alertEmails", "oncall@example.com,not-an-email", /order-processing:alertEmails.*email addresses/],
    ["lambdaMemorySize", "64", /order-processing:lambdaMemorySize.*128 to 10240/],
    ["timeoutSeconds", "-1", /order-processing:timeoutSeconds/],
    ["logLevel", "debug", /order-processing:logLevel.*ALL, ERROR or FATAL/],
    ["lambdasInVpc", "yes", /order-processing:lambdasInVpc.*true or false/],
  ];
  for (const [key, value, message] of invalid) {
    it(`rejects ${key}=${value} with a message naming the key and the fix`, () => {
      assert.throws(
        () => parseOrderStackSettings(from({ [key]: value })),
        (error: Error) => {
          assert.ok(error instanceof StackConfigError);
          assert.match(error.message, message);
          assert.match(error.message, /pulumi config set/);
          return true;
        },
      );
    });
  }

  it("refuses EXPRESS, saying why: its 300 s maximum is below the order workflow's worst case", () => {
    const expressSettings: Record<string, string>[] = [{ workflowType: "EXPRESS" }, { workflowType: "EXPRESS", timeoutSeconds: "300" }];
    for (const values of expressSettings) {
      assert.throws(
        () => parseOrderStackSettings(from(values)),
        /order-processing:workflowType.*"EXPRESS".*runs at most 300 s, and the order workflow's worst case is \d+ s.*use STANDARD/,
      );
    }
  });
});
