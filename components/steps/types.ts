/**
 * The step model: plain data a user declares and the pure core compiles, validates and derives from.
 * Nothing here holds a Pulumi resource; the only Pulumi type that appears is `pulumi.Input<string>` for
 * a bus name, which the shell resolves before compilation.
 */
import type { MapItemBatcher, MapItemReader, MapResultWriter } from "./mapIo";
import type * as pulumi from "@pulumi/pulumi";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { Tracer } from "@aws-lambda-powertools/tracer";

/**
 * A Retry rule of a state, in camelCase. Compiles to an ASL `Retrier`.
 *
 * Only transient errors belong here (throttling, service errors, `States.Timeout` where the step is safe to
 * repeat): `States.ALL` is rejected by {@link validateSteps} because it retries errors that never heal, unless the rule
 * says why with `acknowledgeCatchAll` and bounds `maxAttempts`.
 *
 * @example
 * { errors: ["ThrottlingException"], intervalSeconds: 1, maxAttempts: 5, backoffRate: 2, jitter: "FULL" }
 */
export interface Retry {
  /** Error names this rule matches, e.g. `"ThrottlingException"` or `"Lambda.TooManyRequestsException"`. */
  errors: string[];
  /** Seconds before the first retry. @default 1 */
  intervalSeconds?: number;
  /** Retries after the first attempt (3 means up to 4 invocations). @default 3 */
  maxAttempts?: number;
  /** Multiplier of the interval after each retry. @default 2 */
  backoffRate?: number;
  /** Upper bound of any single interval, in seconds. @default no bound */
  maxDelaySeconds?: number;
  /** `"FULL"` randomises each interval to spread retries of many executions. @default "NONE" */
  jitter?: "FULL" | "NONE";
  /**
   * Why this rule may retry `States.ALL` or `States.TaskFailed`, which also match errors that never heal: e.g. a
   * partner API whose every error is transient. Only with an explicit `maxAttempts` of at most 3. A non-empty reason,
   * kept in the code for reviewers.
   * @default none (catch-all retries are refused)
   * @example { errors: ["States.TaskFailed"], maxAttempts: 2, acknowledgeCatchAll: "the legacy gateway fails transiently with any error" }
   */
  acknowledgeCatchAll?: string;
}

/**
 * A Catch rule: where the flow goes when a state fails with one of `errors` after its retries.
 *
 * @example
 * { errors: ["InsufficientFundsError"], next: "RefundAndFail", resultPath: "$.error" }
 */
export interface Catch {
  /** Error names; `"States.ALL"` matches anything and must come last. */
  errors: string[];
  /** The state to go to; it must exist in the same step list. */
  next: string;
  /** Where the error object is written into the state input. @default "$" (the input is replaced) */
  resultPath?: string;
}

/** Comparison operators of an ASL Choice rule, in camelCase (`numericGreaterThan` -> `NumericGreaterThan`). */
export type ComparisonOperator =
  | "stringEquals"
  | "stringEqualsPath"
  | "stringLessThan"
  | "stringLessThanPath"
  | "stringGreaterThan"
  | "stringGreaterThanPath"
  | "stringLessThanEquals"
  | "stringLessThanEqualsPath"
  | "stringGreaterThanEquals"
  | "stringGreaterThanEqualsPath"
  | "stringMatches"
  | "numericEquals"
  | "numericEqualsPath"
  | "numericLessThan"
  | "numericLessThanPath"
  | "numericGreaterThan"
  | "numericGreaterThanPath"
  | "numericLessThanEquals"
  | "numericLessThanEqualsPath"
  | "numericGreaterThanEquals"
  | "numericGreaterThanEqualsPath"
  | "booleanEquals"
  | "booleanEqualsPath"
  | "timestampEquals"
  | "timestampEqualsPath"
  | "timestampLessThan"
  | "timestampLessThanPath"
  | "timestampGreaterThan"
  | "timestampGreaterThanPath"
  | "timestampLessThanEquals"
  | "timestampLessThanEqualsPath"
  | "timestampGreaterThanEquals"
  | "timestampGreaterThanEqualsPath"
  | "isNull"
  | "isPresent"
  | "isNumeric"
  | "isString"
  | "isBoolean"
  | "isTimestamp";

/**
 * A Choice condition in camelCase: one comparison on a `variable`, or a boolean combination.
 *
 * @example
 * { and: [{ variable: "$.detail.totalAmount", numericGreaterThan: 100 }, { not: { variable: "$.vip", isPresent: true } }] }
 */
export type Condition =
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition }
  | ({ variable: string } & { [K in ComparisonOperator]?: string | number | boolean });

/**
 * What a handler receives besides its input: who it is, the Lambda invocation, and the Powertools
 * utilities of its Lambda (already configured with the workflow as namespace and the step as service).
 */
