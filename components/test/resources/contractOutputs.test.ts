/**
 * The outputs a subscribing stack reads, under mocks: the trigger's bus (name and ARN) and each publishEvent step's
 * event (a contract's source and detail-type, its bus), nested steps included; and the subscriber's rule built from
 * a contract listens on the bus it was given, for exactly the contract's event.
 */
import assert from "node:assert/strict";
import { EventDrivenWorkflow, eventContract, parallel, pass, publishEvent, triggerFromContract } from "../../index";
import { installMocks, ofType, outputValue, settle, TEST_ACCOUNT, TEST_REGION } from "../../../local/program/synthesize";

const orderCompleted = eventContract<{ orderId: string }>()({ source: "shop.orders", detailType: "Order Completed" });

describe("contracts between stacks, under mocks", function () {
  this.timeout(60_000);

  it("exports the trigger's bus and every event the workflow publishes, with its bus", async () => {
    installMocks("contracts-fixture", "test");
    const workflow = new EventDrivenWorkflow("shop", {
      trigger: { pattern: { source: ["shop.web"] }, eventBusName: "shop-bus" },
      timeoutSeconds: 60,
      steps: [
        publishEvent("AnnounceCompletion", { contract: orderCompleted, detailPath: "$.detail" }),
        parallel("Fanout", {
          branches: [
            [publishEvent("AuditCopy", { source: "shop.audit", detailType: "Order Audited", eventBusName: "audit-bus", end: true })],
          ],
          next: "Done",
        }),
        pass("Done", { end: true }),
      ],
    });
    assert.equal(await outputValue(workflow.triggerBusName), "shop-bus");
    assert.equal(await outputValue(workflow.triggerBusArn), `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/shop-bus`);
    assert.deepEqual(await outputValue(workflow.publishedEvents), [
      {
        step: "AnnounceCompletion",
        source: "shop.orders",
        detailType: "Order Completed",
        eventBusName: "shop-bus",
        eventBusArn: `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/shop-bus`,
      },
      {
        step: "AuditCopy",
        source: "shop.audit",
        detailType: "Order Audited",
        eventBusName: "audit-bus",
        eventBusArn: `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/audit-bus`,
      },
    ]);
    const definition = JSON.parse(await outputValue(workflow.definition));
    assert.deepEqual(definition.States.AnnounceCompletion.Parameters.Entries[0], {
      Source: "shop.orders",
      DetailType: "Order Completed",
      "Detail.$": "$.detail",
      EventBusName: "shop-bus",
    });
  });

  it("a trigger from a contract listens on the given bus for the contract's event only", async () => {
    const resources = installMocks("contracts-fixture", "test");
    const workflow = new EventDrivenWorkflow("analytics", {
      trigger: triggerFromContract(orderCompleted, { busName: "shop-bus", detail: { orderId: [{ prefix: "ord-" }] } }),
      timeoutSeconds: 60,
      steps: [pass("Record", { end: true })],
    });
    await outputValue(workflow.ruleArn);
    await settle(resources);
    const [rule] = ofType(resources, "aws:cloudwatch/eventRule:EventRule");
    assert.equal(rule.inputs.eventBusName, "shop-bus");
    assert.deepEqual(JSON.parse(rule.inputs.eventPattern), {
      source: ["shop.orders"],
      "detail-type": ["Order Completed"],
      detail: { orderId: [{ prefix: "ord-" }] },
    });
    assert.equal(await outputValue(workflow.triggerBusName), "shop-bus");
  });
});
