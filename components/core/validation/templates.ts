/** Payload templates (`itemSelector`) and literal results: plain JSON, with `.$` keys holding paths or intrinsics. */
import { intrinsicProblem, looksLikeIntrinsic } from "../intrinsics";
import type { Report } from "./errors";
import { MAX_TEMPLATE_DEPTH } from "./limits";
import { isPath, PATH_HINT } from "./paths";
import { describeValue, isDeferredValue, isObject } from "./values";

/**
 * An ASL payload template (`itemSelector`): a JSON object whose keys ending in `.$` hold a path (`$...`, or `$$...` for
 * the Context Object) or an intrinsic function (`States.Format(...)`), at any depth; other values are plain JSON.
 */
export function checkPayloadTemplate(name: string, field: string, template: unknown, report: Report): void {
  if (!isObject(template) || isDeferredValue(template)) {
    report(
      name,
      `has \`${field}: ${describeValue(template)}\`: give an object that builds each iteration's input, e.g. { "claimId.$": "$.detail.claimId", "item.$": "$$.Map.Item.Value" }.`,
    );
    return;
  }
  checkTemplateValue(name, field, template, report, 0, true);
}

/** Plain JSON at any depth; in a payload template (`isTemplate`), keys ending in `.$` must hold a path. */
export function checkTemplateValue(name: string, where: string, value: unknown, report: Report, depth: number, isTemplate: boolean): void {
  const show = describeValue;
  if (depth > MAX_TEMPLATE_DEPTH) {
    report(name, `\`${where}\` is nested more than ${MAX_TEMPLATE_DEPTH} levels deep (or contains itself): flatten it.`);
  } else if (Array.isArray(value)) {
    for (const [i, element] of value.entries()) checkTemplateValue(name, `${where}[${i}]`, element, report, depth + 1, isTemplate);
  } else if (isObject(value) && !isDeferredValue(value)) {
    for (const [key, field] of Object.entries(value)) {
      const at = `${where}["${key}"]`;
      if (!isTemplate || !key.endsWith(".$")) {
        checkTemplateValue(name, at, field, report, depth + 1, isTemplate);
        continue;
      }
      if (Object.hasOwn(value, key.slice(0, -2)))
        report(name, `\`${where}\` has both "${key.slice(0, -2)}" and "${key}": AWS rejects the duplicate field; keep one.`);
      const intrinsic = typeof field === "string" && looksLikeIntrinsic(field) ? intrinsicProblem(field, isPath) : undefined;
      if (intrinsic) report(name, `\`${at}\` is ${show(field)}: ${intrinsic}.`);
      else if (typeof field !== "string" || !(isPath(field) || looksLikeIntrinsic(field)))
        report(
          name,
          `\`${at}\` is ${show(field)}: a key ending in ".$" takes a JSONPath starting with "$" (e.g. "$.detail.claimId", "$$.Map.Item.Value"; ${PATH_HINT}) or an intrinsic function such as "States.Format('{}', $.id)"; for a fixed value drop the ".$" from the key.`,
        );
    }
  } else if (
    value === undefined ||
    (typeof value === "number" && !Number.isFinite(value)) ||
    typeof value === "function" ||
    typeof value === "bigint" ||
    typeof value === "symbol" ||
    isDeferredValue(value)
  ) {
    report(name, `\`${where}\` is ${show(value)}: use plain JSON values (string, number, boolean, null, object or array).`);
  }
}