export interface StepContext<R = any, S extends string = string> {
  /**
   * The task's `secrets`, by name: read once per Lambda container (Powertools Parameters) before the first invocation,
   * and masked wherever the step writes (logs, metrics, traces, errors). Empty for a task without secrets.
   */
  secrets: Readonly<Record<S, string>>;
  /**
   * What the task's `init` hook returned: created once per Lambda container (at its first invocation) and handed to
   * every invocation that container serves. `undefined` for a task without `init`.
   */
  resources: R;
  /** The step's name, as in the state machine. */
  stepName: string;
  /** The workflow (component) name. */
  workflowName: string;
  /** The Lambda invocation's request id (a local id when run by the local runner). */
  requestId: string;
  /** Milliseconds left before the Lambda times out. */
  remainingTimeMs(): number;
  /** Powertools Metrics: add business metrics; they are flushed with the step's own metrics. */
  metrics: Metrics;
  /** Powertools Logger, structured JSON with the step as service. */
  logger: Logger;
  /** Powertools Tracer: annotations (e.g. the order id) and subsegments. */
  tracer: Tracer;
  /**
   * The task token of a {@link waitForCallback} step: hand it to whoever answers (`SendTaskSuccess`,
   * `SendTaskFailure`, `SendTaskHeartbeat`). Undefined for other tasks. It is a credential: it never reaches a log,
   * metric, trace or error of the step.
   */
  taskToken?: string;
  /** A callback step's approve and reject links, when it asks for `approvalLink`. They embed the token: never log them. */
  approvalLinks?: { approve: string; reject: string };
}

/** A step handler: plain input in, plain JSON-serializable output out; throw an Error whose `name` is the ASL error. */
export type StepHandler<I = any, O = any, R = any, S extends string = string> = (input: I, context: StepContext<R, S>) => Promise<O> | O;

/**
 * Creates what a handler reuses across invocations (database pools, SDK clients, parsed configuration), once per
 * Lambda container. Values captured by the handler are serialized at deploy time and rebuilt on every call when
 * declared with `let`; a live client cannot be serialized at all: create it here instead.
 */
export type StepInit<R> = () => Promise<R> | R;

/** Flow control shared by every step that does not end the workflow by itself. */
export interface Flow {
  /** The step to go to next. @default the following step of the list */
  next?: string;
  /** Ends the workflow (or the branch) successfully after this step. @default false */
  end?: boolean;
}

/** Error handling shared by Task, Parallel and Map steps. */
export interface ErrorHandling {
  /** Retry rules, evaluated in order. @default none (Lambda service errors are always retried on tasks) */
  retry?: Retry[];
  /** Catch rules, evaluated in order after retries run out. @default none */
  catch?: Catch[];
}

/**
 * Makes a task idempotent with Powertools Idempotency: a repeated input with the same key (a Step Functions retry,
 * a replayed event) returns the first result instead of running the handler again; a concurrent duplicate is
 * rejected while the first is in progress; a failed attempt leaves no record, so a retry runs again.
 *
 * @example
 * { keyPath: "orderId", expiresAfterSeconds: 86400 }
 */
export interface IdempotencyOptions {
  /** JMESPath into the task's input selecting the idempotency key, e.g. "orderId" or "order.orderId". */
  keyPath: string;
  /** How long a completed result is kept and replayed, in seconds. @default 3600 */
  expiresAfterSeconds?: number;
  /**
   * JMESPath of the input fields a replay must repeat, e.g. "[totalAmount, currency]": a request with the same key
   * but other values there fails with `IdempotencyValidationError` instead of silently getting the stored result.
   * @default none (the key alone decides)
   */
  payloadValidationPath?: string;
}

/** An IAM grant of a step's Lambda: these actions on these resources. */
export interface StepPermission {
  actions: string[];
  /** Exact ARNs (Pulumi Outputs allowed). */
  resources: pulumi.Input<string>[];
  /**
   * Why this grant needs a service-wide wildcard: every action of a service (`"s3:*"`) or every resource of one
   * (`"arn:aws:s3:::*"`, `"arn:aws:dynamodb:*:*:table/*"`, `"arn:*"`). Without it such a grant is refused by
   * `validateSteps`; a bare `"*"` action or resource (and `"*:*"`) is refused even with it. A non-empty reason,
   * kept in the code for reviewers.
   * @default none (service-wide wildcards are refused)
   * @example
   * { actions: ["s3:*"], resources: [bucket.arn], acknowledgeWildcard: "the archiver manages this bucket end to end" }
   */
  acknowledgeWildcard?: string;
}

/**
 * An ASL payload template: a JSON object whose keys ending in `.$` take a value from a JSONPath (`"$.detail.id"`, or
 * `"$$.Execution.Id"` from the Context Object) or from an intrinsic function (`"States.Format('order {}', $.id)"`,
 * `"States.UUID()"`, `"States.MathAdd($.count, 1)"`, ...), at any depth; other keys are copied as they are.
 *
 * @example
 * { "orderId.$": "$.detail.orderId", "title.$": "States.Format('Order {} of {}', $.detail.orderId, $.detail.customerId)", source: "shop" }
 */
export type PayloadTemplate = Record<string, unknown>;

/**
 * Where a task's secret lives: an SSM Parameter Store parameter (a SecureString is decrypted) or a Secrets Manager
 * secret. `keyArn` names the customer-managed KMS key that encrypts it, for `kms:Decrypt`; leave it out for the
 * AWS-managed key.
 *
 * @example { parameter: "/claims/api-key" }
 * @example { secret: dbSecret.arn, keyArn: key.arn }
 */
