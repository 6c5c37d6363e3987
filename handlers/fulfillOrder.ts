import type { StepContext } from "event-driven-workflow";
import { ORDER_METRICS } from "./metricsCatalogue";
import { correlateOrder, emitOrderMetric, traceGateway } from "./observability";
import type { FulfillmentResult, PaidOrder } from "./order";
import type { OrderServices } from "./services";

/**
 * FulfillOrder (first branch of FulfillmentAndNotification): ships the paid order. `OutOfStockError` propagates;
 * the branch catches it (LogFulfillmentFailure) because the customer has been charged and the order goes on.
 * Emits `OrdersFulfilled`; the warehouse call is traced as `### fulfillment.fulfill`.
 */
export async function fulfillOrder(
  input: PaidOrder,
  context: StepContext,
  services: Pick<OrderServices, "fulfillment">,
): Promise<FulfillmentResult> {
  const { order } = input;
  correlateOrder(context, order.orderId);
  const result = await traceGateway(context, "fulfillment.fulfill", () => services.fulfillment.fulfill(order));
  emitOrderMetric(context, ORDER_METRICS.ordersFulfilled, 1);
  context.logger.info("Order fulfilled", { fulfillmentId: result.fulfillmentId, itemCount: result.itemCount });
  return result;
}
