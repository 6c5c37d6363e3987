/** One idempotency table per workflow, only when a task asks for it. */
import * as aws from "@pulumi/aws";
import { statefulChildOptions, type WorkflowContext } from "./context";
import { named } from "./naming";
import { transform } from "./transform";

export function createIdempotencyTable(ctx: WorkflowContext): aws.dynamodb.Table | undefined {
  if (ctx.plan.idempotentSteps.size === 0) return undefined;
  return new aws.dynamodb.Table(
    ...named(
      ctx.names,
      "table",
      transform(
        ctx.transforms.table,
        `${ctx.name}-idempotency`,
        {
          name: ctx.names.of("table", "idempotency"),
          billingMode: "PAY_PER_REQUEST",
          // The attribute names Powertools' DynamoDBPersistenceLayer uses by default.
          hashKey: "id",
          attributes: [{ name: "id", type: "S" }],
          ttl: { attributeName: "expiration", enabled: true },
          serverSideEncryption: { enabled: true },
          pointInTimeRecovery: { enabled: true },
          tags: ctx.tags,
        },
        statefulChildOptions(ctx),
      ),
    ),
  );
}
