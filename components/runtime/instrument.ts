/**
 * The code that runs inside each step's Lambda (and in the local runner): it wraps a user's handler with
 * Powertools Metrics, Logger and Tracer, redaction of sensitive values, and (for tasks that declare it)
 * Powertools Idempotency. Everything here is captured by Pulumi's closure serialization. The Powertools packages are
 * `require`d when a container first runs a step (inside Lambda, from the Powertools layer, or in the local runner),
 * never at deploy time, and they are never copied into the archive.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { IdempotencyOptions, StepContext, StepHandler, StepInit } from "../steps/types";
import { APPROVAL_URL_ENV, approvalLinks, macFromEnvironment, type MacProvider } from "./approvalToken";
import { ERROR_NAME_DIMENSION, STEP_METRICS } from "./contract";

/** The key a callback's task token is remembered under by the redactor. */
const TASK_TOKEN_KEY = "taskToken";
import { dynamoDbPersistenceLayer, idempotentRunner, type PersistenceLayerFactory } from "./idempotency";
import { createRedactor, REDACTED, sensitiveKeysFrom, type Redactor } from "./redact";
import { readSecrets } from "./secrets";
import { unwrapStepInput } from "./stepInput";

/** The part of the Lambda context a step needs; the local runner provides the same shape. */
export interface InvocationContext {
  awsRequestId: string;
  functionName?: string;
  getRemainingTimeInMillis(): number;
}

/** Options of {@link instrumentStep} beyond the handler. */
export interface StepRuntimeOptions {
  /** Run the handler at most once per key of its input (Powertools Idempotency). @default not idempotent */
  idempotency?: IdempotencyOptions;
  /**
   * Creates the idempotency persistence layer, once per container at the first invocation.
   * @default Powertools' DynamoDB layer on the table named by the `EDW_IDEMPOTENCY_TABLE` environment variable
   */
  persistenceLayer?: PersistenceLayerFactory;
  /**
   * Keys whose values are never written to a log, console output, a metric dimension or metadata, a trace annotation
   * or metadata, or a reported error. Added to the default `cardToken` (never instead of it); more can be added at run
   * time with `EDW_SENSITIVE_KEYS`.
   * @default [] (only the defaults: ["cardToken"])
   * @example
   * { sensitiveKeys: ["iban"] } // cardToken and iban
   */
  sensitiveKeys?: readonly string[];
  /** Creates the handler's `context.resources`, once per container. @default none */
  init?: StepInit<unknown>;
  /** For a callback step: hand the handler approve/reject links valid this long (see `approvalLink`). @default no links */
  approvalLinkSeconds?: number;
  /** The names of the task's `secrets`, read once per container into `context.secrets` (see runtime/secrets.ts). @default none */
  secretNames?: readonly string[];
}

interface StepTools {
  metrics: Metrics;
  logger: Logger;
  tracer: Tracer;
  redactor: Redactor;
  coldStart: boolean;
}

/**
 * Wraps `handler` as a Lambda handler for step `stepName` of workflow `workflowName`.
 *
 * Per invocation it flushes one EMF line: `StepSucceeded` or `StepFailed` (the latter with an `errorName`
 * dimension), `StepDuration` in milliseconds, `ColdStart` on the first invocation, `IdempotentReplays` when an
 * idempotent step replayed a stored result, and whatever the handler added through `context.metrics`. It opens a
 * `## <step>` X-Ray subsegment annotated with cold start and service, logs JSON with the request id (and the
 * execution id when known) as correlation keys, logs failures, and rethrows so that the error's `name` reaches
 * Step Functions. Values under sensitive keys, and card tokens, never reach a log, the console, a metric or a trace,
 * nor the error it reports (message, stack, properties, causes). An unhandled rejection in the handler's code fails
 * the invocation as `Runtime.UnhandledPromiseRejection`, as in Lambda, with its cause redacted.
 *
 * @example
 * export const handler = instrumentStep("order-processing", "ChargeCard", chargeCard, { idempotency: { keyPath: "orderId" } });
 */
