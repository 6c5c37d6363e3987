import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { StepContext } from "../components/steps/types";
import type { EmailResult, PaidOrder } from "./order";
import type { OrderServices } from "./services";

/**
 * SendConfirmationEmail (second branch of FulfillmentAndNotification): emails the customer their confirmation.
 * `EmailRejectedError` propagates; the branch catches it (LogEmailFailure) since a lost email must not fail a
 * paid order. Emits `ConfirmationEmailsSent`.
 */
export async function sendConfirmationEmail(
  input: PaidOrder,
  context: StepContext,
  services: OrderServices,
): Promise<EmailResult> {
  const { order, payment } = input;
  context.tracer.putAnnotation("orderId", order.orderId);
  const result = await services.email.sendOrderConfirmation(order, payment);
  context.metrics.addMetric("ConfirmationEmailsSent", MetricUnit.Count, 1);
  context.logger.info("Confirmation email sent", { orderId: order.orderId, messageId: result.messageId });
  return result;
}
