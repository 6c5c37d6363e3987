/**
 * compileDefinition: step list -> Amazon States Language (JSONPath flavour, so the same definition that deploys
 * also runs in-process with aws-local-stepfunctions).
 */
import type { Catch, Condition, Retry, StartWorkflowStep, StatePaths, Step, TaskStep } from "../steps/types";
import { CALLBACK_INPUT_PAYLOAD, DEAD_LETTER_EVENT_ATTRIBUTE, STEP_INPUT_PARAMETERS } from "../runtime/contract";
import { validateSteps, WorkflowDefinitionError } from "./validate";
import { isDistributedMap } from "./walk";
import { mapIoAsl } from "./mapIo";
import { formatTimeBudgetNote } from "./timeBudgetNote";
import type { AslCatcher, AslChoiceRule, AslDefinition, AslRetrier, AslScope, AslState, AslTaskState, AslTransition } from "../asl/types";
import { SERVICE_INTEGRATIONS, WAIT_FOR_TASK_TOKEN } from "../asl/integrations";
import { serviceCallResource } from "./serviceCalls";
import { startWorkflowResource } from "./childWorkflows";

// The ASL model lives in ../asl; these names stay importable from here (local/ and tests use them).
export type { AslDefinition, AslState } from "../asl/types";
export { SERVICE_INTEGRATIONS } from "../asl/integrations";

/** The ARNs and names the definition refers to, resolved by the component (or made up by a local runner). */
export interface ResolvedResources {
  /** Lambda function ARN of every task step, by step name. */
  functionArns: Record<string, string>;
  /** The alert topic that `notify` steps publish to. */
  alertTopicArn: string;
  /** The queue URL that `sendToDeadLetterQueue` steps send to. */
  deadLetterQueueUrl: string;
  /** The bus `publishEvent` steps use when they name none: the trigger's. */
  defaultEventBusName: string;
  /** Resolved bus names of `publishEvent` steps whose `eventBusName` was a Pulumi Output, by step name. */
  eventBusNames?: Record<string, string>;
  /**
   * The `parameters` of `callAwsService` steps with their Pulumi Outputs resolved, by step name.
   * @default each step's own `parameters` (which must then hold plain JSON)
   */
  serviceCallParameters?: Record<string, Record<string, unknown>>;
  /**
   * The child state machine ARNs of `startWorkflow` steps whose `stateMachineArn` was a Pulumi Output, by step name.
   * @default each step's own `stateMachineArn` (which must then be a string)
   */
  childStateMachineArns?: Record<string, string>;
}

/** Options of {@link compileDefinition}. */
export interface CompileOptions {
  /** The definition's `Comment`. @default none */
  comment?: string;
  /** The whole execution's `TimeoutSeconds`. @default none (the component always sets it) */
  timeoutSeconds?: number;
}

/** Integration states that do not name a timeout get this one: long enough for a publish, short enough to notice. */
export const DEFAULT_INTEGRATION_TIMEOUT_SECONDS = 30;

/** Lambda's own transient errors, retried on every task after the user's rules, as the Lambda integration docs advise. */
export const LAMBDA_SERVICE_RETRY: Retry = {
  errors: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
  intervalSeconds: 1,
  maxAttempts: 3,
  backoffRate: 2,
  jitter: "FULL",
};

/**
 * Compiles a step list into an ASL definition. Validates first, so an invalid list never yields a definition.
 *
 * @throws {@link WorkflowDefinitionError} when `validateSteps` does, or when a task has no resolved function ARN.
 * @example
 * const asl = compileDefinition(steps, {
 *   functionArns: { ChargeCard: "arn:aws:lambda:us-east-1:123456789012:function:charge" },
 *   alertTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
 *   deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
 *   defaultEventBusName: "default",
 * }, { timeoutSeconds: 300 });
 */
export function compileDefinition(steps: readonly Step[], resources: ResolvedResources, options: CompileOptions = {}): AslDefinition {
  validateSteps(steps);
  return compileValidatedSteps(steps, resources, options);
}

/**
 * {@link compileDefinition} for a step list that `validateSteps` already accepted: the component validates once,
 * before it creates anything, and compiles once the ARNs are known.
 */