export type TaskSecret =
  | {
      /** The parameter's name (`/claims/api-key`) or ARN. */
      parameter: string;
      /** @default none (the AWS-managed key) */
      keyArn?: pulumi.Input<string>;
      secret?: never;
    }
  | {
      /** The secret's ARN (e.g. `secret.arn`) or name. */
      secret: pulumi.Input<string>;
      /** @default none (the AWS-managed key) */
      keyArn?: pulumi.Input<string>;
      parameter?: never;
    };

/** Options of {@link task}. */
export interface TaskOptions<I, O, R = any, S extends string = string> extends Flow, ErrorHandling {
  /** The Lambda's code, serialized by Pulumi into the function's archive. */
  handler: StepHandler<I, O, R, S>;
  /**
   * Runs once per Lambda container, before the first invocation; its result reaches every invocation as
   * `context.resources`. If it throws, the invocation fails with its error and the next invocation runs it again.
   * @example
   * init: () => ({ pool: new Pool({ connectionString: process.env.DATABASE_URL }) }),
   * handler: async (claim, { resources }) => resources.pool.query("INSERT ...", [claim.id]),
   * @default none (`context.resources` is undefined)
   */
  init?: StepInit<R>;
  /** The Task's `TimeoutSeconds`; the Lambda's own timeout is set shorter (see `lambdaTimeoutFor`). Required. */
  timeoutSeconds: number;
  /** JSONPath selecting the part of the state input given to the handler. @default "$" */
  inputPath?: string;
  /** JSONPath where the handler's result is placed in the state input. @default "$" (the input is replaced) */
  resultPath?: string | null;
  /** JSONPath selecting the part of the state output passed on. @default "$" */
  outputPath?: string;
  /**
   * Builds the handler's input from the state input (after `inputPath`) without a Lambda of its own: a payload
   * template (see {@link PayloadTemplate}). The handler's annotated input is checked against the shape it builds.
   * @default none (the handler gets the state input)
   * @example { "orderId.$": "$.detail.orderId", "label.$": "States.Format('order-{}', $.detail.orderId)" }
   */
  parameters?: PayloadTemplate;
  /**
   * Reshapes the handler's result before `resultPath` places it: a payload template over the result (`$` is the
   * result), e.g. to keep only the fields the next steps need.
   * @default none (the whole result)
   * @example { "chargeId.$": "$.id" }
   */
  resultSelector?: PayloadTemplate;
  /** This Lambda's memory in MB, overriding the workflow's `lambda.memorySize`. @default the workflow's */
  memorySize?: number;
  /**
   * Retry Lambda service errors (`Lambda.ServiceException`, `Lambda.TooManyRequestsException`, ...) automatically,
   * after your own rules, as AWS recommends. @default true
   */
  retryLambdaServiceErrors?: boolean;
  /** Make the task idempotent on a key of its input (the component then creates the workflow's idempotency table). @default not idempotent */
  idempotency?: IdempotencyOptions;
  /**
   * Extra IAM permissions of this step's Lambda, beyond its log group and X-Ray: what the handler itself calls.
   * Name exact resources; a `*` action or resource is refused, and a service-wide one (`s3:*`, `arn:aws:s3:::*`)
   * needs `acknowledgeWildcard`.
   * @example [{ actions: ["s3:GetObject"], resources: [pulumi.interpolate`${bucket.arn}/*`] }]
   * @default none
   */
  permissions?: StepPermission[];
  /**
   * npm packages this handler needs inside its archive, e.g. `["zod"]`. Each is bundled by esbuild from the program's
   * node_modules, tree-shaken to what the handler reads and minified (one file per module the handler loads); Node's
   * modules, `@aws-sdk/*` and the Powertools layer's packages stay external and never need listing.
   * @default [] (the archive holds the serialized handler only)
   */
  bundle?: string[];
  /**
   * Packages of `bundle` copied whole into the archive, with their dependencies, instead of bundled: those esbuild
   * cannot bundle (native addons) or that read files beside their code at run time. The build error that needs it
   * names the package.
   * @default []
   * @example
   * bundle: ["sharp"], copyPackages: ["sharp"]
   */
  copyPackages?: string[];
  /**
   * The step's name before a rename: its Lambda, role, role policy, log group and alarms keep their Pulumi URNs (the
   * component gives each a Pulumi alias) and their physical names keep the former name, so the rename updates them
   * instead of replacing them. Keep it as long as they should stay: removing it renames them in AWS, which replaces
   * them (see "Upgrades" in the README).
   * @default none (a renamed step's resources are replaced)
   * @example
   * task("AssessClaim", { renamedFrom: "Assess", handler: assess, timeoutSeconds: 10 })
   */
  renamedFrom?: string;
  /**
   * Environment variables of this step's Lambda (values may be Outputs). Names follow Lambda's rules (a letter, then
   * letters, digits or underscores); `AWS_*`, Lambda's reserved names and this library's own (`EDW_*`, the
   * `POWERTOOLS_*` it sets) are refused; all of the function's variables together stay within Lambda's 4 KB.
   * @default none
   * @example { CLAIMS_API_URL: "https://claims.example.com", TABLE_NAME: table.name }
   */
  environment?: Record<string, pulumi.Input<string>>;
  /**
   * Secrets the handler reads as `context.secrets.NAME`: fetched once per Lambda container with Powertools Parameters
   * (from the layer), masked wherever the step writes. The Lambda may read exactly these (`ssm:GetParameter`,
   * `secretsmanager:GetSecretValue`), plus `kms:Decrypt` on a named `keyArn`. Locally, `edw-local --secret NAME=value`
   * or the test kit's `secrets` supply the values.
   * @default none
   * @example { API_KEY: { parameter: "/claims/api-key" }, DB_PASSWORD: { secret: dbSecret.arn, keyArn: key.arn } }
   */
  secrets?: { [Name in S]: TaskSecret };
  /**
   * Concurrent executions reserved for this step's Lambda: at most this many run at once (the rest are throttled,
   * and retried as Lambda service errors), and they are always available to it.
   * @default none (the account's unreserved pool)
   * @example 10
   */
  reservedConcurrency?: number;
  /**
   * Execution environments kept initialized for this step's Lambda (no cold starts up to this many at once, billed
   * while provisioned). The function is then published and invoked through an alias (`live`) carrying the provisioned
   * concurrency; the state machine invokes the alias. At most `reservedConcurrency` when both are set.
   * @default none (on-demand)
   * @example 2
   */
  provisionedConcurrency?: number;
}

