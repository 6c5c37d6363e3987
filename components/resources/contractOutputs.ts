/**
 * The outputs another stack subscribes with (through a StackReference): the trigger's bus, and each event the
 * workflow publishes (bus, source, detail-type). Outputs only: no resource is created here.
 */
import * as pulumi from "@pulumi/pulumi";
import { eventBusArn } from "../core/iam";
import { allSteps } from "../core/walk";
import type { WorkflowContext } from "./context";

/** One event a workflow's `publishEvent` step puts on EventBridge, as a stack output. */
export interface PublishedEventOutput {
  /** The publishEvent step. */
  step: string;
  source: string;
  detailType: string;
  /** The bus's name (or ARN, when the step names a bus of another account). */
  eventBusName: string;
  eventBusArn: string;
}

/** The trigger's bus (name and ARN) and the events the workflow publishes, once the account scope is known. */
export function contractOutputs(ctx: WorkflowContext): {
  triggerBusName: pulumi.Output<string>;
  triggerBusArn: pulumi.Output<string>;
  publishedEvents: pulumi.Output<PublishedEventOutput[]>;
} {
  const triggerBusName = pulumi.output(ctx.triggerBus);
  const published = allSteps(ctx.args.steps).flatMap((step) => (step.kind === "publishEvent" ? [step] : []));
  return {
    triggerBusName,
    triggerBusArn: pulumi.all([ctx.scope, triggerBusName]).apply(([scope, bus]) => eventBusArn(scope, bus)),
    publishedEvents: pulumi.all(
      published.map((step) =>
        pulumi.all([ctx.scope, pulumi.output(step.eventBusName ?? ctx.triggerBus)]).apply(([scope, bus]) => ({
          step: step.name,
          source: step.source,
          detailType: step.detailType,
          eventBusName: bus,
          eventBusArn: eventBusArn(scope, bus),
        })),
      ),
    ),
  };
}
