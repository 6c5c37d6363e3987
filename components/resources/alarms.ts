/** The alarms: to the alert topic, with OK actions so the page clears itself (specifications from core/alarms.ts). */
import { physicalAlarmKey } from "../core/lineage";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { deriveAlarmSpecs } from "../core/alarms";
import type { WorkflowContext } from "./context";
import { named } from "./naming";
import { transform } from "./transform";

/** What the alarms watch. */
export interface AlarmSubjects {
  stateMachineArn: pulumi.Output<string>;
  functionNames: Record<string, pulumi.Output<string>>;
  deadLetterQueueName: pulumi.Output<string>;
  /** Absent for a schedule trigger (no rule). */
  ruleName: pulumi.Output<string> | undefined;
  /** The trigger's bus when it is not the default one (its rule metrics carry the bus). */
  customEventBusName: pulumi.Output<string> | undefined;
  alertTopicArn: pulumi.Output<string>;
}

export function createAlarms(ctx: WorkflowContext, subjects: AlarmSubjects): aws.cloudwatch.MetricAlarm[] {
  const specs = deriveAlarmSpecs<pulumi.Input<string>>(
    {
      stateMachineArn: subjects.stateMachineArn,
      functionNames: subjects.functionNames,
      deadLetterQueueName: subjects.deadLetterQueueName,
      ruleName: subjects.ruleName,
      customEventBusName: subjects.customEventBusName,
    },
    ctx.args.alarms,
  );
  const renamedSteps = new Map(ctx.plan.tasks.flatMap((t) => (t.renamedFrom !== undefined ? [[t.name, t.renamedFrom] as const] : [])));
  return specs.map(
    (spec) =>
      new aws.cloudwatch.MetricAlarm(
        ...named(
          ctx.names,
          "alarm",
          transform(
            ctx.transforms.alarm,
            `${ctx.name}-${spec.key}`,
            {
              name: ctx.names.of("alarm", physicalAlarmKey(renamedSteps, spec.key)),
              alarmDescription: spec.description,
              namespace: spec.namespace,
              metricName: spec.metricName,
              dimensions: spec.dimensions,
              statistic: spec.statistic,
              period: spec.periodSeconds,
              evaluationPeriods: spec.evaluationPeriods,
              threshold: spec.threshold,
              comparisonOperator: spec.comparisonOperator,
              treatMissingData: spec.treatMissingData,
              alarmActions: [subjects.alertTopicArn],
              okActions: [subjects.alertTopicArn],
              tags: ctx.tags,
            },
            { parent: ctx.parent },
          ),
        ),
      ),
  );
}
