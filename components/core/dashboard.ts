/**
 * The CloudWatch dashboard of a workflow, derived as a plain dashboard body from resolved names: executions,
 * duration percentiles, each step Lambda's errors, throttles and duration, the DLQ's depth, the rule's failed
 * invocations and the step metrics (built-in and business) the handlers emit through Powertools.
 */
import { ERROR_NAME_DIMENSION, STEP_METRICS } from "../runtime/contract";

/** A business metric a handler emits (in the workflow's namespace, dimension `service` = the step). */
export interface BusinessMetric {
  step: string;
  metricName: string;
  /** CloudWatch statistic. @default "Sum" */
  stat?: string;
  /** Legend label. @default "<step> <metricName>" plus the extra dimension values */
  label?: string;
  /** Extra dimensions beyond `service`, e.g. `{ currency: "USD" }`. @default none */
  dimensions?: Record<string, string>;
}

export interface DashboardInputs {
  region: string;
  /** The workflow's name: the Powertools metrics namespace. */
  workflowName: string;
  stateMachineArn: string;
  /** Lambda function names by step name. */
  functionNames: Record<string, string>;
  deadLetterQueueName: string;
  /** The trigger's rule; absent for a schedule trigger (its failed starts show as DLQ messages). */
  ruleName?: string;
  /** The trigger's bus when it is not the default one: its rule metrics then carry an `EventBusName` dimension. */
  customEventBusName?: string;
  businessMetrics?: BusinessMetric[];
}

type MetricRow = (string | Record<string, unknown>)[] | [Record<string, unknown>];

interface Widget {
  type: "metric" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const WIDTH = 24;

/**
 * The dashboard body (serialize with `JSON.stringify` for `aws.cloudwatch.Dashboard.dashboardBody`).
 *
 * @example
 * dashboardBody({ region: "us-east-1", workflowName: "orders", stateMachineArn, functionNames: { ChargeCard: "orders-charge" },
 *                 deadLetterQueueName: "orders-dlq", ruleName: "orders-trigger" })
 */
export function dashboardBody(inputs: DashboardInputs): { widgets: Widget[] } {
  const { region } = inputs;
  const machine = ["StateMachineArn", inputs.stateMachineArn];
  const steps = Object.entries(inputs.functionNames);
  const ruleRows = (ruleName: string): MetricRow[] => {
    const rule =
      inputs.customEventBusName === undefined ? ["RuleName", ruleName] : ["EventBusName", inputs.customEventBusName, "RuleName", ruleName];
    return [
      ["AWS/Events", "FailedInvocations", ...rule, { stat: "Sum", label: "rule failed invocations" }],
      ["AWS/Events", "Invocations", ...rule, { stat: "Sum", label: "rule invocations" }],
    ];
  };
  const perFunction = (metricName: string, stat: string): MetricRow[] =>
    steps.map(([step, fn]) => ["AWS/Lambda", metricName, "FunctionName", fn, { label: step, stat }]);

  const panels: { title: string; metrics: MetricRow[]; stat?: string; view?: string; width?: number }[] = [
    {
      title: "Executions",
      metrics: [
        "ExecutionsStarted",
        "ExecutionsSucceeded",
        "ExecutionsFailed",
        "ExecutionsTimedOut",
        "ExecutionsAborted",
        "ExecutionThrottled",
      ].map((m) => ["AWS/States", m, ...machine, { stat: "Sum" }]),
      width: 12,
    },
    {
      title: "Execution duration (p50, p90, p99)",
      metrics: ["p50", "p90", "p99"].map((p) => ["AWS/States", "ExecutionTime", ...machine, { stat: p, label: p }]),
      width: 12,
    },
    { title: "Step Lambda errors", metrics: perFunction("Errors", "Sum"), width: 8 },
    { title: "Step Lambda throttles", metrics: perFunction("Throttles", "Sum"), width: 8 },
    { title: "Step Lambda duration (p90)", metrics: perFunction("Duration", "p90"), width: 8 },
    {
      title: "Dead-letter queue and trigger",
      metrics: [
        [
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          "QueueName",
          inputs.deadLetterQueueName,
          { stat: "Maximum", label: "DLQ messages visible" },
        ],
        ...(inputs.ruleName === undefined ? [] : ruleRows(inputs.ruleName)),
      ],
      width: 12,
    },
    {
      title: "Steps succeeded / failed (Powertools)",
      metrics: steps.flatMap(([step], i): MetricRow[] => [
        [inputs.workflowName, STEP_METRICS.succeeded, "service", step, { stat: "Sum", label: `${step} ${STEP_METRICS.succeeded}` }],
        // A failure is emitted with its errorName dimension too: CloudWatch matches exact dimension sets, so sum
        // every errorName of the step with a search.
        [
          {
            id: `failed${i}`,
            label: `${step} ${STEP_METRICS.failed}`,
            expression: `SUM(SEARCH('{${inputs.workflowName},${ERROR_NAME_DIMENSION},service} MetricName="${STEP_METRICS.failed}" service="${step}"', 'Sum', 60))`,
          },
        ],
      ]),
      width: 12,
    },
  ];
  // One widget per business metric name, each line one step (and one value of its extra dimensions).
  const byName = new Map<string, BusinessMetric[]>();
  for (const metric of inputs.businessMetrics ?? []) byName.set(metric.metricName, [...(byName.get(metric.metricName) ?? []), metric]);
  for (const [metricName, lines] of byName) {
    panels.push({
      title: metricName,
      metrics: lines.map((b) => {
        const extra = Object.entries(b.dimensions ?? {});
        const label = b.label ?? [b.step, ...extra.map(([, value]) => value)].join(" ");
        return [inputs.workflowName, b.metricName, "service", b.step, ...extra.flat(), { stat: b.stat ?? "Sum", label }];
      }),
      width: 8,
    });
  }

  const widgets: Widget[] = [
    {
      type: "text",
      x: 0,
      y: 0,
      width: WIDTH,
      height: 2,
      properties: {
        markdown: `# ${inputs.workflowName}\nState machine \`${inputs.stateMachineArn}\` · DLQ \`${inputs.deadLetterQueueName}\`${inputs.ruleName === undefined ? " · on a schedule" : ` · rule \`${inputs.ruleName}\``}`,
      },
    },
  ];
  let x = 0;
  let y = 2;
  for (const panel of panels) {
    const width = panel.width ?? 12;
    if (x + width > WIDTH) {
      x = 0;
      y += 6;
    }
    widgets.push({
      type: "metric",
      x,
      y,
      width,
      height: 6,
      properties: { title: panel.title, region, view: "timeSeries", stacked: false, period: 60, metrics: panel.metrics },
    });
    x += width;
  }
  return { widgets };
}
