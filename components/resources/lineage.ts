/**
 * The Pulumi side of renames (see core/lineage.ts): the component gets an alias to its former name, and each child,
 * through a transformation the component passes down, an alias to its former name. Done in one place, so that every
 * child (those added later and `grantTaskResponse`'s included) is covered.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EventDrivenWorkflowArgs } from "../args";
import { COMPONENT_TYPE } from "../asl/integrations";
import { formerChildName, type Lineage, lineageOf } from "../core/lineage";
import { taskSteps } from "../core/walk";

const METRIC_ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm";

/**
 * The component's options with the aliases that keep its URN and its children's through `renamedFrom`.
 *
 * @example
 * super(COMPONENT_TYPE, name, {}, keepThroughRenames(name, args, opts));
 */
export function keepThroughRenames(
  name: string,
  args: Pick<EventDrivenWorkflowArgs, "renamedFrom" | "steps">,
  opts: pulumi.ComponentResourceOptions = {},
): pulumi.ComponentResourceOptions {
  // Children are created after the step list is validated; read it then.
  let lineage: Lineage | undefined;
  const aliasChild: pulumi.ResourceTransformation = ({ type, name: childName, props, opts: childOpts }) => {
    // The component runs its own transformations too: it has its alias already, and its list is not validated yet.
    if (type === COMPONENT_TYPE) return undefined;
    lineage ??= lineageOf(name, args.renamedFrom, taskSteps(args.steps));
    const former = formerChildName(lineage, childName, type === METRIC_ALARM_TYPE);
    if (former === undefined) return undefined;
    return { props, opts: pulumi.mergeOptions(childOpts, { aliases: [{ name: former }] }) };
  };
  return {
    ...opts,
    aliases: [...(opts.aliases ?? []), ...(args.renamedFrom === undefined ? [] : [{ name: args.renamedFrom }])],
    // First, so that the caller's own transformations see the aliases.
    transformations: [aliasChild, ...(opts.transformations ?? [])],
  };
}
