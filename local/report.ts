/** Human-readable rendering of local executions: the path taken, the outcome and what was published. */
import type { LocalExecutionResult, PublishedMessage } from "./execute";

/** "ValidateOrder → ChargeCard (retried 1×) → ..." */
export function formatPath(result: LocalExecutionResult): string {
  return result.path.map((state) => (result.retries[state] ? `${state} (retried ${result.retries[state]}×)` : state)).join(" → ");
}

/** One line per published message, naming the service, its target and a short digest of the content. */
export function formatPublished(message: PublishedMessage): string {
  const r = message.request;
  switch (message.service) {
    case "sns":
      return `SNS publish to ${r.TopicArn}${r.Subject ? ` [${r.Subject}]` : ""}: ${digest(r.Message)}`;
    case "sqs":
      return `SQS send to ${r.QueueUrl}: ${digest(r.MessageBody)}`;
    case "events":
      return (r.Entries as { Source: string; DetailType: string; EventBusName: string; Detail: unknown }[])
        .map((e) => `EventBridge put on bus "${e.EventBusName}": ${e.Source} / ${e.DetailType}: ${digest(e.Detail)}`).join("; ");
  }
}

function digest(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** The outcome line: SUCCEEDED, or FAILED with the error and cause, and the run's duration. */
export function formatOutcome(result: LocalExecutionResult): string {
  const status = result.status === "SUCCEEDED" ? "SUCCEEDED" : `${result.status} (${result.error}: ${result.cause})`;
  return `${status} in ${result.durationMs} ms`;
}
