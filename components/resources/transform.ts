/**
 * Transform hooks, as SST's components have them: every child resource's arguments pass through a user hook before
 * the resource is created, so a stack can adjust any child (a tag, a memory size, a log retention) without forking
 * the component.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Adjusts a child resource before it is created: an object is merged over the component's arguments; a function
 * receives the arguments and options (and the child's logical name) and changes them in place.
 *
 * @example
 * { memorySize: 1024 }
 * @example
 * (args, opts, name) => { args.tags = { ...args.tags, costCentre: "claims" }; opts.protect = name.endsWith("-dlq"); }
 */
export type Transform<T> = Partial<T> | ((args: T, opts: pulumi.CustomResourceOptions, name: string) => void);

/** One hook per kind of child resource of an EventDrivenWorkflow. Each runs for every child of its kind. */
export interface WorkflowTransforms {
  /** The alert topic's KMS key. */
  alertKey?: Transform<aws.kms.KeyArgs>;
  /** The SNS alert topic. */
  topic?: Transform<aws.sns.TopicArgs>;
  /** The SQS dead-letter queue. */
  queue?: Transform<aws.sqs.QueueArgs>;
  /** The idempotency table (created only when a task is idempotent). */
  table?: Transform<aws.dynamodb.TableArgs>;
  /** Every IAM role: each step Lambda's, the approval endpoint's, the state machine's execution role and the rule's (or schedule's) role. */
  role?: Transform<aws.iam.RoleArgs>;
  /** Every Lambda: each step's and the approval endpoint's. */
  function?: Transform<aws.lambda.FunctionArgs>;
  /** Every log group: each Lambda's and the state machine's. */
  logGroup?: Transform<aws.cloudwatch.LogGroupArgs>;
  /** The state machine. */
  stateMachine?: Transform<aws.sfn.StateMachineArgs>;
  /** The EventBridge rule. */
  rule?: Transform<aws.cloudwatch.EventRuleArgs>;
  /** The rule's target (retry policy, DLQ). */
  target?: Transform<aws.cloudwatch.EventTargetArgs>;
  /** The EventBridge Scheduler schedule of a schedule trigger (its target: retry policy, DLQ). */
  schedule?: Transform<aws.scheduler.ScheduleArgs>;
  /** Every CloudWatch alarm. */
  alarm?: Transform<aws.cloudwatch.MetricAlarmArgs>;
  /** The CloudWatch dashboard. */
  dashboard?: Transform<aws.cloudwatch.DashboardArgs>;
  /** Every inline role policy: each Lambda role's, the execution role's, the rule role's (and `grantTaskResponse`'s). */
  rolePolicy?: Transform<aws.iam.RolePolicyArgs>;
  /** The alert topic's policy (TLS only, CloudWatch may publish). */
  topicPolicy?: Transform<aws.sns.TopicPolicyArgs>;
  /** Every email subscription to the alert topic. */
  subscription?: Transform<aws.sns.TopicSubscriptionArgs>;
  /** The dead-letter queue's policy (the rule may send, TLS only). */
  queuePolicy?: Transform<aws.sqs.QueuePolicyArgs>;
  /** The KMS key that signs approval links (created only when a callback step asks for `approvalLink`). */
  approvalKey?: Transform<aws.kms.KeyArgs>;
  /** The `live` alias of each task with `provisionedConcurrency` (the state machine invokes it). */
  functionAlias?: Transform<aws.lambda.AliasArgs>;
  /** The provisioned concurrency on each such alias. */
  provisionedConcurrency?: Transform<aws.lambda.ProvisionedConcurrencyConfigArgs>;
  /** The approval endpoint's Function URL (created with the approval key). */
  functionUrl?: Transform<aws.lambda.FunctionUrlArgs>;
}

/**
 * Applies `hook` to a child's name, arguments and options; returns them ready to spread into the constructor.
 *
 * @example
 * const topic = new aws.sns.Topic(...transform(hooks.topic, `${name}-alerts`, { kmsMasterKeyId: key.arn }, { parent }));
 */
export function transform<T extends object>(
  hook: Transform<T> | undefined,
  name: string,
  args: T,
  opts: pulumi.CustomResourceOptions,
): [string, T, pulumi.CustomResourceOptions] {
  if (hook === undefined) return [name, args, opts];
  if (typeof hook === "function") {
    hook(args, opts, name);
    return [name, args, opts];
  }
  return [name, { ...args, ...hook }, opts];
}
