/**
 * What one local execution did, in the shapes AWS shows it: an execution history in the style of
 * `aws stepfunctions get-execution-history` (with the Lambda invocation events the runner observed), and the EMF
 * metrics the step Lambdas printed, summarised per step. Pure functions over recorded data.
 */
import { type AslObject, WAIT_FOR_TASK_TOKEN } from "event-driven-workflow/asl";
import type { LocalExecutionResult } from "./execute";

/** One Lambda invocation, as the runner observed it. */
export interface InvocationRecord {
  state: string;
  requestId: string;
  startedAt: number;
  endedAt?: number;
  coldStart: boolean;
  initDurationMs?: number;
  /** Set once the invocation ended: its error name (`Sandbox.Timedout` when the Lambda timed out). */
  error?: { name: string; message: string };
  /** What the function printed on stdout during the invocation (EMF metrics, JSON logs). */
  stdout: string[];
  /** What it printed on stderr (Powertools Logger writes warnings and errors there). */
  stderr?: string[];
  /** A callback task's hand-off: the (local) token it got, and how the runner answered. */
  callback?: { token: string; answer: "success" | "failure" | "none" };
}

/** One line of an execution history. */
export interface HistoryEvent {
  id: number;
  /** Milliseconds since the execution started. */
  offsetMs: number;
  /** The AWS history event type, e.g. `TaskStateEntered`, `LambdaFunctionFailed`, `ExecutionSucceeded`. */
  type: string;
  state?: string;
  durationMs?: number;
  /** On a Lambda invocation: which retry it is (absent for the first attempt). */
  retry?: number;
  error?: string;
  cause?: string;
  /** On `TaskSubmitted` (a callback task handed its token off): the local token, and the answer the run gave it. */
  token?: string;
  answer?: "success" | "failure" | "none";
}

/** Sums of one metric over an execution: `count` values summing to `sum`, in `unit`. */
export interface MetricSummary {
  unit?: string;
  count: number;
  sum: number;
}

/** Metric name -> summary, by step (task state) name. */
export type MetricsByStep = Record<string, Record<string, MetricSummary>>;

const LAMBDA_TIMEOUT_ERROR = "Sandbox.Timedout";

/**
 * The execution history of `result`, with one `LambdaFunctionScheduled`/`Started`/`Succeeded`|`Failed`|`TimedOut`
 * group per recorded invocation, retries numbered.
 *
 * @param states every state of the definition by name (see `stateMap`), for the event type names
 * @param lambdaStates the task states that invoke a Lambda
 */