/** A Lambda task step: its options, named. */
export interface TaskStep extends TaskOptions<any, any, any, any> {
  kind: "task";
  name: string;
  /** Set by {@link waitForCallback}: the Lambda is invoked with `.waitForTaskToken` and the state waits for an answer. */
  callback?: CallbackSettings;
}

/** How a {@link waitForCallback} step waits. */
export interface CallbackSettings {
  /**
   * Seconds between heartbeats (`SendTaskHeartbeat`) after which the task fails with `States.HeartbeatTimeout`: a
   * slow system that stops reporting is noticed long before `timeoutSeconds`. @default none (only the timeout)
   */
  heartbeatSeconds?: number;
  /** The Lambda's own timeout: the handler only hands the token off. @default 30 */
  handlerTimeoutSeconds?: number;
  /**
   * Approve and reject links for a person: the component creates the workflow's approval endpoint (a Lambda behind
   * an HTTPS Function URL) and the handler gets `context.approvalLinks`, each carrying a signed (KMS HMAC), expiring
   * token. Opening a link shows a confirmation; confirming approves (`{"decision":"approved"}` becomes the state's
   * result) or rejects (the state fails with `ApprovalRejected`).
   * @example approvalLink: { expiresAfterSeconds: 86_400, reservedConcurrency: 5 }
   * @default no links
   */
  approvalLink?: {
    /** How long a link decides. @default the step's `timeoutSeconds` */
    expiresAfterSeconds?: number;
    /**
     * The reserved concurrency of the workflow's approval endpoint (the largest any step asks for): a flood of junk
     * links is throttled at this many concurrent requests instead of drawing on the account's Lambda concurrency.
     * @default 5
     */
    reservedConcurrency?: number;
  };
}

/** Options of {@link waitForCallback}: a task whose handler hands off its token, then waits for the answer. */
export interface CallbackTaskOptions<I, R = any>
  extends Omit<TaskOptions<I, unknown, R>, "handler" | "idempotency" | "timeoutSeconds">,
    CallbackSettings {
  /**
   * Receives the state input and, in `context.taskToken`, the token to hand to a person or a system; what it
   * returns is ignored: the state's result is what `SendTaskSuccess` sends. A thrown error fails the state as on
   * any task (retries and catches apply).
   */
  handler: StepHandler<I, unknown, R>;
  /**
   * How long the state waits for `SendTaskSuccess`/`SendTaskFailure` before it fails with `States.Timeout`.
   * Required: a callback that nobody answers must not wait for a year.
   */
  timeoutSeconds: number;
}

/**
 * What a state reads and what it passes on, as ASL's `InputPath` and `OutputPath`: on every step kind but `fail` (ASL
 * allows neither on a Fail state). With either on a step other than a task, `tsc` no longer carries the state's shape
 * past that step (the check steps aside there).
 */
export interface StatePaths {
  /** JSONPath selecting the part of the state input the state works on. @default "$" */
  inputPath?: string;
  /** JSONPath selecting the part of the state output passed on. @default "$" */
  outputPath?: string;
}

/** A Parallel step: every branch runs on the same input; the output is the array of branch outputs. */
export interface ParallelStep extends Flow, ErrorHandling, StatePaths {
  kind: "parallel";
  name: string;
  branches: Step[][];
  /**
   * Builds every branch's input from the state input (after `inputPath`): a payload template (see
   * {@link PayloadTemplate}); `tsc` checks the branches' first steps against the shape it builds.
   * @default none (each branch gets the state input)
   * @example { "orderId.$": "$.detail.orderId", "lines.$": "$.detail.items" }
   */
  parameters?: PayloadTemplate;
  /** Reshapes the array of branch outputs (`$` is that array) before `resultPath`. @default none */
  resultSelector?: PayloadTemplate;
  resultPath?: string | null;
}

