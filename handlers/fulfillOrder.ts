import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { StepContext } from "../components/steps/types";
import type { FulfillmentResult, PaidOrder } from "./order";
import type { OrderServices } from "./services";

/**
 * FulfillOrder (first branch of FulfillmentAndNotification): ships the paid order. `OutOfStockError` propagates;
 * the branch catches it (LogFulfillmentFailure) because the customer has been charged and the order goes on.
 * Emits `OrdersFulfilled`.
 */
export async function fulfillOrder(
  input: PaidOrder,
  context: StepContext,
  services: OrderServices,
): Promise<FulfillmentResult> {
  const { order } = input;
  context.tracer.putAnnotation("orderId", order.orderId);
  const result = await services.fulfillment.fulfill(order);
  context.metrics.addMetric("OrdersFulfilled", MetricUnit.Count, 1);
  context.logger.info("Order fulfilled", {
    orderId: order.orderId,
    fulfillmentId: result.fulfillmentId,
    itemCount: result.itemCount,
  });
  return result;
}
