/** Retry and Catch rules: well-formed, retrying only transient errors, `States.ALL` alone and last. */
import { isAcknowledgedCatchAll } from "../retryAcknowledgement";
import type { Report } from "./errors";
import { CATCH_ALL_ERRORS, MAX_ASL_SECONDS, MAX_RETRY_DELAY_SECONDS, NEVER_RETRY_ERRORS } from "./limits";
import { isResultPath, PATH_HINT } from "./paths";
import { describeValue, isObject, isWholeNumber } from "./values";

export function checkRetries(name: string, retries: unknown, report: Report): void {
  if (retries === undefined) return;
  if (!Array.isArray(retries)) {
    report(
      name,
      `has \`retry: ${describeValue(retries)}\`: give a list of rules, e.g. \`retry: [{ errors: ["ThrottlingException"], maxAttempts: 3 }]\`.`,
    );
    return;
  }
  const show = describeValue;
  retries.forEach((retry: unknown, i) => {
    const where = `retry[${i}]`;
    if (!isObject(retry)) {
      report(name, `${where} is ${show(retry)}: give a rule such as { errors: ["ThrottlingException"], maxAttempts: 3 }.`);
      return;
    }
    const errors = retry.errors;
    if (!Array.isArray(errors) || errors.length === 0)
      report(name, `${where} has no \`errors\`: list the transient errors to retry, e.g. ["ThrottlingException"].`);
    else checkErrorNames(name, where, errors, report);
    for (const error of Array.isArray(errors) ? errors : []) {
      const acknowledged =
        CATCH_ALL_ERRORS.includes(error) && isAcknowledgedCatchAll(retry, error, (message) => report(name, `${where} ${message}`));
      if (NEVER_RETRY_ERRORS.includes(error) && !acknowledged) {
        const why = CATCH_ALL_ERRORS.includes(error)
          ? "which also matches errors that never heal (a ValidationError stays invalid)"
          : "an error that never heals by retrying";
        report(
          name,
          `${where} retries "${error}", ${why}: retry only transient errors, e.g. ["ThrottlingException", "Lambda.TooManyRequestsException"], and let the rest reach a Catch${CATCH_ALL_ERRORS.includes(error) ? '; if every error of this step is transient, say why with `acknowledgeCatchAll: "<reason>"` and bound `maxAttempts`' : ""}.`,
        );
      }
    }
    if (retry.maxAttempts !== undefined && !isWholeNumber(retry.maxAttempts, 0, MAX_ASL_SECONDS))
      report(name, `${where} has \`maxAttempts: ${show(retry.maxAttempts)}\`: use a whole number from 0 to ${MAX_ASL_SECONDS}.`);
    if (retry.intervalSeconds !== undefined && !isWholeNumber(retry.intervalSeconds, 1, MAX_ASL_SECONDS))
      report(name, `${where} has \`intervalSeconds: ${show(retry.intervalSeconds)}\`: use a whole number from 1 to ${MAX_ASL_SECONDS}.`);
    if (
      retry.backoffRate !== undefined &&
      !(typeof retry.backoffRate === "number" && Number.isFinite(retry.backoffRate) && retry.backoffRate >= 1)
    )
      report(name, `${where} has \`backoffRate: ${show(retry.backoffRate)}\`: use a finite number of at least 1.0, e.g. 2.`);
    if (retry.maxDelaySeconds !== undefined && !isWholeNumber(retry.maxDelaySeconds, 1, MAX_RETRY_DELAY_SECONDS))
      report(
        name,
        `${where} has \`maxDelaySeconds: ${show(retry.maxDelaySeconds)}\`: use a whole number from 1 to ${MAX_RETRY_DELAY_SECONDS} (366 days).`,
      );
    if (retry.jitter !== undefined && retry.jitter !== "FULL" && retry.jitter !== "NONE")
      report(name, `${where} has \`jitter: ${show(retry.jitter)}\`: use "FULL" or "NONE".`);
  });
}

/** Reports error names that are not non-empty strings; true when it reported. */
function checkErrorNames(name: string, where: string, errors: unknown[], report: Report): boolean {
  const bad = errors.filter((e) => typeof e !== "string" || e.length === 0);
  if (bad.length > 0)
    report(name, `${where} has error names ${describeValue(bad)}: each must be a non-empty string, e.g. "ThrottlingException".`);
  return bad.length > 0;
}

export function checkCatches(name: string, catches: unknown, report: Report): void {
  if (catches === undefined) return;
  if (!Array.isArray(catches)) {
    report(
      name,
      `has \`catch: ${describeValue(catches)}\`: give a list of rules, e.g. \`catch: [{ errors: ["States.ALL"], next: "HandleFailure" }]\`.`,
    );
    return;
  }
  catches.forEach((c: unknown, i) => {
    const where = `catch[${i}]`;
    if (!isObject(c)) {
      report(name, `${where} is ${describeValue(c)}: give a rule such as { errors: ["States.ALL"], next: "HandleFailure" }.`);
      return;
    }
    const errors = c.errors;
    if (!Array.isArray(errors) || errors.length === 0)
      report(name, `${where} has no \`errors\`: list the errors it handles, e.g. ["InsufficientFundsError"].`);
    else if (
      !checkErrorNames(name, where, errors, report) &&
      errors.includes("States.ALL") &&
      (errors.length > 1 || i !== catches.length - 1)
    ) {
      report(
        name,
        `${where} uses "States.ALL" beside other errors or before another catch: AWS requires "States.ALL" alone, in the last catch.`,
      );
    }
    if (c.resultPath !== undefined && !isResultPath(c.resultPath))
      report(
        name,
        `${where} has \`resultPath: ${describeValue(c.resultPath)}\`: ${PATH_HINT}, and not "$$" (the Context Object is read-only).`,
      );
  });
}
