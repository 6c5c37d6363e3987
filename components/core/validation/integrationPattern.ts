/**
 * The checks of how a `callAwsService` step waits (`integrationPattern`, `callback`) and of the roles it passes
 * (`passRoles`): a job pattern only where Step Functions has one for that call, never with a callback, and role ARNs
 * only, so the derived `iam:PassRole` names exactly what the call hands over.
 */
import type { CallAwsServiceStep } from "../../steps/types";
import { jobIntegrationOf, runJobCalls } from "../integrationPatterns";
import type { Report } from "./errors";
import { describeValue, isDeferredValue } from "./values";

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** `integrationPattern`, its company (`callback`) and `passRoles` of a `callAwsService` step. */
export function checkIntegrationPattern(step: CallAwsServiceStep, name: string, report: Report): void {
  const pattern: unknown = step.integrationPattern;
  const call = `${step.service}:${step.action}`;
  if (pattern !== undefined && pattern !== "requestResponse" && pattern !== "runJob") {
    const token = typeof pattern === "string" && /wait|token|callback/i.test(pattern);
    const job = typeof pattern === "string" && /sync|run_?job/i.test(pattern);
    report(
      name,
      `has \`integrationPattern: ${describeValue(pattern)}\`: ${
        token
          ? "to wait for a task token, give `callback: {}` (with `heartbeatSeconds` if you like) and put `$$.Task.Token` in the request."
          : job
            ? 'write `integrationPattern: "runJob"` to start a job and wait for it (`.sync`).'
            : 'use "requestResponse" (the default) or "runJob" (`.sync`); to wait for a task token, give `callback`.'
      }`,
    );
  }
  if (pattern === "runJob") {
    const row =
      typeof step.service === "string" && typeof step.action === "string" ? jobIntegrationOf(step.service, step.action) : undefined;
    if (step.service === "sfn" || step.service === "states")
      report(
        name,
        `runs ${call} as a job: start a child workflow and wait for it with startWorkflow(name, { stateMachineArn, mode: "sync", ... }).`,
      );
    else if (!row?.runJob)
      report(
        name,
        `has \`integrationPattern: "runJob"\`, and Step Functions has no \`.sync\` integration for ${call}: leave it out (the response is the result), or run one of ${runJobCalls().join(", ")}.`,
      );
    if (step.callback !== undefined)
      report(
        name,
        'has both `integrationPattern: "runJob"` and `callback`: a step waits either for the job to end (`.sync`) or for a task token (`.waitForTaskToken`), not both; keep one.',
      );
  }
  const roles: unknown = step.passRoles;
  if (roles === undefined) return;
  if (!Array.isArray(roles) || roles.length === 0) {
    report(
      name,
      `has \`passRoles: ${describeValue(roles)}\`: list the role ARNs the call hands to the service, e.g. [taskRole.arn], or leave it out.`,
    );
    return;
  }
  for (const role of roles)
    if (!(isDeferredValue(role) || (typeof role === "string" && ROLE_ARN.test(role))))
      report(
        name,
        `has ${describeValue(role)} in \`passRoles\`, not an IAM role ARN (arn:aws:iam::<account>:role/<name>): pass each role's ARN (e.g. taskRole.arn); wildcards are refused, since iam:PassRole on them lets the service act as any role.`,
      );
}
