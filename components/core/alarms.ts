/**
 * Alarm specifications, derived as plain data. Dimension values are generic so the component can pass Pulumi
 * Outputs straight through (nothing here inspects them) while tests pass strings.
 */

export interface AlarmSpec<V = string> {
  /** Stable, unique key: the alarm's resource name suffix. */
  key: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, V>;
  statistic: "Sum" | "Maximum" | "Average";
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold";
  /** No data means nothing happened: not an alarm. */
  treatMissingData: "notBreaching";
}

/** What the alarms watch. */
export interface AlarmTargets<V = string> {
  stateMachineArn: V;
  /** Lambda function names by step name. */
  functionNames: Record<string, V>;
  deadLetterQueueName: V;
  /** The trigger's rule; absent for a schedule trigger, whose failed starts land in the DLQ (its alarm covers them). */
  ruleName?: V;
  /** The trigger's bus; `undefined` for the default bus (whose rule metrics carry no bus dimension). */
  customEventBusName?: V;
}

/** The kinds of alarm a workflow gets; per-Lambda kinds apply to every step's function. */
export type AlarmKind =
  | "executions-failed"
  | "executions-timed-out"
  | "executions-throttled"
  | "executions-aborted"
  | "lambda-errors"
  | "lambda-throttles"
  | "dead-letters-visible"
  | "rule-failed-invocations";

/** Tunables of {@link deriveAlarmSpecs}. */
export interface AlarmOptions {
  /** Evaluation period in seconds. @default 60 */
  periodSeconds?: number;
  /**
   * How many occurrences in a period raise each kind of alarm, e.g. `{ "executions-failed": 5 }` for a shop whose
   * declined cards fail executions by design. @default 1 for every kind
   */
  thresholds?: Partial<Record<AlarmKind, number>>;
}

/** The per-Lambda alarms of a step, each keyed `<step>-<kind>`. */
export const FUNCTION_ALARM_KINDS = ["errors", "throttles"] as const;

/** The key (resource name suffix) of a step Lambda's alarm: renames (core/lineage.ts) map it with the step. */
export function functionAlarmKey(step: string, kind: (typeof FUNCTION_ALARM_KINDS)[number]): string {
  return `${step}-${kind}`;
}

/**
 * The alarms every workflow gets: executions failed, timed out, throttled and aborted; per-Lambda errors and
 * throttles; DLQ messages visible; rule FailedInvocations (for an event trigger). Each fires on the first occurrence in a period, unless
 * `options.thresholds` says otherwise.
 *
 * @example
 * deriveAlarmSpecs({ stateMachineArn, functionNames: { ChargeCard: "charge-fn" }, deadLetterQueueName: "dlq", ruleName: "rule" })
 */
export function deriveAlarmSpecs<V>(targets: AlarmTargets<V>, options: AlarmOptions = {}): AlarmSpec<V>[] {
  const periodSeconds = options.periodSeconds ?? 60;
  const base = {
    statistic: "Sum",
    periodSeconds,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  } as const;
  const threshold = (kind: AlarmKind) => ({ threshold: options.thresholds?.[kind] ?? 1 });
  const execution = (key: AlarmKind, metricName: string, what: string): AlarmSpec<V> => ({
    ...base,
    ...threshold(key),
    key,
    metricName,
    namespace: "AWS/States",
    dimensions: { StateMachineArn: targets.stateMachineArn },
    description: `One or more executions ${what}: open the execution history of the state machine.`,
  });
  const ruleAlarms = (ruleName: V): AlarmSpec<V>[] => [
    {
      ...base,
      ...threshold("rule-failed-invocations"),
      key: "rule-failed-invocations",
      namespace: "AWS/Events",
      metricName: "FailedInvocations",
      dimensions:
        targets.customEventBusName === undefined
          ? { RuleName: ruleName }
          : { EventBusName: targets.customEventBusName, RuleName: ruleName },
      description: "EventBridge could not start an execution after its retries: the event went to the dead-letter queue.",
    },
  ];

  return [
    execution("executions-failed", "ExecutionsFailed", "failed"),
    execution("executions-timed-out", "ExecutionsTimedOut", "timed out"),
    execution("executions-throttled", "ExecutionThrottled", "were throttled"),
    execution("executions-aborted", "ExecutionsAborted", "were aborted"),
    ...Object.entries(targets.functionNames).flatMap(([step, functionName]): AlarmSpec<V>[] => [
      {
        ...base,
        ...threshold("lambda-errors"),
        key: functionAlarmKey(step, "errors"),
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: functionName },
        description: `Step ${step}: its Lambda raised errors.`,
      },
      {
        ...base,
        ...threshold("lambda-throttles"),
        key: functionAlarmKey(step, "throttles"),
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: { FunctionName: functionName },
        description: `Step ${step}: its Lambda was throttled.`,
      },
    ]),
    {
      ...base,
      ...threshold("dead-letters-visible"),
      key: "dead-letters-visible",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      dimensions: { QueueName: targets.deadLetterQueueName },
      description: "Messages wait in the dead-letter queue: events that could not start an execution, or orders queued for retry.",
    },
    ...(targets.ruleName === undefined ? [] : ruleAlarms(targets.ruleName)),
  ];
}
