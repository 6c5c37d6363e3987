/**
 * Observability policies for CloudWatch itself: alarms tell someone, and log groups do not keep logs (and
 * their cost) forever. Tracing and logging of state machines and functions live with their services.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isPositiveInteger, label, onTypes, remediateOnType, TYPES, withProperty } from "./common";
import { asArray, prop, UNKNOWN, withDefaults } from "./values";

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
  description: "CloudWatch metric alarms have alarm actions (and, if configured, OK actions), with actions enabled.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["cloudwatch", "observability"],
  remediationSteps:
    "Set alarmActions: [alertTopic.arn] on the aws.cloudwatch.MetricAlarm, with an SNS topic someone is subscribed to (and okActions: [alertTopic.arn] when requireOkActions is on); remove actionsEnabled: false.",
  configSchema: {
    properties: {
      requireOkActions: {
        type: "boolean",
        default: ALARM_ACTIONS_DEFAULTS.requireOkActions,
        description: "Also require okActions, so recovery is announced too.",
      },
    },
  },
  validateResource: onTypes(TYPES.metricAlarm, (args, report) => {
    const { requireOkActions } = withDefaults(args, ALARM_ACTIONS_DEFAULTS);
    const alarm = label("CloudWatch alarm", args.name);
    const actions = prop(args.props, "alarmActions");
    if (actions !== UNKNOWN && asArray(actions).length === 0) {
      report(`${alarm} has no alarmActions: it changes state and nobody is told. Fix: set alarmActions: [alertTopic.arn] (and okActions).`);
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
