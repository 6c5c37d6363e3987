/** The dead-letter queue: encrypted SQS, keeping messages the longest SQS allows. Its policy comes with the trigger. */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { known, statefulChildOptions, type WorkflowContext } from "./context";
import { named } from "./naming";
import { transform } from "./transform";

export interface DeadLetterQueue {
  queue: aws.sqs.Queue;
  arn: pulumi.Output<string>;
  url: pulumi.Output<string>;
}

export function createDeadLetterQueue(ctx: WorkflowContext): DeadLetterQueue {
  const queue = new aws.sqs.Queue(
    ...named(
      ctx.names,
      "queue",
      transform(
        ctx.transforms.queue,
        `${ctx.name}-dlq`,
        {
          name: ctx.names.of("queue", "dlq"),
          sqsManagedSseEnabled: true,
          messageRetentionSeconds: 1_209_600, // the maximum, 14 days: time to analyse and replay
          tags: ctx.tags,
        },
        statefulChildOptions(ctx),
      ),
    ),
  );
  return { queue, arn: known(queue.arn, "dead-letter queue ARN"), url: known(queue.url, "dead-letter queue URL") };
}
