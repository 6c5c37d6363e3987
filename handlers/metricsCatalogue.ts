/**
 * The metric catalogue of the order workflow, as data: every metric the order steps emit (the step metrics of the
 * wrapper and the business metrics of the handlers), with its unit, its exact dimension sets and the bounded values
 * of each dimension. The handlers emit through {@link emitOrderMetric} (handlers/observability.ts), which refuses
 * anything not catalogued; the README's table, the dashboard and the EMF tests read it from here.
 *
 * All metrics are in the workflow's namespace (the component sets it to the workflow name, "order-processing"),
 * and every dimension set starts with `service`, the step's name (Powertools' default dimension).
 *
 * Cardinality: dimensions only take values from the fixed sets below (error names are the error classes), never
 * ids or amounts; the order id travels as EMF metadata (searchable in CloudWatch Logs Insights, not a dimension).
 */
import { ERROR_NAME_DIMENSION, STEP_METRICS } from "event-driven-workflow/runtime";

/** The CloudWatch units used here (Powertools `MetricUnit` values). */
export type CatalogueUnit = "Count" | "None" | "Milliseconds";

export interface MetricDefinition {
  name: string;
  unit: CatalogueUnit;
  /** The step(s) emitting it, or "every step". */
  emittedBy: string;
  /** Every dimension set it is emitted with (`service` first). */
  dimensionSets: readonly (readonly string[])[];
  /** The values each extra dimension can take: a closed set. */
  dimensionValues?: Readonly<Record<string, readonly string[]>>;
  /**
   * Flushed on an EMF line of its own (Powertools `singleMetric`), so that its dimensions are exactly these even when
   * the step fails (the step's own line then carries `errorName`).
   */
  standalone?: boolean;
  description: string;
}

