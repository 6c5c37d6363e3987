/** The fields of one step, by kind: handler, timeouts, paths, branches, items, choices, waits and integrations. */
import type { MapStep, Step, TaskStep } from "../../steps/types";
import { checkStartWorkflow } from "../childWorkflows";
import { checkDataShaping } from "../dataShaping";
import { checkMapLabel } from "../mapLabel";
import { hasMapIo } from "../walk";
import { checkMapIo } from "./mapIo";
import { checkServiceCall } from "../serviceCalls";
import { checkCallback } from "./callback";
import { checkCondition } from "./conditions";
import type { Report } from "./errors";
import { FORBIDDEN_NAME_CHARACTERS, MAX_ASL_SECONDS } from "./limits";
import { isPath, isResultPath, PATH_HINT } from "./paths";
import { checkPermission } from "./permissions";
import { checkCatches, checkRetries } from "./retries";
import { checkTaskSettings } from "./taskSettings";
import { checkPayloadTemplate, checkTemplateValue } from "./templates";
import { describeValue, isObject, isPositiveInteger, isWholeNumber } from "./values";

export function checkStep(step: Step, name: string, report: Report): void {
  const show = describeValue;
  const checkPath = (field: string, value: unknown) => {
    const valid = field === "resultPath" ? isResultPath : isPath;
    // ASL gives null a meaning only in InputPath, OutputPath and ResultPath (an empty input, or discard the result).
    const nullable = field === "resultPath" || field === "inputPath" || field === "outputPath";
    if (value !== undefined && !(value === null && nullable) && !valid(value))
      report(
        name,
        `\`${field}\` is ${show(value)}: ${PATH_HINT}${field === "resultPath" ? '; a result path writes into the state input, so it cannot start with "$$"' : ""}.`,
      );
  };
  checkDataShaping(step, name, report);
  // Tasks check their paths with the others; ASL allows neither path on a Fail state.
  if (step.kind !== "task" && step.kind !== "callAwsService" && step.kind !== "startWorkflow") {
    const { inputPath, outputPath } = step as { inputPath?: unknown; outputPath?: unknown };
    if (step.kind !== "fail")
      for (const [field, value] of [
        ["inputPath", inputPath],
        ["outputPath", outputPath],
      ] as const)
        checkPath(field, value);
    else if (inputPath !== undefined || outputPath !== undefined)
      report(name, "has `inputPath` or `outputPath`: ASL allows neither on a Fail state; remove them (shape the state before it).");
  }
  switch (step.kind) {
    case "callAwsService":
    case "startWorkflow":
      if (step.kind === "callAwsService") checkServiceCall(step, name, report);
      else checkStartWorkflow(step, name, report);
      for (const field of ["inputPath", "resultPath", "outputPath"] as const) checkPath(field, step[field]);
      checkRetries(name, step.retry, report);
      checkCatches(name, step.catch, report);
      break;
    case "task": {
      if (typeof step.handler !== "function")
        report(
          name,
          step.callback !== undefined &&
            (step as { queue?: unknown }).queue !== undefined &&
            (step as { topic?: unknown }).topic !== undefined
            ? "has both a `queue` and a `topic`: give waitForCallback exactly one of `handler`, `queue` and `topic`."
            : step.callback !== undefined
              ? "has no handler: give waitForCallback a `handler` (a Lambda hands the token off), a `queue` or a `topic` (a message carries it)."
              : "has no handler: pass `handler: async (input, context) => ...`.",
        );
      if (step.timeoutSeconds === undefined)
        report(
          name,
          step.callback !== undefined
            ? "has no `timeoutSeconds`: a callback step must bound its wait for an answer, e.g. `timeoutSeconds: 86_400` (a day); its Lambda's own timeout is `handlerTimeoutSeconds`."
            : "has no `timeoutSeconds`: every task needs one, or a hung Lambda holds the execution until the workflow times out (e.g. `timeoutSeconds: 30`).",
        );
      else if (!isWholeNumber(step.timeoutSeconds, 2, MAX_ASL_SECONDS))
        report(
          name,
          `has \`timeoutSeconds: ${show(step.timeoutSeconds)}\`: use a whole number of at least 2 (its Lambda gets a shorter timeout of at least 1 s) and at most ${MAX_ASL_SECONDS} (Step Functions' ceiling).`,
        );
      if (step.memorySize !== undefined && (!Number.isInteger(step.memorySize) || step.memorySize < 128 || step.memorySize > 10240)) {
        report(name, `has \`memorySize: ${show(step.memorySize)}\`: Lambda accepts whole megabytes from 128 to 10240.`);
      }
      if (step.callback !== undefined) checkCallback(name, step as TaskStep, report);
      checkTaskSettings(step, name, report);
      const idempotency: unknown = step.idempotency;
      if (idempotency !== undefined) {
        if (!isObject(idempotency))
          report(
            name,
            `has \`idempotency: ${show(idempotency)}\`: give an object naming the key, e.g. \`idempotency: { keyPath: "orderId" }\`.`,
          );
        else {
          if (typeof idempotency.keyPath !== "string" || idempotency.keyPath.trim() === "")
            report(name, 'has `idempotency` without a `keyPath`: name the input field that identifies a request, e.g. "orderId".');
          if (
            idempotency.payloadValidationPath !== undefined &&
            (typeof idempotency.payloadValidationPath !== "string" || idempotency.payloadValidationPath.trim() === "")
          )
            report(
              name,
              'has an empty `idempotency.payloadValidationPath`: name the fields a replay must repeat, e.g. "[totalAmount, currency]", or leave it out.',
            );
          if (idempotency.expiresAfterSeconds !== undefined && !isPositiveInteger(idempotency.expiresAfterSeconds))
            report(
              name,
              `has \`idempotency.expiresAfterSeconds: ${show(idempotency.expiresAfterSeconds)}\`: use a positive whole number of seconds.`,
            );
        }
      }
      const permissions: unknown = step.permissions;
      if (permissions !== undefined) {
        if (!Array.isArray(permissions))
          report(
            name,
            `has \`permissions: ${show(permissions)}\`: give a list of grants, e.g. \`permissions: [{ actions: ["s3:GetObject"], resources: [objectArn] }]\`.`,
          );
        else for (const [i, grant] of permissions.entries()) checkPermission(name, grant, i, report);
      }
      checkPath("inputPath", step.inputPath);
      checkPath("resultPath", step.resultPath);
      checkPath("outputPath", step.outputPath);
      checkRetries(name, step.retry, report);
      checkCatches(name, step.catch, report);
      break;
    }
    case "parallel": {
      const branches: unknown = step.branches;
      if (branches === undefined || (Array.isArray(branches) && branches.length === 0))
        report(name, "has no branches: give `branches` at least one non-empty step list.");
      else if (!Array.isArray(branches))
        report(name, `has \`branches: ${show(branches)}\`: give a list of step lists, e.g. \`branches: [[task(...)], [task(...)]]\`.`);
      else
        branches.forEach((branch, i) => {
          if (!Array.isArray(branch))
            report(name, `branch ${i} is ${show(branch)}, not a step list: give it a list of steps, e.g. [task(...)], or remove it.`);
          else if (branch.length === 0) report(name, `branch ${i} is empty: give it at least one step, or remove it.`);
        });
      checkPath("resultPath", step.resultPath);
      checkRetries(name, step.retry, report);
      checkCatches(name, step.catch, report);
      break;
    }
    case "map": {
      const inner: unknown = step.steps;
      if (inner === undefined || (Array.isArray(inner) && inner.length === 0))
        report(name, "has no steps: give `steps` at least one step to run per item.");
      else if (!Array.isArray(inner))
        report(name, `has \`steps: ${show(inner)}\`: give a list of the steps to run per item, e.g. \`steps: [task(...)]\`.`);
      checkMapIo(step, name, report);
      if (step.maxConcurrency !== undefined && !(Number.isInteger(step.maxConcurrency) && step.maxConcurrency >= 0))
        report(name, `\`maxConcurrency\` is ${show(step.maxConcurrency)}: use a whole number, 0 meaning no limit.`);
      checkMapTolerance(step, name, report);
      checkMapLabel(step.label, name, report, FORBIDDEN_NAME_CHARACTERS);
      if (step.itemSelector !== undefined)
        checkPayloadTemplate(name, "itemSelector", step.itemSelector, report, { purpose: "that builds each iteration's input" });
      checkPath("resultPath", step.resultPath);
      checkRetries(name, step.retry, report);
      checkCatches(name, step.catch, report);
      break;
    }
    case "choice": {
      const choices: unknown = step.choices;
      if (choices === undefined || choices === null || (Array.isArray(choices) && choices.length === 0))
        report(name, "has no choices: give at least one `{ condition, next }`.");
      else if (!Array.isArray(choices)) report(name, `has \`choices: ${show(choices)}\`: give a list of \`{ condition, next }\`.`);
      else
        choices.forEach((c, i) => {
          if (!isObject(c))
            report(
              name,
              `choices[${i}] is ${show(c)}: give \`{ condition, next }\`, e.g. { condition: { variable: "$.amount", numericGreaterThan: 100 }, next: "Review" }.`,
            );
          else checkCondition(name, `choices[${i}].condition`, c.condition, report, 0);
        });
      break;
    }
    case "wait": {
      const hasSeconds = step.seconds !== undefined;
      const hasTimestamp = step.timestampPath !== undefined;
      const hasSecondsPath = step.secondsPath !== undefined;
      if ([hasSeconds, hasTimestamp, hasSecondsPath].filter(Boolean).length !== 1)
        report(name, "needs exactly one of `seconds`, `secondsPath` or `timestampPath`.");
      if (hasSecondsPath) checkPath("secondsPath", step.secondsPath);
      if (hasSeconds && !isWholeNumber(step.seconds, 1, MAX_ASL_SECONDS))
        report(name, `has \`seconds: ${show(step.seconds)}\`: use a positive whole number, at most ${MAX_ASL_SECONDS}.`);
      if (hasTimestamp) checkPath("timestampPath", step.timestampPath);
      break;
    }
    case "pass":
      checkPath("resultPath", step.resultPath);
      if (step.result !== undefined) checkTemplateValue(name, "result", step.result, report, { isTemplate: false, outputsAllowed: false });
      break;
    case "fail":
      if (step.errorPath !== undefined) {
        if (step.error !== undefined) report(name, "has both `error` and `errorPath`: give one (a fixed name, or where to read it).");
        checkPath("errorPath", step.errorPath);
      } else if (typeof step.error !== "string" || step.error.length === 0)
        report(name, 'has no `error`: name the failure, e.g. "PaymentFailed" (or read it with `errorPath: "$.error.Error"`).');
      if (step.causePath !== undefined) {
        if (step.cause !== undefined) report(name, "has both `cause` and `causePath`: give one (a fixed cause, or where to read it).");
        checkPath("causePath", step.causePath);
      } else if (typeof step.cause !== "string" || step.cause.length === 0)
        report(name, "has no `cause`: say what happened, for the execution history and alarms (or read it with `causePath`).");
      break;
    case "notify":
    case "sendToDeadLetterQueue":
    case "publishEvent":
      if (step.timeoutSeconds !== undefined && !isWholeNumber(step.timeoutSeconds, 1, MAX_ASL_SECONDS))
        report(name, `has \`timeoutSeconds: ${show(step.timeoutSeconds)}\`: use a whole number from 1 to ${MAX_ASL_SECONDS}.`);
      checkPath("resultPath", step.resultPath);
      if (step.kind === "notify") checkPath("messagePath", step.messagePath);
      if (step.kind === "notify" && step.message !== undefined && step.messagePath !== undefined)
        report(name, "sets both `message` and `messagePath`: keep one.");
      if (
        step.kind === "notify" &&
        step.subject !== undefined &&
        (typeof step.subject !== "string" || step.subject.length === 0 || step.subject.length > 100 || !/^[\x20-\x7e]+$/.test(step.subject))
      ) {
        report(name, "has a `subject` SNS would reject: use 1 to 100 printable ASCII characters, no line breaks.");
      }
      if (step.kind === "publishEvent") {
        if (typeof step.source !== "string" || step.source.length === 0) report(name, 'has no `source`: set it, e.g. "order.processor".');
        else if (step.source.startsWith("aws."))
          report(
            name,
            `has \`source: "${step.source}"\`: EventBridge reserves sources starting with "aws." for AWS services; use your own, e.g. "order.processor".`,
          );
        if (typeof step.detailType !== "string" || step.detailType.length === 0)
          report(name, 'has no `detailType`: set it, e.g. "Order Processed".');
        if (step.detailPath !== undefined && !isPath(step.detailPath))
          report(
            name,
            `has \`detailPath: ${show(step.detailPath)}\`: give the JSONPath of the part of the state input to publish as the event's detail, starting with "$" (e.g. "$.detail"), or leave it out to publish the whole input; ${PATH_HINT}.`,
          );
      }
      break;
    case "succeed":
      break;
    default:
      report(name, `has unknown kind ${show((step as { kind: unknown }).kind)}: build it with one of the step builders.`);
  }
}

