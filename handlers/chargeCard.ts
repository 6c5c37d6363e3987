import type { StepContext } from "event-driven-workflow";
import { chargeOutcomeOf, metricCurrency, ORDER_METRICS } from "./metricsCatalogue";
import { correlateOrder, emitOrderMetric, traceGateway } from "./observability";
import type { ChargeResult, ValidatedOrder } from "./order";
import type { PaymentGateway } from "./services";

/**
 * ChargeCard: charges the order's total to its card through the payment gateway.
 *
 * The order id is the idempotency key, twice over: the workflow runs this step through Powertools Idempotency on
 * `orderId` (a retried or replayed charge returns the stored result and never reaches this function), and the
 * gateway itself is called with the order id as its idempotency key, so a charge never lands twice even when the
 * step's own record is gone (a timed-out attempt's in-progress record stops blocking at the Lambda's timeout).
 * Gateway errors propagate unchanged so that their `name` drives the workflow (`InsufficientFundsError` ->
 * RefundAndFail, `PaymentProcessorDown` -> QueueForRetry, `ThrottlingException` -> retry); any other failure,
 * the Lambda's own timeout included, leaves the outcome unknown and goes to ReconcilePayment. Emits
 * `ChargeAttempts` by outcome, and `OrdersCharged` and `ChargeAmount` (by currency) when charged; the gateway call
 * is traced as `### payments.charge`.
 */
export async function chargeCard(
  order: ValidatedOrder,
  context: StepContext,
  services: { payments: Pick<PaymentGateway, "charge"> },
): Promise<ChargeResult> {
  correlateOrder(context, order.orderId);
  let charge: ChargeResult;
  try {
    charge = await traceGateway(context, "payments.charge", () => services.payments.charge(order, order.orderId));
  } catch (error) {
    emitOrderMetric(context, ORDER_METRICS.chargeAttempts, 1, { outcome: chargeOutcomeOf((error as Error).name) });
    throw error;
  }
  emitOrderMetric(context, ORDER_METRICS.chargeAttempts, 1, { outcome: "Charged" });
  emitOrderMetric(context, ORDER_METRICS.ordersCharged, 1);
  emitOrderMetric(context, ORDER_METRICS.chargeAmount, charge.amount, { currency: metricCurrency(charge.currency) });
  // The card token stays out of the log on purpose (and the logger would redact it anyway); the charge id is what
  // support looks up.
  context.logger.info("Card charged", { chargeId: charge.chargeId, amount: charge.amount, currency: charge.currency });
  return charge;
}
