/**
 * Executes an ASL definition in-process with aws-local-stepfunctions. Lambda tasks run local functions bound by
 * state name; the SNS/SQS/EventBridge integration states run against an IN-PROCESS RECORDER (a local simulation:
 * nothing leaves the machine) that keeps what each would have published.
 */
import "./polyfills";
import "./engineDependencies";
import { randomUUID } from "node:crypto";
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";
import {
  messageServiceOf,
  parseIntegrationArn,
  stateMap,
  WAIT_FOR_TASK_TOKEN,
  walkStates,
  type AslDefinition,
  type AslObject,
  type MessageService,
} from "event-driven-workflow/asl";
import { type PublishedMessage, recordedMessage, recorderResponse } from "../simulators/messageRecorder";
import { captureOutput } from "./captureOutput";
import { type ClockMode, withVirtualTime } from "./clock";
import { type MapIoRewrite, rewriteMapIo, STAND_IN_CONTEXT_KEY } from "./mapIo";
import type { S3StandIns } from "../simulators/s3StandIn";

type Json = any;

/** The Context Object's `$$.Task.Token` locally (the runner replaces it with a token per hand-off). */
const LOCAL_TASK_TOKEN = "local-task-token";

/** A local stand-in for a Lambda task: state input in, state result out; throw an Error whose `name` is the ASL error. */
export type LocalTaskHandler = (input: Json) => Promise<Json> | Json;

export interface ExecutionEvent {
  type: string;
  state?: string;
  timestamp: number;
  error?: string;
  cause?: unknown;
  attempt?: number;
  /** The Map iteration the state event belongs to, when inside one. */
  index?: number;
}

/** The error of an execution stopped through `run`'s signal. */
export const STOPPED_ERROR = "Local.Stopped";

/** The outcome of one local execution. */
export interface LocalExecutionResult {
  /** The execution's id (also in the Context Object as `$$.Execution.Id`, and in the steps' logs as `executionId`). */
  executionId: string;
  status: "SUCCEEDED" | "FAILED" | "TIMED_OUT";
  output?: Json;
  error?: string;
  cause?: string;
  /** The clock the run used (`durationMs` is simulated time under `virtual`). */
  clock: ClockMode;
  /** Names of the states entered, in order (branch states included). */
  path: string[];
  /** Retries per state name (a state retried 2 times ran 3 times). */
  retries: Record<string, number>;
  /** Retries of each entry of `path` (a Map's iterations enter the same state: each counts its own). */
  pathRetries: number[];
  published: PublishedMessage[];
  events: ExecutionEvent[];
  durationMs: number;
  /** What the handlers printed during the run (Powertools JSON logs and EMF metric lines), when captured. */
  printed: string[];
}

export interface LocalExecutionOptions {
  /** Local functions for the Lambda task states, by state name. Every Lambda task must be bound. */
  taskHandlers: Record<string, LocalTaskHandler>;
  /**
   * How the run treats time: `fast` skips Retry intervals and Wait durations; `real` waits for them; `virtual` honours
   * every interval, Wait, timeout and heartbeat on a simulated clock, without waiting (see local/runner/clock.ts).
   * @default "fast"
   */
  clock?: ClockMode;
  /** The same as `clock: "real"` (kept for existing callers). @default false */
  realTime?: boolean;
  /**
   * Capture what is written to stdout and stderr during a run (the handlers' logs and EMF metrics) into `printed` instead
   * of letting it through. @default true
   */
  captureOutput?: boolean;
  /**
   * Whether the definition is known valid already: compiled by the library from a step list its validation accepted,
   * as every EventDrivenWorkflow's definition is (the library's tests hold asl-validator to agree with that validation).
   * Skips asl-validator, which compiles its JSON schemas again for every state machine (about 0.3 s).
   * @default false: asl-validator checks the definition, its ARNs and its paths (once per definition per process)
   */
  prevalidated?: boolean;
  /**
   * Answers a callback that travels in a message (SQS SendMessage or SNS Publish `.waitForTaskToken`), after the
   * message is recorded: resolve with what `SendTaskSuccess` would send, reject with an Error named as
   * `SendTaskFailure`'s error. @default none: the state waits until its heartbeat or timeout ends it
   */
  answerCallback?: (state: string) => Promise<Json>;
  /**
   * The local S3 STAND-IN (a simulation): a folder per bucket, where a Distributed Map's ItemReader reads and its
   * ResultWriter writes (see runner/mapIo.ts). A Map naming a bucket without one is refused, naming the Map and the bucket.
   * @default none
   */
  s3?: S3StandIns;
}

