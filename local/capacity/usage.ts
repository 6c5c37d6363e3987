/**
 * What one triggering event costs the account's quotas, measured from a local run (pure): per path (sample event),
 * the executions it starts, state transitions (retries included), Lambda invocations and their time per step, the
 * PutEvents, SNS publishes and SQS sends its states make, the DynamoDB request units its steps use (idempotency
 * records included) and the KMS requests its publishes to encrypted topics cause.
 *
 * KMS is modelled, not measured: a publish to a topic encrypted with a KMS key counts one GenerateDataKey (an upper
 * bound: SNS may reuse a data key) plus one Decrypt per subscription it is delivered to. SSE-SQS queues (the
 * dead-letter queue's) and DynamoDB's table keys make no per-request KMS calls; an SQS queue under a KMS key calls
 * KMS once per data key reuse period (default 5 minutes), which is left out as negligible.
 */
import type { RecordedResource } from "../program/synthesize";
import type { SampleRun } from "../runner/sampleEvents";

/** The quota-relevant usage of one event (a path), or of an average event (a mix of paths). */
export interface EventUsage {
  /** Executions started (one per workflow whose rule matched): StartExecution calls and rule invocations. */
  executions: number;
  /** State transitions, retries included. */
  stateTransitions: number;
  /** The transitions that retries add, by state. */
  retryTransitions: Record<string, number>;
  /** Execution time summed over the executions, in seconds (locally: retry waits skipped unless run in real time). */
  executionSeconds: number;
  /** Lambda invocations and their summed duration in seconds, by step (a cold start counted at the step's warm mean). */
  invocations: Record<string, { count: number; seconds: number }>;
  /** PutEvents calls the executions make (publishEvent steps). */
  putEvents: number;
  snsPublishes: number;
  sqsSends: number;
  /** KMS requests (modelled, see the file header). */
  kmsRequests: number;
  /** Request units per DynamoDB table. */
  dynamoDb: Record<string, { readUnits: number; writeUnits: number }>;
  /** The price of the executions on each workflow type (local/cost/cost.ts). */
  standardUsd: number;
  expressUsd: number;
}

/** One sample event's usage, with its label and outcome. */
export interface PathUsage extends EventUsage {
  label: string;
  status: string;
}

/** An event's usage before anything is counted: every count zero. */
export function noUsage(): EventUsage {
  return {
    executions: 0,
    stateTransitions: 0,
    retryTransitions: {},
    executionSeconds: 0,
    invocations: {},
    putEvents: 0,
    snsPublishes: 0,
    sqsSends: 0,
    kmsRequests: 0,
    dynamoDb: {},
    standardUsd: 0,
    expressUsd: 0,
  };
}

/**
 * Measures each sample run. `resources` (the program's) tell which topics are KMS-encrypted and how many
 * subscriptions each has.
 *
 * @example
 * const { runs, resources } = await runSampleEvents("index.ts", sampleEvents("index.ts", []));
 * const paths = measurePaths(runs, resources);
 */
export function measurePaths(runs: readonly SampleRun[], resources: readonly RecordedResource[]): PathUsage[] {
  const kmsPerPublish = kmsRequestsPerPublish(resources);
  const warm = warmSeconds(runs);
  return runs.map(({ label, report, dynamoDb }) => {
    const usage: PathUsage = {
      ...noUsage(),
      label,
      status: report.status,
      executions: report.executions.length,
      dynamoDb: Object.fromEntries(Object.entries(dynamoDb).map(([t, u]) => [t, { readUnits: u.readUnits, writeUnits: u.writeUnits }])),
    };
    for (const execution of report.executions) {
      usage.stateTransitions += execution.cost.stateTransitions;
      for (const [state, retries] of Object.entries(execution.retries))
        usage.retryTransitions[state] = (usage.retryTransitions[state] ?? 0) + retries;
      usage.executionSeconds += execution.durationMs / 1000;
      for (const { state, durationMs, coldStart } of execution.invocations) {
        const entry = (usage.invocations[state] ??= { count: 0, seconds: 0 });
        entry.count += 1;
        entry.seconds += (coldStart ? warm.get(state) : undefined) ?? Math.max(1, durationMs ?? 1) / 1000;
      }
      for (const message of execution.published) {
        if (message.service === "events") usage.putEvents += 1;
        if (message.service === "sqs") usage.sqsSends += 1;
        if (message.service === "sns") {
          usage.snsPublishes += 1;
          usage.kmsRequests += kmsPerPublish(String((message.request as { TopicArn?: unknown }).TopicArn));
        }
      }
      usage.standardUsd += execution.cost.standardUsd;
      usage.expressUsd += execution.cost.expressUsd;
    }
    return usage;
  });
}

/**
 * The mean warm duration of each step over all runs, in seconds. A cold start (a function's first invocation here,
 * which loads its modules) counts at this mean: at the rates capacity planning is about, nearly every invocation
 * finds a warm environment, and Lambda reports initialization apart from duration.
 */
function warmSeconds(runs: readonly SampleRun[]): Map<string, number> {
  const sums = new Map<string, { seconds: number; count: number }>();
  for (const { report } of runs)
    for (const execution of report.executions)
      for (const { state, durationMs, coldStart } of execution.invocations) {
        if (coldStart) continue;
        const sum = sums.get(state) ?? { seconds: 0, count: 0 };
        sums.set(state, { seconds: sum.seconds + Math.max(1, durationMs ?? 1) / 1000, count: sum.count + 1 });
      }
  return new Map([...sums].map(([state, { seconds, count }]) => [state, seconds / count]));
}

/** KMS requests per publish to a topic: none for an unencrypted topic, else GenerateDataKey plus a Decrypt per subscription. */
function kmsRequestsPerPublish(resources: readonly RecordedResource[]): (topicArn: string) => number {
  const encrypted = new Set(
    resources.filter((r) => r.type === "aws:sns/topic:Topic" && r.inputs.kmsMasterKeyId).map((r) => String(r.state.arn)),
  );
  const subscriptions = resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription");
  return (topicArn) => (encrypted.has(topicArn) ? 1 + subscriptions.filter((s) => s.inputs.topic === topicArn).length : 0);
}