export function compileValidatedSteps(steps: readonly Step[], resources: ResolvedResources, options: CompileOptions = {}): AslDefinition {
  const definition: AslDefinition = {
    ...(options.comment ? { Comment: options.comment } : {}),
    StartAt: steps[0].name,
    ...(options.timeoutSeconds !== undefined ? { TimeoutSeconds: options.timeoutSeconds } : {}),
    States: compileScope(steps, resources),
  };
  checkDefinitionSize(definition);
  return definition;
}

/** Step Functions' quota on a state machine definition: 1,048,576 bytes of JSON (UTF-8). */
export const MAX_DEFINITION_BYTES = 1_048_576;

const byteLength = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** A definition over AWS's size quota fails here, naming the largest top-level state, not at deploy time. */
function checkDefinitionSize(definition: AslDefinition): void {
  const size = byteLength(definition);
  if (size <= MAX_DEFINITION_BYTES) return;
  const [largest] = Object.entries(definition.States)
    .map(([name, state]) => ({ name, bytes: byteLength(state) }))
    .sort((a, b) => b.bytes - a.bytes);
  throw new WorkflowDefinitionError([
    {
      step: largest.name,
      message: `makes the definition ${size} bytes of JSON (this state alone ${largest.bytes}); Step Functions accepts at most ${MAX_DEFINITION_BYTES}: move large fixed data (a pass step's \`result\`, an \`itemSelector\`) to S3 or a table and read it in a task.`,
    },
  ]);
}

/** The states of one scope by name; `Object.fromEntries` defines own keys, so a state named `__proto__` stays a state. */
function compileScope(steps: readonly Step[], resources: ResolvedResources): AslScope["States"] {
  return Object.fromEntries(steps.map((step, i) => [step.name, compileState(step, steps[i + 1], resources)]));
}

