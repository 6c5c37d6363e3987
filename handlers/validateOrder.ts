import type { StepContext } from "event-driven-workflow";
import { ValidationError } from "./errors";
import { ORDER_METRICS, type RejectionReason } from "./metricsCatalogue";
import { correlateOrder, emitOrderMetric } from "./observability";
import type { ValidatedOrder } from "./order";
import { isWellFormedId, parseOrderPlaced, problemsOf, type OrderProblem } from "./orderSchema";
import type { OrderServices } from "./services";

/** The currency of an order that names none. */
export const DEFAULT_CURRENCY = "USD";

/**
 * ValidateOrder: checks the `Order Placed` event, the EventBridge envelope (version, id, source, account, time,
 * region, resources, detail-type) and the order in its `detail` (hand-built checks that load in no time, see
 * handlers/orderSchema.ts), and returns the order as a {@link ValidatedOrder}, currency defaulted, unknown fields
 * dropped.
 *
 * Every problem is collected before failing, so ONE {@link ValidationError} lists them all, each naming its field:
 * missing fields, wrong types, negative, NaN or infinite amounts, fractional quantities, totals that do not add up
 * (to the cent), strings over their maximum length, too many items, a malformed currency or envelope. The card
 * token is never echoed in a problem, and long strings are described by their length.
 *
 * Emits `OrdersValidated`, or `OrdersRejected` with a `reason` dimension; annotates the trace with the order id.
 *
 * @param input the whole EventBridge event (unknown until parsed)
 * @param _services unused: validation calls no service (the parameter keeps the order handlers' shape)
 */
export async function validateOrder(input: unknown, context: StepContext, _services?: OrderServices): Promise<ValidatedOrder> {
  const parsed = parseOrderPlaced(input);
  if (!parsed.success) return reject(problemsOf(parsed.issues, input), input, context);
  const { orderId, customerId, items, totalAmount, currency, cardToken } = parsed.data;
  correlateOrder(context, orderId);
  const order: ValidatedOrder = { orderId, customerId, items, totalAmount, currency: currency ?? DEFAULT_CURRENCY, cardToken };
  emitOrderMetric(context, ORDER_METRICS.ordersValidated, 1);
  context.logger.info("Order validated", {
    customerId: order.customerId,
    itemCount: order.items.length,
    totalAmount: order.totalAmount,
    currency: order.currency,
  });
  return order;
}

function reject(problems: OrderProblem[], input: unknown, context: StepContext): never {
  const orderId = (input as { detail?: { orderId?: unknown } } | null)?.detail?.orderId;
  // Only a well-formed id becomes a correlation key (a malformed one could be anything, of any length).
  if (isWellFormedId(orderId)) correlateOrder(context, orderId);
  const kinds = [...new Set(problems.map((p) => p.kind))];
  const reason: RejectionReason = kinds.length === 1 ? kinds[0] : "Multiple";
  emitOrderMetric(context, ORDER_METRICS.ordersRejected, 1, { reason });
  const texts = problems.map((p) => p.text);
  context.logger.warn("Order rejected", { reason, problems: texts });
  throw new ValidationError(texts);
}