/** Definitions asl-validator accepted in this process: one that is built again is not checked again. */
const acceptedDefinitions = new Set<string>();

/**
 * A prepared local state machine: validated and built once (about 70 ms), then run many times.
 *
 * @example
 * const machine = new LocalWorkflow(definition, { taskHandlers: { ChargeCard: async (order) => ({ chargeId: "ch_1" }) } });
 * const result = await machine.run(event);
 */
export class LocalWorkflow {
  private readonly machine: StateMachine;
  /** The event log of the run the engine started last (see {@link tapEventLogs}). */
  private readonly eventLogs: () => EngineEventLog;
  private readonly integrationStates: [string, MessageService][];
  /** The message states that carry a task token (`.waitForTaskToken`): recorded, then answered by `answerCallback`. */
  private readonly callbackStates: Set<string>;
  private readonly clock: ClockMode;
  /** The execution's TimeoutSeconds, if it has one. */
  private readonly timeoutSeconds?: number;
  /** The zero Retry intervals and Wait durations (fast clock only): the same every run, built once. */
  private readonly timeOverrides: { retryIntervalOverrides?: Record<string, number>; waitTimeOverrides?: Record<string, number> };
  /** The Maps whose S3 reader, batcher or writer run through the local stand-in. */
  private readonly mapIo: MapIoRewrite["maps"];
  /** Every state the engine runs, by name: the definition's, and the S3 stand-in's states around its Maps. */
  readonly states: ReadonlyMap<string, AslObject>;

  constructor(
    definition: AslDefinition | string,
    private readonly options: LocalExecutionOptions,
  ) {
    const given: AslDefinition = typeof definition === "string" ? JSON.parse(definition) : definition;
    const rewrite = rewriteMapIo(given, options.s3 ?? {});
    const asl = rewrite.definition;
    this.mapIo = rewrite.maps;
    this.states = stateMap(asl);
    const standInStates = new Set(this.mapIo.flatMap((m) => Object.keys(m.handlers({}, ""))));
    const states = [...walkStates(asl)];
    const tasks = states
      .filter((s) => s.type === "Task")
      .map((s) => ({ ...s, service: messageServiceOf(s.state.Resource) ?? callbackMessageServiceOf(s.state.Resource) }));
    this.integrationStates = tasks.flatMap((s) => (s.service ? [[s.name, s.service] as [string, MessageService]] : []));
    this.callbackStates = new Set(tasks.filter((s) => s.service && !messageServiceOf(s.state.Resource)).map((s) => s.name));
    const unbound = tasks
      .filter((s) => !s.service && !options.taskHandlers[s.name] && !standInStates.has(s.name))
      .map((s) => `${s.name} (${s.state.Resource})`);
    if (unbound.length > 0) {
      // Unbound tasks would be sent to real AWS by aws-local-stepfunctions: refuse instead.
      throw new Error(
        `No local handler for task state(s) ${unbound.join(", ")}: bind each in taskHandlers, or the local run would call AWS.`,
      );
    }
    this.clock = options.clock ?? (options.realTime ? "real" : "fast");
    this.timeoutSeconds = typeof asl.TimeoutSeconds === "number" ? asl.TimeoutSeconds : undefined;
    this.timeOverrides =
      this.clock !== "fast"
        ? {}
        : {
            retryIntervalOverrides: Object.fromEntries(states.filter((s) => Array.isArray(s.state.Retry)).map((s) => [s.name, 0])),
            waitTimeOverrides: Object.fromEntries(states.filter((s) => s.type === "Wait").map((s) => [s.name, 0])),
          };
    const text = JSON.stringify(asl);
    const checked = options.prevalidated || acceptedDefinitions.has(text);
    this.machine = new StateMachine(asl as never, {
      validationOptions: checked ? { noValidate: true } : { checkArn: true, checkPaths: true },
    });
    if (!checked) acceptedDefinitions.add(text);
    this.eventLogs = tapEventLogs(this.machine);
  }

