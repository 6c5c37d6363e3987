/**
 * Messaging policies (SQS, SNS and their KMS keys): queues and topics are encrypted at rest and refuse plain
 * HTTP. Failed orders land in dead-letter queues and alert topics, so they carry customer data.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
  label,
  NATIVE_TYPES,
  onTypes,
  POLICY_HOLDERS,
  quoteList,
  remediateOnType,
  TYPES,
  unknownDuringPreview,
  withProperty,
} from "./common";
import { insecureTransportGaps } from "./iam";
import { parseJsonProperty, prop, UNKNOWN } from "./values";

/** Queues and topics of either provider: the property names are the same. */
const QUEUE_TYPES = [TYPES.queue, NATIVE_TYPES.queue];
const TOPIC_TYPES = [TYPES.topic, NATIVE_TYPES.topic];

/** Whether a `kmsMasterKeyId` names a key: a blank string (" ") names none, and leaves the queue or topic unencrypted. */
export const namesKey = (key: unknown): key is string => typeof key === "string" && key.trim() !== "";

/** A queue's encryption at rest: "unknown" during preview when either setting is not known yet. */
function queueEncryption(args: ResourceValidationArgs): "encrypted" | "unencrypted" | "unknown" {
  const key = prop(args.props, "kmsMasterKeyId");
  const managed = prop(args.props, "sqsManagedSseEnabled");
  if (key === UNKNOWN || managed === UNKNOWN) return "unknown";
  return namesKey(key) || managed === true ? "encrypted" : "unencrypted";
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
  validateResource: onTypes(QUEUE_TYPES, (args, report) => {
    if (queueEncryption(args) === "unencrypted") {
      report(
        `${label("SQS queue", args.name)} is not encrypted at rest (neither kmsMasterKeyId nor sqsManagedSseEnabled is set): failed orders in a dead-letter queue carry customer data. Fix: set sqsManagedSseEnabled: true, or kmsMasterKeyId to a KMS key whose policy lets the senders (e.g. events.amazonaws.com) use it.`,
      );
    }
  }),
  remediateResource: remediateOnType(TYPES.queue, (args) => {
    if (queueEncryption(args) !== "unencrypted") return undefined;
    // A blank key id (" ") goes too: SQS takes one kind of server-side encryption at a time.
    const key = prop(args.props, "kmsMasterKeyId");
    if (typeof key === "string" && key !== "") withProperty(args, "kmsMasterKeyId", undefined);
    return withProperty(args, "sqsManagedSseEnabled", true);
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
  validateResource: onTypes(TOPIC_TYPES, (args, report) => {
    const key = prop(args.props, "kmsMasterKeyId");
    if (key === UNKNOWN) return;
    if (!namesKey(key)) {
      report(
        `${label("SNS topic", args.name)} is not encrypted at rest (kmsMasterKeyId is ${key === undefined ? "not set" : `${JSON.stringify(key)}, which names no key`}). Fix: set kmsMasterKeyId to a customer managed KMS key whose key policy lets the publishers use it (alias/aws/sns cannot be used by CloudWatch alarms, so an alert topic needs its own key allowing cloudwatch.amazonaws.com).`,
      );
    }
  }),
};

/** Queue and topic policies of either provider, with the action a fix's example Deny names. */
const TRANSPORT_EXAMPLES: Readonly<Partial<Record<string, string>>> = { sqs: "sqs:*", sns: "sns:Publish" };
const TRANSPORT_POLICY_HOLDERS: Readonly<Record<string, { key: string; owner: string; example: string }>> = Object.fromEntries(
  Object.entries(POLICY_HOLDERS).flatMap(([type, { key, owner, service }]) => {
    const example = TRANSPORT_EXAMPLES[service];
    return example ? [[type, { key, owner, example }]] : [];
  }),
);

/**
 * `messaging-secure-transport`: a queue or topic policy denies every action it allows when the request does not use
 * TLS. No remediation: the Deny statement names the resource's ARN, which the owner writes.
 */
export const messagingSecureTransport: ResourceValidationPolicy = {
  name: "messaging-secure-transport",
  description: 'SQS queue and SNS topic policies deny, for requests without TLS (aws:SecureTransport "false"), every action they allow.',
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["sqs", "sns", "encryption"],
  remediationSteps:
    'Add to the queue or topic policy a statement { "Effect": "Deny", "Principal": "*", "Action": <every action the policy allows, e.g. "sqs:*" for a queue>, "Resource": <its ARN>, "Condition": { "Bool": { "aws:SecureTransport": "false" } } }.',
  validateResource: onTypes(Object.keys(TRANSPORT_POLICY_HOLDERS), (args, report) => {
    const { key, owner, example } = TRANSPORT_POLICY_HOLDERS[args.type];
    const parsed = parseJsonProperty(prop(args.props, key));
    if (parsed.status === "unknown") return unknownDuringPreview(args, key, `${label(owner, args.name)}'s ${key}`);
    if (parsed.status !== "ok") return; // absent: no policy; invalid: resource-policies-scoped reports it
    const gaps = insecureTransportGaps(parsed.value);
    if (gaps.length === 0) return;
    report(
      `${label(owner, args.name)} allows ${quoteList(gaps)} without denying ${gaps.length === 1 ? "it" : "them"} on requests that do not use TLS, so ${gaps.length === 1 ? "it" : "they"} can be used over plain HTTP. Fix: add a statement { "Effect": "Deny", "Principal": "*", "Action": <covering ${quoteList(gaps)}, e.g. "${example}">, "Resource": <its ARN>, "Condition": { "Bool": { "aws:SecureTransport": "false" } } }.`,
    );
  }),
};
