/**
 * The log group of each Lambda function the component creates (each step's and the approval endpoint's), made one
 * way: `/aws/lambda/<base>/<child>`, the workflow's retention and tags, through the `logGroup` hook.
 */
import * as aws from "@pulumi/aws";
import type { WorkflowContext } from "./context";
import { named } from "./naming";
import { transform } from "./transform";

/**
 * The log group a function of `child` writes to (created before the function, so Lambda never creates it unmanaged).
 *
 * @param logicalName the Pulumi resource name (`<workflow>-<step>`)
 * @param child the child's part of the physical name (a step's name, or the approval endpoint's)
 */
export function createFunctionLogGroup(
  ctx: Pick<WorkflowContext, "names" | "parent" | "tags" | "transforms" | "logging">,
  logicalName: string,
  child: string,
): aws.cloudwatch.LogGroup {
  const { names, parent, tags, transforms } = ctx;
  return new aws.cloudwatch.LogGroup(
    ...named(
      names,
      "logGroup",
      transform(
        transforms.logGroup,
        logicalName,
        { name: names.of("logGroup", child, "/aws/lambda/"), retentionInDays: ctx.logging.retentionInDays, tags },
        { parent },
      ),
    ),
  );
}
