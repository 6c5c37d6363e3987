import { traceCall } from "event-driven-workflow/runtime";
import type { StepContext } from "event-driven-workflow";
import { ORDER_METRICS } from "./metricsCatalogue";
import { correlateOrder, emitOrderMetric } from "./observability";
import type { CompletionInput, OrderProcessed } from "./order";
import type { OrderServices } from "./services";

/**
 * MarkOrderComplete: turns the paid order and the two branch outcomes of FulfillmentAndNotification into the
 * {@link OrderProcessed} summary, records it in the order repository and returns it (it becomes the `detail` of
 * the `Order Processed` event).
 *
 * A branch counts as done only if it returned its success shape (`FULFILLED`, `SENT`); a
 * `{ status: "FAILED" }` branch, or anything else a recovering branch may put there, is reported `FAILED`: the
 * order is still `COMPLETED`, because it was paid for. `completedAt` comes from `services.now()`.
 * Emits `OrdersCompleted`, plus `FulfillmentFailures` / `EmailFailures` when a branch failed; the repository call
 * is traced as `### orders.markComplete`.
 */
export async function markOrderComplete(
  input: CompletionInput,
  context: StepContext,
  services: Pick<OrderServices, "orders" | "now">,
): Promise<OrderProcessed> {
  const { order, payment, fulfillment } = input;
  // A wiring mistake (wrong resultPath) should fail loudly here, not produce a summary of undefineds.
  if (!order || !payment || !Array.isArray(fulfillment) || fulfillment.length !== 2) {
    throw new Error(
      "markOrderComplete expects { order, payment, fulfillment: [fulfillmentResult, emailResult] } " +
        "(fulfillment being the output of the FulfillmentAndNotification parallel step)",
    );
  }
  correlateOrder(context, order.orderId);
  const [shipment, email] = fulfillment;
  const fulfillmentStatus = statusOf(shipment) === "FULFILLED" ? "FULFILLED" : "FAILED";
  const emailStatus = statusOf(email) === "SENT" ? "SENT" : "FAILED";

  const summary: OrderProcessed = {
    orderId: order.orderId,
    customerId: order.customerId,
    chargeId: payment.chargeId,
    amount: payment.amount,
    currency: payment.currency,
    fulfillmentStatus,
    emailStatus,
    status: "COMPLETED",
    completedAt: services.now().toISOString(),
  };
  await traceCall(
    context.tracer,
    "orders.markComplete",
    () => services.orders.markComplete(summary),
    () => "RECORDED",
  );

  emitOrderMetric(context, ORDER_METRICS.ordersCompleted, 1);
  if (fulfillmentStatus === "FAILED") emitOrderMetric(context, ORDER_METRICS.fulfillmentFailures, 1);
  if (emailStatus === "FAILED") emitOrderMetric(context, ORDER_METRICS.emailFailures, 1);
  const details = {
    fulfillmentStatus,
    emailStatus,
    fulfillmentFailure: messageOf(shipment),
    emailFailure: messageOf(email),
  };
  // A partial completion is worth a warning: someone may need to ship or email by hand.
  if (fulfillmentStatus === "FAILED" || emailStatus === "FAILED") context.logger.warn("Order completed partially", details);
  else context.logger.info("Order completed", details);
  return summary;
}

function statusOf(branch: unknown): unknown {
  return typeof branch === "object" && branch !== null ? (branch as { status?: unknown }).status : undefined;
}

/** The failure message of a failed branch, for the log; undefined for a successful one. */
function messageOf(branch: unknown): string | undefined {
  const status = statusOf(branch);
  if (status === "FULFILLED" || status === "SENT") return undefined;
  if (typeof branch === "string") return branch;
  const message = typeof branch === "object" && branch !== null ? (branch as { message?: unknown }).message : undefined;
  return typeof message === "string" ? message : "unknown failure";
}
