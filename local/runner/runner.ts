/**
 * The local runner for any EventDrivenWorkflow: the library behind `edw-local` (cli/).
 *
 * It synthesizes a Pulumi program (or a module exporting workflow definitions) under Pulumi mocks, finds each
 * EventDrivenWorkflow's rule pattern and bus, the definition string the state machine would deploy and each step's
 * Lambda (its serialized archive and settings), then, per event:
 * - matches the event against each rule's pattern (EventBridge semantics) and says why a non-match did not start anything;
 * - executes the deployed definition with aws-local-stepfunctions;
 * - runs each Lambda task from its DEPLOYMENT ARTIFACT in a warm child process per function (local/lambda/artifact.ts),
 *   or, with `mode: "source"`, the callback the artifact was serialized from, in-process;
 * - records SNS/SQS/EventBridge integration calls in-process (nothing leaves the machine), and serves the program's
 *   DynamoDB tables (e.g. an idempotency table) from a local in-memory stand-in the functions' AWS SDK is pointed at;
 * - returns the execution history, the path, retries, what was published and the metrics the handlers printed.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { appendFileSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { basename, dirname, extname, resolve as resolvePath } from "node:path";
import { capturedVariableOf, closestName } from "event-driven-workflow/core";
import { APPROVAL_LOCAL_SECRET_ENV, LOCAL_SECRETS_ENV, SECRETS_ENV } from "event-driven-workflow/runtime";
import {
  childScopes,
  COMPONENT_TYPE,
  LAMBDA_FUNCTION_TYPE,
  isCallbackTask,
  normalTransitions,
  parseIntegrationArn,
  scopeOf,
  serviceIntegrationOf,
  stateIn,
  STEP_HANDLER_ENTRY,
  WAIT_FOR_TASK_TOKEN,
  walkStates,
  type AslObject,
  type Scope,
} from "event-driven-workflow/asl";
import { RunnerInputError } from "../input/eventInput";
import { matchEventPattern } from "../simulators/eventPattern";
import { LocalWorkflow, type LocalExecutionResult, type LocalTaskHandler } from "./execute";
import type { PublishedMessage } from "../simulators/messageRecorder";
import { type ClockMode, virtualClock } from "./clock";
import { bindServiceCalls, serviceCallStates, type ServiceStandIn } from "./serviceCalls";
import { executionHistory, logLines, summariseMetrics, type HistoryEvent, type InvocationRecord, type MetricsByStep } from "./history";
import { divertOutput } from "./captureOutput";
import { localDynamoDbEnvironment, startLocalDynamoDb, type LocalDynamoDb, type TableUsage } from "../simulators/dynamoDb";
import { executionCost, type ExecutionCost } from "../cost/cost";
import { materializeArchive, WarmFunction } from "../lambda/artifact";
import { notCachedUnserialized, throughCache } from "../program/synthesisCache";
import { deferRequires } from "../program/deferRequire";
import { resourceKey, TEST_ACCOUNT, TEST_REGION, type RecordedResource } from "../program/mocks";
import type { Synthesis } from "../program/synthesize";
import { sentDeadLetters } from "../deadLetters/messages";

/** The Pulumi type token of the component (kept under this name: the package exports it). */
export const WORKFLOW_COMPONENT_TYPE = COMPONENT_TYPE;

/** A Lambda task of a workflow: the state, the function it invokes, and how to run it locally. */
export interface LocalTask {
  state: string;
  /** The Function resource's logical name. */
  resource: string;
  functionName: string;
  functionArn: string;
  /** The Lambda's own timeout. */
  timeoutSeconds: number;
  memorySize?: number;
  /** `file.export` inside the archive. */
  handler: string;
  environment: Record<string, string>;
  /** Whether the state uses `lambda:invoke` (payload in `Payload`) rather than the function ARN as Resource. */
  invokeIntegration: boolean;
  /** Set for a callback task (`lambda:invoke.waitForTaskToken`): the state waits for an answer after the hand-off. */
  callback?: { heartbeatSeconds?: number };
  /** Set when Pulumi could not serialize the function's code: `pulumi up` would fail on it. */
  serializationError?: string;
}

/** One EventDrivenWorkflow of a program, as deployed. */
export interface LoadedWorkflow {
  name: string;
  /** The rule's event pattern; absent for a workflow on a schedule. */
  pattern?: Record<string, unknown>;
  /** The bus its rule listens on; absent for a workflow on a schedule. */
  eventBusName?: string;
  /** The schedule that starts it, for a schedule trigger: events never do (start it with `runWorkflow`). */
  schedule?: { expression: string; timezone?: string; input: unknown };
  /** The definition string the state machine is created with. */
  definition: string;
  /** The state machine's ARN (made up under mocks): how a parent's `startWorkflow` step names this workflow. */
  stateMachineArn?: string;
  tasks: LocalTask[];
  /**
   * The callback steps without a Lambda (`.waitForTaskToken` on a message or an API call): the message recorded or the
   * call made, then answered like a Lambda's hand-off.
   */
  tokenCallbacks: { state: string; heartbeatSeconds?: number }[];
}

/** A step that cannot run as deployed, e.g. because its handler cannot be serialized. */
export interface StepProblem {
  workflow: string;
  step: string;
  message: string;
}

