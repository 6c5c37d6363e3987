import type { StepContext } from "event-driven-workflow";
import { PaymentIdempotencyConflict, PaymentOutcomeUnknown } from "./errors";
import { chargeOutcomeOf, metricCurrency, ORDER_METRICS } from "./metricsCatalogue";
import { correlateOrder, emitOrderMetric, traceGateway } from "./observability";
import type { ChargeResult, ValidatedOrder } from "./order";
import type { ChargeLedger, OrderServices, PaymentGateway } from "./services";

/** Gateway errors that say no money moved: the attempt is taken off the ledger, so a later charge is a fresh one. */
const NOT_CHARGED = [
  "InsufficientFundsError",
  "CardDeclinedError",
  "PaymentProcessorDown",
  "ThrottlingException",
  "ServiceUnavailableException",
];

/**
 * ChargeCard: charges the order's total to its card through the payment gateway, at most once per order.
 *
 * Three records stand between an order and a second charge. The workflow runs this step through Powertools
 * Idempotency on `orderId` (a retried or replayed charge returns the stored result and never reaches this function).
 * The order's {@link ChargeLedger} entry is consulted next: an order already charged (here, or settled by
 * ReconcilePayment) returns its charge without asking the gateway, and an earlier attempt of unknown outcome that the
 * gateway may have forgotten (older than its key retention) is not retried blindly: `PaymentOutcomeUnknown` sends
 * it to ReconcilePayment. Last, the gateway is called with the order id as its idempotency key, which stops a
 * duplicate for as long as the gateway keeps keys (Stripe: 24 h). The attempt is on the ledger before the gateway is
 * called, and the charge after it answers.
 *
 * Gateway errors propagate unchanged so that their `name` drives the workflow (`InsufficientFundsError` ->
 * RefundAndFail, `PaymentProcessorDown` -> QueueForRetry, `ThrottlingException` -> retry); any other failure, the
 * Lambda's own timeout included, leaves the outcome unknown and goes to ReconcilePayment. Emits `ChargeAttempts` by
 * outcome, and `OrdersCharged` and `ChargeAmount` (by currency) when charged; the gateway call is traced as
 * `### payments.charge`.
 */
export async function chargeCard(
  order: ValidatedOrder,
  context: StepContext,
  services: { payments: Pick<PaymentGateway, "charge" | "keyRetentionSeconds">; charges: ChargeLedger } & Pick<OrderServices, "now">,
): Promise<ChargeResult> {
  correlateOrder(context, order.orderId);
  const recorded = await services.charges.get(order.orderId);
  if (recorded?.status === "CHARGED") {
    if (recorded.charge.amount !== order.totalAmount || recorded.charge.currency !== order.currency) {
      throw new PaymentIdempotencyConflict(
        `Order ${order.orderId} was charged ${recorded.charge.amount} ${recorded.charge.currency}, not ${order.totalAmount} ${order.currency}`,
      );
    }
    context.logger.info("Card already charged for this order: not charged again", { chargeId: recorded.charge.chargeId });
    return recorded.charge;
  }
  const now = services.now();
  if (
    recorded?.status === "ATTEMPTED" &&
    now.getTime() - Date.parse(recorded.attemptedAt) >= services.payments.keyRetentionSeconds * 1000
  ) {
    throw new PaymentOutcomeUnknown(
      `An earlier charge of order ${order.orderId} (${recorded.attemptedAt}) has no known outcome and the gateway keeps keys ` +
        `${services.payments.keyRetentionSeconds} s: it is not charged again before the outcome is settled`,
    );
  }
  await services.charges.recordAttempt(order.orderId, now);
  let charge: ChargeResult;
  try {
    charge = await traceGateway(context, "payments.charge", () => services.payments.charge(order, order.orderId));
  } catch (error) {
    const name = (error as Error).name;
    emitOrderMetric(context, ORDER_METRICS.chargeAttempts, 1, { outcome: chargeOutcomeOf(name) });
    if (NOT_CHARGED.includes(name)) await services.charges.clear(order.orderId);
    throw error;
  }
  await services.charges.recordCharge(order.orderId, charge);
  emitOrderMetric(context, ORDER_METRICS.chargeAttempts, 1, { outcome: "Charged" });
  emitOrderMetric(context, ORDER_METRICS.ordersCharged, 1);
  emitOrderMetric(context, ORDER_METRICS.chargeAmount, charge.amount, { currency: metricCurrency(charge.currency) });
  // The card token stays out of the log on purpose (and the logger would redact it anyway); the charge id is what
  // support looks up.
  context.logger.info("Card charged", { chargeId: charge.chargeId, amount: charge.amount, currency: charge.currency });
  return charge;
}
