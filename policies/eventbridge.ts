/**
 * EventBridge policies: a target that starts a state machine retries briefly and keeps what it cannot
 * deliver in a dead-letter queue.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { label, onTypes, TYPES, unknownDuringPreview } from "./common";
import { isRecord, prop, propPath, UNKNOWN } from "./values";

const STATE_MACHINE_ARN = /^arn:aws[a-zA-Z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:/;

/**
 * `eventbridge-sfn-target-retry-dlq`: a state machine target has a retry policy and a DLQ. No remediation: the
 * DLQ is a queue (with a queue policy) the owner must create.
 */
export const eventbridgeSfnTargetRetryDlq: ResourceValidationPolicy = {
  name: "eventbridge-sfn-target-retry-dlq",
  description: "Every EventBridge target that starts a state machine has a retry policy and a dead-letter queue.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["eventbridge", "step-functions", "error-handling"],
  remediationSteps:
    "On the aws.cloudwatch.EventTarget, set retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 } (values to suit) and deadLetterConfig: { arn: dlq.arn } with an SQS queue whose queue policy allows events.amazonaws.com sqs:SendMessage with the condition aws:SourceArn = the rule's ARN.",
  validateResource: onTypes(TYPES.eventTarget, (args, report) => {
    const arn = prop(args.props, "arn");
    const retryPolicy = prop(args.props, "retryPolicy");
    const dlqArn = propPath(args.props, "deadLetterConfig", "arn");
    const hasRetry = isRecord(retryPolicy) || retryPolicy === UNKNOWN;
    const hasDlq = (typeof dlqArn === "string" && dlqArn !== "") || dlqArn === UNKNOWN;
    if (arn === UNKNOWN) {
      if (hasRetry && hasDlq) return;
      return unknownDuringPreview(args, "arn", "The target's arn");
    }
    if (typeof arn !== "string" || !STATE_MACHINE_ARN.test(arn)) {
      return args.notApplicable("The target does not start a Step Functions state machine");
    }
    const target = `${label("EventBridge target", args.name)} starts state machine ${arn}`;
    if (!hasRetry) {
      report(
        `${target} without a retryPolicy: EventBridge falls back to retrying for 24 hours (185 attempts), hiding a broken target for a day. Fix: set retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 } (values to suit).`,
      );
    }
    if (!hasDlq) {
      report(
        `${target} without a deadLetterConfig: an event that cannot start an execution (throttling, missing permissions, a deleted state machine) is dropped silently once the retries end. Fix: set deadLetterConfig: { arn: queue.arn } with an SQS queue whose policy lets events.amazonaws.com sqs:SendMessage for this rule (aws:SourceArn).`,
      );
    }
  }),
};