export function executionHistory(
  result: LocalExecutionResult,
  states: ReadonlyMap<string, AslObject>,
  lambdaStates: ReadonlySet<string>,
  invocations: readonly InvocationRecord[],
): HistoryEvent[] {
  const history: HistoryEvent[] = [];
  const start = result.events[0]?.timestamp ?? Date.now();
  const push = (at: number, event: Omit<HistoryEvent, "id" | "offsetMs">) => {
    history.push({ id: 0, offsetMs: Math.max(0, at - start), ...event });
  };
  const pending = new Map<string, InvocationRecord[]>();
  for (const invocation of invocations) pending.set(invocation.state, [...(pending.get(invocation.state) ?? []), invocation]);
  const attempts = new Map<string, number>();
  const enteredAt = new Map<string, number[]>();
  /** Callback states whose latest invocation handed its token off: a failure now is the wait's, not the Lambda's. */
  const handedOff = new Set<string>();
  const typeOf = (state: string | undefined) => (state && states.get(state)?.Type) || "State";

  const invoke = (state: string, at: number) => {
    const retry = attempts.get(state) ?? 0;
    attempts.set(state, retry + 1);
    const invocation = pending.get(state)?.shift();
    const retryField = retry > 0 ? { retry } : {};
    handedOff.delete(state);
    push(at, { type: "LambdaFunctionScheduled", state, ...retryField });
    if (!invocation) return;
    push(invocation.startedAt, { type: "LambdaFunctionStarted", state, ...retryField });
    if (invocation.endedAt === undefined) return; // cut short by the task's TimeoutSeconds: StateFailed says so
    const durationMs = invocation.endedAt - invocation.startedAt;
    if (!invocation.error) {
      push(invocation.endedAt, { type: "LambdaFunctionSucceeded", state, durationMs });
      if (invocation.callback) {
        push(invocation.endedAt, { type: "TaskSubmitted", state, ...invocation.callback });
        handedOff.add(state);
      }
    } else {
      push(invocation.endedAt, {
        type: invocation.error.name === LAMBDA_TIMEOUT_ERROR ? "LambdaFunctionTimedOut" : "LambdaFunctionFailed",
        state,
        durationMs,
        error: invocation.error.name,
        cause: invocation.error.message,
      });
    }
  };

  for (const event of result.events) {
    const state = event.state;
    const type = typeOf(state);
    const cause = event.cause === undefined ? undefined : typeof event.cause === "string" ? event.cause : JSON.stringify(event.cause);
    switch (event.type) {
      case "StateEntered":
        push(event.timestamp, { type: `${type}StateEntered`, state });
        enteredAt.set(state!, [...(enteredAt.get(state!) ?? []), event.timestamp]);
        if (lambdaStates.has(state!)) {
          attempts.set(state!, 0);
          invoke(state!, event.timestamp);
        }
        break;
      case "StateRetried":
        if (lambdaStates.has(state!)) invoke(state!, event.timestamp);
        else push(event.timestamp, { type: `${type}StateRetried`, state, retry: event.attempt });
        break;
      case "StateExited": {
        const entered = enteredAt.get(state!)?.pop();
        push(event.timestamp, {
          type: `${type}StateExited`,
          state,
          ...(entered !== undefined ? { durationMs: event.timestamp - entered } : {}),
        });
        break;
      }
      case "StateFailed": {
        const timedOut = event.error === "States.Timeout" || event.error === "States.HeartbeatTimeout";
        if (String(states.get(state!)?.Resource).endsWith(WAIT_FOR_TASK_TOKEN) && (timedOut || handedOff.has(state!))) {
          // A callback task (.waitForTaskToken) whose wait ended, or whose token was answered with a failure.
          push(event.timestamp, { type: timedOut ? "TaskTimedOut" : "TaskFailed", state, error: event.error, cause });
        } else if (lambdaStates.has(state!)) {
          // A Lambda's own failure is its LambdaFunctionFailed; only the task's TimeoutSeconds needs its own event.
          if (event.error === "States.Timeout") push(event.timestamp, { type: "LambdaFunctionTimedOut", state, error: event.error, cause });
        } else if (type === "Parallel" || type === "Map") {
          push(event.timestamp, { type: `${type}StateFailed`, state, error: event.error, cause });
        } else if (type === "Task") {
          push(event.timestamp, {
            type: event.error === "States.Timeout" ? "TaskTimedOut" : "TaskFailed",
            state,
            error: event.error,
            cause,
          });
        }
        break;
      }
      case "StateCaught":
      case "ParallelBranchStarted":
      case "ParallelBranchSucceeded":
      case "ParallelBranchFailed":
        break; // AWS shows no such events: the next state entered tells the story
      case "ExecutionSucceeded":
        push(event.timestamp, { type: event.type, durationMs: event.timestamp - start });
        break;
      case "ExecutionFailed":
        push(event.timestamp, { type: event.type, durationMs: event.timestamp - start, error: event.error, cause });
        break;
      default:
        push(event.timestamp, { type: event.type, ...(state ? { state } : {}), ...(event.error ? { error: event.error, cause } : {}) });
    }
  }
  if (result.status === "TIMED_OUT" && !history.some((e) => e.type === "ExecutionTimedOut")) {
    push(start + result.durationMs, { type: "ExecutionTimedOut", durationMs: result.durationMs, error: result.error, cause: result.cause });
  }
  // Parallel branches and Map iterations interleave in time: order by time (stably), then number.
  return history.sort((a, b) => a.offsetMs - b.offsetMs).map((event, i) => ({ ...event, id: i + 1 }));
}

/**
 * Sums the EMF metrics (CloudWatch Embedded Metric Format lines, as Powertools Metrics prints them) the invocations
 * printed, per step: for each metric name, how many values and their sum.
 *
 * @example
 * summariseMetrics([{ state: "ChargeCard", stdout: ['{"_aws":{"CloudWatchMetrics":[{"Metrics":[{"Name":"OrdersCharged","Unit":"Count"}]}]},"OrdersCharged":1}'], ... }])
 * // => { ChargeCard: { OrdersCharged: { unit: "Count", count: 1, sum: 1 } } }
 */
export function summariseMetrics(invocations: readonly Pick<InvocationRecord, "state" | "stdout">[]): MetricsByStep {
  const summary: MetricsByStep = {};
  for (const { state, stdout } of invocations) {
    for (const line of stdout) {
      const emf = parseEmf(line);
      if (!emf) continue;
      for (const directive of emf._aws.CloudWatchMetrics) {
        for (const metric of directive.Metrics ?? []) {
          const raw = emf[metric.Name];
          const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === "number");
          const step = (summary[state] ??= {});
          const entry = (step[metric.Name] ??= { ...(metric.Unit ? { unit: metric.Unit } : {}), count: 0, sum: 0 });
          entry.count += values.length;
          entry.sum += values.reduce((a, b) => a + b, 0);
        }
      }
    }
  }
  return summary;
}

type EmfLine = Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics?: { Name: string; Unit?: string }[] }[] } };

function parseEmf(line: string): EmfLine | undefined {
  if (!line.includes('"_aws"')) return undefined;
  try {
    const parsed = JSON.parse(line);
    return Array.isArray(parsed?._aws?.CloudWatchMetrics) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The lines an invocation printed that are not metrics: its logs. */
export function logLines(invocation: Pick<InvocationRecord, "stdout" | "stderr">): string[] {
  return [...invocation.stdout.filter((line) => !parseEmf(line)), ...(invocation.stderr ?? [])];
}