/** Why ValidateOrder rejected an order: the `reason` dimension of `OrdersRejected`. */
export const REJECTION_REASONS = [
  "MalformedEnvelope",
  "MissingField",
  "WrongType",
  "InvalidValue",
  "TooLong",
  "TotalMismatch",
  "Multiple",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** What a charge attempt came to: the `outcome` dimension of `ChargeAttempts`. */
export const CHARGE_OUTCOMES = [
  "Charged",
  "InsufficientFunds",
  "CardDeclined",
  "ProcessorDown",
  "Throttled",
  "Unavailable",
  "Error",
] as const;
export type ChargeOutcome = (typeof CHARGE_OUTCOMES)[number];

/** Currencies given their own `currency` dimension value; any other is counted as "Other" (bounded on purpose). */
export const METRIC_CURRENCIES = [
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "CAD",
  "AUD",
  "CHF",
  "CNY",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "INR",
  "BRL",
  "MXN",
  "Other",
] as const;

const service = ["service"] as const;
const withErrorName = ["service", ERROR_NAME_DIMENSION] as const;

/** A business Count with the `service` dimension only, flushed with the step's own line. */
const count = (name: string, emittedBy: string, description: string) =>
  ({ name, unit: "Count", emittedBy, dimensionSets: [service], description }) as const;

/** Every catalogued metric, by a stable key. */
export const ORDER_METRICS = {
  stepSucceeded: count(STEP_METRICS.succeeded, "every step", "An invocation of the step succeeded (an idempotent replay included)."),
  stepFailed: {
    name: STEP_METRICS.failed,
    unit: "Count",
    emittedBy: "every step",
    dimensionSets: [withErrorName],
    description: "An invocation failed; errorName is the error's class (the Step Functions error name).",
  },
  stepDuration: {
    name: STEP_METRICS.duration,
    unit: "Milliseconds",
    emittedBy: "every step",
    dimensionSets: [service, withErrorName],
    description: "Time spent in the handler (errorName present when the invocation failed).",
  },
  coldStart: {
    name: STEP_METRICS.coldStart,
    unit: "Count",
    emittedBy: "every step",
    dimensionSets: [service, withErrorName],
    description: "First invocation of a Lambda container.",
  },
  idempotentReplays: count(
    STEP_METRICS.idempotentReplay,
    "ChargeCard, FulfillOrder, SendConfirmationEmail, MarkOrderComplete, RefundAndFail",
    "An idempotent step recognised an order it had already processed and returned the stored result (no gateway call).",
  ),
  ordersValidated: count("OrdersValidated", "ValidateOrder", "Orders that passed validation."),
  ordersRejected: {
    name: "OrdersRejected",
    unit: "Count",
    emittedBy: "ValidateOrder",
    dimensionSets: [["service", "reason"]],
    dimensionValues: { reason: REJECTION_REASONS },
    standalone: true,
    description: 'Orders rejected by validation, by reason ("Multiple" when the problems are of several kinds).',
  },
  chargeAttempts: {
    name: "ChargeAttempts",
    unit: "Count",
    emittedBy: "ChargeCard",
    dimensionSets: [["service", "outcome"]],
    dimensionValues: { outcome: CHARGE_OUTCOMES },
    standalone: true,
    description: "Calls to the payment gateway, by outcome (retries included; idempotent replays make none).",
  },
  ordersCharged: count("OrdersCharged", "ChargeCard", "Orders charged."),
  chargeAmount: {
    name: "ChargeAmount",
    unit: "None",
    emittedBy: "ChargeCard",
    dimensionSets: [["service", "currency"]],
    dimensionValues: { currency: METRIC_CURRENCIES },
    standalone: true,
    description: "Amount charged, in units of the currency (sum it per currency; never add currencies together).",
  },
  ordersFulfilled: count("OrdersFulfilled", "FulfillOrder", "Orders shipped."),
  confirmationEmailsSent: count("ConfirmationEmailsSent", "SendConfirmationEmail", "Confirmation emails sent."),
  ordersCompleted: count("OrdersCompleted", "MarkOrderComplete", "Orders completed (paid), fully or partially fulfilled."),
  fulfillmentFailures: count(
    "FulfillmentFailures",
    "MarkOrderComplete",
    "Paid orders whose fulfillment failed after retries (someone must ship by hand).",
  ),
  emailFailures: count("EmailFailures", "MarkOrderComplete", "Paid orders whose confirmation email failed after retries."),
  ordersRefunded: count("OrdersRefunded", "RefundAndFail", "Charges refunded after a payment failure."),
  refundsNotNeeded: count(
    "RefundsNotNeeded",
    "RefundAndFail",
    "Refunds skipped because nothing was charged (e.g. insufficient funds): a recorded no-op.",
  ),
  refundFailures: {
    ...count("RefundFailures", "RefundAndFail", "Refunds that failed: each needs manual intervention (RefundFailedManualIntervention)."),
    standalone: true,
  },
} as const satisfies Record<string, MetricDefinition>;

export type OrderMetricKey = keyof typeof ORDER_METRICS;

/** The catalogue as a list, in documentation order. */
export const ORDER_METRIC_CATALOGUE: readonly MetricDefinition[] = Object.values(ORDER_METRICS);

/**
 * The catalogue as a Markdown table (the README's "Metric catalogue" section is this output).
 *
 * @example
 * console.log(metricCatalogueMarkdown());
 */
export function metricCatalogueMarkdown(catalogue: readonly MetricDefinition[] = ORDER_METRIC_CATALOGUE): string {
  const rows = catalogue.map((m) => {
    const dimensions = m.dimensionSets.map((set) => set.join(", ")).join(" / ");
    const values = Object.entries(m.dimensionValues ?? {})
      .map(([d, v]) => `${d}: ${v.join(", ")}`)
      .join("; ");
    return `| \`${m.name}\` | ${m.unit} | ${m.emittedBy} | ${dimensions} | ${m.description}${values ? ` (${values})` : ""} |`;
  });
  return ["| metric | unit | emitted by | dimensions | meaning |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** The `currency` dimension value of an ISO 4217 code: itself if catalogued, else "Other". */
export function metricCurrency(code: string): string {
  return (METRIC_CURRENCIES as readonly string[]).includes(code) ? code : "Other";
}

/** The `outcome` dimension value of a failed charge, from the error's name. */
export function chargeOutcomeOf(errorName: string): ChargeOutcome {
  const outcomes: Record<string, ChargeOutcome> = {
    InsufficientFundsError: "InsufficientFunds",
    CardDeclinedError: "CardDeclined",
    PaymentProcessorDown: "ProcessorDown",
    ThrottlingException: "Throttled",
    ServiceUnavailableException: "Unavailable",
  };
  return outcomes[errorName] ?? "Error";
}
