/**
 * The arguments of EventDrivenWorkflow (and the event pattern type of its trigger): plain declarations, read by the
 * shell (workflow.ts) and its resource steps (resources/).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AlarmOptions } from "./core/alarms";
import type { BusinessMetric } from "./core/dashboard";
import type { NamingOptions } from "./core/naming";
import type { Architecture, LogLevel, WorkflowType } from "./core/settings";
import type { TimeBudgetOptions } from "./core/timeBudgetCheck";
import type { WorkflowTransforms } from "./resources/transform";
import type { CheckedSteps, TriggerEvent } from "./steps/typing";
import type { Step } from "./steps/types";

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
  "anything-but"?:
    | string
    | number
    | readonly (string | number)[]
    | { prefix?: string; suffix?: string; wildcard?: string; "equals-ignore-case"?: string | readonly string[] };
  numeric?: readonly (string | number)[];
  exists?: boolean;
  "equals-ignore-case"?: string;
  wildcard?: string;
  cidr?: string;
}

/** The events that start an execution. */
export interface EventTrigger {
  /**
   * The rule's event pattern. Values may be Pulumi Outputs, e.g. a bucket's name in an S3 "Object Created" pattern.
   * A literal `"detail-type"` types the first step's input (`EventBridgeEvent<"Object Created", ...>`).
   * @example { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: [bucket.bucket] } } }
   */
  pattern: pulumi.Input<EventPattern>;
  /** The bus the rule listens on. @default "default" */
  eventBusName?: pulumi.Input<string>;
  /** A workflow starts on events or on a schedule, never both. */
  schedule?: never;
}

/**
 * When an execution starts, on EventBridge Scheduler: the schedule's target starts the state machine with `input`,
 * with a role allowed only that, a retry policy and the workflow's dead-letter queue, as the event rule has.
 *
 * @example
 * { expression: "cron(0 6 ? * MON-FRI *)", timezone: "Europe/Paris", input: { report: "daily" } }
 */
export interface WorkflowSchedule<Input = unknown> {
  /**
   * `rate(value unit)` (unit singular for 1: `rate(1 hour)`, `rate(5 minutes)`), a six-field
   * `cron(minutes hours day-of-month month day-of-week year)` with `?` in one of the day fields, or a one-time
   * `at(yyyy-mm-ddThh:mm:ss)`.
   * @example "rate(15 minutes)"
   * @example "cron(0 6 ? * MON-FRI *)"
   * @example "at(2027-01-31T09:00:00)"
   */
  expression: string;
  /** The IANA time zone `cron` and `at` expressions are read in. @default "UTC" @example "Europe/Paris" */
  timezone?: string;
  /**
   * The execution's input (JSON, at most 8192 characters): the first step's input, typed from this value.
   * @default {}
   * @example { report: "daily" }
   */
  input?: Input;
}

/** Executions start on a schedule (EventBridge Scheduler) instead of on events. */
export interface ScheduleTrigger<Input = unknown> {
  schedule: WorkflowSchedule<Input>;
  /** A workflow starts on events or on a schedule, never both. */
  pattern?: never;
  /** A workflow starts on events or on a schedule, never both. */
  eventBusName?: never;
}

/**
 * What starts an execution: events matching a pattern on a bus ({@link EventTrigger}), or a schedule
 * ({@link ScheduleTrigger}).
 * @example { pattern: { source: ["order.service"], "detail-type": ["Order Placed"] } }
 * @example { schedule: { expression: "rate(1 day)", input: { report: "daily" } } }
 */
export type WorkflowTrigger = EventTrigger | ScheduleTrigger;

/**
 * The arguments as the constructor takes them: `S` and `T` are the step list and the trigger as written, captured
 * so that `tsc` checks the list (see {@link CheckedSteps}): each reference names a step of its scope, and what flows
 * into a task satisfies its handler's input, the first task's from the trigger's event. A list typed `Step[]`
 * (JavaScript, a list built at run time) is accepted as it is and checked by `validateSteps` when the program runs.
 */
export type CheckedWorkflowArgs<S extends readonly Step[], T extends WorkflowTrigger> = EventDrivenWorkflowArgs & {
  trigger: T;
  steps: CheckedSteps<S, TriggerEvent<T>>;
};

