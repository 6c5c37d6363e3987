/**
 * Validation of data shaping: the payload templates of `parameters` (task, pass, callAwsService) and `resultSelector`
 * (task, parallel, map, callAwsService). A key ending in `.$` must hold a path or an intrinsic function that AWS
 * accepts (name and arity, see intrinsics.ts); everything else must be plain JSON.
 */
import type { Step } from "../steps/types";
import { intrinsicProblem, looksLikeIntrinsic } from "./intrinsics";
import type { Report } from "./validation/errors";
import { MAX_TEMPLATE_DEPTH } from "./validation/limits";
import { isPath, PATH_HINT } from "./validation/paths";
import { describeValue, isDeferredValue } from "./validation/values";

/** The data-shaping fields of `step`, checked; silent for steps without any. */
export function checkDataShaping(step: Step, name: string, report: Report): void {
  const s = step as { parameters?: unknown; resultSelector?: unknown; result?: unknown };
  const takesParameters = ["task", "pass", "parallel", "callAwsService"].includes(step.kind);
  const takesSelector = ["task", "map", "parallel", "callAwsService", "startWorkflow"].includes(step.kind);
  // A service call's fixed request values may be Outputs (a table's name); a Lambda's envelope and a Pass are data.
  const deferredAllowed = step.kind === "callAwsService";
  if (s.parameters !== undefined) {
    if (!takesParameters)
      report(
        name,
        `has \`parameters\`, which a ${step.kind} step does not take${step.kind === "map" ? ": a Map builds each iteration's input with `itemSelector`" : ""}.`,
      );
    else checkTemplate(name, "parameters", s.parameters, report, deferredAllowed);
  }
  if (s.resultSelector !== undefined) {
    if (!takesSelector)
      report(name, `has \`resultSelector\`, which a ${step.kind} step does not take (ASL allows it on Task, Parallel and Map).`);
    else checkTemplate(name, "resultSelector", s.resultSelector, report, false);
  }
  if (step.kind === "pass" && s.parameters !== undefined && s.result !== undefined)
    report(name, "sets both `result` and `parameters`: the fixed `result` would replace what `parameters` builds; keep one.");
}

/**
 * A payload template: an object whose `.$` keys hold a path or an intrinsic call, at any depth.
 *
 * @example
 * checkTemplate("Shape", "parameters", { "id.$": "States.UUID(1)" }, report, false)
 * // reports: `parameters["id.$"]` "States.UUID" takes 0 arguments, given 1 ...
 */
export function checkTemplate(name: string, field: string, template: unknown, report: Report, deferredAllowed: boolean): void {
  if (typeof template !== "object" || template === null || Array.isArray(template) || isDeferredValue(template)) {
    report(
      name,
      `has \`${field}: ${describeValue(template)}\`: give an object (a payload template), e.g. { "orderId.$": "$.detail.orderId", "label.$": "States.Format('order {}', $.detail.orderId)" }.`,
    );
    return;
  }
  walk(name, field, template, report, deferredAllowed, 0);
}

function walk(name: string, where: string, value: unknown, report: Report, deferredAllowed: boolean, depth: number): void {
  if (depth > MAX_TEMPLATE_DEPTH) {
    report(name, `\`${where}\` is nested more than ${MAX_TEMPLATE_DEPTH} levels deep (or contains itself): flatten it.`);
    return;
  }
  if (isDeferredValue(value)) {
    if (!deferredAllowed)
      report(
        name,
        `\`${where}\` is ${describeValue(value)}: use plain JSON values here; only a service call's request may hold Pulumi Outputs.`,
      );
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, element] of value.entries()) walk(name, `${where}[${i}]`, element, report, deferredAllowed, depth + 1);
    return;
  }
  if (typeof value === "object" && value !== null) {
    const fields = value as Record<string, unknown>;
    for (const [key, field] of Object.entries(fields)) {
      const at = `${where}["${key}"]`;
      if (!key.endsWith(".$")) {
        walk(name, at, field, report, deferredAllowed, depth + 1);
        continue;
      }
      if (Object.hasOwn(fields, key.slice(0, -2)))
        report(name, `\`${where}\` has both "${key.slice(0, -2)}" and "${key}": AWS rejects the duplicate field; keep one.`);
      if (typeof field === "string" && looksLikeIntrinsic(field)) {
        const problem = intrinsicProblem(field, isPath);
        if (problem) report(name, `\`${at}\` ${problem}.`);
      } else if (!isPath(field))
        report(
          name,
          `\`${at}\` is ${describeValue(field)}: a key ending in ".$" takes a JSONPath starting with "$" (e.g. "$.detail.orderId", "$$.Execution.Id"; ${PATH_HINT}) or an intrinsic function such as "States.Format('{}', $.id)"; for a fixed value drop the ".$" from the key.`,
        );
    }
    return;
  }
  if (
    value === undefined ||
    (typeof value === "number" && !Number.isFinite(value)) ||
    ["function", "bigint", "symbol"].includes(typeof value)
  )
    report(name, `\`${where}\` is ${describeValue(value)}: use plain JSON values (string, number, boolean, null, object or array).`);
}
