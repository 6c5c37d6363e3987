/**
 * Payload templates (`parameters`, `resultSelector`, `itemSelector`, a child workflow's `input`) and literal results:
 * plain JSON, with `.$` keys holding paths or intrinsics. One walker serves them all, so a rule AWS enforces on
 * templates holds for every field that takes one.
 */
import { intrinsicProblem, looksLikeIntrinsic } from "../intrinsics";
import type { Report } from "./errors";
import { MAX_TEMPLATE_DEPTH } from "./limits";
import { isPath, PATH_HINT } from "./paths";
import { describeValue, isDeferredValue, isObject } from "./values";

/** How a value is read: as a payload template (`.$` keys are paths or intrinsics), and whether Outputs may stand in it. */
export interface TemplateRules {
  /** Keys ending in `.$` hold a path or an intrinsic (a payload template), rather than being plain keys (a literal). */
  isTemplate: boolean;
  /** Pulumi Outputs may stand for values: only a service call's request (a table's name) resolves them at deploy time. */
  outputsAllowed: boolean;
}

/**
 * An ASL payload template: a JSON object whose keys ending in `.$` hold a path (`$...`, or `$$...` for the Context
 * Object) or an intrinsic function (`States.Format(...)`, name and arity checked as AWS does), at any depth; other
 * values are plain JSON.
 *
 * @param purpose what the field builds, said in the error for a non-object (e.g. "that builds each iteration's input")
 * @example
 * checkPayloadTemplate("Shape", "parameters", { "id.$": "States.UUID(1)" }, report)
 * // reports: Shape: `parameters["id.$"]` is "States.UUID(1)": States.UUID takes 0 arguments, got 1 ...
 */
export function checkPayloadTemplate(
  name: string,
  field: string,
  template: unknown,
  report: Report,
  { outputsAllowed = false, purpose = "(a payload template)" }: { outputsAllowed?: boolean; purpose?: string } = {},
): void {
  if (!isObject(template) || isDeferredValue(template)) {
    report(
      name,
      `has \`${field}: ${describeValue(template)}\`: give an object ${purpose}, e.g. { "orderId.$": "$.detail.orderId", "item.$": "$$.Map.Item.Value", "label.$": "States.Format('order {}', $.detail.orderId)" }.`,
    );
    return;
  }
  checkTemplateValue(name, field, template, report, { isTemplate: true, outputsAllowed });
}

/** Plain JSON at any depth; in a payload template, keys ending in `.$` must hold a path or a valid intrinsic. */
export function checkTemplateValue(name: string, where: string, value: unknown, report: Report, rules: TemplateRules, depth = 0): void {
  if (depth > MAX_TEMPLATE_DEPTH) {
    report(name, `\`${where}\` is nested more than ${MAX_TEMPLATE_DEPTH} levels deep (or contains itself): flatten it.`);
  } else if (isDeferredValue(value)) {
    if (!rules.outputsAllowed)
      report(
        name,
        `\`${where}\` is ${describeValue(value)}: use plain JSON values here; only a service call's request may hold Pulumi Outputs.`,
      );
  } else if (Array.isArray(value)) {
    for (const [i, element] of value.entries()) checkTemplateValue(name, `${where}[${i}]`, element, report, rules, depth + 1);
  } else if (isObject(value)) {
    for (const [key, field] of Object.entries(value)) {
      const at = `${where}["${key}"]`;
      if (!rules.isTemplate || !key.endsWith(".$")) {
        checkTemplateValue(name, at, field, report, rules, depth + 1);
        continue;
      }
      if (Object.hasOwn(value, key.slice(0, -2)))
        report(name, `\`${where}\` has both "${key.slice(0, -2)}" and "${key}": AWS rejects the duplicate field; keep one.`);
      if (typeof field === "string" && looksLikeIntrinsic(field)) {
        const problem = intrinsicProblem(field, isPath);
        if (problem) report(name, `\`${at}\` is ${describeValue(field)}: ${problem}.`);
      } else if (!isPath(field))
        report(
          name,
          `\`${at}\` is ${describeValue(field)}: a key ending in ".$" takes a JSONPath starting with "$" (e.g. "$.detail.orderId", "$$.Map.Item.Value"; ${PATH_HINT}) or an intrinsic function such as "States.Format('{}', $.id)"; for a fixed value drop the ".$" from the key.`,
        );
    }
  } else if (
    value === undefined ||
    (typeof value === "number" && !Number.isFinite(value)) ||
    ["function", "bigint", "symbol"].includes(typeof value)
  ) {
    report(name, `\`${where}\` is ${describeValue(value)}: use plain JSON values (string, number, boolean, null, object or array).`);
  }
}
