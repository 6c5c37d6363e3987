/**
 * EventDrivenWorkflow: the thin shell. It creates the AWS resources, resolves their ARNs and hands them to the
 * pure core (compile, IAM, alarms); it holds no workflow logic of its own.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deriveAlarmSpecs, type AlarmOptions } from "./core/alarms";
import { dashboardBody, type BusinessMetric } from "./core/dashboard";
import { compileDefinition } from "./core/compile";
import {
  alertKeyPolicy, alertTopicPolicy, deadLetterQueuePolicy, eventBusArn, executionRolePolicy, integrationNeeds,
  lambdaRolePolicy, lambdaTrustPolicy, ruleRolePolicy, serviceTrustPolicy,
} from "./core/iam";
import { DEFAULTS, LogLevel, WorkflowType, Architecture, lambdaTimeoutFor, powertoolsLayerArn, validateSettings } from "./core/settings";
import { validateSteps } from "./core/validate";
import { taskSteps } from "./core/walk";
import { DEFAULT_HANDLER_SIZE_BUDGET_BYTES } from "./core/archive";
import { instrumentStep } from "./runtime/instrument";
import { buildStepArchive, STEP_HANDLER_ENTRY } from "./stepArchive";
import { IDEMPOTENCY_TABLE_ENV, type Step } from "./steps/types";

/**
 * An EventBridge event pattern, as EventBridge takes it (`source`, `detail-type`, `detail`, ... with arrays of
 * values or content-filter objects).
 *
 * @example
 * { source: ["order.service"], "detail-type": ["Order Placed"], detail: { totalAmount: [{ numeric: [">", 0] }] } }
 */
export interface EventPattern {
  version?: EventPatternValues;
  id?: EventPatternValues;
  "detail-type"?: EventPatternValues;
  source?: EventPatternValues;
  account?: EventPatternValues;
  time?: EventPatternValues;
  region?: EventPatternValues;
  resources?: EventPatternValues;
  /** The event's payload, matched field by field (nested objects, arrays of values or filters at the leaves). */
  detail?: EventPatternFields;
  "replay-name"?: EventPatternValues;
  /** Alternatives: the event matches when any of them does. */
  $or?: EventPattern[];
}

/** Nested fields of a pattern (under `detail`): each an array of accepted values or filters, or a nested object. */
export interface EventPatternFields {
  [field: string]: EventPatternValues | EventPatternFields | EventPatternFields[] | undefined;
}

/**
 * The values a field may take: exact values (any one matches) or content filters.
 * @example ["order.service", { prefix: "order." }]
 */
export type EventPatternValues = readonly (pulumi.Input<string> | number | boolean | null | EventPatternFilter)[];

/** An EventBridge content filter. @example { numeric: [">", 0, "<=", 100] } */
export interface EventPatternFilter {
  prefix?: string | { "equals-ignore-case": string };
  suffix?: string | { "equals-ignore-case": string };
  "anything-but"?: string | number | readonly (string | number)[] | { prefix?: string; suffix?: string; wildcard?: string; "equals-ignore-case"?: string | readonly string[] };
  numeric?: readonly (string | number)[];
  exists?: boolean;
  "equals-ignore-case"?: string;
  wildcard?: string;
  cidr?: string;
}