  /**
   * Runs one execution; never throws for a failed execution (that is a result), only for a broken setup.
   *
   * @param stop aborting it stops the execution where it is: the result is FAILED with `Local.Stopped` and the
   *   signal's reason as the cause (the cost command stops at a callback nobody will answer)
   */
  async run(input: Json, stop?: AbortSignal): Promise<LocalExecutionResult> {
    return this.clock === "virtual" ? withVirtualTime(() => this.execute(input, stop)) : this.execute(input, stop);
  }

  private async execute(input: Json, stop?: AbortSignal): Promise<LocalExecutionResult> {
    // A task still waiting when the execution ends (a callback where it was stopped, a handler when it timed out) is let
    // go then: aws-local-stepfunctions clears the state's timer and the execution's TimeoutSeconds timer only once the
    // task settles, and those timers (a day, five days) would keep the process alive. It settles after `ended`, so
    // nothing more is invoked.
    let letGo: () => void = () => undefined;
    const abandoned = new Promise<never>((_, reject) => {
      letGo = () => reject(Object.assign(new Error("The execution has ended"), { name: "States.Runtime" }));
    });
    abandoned.catch(() => undefined);
    const published: PublishedMessage[] = [];
    const recorders = Object.fromEntries(
      this.integrationStates.map(([state, service]) => [
        state,
        async (request: Json) => {
          published.push(recordedMessage(state, service, request));
          if (!this.callbackStates.has(state)) return recorderResponse(service, published.length);
          // Without an answerer the state waits, as on AWS, until its heartbeat or timeout ends it.
          return this.options.answerCallback ? this.options.answerCallback(state) : new Promise(() => undefined);
        },
      ]),
    );
    const capture = this.options.captureOutput === false ? undefined : captureOutput();
    const started = Date.now();
    // aws-local-stepfunctions runs a state being retried once more when its execution times out (the aborted retry
    // wait resolves): on AWS a timed-out execution invokes nothing more, so neither does this one.
    const deadline = this.timeoutSeconds === undefined ? Number.POSITIVE_INFINITY : started + this.timeoutSeconds * 1000;
    let ended = false;
    const live = (handlers: Record<string, LocalTaskHandler>) =>
      Object.fromEntries(
        Object.entries(handlers).map(([state, handler]) => [
          state,
          (request: Json) =>
            ended || Date.now() >= deadline
              ? Promise.reject(Object.assign(new Error(`The execution has ended: ${state} is not invoked`), { name: "States.Runtime" }))
              : Promise.race([handler(request), abandoned]),
        ]),
      );
    const name = randomUUID();
    // The stand-in states of the Maps keep this run's items and results here, read back through `$$.EdwS3StandIn`.
    const mapIoStore = {};
    const mapIoHandlers = Object.assign({}, ...this.mapIo.map((m) => m.handlers(mapIoStore, name)));
    const executionId = `arn:aws:states:local-1:000000000000:execution:local:${name}`;
    // The Context Object, as in AWS: Lambda tasks' Parameters pass `$$.Execution.Id` to their step.
    const execution = this.machine.run(input, {
      // `$$.Task.Token` is there for callback tasks' Parameters; the runner hands each invocation a token of its own.
      context: {
        Execution: { Id: executionId, Name: name, Input: input, StartTime: new Date(started).toISOString() },
        Task: { Token: LOCAL_TASK_TOKEN },
        ...(this.mapIo.length > 0 ? { [STAND_IN_CONTEXT_KEY]: mapIoStore } : {}),
      },
      overrides: {
        taskResourceLocalHandlers: live({ ...this.options.taskHandlers, ...recorders, ...mapIoHandlers }),
        ...this.timeOverrides,
      },
    });
    // Taken now: `run` starts the execution, and with it its event log, before it returns.
    const eventLog = this.eventLogs();
    stop?.addEventListener("abort", () => execution.abort(), { once: true });
    let outcome: Pick<LocalExecutionResult, "status" | "output" | "error" | "cause">;
    try {
      outcome = { status: "SUCCEEDED", output: await execution.result };
    } catch (error) {
      if (error instanceof ExecutionTimeoutError)
        outcome = { status: "TIMED_OUT", error: "States.Timeout", cause: "The execution exceeded its TimeoutSeconds." };
      else if (error instanceof ExecutionError) outcome = { status: "FAILED" };
      else if (error instanceof ExecutionAbortedError) outcome = { status: "FAILED", error: STOPPED_ERROR, cause: String(stop?.reason) };
      else {
        capture?.stop();
        ended = true;
        letGo();
        throw error;
      }
    }
    ended = true;
    letGo();
    const events = eventLog.eventQueue.map(executionEvent);
    const printed = capture?.stop() ?? [];
    if (outcome.status === "FAILED" && outcome.error !== STOPPED_ERROR) {
      const failed = events.find((e) => e.type === "ExecutionFailed");
      outcome.error = failed?.error;
      outcome.cause = typeof failed?.cause === "string" ? failed.cause : JSON.stringify(failed?.cause);
    }
    const retries: Record<string, number> = {};
    // Own properties, whatever the state's name: `retries["__proto__"] = …` would set the prototype and count nothing.
    for (const e of events)
      if (e.type === "StateRetried" && e.state)
        Object.defineProperty(retries, e.state, {
          value: (Object.hasOwn(retries, e.state) ? retries[e.state] : 0) + 1,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    return {
      executionId,
      clock: this.clock,
      ...outcome,
      ...visits(events),
      retries,
      published,
      events,
      durationMs: Date.now() - started,
      printed,
    };
  }
}

/** What aws-local-stepfunctions keeps of a run's events: all of them, in order, while nobody iterates its `eventLogs`. */
interface EngineEventLog {
  eventQueue: Json[];
}

/**
 * Gives, after each `machine.run(...)`, that run's event log. The engine's public log is an async iterator that waits
 * for each new event: reading it costs promises and an event listener per event (about half the promises LocalWorkflow
 * adds to an execution, each paying the async hooks Powertools' Tracer installs). Its logger queues every event until
 * read, and `run` hands it to `StateMachine#execute` (aws-local-stepfunctions 3.0.0, pinned exactly): read there, the
 * queue is the whole history once the execution has settled (the engine closes its log as it settles it).
 */
function tapEventLogs(machine: StateMachine): () => EngineEventLog {
  const engine = machine as unknown as { execute(input: Json, options: { eventLogger?: EngineEventLog }, ...rest: unknown[]): unknown };
  const execute = engine.execute;
  let latest: EngineEventLog | undefined;
  engine.execute = function (this: unknown, input, options, ...rest) {
    latest = options.eventLogger;
    return execute.call(this, input, options, ...rest);
  };
  return () => {
    const log = latest;
    latest = undefined;
    if (!Array.isArray(log?.eventQueue))
      throw new Error("aws-local-stepfunctions did not hand its event log to StateMachine#execute: LocalWorkflow needs version 3.0.0.");
    return log;
  };
}

/** One engine event in the shape of {@link ExecutionEvent}. */
function executionEvent(e: Json): ExecutionEvent {
  return {
    type: e.type,
    state: e.state?.name,
    timestamp: e.timestamp,
    error: e.Error,
    cause: e.Cause,
    attempt: e.retry?.attempt,
    ...(typeof e.index === "number" ? { index: e.index } : {}),
  };
}

/** The states entered, in order, and the retries of each visit (a retry belongs to the last entry of its state and Map iteration). */
function visits(events: readonly ExecutionEvent[]): Pick<LocalExecutionResult, "path" | "pathRetries"> {
  const path: string[] = [];
  const pathRetries: number[] = [];
  const lastEntry = new Map<string, number>();
  for (const e of events) {
    if (!e.state) continue;
    const key = `${e.index ?? ""}:${e.state}`;
    if (e.type === "StateEntered") {
      lastEntry.set(key, path.length);
      path.push(e.state);
      pathRetries.push(0);
    } else if (e.type === "StateRetried") {
      const at = lastEntry.get(key);
      if (at !== undefined) pathRetries[at]++;
    }
  }
  return { path, pathRetries };
}

/** The message service of an SQS SendMessage or SNS Publish that carries a task token (`.waitForTaskToken`), else undefined. */
function callbackMessageServiceOf(resource: unknown): MessageService | undefined {
  return parseIntegrationArn(resource)?.pattern === WAIT_FOR_TASK_TOKEN ? messageServiceOf(resource, { anyPattern: true }) : undefined;
}
