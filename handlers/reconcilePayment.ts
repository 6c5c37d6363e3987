import type { StepContext } from "event-driven-workflow";
import {
  CardDeclinedError,
  InsufficientFundsError,
  PaymentIdempotencyConflict,
  PaymentNotTaken,
  PaymentPending,
  PaymentUnverifiable,
} from "./errors";
import { correlateOrder, traceGateway } from "./observability";
import type { ChargeResult, ValidatedOrder } from "./order";
import type { ChargeLedger, OrderServices, PaymentGateway } from "./services";

/** How often ReconcilePayment asks again while the charge is still being processed. */
export const RECONCILE_POLL_MS = 250;

/**
 * How long one invocation keeps asking about a charge in flight before it hands the wait to the workflow's Retry
 * (`PaymentPending`, with backoff): a sleeping Lambda is billed, a waiting state machine is not.
 */
export const RECONCILE_POLL_WINDOW_MS = 1000;

/** Declines a lookup can report, rethrown by name so that the workflow routes them as ChargeCard's. */
const DECLINES: Record<string, new (message: string) => Error> = { InsufficientFundsError, CardDeclinedError };

/**
 * ReconcilePayment: settles a charge whose outcome is unknown (ChargeCard timed out, lost its answer, or failed in
 * a way that does not say whether money moved) by asking the gateway what became of the order's idempotency key.
 *
 * - charged, for this order's amount and currency: records the charge on the order's {@link ChargeLedger} (so no
 *   later replay charges it again, whatever the gateway still remembers) and returns it; the order goes on as if
 *   ChargeCard had answered;
 * - still being processed: asks again every {@link RECONCILE_POLL_MS} for up to {@link RECONCILE_POLL_WINDOW_MS}
 *   (less if the Lambda has less time), then throws `PaymentPending` (retried by the workflow, then escalated);
 * - declined: rethrows the decline (`InsufficientFundsError`, `CardDeclinedError`) -> RefundAndFail;
 * - never received: throws `PaymentNotTaken` -> QueueForRetry (a later charge with the same key is safe); but when
 *   the ledger holds an attempt older than the gateway's key retention, "not found" may only mean "forgotten": throws
 *   `PaymentUnverifiable` -> PaymentUnresolvedManualIntervention, and nothing is charged again;
 * - charged for another amount or currency: throws `PaymentIdempotencyConflict` -> DuplicateOrderRejected.
 */
export async function reconcilePayment(
  order: ValidatedOrder,
  context: StepContext,
  services: { payments: Pick<PaymentGateway, "lookup" | "keyRetentionSeconds">; charges: ChargeLedger } & Pick<OrderServices, "now">,
): Promise<ChargeResult> {
  correlateOrder(context, order.orderId);
  const stopPollingAt = Date.now() + Math.min(RECONCILE_POLL_WINDOW_MS, context.remainingTimeMs() - 2 * RECONCILE_POLL_MS);
  for (;;) {
    const found = await traceGateway(context, "payments.lookup", () => services.payments.lookup(order.orderId));
    context.logger.info("Payment reconciled", { status: found.status });
    switch (found.status) {
      case "CHARGED":
        if (found.charge.amount !== order.totalAmount || found.charge.currency !== order.currency) {
          throw new PaymentIdempotencyConflict(
            `Order ${order.orderId} was charged ${found.charge.amount} ${found.charge.currency}, not ${order.totalAmount} ${order.currency}`,
          );
        }
        await services.charges.recordCharge(order.orderId, found.charge);
        return found.charge;
      case "DECLINED":
        await services.charges.clear(order.orderId);
        throw new (DECLINES[found.error] ?? CardDeclinedError)(found.message);
      case "NOT_FOUND": {
        const recorded = await services.charges.get(order.orderId);
        const retentionMs = services.payments.keyRetentionSeconds * 1000;
        if (recorded?.status === "ATTEMPTED" && services.now().getTime() - Date.parse(recorded.attemptedAt) >= retentionMs) {
          throw new PaymentUnverifiable(
            `The gateway no longer knows the key of order ${order.orderId}, first charged at ${recorded.attemptedAt}: the charge cannot be verified`,
          );
        }
        await services.charges.clear(order.orderId);
        throw new PaymentNotTaken(`The gateway has no charge for order ${order.orderId}: nothing was taken`);
      }
      case "PENDING":
        if (Date.now() + RECONCILE_POLL_MS > stopPollingAt) {
          throw new PaymentPending(`The charge of order ${order.orderId} is still being processed`);
        }
        await new Promise((resolve) => setTimeout(resolve, RECONCILE_POLL_MS));
    }
  }
}
