import assert from "node:assert/strict";
import { compileDefinition, LAMBDA_SERVICE_RETRY, WorkflowDefinitionError, task } from "../../index";
import { createSandboxServices } from "../../../handlers";
import { orderSteps } from "../../../workflows/order";
import { stateMap } from "../../asl";
import { aslErrors, badTaskResources } from "../../../test/support/asl";
import { everyStepSteps, fixtureResources } from "../../../test/fixtures/everyStep";

const orderResources = {
  functionArns: Object.fromEntries(
    ["ValidateOrder", "ChargeCard", "ReconcilePayment", "FulfillOrder", "SendConfirmationEmail", "MarkOrderComplete", "RefundAndFail"].map(
      (step) => [step, `arn:aws:lambda:us-east-1:123456789012:function:order-${step}`],
    ),
  ),
  alertTopicArn: "arn:aws:sns:us-east-1:123456789012:order-alerts",
  deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/order-dlq",
  defaultEventBusName: "default",
};

describe("compileDefinition", () => {
  const definitions = {
    "the order workflow": compileDefinition(orderSteps(createSandboxServices()), orderResources, { timeoutSeconds: 300 }),
    "the every-step fixture": compileDefinition(everyStepSteps(), fixtureResources, { timeoutSeconds: 60, comment: "fixture" }),
  };

  for (const [label, definition] of Object.entries(definitions)) {
    it(`${label} passes asl-validator`, () => assert.deepEqual(aslErrors(definition), []));
    it(`${label} uses only Lambda function ARNs and arn:aws:states::: integrations as Task resources`, () => {
      assert.deepEqual(badTaskResources(definition), []);
    });
  }

  it("gives every Task a TimeoutSeconds and the execution its timeout", () => {
    const asl = definitions["the order workflow"];
    assert.equal(asl.TimeoutSeconds, 300);
    const tasks = [...stateMap(asl)].filter(([, state]) => state.Type === "Task");
    assert.equal(tasks.length, 15);
    for (const [name, state] of tasks)
      assert.ok(Number.isInteger(state.TimeoutSeconds) && (state.TimeoutSeconds as number) > 0, `${name} has no TimeoutSeconds`);
  });

  it("compiles the order workflow state for state as the seed article (with real integrations)", () => {
    const asl = definitions["the order workflow"];
    assert.equal(asl.StartAt, "ValidateOrder");
    assert.deepEqual(Object.keys(asl.States).sort(), [
      "ChargeCard",
      "CriticalFailure",
      "DuplicateOrderRejected",
      "DuplicateRejectedEnd",
      "EscalateShippedOrder",
      "FulfillmentAndNotification",
      "MarkOrderComplete",
      "OrderValidationFailed",
      "PaymentFailedEnd",
      "PaymentUnresolvedManualIntervention",
      "PublishOrderProcessed",
      "QueueForRetry",
      "ReconcilePayment",
      "RefundAndFail",
      "RefundFailedManualIntervention",
      "RetryQueuedEnd",
      "ShippedOrderNotRecordedEnd",
      "UnexpectedError",
      "UnexpectedErrorEnd",
      "ValidateOrder",
      "ValidationFailedEnd",
      "WasOrderShipped",
    ]);
    const s = asl.States as Record<string, any>;
    assert.deepEqual(
      s.ValidateOrder.Catch.map((c: any) => [c.ErrorEquals, c.Next]),
      [
        [["ValidationError"], "OrderValidationFailed"],
        [["States.ALL"], "UnexpectedError"],
      ],
    );
    assert.deepEqual(
      s.ChargeCard.Catch.map((c: any) => c.Next),
      ["RefundAndFail", "QueueForRetry", "DuplicateOrderRejected", "ReconcilePayment"],
    );
    assert.deepEqual(s.ChargeCard.Retry[0], { ErrorEquals: ["ThrottlingException"], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2 });
    assert.equal(s.OrderValidationFailed.Resource, "arn:aws:states:::sns:publish");
    assert.equal(s.OrderValidationFailed.Parameters.TopicArn, orderResources.alertTopicArn);
    assert.equal(s.OrderValidationFailed.ResultPath, null);
    assert.equal(s.QueueForRetry.Resource, "arn:aws:states:::sqs:sendMessage");
    assert.equal(s.QueueForRetry.Parameters.QueueUrl, orderResources.deadLetterQueueUrl);
    assert.equal(s.PublishOrderProcessed.Resource, "arn:aws:states:::events:putEvents");
    assert.deepEqual(s.PublishOrderProcessed.Parameters.Entries[0], {
      Source: "order.processor",
      DetailType: "Order Processed",
      "Detail.$": "$",
      EventBusName: "default",
    });
    assert.equal(s.RefundFailedManualIntervention.Parameters.Message, "CRITICAL: Refund failed. Manual intervention required.");
    const branches = s.FulfillmentAndNotification.Branches.map((b: any) => Object.keys(b.States));
    assert.deepEqual(branches, [
      ["FulfillOrder", "LogFulfillmentFailure", "LogFulfillmentUnknown"],
      ["SendConfirmationEmail", "LogEmailFailure"],
    ]);
    // Compensation matches what happened: only an order known not to have shipped is refunded.
    assert.deepEqual(
      s.MarkOrderComplete.Catch.map((c: any) => c.Next),
      ["WasOrderShipped"],
    );
    assert.equal(s.WasOrderShipped.Choices[0].Next, "RefundAndFail");
    assert.equal(s.WasOrderShipped.Default, "EscalateShippedOrder");
  });

  it("never retries a non-transient error anywhere in the order workflow", () => {
    const asl = definitions["the order workflow"];
    // Every retrier of every state, at any depth (Parallel branches, Map processors), whatever its other fields.
    const retriers = [...stateMap(asl)].flatMap(([state, s]) =>
      ((s.Retry as { ErrorEquals: string[] }[] | undefined) ?? []).map((rule) => ({ state, rule })),
    );
    const topLevel = new Set(Object.keys(asl.States));
    assert.ok(
      retriers.some(({ state }) => topLevel.has(state)),
      "retriers of top-level states are checked",
    );
    assert.ok(
      retriers.some(({ state }) => !topLevel.has(state)),
      "retriers inside Parallel branches are checked",
    );
    for (const { state, rule } of retriers) {
      assert.ok(Array.isArray(rule.ErrorEquals) && rule.ErrorEquals.length > 0, `${state}: a retrier without ErrorEquals`);
      for (const error of rule.ErrorEquals)
        assert.doesNotMatch(error, /States\.ALL|States\.TaskFailed|ValidationError|InsufficientFunds/, `${state} retries ${error}`);
    }
  });

  it("appends the Lambda service-error retry to tasks, unless turned off", () => {
    const asl = compileDefinition(
      [
        task("A", { handler: () => 1, timeoutSeconds: 5, next: "B" }),
        task("B", { handler: () => 1, timeoutSeconds: 5, end: true, retryLambdaServiceErrors: false }),
      ],
      {
        ...fixtureResources,
        functionArns: { A: "arn:aws:lambda:us-east-1:123456789012:function:a", B: "arn:aws:lambda:us-east-1:123456789012:function:b" },
      },
    );
    assert.deepEqual((asl.States.A.Retry as any[])[0].ErrorEquals, LAMBDA_SERVICE_RETRY.errors);
    assert.equal(asl.States.B.Retry, undefined);
  });

  it("translates camelCase conditions to ASL", () => {
    const route = definitions["the every-step fixture"].States.Route as any;
    assert.deepEqual(route.Choices[0], {
      And: [
        { Variable: "$.priority", IsPresent: true },
        { Variable: "$.priority", StringEquals: "high" },
      ],
      Next: "FanOut",
    });
    assert.deepEqual(route.Choices[1], { Not: { Variable: "$.items[0]", IsPresent: true }, Next: "Nothing" });
    assert.equal(route.Default, "Hold");
  });

  it("refuses to compile an invalid list or a task without a resolved ARN", () => {
    assert.throws(
      () => compileDefinition([task("A", { handler: () => 1, timeoutSeconds: 0, end: true })], fixtureResources),
      WorkflowDefinitionError,
    );
    assert.throws(
      () => compileDefinition([task("Unbound", { handler: () => 1, timeoutSeconds: 5, end: true })], fixtureResources),
      /no function ARN.*"Unbound"/,
    );
  });
});
