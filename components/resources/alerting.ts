/** The alert topic: SNS, encrypted with a customer managed key that CloudWatch alarms may use, TLS only. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alertKeyPolicy, alertTopicPolicy } from "../core/iam";
import { known, statefulChildOptions, type WorkflowContext } from "./context";
import { named } from "./naming";
import { transform } from "./transform";

export interface Alerting {
  key: aws.kms.Key;
  topic: aws.sns.Topic;
  topicArn: pulumi.Output<string>;
  subscriptions: aws.sns.TopicSubscription[];
}

/** A customer managed key, because CloudWatch alarms cannot publish to a topic under alias/aws/sns. */
export function createAlerting(ctx: WorkflowContext): Alerting {
  const { name, parent, tags, transforms } = ctx;
  const key = new aws.kms.Key(
    ...transform(
      transforms.alertKey,
      `${name}-alerts`,
      {
        description: `Encrypts the ${name} workflow's alert topic`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: ctx.scope.apply((s) => JSON.stringify(alertKeyPolicy(s))),
        tags,
      },
      statefulChildOptions(ctx),
    ),
  );
  const topic = new aws.sns.Topic(
    ...named(
      ctx.names,
      "topic",
      transform(transforms.topic, `${name}-alerts`, { name: ctx.names.of("topic", "alerts"), kmsMasterKeyId: key.arn, tags }, { parent }),
    ),
  );
  const topicArn = known(topic.arn, "alert topic ARN");
  new aws.sns.TopicPolicy(
    ...transform(
      transforms.topicPolicy,
      `${name}-alerts`,
      {
        arn: topic.arn,
        policy: pulumi.all([topicArn, ctx.accountId]).apply(([arn, account]) => JSON.stringify(alertTopicPolicy(arn, account))),
      },
      { parent },
    ),
  );
  const subscriptions = (ctx.args.alerting?.emailEndpoints ?? []).map(
    (endpoint, i) =>
      new aws.sns.TopicSubscription(
        ...transform(transforms.subscription, `${name}-alert-email-${i}`, { topic: topic.arn, protocol: "email", endpoint }, { parent }),
      ),
  );
  return { key, topic, topicArn, subscriptions };
}
