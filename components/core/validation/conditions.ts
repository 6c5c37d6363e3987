/** Choice conditions: one known comparison per condition, values of the type AWS requires, bounded nesting. */
import type { Report } from "./errors";
import { MAX_CONDITION_DEPTH } from "./limits";
import { isPath, PATH_HINT } from "./paths";
import { describeValue, isObject } from "./values";

const COMPARISON_OPERATORS = new Set([
  "stringEquals",
  "stringEqualsPath",
  "stringLessThan",
  "stringLessThanPath",
  "stringGreaterThan",
  "stringGreaterThanPath",
  "stringLessThanEquals",
  "stringLessThanEqualsPath",
  "stringGreaterThanEquals",
  "stringGreaterThanEqualsPath",
  "stringMatches",
  "numericEquals",
  "numericEqualsPath",
  "numericLessThan",
  "numericLessThanPath",
  "numericGreaterThan",
  "numericGreaterThanPath",
  "numericLessThanEquals",
  "numericLessThanEqualsPath",
  "numericGreaterThanEquals",
  "numericGreaterThanEqualsPath",
  "booleanEquals",
  "booleanEqualsPath",
  "timestampEquals",
  "timestampEqualsPath",
  "timestampLessThan",
  "timestampLessThanPath",
  "timestampGreaterThan",
  "timestampGreaterThanPath",
  "timestampLessThanEquals",
  "timestampLessThanEqualsPath",
  "timestampGreaterThanEquals",
  "timestampGreaterThanEqualsPath",
  "isNull",
  "isPresent",
  "isNumeric",
  "isString",
  "isBoolean",
  "isTimestamp",
]);

export function checkCondition(name: string, where: string, condition: unknown, report: Report, depth: number): void {
  if (!isObject(condition)) {
    report(
      name,
      `${where} is ${condition === undefined ? "missing" : describeValue(condition)}: give a condition such as { variable: "$.amount", numericGreaterThan: 100 }.`,
    );
    return;
  }
  if (depth > MAX_CONDITION_DEPTH) {
    report(name, `${where} is nested more than ${MAX_CONDITION_DEPTH} levels deep (or contains itself): flatten it with \`and\`/\`or\`.`);
    return;
  }
  if ("and" in condition || "or" in condition) {
    const key = "and" in condition ? "and" : "or";
    const list = condition[key];
    if (!Array.isArray(list) || list.length === 0) report(name, `${where} combines no conditions: give \`and\`/\`or\` a non-empty list.`);
    else for (const [i, c] of list.entries()) checkCondition(name, `${where}.${key}[${i}]`, c, report, depth + 1);
    return;
  }
  if ("not" in condition) {
    checkCondition(name, `${where}.not`, condition.not, report, depth + 1);
    return;
  }
  const { variable, ...rest } = condition;
  if (!isPath(variable))
    report(
      name,
      `${where} has \`variable: ${describeValue(variable)}\`: it must be a JSONPath such as "$.detail.totalAmount"; ${PATH_HINT}.`,
    );
  const operators = Object.keys(rest);
  const unknown = operators.filter((op) => !COMPARISON_OPERATORS.has(op));
  if (unknown.length > 0)
    report(
      name,
      `${where} uses unknown operator(s) ${unknown.join(", ")}: use an ASL comparison in camelCase, e.g. numericGreaterThan, stringEquals, isPresent.`,
    );
  else if (operators.length !== 1)
    report(name, `${where} has ${operators.length} comparison operators: use exactly one, or combine conditions with \`and\`/\`or\`.`);
  else {
    const [operator] = operators;
    const expected = comparisonValueProblem(operator, rest[operator]);
    if (expected) report(name, `${where} has \`${operator}: ${describeValue(rest[operator])}\`: ${expected}.`);
  }
}

/** An RFC 3339 timestamp, as Step Functions compares them: date, `T`, time, optional fraction, zone. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** What is wrong with the value of a comparison operator, by the type AWS requires of it; undefined when it fits. */
function comparisonValueProblem(operator: string, value: unknown): string | undefined {
  if (operator.endsWith("Path"))
    return isPath(value) ? undefined : `a \`...Path\` comparison takes the JSONPath of the other value; ${PATH_HINT}`;
  if (operator.startsWith("is")) return typeof value === "boolean" ? undefined : "use true or false";
  if (operator.startsWith("string")) return typeof value === "string" ? undefined : "compare with a string";
  if (operator.startsWith("numeric"))
    return typeof value === "number" && Number.isFinite(value) ? undefined : "compare with a finite number";
  if (operator.startsWith("boolean")) return typeof value === "boolean" ? undefined : "compare with true or false";
  if (operator.startsWith("timestamp"))
    return typeof value === "string" && TIMESTAMP.test(value)
      ? undefined
      : 'compare with an RFC 3339 timestamp such as "2026-01-31T12:00:00Z"';
  return undefined;
}
