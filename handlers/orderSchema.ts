/**
 * The zod schema of an `Order Placed` event's `detail`, parsed inside Powertools' EventBridge envelope by
 * ValidateOrder, and the translation of zod's issues into the problems a {@link ValidationError} lists: one per
 * bad field, each starting with the field's name, never echoing a card token or a long string.
 *
 * The schema is BUILT PER CALL ({@link orderDetailSchema}), never held in a module variable: this code is
 * serialized by Pulumi into the Lambda, and a zod schema object captured at deploy time would be serialized by
 * value (hundreds of internal objects) instead of being required from the `zod` package at run time.
 */
import { z } from "zod";

/** The bounds an order must respect: sane sizes for ids, strings and amounts. */
export const ORDER_LIMITS = {
  /** orderId, customerId, sku: characters. */
  idLength: 64,
  cardTokenLength: 128,
  items: 100,
  quantity: 10_000,
  /** unitPrice and totalAmount, in units of the currency. */
  amount: 1_000_000,
} as const;

const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
const NOT_BLANK = /\S/;

/** Whether `value` is a well-formed order (or customer) id. */
export function isWellFormedId(value: unknown): value is string {
  return typeof value === "string" && value.length <= ORDER_LIMITS.idLength && ID_PATTERN.test(value);
}

/** What each field must be, by field name (items' fields with their index replaced by `[]`). */
const FIELD_RULES: Record<string, string> = {
  event: "must be an EventBridge event: an object with version, id, source, account, time, region, resources, detail-type and detail",
  detail: "must be an object holding the order (the EventBridge event's detail)",
  orderId: `must be a non-empty string of at most ${ORDER_LIMITS.idLength} letters, digits, ".", "_", ":" or "-"`,
  customerId: `must be a non-empty string of at most ${ORDER_LIMITS.idLength} letters, digits, ".", "_", ":" or "-"`,
  items: `must be a non-empty array of at most ${ORDER_LIMITS.items} { sku, quantity, unitPrice }`,
  "items[]": "must be an object { sku, quantity, unitPrice }",
  "items[].sku": `must be a non-empty string of at most ${ORDER_LIMITS.idLength} characters`,
  "items[].quantity": `must be a positive integer of at most ${ORDER_LIMITS.quantity}`,
  "items[].unitPrice": `must be a finite non-negative number of at most ${ORDER_LIMITS.amount}`,
  totalAmount: `must be a finite non-negative number of at most ${ORDER_LIMITS.amount}`,
  currency: 'must be a 3-letter upper-case ISO 4217 code such as "USD"',
  cardToken: `must be a non-empty string of at most ${ORDER_LIMITS.cardTokenLength} characters`,
};

/** Fields whose value a problem never repeats. */
const SECRET_FIELDS = ["cardToken"];

/**
 * The zod schema of the order detail; with the items valid and the total a number, the total must equal the sum of
 * quantity x unitPrice, compared in integer cents (0.1 + 0.2 !== 0.3 in floating point, 10 + 20 === 30).
 */
export function orderDetailSchema() {
  const id = z.string().min(1).max(ORDER_LIMITS.idLength).regex(ID_PATTERN);
  const amount = z.number().nonnegative().max(ORDER_LIMITS.amount);
  return z
    .object({
      orderId: id,
      customerId: id,
      items: z
        .array(
          z.object({
            sku: z.string().min(1).max(ORDER_LIMITS.idLength).regex(NOT_BLANK),
            quantity: z.number().int().positive().max(ORDER_LIMITS.quantity),
            unitPrice: amount,
          }),
        )
        .min(1)
        .max(ORDER_LIMITS.items),
      totalAmount: amount,
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .optional(),
      cardToken: z.string().min(1).max(ORDER_LIMITS.cardTokenLength).regex(NOT_BLANK),
    })
    .refine((order) => Math.round(order.totalAmount * 100) === centsOf(order.items), {
      path: ["totalAmount"],
      // Checked even when other fields are bad, as long as the items and the total themselves are valid.
      when: (payload) =>
        !payload.issues.some((issue) => [undefined, "items", "totalAmount"].includes(issue.path?.[0] as string | undefined)),
      error: (issue) => {
        const order = issue.input as { totalAmount: number; items: { quantity: number; unitPrice: number }[] };
        return `totalAmount ${order.totalAmount} does not equal the sum of quantity x unitPrice over the items (${(centsOf(order.items) / 100).toFixed(2)})`;
      },
    });
}

function centsOf(items: { quantity: number; unitPrice: number }[]): number {
  return items.reduce((sum, line) => sum + Math.round(line.quantity * line.unitPrice * 100), 0);
}

/** A zod issue, as much of it as is needed here. */
export interface SchemaIssue {
  code: string;
  path: PropertyKey[];
  message: string;
}

/** One problem of an order: the text a ValidationError lists, and its kind (the `reason` metric dimension). */
export interface OrderProblem {
  text: string;
  kind: "MalformedEnvelope" | "MissingField" | "WrongType" | "InvalidValue" | "TooLong" | "TotalMismatch";
}

/**
 * The problems of an event from the issues of parsing it in the EventBridge envelope (paths from the event's root):
 * one per field (the first issue of each), named relative to `detail` for the order's fields and `event.<field>`
 * for the envelope's.
 */
export function problemsOf(issues: readonly SchemaIssue[], event: unknown): OrderProblem[] {
  const seen = new Set<string>();
  const problems: OrderProblem[] = [];
  for (const issue of issues) {
    const field = fieldName(issue.path);
    if (seen.has(field)) continue;
    seen.add(field);
    problems.push(problemOf(issue, field, valueAt(event, issue.path)));
  }
  return problems;
}

function problemOf(issue: SchemaIssue, field: string, value: unknown): OrderProblem {
  if (issue.code === "custom") return { text: issue.message, kind: "TotalMismatch" };
  const envelope = field === "event" || field.startsWith("event.");
  const rule = FIELD_RULES[field.replace(/\[\d+\]/g, "[]")] ?? `is not what EventBridge sends (${issue.message})`;
  const got = SECRET_FIELDS.includes(field) ? "" : ` (got ${displayValue(value)})`;
  return { text: `${field} ${rule}${got}`, kind: envelope ? "MalformedEnvelope" : kindOf(issue, value) };
}

function kindOf(issue: SchemaIssue, value: unknown): OrderProblem["kind"] {
  if (value === undefined) return "MissingField";
  if (issue.code === "too_big" && (typeof value === "string" || Array.isArray(value))) return "TooLong";
  // NaN, Infinity and fractional quantities are numbers of the wrong value, not of the wrong type.
  if (issue.code === "invalid_type" && typeof value !== "number") return "WrongType";
  return "InvalidValue";
}

/** `["detail", "items", 0, "sku"]` -> `items[0].sku`; `["time"]` -> `event.time`; `[]` -> `event`. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "event";
  const [head, ...rest] = path;
  if (head !== "detail") return `event.${path.map(String).join(".")}`;
  if (rest.length === 0) return "detail";
  return rest.reduce<string>(
    (name, part) => (typeof part === "number" ? `${name}[${part}]` : name ? `${name}.${String(part)}` : String(part)),
    "",
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (typeof node === "object" && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined),
    root,
  );
}

/**
 * A short, log-safe rendering of a rejected value: long strings are described by their length, never echoed, so an
 * event cannot flood the error nor smuggle data into alerts. Not named `describe`: Pulumi's closure serializer
 * treats a name that is a global at deploy time as that global, and under mocha `describe` is one.
 */
function displayValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return value === null ? "null" : "an object";
  return String(value);
}
