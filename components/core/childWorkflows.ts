/**
 * `startWorkflow` steps: the Task they compile to (`states:startExecution`, `.sync:2` when they wait), the checks of
 * their fields, and the ARNs their grants name (the child's executions, and the EventBridge rule Step Functions
 * manages to learn that a child finished).
 */
import type { StartWorkflowStep } from "../steps/types";
import { SERVICE_INTEGRATIONS, SYNC_2 } from "../asl/integrations";
import { checkPayloadTemplate } from "./validation/templates";
import type { Report } from "./validation/errors";
import { describeValue, isDeferredValue } from "./validation/values";

/** The Task `Resource` of a `startWorkflow` step in `partition`. */
export function startWorkflowResource(step: Pick<StartWorkflowStep, "mode">, partition = "aws"): string {
  return `${SERVICE_INTEGRATIONS.statesStartExecution}${step.mode === "sync" ? SYNC_2 : ""}`.replace(/^arn:aws:/, `arn:${partition}:`);
}

/**
 * The executions of a state machine, as IAM names them for `DescribeExecution`/`StopExecution`.
 *
 * @example
 * childExecutionsArn("arn:aws:states:us-east-1:123456789012:stateMachine:transcode")
 * // "arn:aws:states:us-east-1:123456789012:execution:transcode:*"
 */
export function childExecutionsArn(stateMachineArn: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:*`;
}

/**
 * The rule Step Functions creates in the caller's account to hear that a `.sync` child finished; the execution role
 * needs `events:PutTargets`, `events:PutRule` and `events:DescribeRule` on it (and nothing else of EventBridge).
 */
export function stepFunctionsSyncRuleArn(scope: { partition: string; region: string; accountId: string }): string {
  return `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/** The fields of a `startWorkflow` step: a state machine ARN, a mode, a timeout, an input template. */
export function checkStartWorkflow(step: StartWorkflowStep, name: string, report: Report): void {
  const show = describeValue;
  const arn: unknown = step.stateMachineArn;
  if (arn === undefined || arn === null || arn === "")
    report(name, "has no `stateMachineArn`: name the child, e.g. `stateMachineArn: otherWorkflow.stateMachineArn`.");
  else if (typeof arn === "string" && !STATE_MACHINE_ARN.test(arn))
    report(
      name,
      `has \`stateMachineArn: ${show(arn)}\`, not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>): pass the child's ARN, e.g. another workflow's \`stateMachineArn\` output.`,
    );
  else if (typeof arn !== "string" && !isDeferredValue(arn))
    report(name, `has \`stateMachineArn: ${show(arn)}\`: pass an ARN (a string or a Pulumi Output).`);
  const mode: unknown = step.mode;
  if (mode !== "sync" && mode !== "async")
    report(name, `has \`mode: ${show(mode)}\`: use "sync" to wait for the child's result, or "async" to start it and go on.`);
  const timeout: unknown = step.timeoutSeconds;
  if (timeout === undefined) report(name, "has no `timeoutSeconds`: bound the wait for the child, e.g. `timeoutSeconds: 3600`.");
  else if (!(Number.isInteger(timeout) && (timeout as number) >= 1 && (timeout as number) <= 99_999_999))
    report(name, `has \`timeoutSeconds: ${show(timeout)}\`: use a whole number from 1 to 99999999.`);
  if (step.input !== undefined) checkPayloadTemplate(name, "input", step.input, report);
}