export interface RunnerOptions {
  /** Pulumi stack name: selects Pulumi.<stack>.yaml. @default "local" */
  stack?: string;
  /** Pulumi config; keys without a namespace get the project's. */
  config?: Record<string, string>;
  /**
   * The outputs of each StackReference the program reads, by reference name (`org/project/stack`), as
   * `ref.getOutput(name)` returns them locally. A reference without an entry fails the synthesis, naming it.
   * @default none
   * @example { "acme/orders/dev": { eventBusName: "orders-bus" } }
   */
  stackReferences?: Record<string, Record<string, unknown>>;
  /** How to supply a missing StackReference stub, for its error (the CLI names `--stack-reference`). @default the `stackReferences` option */
  stackReferenceHint?: (name: string) => string;
  /** `artifact` runs each Lambda from its serialized archive in a child process; `source` runs the callback in-process. @default "artifact" */
  mode?: "artifact" | "source";
  /**
   * Reuse a synthesis of the same content from the on-disk cache (`node_modules/.cache/edw-local`, or `folder`):
   * every file, package version and environment variable the earlier synthesis read must be unchanged. Artifact runs
   * then skip loading the program; source runs load it (the handlers are the current code) but skip serializing it.
   * `synthesis.cache` says whether the entry was used.
   * @default false
   */
  cache?: boolean | { folder: string };
  /**
   * Serialize each Lambda's handler when the program is synthesized (a synthesis the cache does not serve), as `pulumi
   * up` does, so that {@link LocalRunner.problems} names each step it could not deploy. `false` skips it, for a run from
   * the source (`mode: "source"` only) after an edit, where it is most of the cost: each Function then gets a
   * placeholder archive that fails if run, the synthesis is not cached, and only a synthesis served by the cache still
   * reports the serialization problems recorded with it.
   * @default true
   */
  serialize?: boolean;
  /**
   * How runs treat time: `fast` skips Retry intervals and Wait durations (timeouts run in real time); `real` waits for
   * everything; `virtual` honours every Retry interval, Wait, task timeout, heartbeat and execution timeout on a
   * simulated clock without waiting for them (the handlers' `Date.now()` and timers included). In `artifact` mode,
   * the Lambdas' own code keeps its real clock in its child process; the virtual clock stands still while one runs.
   * @default "fast"
   */
  clock?: ClockMode;
  /** The same as `clock: "real"`. @default false */
  realTime?: boolean;
  /** Multiply every timeout (Lambda timeouts, and the definition's TimeoutSeconds, rounded up) by this. @default 1 */
  timeoutScale?: number;
  /** Only these workflows (by component name). @default all */
  workflows?: string[];
  /**
   * How the callback tasks (`waitForCallback`) are answered, by state name: what a person or system would send with
   * `SendTaskSuccess` or `SendTaskFailure`. A state without an answer waits: it fails with `States.HeartbeatTimeout`
   * when its heartbeat is due, else with `States.Timeout` (use `timeoutScale` to make that quick).
   * @example { ManagerApproval: { success: { approved: true } }, WarehouseConfirmation: { failure: "OutOfStock" } }
   * @default none: every callback waits
   */
  callbacks?: Record<string, CallbackAnswer>;
  /**
   * Appends each message an execution sends to its dead-letter queue (`sendToDeadLetterQueue`) to this file, one JSON
   * line per message as SQS would return it (`MessageId`, `Body`), for `edw-local replay --local <file>`.
   * @default none: nothing is recorded
   */
  deadLetterFile?: string;
  /**
   * Local stand-ins for direct service calls (`callAwsService`), by `service:action`: the request in, the response out.
   * DynamoDB item calls run against the local DynamoDB and SQS/SNS/EventBridge messages are recorded without one;
   * any other call needs one, or the run is refused naming it.
   * @example { "s3:getObject": (request) => ({ Body: "hello" }), "bedrockruntime:invokeModel": () => ({ Body: { text: "hi" } }) }
   * @default none
   */
  services?: Record<string, ServiceStandIn>;
  /**
   * The values of the tasks' `secrets`, by secret name (`--secret NAME=value`): handed to the steps as
   * `context.secrets` instead of reading Parameter Store or Secrets Manager. A run whose loaded workflows have a task
   * needing a secret not given here is refused, naming the step and the secret.
   * @example { API_KEY: "test-key" }
   * @default none
   */
  secrets?: Record<string, string>;
  /**
   * The local S3 STAND-IN (a simulation): a folder per bucket name (`--s3 <bucket>=<folder>`), where a Distributed
   * Map's `itemReader` reads its items and its `resultWriter` writes its manifest and results. The run's path shows
   * the stand-in states ("<Map> (S3 stand-in read)", ...). A Map naming a bucket without one is refused, naming the
   * Map, the bucket and this option.
   * @example { "claims-archive": "./fixtures/claims-archive" }
   * @default none
   */
  s3?: Record<string, string>;
  /**
   * What a callback task without an answer in `callbacks` does after its hand-off: `wait` as AWS would (for its
   * heartbeat or TimeoutSeconds), or `stop` the execution there: it ends FAILED with `Local.Stopped`, having run
   * (and costing) only what came before, and its report's `stoppedAt` names the state.
   * @default "wait"
   */
  unansweredCallbacks?: "wait" | "stop";
}

/**
 * A local answer to a callback task: the output of `SendTaskSuccess`, or the error of `SendTaskFailure`; sent at once
 * after the hand-off, or `afterSeconds` later, with `SendTaskHeartbeat` at each of the `heartbeats` moments (seconds
 * after the hand-off) meanwhile. A task with `heartbeatSeconds` fails with `States.HeartbeatTimeout` when a gap between
 * the hand-off, its heartbeats and the answer is longer than that, at the moment the heartbeat was due. Timed answers
 * are meant for the virtual clock (`clock: "virtual"`), where they cost no real time; `timeoutScale` scales them too.
 * @example { success: { settled: true }, afterSeconds: 3_000, heartbeats: [500, 1_000, 1_500, 2_000, 2_500] }
 */
export type CallbackAnswer = ({ success: unknown } | { failure: string; cause?: string }) & CallbackTiming;

/** When a {@link CallbackAnswer} is sent, and the heartbeats before it. */
export interface CallbackTiming {
  /** Seconds after the hand-off the answer is sent. @default 0 (at once) */
  afterSeconds?: number;
  /** Seconds after the hand-off each `SendTaskHeartbeat` is sent, ascending, none after the answer. @default [] */
  heartbeats?: number[];
}

/** One workflow's execution of one event. */
export interface ExecutionReport {
  workflow: string;
  executionId: string;
  status: LocalExecutionResult["status"];
  /** The clock the execution ran on; under `virtual`, `durationMs` is simulated time. */
  clock: ClockMode;
  error?: string;
  cause?: string;
  output?: unknown;
  durationMs: number;
  path: string[];
  /** Retries of each entry of `path`: a Map's iterations each count their own. */
  pathRetries: number[];
  retries: Record<string, number>;
  published: PublishedMessage[];
  history: HistoryEvent[];
  metrics: MetricsByStep;
  invocations: {
    state: string;
    requestId: string;
    coldStart: boolean;
    durationMs?: number;
    initDurationMs?: number;
    error?: string;
    logs: string[];
  }[];
  /** The callback state where the execution was stopped (`unansweredCallbacks: "stop"`). */
  stoppedAt?: string;
  /** What this execution would cost on AWS (local/cost/cost.ts: local durations, an estimate, not a quote). */
  cost: ExecutionCost;
  /** The executions of child workflows its `startWorkflow` steps started, in order. @default none */
  children?: ExecutionReport[];
  /** The program the workflow belongs to, when a run loads several (`--also`). @default none (one program) */
  program?: string;
}

/** What one event did: the rule matches, and an execution per matching workflow. */
export interface EventReport {
  label: string;
  status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "NOT_MATCHED";
  matches: { workflow: string; matched: boolean; reasons: string[] }[];
  executions: ExecutionReport[];
  /**
   * The events the executions published that started more executions (in any loaded program), hop by hop, each with
   * its executions: see runner/chain.ts. @default none (no published event matched a rule)
   */
  chain?: ChainLink[];
  /** Why the chain was cut: it reached the hop limit (events that keep matching rules: a loop?). @default none */
  chainError?: string;
}

/** A published event that matched rules: where it came from, what it was, and the executions it started. */
export interface ChainLink {
  /** 1 for an event published by an execution of the event itself, 2 for one published by those it started, ... */
  hop: number;
  from: { program?: string; workflow: string; state: string; executionId: string };
  event: { source: string; detailType: string; eventBusName: string; detail: unknown };
  executions: ExecutionReport[];
  /** The chain down to these executions, e.g. "order.json → shop (SUCCEEDED) → shop.orders / Order Completed → analytics (SUCCEEDED)". */
  trail: string;
}

