import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { StepContext } from "../components/steps/types";
import { ValidationError } from "./errors";
import type { OrderItem, ValidatedOrder } from "./order";
import type { OrderServices } from "./services";

/** The currency of an order that names none. */
export const DEFAULT_CURRENCY = "USD";

/**
 * ValidateOrder: checks the `detail` of an `Order Placed` event and returns it as a {@link ValidatedOrder}.
 *
 * Every problem is collected before failing, so one {@link ValidationError} lists them all, each naming its
 * field: detail present; `orderId`, `customerId`, `cardToken` non-empty strings; at least one item, each with a
 * non-empty `sku`, a positive integer `quantity` and a finite non-negative `unitPrice`; `totalAmount` finite and
 * equal to the sum of the lines to the cent; `currency`, if given, a 3-letter upper-case code.
 *
 * Emits `OrdersValidated` or `OrdersRejected`; annotates the trace with the order id. The card token is never
 * logged nor echoed in a problem.
 *
 * @param input the whole EventBridge event (unknown until checked)
 */
export async function validateOrder(
  input: unknown,
  context: StepContext,
  _services: OrderServices,
): Promise<ValidatedOrder> {
  const problems: string[] = [];
  const detail = isRecord(input) ? input.detail : undefined;

  if (!isRecord(detail)) {
    problems.push("detail must be an object holding the order (the EventBridge event's detail is missing)");
    return reject(problems, undefined, context);
  }

  const { orderId, customerId, items, totalAmount, currency, cardToken } = detail;
  if (!isNonEmptyString(orderId)) problems.push(`orderId must be a non-empty string (got ${displayValue(orderId)})`);
  else context.tracer.putAnnotation("orderId", orderId);
  if (!isNonEmptyString(customerId)) {
    problems.push(`customerId must be a non-empty string (got ${displayValue(customerId)})`);
  }

  const lines: OrderItem[] = [];
  let linesValid = true;
  if (!Array.isArray(items) || items.length === 0) {
    problems.push(`items must be a non-empty array of { sku, quantity, unitPrice } (got ${displayValue(items)})`);
    linesValid = false;
  } else {
    items.forEach((item: unknown, i) => {
      if (!isRecord(item)) {
        problems.push(`items[${i}] must be an object { sku, quantity, unitPrice } (got ${displayValue(item)})`);
        linesValid = false;
        return;
      }
      const { sku, quantity, unitPrice } = item;
      let ok = true;
      if (!isNonEmptyString(sku)) {
        problems.push(`items[${i}].sku must be a non-empty string (got ${displayValue(sku)})`);
        ok = false;
      }
      if (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity <= 0) {
        problems.push(`items[${i}].quantity must be a positive integer (got ${displayValue(quantity)})`);
        ok = false;
      }
      if (typeof unitPrice !== "number" || !Number.isFinite(unitPrice) || unitPrice < 0) {
        problems.push(`items[${i}].unitPrice must be a finite non-negative number (got ${displayValue(unitPrice)})`);
        ok = false;
      }
      if (ok) lines.push({ sku: sku as string, quantity: quantity as number, unitPrice: unitPrice as number });
      else linesValid = false;
    });
  }

  if (typeof totalAmount !== "number" || !Number.isFinite(totalAmount)) {
    problems.push(`totalAmount must be a finite number (got ${displayValue(totalAmount)})`);
  } else if (linesValid) {
    // Integer cents: 0.1 + 0.2 !== 0.3 in floating point, but 10 + 20 === 30.
    const expectedCents = lines.reduce((sum, l) => sum + Math.round(l.quantity * l.unitPrice * 100), 0);
    if (Math.round(totalAmount * 100) !== expectedCents) {
      problems.push(
        `totalAmount ${totalAmount} does not equal the sum of quantity x unitPrice over the items (${(expectedCents / 100).toFixed(2)})`,
      );
    }
  }

  if (currency !== undefined && (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency))) {
    problems.push(`currency must be a 3-letter upper-case ISO 4217 code such as "USD" (got ${displayValue(currency)})`);
  }

  // Deliberately no "(got ...)": the token must not travel into logs, error causes or SNS alerts.
  if (!isNonEmptyString(cardToken)) problems.push("cardToken must be a non-empty string");

  if (problems.length > 0) return reject(problems, isNonEmptyString(orderId) ? orderId : undefined, context);

  const order: ValidatedOrder = {
    orderId: orderId as string,
    customerId: customerId as string,
    items: lines,
    totalAmount: totalAmount as number,
    currency: (currency as string | undefined) ?? DEFAULT_CURRENCY,
    cardToken: cardToken as string,
  };
  context.metrics.addMetric("OrdersValidated", MetricUnit.Count, 1);
  context.logger.info("Order validated", {
    orderId: order.orderId,
    customerId: order.customerId,
    itemCount: order.items.length,
    totalAmount: order.totalAmount,
    currency: order.currency,
  });
  return order;
}

function reject(problems: string[], orderId: string | undefined, context: StepContext): never {
  context.metrics.addMetric("OrdersRejected", MetricUnit.Count, 1);
  context.logger.warn("Order rejected", { orderId, problems });
  throw new ValidationError(problems);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}

/**
 * A short, log-safe rendering of a rejected value (long strings cut, so an event cannot flood the error).
 * Not named `describe`: Pulumi's closure serializer treats a name that is a global at deploy time as that global,
 * and under mocha `describe` is one.
 */
function displayValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return value === null ? "null" : "an object";
  return String(value);
}
