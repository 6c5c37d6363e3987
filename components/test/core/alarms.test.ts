import assert from "node:assert/strict";
import { deriveAlarmSpecs, task, validateSettings, WorkflowDefinitionError } from "../../index";

const targets = {
  stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
  functionNames: { Validate: "orders-validate", Charge: "orders-charge" },
  deadLetterQueueName: "orders-dlq",
  ruleName: "orders-rule",
};

describe("deriveAlarmSpecs", () => {
  it("gives every workflow its alarms, each on the first occurrence in a minute by default", () => {
    const specs = deriveAlarmSpecs(targets);
    assert.deepEqual(
      specs.map((s) => s.key),
      [
        "executions-failed",
        "executions-timed-out",
        "executions-throttled",
        "executions-aborted",
        "Validate-errors",
        "Validate-throttles",
        "Charge-errors",
        "Charge-throttles",
        "dead-letters-visible",
        "rule-failed-invocations",
      ],
    );
    for (const spec of specs) {
      assert.equal(spec.threshold, 1, spec.key);
      assert.equal(spec.periodSeconds, 60, spec.key);
      assert.equal(spec.treatMissingData, "notBreaching", spec.key);
    }
    assert.deepEqual(specs.find((s) => s.key === "Charge-errors")!.dimensions, { FunctionName: "orders-charge" });
    assert.deepEqual(specs.find((s) => s.key === "rule-failed-invocations")!.dimensions, { RuleName: "orders-rule" });
  });

  it("takes a threshold per kind of alarm (every step's Lambda for the per-Lambda kinds) and a period", () => {
    const specs = deriveAlarmSpecs(targets, { periodSeconds: 300, thresholds: { "executions-failed": 5, "lambda-errors": 10 } });
    const thresholdOf = (key: string) => specs.find((s) => s.key === key)!.threshold;
    assert.equal(thresholdOf("executions-failed"), 5);
    assert.equal(thresholdOf("Validate-errors"), 10);
    assert.equal(thresholdOf("Charge-errors"), 10);
    assert.equal(thresholdOf("Charge-throttles"), 1);
    assert.equal(thresholdOf("executions-timed-out"), 1);
    assert.ok(specs.every((s) => s.periodSeconds === 300));
  });

  it("names the custom bus in the rule alarm's dimensions", () => {
    const spec = deriveAlarmSpecs({ ...targets, customEventBusName: "payments" }).find((s) => s.key === "rule-failed-invocations")!;
    assert.deepEqual(spec.dimensions, { EventBusName: "payments", RuleName: "orders-rule" });
  });

  it("refuses a period CloudWatch would not take and a threshold below one occurrence, naming the setting", () => {
    const steps = [task("Charge", { handler: () => 1, timeoutSeconds: 5, end: true })];
    assert.throws(
      () => validateSettings({ timeoutSeconds: 60, alarms: { periodSeconds: 30, thresholds: { "executions-failed": 0 } } }, steps),
      (error: Error) => {
        assert.ok(error instanceof WorkflowDefinitionError);
        assert.match(error.message, /setting alarms\.periodSeconds.*multiple of 60/);
        assert.match(error.message, /setting alarms\.thresholds\.executions-failed.*at least 1/);
        return true;
      },
    );
  });
});
