import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { StepContext } from "../components/steps/types";
import type { ChargeResult, ValidatedOrder } from "./order";
import type { OrderServices } from "./services";

/**
 * ChargeCard: charges the order's total to its card through the payment gateway.
 *
 * The order id is the idempotency key: Step Functions retries this step (throttling, Lambda service errors), and
 * a retry must return the first charge instead of charging twice. Gateway errors propagate unchanged so that
 * their `name` drives the workflow (`InsufficientFundsError` -> RefundAndFail, `PaymentProcessorDown` ->
 * QueueForRetry, `ThrottlingException` -> retry). Emits `OrdersCharged` and `ChargeAmount` (the amount charged).
 */
export async function chargeCard(
  order: ValidatedOrder,
  context: StepContext,
  services: OrderServices,
): Promise<ChargeResult> {
  context.tracer.putAnnotation("orderId", order.orderId);
  const charge = await services.payments.charge(order, order.orderId);
  context.metrics.addMetric("OrdersCharged", MetricUnit.Count, 1);
  context.metrics.addMetric("ChargeAmount", MetricUnit.NoUnit, charge.amount);
  // The card token stays out of the log on purpose; the charge id is what support looks up.
  context.logger.info("Card charged", {
    orderId: order.orderId,
    chargeId: charge.chargeId,
    amount: charge.amount,
    currency: charge.currency,
  });
  return charge;
}
