/**
 * EventBridge policies: whatever starts a state machine (a rule target of either provider, an EventBridge
 * Scheduler schedule of either provider, its universal target calling sfn:StartExecution included, an EventBridge Pipe
 * of either provider reading a stream) retries within limits and keeps what it cannot deliver in a dead-letter queue.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { label, NATIVE_TYPES, onTypes, TYPES, unknownDuringPreview } from "./common";
import { asArray, isRecord, prop, propPath, UNKNOWN } from "./values";

const STATE_MACHINE_ARN = /^arn:aws[a-zA-Z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:/;
/** EventBridge Scheduler's universal target that starts an execution (the state machine is in its input). */
const UNIVERSAL_START_EXECUTION = /^arn:aws[a-zA-Z-]*:scheduler:::aws-sdk:sfn:start(Sync)?Execution$/i;
const startsStateMachine = (arn: string): boolean => STATE_MACHINE_ARN.test(arn) || UNIVERSAL_START_EXECUTION.test(arn);
const SQS_QUEUE_ARN = /^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/;
const SNS_TOPIC_ARN = /^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/;

const STARTER_TYPES: readonly string[] = [
  TYPES.eventTarget,
  NATIVE_TYPES.rule,
  TYPES.schedule,
  NATIVE_TYPES.schedule,
  TYPES.pipe,
  NATIVE_TYPES.pipe,
];
const SCHEDULE_TYPES: readonly string[] = [TYPES.schedule, NATIVE_TYPES.schedule];
const PIPE_TYPES: readonly string[] = [TYPES.pipe, NATIVE_TYPES.pipe];

/** One way a resource starts a state machine, with its retry and dead-letter settings as written. */
interface Starter {
  /** `EventBridge target "t"`, `EventBridge rule "r", target "id"`, ... */
  owner: string;
  arn: unknown;
  /** "event": a rule or schedule target (retryPolicy with two limits); "stream": a pipe reading a stream. */
  kind: "event" | "stream";
  retry: unknown;
  dlqArn: unknown;
}

/**
 * The state-machine starters a resource declares. A rule or schedule target carries its own retry policy and DLQ; a
 * pipe keeps them on its stream source (`sourceParameters.kinesisStreamParameters` / `dynamodbStreamParameters`). A
 * pipe reading a queue or a broker is left out: its failures stay with its source (an SQS source's redrive policy).
 */
function startersOf(args: ResourceValidationArgs): Starter[] | "unknown" {
  const name = args.name;
  switch (args.type) {
    case TYPES.eventTarget: {
      const target = {
        arn: prop(args.props, "arn"),
        retry: prop(args.props, "retryPolicy"),
        dlqArn: propPath(args.props, "deadLetterConfig", "arn"),
      };
      return [{ owner: label("EventBridge target", name), kind: "event", ...target }];
    }
    case NATIVE_TYPES.rule: {
      const targets = prop(args.props, "targets");
      if (targets === UNKNOWN) return "unknown";
      return asArray(targets).flatMap((t, i) =>
        isRecord(t)
          ? [
              {
                owner: `${label("EventBridge rule", name)}, target "${typeof t.id === "string" ? t.id : `#${i}`}"`,
                kind: "event" as const,
                arn: t.arn,
                retry: t.retryPolicy,
                dlqArn: isRecord(t.deadLetterConfig) ? t.deadLetterConfig.arn : undefined,
              },
            ]
          : [],
      );
    }
    case TYPES.schedule:
    case NATIVE_TYPES.schedule: {
      const target = prop(args.props, "target");
      if (target === UNKNOWN) return "unknown";
      if (!isRecord(target)) return [];
      const dlq = target.deadLetterConfig;
      return [
        {
          owner: label("EventBridge Scheduler schedule", name),
          kind: "event",
          arn: target.arn,
          retry: target.retryPolicy,
          dlqArn: dlq === UNKNOWN ? UNKNOWN : isRecord(dlq) ? dlq.arn : undefined,
        },
      ];
    }
    case TYPES.pipe:
    case NATIVE_TYPES.pipe: {
      const source = prop(args.props, "sourceParameters");
      if (source === UNKNOWN) return "unknown";
      const stream = isRecord(source) ? (source.kinesisStreamParameters ?? source.dynamodbStreamParameters) : undefined;
      if (!isRecord(stream)) return [];
      return [
        {
          owner: label("EventBridge pipe", name),
          kind: "stream",
          arn: prop(args.props, "target"),
          retry: stream.maximumRetryAttempts,
          dlqArn: isRecord(stream.deadLetterConfig) ? stream.deadLetterConfig.arn : undefined,
        },
      ];
    }
    default:
      return [];
  }
}

const EVENT_RETRY_FIX = "set retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 } (values to suit)";