/** A Choice step: the first matching condition picks the next step. */
export interface ChoiceStep extends StatePaths {
  kind: "choice";
  name: string;
  choices: { condition: Condition; next: string }[];
  otherwise?: string;
}

/**
 * Options of {@link map}.
 *
 * A Map runs INLINE (its iterations are part of the execution, and the first failed item fails the Map) unless it
 * tolerates failures: AWS accepts `ToleratedFailurePercentage`/`ToleratedFailureCount` only on a Distributed Map, so
 * a Map with `toleratedFailurePercentage` or `toleratedFailureCount` (or an `itemReader`, `itemBatcher` or `resultWriter`,
 * which AWS also takes on a Distributed Map only) compiles to
 * `ItemProcessor.ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: itemExecutionType }`: each item runs as a
 * child workflow execution of this state machine, and the execution role is granted `states:StartExecution` on the
 * state machine itself and `states:DescribeExecution`/`states:StopExecution` on its executions (what AWS documents
 * for a Distributed Map). When more items fail than tolerated, the Map fails with
 * `States.ExceedToleratedFailureThreshold` (catch it like any error).
 *
 * @example
 * {
 *   itemsPath: "$.detail.documents",
 *   itemSelector: { "claimId.$": "$.detail.claimId", "document.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
 *   steps: [task("ScanDocument", { handler: scan, timeoutSeconds: 60, end: true })],
 *   maxConcurrency: 5,
 *   toleratedFailureCount: 1,
 * }
 */
export interface MapOptions extends Flow, ErrorHandling, StatePaths {
  /**
   * JSONPath of the array in the state input; one iteration per element. Required unless `itemReader` is given.
   * @example "$.detail.items"
   */
  itemsPath?: string;
  /**
   * Reads the items from S3 instead of the state input (ASL `ItemReader`). Makes the Map distributed (see
   * {@link MapOptions}); the execution role gets read access to exactly what it names. Not with `itemsPath`.
   * @default none (the items are the array at `itemsPath`)
   * @example { format: "json", bucket: "claims-archive", key: "2026/claims.json" }
   */
  itemReader?: MapItemReader;
  /**
   * Hands each child execution a batch `{ Items: [...], BatchInput? }` instead of one item (ASL `ItemBatcher`). Makes
   * the Map distributed.
   * @default none (one item per child execution)
   * @example { maxItemsPerBatch: 100 }
   */
  itemBatcher?: MapItemBatcher;
  /**
   * Writes the results to S3 (ASL `ResultWriter`); the Map's output is then the manifest's location. Makes the Map
   * distributed; the execution role may write under `bucket/prefix` only.
   * @default none (the results array is the Map's output)
   * @example { bucket: "claims-archive", prefix: "scan-results" }
   */
  resultWriter?: MapResultWriter;
  /** The steps run for each item; their first step receives the item (or what `itemSelector` builds). */
  steps: Step[];
  /**
   * Builds each iteration's input from the state input and the item (ASL `ItemSelector`, a payload template): a key
   * ending in `.$` takes the value at a JSONPath, where `$` is the Map's input and `$$.Map.Item.Value` /
   * `$$.Map.Item.Index` are the item and its position; other keys are copied as they are.
   * @default none (each iteration's input is the item itself)
   * @example
   * { "claimId.$": "$.detail.claimId", "item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", source: "claims" }
   */
  itemSelector?: Record<string, unknown>;
  /**
   * Upper bound of the iterations running at once (ASL `MaxConcurrency`); 0 means no limit.
   * @default 0 (as many as AWS allows: 40 inline, 10,000 child executions distributed)
   * @example 5
   */
  maxConcurrency?: number;
  /**
   * The percentage of items (a whole number from 0 to 100) that may fail without failing the Map (ASL
   * `ToleratedFailurePercentage`). Makes the Map distributed (see {@link MapOptions}).
   * @default none (inline Map: any failed item fails the Map)
   * @example 25 // one item in four may fail
   */
  toleratedFailurePercentage?: number;
  /**
   * The number of items (a whole number from 0) that may fail without failing the Map (ASL
   * `ToleratedFailureCount`). With both tolerances set, the Map fails when either is exceeded. Makes the Map
   * distributed (see {@link MapOptions}).
   * @default none (inline Map: any failed item fails the Map)
   * @example 1
   */
  toleratedFailureCount?: number;
  /**
   * How a distributed Map runs its child executions (ASL `ProcessorConfig.ExecutionType`): `"STANDARD"` (exactly
   * once, up to a year, callbacks allowed) or `"EXPRESS"` (at least once, at most 5 minutes, cheaper). Only for a
   * distributed Map (one with a tolerance, an `itemReader`, an `itemBatcher` or a `resultWriter`).
   * @default "STANDARD"
   * @example "EXPRESS"
   */
  itemExecutionType?: "STANDARD" | "EXPRESS";
  /**
   * The most items the Map is ever given. ASL has no field for it: it bounds the worst-case time budget (the slowest
   * item times ceil(maxItems / maxConcurrency)) and travels in the state's `Comment` as `[time budget: maxItems=N]`.
   * It is a declaration, not a check: a larger array still runs.
   * @default none (the Map's time is unbounded, and a workflow with a timeout refuses it unless acknowledged)
   * @example 20
   */
  maxItems?: number;
  /**
   * The Map's label (ASL `Label`): Step Functions names a Distributed Map's Map Runs with it (their ARNs, the console).
   * Up to 40 characters, no whitespace or punctuation AWS refuses in state names.
   * @default none (Step Functions uses a generated name)
   * @example "scan-documents"
   */
  label?: string;
  /**
   * Reshapes the array of the iterations' outputs (`$` is that array) before `resultPath`, e.g.
   * `{ "count.$": "States.ArrayLength($)" }`. (A Map's `parameters` is {@link MapOptions.itemSelector}: AWS renamed
   * the Map's `Parameters` to `ItemSelector`.)
   * @default none
   * @example { "scanned.$": "$", "count.$": "States.ArrayLength($)" }
   */
  resultSelector?: PayloadTemplate;
  /** JSONPath where the array of the iterations' outputs is placed. @default "$" (the input is replaced) */
  resultPath?: string | null;
}

