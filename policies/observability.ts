/**
 * Observability policies for CloudWatch itself: alarms tell someone, and log groups do not keep logs (and
 * their cost) forever. Tracing and logging of state machines and functions live with their services.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isPositiveInteger, label, NATIVE_TYPES, onTypes, remediateOnType, TYPES, withProperty } from "./common";
import { asArray, prop, UNKNOWN, withDefaults } from "./values";

/** Metric alarms of either provider (same property names). */
const ALARM_TYPES: readonly string[] = [TYPES.metricAlarm, NATIVE_TYPES.alarm];
/** An alarm action ARN, of any kind (SNS, Lambda, EC2 and Auto Scaling actions, SSM). */
const ACTION_ARN = /^arn:aws[a-zA-Z-]*:[a-z0-9-]+:\S+$/;
/** Actions through which a person hears of the alarm. */
const NOTIFYING_ACTION = /^arn:aws[a-zA-Z-]*:(sns|lambda|ssm|ssm-incidents):/;

/** Configuration of {@link cloudwatchAlarmActions}. */
export interface AlarmActionsConfig {
  /** Also require okActions, so recovery is announced too. */
  requireOkActions: boolean;
}
/** {@link cloudwatchAlarmActions}' defaults, also its config schema's. */
export const ALARM_ACTIONS_DEFAULTS: AlarmActionsConfig = { requireOkActions: false };

/**
 * `cloudwatch-alarm-actions`: alarms notify someone. No remediation: which topic to notify is the owner's
 * choice, and `actionsEnabled: false` may be a deliberate silence.
 */
export const cloudwatchAlarmActions: ResourceValidationPolicy = {
  name: "cloudwatch-alarm-actions",
  description:
    "CloudWatch metric alarms have alarm actions that are ARNs, at least one of which tells someone (and, if configured, OK actions), with actions enabled.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["cloudwatch", "observability"],
  remediationSteps:
    "Set alarmActions: [alertTopic.arn] on the aws.cloudwatch.MetricAlarm (or aws-native cloudwatch Alarm), with an SNS topic someone is subscribed to (and okActions: [alertTopic.arn] when requireOkActions is on); every entry an ARN, at least one that tells someone (SNS, Lambda, SSM); remove actionsEnabled: false.",
  configSchema: {
    properties: {
      requireOkActions: {
        type: "boolean",
        default: ALARM_ACTIONS_DEFAULTS.requireOkActions,
        description: "Also require okActions, so recovery is announced too.",
      },
    },
  },
  validateResource: onTypes(ALARM_TYPES, (args, report) => {
    const { requireOkActions } = withDefaults(args, ALARM_ACTIONS_DEFAULTS);
    const alarm = label("CloudWatch alarm", args.name);
    const actions = prop(args.props, "alarmActions");
    if (actions !== UNKNOWN && asArray(actions).length === 0) {
      report(`${alarm} has no alarmActions: it changes state and nobody is told. Fix: set alarmActions: [alertTopic.arn] (and okActions).`);
    } else if (actions !== UNKNOWN) {
      const list = asArray(actions);
      const malformed = list.filter((a) => a !== UNKNOWN && (typeof a !== "string" || !ACTION_ARN.test(a.trim())));
      if (malformed.length > 0) {
        report(
          `${alarm} has alarmActions ${malformed.map((a) => JSON.stringify(a)).join(", ")}, which ${malformed.length === 1 ? "is" : "are"} not an action ARN: that action does nothing. Fix: set alarmActions to ARNs, e.g. [alertTopic.arn].`,
        );
      } else if (!list.some((a) => a === UNKNOWN || (typeof a === "string" && NOTIFYING_ACTION.test(a.trim())))) {
        report(
          `${alarm} has alarmActions ${list.map((a) => JSON.stringify(a)).join(", ")}, none of which tells anyone (an SNS topic, a Lambda function, an SSM OpsItem or incident): the alarm acts and nobody hears. Fix: add an SNS topic someone is subscribed to, e.g. alarmActions: [..., alertTopic.arn].`,
        );
      }
    }
    if (prop(args.props, "actionsEnabled") === false) {
      report(`${alarm} has actionsEnabled: false, so its actions never run. Fix: remove actionsEnabled or set it to true.`);
    }
    if (requireOkActions) {
      const ok = prop(args.props, "okActions");
      if (ok !== UNKNOWN && asArray(ok).length === 0) {
        report(`${alarm} has no okActions: nobody hears that the problem is over. Fix: set okActions: [alertTopic.arn].`);
      }
    }
  }),
};

/** Configuration of {@link logGroupRetention}. */
export interface LogGroupRetentionConfig {
  /** The retention the remediation sets and the violation suggests: one of {@link CLOUDWATCH_RETENTION_DAYS}. */
  retentionInDays: number;
}
/** {@link logGroupRetention}'s defaults, also its config schema's. */
export const LOG_GROUP_RETENTION_DEFAULTS: LogGroupRetentionConfig = { retentionInDays: 30 };

