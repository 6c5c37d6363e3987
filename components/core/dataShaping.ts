/**
 * Validation of data shaping: the payload templates of `parameters` (task, pass, callAwsService) and `resultSelector`
 * (task, parallel, map, callAwsService). A key ending in `.$` must hold a path or an intrinsic function that AWS
 * accepts (name and arity, see intrinsics.ts); everything else must be plain JSON (validation/templates.ts walks them).
 */
import type { Step } from "../steps/types";
import type { Report } from "./validation/errors";
import { checkPayloadTemplate } from "./validation/templates";

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
    else checkPayloadTemplate(name, "parameters", s.parameters, report, { outputsAllowed: deferredAllowed });
  }
  if (s.resultSelector !== undefined) {
    if (!takesSelector)
      report(name, `has \`resultSelector\`, which a ${step.kind} step does not take (ASL allows it on Task, Parallel and Map).`);
    else checkPayloadTemplate(name, "resultSelector", s.resultSelector, report);
  }
  if (step.kind === "pass" && s.parameters !== undefined && s.result !== undefined)
    report(name, "sets both `result` and `parameters`: the fixed `result` would replace what `parameters` builds; keep one.");
}
