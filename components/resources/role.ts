/**
 * The IAM roles the component creates (each step's Lambda, the approval endpoint, the state machine, the rule and
 * the schedule) are made one way: named by the workflow's naming, tagged, and passed through the `role` hook.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { WorkflowContext } from "./context";
import { named } from "./naming";
import { transform } from "./transform";

/**
 * A role for one child, trusting whom `assumeRolePolicy` names.
 *
 * @param logicalName the Pulumi resource name (`<workflow>-<child>`)
 * @param child the child's part of the physical name (a step's name, "execution", "trigger", …)
 */
export function createRole(
  ctx: Pick<WorkflowContext, "names" | "parent" | "tags" | "transforms">,
  logicalName: string,
  child: string,
  assumeRolePolicy: pulumi.Input<string>,
): aws.iam.Role {
  const { names, parent, tags, transforms } = ctx;
  return new aws.iam.Role(
    ...named(names, "role", transform(transforms.role, logicalName, { name: names.of("role", child), assumeRolePolicy, tags }, { parent })),
  );
}
