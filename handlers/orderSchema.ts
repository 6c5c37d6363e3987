/**
 * The validation of an `Order Placed` event, hand-built: the EventBridge envelope (the fields Powertools'
 * `EventBridgeSchema` checks) and the order in its `detail`, and the translation of the issues found into the
 * problems a {@link ValidationError} lists: one per bad field, each starting with the field's name, never echoing a
 * card token or a long string.
 *
 * Why not zod and Powertools' parser: loading them took ValidateOrder's cold start to about three times the other
 * steps' (zod alone takes tens of milliseconds to load, and neither is in the Powertools layer, so they added 4.9 MiB
 * to the archive). The checks below are plain functions serialized into the handler; the issues they report keep
 * zod's shape (`code`, `path`, `message`), so the problems read as before.
 */

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

/** The order in an `Order Placed` event's detail, as ValidateOrder returns it (unknown fields dropped). */
export interface OrderDetail {
  orderId: string;
  customerId: string;
  items: { sku: string; quantity: number; unitPrice: number }[];
  totalAmount: number;
  currency?: string;
  cardToken: string;
}

/** The outcome of {@link parseOrderPlaced}: the order, or every issue found (in field order). */
export type OrderParse = { success: true; data: OrderDetail } | { success: false; issues: SchemaIssue[] };

/**
 * Checks an `Order Placed` event: the envelope's fields as EventBridge sends them, then the order in `detail`, and,
 * with the items valid and the total a valid number, that the total equals the sum of quantity x unitPrice,
 * compared in integer cents (0.1 + 0.2 !== 0.3 in floating point, 10 + 20 === 30). Collects every issue.
 *
 * @example
 * const parsed = parseOrderPlaced(event);
 * if (!parsed.success) throw new ValidationError(problemsOf(parsed.issues, event).map((p) => p.text));
 */
export function parseOrderPlaced(event: unknown): OrderParse {
  const issues: SchemaIssue[] = [];
  if (!isRecord(event)) return { success: false, issues: [typeIssue([], "object", event)] };
  for (const key of ["version", "id", "source", "account"]) checkString(issues, event, key, {});
  checkString(issues, event, "time", { pattern: ISO_DATETIME, invalid: "Invalid ISO datetime" });
  checkString(issues, event, "region", {});
  const resources = event.resources;
  if (!Array.isArray(resources)) issues.push(typeIssue(["resources"], "array", resources));
  else for (const index of resources.keys()) checkString(issues, resources, index, {}, ["resources"]);
  checkString(issues, event, "detail-type", {});
  const detail = event.detail;
  const order = checkDetail(issues, detail);
  if (event["replay-name"] !== undefined) checkString(issues, event, "replay-name", {});
  return issues.length === 0 && order ? { success: true, data: order } : { success: false, issues };
}

