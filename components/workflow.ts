/**
 * EventDrivenWorkflow: the thin shell. It validates the arguments, plans the step list once, then creates the
 * resources in named steps (resources/); ARNs are resolved there and handed to the pure core (compile, IAM, alarms).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { CheckedWorkflowArgs, WorkflowTrigger } from "./args";
import type { Step } from "./steps/types";
import { COMPONENT_TYPE } from "./asl/integrations";
import { dlqReplayPolicy, eventBusArn, taskResponsePolicy } from "./core/iam";
import { planWorkflow } from "./core/plan";
import { validateSettings } from "./core/settings";
import { checkTimeBudget } from "./core/timeBudgetCheck";
import { validateSteps } from "./core/validate";
import { validateUpgrades } from "./core/validation/upgrades";
import { createAlarms } from "./resources/alarms";
import { createAlerting } from "./resources/alerting";
import { contractOutputs, type PublishedEventOutput } from "./resources/contractOutputs";
import { createApprovalEndpoint, type ApprovalEndpoint } from "./resources/approvalEndpoint";
import { workflowContext } from "./resources/context";
import { createDashboard } from "./resources/dashboard";
import { createDeadLetterQueue } from "./resources/deadLetterQueue";
import { createIdempotencyTable } from "./resources/idempotencyTable";
import { keepThroughRenames } from "./resources/lineage";
import { createStateMachine } from "./resources/stateMachine";
import { createStepLambdas, type StepLambda } from "./resources/stepLambdas";
import { transform, type WorkflowTransforms } from "./resources/transform";
import { createTrigger } from "./resources/trigger";

/** The children of an EventDrivenWorkflow, as created (after the `transform` hooks). */
export interface WorkflowNodes {
  alertKey: aws.kms.Key;
  alertTopic: aws.sns.Topic;
  deadLetterQueue: aws.sqs.Queue;
  /** Present when a task is idempotent. */
  idempotencyTable?: aws.dynamodb.Table;
  /** Each task's Lambda, role and log group, by step name. */
  functions: Record<string, StepLambda>;
  stateMachine: aws.sfn.StateMachine;
  executionRole: aws.iam.Role;
  stateMachineLogGroup: aws.cloudwatch.LogGroup;
  /** The EventBridge rule of an event trigger (absent for a schedule trigger). */
  rule?: aws.cloudwatch.EventRule;
  /** The role the rule's target, or the schedule, starts executions with. */
  ruleRole: aws.iam.Role;
  /** The rule's target (absent for a schedule trigger). */
  target?: aws.cloudwatch.EventTarget;
  /** The EventBridge Scheduler schedule of a schedule trigger. */
  schedule?: aws.scheduler.Schedule;
  alarms: aws.cloudwatch.MetricAlarm[];
  /** Present unless `dashboard.enabled` is false. */
  dashboard?: aws.cloudwatch.Dashboard;
  /** The approval endpoint (key, Lambda, Function URL): present when a callback step asks for `approvalLink`. */
  approvalEndpoint?: ApprovalEndpoint;
}

/**
 * An event-driven workflow: an EventBridge rule or Scheduler schedule (retry policy + DLQ) starting a Step Functions state machine
 * (X-Ray, logging) whose tasks are Powertools-instrumented Lambdas, with an encrypted SNS alert topic, an
 * encrypted SQS dead-letter queue, CloudWatch alarms and least-privilege IAM.
 *
 * @example
 * const workflow = new EventDrivenWorkflow("orders", {
 *   trigger: { pattern: { source: ["order.service"], "detail-type": ["Order Placed"] } },
 *   timeoutSeconds: 300,
 *   steps: [
 *     task("ChargeCard", { handler: async (order) => ({ charged: order.detail.totalAmount }), timeoutSeconds: 30 }),
 *     publishEvent("Announce", { source: "order.processor", detailType: "Order Processed", end: true }),
 *   ],
 *   alerting: { emailEndpoints: ["oncall@example.com"] },
 * });
 * export const stateMachineArn = workflow.stateMachineArn;
 */
