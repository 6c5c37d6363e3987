/**
 * The trigger: an EventBridge rule on the pattern, whose target starts the state machine with a role allowed only
 * that, retries for a day, then puts the event in the DLQ instead of dropping it. A schedule trigger is an EventBridge
 * Scheduler schedule with the same guarantees (its role may also send to the DLQ: Scheduler sends dead letters with it).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { WorkflowSchedule } from "../args";
import { deadLetterQueuePolicy, ruleRolePolicy, scheduleGroupArn, schedulerRolePolicy, serviceTrustPolicy } from "../core/iam";
import type { WorkflowContext } from "./context";
import type { DeadLetterQueue } from "./deadLetterQueue";
import { named } from "./naming";
import { createRole } from "./role";
import { transform } from "./transform";

/** What starts the workflow: a rule and its target, or a schedule; the role is the one they start executions with. */
export interface Trigger {
  rule?: aws.cloudwatch.EventRule;
  target?: aws.cloudwatch.EventTarget;
  schedule?: aws.scheduler.Schedule;
  role: aws.iam.Role;
  /** The rule's or the schedule's ARN and name. */
  arn: pulumi.Output<string>;
  name: pulumi.Output<string>;
}

/** The retries of whatever starts an execution: EventBridge's and Scheduler's longest (a day, 185 attempts), then the DLQ. */
const START_RETRY_POLICY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 };

export function createTrigger(ctx: WorkflowContext, stateMachine: aws.sfn.StateMachine, deadLetterQueue: DeadLetterQueue): Trigger {
  const schedule = ctx.args.trigger.schedule;
  return schedule ? createSchedule(ctx, schedule, stateMachine, deadLetterQueue) : createRule(ctx, stateMachine, deadLetterQueue);
}

function createRule(ctx: WorkflowContext, stateMachine: aws.sfn.StateMachine, deadLetterQueue: DeadLetterQueue): Trigger {
  const { name, names, parent, tags, transforms } = ctx;
  const rule = new aws.cloudwatch.EventRule(
    ...named(
      names,
      "rule",
      transform(
        transforms.rule,
        `${name}-trigger`,
        {
          name: names.of("rule", "trigger"),
          eventBusName: ctx.triggerBus,
          eventPattern: pulumi.output(ctx.args.trigger.pattern).apply((pattern) => JSON.stringify(pattern)),
          description: `Starts the ${name} workflow`,
          tags,
        },
        { parent },
      ),
    ),
  );
  const role = createRole(
    ctx,
    `${name}-trigger`,
    "trigger",
    pulumi
      .all([ctx.accountId, rule.arn])
      .apply(([account, ruleArn]) =>
        JSON.stringify(serviceTrustPolicy("events.amazonaws.com", { accountId: account, sourceArn: ruleArn })),
      ),
  );
  const rolePolicy = new aws.iam.RolePolicy(
    ...transform(
      transforms.rolePolicy,
      `${name}-trigger`,
      { role: role.name, policy: stateMachine.arn.apply((arn) => JSON.stringify(ruleRolePolicy(arn))) },
      { parent },
    ),
  );
  allowDeadLetters(ctx, deadLetterQueue, rule.arn);
  const target = new aws.cloudwatch.EventTarget(
    ...transform(
      transforms.target,
      `${name}-trigger`,
      {
        rule: rule.name,
        eventBusName: ctx.triggerBus,
        arn: stateMachine.arn,
        roleArn: role.arn,
        retryPolicy: START_RETRY_POLICY,
        deadLetterConfig: { arn: deadLetterQueue.queue.arn },
      },
      { parent, dependsOn: [rolePolicy] },
    ),
  );
  return { rule, role, target, arn: rule.arn, name: rule.name };
}

/** The schedule: Scheduler starts the state machine with `input` on time (no flexible window), as the rule would. */
function createSchedule(
  ctx: WorkflowContext,
  settings: WorkflowSchedule,
  stateMachine: aws.sfn.StateMachine,
  deadLetterQueue: DeadLetterQueue,
): Trigger {
  const { name, names, parent, transforms } = ctx;
  const role = createRole(
    ctx,
    `${name}-schedule`,
    "schedule",
    ctx.scope.apply((scope) =>
      JSON.stringify(serviceTrustPolicy("scheduler.amazonaws.com", { accountId: scope.accountId, sourceArn: scheduleGroupArn(scope) })),
    ),
  );
  const rolePolicy = new aws.iam.RolePolicy(
    ...transform(
      transforms.rolePolicy,
      `${name}-schedule`,
      {
        role: role.name,
        policy: pulumi
          .all([stateMachine.arn, deadLetterQueue.arn])
          .apply(([machineArn, queueArn]) => JSON.stringify(schedulerRolePolicy(machineArn, queueArn))),
      },
      { parent },
    ),
  );
  const schedule = new aws.scheduler.Schedule(
    ...named(
      names,
      "schedule",
      transform(
        transforms.schedule,
        `${name}-schedule`,
        {
          name: names.of("schedule", "schedule"),
          description: `Starts the ${name} workflow`,
          scheduleExpression: settings.expression,
          scheduleExpressionTimezone: settings.timezone,
          // On time: a flexible window would start the execution up to that many minutes late.
          flexibleTimeWindow: { mode: "OFF" },
          target: {
            arn: stateMachine.arn,
            roleArn: role.arn,
            input: JSON.stringify(settings.input ?? {}),
            retryPolicy: START_RETRY_POLICY,
            deadLetterConfig: { arn: deadLetterQueue.queue.arn },
          },
        },
        { parent, dependsOn: [rolePolicy] },
      ),
    ),
  );
  allowDeadLetters(ctx, deadLetterQueue, schedule.arn);
  return { schedule, role, arn: schedule.arn, name: schedule.name };
}

/** The DLQ's policy: only `senderArn` (the rule or the schedule) may send to it, over TLS. */
function allowDeadLetters(ctx: WorkflowContext, deadLetterQueue: DeadLetterQueue, senderArn: pulumi.Output<string>): void {
  new aws.sqs.QueuePolicy(
    ...transform(
      ctx.transforms.queuePolicy,
      `${ctx.name}-dlq`,
      {
        queueUrl: deadLetterQueue.queue.url,
        policy: pulumi
          .all([deadLetterQueue.arn, senderArn])
          .apply(([queueArn, sender]) => JSON.stringify(deadLetterQueuePolicy(queueArn, sender))),
      },
      { parent: ctx.parent },
    ),
  );
}