/** A Map step: runs `steps` for each element of the array at `itemsPath`. */
export interface MapStep extends MapOptions {
  kind: "map";
  name: string;
}

/** A Wait step: a fixed number of seconds, the number of seconds found at a path, or until the timestamp found at a path. */
export interface WaitStep extends Flow, StatePaths {
  kind: "wait";
  name: string;
  seconds?: number;
  /** JSONPath of a number of seconds in the state input (ASL `SecondsPath`). @default none */
  secondsPath?: string;
  timestampPath?: string;
  /**
   * With `timestampPath` or `secondsPath`: the longest the wait can be, for the time budget (ASL cannot bound a timestamp); it travels
   * in the state's `Comment` as `[time budget: maxSeconds=N]`. A declaration, not a check.
   * @default none (the wait is unbounded in the time budget)
   */
  maxSeconds?: number;
}

/** A Pass step: passes its input on, optionally injecting a fixed result. */
export interface PassStep extends Flow, StatePaths {
  kind: "pass";
  name: string;
  result?: unknown;
  /**
   * Builds the state's output from its input (a payload template, see {@link PayloadTemplate}), placed at
   * `resultPath`: data shaping without a Lambda. Not with `result` (which would replace what it builds).
   * @default none (the input passes on)
   */
  parameters?: PayloadTemplate;
  resultPath?: string | null;
}

/** Ends the workflow (or branch) successfully. */
export interface SucceedStep extends StatePaths {
  kind: "succeed";
  name: string;
}

/**
 * Ends the workflow with an error name and cause (what `DescribeExecution` reports): each fixed, or read from the state
 * input at a path (`errorPath`, `causePath`; ASL `ErrorPath`/`CausePath`). One of `error`/`errorPath`, and one of
 * `cause`/`causePath`.
 */
export interface FailStep {
  kind: "fail";
  name: string;
  /** The error name, e.g. "PaymentFailed". @default none (give `errorPath`) */
  error?: string;
  /** JSONPath of the error name in the state input, e.g. "$.error.Error". @default none (give `error`) */
  errorPath?: string;
  /** What happened. @default none (give `causePath`) */
  cause?: string;
  /** JSONPath of the cause in the state input, e.g. "$.error.Cause". @default none (give `cause`) */
  causePath?: string;
}

/** Fields shared by the three AWS service integration steps. */
export interface IntegrationOptions extends Flow, StatePaths {
  /** Where the service's response is written. @default null (the input passes through unchanged) */
  resultPath?: string | null;
  /** The integration's `TimeoutSeconds`. @default 30 */
  timeoutSeconds?: number;
}

/** Publishes the state input (or a fixed message) to the workflow's alert topic (SNS). */
export interface NotifyStep extends IntegrationOptions {
  kind: "notify";
  name: string;
  /** The email subject / SNS Subject. @default none */
  subject?: string;
  /** A fixed message instead of the state input. @default the state input (`$`) */
  message?: string;
  /** JSONPath of the part of the state input to publish, e.g. "$.error" to keep order data out of alerts. @default "$" */
  messagePath?: string;
}

/** Sends the state input to the workflow's dead-letter queue (SQS). */
export interface DeadLetterStep extends IntegrationOptions {
  kind: "sendToDeadLetterQueue";
  name: string;
}

/** Options of {@link publishEvent}. */
export interface PublishEventOptions extends IntegrationOptions {
  /** The event's `source`; sources starting with "aws." are reserved. @example "order.processor" */
  source: string;
  /** The event's `detail-type`. @example "Order Processed" */
  detailType: string;
  /** The bus; the trigger's bus when omitted. */
  eventBusName?: pulumi.Input<string>;
  /**
   * JSONPath of the part of the state input that becomes the event's `detail` (PutEvents `"Detail.$"`), e.g. to
   * publish the business object without the execution's bookkeeping. It must select a JSON object.
   * @default "$" (the whole state input)
   * @example "$.detail"
   */
  detailPath?: string;
}

/** Puts the state input (or the part at `detailPath`) as the `detail` of an event on an EventBridge bus. */
export interface PublishEventStep extends PublishEventOptions {
  kind: "publishEvent";
  name: string;
}