export { RunnerInputError };

/**
 * Synthesizes `program` under mocks and returns its workflows. A module that constructs no EventDrivenWorkflow
 * but exports workflow arguments (`{ trigger, steps, timeoutSeconds }`, optionally `name`) gets one constructed per
 * export, so that it deploys (and runs) exactly as a program using it would.
 *
 * @throws RunnerInputError when the program defines no workflow.
 */
export async function loadWorkflows(
  program: string,
  options: Pick<RunnerOptions, SynthesisSettings | "workflows" | "cache" | "mode" | "serialize"> = {},
): Promise<{ synthesis: Synthesis; workflows: LoadedWorkflow[]; problems: StepProblem[] }> {
  const synthesis = await loadSynthesis(program, options);
  return { synthesis, ...workflowsOf(synthesis, program, options.workflows) };
}

/**
 * Synthesizes `program` under mocks, as {@link loadWorkflows} does (a module that only exports workflow arguments gets
 * a workflow constructed per export), without picking its workflows: what {@link LocalRunner.fromSynthesis} takes.
 */
export async function loadSynthesis(
  program: string,
  options: Pick<RunnerOptions, SynthesisSettings | "cache" | "mode" | "serialize"> = {},
): Promise<Synthesis> {
  const serialize = serializesOnMiss(options);
  // Loaded when needed: a run served by the synthesis cache loads neither the program nor Pulumi.
  const synthesize = async (serialize: boolean) => {
    // Pulumi's package-tree walk (@npmcli/arborist) serves CallbackFunction only (the component builds its own archives),
    // and without serialization its closure serializer (TypeScript) is never used either: they load on first use.
    const walk = { "@npmcli/arborist": "object" } as const;
    for (const from of [dirname(resolvePath(program)), __dirname])
      deferRequires("@pulumi/pulumi", serialize ? walk : { typescript: "object", ...walk }, [from]);
    return (await import("../program/synthesize")).synthesizeProgram(program, {
      stack: options.stack,
      config: options.config,
      stackReferences: options.stackReferences,
      stackReferenceHint: options.stackReferenceHint,
      serialize,
      afterLoad: (exports, constructed) => {
        if (constructed.some((r) => r.type === WORKFLOW_COMPONENT_TYPE)) return undefined;
        // The program's own copy of the library, the one its steps were built with.
        const { EventDrivenWorkflow } = createRequire(resolvePath(program))(
          "event-driven-workflow",
        ) as typeof import("event-driven-workflow");
        for (const [name, args] of workflowExports(exports, basename(program, extname(program)))) new EventDrivenWorkflow(name, args);
        return {};
      },
    });
  };
  const { cache } = options;
  return oneSynthesisAtATime(() =>
    cache
      ? throughCache(resolvePath(program), options, {
          folder: typeof cache === "object" ? cache.folder : undefined,
          handlers: options.mode === "source",
          serialize,
          synthesize,
        })
      : synthesize(serialize).then((synthesis) => (serialize ? synthesis : notCachedUnserialized(synthesis))),
  );
}

/**
 * Whether a synthesis the cache does not serve serializes the Lambdas (see `RunnerOptions.serialize`).
 *
 * @throws RunnerInputError for `serialize: false` outside source mode: an artifact run would run the placeholders.
 */
function serializesOnMiss(options: Pick<RunnerOptions, "mode" | "serialize">): boolean {
  if (options.serialize !== false) return true;
  if (options.mode !== "source")
    throw new RunnerInputError('serialize: false leaves each Lambda a placeholder archive: it runs from the source only (mode: "source").');
  return false;
}

/** The runner options that decide a synthesis (the rest decide only how its workflows run). */
export type SynthesisSettings = "stack" | "config" | "stackReferences" | "stackReferenceHint";

/** The synthesis under way, if any. */
let synthesizing: Promise<unknown> = Promise.resolve();

/**
 * Runs `synthesize` once the syntheses started before it have ended: Pulumi's mocks and config are process-wide, so
 * two at once would record each other's resources (a load started while another ran found no workflow).
 */
function oneSynthesisAtATime<T>(synthesize: () => Promise<T>): Promise<T> {
  const turn = synthesizing.then(synthesize, synthesize);
  synthesizing = turn.catch(() => undefined);
  return turn;
}

/**
 * The workflows of a synthesized program (all, or those named in `only`), and the steps that cannot be deployed.
 *
 * @throws RunnerInputError when the program defines no workflow, or none of that name.
 */
export function workflowsOf(
  synthesis: Synthesis,
  program: string,
  only?: readonly string[],
): { workflows: LoadedWorkflow[]; problems: StepProblem[] } {
  let workflows = discoverWorkflows(synthesis.resources);
  if (workflows.length === 0) {
    throw new RunnerInputError(
      `${program} defines no EventDrivenWorkflow: construct one (a Pulumi program), or export its arguments ({ trigger, steps, timeoutSeconds }).`,
    );
  }
  if (only?.length) {
    const unknown = only.filter((name) => !workflows.some((w) => w.name === name));
    if (unknown.length)
      throw new RunnerInputError(
        `No workflow named ${unknown.join(", ")} in ${program}; it has ${workflows.map((w) => w.name).join(", ")}.`,
      );
    workflows = workflows.filter((w) => only.includes(w.name));
  }
  const problems: StepProblem[] = [];
  for (const failure of synthesis.serializationFailures) {
    const owner = workflows.find((w) => w.tasks.some((t) => t.resource === failure.resource));
    const task = owner?.tasks.find((t) => t.resource === failure.resource);
    if (task) task.serializationError = failure.message;
    problems.push({
      workflow: owner?.name ?? "(none)",
      step: task?.state ?? failure.resource,
      message:
        `step "${task?.state ?? failure.resource}" (Lambda ${failure.resource}): Pulumi cannot serialize its handler, so \`pulumi up\` would fail here` +
        `${capturedHint(failure.message)}:\n${failure.message}`,
    });
  }
  return { workflows, problems };
}

/** What to do about an unserializable capture, naming it when Pulumi's message does. */
function capturedHint(message: string): string {
  const variable = capturedVariableOf(message);
  return `${variable ? `: it captures '${variable}'` : ""}. Create clients and other live objects inside the handler or in the task's \`init\` hook (once per Lambda container)`;
}

function isWorkflowArgs(value: unknown): value is import("event-driven-workflow").EventDrivenWorkflowArgs & { name?: string } {
  const v = value as { trigger?: { pattern?: unknown; schedule?: unknown }; steps?: unknown; timeoutSeconds?: unknown } | null;
  return (
    typeof v === "object" &&
    v !== null &&
    (typeof v.trigger?.pattern === "object" || typeof v.trigger?.schedule === "object") &&
    Array.isArray(v.steps) &&
    typeof v.timeoutSeconds === "number"
  );
}

