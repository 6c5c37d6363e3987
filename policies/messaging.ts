/**
 * Messaging policies (SQS, SNS and their KMS keys): queues and topics are encrypted at rest. Failed orders
 * land in dead-letter queues and alert topics, so they carry customer data.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { label, onTypes, remediateOnType, TYPES, withProperty } from "./common";
import { prop, UNKNOWN } from "./values";

/** A queue's encryption at rest: "unknown" during preview when either setting is not known yet. */
function queueEncryption(args: ResourceValidationArgs): "encrypted" | "unencrypted" | "unknown" {
  const key = prop(args.props, "kmsMasterKeyId");
  const managed = prop(args.props, "sqsManagedSseEnabled");
  if (key === UNKNOWN || managed === UNKNOWN) return "unknown";
  return (typeof key === "string" && key !== "") || managed === true ? "encrypted" : "unencrypted";
}

/** `sqs-encrypted`: queues use SSE-SQS or a KMS key; remediable (SSE-SQS needs no key policy). */
export const sqsEncrypted: ResourceValidationPolicy = {
  name: "sqs-encrypted",
  description: "SQS queues are encrypted at rest (kmsMasterKeyId or sqsManagedSseEnabled).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["sqs", "encryption"],
  remediationSteps:
    'Set sqsManagedSseEnabled: true on the aws.sqs.Queue, or kmsMasterKeyId to a KMS key whose key policy lets the senders (e.g. events.amazonaws.com for an EventBridge DLQ) use kms:GenerateDataKey and kms:Decrypt. At enforcement level "remediate" the pack sets sqsManagedSseEnabled: true itself on a queue with no KMS key.',
  validateResource: onTypes(TYPES.queue, (args, report) => {
    if (queueEncryption(args) === "unencrypted") {
      report(
        `${label("SQS queue", args.name)} is not encrypted at rest (neither kmsMasterKeyId nor sqsManagedSseEnabled is set): failed orders in a dead-letter queue carry customer data. Fix: set sqsManagedSseEnabled: true, or kmsMasterKeyId to a KMS key whose policy lets the senders (e.g. events.amazonaws.com) use it.`,
      );
    }
  }),
  remediateResource: remediateOnType(TYPES.queue, (args) => {
    return queueEncryption(args) === "unencrypted" ? withProperty(args, "sqsManagedSseEnabled", true) : undefined;
  }),
};

/**
 * `sns-encrypted`: topics use a KMS key. No remediation: an alert topic needs a customer managed key whose
 * policy admits its publishers, which the pack cannot create.
 */
export const snsEncrypted: ResourceValidationPolicy = {
  name: "sns-encrypted",
  description: "SNS topics are encrypted at rest (kmsMasterKeyId).",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["sns", "encryption"],
  remediationSteps:
    "Create an aws.kms.Key (customer managed) whose key policy allows the topic's publishers kms:GenerateDataKey* and kms:Decrypt (cloudwatch.amazonaws.com for an alert topic: alias/aws/sns does not work for CloudWatch alarms) and set kmsMasterKeyId to it on the aws.sns.Topic.",
  validateResource: onTypes(TYPES.topic, (args, report) => {
    const key = prop(args.props, "kmsMasterKeyId");
    if (key === UNKNOWN) return;
    if (typeof key !== "string" || key === "") {
      report(
        `${label("SNS topic", args.name)} is not encrypted at rest (kmsMasterKeyId is not set). Fix: set kmsMasterKeyId to a customer managed KMS key whose key policy lets the publishers use it (alias/aws/sns cannot be used by CloudWatch alarms, so an alert topic needs its own key allowing cloudwatch.amazonaws.com).`,
      );
    }
  }),
};
