/**
 * What every resource step of an EventDrivenWorkflow reads: the arguments with their defaults applied, the plan,
 * the account scope and the transform hooks. Built once by the component.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EventDrivenWorkflowArgs } from "../args";
import type { AccountScope } from "../core/iam";
import type { WorkflowPlan } from "../core/plan";
import { DEFAULTS } from "../core/settings";
import { type WorkflowNames, workflowNames } from "./naming";
import type { WorkflowTransforms } from "./transform";

/** The shared inputs of the resource steps. */
export interface WorkflowContext {
  name: string;
  args: EventDrivenWorkflowArgs;
  plan: WorkflowPlan;
  /** The component: every child's parent. */
  parent: pulumi.Resource;
  tags: Record<string, string>;
  transforms: WorkflowTransforms;
  logging: {
    level: NonNullable<NonNullable<EventDrivenWorkflowArgs["logging"]>["level"]>;
    includeExecutionData: boolean;
    retentionInDays: number;
  };
  lambda: NonNullable<EventDrivenWorkflowArgs["lambda"]> &
    Required<Pick<NonNullable<EventDrivenWorkflowArgs["lambda"]>, "runtime" | "memorySize" | "architecture" | "logLevel">>;
  /** The bus the trigger listens on. */
  triggerBus: pulumi.Input<string>;
  /** The children's physical names (see resources/naming.ts). */
  names: WorkflowNames;
  region: pulumi.Output<string>;
  accountId: pulumi.Output<string>;
  scope: pulumi.Output<AccountScope>;
}

/** Applies the defaults and asks the provider for the account scope. */
export function workflowContext(name: string, args: EventDrivenWorkflowArgs, plan: WorkflowPlan, parent: pulumi.Resource): WorkflowContext {
  const opts = { parent };
  const partition = aws.getPartitionOutput({}, opts).partition.apply((p) => p ?? "aws");
  // The provider's region; the `aws:region` config when a mock answers nothing (AWS always answers).
  const region = aws.getRegionOutput({}, opts).region.apply((r) => r ?? new pulumi.Config("aws").get("region") ?? unknown("region"));
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId.apply((a) => a ?? unknown("account id"));
  return {
    name,
    args,
    plan,
    parent,
    tags: { ...args.tags, workflow: name },
    transforms: args.transform ?? {},
    logging: {
      level: DEFAULTS.stateMachineLogLevel,
      includeExecutionData: DEFAULTS.includeExecutionData,
      retentionInDays: DEFAULTS.retentionInDays,
      ...args.logging,
    },
    lambda: {
      runtime: DEFAULTS.runtime,
      memorySize: DEFAULTS.memorySize,
      architecture: DEFAULTS.architecture,
      logLevel: DEFAULTS.lambdaLogLevel,
      ...args.lambda,
    },
    triggerBus: args.trigger.eventBusName ?? "default",
    // A renamed workflow keeps its physical names, and with them its queue, table, key and subscriptions.
    names: workflowNames(args.renamedFrom ?? name, parent, args.naming),
    region,
    accountId,
    scope: pulumi.all([partition, region, accountId]).apply(([p, r, a]) => ({ partition: p, region: r, accountId: a })),
  };
}

/**
 * A visible stand-in for an output AWS always returns but Pulumi's minimal mocks (`state: inputs`) leave undefined:
 * the definition and policies then say what is missing instead of failing in a callback the user never wrote.
 */
export function unknown(what: string): string {
  return `<unknown ${what}: the Pulumi mocks returned none>`;
}

/** An output that Pulumi's minimal mocks may leave undefined, with the stand-in instead. */
export function known(output: pulumi.Output<string>, what: string): pulumi.Output<string> {
  return output.apply((value) => value ?? unknown(what));
}

/**
 * The options of a child that holds state (the DLQ's messages, the alert key, the idempotency records): kept in the
 * account when Pulumi deletes it, unless `retainStatefulResources` is false.
 */
export function statefulChildOptions(ctx: WorkflowContext): pulumi.CustomResourceOptions {
  return { parent: ctx.parent, retainOnDelete: ctx.args.retainStatefulResources ?? true };
}
