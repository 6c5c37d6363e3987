/** The numbers and names AWS and this library hold a step list to: ceilings, name rules, never-retried errors. */

/** AWS state names: at most 80 characters, none of whitespace, brackets, wildcards or these punctuation marks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: AWS refuses control characters in state names; matching them is the point.
export const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
/** Task names also name a Lambda function and its log group, which accept fewer characters. */
export const TASK_NAME = /^[A-Za-z0-9_-]+$/;
export const MAX_STATE_NAME_LENGTH = 80;
/** Lambda's own ceiling; a task's Lambda gets a shorter timeout than the task. */
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
/** Errors that never heal by retrying: a bad input stays bad, a missing permission stays missing. */
export const NEVER_TRANSIENT_ERRORS = [
  "ValidationError",
  "States.Permissions",
  "States.Runtime",
  "States.ResultPathMatchFailure",
  "States.ParameterPathFailure",
  "States.QueryEvaluationError",
  "States.IntrinsicFailure",
  "States.NoChoiceMatched",
];
/** The catch-all error names: they match every failure, transient or not. */
export const CATCH_ALL_ERRORS = ["States.ALL", "States.TaskFailed"];
/**
 * Error names a Retry may not name: the never-transient ones, and the catch-alls that also match them
 * (`States.TaskFailed` matches every handler error, `ValidationError` included). Retrying them is the article's
 * third mistake. The policy pack's `sfn-retry-transient-only` starts from the same list.
 */
export const NEVER_RETRY_ERRORS = [...CATCH_ALL_ERRORS, ...NEVER_TRANSIENT_ERRORS];

/** Step Functions' ceiling on TimeoutSeconds, HeartbeatSeconds, Wait Seconds, Retry IntervalSeconds and MaxAttempts. */
export const MAX_ASL_SECONDS = 99_999_999;
/** Step Functions' ceiling on a Retrier's MaxDelaySeconds (366 days). */
export const MAX_RETRY_DELAY_SECONDS = 31_622_400;

/** Guards the recursion of every walk over nested step lists; real workflows nest a few levels deep. */
export const MAX_NESTING_DEPTH = 24;
/** Guards against a condition that contains itself; real conditions are a few levels deep. */
export const MAX_CONDITION_DEPTH = 32;

/** The name the approval endpoint's resources take after the workflow's; no task may take it. */
export const APPROVAL_ENDPOINT_NAME = "approval-link";

/** Guards against a payload template that contains itself; real templates are a few levels deep. */
export const MAX_TEMPLATE_DEPTH = 32;
