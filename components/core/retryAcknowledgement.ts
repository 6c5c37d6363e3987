/**
 * A Retry on `States.ALL` or `States.TaskFailed` matches errors that never heal (a ValidationError stays invalid), so
 * validateSteps refuses it unless the rule says why it is safe (`acknowledgeCatchAll`) and bounds its attempts
 * explicitly: 46 of 288 of AWS's own sample workflows retry that way, around calls whose errors are transient.
 */

/** The most attempts an acknowledged catch-all Retry may make: the policy pack's `sfn-retry-bounded` default. */
export const MAX_CATCH_ALL_ATTEMPTS = 3;

/**
 * Whether `retry` may retry the catch-all `error` (`States.ALL`, `States.TaskFailed`) because it acknowledges it; reports what is wrong with an acknowledgement
 * that is there but incomplete (and then answers true: the rule has been reported once, precisely).
 *
 * @example
 * { errors: ["States.ALL"], maxAttempts: 2, acknowledgeCatchAll: "the partner API fails transiently with any error" }
 */
export function isAcknowledgedCatchAll(retry: Record<string, unknown>, error: string, report: (message: string) => void): boolean {
  if (retry.acknowledgeCatchAll === undefined) return false;
  const reason = retry.acknowledgeCatchAll;
  if (typeof reason !== "string" || reason.trim() === "") {
    report(`has \`acknowledgeCatchAll: ${JSON.stringify(reason)}\`: say why retrying "${error}" is safe here, as a non-empty reason.`);
    return true;
  }
  const attempts = retry.maxAttempts;
  if (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 0 || attempts > MAX_CATCH_ALL_ATTEMPTS)
    report(
      `retries "${error}" with \`maxAttempts: ${attempts === undefined ? "(not set)" : JSON.stringify(attempts)}\`: an acknowledged catch-all retry must bound its attempts explicitly, at most ${MAX_CATCH_ALL_ATTEMPTS} (e.g. \`maxAttempts: 2\`).`,
    );
  return true;
}
