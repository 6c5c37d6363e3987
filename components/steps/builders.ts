/**
 * Step builders. Each returns plain data; nothing is validated here so that a whole list can be
 * checked at once by `validateSteps`, which reports every culprit by name. Their types also record the step's
 * name, targets and payload types (see typing.ts), so that `tsc` checks a list passed to `EventDrivenWorkflow` or
 * `defineSteps`.
 */
import type { EventContract } from "./contract";
import type { StepInfo, Typed, TypedTask } from "./typing";
import type { MapItemSource } from "./mapIo";
import type {
  CallAwsServiceOptions,
  CallAwsServiceStep,
  CallbackTaskOptions,
  MessageCallbackOptions,
  MessageCallbackTarget,
  StartWorkflowOptions,
  StartWorkflowStep,
  Catch,
  ChoiceStep,
  Condition,
  DeadLetterStep,
  ErrorHandling,
  FailStep,
  Flow,
  IntegrationOptions,
  MapOptions,
  MapStep,
  NotifyStep,
  ParallelStep,
  PassStep,
  PayloadTemplate,
  PublishEventOptions,
  PublishEventStep,
  Step,
  SucceedStep,
  TaskOptions,
  TaskStep,
  WaitStep,
} from "./types";

/** A step's `inputPath` and `outputPath`, recorded for `tsc` (which steps aside past a step that has either). */
type Paths<InputPath, OutputPath> = { inputPath?: InputPath; outputPath?: OutputPath };

/** A step Step Functions runs as an AWS API call (a service call, a queue or topic callback, a child workflow), with what `tsc` checks of it. */
type TypedIntegration<
  Kind extends "callAwsService" | "startWorkflow",
  Name extends string,
  Next extends string,
  End extends boolean,
  Catches extends Catch[],
  ResultPath extends string | null | undefined,
> = (Kind extends "startWorkflow" ? StartWorkflowStep : CallAwsServiceStep) &
  Typed<StepInfo<{ kind: Kind; name: Name; next: Next; end: End; catches: Catches; resultPath: ResultPath }>>;

/**
 * A Lambda task: `handler` becomes one Powertools-instrumented Lambda function with its own least-privilege role.
 *
 * The handler's annotated input and its inferred output are what `tsc` checks the list with (see
 * `CheckedSteps`); explicit type arguments (`task<Order, Charge>(...)`) still compile, without those checks.
 *
 * @example
 * task("ChargeCard", {
 *   handler: async (order: Order, ctx): Promise<Charge> => gateway.charge(order),
 *   timeoutSeconds: 30,
 *   retry: [{ errors: ["ThrottlingException"], intervalSeconds: 1, maxAttempts: 5 }],
 *   catch: [{ errors: ["InsufficientFundsError"], next: "RefundAndFail" }],
 * })
 * @example
 * // A client created once per Lambda container, not on every call:
 * task("SaveClaim", {
 *   init: () => ({ pool: new Pool() }),
 *   handler: async (claim, { resources }) => resources.pool.query("INSERT INTO claims VALUES ($1)", [claim.id]),
 *   timeoutSeconds: 10,
 *   bundle: ["pg"],
 * })
 */
export function task<
  const Name extends string,
  I = any,
  O = any,
  R = any,
  const Next extends string = never,
  const End extends boolean = false,
  const Catches extends Catch[] = [],
  const InputPath extends string | undefined = undefined,
  const ResultPath extends string | null | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
  const Parameters extends PayloadTemplate | undefined = undefined,
  const ResultSelector extends PayloadTemplate | undefined = undefined,
  const Secret extends string = never,
>(
  name: Name,
  options: TaskOptions<I, O, R, Secret> &
    Routing<Next, End> &
    Handling<Catches, ResultPath> & {
      inputPath?: InputPath;
      outputPath?: OutputPath;
      parameters?: Parameters;
      resultSelector?: ResultSelector;
    },
): TypedTask<Name, I, Awaited<O>, Next, End, Catches, InputPath, ResultPath, OutputPath, Parameters, ResultSelector>;
/** A task with explicit type arguments (`task<Input, Output>(...)`): its name and payloads are not checked by `tsc`. */
export function task<I = any, O = any, R = any>(name: string, options: TaskOptions<I, O, R>): TaskStep;
export function task(name: string, options: TaskOptions<unknown, unknown>): TaskStep {
  return { ...options, kind: "task", name };
}

