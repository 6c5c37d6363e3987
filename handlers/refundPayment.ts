import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { StepContext } from "../components/steps/types";
import type { RefundInput, RefundResult } from "./order";
import type { OrderServices } from "./services";

/**
 * RefundAndFail: the compensating transaction after a failed payment. Refunds whatever was charged for the
 * order, at most once; with no charge on record it returns `NOTHING_TO_REFUND` (a no-op, not an error), so the
 * step is safe to reach from any payment failure and to retry. `RefundFailedError` propagates, routing the
 * workflow to RefundFailedManualIntervention. Emits `OrdersRefunded` or `RefundsNotNeeded`.
 *
 * @param input the order and, when reached through a Catch, the error that caused the refund
 */
export async function refundPayment(
  input: RefundInput,
  context: StepContext,
  services: OrderServices,
): Promise<RefundResult> {
  const { order, error } = input;
  context.tracer.putAnnotation("orderId", order.orderId);
  const result = await services.payments.refund(order.orderId);
  context.metrics.addMetric(
    result.status === "REFUNDED" ? "OrdersRefunded" : "RefundsNotNeeded",
    MetricUnit.Count,
    1,
  );
  context.logger.info("Refund handled", {
    orderId: order.orderId,
    status: result.status,
    refundId: result.refundId,
    cause: error?.Error,
  });
  return result;
}
