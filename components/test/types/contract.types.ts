/**
 * Event contracts are typed end to end, proven by `tsc` (type-checked by `npm run typecheck`, never run): the
 * publisher's `publishEvent` with a contract must put a detail that satisfies the contract's payload, and the
 * subscriber's trigger built with `triggerFromContract` (its bus from a StackReference output) gives its first step
 * `EventBridgeEvent<DetailType, Payload>`. Lines under `@ts-expect-error` must not compile.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  EventDrivenWorkflow,
  type EventBridgeEvent,
  eventContract,
  eventTrigger,
  publishEvent,
  task,
  triggerFromContract,
} from "../../index";

// The shared package's contract.
interface OrderCompleted {
  orderId: string;
  total: number;
}
const orderCompleted = eventContract<OrderCompleted>()({ source: "shop.orders", detailType: "Order Completed" });

// The publisher: what it puts at detailPath satisfies the payload.
const complete = async (order: { detail: { orderId: string; amount: number } }) => ({
  orderId: order.detail.orderId,
  total: order.detail.amount,
});
export const publisher = new EventDrivenWorkflow("shop", {
  trigger: eventTrigger<{ orderId: string; amount: number }>()({
    pattern: { source: ["shop.web"], "detail-type": ["Order Placed"] } as const,
  }),
  timeoutSeconds: 60,
  steps: [
    task("Complete", { handler: complete, timeoutSeconds: 10, resultPath: "$.completion" }),
    publishEvent("AnnounceCompletion", { contract: orderCompleted, detailPath: "$.completion", end: true }),
  ],
});

// A publisher whose detail lacks a field of the payload does not compile.
const renamed = async (order: { detail: { orderId: string; amount: number } }) => ({
  id: order.detail.orderId,
  total: order.detail.amount,
});
new EventDrivenWorkflow("shop-renamed", {
  trigger: eventTrigger<{ orderId: string; amount: number }>()({
    pattern: { source: ["shop.web"], "detail-type": ["Order Placed"] } as const,
  }),
  timeoutSeconds: 60,
  steps: [
    task("Complete", { handler: renamed, timeoutSeconds: 10, resultPath: "$.completion" }),
    // @ts-expect-error payload: what "Complete" passes on does not satisfy the input of "AnnounceCompletion"
    publishEvent("AnnounceCompletion", { contract: orderCompleted, detailPath: "$.completion", end: true }),
  ],
});

// The subscriber: its bus comes from the publisher's stack; its first step receives the contract's payload.
const app = new pulumi.StackReference("acme/shop/dev");
const record = async (event: EventBridgeEvent<"Order Completed", OrderCompleted>) => ({ orderId: event.detail.orderId });
export const subscriber = new EventDrivenWorkflow("analytics", {
  trigger: triggerFromContract(orderCompleted, { busName: app.getOutput("busName") }),
  timeoutSeconds: 60,
  steps: [task("Record", { handler: record, timeoutSeconds: 10, end: true })],
});

// A subscriber expecting a renamed field does not compile.
const recordRenamed = async (event: EventBridgeEvent<"Order Completed", { order_id: string }>) => event.detail.order_id;
new EventDrivenWorkflow("analytics-renamed", {
  trigger: triggerFromContract(orderCompleted, { busName: app.getOutput("busName") }),
  timeoutSeconds: 60,
  // @ts-expect-error payload: the trigger's event does not satisfy the input of "Record"
  steps: [task("Record", { handler: recordRenamed, timeoutSeconds: 10, end: true })],
});

// Nor does one expecting another detail-type.
const recordOther = async (event: EventBridgeEvent<"Order Cancelled", OrderCompleted>) => event.detail.orderId;
new EventDrivenWorkflow("analytics-other", {
  trigger: triggerFromContract(orderCompleted),
  timeoutSeconds: 60,
  // @ts-expect-error payload: the trigger's event does not satisfy the input of "Record"
  steps: [task("Record", { handler: recordOther, timeoutSeconds: 10, end: true })],
});