/**
 * A Map's failure tolerance: AWS takes `ToleratedFailurePercentage` (0 to 100; asl-validator and the local runner
 * accept whole numbers only) and `ToleratedFailureCount` (a whole number from 0), on a Distributed Map only; the
 * child execution type applies to a Distributed Map only.
 */
function checkMapTolerance(step: MapStep, name: string, report: Report): void {
  const show = describeValue;
  const percentage: unknown = step.toleratedFailurePercentage;
  const count: unknown = step.toleratedFailureCount;
  if (percentage !== undefined && !(Number.isInteger(percentage) && (percentage as number) >= 0 && (percentage as number) <= 100))
    report(
      name,
      `has \`toleratedFailurePercentage: ${show(percentage)}\`: use a whole number from 0 to 100, the percentage of items that may fail (e.g. 25 for one in four).`,
    );
  if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 0))
    report(name, `has \`toleratedFailureCount: ${show(count)}\`: use a whole number from 0, the number of items that may fail (e.g. 1).`);
  const executionType: unknown = step.itemExecutionType;
  if (executionType !== undefined) {
    if (executionType !== "STANDARD" && executionType !== "EXPRESS")
      report(name, `has \`itemExecutionType: ${show(executionType)}\`: use "STANDARD" or "EXPRESS".`);
    else if (percentage === undefined && count === undefined && !hasMapIo(step))
      report(
        name,
        "sets `itemExecutionType` without a tolerance: child executions exist only in a Distributed Map, which this library uses for a Map with `toleratedFailurePercentage` or `toleratedFailureCount` (or an `itemReader`, `itemBatcher` or `resultWriter`). Set one, or remove `itemExecutionType`.",
      );
  }
}
