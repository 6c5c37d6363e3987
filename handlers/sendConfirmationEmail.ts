import type { StepContext } from "event-driven-workflow";
import { ORDER_METRICS } from "./metricsCatalogue";
import { correlateOrder, emitOrderMetric, traceGateway } from "./observability";
import type { EmailResult, PaidOrder } from "./order";
import type { OrderServices } from "./services";

/**
 * SendConfirmationEmail (second branch of FulfillmentAndNotification): emails the customer their confirmation.
 * `EmailRejectedError` propagates; the branch catches it (LogEmailFailure) since a lost email must not fail a
 * paid order. Emits `ConfirmationEmailsSent`; the mail provider call is traced as `### email.sendOrderConfirmation`.
 */
export async function sendConfirmationEmail(
  input: PaidOrder,
  context: StepContext,
  services: Pick<OrderServices, "email">,
): Promise<EmailResult> {
  const { order, payment } = input;
  correlateOrder(context, order.orderId);
  const result = await traceGateway(context, "email.sendOrderConfirmation", () => services.email.sendOrderConfirmation(order, payment));
  emitOrderMetric(context, ORDER_METRICS.confirmationEmailsSent, 1);
  context.logger.info("Confirmation email sent", { messageId: result.messageId });
  return result;
}