export class EventDrivenWorkflow<
  // Captured to check the step list at compile time (see CheckedWorkflowArgs); nothing else uses them.
  const S extends readonly Step[] = Step[],
  const T extends WorkflowTrigger = WorkflowTrigger,
> extends pulumi.ComponentResource {
  public readonly stateMachineArn: pulumi.Output<string>;
  public readonly stateMachineName: pulumi.Output<string>;
  /** The deployed ASL definition (JSON). */
  public readonly definition: pulumi.Output<string>;
  /** The EventBridge rule's ARN, or the schedule's for a schedule trigger. */
  public readonly ruleArn: pulumi.Output<string>;
  /** The EventBridge rule's name, or the schedule's for a schedule trigger. */
  public readonly ruleName: pulumi.Output<string>;
  public readonly alertTopicArn: pulumi.Output<string>;
  public readonly deadLetterQueueArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** Lambda function ARN by task step name. */
  public readonly functionArns: pulumi.Output<Record<string, string>>;
  public readonly logGroupName: pulumi.Output<string>;
  public readonly executionRoleArn: pulumi.Output<string>;
  /** The CloudWatch dashboard's name (undefined when `dashboard.enabled` is false). */
  public readonly dashboardName: pulumi.Output<string | undefined>;
  /** The idempotency table's name (undefined when no task is idempotent). */
  public readonly idempotencyTableName: pulumi.Output<string | undefined>;
  /** The least-privilege policy (JSON) of whoever replays the DLQ onto the trigger's bus (`edw-local replay`): see {@link dlqReplayPolicy}. */
  public readonly replayPolicyJson: pulumi.Output<string>;
  /** The bus the trigger's rule listens on (`"default"` unless `trigger.eventBusName`): what a subscriber's rule names too. */
  public readonly triggerBusName: pulumi.Output<string>;
  public readonly triggerBusArn: pulumi.Output<string>;
  /**
   * Each event the `publishEvent` steps put on EventBridge (step, source, detail-type, bus name and ARN): export it
   * for the stacks that subscribe (see `triggerFromContract`).
   */
  public readonly publishedEvents: pulumi.Output<PublishedEventOutput[]>;
  /** The child resources, e.g. to grant a Lambda's role more or to alarm on the queue: see {@link WorkflowNodes}. */
  public readonly nodes: WorkflowNodes;

  private readonly workflowName: string;
  private readonly transforms: WorkflowTransforms;

  constructor(name: string, args: CheckedWorkflowArgs<S, T>, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPE, name, {}, keepThroughRenames(name, args, opts));
    this.workflowName = name;
    this.transforms = args.transform ?? {};
    // Fail before creating anything: a bad step list or setting never reaches AWS.
    validateSteps(args.steps);
    validateUpgrades(name, args, args.steps);
    validateSettings(args, args.steps, { workflowName: name });
    checkTimeBudget(args.steps, args);
    const ctx = workflowContext(name, args, planWorkflow(args.steps), this);

    const alerting = createAlerting(ctx);
    const deadLetterQueue = createDeadLetterQueue(ctx);
    const idempotencyTable = createIdempotencyTable(ctx);
    const approvalEndpoint = ctx.plan.tasks.some((t) => t.callback?.approvalLink) ? createApprovalEndpoint(ctx) : undefined;
    const lambdas = createStepLambdas(ctx, idempotencyTable, approvalEndpoint);
    const machine = createStateMachine(ctx, lambdas, alerting, deadLetterQueue);
    const trigger = createTrigger(ctx, machine.stateMachine, deadLetterQueue);
    const customBus =
      args.trigger.eventBusName === undefined || args.trigger.eventBusName === "default"
        ? undefined
        : pulumi.output(args.trigger.eventBusName);
    const watched = {
      stateMachineArn: machine.stateMachine.arn,
      functionNames: lambdas.names,
      deadLetterQueueName: deadLetterQueue.queue.name,
      ruleName: trigger.rule?.name,
      customEventBusName: customBus,
    };
    const alarms = createAlarms(ctx, { ...watched, alertTopicArn: alerting.topic.arn });
    // The metrics namespace as the `function` hook left it (the handlers publish under it), the first step's if they differ.
    const [first] = Object.values(lambdas.byStep);
    const metricsNamespace = first
      ? first.function.environment.apply((env) => env?.variables?.POWERTOOLS_METRICS_NAMESPACE ?? name)
      : pulumi.output(name);
    const dashboard = createDashboard(ctx, watched, metricsNamespace);

    this.nodes = {
      alertKey: alerting.key,
      alertTopic: alerting.topic,
      deadLetterQueue: deadLetterQueue.queue,
      idempotencyTable,
      functions: lambdas.byStep,
      stateMachine: machine.stateMachine,
      executionRole: machine.executionRole,
      stateMachineLogGroup: machine.logGroup,
      approvalEndpoint,
      rule: trigger.rule,
      ruleRole: trigger.role,
      target: trigger.target,
      schedule: trigger.schedule,
      alarms,
      dashboard,
    };
    this.stateMachineArn = machine.stateMachine.arn;
    this.stateMachineName = machine.stateMachine.name;
    this.definition = machine.stateMachine.definition;
    this.ruleArn = trigger.arn;
    this.ruleName = trigger.name;
    this.alertTopicArn = alerting.topic.arn;
    this.deadLetterQueueArn = deadLetterQueue.queue.arn;
    this.deadLetterQueueUrl = deadLetterQueue.queue.url;
    this.functionArns = lambdas.arns;
    this.logGroupName = machine.logGroup.name;
    this.executionRoleArn = machine.executionRole.arn;
    this.dashboardName = dashboard ? dashboard.dashboardName : pulumi.output(undefined);
    this.idempotencyTableName = idempotencyTable ? idempotencyTable.name : pulumi.output(undefined);
    this.replayPolicyJson = pulumi
      .all([ctx.scope, deadLetterQueue.arn, pulumi.output(ctx.triggerBus)])
      .apply(([scope, queueArn, bus]) => JSON.stringify(dlqReplayPolicy({ queueArn, busArn: eventBusArn(scope, bus) })));
    ({
      triggerBusName: this.triggerBusName,
      triggerBusArn: this.triggerBusArn,
      publishedEvents: this.publishedEvents,
    } = contractOutputs(ctx));
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      stateMachineName: this.stateMachineName,
      definition: this.definition,
      ruleArn: this.ruleArn,
      ruleName: this.ruleName,
      alertTopicArn: this.alertTopicArn,
      deadLetterQueueArn: this.deadLetterQueueArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      functionArns: this.functionArns,
      logGroupName: this.logGroupName,
      executionRoleArn: this.executionRoleArn,
      dashboardName: this.dashboardName,
      idempotencyTableName: this.idempotencyTableName,
      replayPolicyJson: this.replayPolicyJson,
      triggerBusName: this.triggerBusName,
      triggerBusArn: this.triggerBusArn,
      publishedEvents: this.publishedEvents,
    });
  }

  /**
   * Lets the role named `roleName` answer this workflow's callback tasks (`waitForCallback`): `SendTaskSuccess`,
   * `SendTaskFailure`, `SendTaskHeartbeat`. IAM offers no resource or condition scoping for these actions, so this is
   * the tightest grant there is: give it only to the roles that answer; the task token names the one task.
   *
   * @example
   * workflow.grantTaskResponse("warehouse", warehouseService.role.name);
   */
  grantTaskResponse(grantName: string, roleName: pulumi.Input<string>): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(
      ...transform(
        this.transforms.rolePolicy,
        `${this.workflowName}-answers-${grantName}`,
        { role: roleName, policy: JSON.stringify(taskResponsePolicy()) },
        { parent: this },
      ),
    );
  }
}