function workflowExports(
  exports: Record<string, unknown>,
  moduleName: string,
): [string, import("event-driven-workflow").EventDrivenWorkflowArgs][] {
  return Object.entries(exports)
    .filter(([, value]) => isWorkflowArgs(value))
    .map(([key, value]) => {
      const { name, ...args } = value as import("event-driven-workflow").EventDrivenWorkflowArgs & { name?: string };
      return [name ?? (key === "default" ? moduleName : key), args];
    });
}

/** The workflows among recorded resources: each component with its rule, state machine and functions. */
function discoverWorkflows(resources: readonly RecordedResource[]): LoadedWorkflow[] {
  return resources
    .filter((r) => r.type === WORKFLOW_COMPONENT_TYPE)
    .flatMap((component) => {
      const children = resources.filter((r) => r.parent === resourceKey(component));
      const machine = children.find((r) => r.type === "aws:sfn/stateMachine:StateMachine");
      const rule = children.find((r) => r.type === "aws:cloudwatch/eventRule:EventRule");
      const schedule = children.find((r) => r.type === "aws:scheduler/schedule:Schedule");
      if (!machine || !(rule || schedule)) return [];
      const definition: string = machine.inputs.definition;
      const functions = children.filter((r) => r.type === LAMBDA_FUNCTION_TYPE);
      const tasks = [...walkStates(JSON.parse(definition))].flatMap(({ name: state, state: s }) => {
        const target = lambdaTarget(s);
        if (!target) return [];
        // A qualified ARN (a version, `$LATEST` or an alias such as provisioned concurrency's `live`) names its function.
        const unqualified = target.replace(/^(arn:[^:]+:lambda:[^:]+:[^:]+:function:[^:]+):[^:]+$/, "$1").replace(/:(\$LATEST|\d+)$/, "");
        const fn = functions.find((f) => [f.state.arn, f.state.name, f.inputs.name].includes(unqualified));
        if (!fn)
          throw new RunnerInputError(
            `Workflow ${component.name}: task "${state}" invokes ${target}, which is not one of its functions; it cannot run locally.`,
          );
        return [
          {
            state,
            resource: fn.name,
            functionName: fn.state.name,
            functionArn: fn.state.arn,
            timeoutSeconds: fn.inputs.timeout ?? 3,
            memorySize: fn.inputs.memorySize,
            handler: fn.inputs.handler ?? STEP_HANDLER_ENTRY,
            environment: fn.inputs.environment?.variables ?? {},
            invokeIntegration: serviceIntegrationOf(s.Resource, { anyPattern: true }) === "lambdaInvoke",
            ...(isCallbackTask(s.Resource)
              ? { callback: { heartbeatSeconds: typeof s.HeartbeatSeconds === "number" ? s.HeartbeatSeconds : undefined } }
              : {}),
          },
        ];
      });
      const tokenCallbacks = [...walkStates(JSON.parse(definition))].flatMap(({ name: state, state: s }) =>
        s.Type === "Task" && parseIntegrationArn(s.Resource)?.pattern === WAIT_FOR_TASK_TOKEN && !isCallbackTask(s.Resource)
          ? [{ state, heartbeatSeconds: typeof s.HeartbeatSeconds === "number" ? s.HeartbeatSeconds : undefined }]
          : [],
      );
      return [
        {
          name: component.name,
          ...(rule
            ? { pattern: JSON.parse(rule.inputs.eventPattern), eventBusName: rule.inputs.eventBusName ?? "default" }
            : {
                schedule: {
                  expression: schedule!.inputs.scheduleExpression,
                  ...(schedule!.inputs.scheduleExpressionTimezone ? { timezone: schedule!.inputs.scheduleExpressionTimezone } : {}),
                  input: JSON.parse(schedule!.inputs.target?.input ?? "{}"),
                },
              }),
          definition,
          stateMachineArn: machine.state.arn,
          tasks,
          tokenCallbacks,
        },
      ];
    });
}

/** The function a Task state invokes: its ARN as Resource, or `FunctionName` of a `lambda:invoke` integration. */
function lambdaTarget(state: AslObject): string | undefined {
  if (state.Type !== "Task" || typeof state.Resource !== "string") return undefined;
  if (/^arn:[^:]+:lambda:/.test(state.Resource)) return state.Resource;
  if (serviceIntegrationOf(state.Resource, { anyPattern: true }) === "lambdaInvoke")
    return String((state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName);
  return undefined;
}

/** A definition with every TimeoutSeconds (execution and states) multiplied by `scale`, rounded up to whole seconds. */
export function scaleTimeouts(definition: string, scale: number): string {
  if (scale === 1) return definition;
  const scaled = (seconds: unknown) => (typeof seconds === "number" ? Math.max(1, Math.ceil(seconds * scale)) : seconds);
  const asl: AslObject = JSON.parse(definition);
  if (asl.TimeoutSeconds !== undefined) asl.TimeoutSeconds = scaled(asl.TimeoutSeconds);
  for (const { state } of walkStates(asl)) {
    if (state.TimeoutSeconds !== undefined) state.TimeoutSeconds = scaled(state.TimeoutSeconds);
    if (state.HeartbeatSeconds !== undefined) state.HeartbeatSeconds = scaled(state.HeartbeatSeconds);
  }
  return JSON.stringify(asl);
}

/**
 * How many functions of a workflow's normal path get an execution environment before their first invocation: each
 * is a Node process, so a long workflow does not start them all for an event that may stop early.
 */
const PRESTARTED_FUNCTIONS = 8;

/**
 * The states an execution reaches when nothing fails: from each scope's StartAt through `Next`, `Default` and the
 * Choice rules, into the branches and item processors of the states reached; Catch targets (the failure paths) are
 * left out.
 */
function normalPathStates(definition: AslObject): Set<string> {
  const reached = new Set<string>();
  const visit = (scope: Scope) => {
    const pending = scope.startAt === undefined ? [] : [scope.startAt];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      const ref = stateIn(scope, name);
      if (!ref || reached.has(name)) continue;
      reached.add(name);
      pending.push(...normalTransitions(ref.state));
      for (const child of childScopes(ref)) visit(child);
    }
  };
  visit(scopeOf(definition));
  return reached;
}

/** The shortest Lambda timeout `timeoutScale` may give a task locally. */
const MIN_SCALED_LAMBDA_TIMEOUT_MS = 1000;

/** Refuses a run whose tasks need a secret the options do not give, naming each step, secret and how to give it. */
function checkSecretValues(workflows: readonly LoadedWorkflow[], values: Record<string, string> | undefined): void {
  const missing = workflows.flatMap((w) =>
    w.tasks.flatMap((task) =>
      Object.keys(JSON.parse(task.environment[SECRETS_ENV] ?? "{}"))
        .filter((name) => typeof values?.[name] !== "string")
        .map((name) => `step "${task.state}" of ${w.name} needs the secret ${name}`),
    ),
  );
  if (missing.length === 0) return;
  const names = [...new Set(missing.map((m) => m.split(" ").pop()!))];
  throw new RunnerInputError(
    `${missing.join("; ")}: give ${names.map((n) => `--secret ${n}=<value>`).join(" ")} (edw-local) or \`secrets: { ${names.map((n) => `${n}: "<value>"`).join(", ")} }\` (test kit, LocalRunner).`,
  );
}