/**
 * A task that waits for a person or a slow system: its Lambda is invoked with `.waitForTaskToken` and hands
 * `context.taskToken` to whoever answers; the execution waits until `SendTaskSuccess` (its output becomes the state's
 * result), `SendTaskFailure` (a named error, for `retry`/`catch`), a missed heartbeat (`States.HeartbeatTimeout`) or
 * `timeoutSeconds` (`States.Timeout`). The answering side needs `states:SendTask*` (see `grantTaskResponse`).
 *
 * @example
 * waitForCallback("ManagerApproval", {
 *   handler: async (refund: Refund, { taskToken }) => approvals.request({ refundId: refund.id, taskToken }),
 *   timeoutSeconds: 86_400,
 *   heartbeatSeconds: 3_600,
 *   catch: [{ errors: ["States.Timeout", "ApprovalRejected"], next: "RefundDeclined", resultPath: "$.error" }],
 * })
 */
export function waitForCallback<
  const Name extends string,
  I = any,
  R = any,
  const Next extends string = never,
  const End extends boolean = false,
  const Catches extends Catch[] = [],
  const InputPath extends string | undefined = undefined,
  const ResultPath extends string | null | undefined = undefined,
>(
  name: Name,
  options: CallbackTaskOptions<I, R> & Routing<Next, End> & Handling<Catches, ResultPath> & { inputPath?: InputPath },
): TypedTask<Name, I, any, Next, End, Catches, InputPath, ResultPath, string | undefined, undefined, undefined>;
/**
 * A callback without a Lambda: the task token travels in a message to an SQS queue (`sqs:sendMessage.waitForTaskToken`)
 * or an SNS topic (`sns:publish.waitForTaskToken`), and the state waits for whoever reads it to answer with
 * `SendTaskSuccess`/`SendTaskFailure`. The execution role may send to that queue (or publish to that topic) only, and
 * use `kmsKeyArn` when given.
 *
 * @example
 * waitForCallback("AwaitReview", {
 *   queue: reviewQueue, // an aws.sqs.Queue, or { url, arn }
 *   message: { "orderId.$": "$.detail.orderId", "taskToken.$": "$$.Task.Token" },
 *   timeoutSeconds: 86_400,
 *   catch: [{ errors: ["States.Timeout"], next: "ReviewMissed" }],
 * })
 * @example
 * waitForCallback("AwaitPartner", { topic: partnerTopic, timeoutSeconds: 3_600, heartbeatSeconds: 600 })
 */
export function waitForCallback<
  const Name extends string,
  const Next extends string = never,
  const End extends boolean = false,
  const Catches extends Catch[] = [],
  const ResultPath extends string | null | undefined = undefined,
>(
  name: Name,
  options: MessageCallbackOptions & MessageCallbackTarget & Routing<Next, End> & Handling<Catches, ResultPath>,
): TypedIntegration<"callAwsService", Name, Next, End, Catches, ResultPath>;
/** A callback task with explicit type arguments: its name and payload are not checked by `tsc`. */
export function waitForCallback<I = any, R = any>(name: string, options: CallbackTaskOptions<I, R>): TaskStep;
export function waitForCallback(
  name: string,
  options: CallbackTaskOptions<unknown> | MessageCallbackOptions,
): TaskStep | CallAwsServiceStep {
  const { queue, topic } = options as MessageCallbackOptions;
  // Exactly one of handler, queue and topic makes a step of its kind; anything else stays a task for validateSteps to name.
  if (options.handler === undefined && (queue === undefined) !== (topic === undefined))
    return messageCallback(name, options as MessageCallbackOptions);
  const { heartbeatSeconds, handlerTimeoutSeconds, approvalLink, ...task } = options as CallbackTaskOptions<unknown>;
  return { ...task, kind: "task", name, callback: { heartbeatSeconds, handlerTimeoutSeconds, approvalLink } };
}

/** The default message of a callback through a queue or topic: the state, its input, the token. */
function defaultCallbackMessage(name: string): PayloadTemplate {
  return { state: name, "input.$": "$", "taskToken.$": "$$.Task.Token" };
}