/**
 * Options of {@link callAwsService}: one AWS API call made by Step Functions itself, without a Lambda.
 *
 * @example
 * {
 *   service: "dynamodb",
 *   action: "putItem",
 *   parameters: { TableName: table.name, Item: { pk: { "S.$": "$.detail.orderId" } } },
 *   iamResources: [table.arn],
 *   timeoutSeconds: 10,
 *   resultPath: null,
 * }
 */
export interface CallAwsServiceOptions extends Flow, ErrorHandling {
  /**
   * The service, as Step Functions' AWS SDK integrations name it (the SDK's lowercase service name), e.g. `"dynamodb"`,
   * `"s3"`, `"sqs"`, `"sns"`, `"eventbridge"`, `"sfn"`, `"bedrockruntime"`.
   */
  service: string;
  /** The API action in camelCase, as Step Functions spells it, e.g. `"putItem"`, `"getObject"`, `"sendMessage"`. */
  action: string;
  /**
   * The API request, in the API's own field names (PascalCase), as a payload template: `.$` keys take paths and
   * intrinsic functions; fixed values may be Pulumi Outputs (a table's name), resolved before compilation.
   * @default {} (no request fields)
   * @example { TableName: table.name, Key: { pk: { "S.$": "$.detail.orderId" } } }
   */
  parameters?: PayloadTemplate;
  /**
   * The exact ARNs the call acts on: the execution role is granted the call's IAM action on these and nothing else.
   * A service-wide wildcard (`arn:aws:s3:::*`) needs `acknowledgeWildcard`; a bare `"*"` needs it too (some actions have
   * no resource-level permission, e.g. `sts:GetCallerIdentity`).
   * @example [table.arn]
   */
  iamResources: pulumi.Input<string>[];
  /**
   * The IAM actions the call needs, where they are not `<service>:<Action>` (IAM's name for the API action, checked
   * against AWS's Service Authorization data), e.g. `["states:StartExecution"]` for `service: "sfn"`, or where the
   * call needs more than one (`kms:Decrypt` for an encrypted object).
   * @default [`<service>:<Action>`], when IAM defines it
   */
  iamActions?: string[];
  /** Why `iamResources` needs a wildcard: a non-empty reason, kept in the code for reviewers. @default none (refused) */
  acknowledgeWildcard?: string;
  /** Reshapes the API response (`$` is the response) before `resultPath`. @default none */
  resultSelector?: PayloadTemplate;
  /** JSONPath selecting the part of the state input the request is built from. @default "$" */
  inputPath?: string;
  /** Where the response goes in the state. @default "$" (the response replaces the input) */
  resultPath?: string | null;
  /** JSONPath selecting the part of the state output passed on. @default "$" */
  outputPath?: string;
  /** The call's `TimeoutSeconds`. Required, as on every task. */
  timeoutSeconds: number;
  /**
   * The customer managed KMS key the call's target is encrypted with (an encrypted queue or topic): the execution
   * role also gets `kms:GenerateDataKey` and `kms:Decrypt` on exactly this key.
   * @default none (the target is unencrypted or uses an AWS managed key)
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Waits for a task token's answer: the call is made `.waitForTaskToken` (an ECS task, a partner's API, a child
   * execution that reports back), its request must carry `$$.Task.Token` (e.g. `"token.$": "$$.Task.Token"`), and the
   * state's result is what `SendTaskSuccess` sends; `timeoutSeconds` bounds the wait. {@link waitForCallback} with a
   * `queue` or `topic` sets it.
   * @default none (the call's response is the result)
   * @example callback: { heartbeatSeconds: 600 }
   */
  callback?: Pick<CallbackSettings, "heartbeatSeconds">;
  /**
   * How the step waits, as CDK's `integrationPattern` says it: `"runJob"` starts a job and waits for it to end, through
   * Step Functions' optimized integration with `.sync` (ECS `runTask`, Glue `startJobRun`, Athena
   * `startQueryExecution`, Batch `submitJob`, CodeBuild `startBuild`, SageMaker `createTrainingJob`); the result is the
   * finished job's description, and `timeoutSeconds` bounds the wait. The execution role also gets what watching the
   * job needs (its describe and stop actions, and the EventBridge rule Step Functions manages for it). To wait for a
   * task token instead (CDK's `WAIT_FOR_TASK_TOKEN`), give `callback`.
   * @default "requestResponse" (the API's response is the result)
   * @example integrationPattern: "runJob"
   */
  integrationPattern?: IntegrationPattern;
  /**
   * The IAM roles the call hands to the service (an ECS task definition's task and execution roles, a SageMaker
   * training job's role): the execution role gets `iam:PassRole` on exactly these.
   * @default none
   * @example passRoles: [taskRole.arn, executionRole.arn]
   */
  passRoles?: pulumi.Input<string>[];
}

/**
 * How a `callAwsService` step waits, in CDK's words (`IntegrationPattern`): `"requestResponse"` takes the API's
 * response and goes on; `"runJob"` starts a job and waits for it to end (`.sync`). The third, waiting for a task
 * token (CDK's `WAIT_FOR_TASK_TOKEN`), is the step's `callback`.
 */
export type IntegrationPattern = "requestResponse" | "runJob";

