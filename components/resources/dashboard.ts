/** The workflow's CloudWatch dashboard (body from core/dashboard.ts), unless disabled. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dashboardBody } from "../core/dashboard";
import type { AlarmSubjects } from "./alarms";
import type { WorkflowContext } from "./context";
import { named } from "./naming";
import { transform } from "./transform";

export function createDashboard(
  ctx: WorkflowContext,
  subjects: Omit<AlarmSubjects, "alertTopicArn">,
  metricsNamespace: pulumi.Output<string>,
): aws.cloudwatch.Dashboard | undefined {
  if (ctx.args.dashboard?.enabled === false) return undefined;
  const { name } = ctx;
  // Dashboards are global to the account: the region keeps one stack's dashboard per region apart.
  return new aws.cloudwatch.Dashboard(
    ...named(
      ctx.names,
      "dashboard",
      transform(
        ctx.transforms.dashboard,
        name,
        {
          dashboardName: ctx.region.apply((region) => ctx.names.of("dashboard", region)),
          dashboardBody: pulumi
            .all([
              ctx.region,
              subjects.stateMachineArn,
              pulumi.output(subjects.functionNames),
              subjects.deadLetterQueueName,
              subjects.ruleName,
              subjects.customEventBusName,
              metricsNamespace,
            ])
            .apply(([region, stateMachineArn, functionNames, deadLetterQueueName, ruleName, customEventBusName, namespace]) =>
              JSON.stringify(
                dashboardBody({
                  region,
                  workflowName: namespace,
                  stateMachineArn,
                  functionNames: functionNames as Record<string, string>,
                  deadLetterQueueName,
                  ruleName,
                  customEventBusName,
                  businessMetrics: ctx.args.dashboard?.businessMetrics,
                }),
              ),
            ),
        },
        { parent: ctx.parent },
      ),
      "dashboardName",
    ),
  );
}