/** A queue or topic callback as the direct service call it is (`.waitForTaskToken` on SQS SendMessage or SNS Publish). */
function messageCallback(name: string, options: MessageCallbackOptions): CallAwsServiceStep {
  const { queue, topic, message = defaultCallbackMessage(name), heartbeatSeconds, ...rest } = options;
  const call = queue
    ? { service: "sqs", action: "sendMessage", parameters: { QueueUrl: queue.url, MessageBody: message }, iamResources: [queue.arn] }
    : { service: "sns", action: "publish", parameters: { TopicArn: topic?.arn, Message: message }, iamResources: [topic?.arn] };
  return { ...rest, ...call, kind: "callAwsService", name, callback: { heartbeatSeconds } } as CallAwsServiceStep;
}

/**
 * Runs each branch on the same input at the same time; the output is the array of the branches' outputs.
 *
 * @example
 * parallel("FulfillmentAndNotification", { branches: [[task("FulfillOrder", ...)], [task("SendEmail", ...)]] })
 */
export function parallel<
  const Name extends string,
  const Branches extends Step[][],
  const Next extends string = never,
  const End extends boolean = false,
  const Catches extends Catch[] = [],
  const ResultPath extends string | null | undefined = undefined,
  const InputPath extends string | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
  const Parameters extends PayloadTemplate | undefined = undefined,
>(
  name: Name,
  options: { branches: Branches; parameters?: Parameters; resultSelector?: PayloadTemplate } & ErrorHandling &
    Routing<Next, End> &
    Handling<Catches, ResultPath> &
    Paths<InputPath, OutputPath>,
): ParallelStep &
  Typed<
    StepInfo<{
      kind: "parallel";
      name: Name;
      next: Next;
      end: End;
      catches: Catches;
      resultPath: ResultPath;
      scopes: Branches;
      inputPath: InputPath;
      outputPath: OutputPath;
      parameters: Parameters;
    }>
  > {
  return { ...options, kind: "parallel", name };
}

/**
 * Branches on the first matching condition.
 *
 * @example
 * choice("IsLargeOrder", {
 *   choices: [{ condition: { variable: "$.totalAmount", numericGreaterThan: 1000 }, next: "ManualReview" }],
 *   otherwise: "ChargeCard",
 * })
 */
export function choice<
  const Name extends string,
  const Choices extends { condition: Condition; next: string }[],
  const Otherwise extends string = never,
  const InputPath extends string | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
>(
  name: Name,
  options: { choices: Choices; otherwise?: Otherwise } & Paths<InputPath, OutputPath>,
): ChoiceStep &
  Typed<
    StepInfo<{
      kind: "choice";
      name: Name;
      choiceTargets: Choices[number]["next"] | Otherwise;
      inputPath: InputPath;
      outputPath: OutputPath;
    }>
  > {
  return { ...options, kind: "choice", name };
}

/**
 * Runs `steps` once per element of the array at `itemsPath`. Inline by default; a Map given
 * `toleratedFailurePercentage` or `toleratedFailureCount` becomes a Distributed Map (see {@link MapOptions}), as does
 * one given an `itemReader` (items from S3 in place of `itemsPath`), an `itemBatcher` or a `resultWriter`.
 *
 * @example
 * map("ProcessLines", { itemsPath: "$.detail.items", steps: [task("ReserveStock", { handler: reserve, timeoutSeconds: 10, end: true })], maxConcurrency: 5 })
 * @example
 * // Each iteration gets the claim id beside its document; one failed document in four is tolerated.
 * map("ScanDocuments", {
 *   itemsPath: "$.detail.documents",
 *   itemSelector: { "claimId.$": "$.detail.claimId", "document.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
 *   steps: [task("ScanDocument", { handler: scan, timeoutSeconds: 60, end: true })],
 *   toleratedFailurePercentage: 25,
 * })
 * @example
 * // One child execution per 100 rows of a CSV file in S3; the results go back to S3.
 * map("ImportRows", {
 *   itemReader: { format: "csv", bucket: "imports", keyPath: "$.detail.key", csvHeaders: "firstRow" },
 *   itemBatcher: { maxItemsPerBatch: 100 },
 *   resultWriter: { bucket: "imports", prefix: "results" },
 *   steps: [task("ImportBatch", { handler: importBatch, timeoutSeconds: 60, end: true })],
 * })
 */