/** A workflow's callback steps, a Lambda's hand-off or a message's, with their heartbeats. */
function callbacksOf(workflow: LoadedWorkflow): { state: string; heartbeatSeconds?: number }[] {
  return [
    ...workflow.tasks.flatMap((t) => (t.callback ? [{ state: t.state, heartbeatSeconds: t.callback.heartbeatSeconds }] : [])),
    ...workflow.tokenCallbacks,
  ];
}

/** Refuses answers for states that are not callback tasks of the program, suggesting the closest one. */
function checkCallbackAnswers(workflows: readonly LoadedWorkflow[], answers: Record<string, CallbackAnswer> | undefined): void {
  const callbackStates = workflows.flatMap((w) => callbacksOf(w).map((c) => c.state));
  for (const [state, answer] of Object.entries(answers ?? {})) {
    checkCallbackTiming(state, answer);
    if (callbackStates.includes(state)) continue;
    const closest = closestName(state, callbackStates);
    throw new RunnerInputError(
      `--callback ${state}: no callback step (waitForCallback) is named "${state}"${closest ? `; did you mean "${closest}"?` : "."} The program's callback steps: ${callbackStates.join(", ") || "none"}.`,
    );
  }
}

/** Refuses an answer's timing that cannot happen: negative or unordered moments, a heartbeat after the answer. */
function checkCallbackTiming(state: string, { afterSeconds = 0, heartbeats = [] }: CallbackTiming): void {
  const moments = [...heartbeats, afterSeconds];
  const bad = moments.find((m, i) => !Number.isFinite(m) || m < 0 || (i > 0 && m < moments[i - 1]));
  if (bad !== undefined)
    throw new RunnerInputError(
      `Callback answer of ${state}: heartbeats [${heartbeats.join(", ")}] and afterSeconds ${afterSeconds} must be seconds after the hand-off (0 or more), ascending, no heartbeat after the answer; ${bad} is not.`,
    );
}

/** The execution a task handler runs in: its invocations, the callback answers of its event, and how to stop it. */
const executionScope = new AsyncLocalStorage<{
  invocations: InvocationRecord[];
  callbacks?: Record<string, CallbackAnswer>;
  stop: AbortController;
  stoppedAt?: string;
}>();
/** The invocation whose output an in-process (`source` mode) handler's writes belong to. */
const invocationScope = new AsyncLocalStorage<InvocationRecord>();
/** Fails a running in-process invocation: how an unhandled rejection of its code ends it. */
const failInvocation = new WeakMap<InvocationRecord, (error: Error) => void>();

/**
 * Runs events through a program's workflows locally.
 *
 * @example
 * const runner = await LocalRunner.load("index.ts");
 * const report = await runner.runEvent(JSON.parse(readFileSync("events/happy.json", "utf8")), "happy");
 * console.log(report.status, report.executions[0].path);
 * await runner.close();
 */
export class LocalRunner {
  private readonly machines = new Map<string, { local: LocalWorkflow; lambdaStates: Set<string> }>();
  private readonly warm = new Map<string, WarmFunction>();
  /** The reports of child executions while their parent runs (see execute). */
  private readonly childReports: ExecutionReport[] = [];
  private restoreOutput?: () => void;
  private restoreEnvironment?: () => void;
  private restoreRejections?: () => void;
  /** The local DynamoDB the functions reach when the program has tables (e.g. an idempotency table). */
  private dynamodb?: LocalDynamoDb;
  private awsEnvironment: Record<string, string> = {};
  /**
   * The key approval links are signed with in this run: a LOCAL SIMULATION of the workflow's KMS HMAC key (random
   * per runner), e.g. to check a link with `decodeApprovalToken(token, localMac(runner.approvalSecret), now)`.
   */
  readonly approvalSecret = randomBytes(32).toString("hex");

  private constructor(
    readonly workflows: LoadedWorkflow[],
    readonly problems: StepProblem[],
    readonly synthesis: Synthesis,
    private readonly options: RunnerOptions,
  ) {}

  /**
   * Synthesizes `program` and prepares its workflows. In artifact mode, a step whose handler cannot be serialized
   * is listed in `problems` and its task fails when reached; call {@link LocalRunner.assertDeployable} to refuse
   * to run at all, as `pulumi up` would.
   */
  static async load(program: string, options: RunnerOptions = {}): Promise<LocalRunner> {
    const { synthesis, workflows, problems } = await loadWorkflows(program, options);
    checkCallbackAnswers(workflows, options.callbacks);
    const runner = new LocalRunner(workflows, problems, synthesis, options);
    await runner.prepareOrClose();
    return runner;
  }

  /** The callback tasks no answer was given for: they wait for their heartbeat or timeout. */
  get unansweredCallbacks(): { workflow: string; state: string; heartbeatSeconds?: number }[] {
    return this.workflows.flatMap((w) =>
      callbacksOf(w)
        .filter((c) => !this.options.callbacks?.[c.state])
        .map((c) => ({ workflow: w.name, state: c.state, heartbeatSeconds: c.heartbeatSeconds })),
    );
  }

  /**
   * A runner over a program already synthesized (see `synthesizeProgram` and `loadSynthesis`), e.g. shared by tests:
   * each runner gets fresh containers for the in-process handlers and fresh local tables.
   */
  static async fromSynthesis(
    synthesis: Synthesis,
    options: Omit<RunnerOptions, SynthesisSettings> = {},
    program = "the program",
  ): Promise<LocalRunner> {
    const { workflows, problems } = workflowsOf(synthesis, program, options.workflows);
    checkCallbackAnswers(workflows, options.callbacks);
    const runner = new LocalRunner(workflows, problems, synthesis, options);
    await runner.prepareOrClose();
    return runner;
  }

  /** Throws when a step cannot be deployed (its handler cannot be serialized), naming each such step. */
  assertDeployable(): void {
    if (this.problems.length > 0) throw new Error(this.problems.map((p) => `${p.workflow}: ${p.message}`).join("\n\n"));
  }

  private get mode() {
    return this.options.mode ?? "artifact";
  }

  /** The clock the runs use. */
  get clock(): ClockMode {
    return this.options.clock ?? (this.options.realTime ? "real" : "fast");
  }

