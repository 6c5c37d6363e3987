/**
 * The recorder's typed messages: a PutEvents entry's Detail is the JSON string the service receives whether the state
 * gave an object (`"Detail.$": "$"`) or a string (`States.JsonToString`), with the parsed value beside it; SNS and SQS
 * requests are kept as resolved; messagesTo and publishedEvents narrow a list.
 */
import assert from "node:assert/strict";
import { messagesTo, publishedEvents, recordedMessage } from "../simulators/messageRecorder";

describe("recorded messages", () => {
  it("gives every PutEvents entry its Detail as a JSON string and the parsed detail", () => {
    const fromObject = recordedMessage("Announce", "events", {
      Entries: [{ Source: "shop.orders", DetailType: "Order Completed", Detail: { orderId: "o-1" }, EventBusName: "shop-events" }],
    });
    const fromString = recordedMessage("Forward", "events", {
      Entries: [{ Source: "shop.orders", DetailType: "Order Completed", Detail: '{"orderId":"o-2"}' }],
    });
    const events = publishedEvents([fromObject, fromString]);
    assert.deepEqual(
      events.map((e) => [e.Detail, e.detail, e.EventBusName]),
      [
        ['{"orderId":"o-1"}', { orderId: "o-1" }, "shop-events"],
        ['{"orderId":"o-2"}', { orderId: "o-2" }, undefined],
      ],
    );
  });

  it("keeps SNS and SQS requests as resolved and narrows by service", () => {
    const alert = recordedMessage("Alert", "sns", { TopicArn: "arn:aws:sns:us-east-1:123456789012:alerts", Message: { Error: "E" } });
    const dead = recordedMessage("Dead", "sqs", { QueueUrl: "https://sqs/dlq", MessageBody: { a: 1 } });
    const [sns] = messagesTo([dead, alert], "sns");
    assert.equal(sns.request.Message.Error, "E");
    assert.deepEqual(
      messagesTo([dead, alert], "sqs").map((m) => m.request.MessageBody),
      [{ a: 1 }],
    );
    assert.deepEqual(publishedEvents([dead, alert]), []);
  });
});