/** What is wrong with a starter's retry settings, if anything. */
function retryProblem(starter: Starter): string | undefined {
  const { retry } = starter;
  if (retry === UNKNOWN) return undefined;
  if (starter.kind === "stream") {
    if (typeof retry === "number" && retry >= 0) return undefined;
    return `without a finite maximumRetryAttempts on its stream source (${retry === undefined ? "not set" : retry}: -1, the default, retries a failing record until it expires, holding up its shard). Fix: set sourceParameters.<kinesisStreamParameters|dynamodbStreamParameters>.maximumRetryAttempts to a small number (e.g. 3)`;
  }
  if (!isRecord(retry)) {
    return `without a retryPolicy: EventBridge falls back to retrying for 24 hours (185 attempts), hiding a broken target for a day. Fix: ${EVENT_RETRY_FIX}`;
  }
  const unset = ["maximumRetryAttempts", "maximumEventAgeInSeconds"].filter((k) => typeof retry[k] !== "number" && retry[k] !== UNKNOWN);
  if (unset.length === 0) return undefined;
  return `with a retryPolicy that leaves ${unset.join(" and ")} unset, so EventBridge's defaults apply (185 attempts over 24 hours): a broken target stays hidden for a day. Fix: ${EVENT_RETRY_FIX}`;
}

/** What is wrong with a starter's dead-letter queue, if anything. */
function dlqProblem(starter: Starter): string | undefined {
  const { dlqArn } = starter;
  if (dlqArn === UNKNOWN) return undefined;
  const stream = starter.kind === "stream";
  const accepted = stream ? "an SQS queue or SNS topic ARN" : "an SQS queue ARN";
  if (typeof dlqArn !== "string" || dlqArn.trim() === "") {
    return stream
      ? `without a deadLetterConfig on its stream source: a record that keeps failing is dropped once its retries end. Fix: set sourceParameters.<kinesisStreamParameters|dynamodbStreamParameters>.deadLetterConfig: { arn: queue.arn } (${accepted})`
      : "without a deadLetterConfig: an event that cannot start an execution (throttling, missing permissions, a deleted state machine) is dropped silently once the retries end. Fix: set deadLetterConfig: { arn: queue.arn } with an SQS queue whose policy lets events.amazonaws.com sqs:SendMessage for this rule (aws:SourceArn)";
  }
  if (SQS_QUEUE_ARN.test(dlqArn) || (stream && SNS_TOPIC_ARN.test(dlqArn))) return undefined;
  return `with deadLetterConfig.arn "${dlqArn}", which is not ${accepted}: undeliverable events have nowhere to land. Fix: set deadLetterConfig: { arn: queue.arn } with ${accepted}`;
}

/**
 * `eventbridge-sfn-target-retry-dlq`: whatever starts a state machine has bounded retries and a DLQ. No
 * remediation: the DLQ is a queue (with a queue policy) the owner must create.
 */
export const eventbridgeSfnTargetRetryDlq: ResourceValidationPolicy = {
  name: "eventbridge-sfn-target-retry-dlq",
  description:
    "Every EventBridge rule target (classic or aws-native), Scheduler schedule and stream-reading Pipe that starts a state machine has bounded retries and an SQS dead-letter queue.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["eventbridge", "step-functions", "error-handling"],
  remediationSteps:
    "On an aws.cloudwatch.EventTarget (or an aws-native events Rule target, or an aws.scheduler.Schedule target), set retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 } (values to suit; both, or the defaults of 185 attempts over 24 hours apply) and deadLetterConfig: { arn: dlq.arn } with an SQS queue whose queue policy allows the service (events.amazonaws.com, scheduler.amazonaws.com) sqs:SendMessage with the condition aws:SourceArn = the rule's or schedule's ARN. On an aws.pipes.Pipe reading a Kinesis or DynamoDB stream, set maximumRetryAttempts and deadLetterConfig on sourceParameters.<kinesisStreamParameters|dynamodbStreamParameters>.",
  validateResource: onTypes(STARTER_TYPES, (args, report) => {
    const starters = startersOf(args);
    if (starters === "unknown")
      return unknownDuringPreview(
        args,
        PIPE_TYPES.includes(args.type) ? "sourceParameters" : SCHEDULE_TYPES.includes(args.type) ? "target" : "targets",
        "The targets",
      );
    let judged = 0;
    for (const starter of starters) {
      const problems = [retryProblem(starter), dlqProblem(starter)].filter((p): p is string => p !== undefined);
      if (starter.arn === UNKNOWN) {
        // The state machine is not created yet: a starter that would pass whatever its target is passes now.
        if (problems.length > 0) return unknownDuringPreview(args, args.type === TYPES.eventTarget ? "arn" : "target", "The target's arn");
        judged++;
        continue;
      }
      if (typeof starter.arn !== "string" || !startsStateMachine(starter.arn)) continue;
      judged++;
      const starts = STATE_MACHINE_ARN.test(starter.arn) ? `state machine ${starter.arn}` : `an execution through ${starter.arn}`;
      for (const problem of problems) report(`${starter.owner} starts ${starts} ${problem}.`);
    }
    if (judged === 0) {
      return args.notApplicable(
        PIPE_TYPES.includes(args.type) && starters.length === 0
          ? "The pipe does not read a stream: a queue source keeps its failures in its own redrive policy"
          : "The target does not start a Step Functions state machine",
      );
    }
  }),
};
