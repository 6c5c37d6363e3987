import type { StepContext } from "event-driven-workflow";
import { ORDER_METRICS } from "./metricsCatalogue";
import { correlateOrder, emitOrderMetric, traceGateway } from "./observability";
import type { RefundInput, RefundResult } from "./order";
import type { PaymentGateway } from "./services";

/**
 * RefundAndFail: the compensating transaction after a failed payment. Refunds whatever was charged for the
 * order, at most once (the gateway refunds a charge once, and the workflow runs this step idempotently on the
 * order id, so a retry or replay returns the recorded outcome); with no charge on record it returns
 * `NOTHING_TO_REFUND` (a recorded no-op, not an error), so the step is safe to reach from any payment failure.
 * `RefundFailedError` propagates, routing the workflow to RefundFailedManualIntervention. Emits `OrdersRefunded`,
 * `RefundsNotNeeded` or `RefundFailures`; the gateway call is traced as `### payments.refund`.
 *
 * @param input the order and, when reached through a Catch, the error that caused the refund
 */
export async function refundPayment(
  input: RefundInput,
  context: StepContext,
  services: { payments: Pick<PaymentGateway, "refund"> },
): Promise<RefundResult> {
  const { order, error } = input;
  correlateOrder(context, order.orderId);
  let result: RefundResult;
  try {
    result = await traceGateway(context, "payments.refund", () => services.payments.refund(order.orderId));
  } catch (failure) {
    emitOrderMetric(context, ORDER_METRICS.refundFailures, 1);
    throw failure;
  }
  emitOrderMetric(context, result.status === "REFUNDED" ? ORDER_METRICS.ordersRefunded : ORDER_METRICS.refundsNotNeeded, 1);
  context.logger.info("Refund handled", { status: result.status, refundId: result.refundId, cause: error?.Error });
  return result;
}
