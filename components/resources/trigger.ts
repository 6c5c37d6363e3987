/**
 * The trigger: an EventBridge rule on the pattern, whose target starts the state machine with a role allowed only
 * that, retries for a day, then puts the event in the DLQ instead of dropping it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deadLetterQueuePolicy, ruleRolePolicy, serviceTrustPolicy } from "../core/iam";
import type { WorkflowContext } from "./context";
import type { DeadLetterQueue } from "./deadLetterQueue";
import { named } from "./naming";
import { transform } from "./transform";

export interface Trigger {
  rule: aws.cloudwatch.EventRule;
  role: aws.iam.Role;
  target: aws.cloudwatch.EventTarget;
}

export function createTrigger(ctx: WorkflowContext, stateMachine: aws.sfn.StateMachine, deadLetterQueue: DeadLetterQueue): Trigger {
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
  const role = new aws.iam.Role(
    ...named(
      names,
      "role",
      transform(
        transforms.role,
        `${name}-trigger`,
        {
          name: names.of("role", "trigger"),
          assumeRolePolicy: pulumi
            .all([ctx.accountId, rule.arn])
            .apply(([account, ruleArn]) =>
              JSON.stringify(serviceTrustPolicy("events.amazonaws.com", { accountId: account, sourceArn: ruleArn })),
            ),
          tags,
        },
        { parent },
      ),
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
  new aws.sqs.QueuePolicy(
    ...transform(
      transforms.queuePolicy,
      `${name}-dlq`,
      {
        queueUrl: deadLetterQueue.queue.url,
        policy: pulumi
          .all([deadLetterQueue.arn, rule.arn])
          .apply(([queueArn, ruleArn]) => JSON.stringify(deadLetterQueuePolicy(queueArn, ruleArn))),
      },
      { parent },
    ),
  );
  const target = new aws.cloudwatch.EventTarget(
    ...transform(
      transforms.target,
      `${name}-trigger`,
      {
        rule: rule.name,
        eventBusName: ctx.triggerBus,
        arn: stateMachine.arn,
        roleArn: role.arn,
        retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
        deadLetterConfig: { arn: deadLetterQueue.queue.arn },
      },
      { parent, dependsOn: [rolePolicy] },
    ),
  );
  return { rule, role, target };
}