export function map<
  const Name extends string,
  const Steps extends Step[],
  const Next extends string = never,
  const End extends boolean = false,
  const Catches extends Catch[] = [],
  const ResultPath extends string | null | undefined = undefined,
  const InputPath extends string | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
>(
  name: Name,
  options: MapOptions &
    MapItemSource & { steps: Steps } & Routing<Next, End> &
    Handling<Catches, ResultPath> &
    Paths<InputPath, OutputPath>,
): MapStep &
  Typed<
    StepInfo<{
      kind: "map";
      name: Name;
      next: Next;
      end: End;
      catches: Catches;
      resultPath: ResultPath;
      scopes: [Steps];
      inputPath: InputPath;
      outputPath: OutputPath;
    }>
  > {
  return { ...options, kind: "map", name };
}

/**
 * Pauses for a number of seconds (fixed, or read at `secondsPath`), or until the ISO-8601 timestamp at `timestampPath`.
 *
 * @example
 * wait("CoolDown", { seconds: 60 })
 * wait("UntilDue", { timestampPath: "$.dueAt", maxSeconds: 86_400 }, { next: "Remind" }) // maxSeconds bounds the time budget
 */
export function wait<
  const Name extends string,
  const Next extends string = never,
  const End extends boolean = false,
  const InputPath extends string | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
>(
  name: Name,
  duration: { seconds: number } | { timestampPath: string; maxSeconds?: number } | { secondsPath: string; maxSeconds?: number },
  flow: Routing<Next, End> & Paths<InputPath, OutputPath> = {},
): WaitStep & Typed<StepInfo<{ kind: "wait"; name: Name; next: Next; end: End; inputPath: InputPath; outputPath: OutputPath }>> {
  return { ...flow, ...duration, kind: "wait", name };
}

/**
 * Passes the input on, optionally writing a fixed `result`, or what `parameters` builds from the input, at
 * `resultPath`: data shaping without a Lambda. With a literal `parameters`, `tsc` carries the shape it builds to the
 * next steps.
 *
 * @example
 * pass("LogFulfillmentFailure", { result: "Fulfillment failed but order was charged", resultPath: "$.note", end: true })
 * @example
 * // Reshape the event for the next step: no Lambda, no cold start.
 * pass("BuildPublication", {
 *   parameters: { "orderId.$": "$.detail.orderId", "title.$": "States.Format('Order {} for {}', $.detail.orderId, $.detail.customerId)", "id.$": "States.UUID()" },
 * })
 */
export function pass<
  const Name extends string,
  const Next extends string = never,
  const End extends boolean = false,
  const ResultPath extends string | null | undefined = undefined,
  const Parameters extends PayloadTemplate | undefined = undefined,
  const InputPath extends string | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
>(
  name: Name,
  options: { result?: unknown; parameters?: Parameters } & Routing<Next, End> & { resultPath?: ResultPath } & Paths<
      InputPath,
      OutputPath
    > = {},
): PassStep &
  Typed<
    StepInfo<{
      kind: "pass";
      name: Name;
      next: Next;
      end: End;
      resultPath: ResultPath;
      parameters: Parameters;
      inputPath: InputPath;
      outputPath: OutputPath;
    }>
  > {
  return { ...options, kind: "pass", name };
}

/**
 * Ends the workflow, or the branch it is in, successfully.
 *
 * @example
 * succeed("Done")
 */
export function succeed<
  const Name extends string,
  const InputPath extends string | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
>(
  name: Name,
  paths: Paths<InputPath, OutputPath> = {},
): SucceedStep & Typed<StepInfo<{ kind: "succeed"; name: Name; inputPath: InputPath; outputPath: OutputPath }>> {
  return { ...paths, kind: "succeed", name };
}

/**
 * Ends the workflow as failed, with the error and cause that `DescribeExecution` and the alarms report.
 *
 * @example
 * fail("PaymentFailedEnd", { error: "PaymentFailed", cause: "Payment processing failed and was refunded" })
 * @example
 * // The caught error itself, as a catch placed it at "$.error":
 * fail("Failed", { errorPath: "$.error.Error", causePath: "$.error.Cause" })
 */