/** Arguments of {@link EventDrivenWorkflow}. */
export interface EventDrivenWorkflowArgs {
  /** The events that start an execution. */
  trigger: {
    /**
     * The rule's event pattern. Values may be Pulumi Outputs, e.g. a bucket's name in an S3 "Object Created" pattern.
     * @example { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: [bucket.bucket] } } }
     */
    pattern: pulumi.Input<EventPattern>;
    /** The bus the rule listens on. @default "default" */
    eventBusName?: pulumi.Input<string>;
  };
  /** The ordered steps: a step without `next`/`end` flows into the following one. */
  steps: Step[];
  /** Whole-execution timeout in seconds (required; at most 300 for EXPRESS). */
  timeoutSeconds: number;
  /** @default "STANDARD" */
  workflowType?: WorkflowType;
  /** Who hears about alarms and `notify` steps. */
  alerting?: {
    /** Email addresses subscribed to the alert topic (each must confirm by email). @default none */
    emailEndpoints?: pulumi.Input<string>[];
  };
  /** State machine logging to CloudWatch Logs. */
  logging?: {
    /** @default "ERROR" */
    level?: LogLevel;
    /** Execution inputs and outputs in the logs (may hold personal data). @default false */
    includeExecutionData?: boolean;
    /** Retention of every log group of the workflow. @default 30 */
    retentionInDays?: number;
  };
  /** Settings of every step Lambda. */
  lambda?: {
    /** @default "nodejs22.x" */
    runtime?: string;
    /** MB, overridable per task. @default 256 */
    memorySize?: number;
    /** @default "arm64" */
    architecture?: Architecture;
    /** @default the AWS-published Powertools TypeScript v2 layer (version 50) of the stack's region */
    powertoolsLayerArn?: pulumi.Input<string>;
    /** Powertools Logger level of the step Lambdas. @default "INFO" */
    logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
    /**
     * Places every step Lambda in these subnets (private ones, with a NAT or VPC endpoints for the AWS APIs the
     * steps call); the Lambda roles then get the network-interface permissions VPC access needs, and only then.
     * @default not in a VPC
     */
    vpc?: { subnetIds: pulumi.Input<pulumi.Input<string>[]>; securityGroupIds: pulumi.Input<pulumi.Input<string>[]> };
    /**
     * The largest serialized handler (`__index.js`) accepted, in bytes: a handler that captures a large value (a table,
     * a file's content) fails before deployment with the value named, instead of deploying megabytes per function.
     * @default 1048576 (1 MiB)
     */
    handlerSizeBudgetBytes?: number;
    /**
     * Input keys whose values never reach a log line, metric dimension, trace annotation or reported error of a step
     * (matched at any depth). @default ["cardToken"]
     */
    sensitiveKeys?: string[];
  };
  /** The alarms' evaluation period and, per kind of alarm, how many occurrences in a period raise it. */
  alarms?: AlarmOptions;
  /** The workflow's CloudWatch dashboard. */
  dashboard?: {
    /** @default true */
    enabled?: boolean;
    /** Business metrics the handlers emit through `context.metrics`, graphed beside the built-in ones. @default none */
    businessMetrics?: BusinessMetric[];
  };
  /** Tags for every taggable resource. @default none (a `workflow` tag is always added) */
  tags?: Record<string, string>;
}

/**
 * An event-driven workflow: an EventBridge rule (retry policy + DLQ) starting a Step Functions state machine
 * (X-Ray, logging) whose tasks are Powertools-instrumented Lambdas, with an encrypted SNS alert topic, an
 * encrypted SQS dead-letter queue, CloudWatch alarms and least-privilege IAM.
 *
 * @example
 * const workflow = new EventDrivenWorkflow("orders", {
 *   trigger: { pattern: { source: ["order.service"], "detail-type": ["Order Placed"] } },
 *   timeoutSeconds: 300,
 *   steps: [
 *     task("ChargeCard", { handler: async (order) => ({ charged: order.detail.totalAmount }), timeoutSeconds: 30 }),
 *     publishEvent("Announce", { source: "order.processor", detailType: "Order Processed", end: true }),
 *   ],
 *   alerting: { emailEndpoints: ["oncall@example.com"] },
 * });
 * export const stateMachineArn = workflow.stateMachineArn;
 */
export class EventDrivenWorkflow extends pulumi.ComponentResource {
  public readonly stateMachineArn: pulumi.Output<string>;
  public readonly stateMachineName: pulumi.Output<string>;
  /** The deployed ASL definition (JSON). */
  public readonly definition: pulumi.Output<string>;
  public readonly ruleArn: pulumi.Output<string>;
  public readonly ruleName: pulumi.Output<string>;
  public readonly alertTopicArn: pulumi.Output<string>;
  public readonly deadLetterQueueArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** Lambda function ARN by task step name. */
  public readonly functionArns: pulumi.Output<Record<string, string>>;
  public readonly logGroupName: pulumi.Output<string>;
  public readonly executionRoleArn: pulumi.Output<string>;
  /** The CloudWatch dashboard's name (undefined when `dashboard.enabled` is false). */
  public readonly dashboardName: pulumi.Output<string | undefined>;
  /** The idempotency table's name (undefined when no task is idempotent). */
  public readonly idempotencyTableName: pulumi.Output<string | undefined>;

