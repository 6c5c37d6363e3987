/** Human-readable rendering of local executions: the path taken, the outcome, what was published, histories and metrics. */
import type { LocalExecutionResult } from "./execute";
import type { PublishedMessage } from "../simulators/messageRecorder";
import type { HistoryEvent, MetricsByStep } from "./history";
import type { EventReport } from "./runner";
import { formatCost } from "../cost/cost";

/** "ValidateOrder → ChargeCard (retried 1×) → ..." */
export function formatPath(result: Pick<LocalExecutionResult, "path" | "pathRetries">): string {
  return result.path.map((state, i) => (result.pathRetries[i] ? `${state} (retried ${result.pathRetries[i]}×)` : state)).join(" → ");
}

/** One line per published message, naming the service, its target and a short digest of the content. */
export function formatPublished(message: PublishedMessage): string {
  switch (message.service) {
    case "sns":
      return `SNS publish to ${message.request.TopicArn}${message.request.Subject ? ` [${message.request.Subject}]` : ""}: ${digest(message.request.Message)}`;
    case "sqs":
      return `SQS send to ${message.request.QueueUrl}: ${digest(message.request.MessageBody)}`;
    case "events":
      return message.request.Entries.map(
        (e) => `EventBridge put on bus "${e.EventBusName ?? "default"}": ${e.Source} / ${e.DetailType}: ${digest(e.Detail)}`,
      ).join("; ");
  }
}

function digest(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** The outcome line: SUCCEEDED, or FAILED with the error and cause, and the run's duration. */
export function formatOutcome(result: Pick<LocalExecutionResult, "status" | "error" | "cause" | "durationMs">): string {
  const status = result.status === "SUCCEEDED" ? "SUCCEEDED" : `${result.status} (${result.error}: ${result.cause})`;
  return `${status} in ${result.durationMs} ms`;
}

// ---------------------------------------------------------------------------------------------------------------
// The local runner's report (edw-local)

/** An execution history as a table, like `aws stepfunctions get-execution-history` (offsets from the start). */
function formatHistory(history: readonly HistoryEvent[], indent = "    "): string[] {
  const rows = history.map((e) => [
    String(e.id),
    `+${e.offsetMs}ms`,
    e.type,
    e.state ?? "",
    e.durationMs !== undefined ? `${e.durationMs}ms` : "",
    e.retry !== undefined ? `retry ${e.retry}` : "",
    e.error !== undefined ? `${e.error}${e.cause ? `: ${shorten(e.cause, 120)}` : ""}` : "",
  ]);
  const header = ["id", "offset", "type", "state", "duration", "retry", "error: cause"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `${indent}${cells.map((c, i) => (i === 0 ? c.padStart(widths[i]) : i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ")}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

/** One line per step: each metric's sum (and count when it is not one value per invocation). */
function formatMetrics(metrics: MetricsByStep): string[] {
  const steps = Object.keys(metrics);
  const width = Math.max(0, ...steps.map((s) => s.length));
  return steps.map(
    (step) =>
      `${step.padEnd(width)}  ${Object.entries(metrics[step])
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
          ([name, m]) =>
            `${name} ${round(m.sum)}${m.unit && !["Count", "None"].includes(m.unit) ? ` ${unitSuffix(m.unit)}` : ""}${m.count > 1 ? ` (${m.count} values)` : ""}`,
        )
        .join(" · ")}`,
  );
}

/** Everything the runner knows about one event: the rule matches, then each execution's history, path, messages and metrics. */
export function formatEventReport(report: EventReport): string[] {
  const out = [`■ ${report.label}`];
  for (const match of report.matches) {
    out.push(
      `  rule       ${match.workflow}: ${match.matched ? "matched" : `NOT matched, no execution started: ${match.reasons.join("; ")}`}`,
    );
  }
  for (const execution of report.executions) out.push(...formatExecution(execution));
  // What the published events started, hop by hop (runner/chain.ts).
  for (const link of report.chain ?? []) {
    out.push(`  chain      ${link.trail}`);
    for (const execution of link.executions) out.push(...formatExecution(execution));
  }
  if (report.chainError) out.push(`  chain      STOPPED: ${report.chainError}`);
  return out;
}

/** One execution: outcome, history, path, what it published, metrics. */
function formatExecution(execution: EventReport["executions"][number]): string[] {
  const out = [
    `  execution  ${execution.program ? `${execution.program}: ` : ""}${execution.workflow}: ${formatOutcome(execution)}`,
    ...formatHistory(execution.history, "    "),
    `  path       ${formatPath(execution)}`,
  ];
  for (const message of execution.published) out.push(`  published  ${formatPublished(message)}`);
  const metrics = formatMetrics(execution.metrics);
  for (const [i, line] of metrics.entries()) out.push(`  ${i === 0 ? "metrics  " : "         "}  ${line}`);
  return out;
}

/** The one-line summary of an event: its status and, per execution, the states, retries and messages. */
export function formatEventSummary(report: EventReport, labelWidth = report.label.length): string {
  const label = report.label.padEnd(labelWidth);
  if (report.executions.length === 0)
    return `${label}  NOT MATCHED  ${report.matches.map((m) => `${m.workflow}: ${m.reasons[0] ?? "no match"}`).join("; ")}`;
  return `${label}  ${[...report.executions, ...(report.chain ?? []).flatMap((link) => link.executions)]
    .map((e) => {
      const retries = Object.values(e.retries).reduce((a, b) => a + b, 0);
      const detail = `${e.path.length} states, ${retries} ${retries === 1 ? "retry" : "retries"}, ${e.published.length} published, ${e.durationMs} ms${e.cost ? `, ${formatCost(e.cost)}` : ""}`;
      return `${e.status.padEnd(9)}  ${e.program ? `${e.program}: ` : ""}${e.workflow}${e.error ? ` ${e.error}` : ""} (${detail})`;
    })
    .join("; ")}${report.chainError ? "; chain STOPPED at the hop limit" : ""}`;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
const unitSuffix = (unit: string) =>
  (({ Milliseconds: "ms", Seconds: "s", Bytes: "B", Percent: "%" }) as Record<string, string>)[unit] ?? unit;