const ISO_DATETIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?Z$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** The order in `detail`, or undefined after adding its issues (paths from the event's root) to `issues`. */
function checkDetail(issues: SchemaIssue[], detail: unknown): OrderDetail | undefined {
  if (!isRecord(detail)) {
    issues.push(typeIssue(["detail"], "object", detail));
    return undefined;
  }
  const found: SchemaIssue[] = [];
  const id = { min: 1, max: ORDER_LIMITS.idLength, pattern: ID_PATTERN };
  checkString(found, detail, "orderId", id, ["detail"]);
  checkString(found, detail, "customerId", id, ["detail"]);
  const items = detail.items;
  if (!Array.isArray(items)) found.push(typeIssue(["detail", "items"], "array", items));
  else {
    for (const [index, item] of items.entries()) {
      const at = ["detail", "items", index];
      if (!isRecord(item)) {
        found.push(typeIssue(at, "object", item));
        continue;
      }
      checkString(found, item, "sku", { min: 1, max: ORDER_LIMITS.idLength, pattern: NOT_BLANK }, at);
      checkNumber(found, item, "quantity", { integer: true, positive: true, max: ORDER_LIMITS.quantity }, at);
      checkNumber(found, item, "unitPrice", { max: ORDER_LIMITS.amount }, at);
    }
    if (items.length < 1) found.push({ code: "too_small", path: ["detail", "items"], message: "Too small: expected at least 1 item" });
    if (items.length > ORDER_LIMITS.items)
      found.push({ code: "too_big", path: ["detail", "items"], message: `Too big: expected at most ${ORDER_LIMITS.items} items` });
  }
  checkNumber(found, detail, "totalAmount", { max: ORDER_LIMITS.amount }, ["detail"]);
  if (detail.currency !== undefined) checkString(found, detail, "currency", { pattern: CURRENCY_PATTERN }, ["detail"]);
  checkString(found, detail, "cardToken", { min: 1, max: ORDER_LIMITS.cardTokenLength, pattern: NOT_BLANK }, ["detail"]);
  // The sum is checked even when other fields are bad, as long as the items and the total themselves are valid.
  const order = detail as unknown as OrderDetail;
  if (!found.some((issue) => issue.path[1] === "items" || issue.path[1] === "totalAmount")) {
    const cents = centsOf(order.items);
    if (Math.round(order.totalAmount * 100) !== cents) {
      found.push({
        code: "custom",
        path: ["detail", "totalAmount"],
        message: `totalAmount ${order.totalAmount} does not equal the sum of quantity x unitPrice over the items (${(cents / 100).toFixed(2)})`,
      });
    }
  }
  issues.push(...found);
  if (found.length > 0) return undefined;
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    items: order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    totalAmount: order.totalAmount,
    ...(order.currency === undefined ? {} : { currency: order.currency }),
    cardToken: order.cardToken,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function typeIssue(path: PropertyKey[], expected: string, value: unknown): SchemaIssue {
  const received = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  return { code: "invalid_type", path, message: `Invalid input: expected ${expected}, received ${received}` };
}

/** Checks the string at `holder[key]`, adding an issue per broken rule (its type alone when it is not a string). */
function checkString(
  issues: SchemaIssue[],
  holder: Record<PropertyKey, unknown> | unknown[],
  key: PropertyKey,
  rules: { min?: number; max?: number; pattern?: RegExp; invalid?: string },
  parent: PropertyKey[] = [],
): void {
  const value = (holder as Record<PropertyKey, unknown>)[key];
  const path = [...parent, key];
  if (typeof value !== "string") {
    issues.push(typeIssue(path, "string", value));
    return;
  }
  if (rules.min !== undefined && value.length < rules.min)
    issues.push({ code: "too_small", path, message: `Too small: expected string to have >=${rules.min} characters` });
  if (rules.max !== undefined && value.length > rules.max)
    issues.push({ code: "too_big", path, message: `Too big: expected string to have <=${rules.max} characters` });
  if (rules.pattern && !rules.pattern.test(value))
    issues.push({ code: "invalid_format", path, message: rules.invalid ?? `Invalid string: must match pattern ${rules.pattern}` });
}

/**
 * Checks the finite, non-negative number at `holder[key]`. NaN and infinities are numbers of the wrong value, reported
 * like a wrong type (as zod does) but classified as invalid values by `kindOf`.
 */
function checkNumber(
  issues: SchemaIssue[],
  holder: Record<PropertyKey, unknown>,
  key: PropertyKey,
  rules: { integer?: boolean; positive?: boolean; max: number },
  parent: PropertyKey[],
): void {
  const value = holder[key];
  const path = [...parent, key];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    issues.push(typeIssue(path, "number", value));
    return;
  }
  if (rules.integer && !Number.isInteger(value))
    issues.push({ code: "invalid_type", path, message: "Invalid input: expected int, received number" });
  if (rules.positive ? value <= 0 : value < 0)
    issues.push({ code: "too_small", path, message: `Too small: expected number to be ${rules.positive ? ">0" : ">=0"}` });
  if (value > rules.max) issues.push({ code: "too_big", path, message: `Too big: expected number to be <=${rules.max}` });
}

function centsOf(items: { quantity: number; unitPrice: number }[]): number {
  return items.reduce((sum, line) => sum + Math.round(line.quantity * line.unitPrice * 100), 0);
}

/** An issue found in the event (zod's shape): its code, the path from the event's root, and a message. */
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