export function fail<const Name extends string>(
  name: Name,
  options: ({ error: string; errorPath?: never } | { errorPath: string; error?: never }) &
    ({ cause: string; causePath?: never } | { causePath: string; cause?: never }),
): FailStep & Typed<StepInfo<{ kind: "fail"; name: Name }>> {
  return { ...options, kind: "fail", name };
}

/**
 * Publishes the state input (or a fixed `message`) to the workflow's encrypted alert topic, then passes the
 * input on unchanged.
 *
 * @example
 * notify("OrderValidationFailed", { subject: "Order failed validation", messagePath: "$.error", next: "ValidationFailedEnd" })
 */
export function notify<
  const Name extends string,
  const Next extends string = never,
  const End extends boolean = false,
  const ResultPath extends string | null | undefined = undefined,
  const InputPath extends string | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
>(
  name: Name,
  options: { subject?: string; message?: string; messagePath?: string } & IntegrationOptions &
    Routing<Next, End> & { resultPath?: ResultPath } & Paths<InputPath, OutputPath> = {},
): NotifyStep &
  Typed<
    StepInfo<{ kind: "notify"; name: Name; next: Next; end: End; resultPath: ResultPath; inputPath: InputPath; outputPath: OutputPath }>
  > {
  return { ...options, kind: "notify", name };
}

/**
 * Sends the state input to the workflow's dead-letter queue for later reprocessing, then passes it on unchanged.
 *
 * @example
 * sendToDeadLetterQueue("QueueForRetry", { next: "RetryQueuedEnd" })
 */
export function sendToDeadLetterQueue<
  const Name extends string,
  const Next extends string = never,
  const End extends boolean = false,
  const ResultPath extends string | null | undefined = undefined,
  const InputPath extends string | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
>(
  name: Name,
  options: IntegrationOptions & Routing<Next, End> & { resultPath?: ResultPath } & Paths<InputPath, OutputPath> = {},
): DeadLetterStep &
  Typed<
    StepInfo<{
      kind: "sendToDeadLetterQueue";
      name: Name;
      next: Next;
      end: End;
      resultPath: ResultPath;
      inputPath: InputPath;
      outputPath: OutputPath;
    }>
  > {
  return { ...options, kind: "sendToDeadLetterQueue", name };
}

/**
 * Puts the state input (or the part of it at `detailPath`) as an event's `detail` on EventBridge (a completion
 * event), then passes the input on unchanged. Given a `contract` (see `eventContract`) instead of `source` and
 * `detailType`, it publishes that event and `tsc` checks that the detail it puts satisfies the contract's payload.
 *
 * @example
 * publishEvent("PublishOrderProcessed", { source: "order.processor", detailType: "Order Processed", end: true })
 * @example
 * // Only the original event's detail, not what the steps added to the state:
 * publishEvent("AnnounceClaim", { source: "claims.processor", detailType: "Claim Settled", detailPath: "$.detail" })
 * @example
 * // The event of a contract shared with the subscribing stacks:
 * publishEvent("AnnounceCompletion", { contract: orderCompleted, detailPath: "$.completion", end: true })
 */
export function publishEvent<
  const Name extends string,
  const Next extends string = never,
  const End extends boolean = false,
  const ResultPath extends string | null | undefined = undefined,
  const DetailPath extends string | undefined = undefined,
  const InputPath extends string | undefined = undefined,
  const OutputPath extends string | undefined = undefined,
  Payload = any,
>(
  name: Name,
  options: (PublishEventOptions | ContractPublishOptions<Payload>) &
    Routing<Next, End> & { resultPath?: ResultPath; detailPath?: DetailPath } & Paths<InputPath, OutputPath>,
): PublishEventStep &
  Typed<
    StepInfo<{
      kind: "publishEvent";
      name: Name;
      next: Next;
      end: End;
      resultPath: ResultPath;
      input: Payload;
      inputPath: DetailInState<InputPath, DetailPath>;
      outputPath: OutputPath;
    }>
  > {
  if ("contract" in options && options.contract) {
    const { contract, ...rest } = options;
    return { ...rest, source: contract.source, detailType: contract.detailType, kind: "publishEvent", name };
  }
  return { ...(options as PublishEventOptions), kind: "publishEvent", name };
}