/** A direct AWS API call (`arn:aws:states:::aws-sdk:<service>:<action>`, or the optimized integration where one exists). */
export interface CallAwsServiceStep extends CallAwsServiceOptions {
  kind: "callAwsService";
  name: string;
}

/** An SQS queue a callback message goes to: an `aws.sqs.Queue`, or its URL and ARN. */
export interface CallbackQueue {
  url: pulumi.Input<string>;
  arn: pulumi.Input<string>;
}

/** An SNS topic a callback message goes to: an `aws.sns.Topic`, or its ARN. */
export interface CallbackTopic {
  arn: pulumi.Input<string>;
}

/** Exactly one of a queue and a topic, for {@link waitForCallback} without a Lambda. */
export type MessageCallbackTarget = { queue: CallbackQueue; topic?: never } | { topic: CallbackTopic; queue?: never };

/**
 * Options of {@link waitForCallback} without a Lambda: the task token travels in a message to an SQS queue
 * (`sqs:sendMessage.waitForTaskToken`) or an SNS topic (`sns:publish.waitForTaskToken`), and the state waits for
 * whoever reads it to answer. Give exactly one of `queue` and `topic`.
 *
 * @example
 * { queue: reviews, timeoutSeconds: 86_400, message: { "orderId.$": "$.detail.orderId", "taskToken.$": "$$.Task.Token" } }
 */
export interface MessageCallbackOptions extends Flow, ErrorHandling, Pick<CallAwsServiceOptions, "kmsKeyArn"> {
  /** The queue the message is sent to; the execution role may send to this queue only. @default none (give `topic`) */
  queue?: CallbackQueue;
  /** The topic the message is published to; the execution role may publish to this topic only. @default none (give `queue`) */
  topic?: CallbackTopic;
  /**
   * The message: a payload template that must carry `$$.Task.Token` (in a `.$` field), or nobody could answer.
   * @default { state: <the step's name>, "input.$": "$", "taskToken.$": "$$.Task.Token" }
   */
  message?: PayloadTemplate;
  /** How long the state waits for an answer before it fails with `States.Timeout`. Required. */
  timeoutSeconds: number;
  /** Seconds between heartbeats after which the state fails with `States.HeartbeatTimeout`. @default none (only the timeout) */
  heartbeatSeconds?: number;
  /** JSONPath selecting the part of the state input the message is built from. @default "$" */
  inputPath?: string;
  /** Reshapes the answer (`$` is what `SendTaskSuccess` sent) before `resultPath`. @default none */
  resultSelector?: PayloadTemplate;
  /** Where the answer goes in the state. @default "$" (the answer replaces the input) */
  resultPath?: string | null;
  /** JSONPath selecting the part of the state output passed on. @default "$" */
  outputPath?: string;
  /** Not with a queue or topic: the message, not a Lambda, hands the token off. */
  handler?: never;
}

/**
 * Options of {@link startWorkflow}: start an execution of another state machine (another `EventDrivenWorkflow`'s
 * included), and with `mode: "sync"` wait for its result.
 *
 * @example
 * { stateMachineArn: transcode.stateMachineArn, input: { "videoId.$": "$.detail.videoId" }, mode: "sync", timeoutSeconds: 3600 }
 */
export interface StartWorkflowOptions extends Flow, ErrorHandling {
  /** The child state machine's ARN, e.g. another workflow's `stateMachineArn` output. */
  stateMachineArn: pulumi.Input<string>;
  /**
   * The child's input, as a payload template over the state input (`.$` paths and intrinsic functions).
   * @default the whole state input
   * @example { "videoId.$": "$.detail.videoId", profile: "1080p" }
   */
  input?: PayloadTemplate;
  /**
   * `"sync"` waits for the child to finish (`startExecution.sync:2`): its output (as JSON) is in the result's `Output`,
   * and a failed, timed-out or aborted child fails this step with `States.TaskFailed`. `"async"` only starts it: the
   * result is `{ ExecutionArn, StartDate }`.
   */
  mode: "sync" | "async";
  /** The step's `TimeoutSeconds`: for `sync`, how long to wait for the child. Required. */
  timeoutSeconds: number;
  /** Reshapes the result (`$` is it) before `resultPath`, e.g. `{ "transcoded.$": "$.Output" }`. @default none */
  resultSelector?: PayloadTemplate;
  /** JSONPath selecting the part of the state input the child's input is built from. @default "$" */
  inputPath?: string;
  /** Where the result goes in the state. @default "$" (the result replaces the input) */
  resultPath?: string | null;
  /** JSONPath selecting the part of the state output passed on. @default "$" */
  outputPath?: string;
}

/** Starts a child state machine (`arn:aws:states:::states:startExecution`, `.sync:2` when it waits). */
export interface StartWorkflowStep extends StartWorkflowOptions {
  kind: "startWorkflow";
  name: string;
}

/** Any step of a workflow. */
export type Step =
  | TaskStep
  | ParallelStep
  | ChoiceStep
  | MapStep
  | WaitStep
  | PassStep
  | SucceedStep
  | FailStep
  | NotifyStep
  | DeadLetterStep
  | PublishEventStep
  | CallAwsServiceStep
  | StartWorkflowStep;

/** The kind discriminator of {@link Step}. */
export type StepKind = Step["kind"];