export function instrumentStep<I, O>(
  workflowName: string,
  stepName: string,
  handler: StepHandler<I, O, any>,
  options: StepRuntimeOptions = {},
) {
  // Decided here, at deploy time: a step that is not idempotent captures none of the idempotency code.
  const runIdempotently = options.idempotency
    ? idempotentRunner(workflowName, stepName, options.idempotency, options.persistenceLayer ?? dynamoDbPersistenceLayer)
    : undefined;
  const configuredSensitiveKeys = options.sensitiveKeys ? [...options.sensitiveKeys] : undefined;
  // Pulumi's closure serialization rebuilds captured `let` bindings on every call, but a captured object is created
  // once per container: per-container state (Powertools objects, the cold-start flag) lives in one.
  const container: { tools?: StepTools; resources?: Promise<unknown>; mac?: MacProvider; secrets?: Promise<Record<string, string>> } = {};
  const secretNames = options.secretNames?.length ? [...options.secretNames] : undefined;
  const approvalLinkSeconds = options.approvalLinkSeconds;
  // Decided here, at deploy time, like idempotency: only a step with approval links captures the signing code.
  const makeLinks = approvalLinkSeconds === undefined ? undefined : (token: string) => linksFor(token, approvalLinkSeconds, container);
  const init = options.init;
  /** What runs before the handler when the step has approval links, secrets or `init`: sets them on `context`. */
  const prepare = async (context: StepContext<unknown>, taskToken: string | undefined, redactor: Redactor): Promise<void> => {
    if (taskToken !== undefined && makeLinks) {
      context.approvalLinks = await makeLinks(taskToken);
      // The link, its token alone, and the token's claims part (decoding it would give the task token back).
      for (const link of Object.values(context.approvalLinks)) {
        // Not `new URL`: the base URL is whatever the endpoint's output is (locally, a placeholder).
        const token = decodeURIComponent(/[?&]token=([^&#]*)/.exec(link)?.[1] ?? "");
        for (const secret of [link, token, token.split(".")[0]]) redactor.also(secret);
      }
    }
    if (secretNames) {
      // Once per container, before `init`; a failed read is forgotten so that the next
      // invocation tries again. Their values are masked wherever the step writes, for the container's life.
      container.secrets ??= readSecrets(stepName, secretNames)
        .then((values) => {
          for (const value of Object.values(values)) redactor.always(value);
          return values;
        })
        .catch((error: unknown) => {
          container.secrets = undefined;
          throw error;
        });
      context.secrets = await container.secrets;
    }
    if (init) {
      // Once per container; a failed init is forgotten so that the next invocation tries again.
      container.resources ??= Promise.resolve()
        .then(init)
        .catch((error: unknown) => {
          container.resources = undefined;
          throw error;
        });
      context.resources = await container.resources;
    }
  };
  // Not `async`: each promise an invocation creates costs the async hooks the tracer's context (cls-hooked) and the
  // invocation guards keep, on every invocation; the wrapper adds as few as it can. A setup failure still rejects.
  return (received: unknown, invocation: InvocationContext): Promise<O> => {
    try {
      const { payload, executionId, taskToken } = unwrapStepInput(received);
      const event = payload as I;
      // A callback's task token is a credential: masked wherever the step writes, whatever keys are configured.
      const tools = (container.tools ??= createStepTools(workflowName, stepName, [
        ...sensitiveKeysFrom(configuredSensitiveKeys, process.env),
        TASK_TOKEN_KEY,
      ]));
      const { metrics, logger, tracer, redactor } = tools;
      redactor.remember(taskToken === undefined ? event : { event, [TASK_TOKEN_KEY]: taskToken });
      if (tools.coldStart) metrics.addMetric(STEP_METRICS.coldStart, "Count", 1);
      tools.coldStart = false;
      logger.appendKeys({ requestId: invocation.awsRequestId, ...(executionId ? { executionId } : {}) });

      const context: StepContext<unknown> = {
        resources: undefined,
        secrets: {},
        ...(taskToken === undefined ? {} : { taskToken }),
        stepName,
        workflowName,
        requestId: invocation.awsRequestId,
        remainingTimeMs: () => invocation.getRemainingTimeInMillis(),
        metrics,
        logger,
        tracer,
      };
      const call = (): Promise<O> | O =>
        runIdempotently
          ? runIdempotently((input: I) => handler(input, context) as Promise<O>, event, invocation).then((outcome) => {
              if (outcome.replayed) {
                metrics.addMetric(STEP_METRICS.idempotentReplay, "Count", 1);
                logger.info(`${stepName} already processed this input: returned the stored result, the handler did not run again`);
              }
              return outcome.result;
            })
          : handler(event, context);
      const body =
        (taskToken !== undefined && makeLinks) || secretNames || init ? () => prepare(context, taskToken, redactor).then(call) : call;

      // Each invocation traces in an async context of its own: the segment a step sets never leaks into another
      // invocation running at the same time (the local runner runs the Parallel branches' steps in one process).
      const traced = tracer.isTracingEnabled();
      const invoke = async (): Promise<O> => {
        // The step's subsegment hangs off the invocation's segment (in Lambda, the facade of Step Functions' trace).
        const current = traced ? tracer.getSegment() : undefined;
        const parentSegment = current && "segment" in current && current.segment ? current.segment : current;
        const subsegment = parentSegment?.addNewSubsegment(`## ${stepName}`);
        if (subsegment) {
          tracer.setSegment(subsegment);
          tracer.annotateColdStart();
          tracer.addServiceNameAnnotation();
        }
        const started = Date.now();
        try {
          const result = await guardInvocation(redactor, invocation.getRemainingTimeInMillis(), body);
          // Counted once the invocation has succeeded (not by a handler still running after its invocation failed).
          metrics.addMetric(STEP_METRICS.succeeded, "Count", 1);
          return result;
        } catch (thrown) {
          const error = redactor.error(asLambdaError(thrown));
          metrics.addDimension(ERROR_NAME_DIMENSION, error.name);
          metrics.addMetric(STEP_METRICS.failed, "Count", 1);
          logger.error(`${stepName} failed with ${error.name}`, error);
          if (subsegment) {
            tracer.setSegment(subsegment);
            tracer.addErrorAsMetadata(error);
          }
          throw error;
        } finally {
          metrics.addMetric(STEP_METRICS.duration, "Milliseconds", Date.now() - started);
          metrics.publishStoredMetrics();
          logger.resetKeys();
          redactor.forget();
          if (subsegment && parentSegment) {
            subsegment.close();
            tracer.setSegment(parentSegment);
          }
        }
      };
      return traced ? tracer.provider.getNamespace().runAndReturn(invoke) : invoke();
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/** The approve and reject links of a callback's token, signed with the workflow's key (created once per container). */
async function linksFor(
  taskToken: string,
  validSeconds: number,
  container: { mac?: MacProvider },
): Promise<{ approve: string; reject: string }> {
  const url = process.env[APPROVAL_URL_ENV];
  const mac = (container.mac ??= macFromEnvironment());
  if (!url || !mac) {
    const error = new Error(
      `This step asks for approval links but ${APPROVAL_URL_ENV} or its signing key is not set: the workflow's approval endpoint is not configured on the function.`,
    );
    error.name = "ApprovalLinkNotConfigured";
    throw error;
  }
  return approvalLinks(url, taskToken, Math.floor(Date.now() / 1000) + validSeconds, mac);
}

/** The Powertools utilities of one step, created once per container, with redaction built into each. */
function createStepTools(workflowName: string, stepName: string, sensitiveKeys: string[]): StepTools {
  const redactor = createRedactor(sensitiveKeys);
  const { Logger } = require("@aws-lambda-powertools/logger") as typeof import("@aws-lambda-powertools/logger");
  const { Metrics } = require("@aws-lambda-powertools/metrics") as typeof import("@aws-lambda-powertools/metrics");
  const { Tracer } = require("@aws-lambda-powertools/tracer") as typeof import("@aws-lambda-powertools/tracer");
  return {
    // The level comes from POWERTOOLS_LOG_LEVEL (the component sets it); the replacer redacts every log item.
    logger: new Logger({ serviceName: stepName, persistentKeys: { workflow: workflowName }, jsonReplacerFn: redactor.replacer }),
    metrics: guardMetrics(new Metrics({ namespace: workflowName, serviceName: stepName }), redactor),
    tracer: guardTracer(new Tracer({ serviceName: stepName }), redactor),
    redactor,
    coldStart: true,
  };
}

/** Redacts every dimension and metadata value a step (or a single-metric blob it creates) adds. */
function guardMetrics(metrics: Metrics, redactor: Redactor): Metrics {
  const safe = (key: string, value: string) => (redactor.isSensitiveKey(key) ? REDACTED : redactor.text(String(value)));
  const safeAll = (dimensions: Record<string, string>) => Object.fromEntries(Object.entries(dimensions).map(([k, v]) => [k, safe(k, v)]));
  const original = {
    addMetric: metrics.addMetric.bind(metrics),
    addDimension: metrics.addDimension.bind(metrics),
    addDimensions: metrics.addDimensions.bind(metrics),
    addMetadata: metrics.addMetadata.bind(metrics),
    setDefaultDimensions: metrics.setDefaultDimensions.bind(metrics),
    singleMetric: metrics.singleMetric.bind(metrics),
  };
  // A metric's name is written too (the EMF line's keys): masked as text, its value as a number.
  metrics.addMetric = (name, unit, value) => original.addMetric(redactor.text(name), unit, redactor.value(value));
  metrics.addDimension = (name, value) => original.addDimension(name, safe(name, value));
  metrics.addDimensions = (dimensions) => original.addDimensions(safeAll(dimensions));
  metrics.addMetadata = (key, value) => original.addMetadata(key, safe(key, value));
  metrics.setDefaultDimensions = (dimensions) => original.setDefaultDimensions(safeAll(dimensions));
  metrics.singleMetric = () => guardMetrics(original.singleMetric(), redactor);
  return metrics;
}

/** Redacts every annotation, metadata value and error a step puts on its trace. */
function guardTracer(tracer: Tracer, redactor: Redactor): Tracer {
  const original = {
    putAnnotation: tracer.putAnnotation.bind(tracer),
    putMetadata: tracer.putMetadata.bind(tracer),
    addErrorAsMetadata: tracer.addErrorAsMetadata.bind(tracer),
  };
  tracer.putAnnotation = (key, value) =>
    original.putAnnotation(redactor.text(key), redactor.isSensitiveKey(key) ? REDACTED : redactor.value(value));
  tracer.putMetadata = (key, value, namespace) =>
    original.putMetadata(redactor.text(key), redactor.isSensitiveKey(key) ? REDACTED : redactor.value(value), namespace);
  tracer.addErrorAsMetadata = (error, remote) => original.addErrorAsMetadata(redactor.error(error), remote);
  return tracer;
}

/** The invocation whose code is running, found through async context by the process-wide guards. */
interface GuardedInvocation {
  redactor: Redactor;
  fail(reason: unknown): void;
}

/** The guards of a process (one set for every step running in it: the local runner runs many). */
interface InvocationGuards {
  scope: import("node:async_hooks").AsyncLocalStorage<GuardedInvocation>;
  running: number;
  /** Whether the console is redacting (the guards are up). */
  up: boolean;
  /** The lowering scheduled when the last invocation ended: it lowers nothing if an invocation runs by then. */
  lowering?: ReturnType<typeof setImmediate>;
  /** The others' `unhandledRejection` listeners, stepping over an invocation's rejections while the guards are up. */
  deferring: WeakSet<Listener>;
  route(reason: unknown): void;
  /** The console methods as they were when the guards went up, and their redacting stand-ins. */
  printing: Record<ConsoleMethod, (...args: unknown[]) => void>;
  redacting: Record<ConsoleMethod, (...args: unknown[]) => void>;
}

type ConsoleMethod = "log" | "info" | "warn" | "error";
const CONSOLE_METHODS: readonly ConsoleMethod[] = ["log", "info", "warn", "error"];

/**
 * Runs `body` (one invocation of a step) guarded: an unhandled rejection its code causes fails the invocation, as
 * `Runtime.UnhandledPromiseRejection` (Lambda's name for it) with the cause redacted, instead of reaching Lambda's own
 * listener unredacted (or, in the local runner, ending the process); and what its code prints with
 * `console.log/info/warn/error` is redacted. Rejections from outside any invocation go on to the listeners set aside.
 *
 * The guards stand while any invocation runs (and until the event loop turns after the last one ended), and an
 * invocation ends when `body` settles or when its time is up
 * (`remainingMs`: Lambda ends it then, and a local runner abandons it), so a handler that never settles does not
 * keep them up for good. Whoever removes the guard's listener meanwhile (a test runner between files does) has it
 * put back by the next invocation.
 */
function guardInvocation<T>(redactor: Redactor, remainingMs: number, body: () => Promise<T> | T): Promise<T> {
  const registry = process as unknown as Record<symbol, InvocationGuards | undefined>;
  const guards = (registry[Symbol.for("event-driven-workflow.invocationGuards.2")] ??= createInvocationGuards());
  // Not listening when no invocation runs, or when someone removed the listener meanwhile (a test runner between files).
  if (!process.rawListeners("unhandledRejection").includes(guards.route)) raiseRejectionGuard(guards);
  // What a handler's timer or un-awaited promise prints after its invocation ended runs, in Lambda, during the next
  // invocation (the process is frozen in between): redacted then, with the last invocations' secrets still kept.
  guards.running++;
  if (!guards.up) {
    guards.up = true;
    for (const method of CONSOLE_METHODS) {
      guards.printing[method] = console[method];
      console[method] = guards.redacting[method];
    }
  }
  // One promise (each costs async hooks), settled by the body or by an unhandled rejection of its code, whichever first.
  return new Promise<T>((resolve, reject) => {
    let ended = false;
    const timeUp = setTimeout(() => end(), Math.max(0, remainingMs));
    timeUp.unref();
    // The guards end at the first of the three; time up settles nothing (in Lambda, the runtime ends the invocation).
    function end() {
      if (ended) return;
      ended = true;
      clearTimeout(timeUp);
      // Lowered once the event loop turns with none running (a lowering already scheduled sees any invocation started
      // since): invocations back to back (a runner's) keep them up instead of swapping the listeners and the console.
      if (--guards.running === 0) guards.lowering ??= setImmediate(() => lowerGuards(guards));
    }
    const fail = (reason: unknown) => {
      end();
      reject(unhandledRejectionError(reason));
    };
    let settled: Promise<T> | T;
    try {
      settled = guards.scope.run({ redactor, fail }, body);
    } catch (error) {
      settled = Promise.reject(error);
    }
    Promise.resolve(settled).then(
      (value) => {
        end();
        resolve(value);
      },
      (error: unknown) => {
        end();
        reject(error);
      },
    );
  });
}

type Listener = (...args: unknown[]) => void;

/**
 * Puts `guards.route` first among the `unhandledRejection` listeners, and each other listener behind a stand-in that
 * steps over a rejection of an invocation's code (in Lambda, the runtime's own listener would end the process). A
 * stand-in carries its listener as `listener`, which Node's `removeListener` matches (as for `once`), so an owner who
 * removes its listener while the guards are up removes it for good: none is put back that its owner removed.
 */
function raiseRejectionGuard(guards: InvocationGuards): void {
  const others = process.rawListeners("unhandledRejection") as Listener[];
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", guards.route);
  for (const listener of others) {
    if (guards.deferring.has(listener)) {
      process.on("unhandledRejection", listener);
      continue;
    }
    const standIn = Object.assign(
      function (this: unknown, ...args: unknown[]) {
        if (!guards.scope.getStore()) listener.apply(this, args);
      },
      { listener: (listener as Listener & { listener?: Listener }).listener ?? listener },
    );
    guards.deferring.add(standIn);
    process.on("unhandledRejection", standIn);
  }
}

/** Puts back the others' `unhandledRejection` listeners still standing and the console, unless an invocation started meanwhile. */
function lowerGuards(guards: InvocationGuards): void {
  guards.lowering = undefined;
  if (guards.running > 0 || !guards.up) return;
  guards.up = false;
  process.off("unhandledRejection", guards.route);
  const standing = process.rawListeners("unhandledRejection") as Listener[];
  if (standing.some((listener) => guards.deferring.has(listener))) {
    process.removeAllListeners("unhandledRejection");
    for (const listener of standing)
      process.on(
        "unhandledRejection",
        guards.deferring.has(listener) ? (listener as Listener & { listener: Listener }).listener : listener,
      );
  }
  for (const method of CONSOLE_METHODS) if (console[method] === guards.redacting[method]) console[method] = guards.printing[method];
}

function createInvocationGuards(): InvocationGuards {
  const { AsyncLocalStorage } = require("node:async_hooks") as typeof import("node:async_hooks");
  const { format } = require("node:util") as typeof import("node:util");
  const scope = new AsyncLocalStorage<GuardedInvocation>();
  const guards: InvocationGuards = {
    scope,
    running: 0,
    up: false,
    deferring: new WeakSet(),
    route(reason) {
      const invocation = scope.getStore();
      if (invocation) invocation.fail(reason);
      else if (process.listenerCount("unhandledRejection") === 1) throw reason; // Node's own behaviour without a listener
    },
    printing: { ...console },
    redacting: Object.fromEntries(
      CONSOLE_METHODS.map((method) => [
        method,
        (...args: unknown[]) => {
          const redactor = scope.getStore()?.redactor;
          const print = guards.printing[method];
          if (!redactor) return print.apply(console, args);
          print.call(console, redactor.text(format(...args.map((arg) => (typeof arg === "string" ? arg : redactor.value(arg))))));
        },
      ]),
    ) as InvocationGuards["redacting"],
  };
  return guards;
}

/** What Lambda reports for an unhandled rejection (`Runtime.UnhandledPromiseRejection`, "<name>: <message>"), with the reason as cause. */
function unhandledRejectionError(reason: unknown): Error {
  const cause = reason instanceof Error ? reason : undefined;
  return Object.assign(new Error(cause ? `${cause.name}: ${cause.message}` : String(reason)), {
    name: "Runtime.UnhandledPromiseRejection",
    ...(cause ? { cause } : {}),
  });
}

/**
 * The Lambda Node runtime reports a thrown value by its `name` (the error Step Functions matches) only when
 * name, message and stack are strings. Error subclasses that went through Pulumi's closure serialization can
 * lose their message and stack, and plain objects have none: rebuild such values as real Errors of the same
 * name so that Retry and Catch rules still match.
 */
export function asLambdaError(thrown: unknown): Error {
  const candidate = thrown as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
  if (thrown instanceof Error && typeof candidate!.message === "string" && typeof candidate!.stack === "string") return thrown;
  const name = typeof candidate?.name === "string" && candidate.name.length > 0 ? candidate.name : "NonErrorThrown";
  const message = typeof candidate?.message === "string" ? candidate.message : typeof thrown === "string" ? thrown : name;
  const error = new Error(message);
  error.name = name;
  if (thrown && typeof thrown === "object") Object.assign(error, thrown, { name, message });
  return error;
}

/** Tells Pulumi to serialize this module into Lambda archives by value: consumers of the installed package then need no copy of the library inside their functions. */
export const deploymentOnlyModule = true;