  /** {@link prepare}, undoing what it had started (environment, local DynamoDB) when it fails, e.g. on a missing stand-in. */
  private async prepareOrClose(): Promise<void> {
    try {
      await this.prepare();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private async prepare(): Promise<void> {
    if (this.mode === "artifact" && this.synthesis.serialized === false)
      throw new RunnerInputError(
        'This synthesis skipped serializing the Lambdas (serialize: false): its archives are placeholders, so it runs from the source only (mode: "source"); synthesize the program with serialization to run its artifacts.',
      );
    const tables = this.synthesis.resources.filter((r) => r.type === "aws:dynamodb/table:Table");
    // A DynamoDB service call needs the stand-in even where the program declares no table (it names one of its own).
    const callsDynamoDb = this.workflows.some((w) => serviceCallStates(JSON.parse(w.definition)).some((c) => c.service === "dynamodb"));
    if (tables.length > 0 || callsDynamoDb) {
      this.dynamodb = await startLocalDynamoDb(
        Object.fromEntries(tables.map((t) => [t.state.name ?? t.inputs.name, { hashKey: t.inputs.hashKey, rangeKey: t.inputs.rangeKey }])),
      );
      this.awsEnvironment = localDynamoDbEnvironment(this.dynamodb.endpoint, TEST_REGION);
    }
    // Approval links are signed with the local secret instead of KMS (macFromEnvironment prefers it); task secrets
    // come from the run's options, never from AWS (readSecrets prefers them).
    checkSecretValues(this.workflows, this.options.secrets);
    this.awsEnvironment = {
      ...this.awsEnvironment,
      [APPROVAL_LOCAL_SECRET_ENV]: this.approvalSecret,
      [LOCAL_SECRETS_ENV]: JSON.stringify(this.options.secrets ?? {}),
    };
    if (this.mode === "source")
      this.restoreEnvironment = setProcessEnvironment({
        ...sharedEnvironment(this.workflows.flatMap((w) => w.tasks)),
        // What Lambda sets, as the artifact environments have it: SDK clients created in `init` find their region.
        AWS_REGION: TEST_REGION,
        AWS_DEFAULT_REGION: TEST_REGION,
        ...this.awsEnvironment,
      });
    const scale = this.options.timeoutScale ?? 1;
    for (const workflow of this.workflows) {
      const definition = scaleTimeouts(workflow.definition, scale);
      const asl = JSON.parse(definition);
      const taskHandlers: Record<string, LocalTaskHandler> = {};
      // Scaled, but never below a second: a scale meant to shorten long waits must not time out every hand-off.
      for (const task of workflow.tasks)
        taskHandlers[task.state] = await this.bind(
          task,
          Math.max(MIN_SCALED_LAMBDA_TIMEOUT_MS, Math.round(task.timeoutSeconds * 1000 * scale)),
        );
      Object.assign(
        taskHandlers,
        bindServiceCalls(asl, {
          dynamoDbEndpoint: this.dynamodb?.endpoint,
          services: this.options.services,
          childWorkflow: (arn) => {
            const child = this.workflows.find((w) => w.stateMachineArn === arn);
            if (!child) return undefined;
            return async (input) => {
              const report = await this.execute(child.name, input as Record<string, unknown>);
              this.childReports.push(report);
              return report;
            };
          },
        }),
      );
      // An API call that waits for a token: the call runs (its stand-in), then the wait is answered like a hand-off.
      for (const callback of workflow.tokenCallbacks) {
        const call = taskHandlers[callback.state];
        if (call)
          taskHandlers[callback.state] = async (request) => {
            await call(request);
            return this.awaitAnswer(callback);
          };
      }
      this.machines.set(workflow.name, {
        // The component compiled it from a step list its validation accepted: asl-validator need not check it again.
        local: new LocalWorkflow(asl, {
          taskHandlers,
          clock: this.clock,
          captureOutput: false,
          prevalidated: true,
          s3: this.options.s3,
          // A queue or topic callback: its message is recorded, then answered as a Lambda's hand-off is.
          answerCallback: (state) => this.awaitAnswer(workflow.tokenCallbacks.find((c) => c.state === state) ?? { state }),
        }),
        lambdaStates: new Set(workflow.tasks.map((t) => t.state)),
      });
    }
    // The functions of each workflow's normal path start (and load their modules) side by side while it begins.
    for (const workflow of this.workflows) {
      const onPath = normalPathStates(JSON.parse(workflow.definition));
      const functions = workflow.tasks.filter((t) => onPath.has(t.state)).map((t) => this.warm.get(t.resource));
      for (const warm of functions.slice(0, PRESTARTED_FUNCTIONS)) warm?.prestart();
    }
    if (this.mode === "source") {
      this.restoreOutput = routeOutputToInvocations();
      this.restoreRejections = failInvocationsOnUnhandledRejection();
    }
  }

  /** A task handler that invokes the step's Lambda (artifact or source), recording the invocation. */
  private async bind(task: LocalTask, timeoutMs: number): Promise<LocalTaskHandler> {
    type Invoker = (payload: unknown, record: InvocationRecord) => Promise<{ result?: unknown; error?: { name: string; message: string } }>;
    const invoke: Invoker = this.mode === "artifact" ? await this.artifactInvoker(task, timeoutMs) : this.sourceInvoker(task, timeoutMs);
    return async (input) => {
      const payload = task.invokeIntegration ? (input as { Payload?: unknown }).Payload : input;
      const record: InvocationRecord = { state: task.state, requestId: randomUUID(), startedAt: Date.now(), coldStart: false, stdout: [] };
      executionScope.getStore()?.invocations.push(record);
      const token = task.callback ? `local-token-${randomUUID()}` : undefined;
      const outcome = await invoke(token ? { ...(payload as object), taskToken: token } : payload, record);
      record.endedAt = Date.now();
      if (outcome.error) {
        record.error = outcome.error;
        throw Object.assign(new Error(outcome.error.message), { name: outcome.error.name });
      }
      if (task.callback && token) return this.awaitAnswer(task, { token, record });
      return task.invokeIntegration ? { ExecutedVersion: "$LATEST", Payload: outcome.result, StatusCode: 200 } : outcome.result;
    };
  }

  /**
   * The answer a callback task gets after its hand-off: the configured success or failure, else a missed heartbeat
   * (`States.HeartbeatTimeout`) or no answer at all (the state's TimeoutSeconds then ends it with `States.Timeout`).
   */
  private awaitAnswer(
    task: { state: string; heartbeatSeconds?: number; callback?: { heartbeatSeconds?: number } },
    handOff?: { token: string; record: InvocationRecord },
  ): Promise<unknown> {
    const answer = (executionScope.getStore()?.callbacks ?? this.options.callbacks)?.[task.state];
    if (handOff)
      handOff.record.callback = {
        token: handOff.token,
        answer: answer === undefined ? "none" : "success" in answer ? "success" : "failure",
      };
    const send = (): unknown => {
      if (answer && "success" in answer) return answer.success;
      throw Object.assign(new Error(answer?.cause ?? `${task.state} was answered with SendTaskFailure`), { name: answer?.failure });
    };
    if (answer && !answer.afterSeconds) return Promise.resolve().then(send);
    if (!answer && this.options.unansweredCallbacks === "stop") {
      const scope = executionScope.getStore();
      if (scope) scope.stoppedAt ??= task.state;
      scope?.stop.abort(`${task.state} is a callback step with no answer: the execution was stopped after its hand-off.`);
      return new Promise(() => undefined);
    }
    const heartbeat = task.callback?.heartbeatSeconds ?? task.heartbeatSeconds;
    // Without an answer or a heartbeat to miss, the state's TimeoutSeconds ends the wait.
    if (!answer && heartbeat === undefined) return new Promise(() => undefined);
    const scale = this.options.timeoutScale ?? 1;
    const ms = (seconds: number) => Math.max(1, Math.round(seconds * 1000 * scale));
    return new Promise((resolve, reject) => {
      const timers: ReturnType<typeof setTimeout>[] = [];
      let due: ReturnType<typeof setTimeout> | undefined;
      const settle = (outcome: () => void) => {
        for (const timer of [...timers, due]) clearTimeout(timer);
        outcome();
      };
      // Each heartbeat (and the hand-off) starts the wait for the next one afresh, as SendTaskHeartbeat does.
      const expectHeartbeat = () => {
        if (heartbeat === undefined) return;
        clearTimeout(due);
        const within =
          ms(heartbeat) === heartbeat * 1000
            ? `${heartbeat} s`
            : `${ms(heartbeat) / 1000} s (HeartbeatSeconds ${heartbeat} × the timeout scale)`;
        due = setTimeout(
          () =>
            settle(() =>
              reject(Object.assign(new Error(`No heartbeat for ${task.state} within ${within}`), { name: "States.HeartbeatTimeout" })),
            ),
          ms(heartbeat),
        );
        // A missed heartbeat alone keeps nothing running (as before): the state's own timeout does.
        due.unref();
      };
      expectHeartbeat();
      if (!answer) return;
      for (const moment of answer.heartbeats ?? []) timers.push(setTimeout(expectHeartbeat, ms(moment)));
      timers.push(
        setTimeout(
          () =>
            settle(() => {
              try {
                resolve(send());
              } catch (error) {
                reject(error);
              }
            }),
          ms(answer.afterSeconds ?? 0),
        ),
      );
    });
  }

  private async artifactInvoker(task: LocalTask, timeoutMs: number) {
    if (task.serializationError) {
      return async () => ({
        error: {
          name: "Runner.NotDeployable",
          message: `The handler of step "${task.state}" cannot be serialized, so it cannot be deployed: ${task.serializationError!.split("\n")[0]}`,
        },
      });
    }
    const fn = this.synthesis.resources.find((r) => r.type === LAMBDA_FUNCTION_TYPE && r.name === task.resource)!;
    const taskRoot = await materializeArchive(await fn.inputs.code.assets);
    const warm = new WarmFunction({
      taskRoot,
      handler: task.handler,
      functionName: task.functionName,
      environment: { ...task.environment, ...this.awsEnvironment },
      timeoutMs,
      memorySize: task.memorySize,
      region: TEST_REGION,
    });
    this.warm.set(task.resource, warm);
    return async (payload: unknown, record: InvocationRecord) => {
      // The child runs on its own real clock: the virtual one (if installed) waits for its answer.
      const release = virtualClock.installed ? virtualClock.hold() : undefined;
      const run = await warm.invoke(payload, record.requestId).finally(release);
      record.coldStart = run.coldStart;
      record.initDurationMs = run.initDurationMs;
      record.stdout = run.stdout;
      record.stderr = run.stderr.split("\n").filter((line) => line.trim().length > 0);
      return run;
    };
  }

  private sourceInvoker(task: LocalTask, timeoutMs: number) {
    // A container of its own per runner: runners that share a synthesis do not share cold starts or `init` resources.
    const callback = this.synthesis.callbackFactories.get(task.resource)?.();
    if (!callback)
      throw new RunnerInputError(
        `Step "${task.state}" (Lambda ${task.resource}) is not a CallbackFunction: there is no source to run; run it from its artifact instead.`,
      );
    let cold = true;
    return (payload: unknown, record: InvocationRecord) =>
      invocationScope.run(record, async (): Promise<{ result?: unknown; error?: { name: string; message: string } }> => {
        record.coldStart = cold;
        cold = false;
        const deadline = record.startedAt + timeoutMs;
        const context = {
          awsRequestId: record.requestId,
          functionName: task.functionName,
          invokedFunctionArn: task.functionArn,
          getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        };
        let timer: NodeJS.Timeout | undefined;
        const rejected = new Promise<never>((_, reject) => failInvocation.set(record, reject));
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                Object.assign(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`), { name: "Sandbox.Timedout" }),
              ),
            timeoutMs,
          );
        });
        try {
          const result = await Promise.race([Promise.resolve(callback(payload, context)), timedOut, rejected]);
          return { result: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
        } catch (error) {
          const e = error as { name?: unknown; message?: unknown };
          return {
            error: {
              name: typeof e?.name === "string" && e.name ? e.name : "Error",
              message: typeof e?.message === "string" ? e.message : String(error),
            },
          };
        } finally {
          clearTimeout(timer);
          failInvocation.delete(record);
        }
      });
  }

  /**
   * Puts one event on `eventBusName` (default "default"): matches it against every workflow's rule and runs each
   * matching workflow's execution. Never throws for a failed execution: that is a status in the report.
   * `options.callbacks` answers this event's callback tasks, instead of the runner's {@link RunnerOptions.callbacks}.
   *
   * @throws RunnerInputError when an answer names a state that is not a callback task.
   */
  async runEvent(
    event: Record<string, unknown>,
    label = "event",
    eventBusName = "default",
    options: Pick<RunnerOptions, "callbacks"> = {},
  ): Promise<EventReport> {
    checkCallbackAnswers(this.workflows, options.callbacks);
    const envelope = withEnvelope(event);
    const matches = this.workflows.map((workflow) => {
      if (!workflow.pattern)
        return {
          workflow: workflow.name,
          matched: false,
          reasons: [
            `it runs on a schedule (${workflow.schedule?.expression}), not on events: start it directly with --workflow ${workflow.name} --input <file> (in tests: runWorkflow(program, "${workflow.name}", input))`,
          ],
        };
      if (workflow.eventBusName !== eventBusName) {
        return {
          workflow: workflow.name,
          matched: false,
          reasons: [`the rule listens on bus "${workflow.eventBusName}", the event was put on "${eventBusName}"`],
        };
      }
      return { workflow: workflow.name, ...matchEventPattern(workflow.pattern, envelope) };
    });
    const executions: ExecutionReport[] = [];
    for (const match of matches.filter((m) => m.matched))
      executions.push(await this.execute(match.workflow, envelope, options.callbacks ?? this.options.callbacks));
    const rank = { SUCCEEDED: 0, FAILED: 1, TIMED_OUT: 2 } as const;
    const worst = executions.reduce<ExecutionReport["status"]>((w, e) => (rank[e.status] > rank[w] ? e.status : w), "SUCCEEDED");
    return { label, status: executions.length === 0 ? "NOT_MATCHED" : worst, matches, executions };
  }

  /**
   * Starts `workflow` directly with `input`, as a schedule or a `StartExecution` call would: no bus, no rule, no pattern.
   * Without `input`, a workflow on a schedule starts with its schedule's input.
   *
   * @throws RunnerInputError when the program has no workflow of that name (or it was left out with `workflows`), or
   * when `input` is missing for a workflow that is not on a schedule.
   * @example
   * const report = await runner.runWorkflow("nightly-report", { date: "2026-01-31" });
   */
  async runWorkflow(workflow: string, input?: unknown, label = "input"): Promise<EventReport> {
    if (!this.machines.has(workflow))
      throw new RunnerInputError(`No workflow named ${workflow} to start; the loaded ones are ${[...this.machines.keys()].join(", ")}.`);
    const schedule = this.workflows.find((w) => w.name === workflow)?.schedule;
    if (input === undefined && !schedule)
      throw new RunnerInputError(`Workflow ${workflow} is not on a schedule: give the input to start it with.`);
    const execution = await this.execute(workflow, (input ?? schedule!.input) as Record<string, unknown>);
    return {
      label,
      status: execution.status,
      matches: [{ workflow, matched: true, reasons: ["started directly"] }],
      executions: [execution],
    };
  }

  private async execute(
    workflow: string,
    event: Record<string, unknown>,
    callbacks?: Record<string, CallbackAnswer>,
  ): Promise<ExecutionReport> {
    const machine = this.machines.get(workflow)!;
    const invocations: InvocationRecord[] = [];
    // Children run inside this run (startWorkflow steps): what they report is collected above this mark.
    const childMark = this.childReports.length;
    const scope = { invocations, callbacks, stop: new AbortController(), stoppedAt: undefined as string | undefined };
    const result = await executionScope.run(scope, () => machine.local.run(event, scope.stop.signal));
    const children = this.childReports.splice(childMark);
    if (this.options.deadLetterFile) {
      const lines = sentDeadLetters(result.published, randomUUID).map((message) => `${JSON.stringify(message)}\n`);
      if (lines.length > 0) appendFileSync(this.options.deadLetterFile, lines.join(""));
    }
    const report: ExecutionReport = {
      workflow,
      executionId: result.executionId ?? randomUUID(),
      status: result.status,
      clock: result.clock,
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
      ...(result.output !== undefined ? { output: result.output } : {}),
      durationMs: result.durationMs,
      path: result.path,
      pathRetries: result.pathRetries,
      retries: result.retries,
      published: result.published,
      ...(scope.stoppedAt !== undefined ? { stoppedAt: scope.stoppedAt } : {}),
      history: executionHistory(result, machine.local.states, machine.lambdaStates, invocations),
      metrics: summariseMetrics(invocations),
      invocations: invocations.map((i) => ({
        state: i.state,
        requestId: i.requestId,
        coldStart: i.coldStart,
        ...(i.endedAt !== undefined ? { durationMs: i.endedAt - i.startedAt } : {}),
        ...(i.initDurationMs !== undefined ? { initDurationMs: i.initDurationMs } : {}),
        ...(i.error ? { error: i.error.name } : {}),
        logs: logLines(i),
      })),
      cost: executionCost(
        {
          ...result,
          invocations: invocations.map((i) => ({
            state: i.state,
            durationMs: i.endedAt === undefined ? undefined : i.endedAt - i.startedAt,
          })),
        },
        (state) => this.workflows.find((w) => w.name === workflow)?.tasks.find((t) => t.state === state)?.memorySize,
      ),
    };
    if (children.length > 0) report.children = children;
    return report;
  }

  /** Cold starts so far, by function resource (artifact mode). */
  coldStarts(): Record<string, number> {
    return Object.fromEntries([...this.warm].map(([name, fn]) => [name, fn.coldStarts]));
  }

  /** The items of a table of the local DynamoDB (wire form), e.g. the idempotency records the steps wrote. */
  tableItems(table: string): Record<string, unknown>[] {
    return this.dynamodb?.items(table) ?? [];
  }

  /** The requests the program's tables have served so far, and their request units, per table (e.g. idempotency records). */
  dynamoDbUsage(): Record<string, TableUsage> {
    return this.dynamodb?.usage() ?? {};
  }

  /** Ends the warm function processes and the local DynamoDB, and restores stdout/stderr and the environment. */
  async close(): Promise<void> {
    for (const fn of this.warm.values()) fn.close();
    this.warm.clear();
    this.restoreOutput?.();
    this.restoreEnvironment?.();
    this.restoreRejections?.();
    this.restoreOutput = this.restoreEnvironment = this.restoreRejections = undefined;
    await this.dynamodb?.close();
    this.dynamodb = undefined;
  }
}

/** The fields EventBridge adds to every event it delivers, filled in where the given event lacks them. */
function withEnvelope(event: Record<string, unknown>): Record<string, unknown> {
  return {
    version: "0",
    id: randomUUID(),
    account: TEST_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: TEST_REGION,
    resources: [],
    ...event,
  };
}

/**
 * The Lambda environment variables in-process handlers can share: those every function that sets them sets to the
 * same value (a table name, a namespace); per-function ones (the service name) are left out.
 */
function sharedEnvironment(tasks: readonly LocalTask[]): Record<string, string> {
  const values = new Map<string, Set<string>>();
  for (const task of tasks)
    for (const [key, value] of Object.entries(task.environment)) values.set(key, (values.get(key) ?? new Set()).add(value));
  return Object.fromEntries([...values].filter(([, set]) => set.size === 1).map(([key, set]) => [key, [...set][0]]));
}

/** Sets variables of process.env; returns what restores them. */
export function setProcessEnvironment(variables: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/**
 * While installed, an unhandled rejection caused by an in-process handler's code fails the invocation it came from, as
 * Lambda reports it (`Runtime.UnhandledPromiseRejection`), instead of ending the process with no report. (The steps'
 * wrapper already turns those of a running invocation into its failure, redacted; this catches the rest.) One that
 * comes after its invocation ended is a warning naming the step and the error's name (its message may hold a secret
 * the step's redaction has forgotten). Returns the uninstaller.
 */
function failInvocationsOnUnhandledRejection(): () => void {
  const listener = (reason: unknown) => {
    const record = invocationScope.getStore();
    if (!record) {
      if (process.listenerCount("unhandledRejection") === 1) throw reason; // not a step's: Node's own behaviour
      return;
    }
    const name = reason instanceof Error ? reason.name : typeof reason;
    const fail = failInvocation.get(record);
    if (fail)
      fail(
        Object.assign(new Error(`An unhandled promise rejection (${name}) in step ${record.state}`), {
          name: "Runtime.UnhandledPromiseRejection",
        }),
      );
    else process.stderr.write(`warning: step ${record.state}: an unhandled promise rejection (${name}) after its invocation ended\n`);
  };
  process.on("unhandledRejection", listener);
  return () => process.off("unhandledRejection", listener);
}

/**
 * While installed, what in-process handlers write to stdout/stderr goes to the invocation they run in (found through
 * async context, so concurrent executions stay apart); other writes pass through. Returns the uninstaller.
 */
function routeOutputToInvocations(): () => void {
  const partial = new WeakMap<InvocationRecord, string>();
  return divertOutput((text, stream) => {
    const invocation = invocationScope.getStore();
    if (!invocation) return false;
    const lines = ((partial.get(invocation) ?? "") + text).split("\n");
    partial.set(invocation, lines.pop()!);
    (stream === 0 ? invocation.stdout : (invocation.stderr ??= [])).push(...lines.filter((line) => line.trim().length > 0));
    return true;
  });
}