/** Where in the state the published detail is: `detailPath` taken within what `inputPath` selects. */
type DetailInState<InputPath, DetailPath> = InputPath extends string
  ? DetailPath extends `$${infer Rest}`
    ? `${InputPath}${Rest}`
    : InputPath
  : DetailPath;

/** Options of {@link publishEvent} naming an event contract instead of its source and detail-type. */
export type ContractPublishOptions<Payload> = Omit<PublishEventOptions, "source" | "detailType"> & {
  /** The event to publish (its source and detail-type) and the payload its detail must satisfy. */
  contract: EventContract<string, string, Payload>;
};

/**
 * One AWS API call made by Step Functions itself, without a Lambda: `arn:aws:states:::aws-sdk:<service>:<action>`,
 * or the optimized integration where Step Functions has one (DynamoDB `getItem`/`putItem`/`updateItem`/`deleteItem`,
 * SQS `sendMessage`, SNS `publish`, EventBridge `putEvents`). The execution role gets the call's IAM action (from
 * AWS's Service Authorization data, or `iamActions`) on exactly `iamResources`.
 *
 * @example
 * callAwsService("SaveOrder", {
 *   service: "dynamodb",
 *   action: "putItem",
 *   parameters: { TableName: orders.name, Item: { orderId: { "S.$": "$.detail.orderId" }, total: { "N.$": "States.JsonToString($.detail.totalAmount)" } } },
 *   iamResources: [orders.arn],
 *   timeoutSeconds: 10,
 *   resultPath: null,
 * })
 * @example
 * // An API whose IAM prefix differs from the SDK's service name: name the IAM action.
 * callAwsService("ListRuns", { service: "sfn", action: "listExecutions", parameters: { StateMachineArn: arn }, iamResources: [arn], iamActions: ["states:ListExecutions"], timeoutSeconds: 10 })
 */
export function callAwsService<
  const Name extends string,
  const Next extends string = never,
  const End extends boolean = false,
  const Catches extends Catch[] = [],
  const ResultPath extends string | null | undefined = undefined,
>(
  name: Name,
  options: CallAwsServiceOptions & Routing<Next, End> & Handling<Catches, ResultPath>,
): TypedIntegration<"callAwsService", Name, Next, End, Catches, ResultPath> {
  return { ...options, kind: "callAwsService", name };
}

/**
 * Starts an execution of another state machine, another `EventDrivenWorkflow` included: `mode: "sync"` waits for its
 * result (`startExecution.sync:2`), `mode: "async"` only starts it. The execution role may start that state machine
 * only, and for `sync` also describe and stop its executions and manage the rule Step Functions uses to learn that a
 * child finished, as AWS documents.
 *
 * @example
 * startWorkflow("Transcode", {
 *   stateMachineArn: transcoding.stateMachineArn,
 *   input: { "videoId.$": "$.detail.videoId", profile: "1080p" },
 *   mode: "sync",
 *   timeoutSeconds: 3600,
 *   resultSelector: { "renditions.$": "$.Output.renditions" },
 *   resultPath: "$.transcoded",
 * })
 */
export function startWorkflow<
  const Name extends string,
  const Next extends string = never,
  const End extends boolean = false,
  const Catches extends Catch[] = [],
  const ResultPath extends string | null | undefined = undefined,
>(
  name: Name,
  options: StartWorkflowOptions & Routing<Next, End> & Handling<Catches, ResultPath>,
): TypedIntegration<"startWorkflow", Name, Next, End, Catches, ResultPath> {
  return { ...options, kind: "startWorkflow", name };
}

/**
 * The routing fields of a step, as type parameters: the builders capture their literal values (`next: "Charge"`)
 * so that `tsc` can check them against the list.
 */
interface Routing<Next extends string, End extends boolean> extends Flow {
  next?: Next;
  end?: End;
}

/** The catch rules and result path of a step, captured like {@link Routing}. */
interface Handling<Catches extends Catch[], ResultPath> {
  catch?: Catches;
  resultPath?: ResultPath;
}