  constructor(name: string, args: EventDrivenWorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eventdrivenworkflow:index:EventDrivenWorkflow", name, {}, opts);
    // Fail before creating anything: a bad step list or setting never reaches AWS.
    validateSteps(args.steps);
    validateSettings(args, args.steps, { workflowName: name, stack: pulumi.getStack() });

    const parent = { parent: this };
    const tags = { ...args.tags, workflow: name };
    const logging = { level: DEFAULTS.stateMachineLogLevel, includeExecutionData: DEFAULTS.includeExecutionData, retentionInDays: DEFAULTS.retentionInDays, ...args.logging };
    const lambdaSettings = { runtime: DEFAULTS.runtime, memorySize: DEFAULTS.memorySize, architecture: DEFAULTS.architecture, logLevel: DEFAULTS.lambdaLogLevel, ...args.lambda };
    const triggerBus = args.trigger.eventBusName ?? "default";

    const partition = aws.getPartitionOutput({}, parent).partition.apply((p) => p ?? "aws");
    // The provider's region; the `aws:region` config when a mock answers nothing (AWS always answers).
    const region = aws.getRegionOutput({}, parent).region.apply((r) => r ?? new pulumi.Config("aws").get("region") ?? unknown("region"));
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId.apply((a) => a ?? unknown("account id"));
    const scope = pulumi.all([partition, region, accountId]).apply(([p, r, a]) => ({ partition: p, region: r, accountId: a }));

    // Alerts: a customer managed key, because CloudWatch alarms cannot publish to a topic under alias/aws/sns.
    const alertKey = new aws.kms.Key(`${name}-alerts`, {
      description: `Encrypts the ${name} workflow's alert topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: scope.apply((s) => JSON.stringify(alertKeyPolicy(s))),
      tags,
    }, parent);
    const alertTopic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: alertKey.arn, tags }, parent);
    new aws.sns.TopicPolicy(`${name}-alerts`, {
      arn: alertTopic.arn,
      policy: pulumi.all([alertTopic.arn, accountId]).apply(([arn, account]) => JSON.stringify(alertTopicPolicy(arn, account))),
    }, parent);
    (args.alerting?.emailEndpoints ?? []).forEach((endpoint, i) => {
      new aws.sns.TopicSubscription(`${name}-alert-email-${i}`, { topic: alertTopic.arn, protocol: "email", endpoint }, parent);
    });

    const deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600, // the maximum, 14 days: time to analyse and replay
      tags,
    }, parent);

    // One idempotency table per workflow, only when a task asks for it.
    const idempotentSteps = new Set(taskSteps(args.steps).filter((s) => s.idempotency).map((s) => s.name));
    const idempotencyTable = idempotentSteps.size === 0 ? undefined : new aws.dynamodb.Table(`${name}-idempotency`, {
      billingMode: "PAY_PER_REQUEST",
      // The attribute names Powertools' DynamoDBPersistenceLayer uses by default.
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      ttl: { attributeName: "expiration", enabled: true },
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: true },
      tags,
    }, parent);

    // Step Lambdas: own log group, own role, explicit timeout below the task's, Powertools from the layer.
    const vpc = args.lambda?.vpc;
    const layer = args.lambda?.powertoolsLayerArn ?? region.apply(powertoolsLayerArn);
    const functions = taskSteps(args.steps).map((step) => {
      const logGroup = new aws.cloudwatch.LogGroup(`${name}-${step.name}`, {
        name: `/aws/lambda/${name}/${step.name}`,
        retentionInDays: logging.retentionInDays,
        tags,
      }, parent);
      const role = new aws.iam.Role(`${name}-${step.name}`, { assumeRolePolicy: JSON.stringify(lambdaTrustPolicy()), tags }, parent);
      const rolePolicy = new aws.iam.RolePolicy(`${name}-${step.name}`, {
        role: role.name,
        policy: pulumi.all([logGroup.arn, idempotentSteps.has(step.name) ? idempotencyTable!.arn : undefined, pulumi.output(step.permissions ?? [])])
          .apply(([arn, tableArn, grants]) => JSON.stringify(lambdaRolePolicy(arn, { idempotencyTableArn: tableArn, vpcAccess: vpc !== undefined, grants }))),
      }, parent);
      // The archive holds the serialized handler and the task's bundle only (see stepArchive.ts).
      const archive = buildStepArchive(
        instrumentStep(name, step.name, step.handler, { idempotency: step.idempotency, sensitiveKeys: args.lambda?.sensitiveKeys, init: step.init }),
        { stepName: step.name, bundle: step.bundle ?? [], sizeBudgetBytes: args.lambda?.handlerSizeBudgetBytes ?? DEFAULT_HANDLER_SIZE_BUDGET_BYTES },
      );
      const fn = new aws.lambda.Function(`${name}-${step.name}`, {
        code: archive.then((built) => built.archive),
        handler: STEP_HANDLER_ENTRY,
        role: role.arn,
        runtime: lambdaSettings.runtime,
        architectures: [lambdaSettings.architecture],
        memorySize: step.memorySize ?? lambdaSettings.memorySize,
        timeout: lambdaTimeoutFor(step.timeoutSeconds),
        layers: [layer],
        tracingConfig: { mode: "Active" },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: lambdaSettings.logLevel },
        environment: {
          variables: {
            POWERTOOLS_SERVICE_NAME: step.name,
            POWERTOOLS_METRICS_NAMESPACE: name,
            POWERTOOLS_LOG_LEVEL: lambdaSettings.logLevel,
            ...(idempotentSteps.has(step.name) ? { [IDEMPOTENCY_TABLE_ENV]: idempotencyTable!.name } : {}),
          },
        },
        ...(vpc ? { vpcConfig: { subnetIds: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds } } : {}),
        tags,
      }, { parent: this, dependsOn: [rolePolicy] });
      return { step: step.name, fn };
    });
    const functionArns = pulumi.output(Object.fromEntries(functions.map(({ step, fn }) => [step, fn.arn.apply((arn) => arn ?? unknown(`ARN of the ${step} function`))]))) as pulumi.Output<Record<string, string>>;
    const functionNames = Object.fromEntries(functions.map(({ step, fn }) => [step, fn.name]));

    // The definition, compiled once every ARN it names is known.
    const needs = integrationNeeds(args.steps);
    const eventBusNames = pulumi.output(Object.fromEntries(Object.entries(needs.publishEventBuses).map(([step, bus]) => [step, bus ?? triggerBus]))) as pulumi.Output<Record<string, string>>;
    const topicArn = alertTopic.arn.apply((arn) => arn ?? unknown("alert topic ARN"));
    const queueArn = deadLetterQueue.arn.apply((arn) => arn ?? unknown("dead-letter queue ARN"));
    const queueUrl = deadLetterQueue.url.apply((url) => url ?? unknown("dead-letter queue URL"));
    const definition = pulumi.all([functionArns, topicArn, queueUrl, pulumi.output(triggerBus), eventBusNames]).apply(
      ([arns, topicArn, queueUrl, bus, buses]) => JSON.stringify(compileDefinition(args.steps, {
        functionArns: arns, alertTopicArn: topicArn, deadLetterQueueUrl: queueUrl, defaultEventBusName: bus, eventBusNames: buses,
      }, { comment: `${name}: generated by EventDrivenWorkflow`, timeoutSeconds: args.timeoutSeconds }), null, 2),
    );

    const stateMachineName = `${name}-${pulumi.getStack()}`;
    const executionRole = new aws.iam.Role(`${name}-execution`, {
      assumeRolePolicy: scope.apply((s) => JSON.stringify(serviceTrustPolicy("states.amazonaws.com", {
        accountId: s.accountId,
        sourceArn: `arn:${s.partition}:states:${s.region}:${s.accountId}:stateMachine:${stateMachineName}`,
      }))),
      tags,
    }, parent);
    const executionPolicy = new aws.iam.RolePolicy(`${name}-execution`, {
      role: executionRole.name,
      policy: pulumi.all([scope, functionArns, topicArn, alertKey.arn, queueArn, eventBusNames]).apply(
        ([s, arns, topicArn, keyArn, queueArn, buses]) => JSON.stringify(executionRolePolicy({
          functionArns: Object.values(arns),
          alertTopic: needs.notify ? { arn: topicArn, keyArn } : undefined,
          deadLetterQueueArn: needs.deadLetterQueue ? queueArn : undefined,
          eventBusArns: Object.values(buses).map((bus) => eventBusArn(s, bus)),
        })),
      ),
    }, parent);

    const stateMachineLogGroup = new aws.cloudwatch.LogGroup(`${name}-states`, {
      name: `/aws/vendedlogs/states/${stateMachineName}`,
      retentionInDays: logging.retentionInDays,
      tags,
    }, parent);
    const stateMachine = new aws.sfn.StateMachine(`${name}`, {
      name: stateMachineName,
      type: args.workflowType ?? DEFAULTS.workflowType,
      roleArn: executionRole.arn,
      definition,
      tracingConfiguration: { enabled: true },
      loggingConfiguration: {
        logDestination: pulumi.interpolate`${stateMachineLogGroup.arn}:*`,
        level: logging.level,
        includeExecutionData: logging.includeExecutionData,
      },
      tags,
    }, { parent: this, dependsOn: [executionPolicy], deleteBeforeReplace: true });

    // The trigger: retries for a day, then the event lands in the DLQ instead of vanishing.
    const rule = new aws.cloudwatch.EventRule(`${name}-trigger`, {
      eventBusName: triggerBus,
      eventPattern: pulumi.output(args.trigger.pattern).apply((pattern) => JSON.stringify(pattern)),
      description: `Starts the ${name} workflow`,
      tags,
    }, parent);
    const ruleRole = new aws.iam.Role(`${name}-trigger`, {
      assumeRolePolicy: pulumi.all([accountId, rule.arn]).apply(([account, ruleArn]) =>
        JSON.stringify(serviceTrustPolicy("events.amazonaws.com", { accountId: account, sourceArn: ruleArn }))),
      tags,
    }, parent);
    const ruleRolePolicyResource = new aws.iam.RolePolicy(`${name}-trigger`, {
      role: ruleRole.name,
      policy: stateMachine.arn.apply((arn) => JSON.stringify(ruleRolePolicy(arn))),
    }, parent);
    new aws.sqs.QueuePolicy(`${name}-dlq`, {
      queueUrl: deadLetterQueue.url,
      policy: pulumi.all([deadLetterQueue.arn, rule.arn]).apply(([queueArn, ruleArn]) => JSON.stringify(deadLetterQueuePolicy(queueArn, ruleArn))),
    }, parent);
    new aws.cloudwatch.EventTarget(`${name}-trigger`, {
      rule: rule.name,
      eventBusName: triggerBus,
      arn: stateMachine.arn,
      roleArn: ruleRole.arn,
      retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: deadLetterQueue.arn },
    }, { parent: this, dependsOn: [ruleRolePolicyResource] });

    // Alarms: to the alert topic, with OK actions so the page clears itself.
    const customBus = args.trigger.eventBusName === undefined || args.trigger.eventBusName === "default" ? undefined : pulumi.output(args.trigger.eventBusName);
    const specs = deriveAlarmSpecs<pulumi.Input<string>>({
      stateMachineArn: stateMachine.arn,
      functionNames,
      deadLetterQueueName: deadLetterQueue.name,
      ruleName: rule.name,
      customEventBusName: customBus,
    }, args.alarms);
    for (const spec of specs) {
      new aws.cloudwatch.MetricAlarm(`${name}-${spec.key}`, {
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
        alarmActions: [alertTopic.arn],
        okActions: [alertTopic.arn],
        tags,
      }, parent);
    }

    // Dashboards are global to the account: the region keeps one stack's dashboard per region apart.
    const dashboard = args.dashboard?.enabled === false ? undefined : new aws.cloudwatch.Dashboard(`${name}`, {
      dashboardName: pulumi.interpolate`${name}-${dashboardSafe(pulumi.getStack())}-${region}`,
      dashboardBody: pulumi.all([region, stateMachine.arn, pulumi.output(functionNames), deadLetterQueue.name, rule.name, customBus])
        .apply(([r, machineArn, functionNames, queueName, ruleName, bus]) => JSON.stringify(dashboardBody({
          region: r, workflowName: name, stateMachineArn: machineArn, functionNames: functionNames as Record<string, string>,
          deadLetterQueueName: queueName, ruleName, customEventBusName: bus, businessMetrics: args.dashboard?.businessMetrics,
        }))),
    }, parent);

    this.stateMachineArn = stateMachine.arn;
    this.stateMachineName = stateMachine.name;
    this.definition = stateMachine.definition;
    this.ruleArn = rule.arn;
    this.ruleName = rule.name;
    this.alertTopicArn = alertTopic.arn;
    this.deadLetterQueueArn = deadLetterQueue.arn;
    this.deadLetterQueueUrl = deadLetterQueue.url;
    this.functionArns = functionArns;
    this.logGroupName = stateMachineLogGroup.name;
    this.executionRoleArn = executionRole.arn;
    this.dashboardName = dashboard ? dashboard.dashboardName : pulumi.output(undefined);
    this.idempotencyTableName = idempotencyTable ? idempotencyTable.name : pulumi.output(undefined);
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn, stateMachineName: this.stateMachineName, definition: this.definition,
      ruleArn: this.ruleArn, ruleName: this.ruleName, alertTopicArn: this.alertTopicArn,
      deadLetterQueueArn: this.deadLetterQueueArn, deadLetterQueueUrl: this.deadLetterQueueUrl,
      functionArns: this.functionArns, logGroupName: this.logGroupName, executionRoleArn: this.executionRoleArn,
      dashboardName: this.dashboardName, idempotencyTableName: this.idempotencyTableName,
    });
  }
}

/**
 * A visible stand-in for an output AWS always returns but Pulumi's minimal mocks (`state: inputs`) leave undefined:
 * the definition and policies then say what is missing instead of failing in a callback the user never wrote.
 */
function unknown(what: string): string {
  return `<unknown ${what}: the Pulumi mocks returned none>`;
}

/** Dashboard names accept letters, digits, '-' and '_' only; stack names may also hold '.'. */
function dashboardSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "-");
}
