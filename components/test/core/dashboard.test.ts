import assert from "node:assert/strict";
import { dashboardBody } from "../../core/dashboard";

describe("dashboardBody", () => {
  const inputs = {
    region: "eu-west-1",
    workflowName: "orders",
    stateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:orders",
    functionNames: { Validate: "orders-validate-fn", Charge: "orders-charge-fn" },
    deadLetterQueueName: "orders-dlq",
    ruleName: "orders-rule",
    businessMetrics: [
      { step: "Charge", metricName: "ChargeAmount", dimensions: { currency: "USD" } },
      { step: "Charge", metricName: "ChargeAmount", dimensions: { currency: "EUR" } },
      { step: "Validate", metricName: "OrdersValidated" },
    ],
  };
  const body = dashboardBody(inputs);
  const metrics = body.widgets.flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? []);
  const has = (...row: unknown[]) => metrics.some((m) => row.every((v, i) => m[i] === v));

  it("is valid JSON whose widgets fit the 24-column grid without overlapping", () => {
    assert.deepEqual(JSON.parse(JSON.stringify(body)), body);
    for (const w of body.widgets) assert.ok(w.x >= 0 && w.x + w.width <= 24, JSON.stringify(w));
    const cells = new Set<string>();
    for (const w of body.widgets)
      for (let x = w.x; x < w.x + w.width; x++)
        for (let y = w.y; y < w.y + w.height; y++) {
          assert.ok(!cells.has(`${x},${y}`), `overlap at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
  });

  it("graphs executions, duration percentiles, each Lambda, the DLQ, the rule and the business metrics", () => {
    for (const m of ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"])
      assert.ok(has("AWS/States", m, "StateMachineArn", inputs.stateMachineArn), m);
    assert.deepEqual(
      metrics.filter((m) => m[1] === "ExecutionTime").map((m) => (m[4] as { stat: string }).stat),
      ["p50", "p90", "p99"],
    );
    for (const fn of Object.values(inputs.functionNames))
      for (const m of ["Errors", "Throttles", "Duration"]) assert.ok(has("AWS/Lambda", m, "FunctionName", fn), `${m} ${fn}`);
    assert.ok(has("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "orders-dlq"));
    assert.ok(has("AWS/Events", "FailedInvocations", "RuleName", "orders-rule"));
    const onCustomBus = dashboardBody({ ...inputs, customEventBusName: "payments" }).widgets.flatMap(
      (w) => (w.properties.metrics as unknown[][] | undefined) ?? [],
    );
    assert.ok(
      onCustomBus.some((m) =>
        ["AWS/Events", "FailedInvocations", "EventBusName", "payments", "RuleName", "orders-rule"].every((v, i) => m[i] === v),
      ),
      "a custom bus's rule metrics carry EventBusName, as the alarms do",
    );
    assert.ok(has("orders", "ChargeAmount", "service", "Charge", "currency", "USD"));
    assert.ok(has("orders", "ChargeAmount", "service", "Charge", "currency", "EUR"));
    assert.ok(has("orders", "OrdersValidated", "service", "Validate"));
    const chargeWidget = body.widgets.find((w) => w.properties.title === "ChargeAmount")!;
    assert.deepEqual(
      (chargeWidget.properties.metrics as unknown[][]).map((m) => (m.at(-1) as { label: string }).label),
      ["Charge USD", "Charge EUR"],
    );
    assert.ok(has("orders", "StepSucceeded", "service", "Validate"));
    // StepFailed is emitted with an errorName dimension: a search sums every error of the step.
    const failed = metrics.filter(
      (m) => typeof m[0] === "object" && /StepFailed/.test(String((m[0] as { expression?: string }).expression)),
    );
    assert.deepEqual(
      failed.map((m) => (m[0] as { expression: string }).expression),
      [
        `SUM(SEARCH('{orders,errorName,service} MetricName="StepFailed" service="Validate"', 'Sum', 60))`,
        `SUM(SEARCH('{orders,errorName,service} MetricName="StepFailed" service="Charge"', 'Sum', 60))`,
      ],
    );
    assert.equal(new Set(failed.map((m) => (m[0] as { id: string }).id)).size, 2, "expression ids are unique");
    for (const w of body.widgets.filter((w) => w.type === "metric")) assert.equal(w.properties.region, "eu-west-1");
  });

  it("refuses business metrics of a step the workflow does not have (through the component's settings check)", async () => {
    const { validateSettings } = await import("../../core/settings");
    const { task } = await import("../..");
    assert.throws(
      () =>
        validateSettings({ timeoutSeconds: 60, dashboard: { businessMetrics: [{ step: "Nope", metricName: "X" }] } }, [
          task("Charge", { handler: () => 1, timeoutSeconds: 5, end: true }),
        ]),
      /dashboard\.businessMetrics.*"Nope".*not a task step: name one of Charge/s,
    );
  });
});
