/**
 * The trigger types the first step, proven by `tsc` (type-checked by `npm run typecheck`, never run): a literal
 * `"detail-type"` in the pattern and `eventTrigger<Detail>()` give the first step an
 * `EventBridgeEvent<DetailType, Detail>` input. Lines under `@ts-expect-error` must not compile.
 */
import { EventDrivenWorkflow, type EventBridgeEvent, eventTrigger, task } from "../../index";

interface OrderDetail {
  orderId: string;
  totalAmount: number;
}
const placed = async (event: EventBridgeEvent<"Order Placed", OrderDetail>) => ({ orderId: event.detail.orderId });
const pattern = { source: ["order.service"], "detail-type": ["Order Placed"] } as const;

// The event's detail-type and detail match the first handler's input.
export const typed = new EventDrivenWorkflow("typed", {
  trigger: eventTrigger<OrderDetail>()({ pattern }),
  timeoutSeconds: 60,
  steps: [task("Accept", { handler: placed, timeoutSeconds: 10, end: true })],
});

// Another detail type...
new EventDrivenWorkflow("wrong-detail", {
  trigger: eventTrigger<{ orderId: number }>()({ pattern }),
  timeoutSeconds: 60,
  // @ts-expect-error payload: the trigger's event does not satisfy the input of "Accept"
  steps: [task("Accept", { handler: placed, timeoutSeconds: 10, end: true })],
});
// ...or another detail-type in the pattern, is a compile error.
new EventDrivenWorkflow("wrong-detail-type", {
  trigger: eventTrigger<OrderDetail>()({ pattern: { source: ["order.service"], "detail-type": ["Order Cancelled"] } }),
  timeoutSeconds: 60,
  // @ts-expect-error payload: the trigger's event does not satisfy the input of "Accept"
  steps: [task("Accept", { handler: placed, timeoutSeconds: 10, end: true })],
});

// A pattern held in a mutable `const` has `string[]` detail-types: the detail-type is not checked, the detail is.
const heldPattern = { source: ["order.service"], "detail-type": ["Order Shipped"] };
export const wideDetailType = new EventDrivenWorkflow("wide", {
  trigger: eventTrigger<OrderDetail>()({ pattern: heldPattern }),
  timeoutSeconds: 60,
  steps: [task("Accept", { handler: placed, timeoutSeconds: 10, end: true })],
});

// Without `eventTrigger`, the first step's input is not checked: lists written before the typed form keep compiling.
export const untypedTrigger = new EventDrivenWorkflow("untyped", {
  trigger: { pattern: { "detail-type": ["Order Shipped"] } },
  timeoutSeconds: 60,
  steps: [task("Accept", { handler: async (event: { key: string }) => event.key, timeoutSeconds: 10, end: true })],
});