/** `record[key]` when it is the record's own: a step named `__proto__` or `constructor` never reads Object.prototype. */
function ownValue<V>(record: Record<string, V> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function compileState(step: Step, following: Step | undefined, resources: ResolvedResources): AslState {
  const flow = () => flowOf(step as { next?: string; end?: boolean }, following);
  switch (step.kind) {
    case "task":
      return {
        Type: "Task",
        ...(step.callback
          ? {
              // The token travels in the envelope too; the state waits for SendTaskSuccess/SendTaskFailure.
              Resource: `${SERVICE_INTEGRATIONS.lambdaInvoke}${WAIT_FOR_TASK_TOKEN}`,
              Parameters: { FunctionName: functionArnOf(step, resources), Payload: envelope(CALLBACK_INPUT_PAYLOAD, step.parameters) },
              ...optional("HeartbeatSeconds", step.callback.heartbeatSeconds),
            }
          : {
              Resource: functionArnOf(step, resources),
              // The state input travels with the execution id, for the step's logs; the step wrapper unwraps it.
              Parameters: envelope(STEP_INPUT_PARAMETERS, step.parameters),
            }),
        TimeoutSeconds: step.timeoutSeconds,
        ...paths(step),
        ...optional("ResultSelector", step.resultSelector),
        ...retriesOf(step.retry, step.retryLambdaServiceErrors === false ? [] : [LAMBDA_SERVICE_RETRY]),
        ...catchesOf(step.catch),
        ...flow(),
      };
    case "parallel":
      return {
        Type: "Parallel",
        ...inOut(step),
        ...optional("Parameters", step.parameters),
        Branches: step.branches.map((branch) => ({ StartAt: branch[0].name, States: compileScope(branch, resources) })),
        ...optional("ResultSelector", step.resultSelector),
        ...optional("ResultPath", step.resultPath),
        ...retriesOf(step.retry),
        ...catchesOf(step.catch),
        ...flow(),
      };
    case "map":
      return {
        Type: "Map",
        ...optional("Comment", step.maxItems === undefined ? undefined : formatTimeBudgetNote({ maxItems: step.maxItems })),
        ...inOut(step),
        ...optional("ItemsPath", step.itemsPath),
        ...mapIoAsl(step),
        ...optional("ItemSelector", step.itemSelector),
        ItemProcessor: {
          // AWS accepts the tolerated-failure fields on a Distributed Map only (see MapOptions).
          ProcessorConfig: isDistributedMap(step)
            ? { Mode: "DISTRIBUTED", ExecutionType: step.itemExecutionType ?? "STANDARD" }
            : { Mode: "INLINE" },
          StartAt: step.steps[0].name,
          States: compileScope(step.steps, resources),
        },
        ...optional("Label", step.label),
        ...optional("MaxConcurrency", step.maxConcurrency),
        ...optional("ToleratedFailurePercentage", step.toleratedFailurePercentage),
        ...optional("ToleratedFailureCount", step.toleratedFailureCount),
        ...optional("ResultSelector", step.resultSelector),
        ...optional("ResultPath", step.resultPath),
        ...retriesOf(step.retry),
        ...catchesOf(step.catch),
        ...flow(),
      };
    case "choice":
      return {
        Type: "Choice",
        ...inOut(step),
        Choices: step.choices.map((c): AslChoiceRule => ({ ...conditionToAsl(c.condition), Next: c.next })),
        ...optional("Default", step.otherwise),
      };
    case "wait":
      return {
        Type: "Wait",
        ...optional("Comment", step.maxSeconds === undefined ? undefined : formatTimeBudgetNote({ maxSeconds: step.maxSeconds })),
        ...(step.seconds !== undefined
          ? { Seconds: step.seconds }
          : step.secondsPath !== undefined
            ? { SecondsPath: step.secondsPath }
            : { TimestampPath: step.timestampPath }),
        ...inOut(step),
        ...flow(),
      };
    case "pass":
      return {
        Type: "Pass",
        ...inOut(step),
        ...optional("Parameters", step.parameters),
        ...optional("Result", step.result),
        ...optional("ResultPath", step.resultPath),
        ...flow(),
      };
    case "callAwsService":
      return {
        Type: "Task",
        Resource: serviceCallResource(step, partitionOf(resources)),
        Parameters: ownValue(resources.serviceCallParameters, step.name) ?? step.parameters ?? {},
        TimeoutSeconds: step.timeoutSeconds,
        ...optional("HeartbeatSeconds", step.callback?.heartbeatSeconds),
        ...inOut(step),
        ...optional("ResultSelector", step.resultSelector),
        ...optional("ResultPath", step.resultPath),
        ...retriesOf(step.retry),
        ...catchesOf(step.catch),
        ...flow(),
      };
    case "startWorkflow":
      return {
        Type: "Task",
        Resource: startWorkflowResource(step, partitionOf(resources)),
        Parameters: {
          StateMachineArn: childArnOf(step, resources),
          ...(step.input !== undefined ? { Input: step.input } : { "Input.$": "$" }),
        },
        TimeoutSeconds: step.timeoutSeconds,
        ...optional("InputPath", step.inputPath),
        ...optional("ResultSelector", step.resultSelector),
        ...optional("ResultPath", step.resultPath),
        ...optional("OutputPath", step.outputPath),
        ...retriesOf(step.retry),
        ...catchesOf(step.catch),
        ...flow(),
      };
    case "succeed":
      return { Type: "Succeed", ...inOut(step) };
    case "fail":
      return {
        Type: "Fail",
        ...(step.errorPath !== undefined ? { ErrorPath: step.errorPath } : { Error: step.error }),
        ...(step.causePath !== undefined ? { CausePath: step.causePath } : { Cause: step.cause }),
      };
    case "notify":
      return integration(
        step,
        SERVICE_INTEGRATIONS.snsPublish,
        {
          TopicArn: resources.alertTopicArn,
          ...(step.message !== undefined ? { Message: step.message } : { "Message.$": step.messagePath ?? "$" }),
          ...optional("Subject", step.subject),
        },
        flow(),
      );
    case "sendToDeadLetterQueue":
      return integration(
        step,
        SERVICE_INTEGRATIONS.sqsSendMessage,
        {
          QueueUrl: resources.deadLetterQueueUrl,
          "MessageBody.$": "$",
          // The event that started the execution, whatever the state has become: what a replay puts back.
          MessageAttributes: {
            [DEAD_LETTER_EVENT_ATTRIBUTE]: { DataType: "String", "StringValue.$": "States.JsonToString($$.Execution.Input)" },
          },
        },
        flow(),
      );
    case "publishEvent":
      return integration(
        step,
        SERVICE_INTEGRATIONS.eventsPutEvents,
        {
          Entries: [
            {
              Source: step.source,
              DetailType: step.detailType,
              "Detail.$": step.detailPath ?? "$",
              EventBusName:
                ownValue(resources.eventBusNames, step.name) ??
                (typeof step.eventBusName === "string" ? step.eventBusName : resources.defaultEventBusName),
            },
          ],
        },
        flow(),
      );
  }
}

function functionArnOf(step: TaskStep, resources: ResolvedResources): string {
  const arn = ownValue(resources.functionArns, step.name);
  if (typeof arn !== "string" || arn === "")
    throw new Error(`compileDefinition: no function ARN was resolved for task "${step.name}"; pass it in resources.functionArns.`);
  return arn;
}

/**
 * A Lambda task's Parameters: the step envelope, whose `payload` is the state input or, with `parameters`, what that
 * template builds from it (ASL evaluates a nested template, so the handler gets the shaped object).
 */
function envelope<E extends { "payload.$": string }>(base: E, parameters: Record<string, unknown> | undefined): Record<string, unknown> {
  if (parameters === undefined) return base;
  const { "payload.$": _input, ...rest } = base;
  return { ...rest, payload: parameters };
}

function childArnOf(step: StartWorkflowStep, resources: ResolvedResources): string {
  const arn = ownValue(resources.childStateMachineArns, step.name) ?? step.stateMachineArn;
  if (typeof arn !== "string")
    throw new Error(
      `compileDefinition: the child state machine ARN of "${step.name}" is not resolved; pass it in resources.childStateMachineArns.`,
    );
  return arn;
}

/** The partition the resolved ARNs live in (`aws`, `aws-cn`, ...), for the integration ARNs the compiler builds. */
function partitionOf(resources: ResolvedResources): string {
  return /^arn:([^:]+):/.exec(resources.alertTopicArn)?.[1] ?? "aws";
}

function integration(
  step: { timeoutSeconds?: number; resultPath?: string | null } & StatePaths,
  resource: string,
  parameters: Record<string, unknown>,
  flow: AslTransition,
): AslTaskState {
  return {
    Type: "Task",
    Resource: resource,
    Parameters: parameters,
    // The contract: integration steps pass their input through unchanged unless told where to put the response.
    ResultPath: step.resultPath === undefined ? null : step.resultPath,
    TimeoutSeconds: step.timeoutSeconds ?? DEFAULT_INTEGRATION_TIMEOUT_SECONDS,
    ...inOut(step),
    ...flow,
  };
}

function flowOf(step: { next?: string; end?: boolean }, following: Step | undefined): AslTransition {
  if (step.end) return { End: true };
  const next = step.next ?? following?.name;
  return next ? { Next: next } : { End: true };
}

function paths(step: TaskStep): Pick<AslTaskState, "InputPath" | "ResultPath" | "OutputPath"> {
  return {
    ...optional("InputPath", step.inputPath),
    ...optional("ResultPath", step.resultPath),
    ...optional("OutputPath", step.outputPath),
  };
}

/** A state's `InputPath` and `OutputPath`, when its step gives them. */
function inOut(step: StatePaths): { InputPath?: string; OutputPath?: string } {
  return { ...optional("InputPath", step.inputPath), ...optional("OutputPath", step.outputPath) };
}

/** `{ [key]: value }`, or nothing when `value` is undefined (ASL omits a field rather than setting it to null). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function retriesOf(retries: Retry[] | undefined, defaults: Retry[] = []): { Retry?: AslRetrier[] } {
  const all = [...(retries ?? []), ...defaults];
  if (all.length === 0) return {};
  return {
    Retry: all.map((r) => ({
      ErrorEquals: r.errors,
      ...optional("IntervalSeconds", r.intervalSeconds),
      ...optional("MaxAttempts", r.maxAttempts),
      ...optional("BackoffRate", r.backoffRate),
      ...optional("MaxDelaySeconds", r.maxDelaySeconds),
      ...optional("JitterStrategy", r.jitter),
    })),
  };
}

function catchesOf(catches: Catch[] | undefined): { Catch?: AslCatcher[] } {
  if (!catches || catches.length === 0) return {};
  return { Catch: catches.map((c) => ({ ErrorEquals: c.errors, Next: c.next, ...optional("ResultPath", c.resultPath) })) };
}

/** camelCase condition -> ASL PascalCase (`numericGreaterThan` -> `NumericGreaterThan`, `and` -> `And`). */
export function conditionToAsl(condition: Condition): Record<string, unknown> {
  if ("and" in condition) return { And: condition.and.map(conditionToAsl) };
  if ("or" in condition) return { Or: condition.or.map(conditionToAsl) };
  if ("not" in condition) return { Not: conditionToAsl(condition.not) };
  return Object.fromEntries(Object.entries(condition).map(([key, value]) => [key[0].toUpperCase() + key.slice(1), value]));
}