/** The only retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const CLOUDWATCH_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** `log-group-retention`: log groups expire their logs; remediable with the configured retention. */
export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description: "CloudWatch log groups set retentionInDays.",
  enforcementLevel: "advisory",
  severity: "low",
  tags: ["cloudwatch", "cost"],
  remediationSteps:
    'Set retentionInDays on every aws.cloudwatch.LogGroup to one of the periods CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... 3653), e.g. 30. At enforcement level "remediate" the pack sets it itself to the configured retentionInDays (default 30).',
  configSchema: {
    properties: {
      retentionInDays: {
        type: "integer",
        enum: [...CLOUDWATCH_RETENTION_DAYS],
        default: LOG_GROUP_RETENTION_DEFAULTS.retentionInDays,
        description: "The retention, in days, the remediation sets on a log group without one (and the violation suggests).",
      },
    },
  },
  validateResource: onTypes(TYPES.logGroup, (args, report) => {
    const { retentionInDays } = withDefaults(args, LOG_GROUP_RETENTION_DEFAULTS);
    const days = prop(args.props, "retentionInDays");
    if (days === UNKNOWN) return;
    if (!isPositiveInteger(days)) {
      report(
        `${label("CloudWatch log group", args.name)} keeps its logs forever (retentionInDays is ${days === undefined ? "not set" : JSON.stringify(days)}): cost grows without end and old execution data is never deleted. Fix: set retentionInDays, e.g. ${retentionInDays}.`,
      );
    }
  }),
  remediateResource: remediateOnType(TYPES.logGroup, (args) => {
    const days = prop(args.props, "retentionInDays");
    if (days === UNKNOWN || isPositiveInteger(days)) return;
    return withProperty(args, "retentionInDays", withDefaults(args, LOG_GROUP_RETENTION_DEFAULTS).retentionInDays);
  }),
};

/** The AWS managed SNS key: CloudWatch alarms cannot use it, so they cannot publish to a topic encrypted with it. */
const AWS_MANAGED_SNS_KEY = /^(arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:)?alias\/aws\/sns$/;

/** The ARN of a topic of either provider, when known. */
function topicArnOf(topic: PolicyResource): string | undefined {
  const arn = prop(topic.props, topic.type === NATIVE_TYPES.topic ? "topicArn" : "arn");
  return typeof arn === "string" ? arn : undefined;
}

/**
 * `cloudwatch-alarm-topic-deliverable` (stack policy): no alarm of the stack sends to a topic of the stack that is
 * encrypted with the AWS managed key `alias/aws/sns`: CloudWatch cannot use that key, so every notification is
 * dropped without an error anyone sees. No remediation: the customer managed key (and its policy) is the owner's.
 */
export const cloudwatchAlarmTopicDeliverable: StackValidationPolicy = {
  name: "cloudwatch-alarm-topic-deliverable",
  description:
    "No CloudWatch alarm sends to an SNS topic encrypted with the AWS managed key alias/aws/sns, which CloudWatch cannot use (the notifications are dropped).",
  enforcementLevel: "advisory",
  severity: "high",
  tags: ["cloudwatch", "sns", "encryption", "observability"],
  remediationSteps:
    "Encrypt the alert topic with a customer managed aws.kms.Key whose key policy allows cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt (with an aws:SourceAccount condition), and set the topic's kmsMasterKeyId to it.",
  validateStack: (args, report) => {
    const alarms = args.resources.filter((r) => ALARM_TYPES.includes(r.type));
    if (alarms.length === 0)
      return args.notApplicable(`Policy only applies to stacks with resources of type ${ALARM_TYPES.map((t) => `'${t}'`).join(", ")}`);
    const undeliverable = new Map<string, PolicyResource>();
    for (const topic of args.resources.filter((r) => r.type === TYPES.topic || r.type === NATIVE_TYPES.topic)) {
      const key = prop(topic.props, "kmsMasterKeyId");
      const arn = topicArnOf(topic);
      if (arn && typeof key === "string" && AWS_MANAGED_SNS_KEY.test(key.trim())) undeliverable.set(arn, topic);
    }
    if (undeliverable.size === 0) return;
    for (const alarm of alarms) {
      for (const key of ["alarmActions", "okActions", "insufficientDataActions"]) {
        for (const action of asArray(prop(alarm.props, key))) {
          const topic = typeof action === "string" ? undeliverable.get(action) : undefined;
          if (!topic) continue;
          report(
            `${label("CloudWatch alarm", alarm.name)} sends its ${key} to ${label("SNS topic", topic.name)}, which is encrypted with the AWS managed key alias/aws/sns: CloudWatch cannot use that key, so every notification is dropped and nobody is told. Fix: encrypt the topic with a customer managed KMS key whose key policy allows cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt.`,
            alarm.urn,
          );
        }
      }
    }
  },
};