/** Arguments of {@link EventDrivenWorkflow}. */
export interface EventDrivenWorkflowArgs {
  /** What starts an execution: events ({@link eventTrigger} also types their `detail`) or a schedule. */
  trigger: WorkflowTrigger;
  /** The ordered steps: a step without `next`/`end` flows into the following one (a readonly list, `as const`, too). */
  steps: readonly Step[];
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
     * Ship each step's `__index.js` minified (comments, whitespace and local names removed, by esbuild): about half
     * the bytes Lambda reads and parses at a cold start. Set `false` to read the handler as serialized in the Lambda
     * console; stack traces then name the handler's own local functions.
     * @default true
     * @example
     * lambda: { minify: false }
     */
    minify?: boolean;
    /**
     * Ship a source map beside each tree-shaken package bundle (`node_modules/<package>/index.js.map`), for stack
     * traces that name the package's own files; Lambda uses it when the function's `NODE_OPTIONS` has
     * `--enable-source-maps`. Off by default: a map is often larger than the bundle.
     * @default false
     * @example
     * lambda: { bundleSourceMaps: true }
     */
    bundleSourceMaps?: boolean;
    /**
     * Input keys whose values never reach a log line, console output, metric dimension, trace annotation or reported
     * error of a step (matched at any depth, in any letter case, whatever the value's type). They are added to the
     * default `cardToken`, never instead of it.
     * @default [] (only the defaults: ["cardToken"])
     * @example
     * lambda: { sensitiveKeys: ["iban"] } // cardToken and iban
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
  /**
   * The worst-case time budget check (see `timeBudget`): a workflow whose worst-case path exceeds `timeoutSeconds`
   * (or has no bound) is refused at construction unless acknowledged here, with a reason.
   * @default none (an overrun is refused)
   * @example
   * timeBudget: { acknowledgeOverrun: "a person answers within a day; the execution timeout is the escalation" }
   */
  timeBudget?: TimeBudgetOptions;
  /**
   * How the physical names of the children are built. By default every name holds the project, the stack and the
   * workflow's name (plus a hash of its parent components when it is nested in another component), so the stacks of
   * one program and same-named workflows under different parents never share a name; a name over AWS's limit is cut
   * and ends with a hash. Names are checked after the `transform` hooks, and two children of one program with the same
   * name are refused at construction.
   * @default { strategy: "project-stack" } (e.g. "shop-dev-orders-ChargeCard")
   * @example
   * naming: { prefix: "payments-" } // "payments-shop-dev-orders-ChargeCard"
   * @example
   * naming: { strategy: (p) => `${p.prefix}${p.stack}-${p.workflow}${p.child ? `-${p.child}` : ""}` }
   */
  naming?: NamingOptions;
  /** Tags for every taggable resource. @default none (a `workflow` tag is always added) */
  tags?: Record<string, string>;
  /**
   * Adjusts child resources before they are created, one hook per kind (see {@link WorkflowTransforms}); the
   * created children are on the component's `nodes`.
   * @example
   * transform: { function: { memorySize: 1024 }, queue: (args) => { args.messageRetentionSeconds = 345_600; } }
   * @default none
   */
  transform?: WorkflowTransforms;
  /**
   * The workflow's name before a rename: the component and each of its children keep their Pulumi URNs (each gets a
   * Pulumi alias) and their physical names keep the former name, so the rename updates them instead of replacing them.
   * Keep it as long as they should stay: removing it renames them in AWS, which replaces them (see "Upgrades" in the
   * README).
   * @default none (a renamed workflow's resources are all replaced)
   * @example
   * new EventDrivenWorkflow("claims-intake", { renamedFrom: "claims", ... })
   */
  renamedFrom?: string;
  /**
   * Keeps the resources that hold state when Pulumi deletes them (`retainOnDelete`): the dead-letter queue (messages
   * not yet replayed), the alert topic's KMS key (what it encrypted stays readable) and the idempotency table. A
   * rename without `renamedFrom`, a removed workflow or `pulumi destroy` then leaves them in the account, out of the
   * stack, for you to drain and delete. Set `false` for throwaway stacks (previews, tests).
   * @default true
   * @example
   * retainStatefulResources: pulumi.getStack() === "prod"
   */
  retainStatefulResources?: boolean;
}
