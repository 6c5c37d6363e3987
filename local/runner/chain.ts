/**
 * Runs across programs (and within one): the events any execution publishes (publishEvent, PutEvents) are put back on
 * their bus and delivered to the rules of every loaded program, as EventBridge would deliver them to the rules of
 * every stack in the account, hop after hop up to a limit. The report keeps the chain: event → workflow → published
 * event → workflow. A LOCAL SIMULATION: one account, one region, buses matched by name.
 */
import { messagesTo } from "../simulators/messageRecorder";
import type { CallbackAnswer, ChainLink, EventReport, ExecutionReport, LocalRunner } from "./runner";

/** How many hops of published events a run follows before it stops, reporting a likely loop. */
export const DEFAULT_HOP_LIMIT = 10;

/** A program loaded for a run: its path (as given) and its runner. */
export interface LoadedProgram {
  program: string;
  runner: LocalRunner;
}

/** Options of {@link runEventAcross} and {@link runWorkflowAcross}. */
export interface ChainOptions {
  /** Answers for the first program's callback steps (the other programs' wait). @default the runners' own */
  callbacks?: Record<string, CallbackAnswer>;
  /** @default 10 ({@link DEFAULT_HOP_LIMIT}) */
  hopLimit?: number;
}

/**
 * Puts `event` on `eventBusName` for every program's rules, then delivers what the executions publish, hop by hop.
 *
 * @example
 * const report = await runEventAcross([{ program: "app.ts", runner: app }, { program: "analytics.ts", runner: analytics }], event, "order");
 * console.log(report.chain?.map((link) => link.trail));
 */
export async function runEventAcross(
  programs: readonly LoadedProgram[],
  event: Record<string, unknown>,
  label: string,
  eventBusName = "default",
  options: ChainOptions = {},
): Promise<EventReport> {
  const reports: EventReport[] = [];
  for (const [i, { runner }] of programs.entries())
    reports.push(await runner.runEvent(event, label, eventBusName, i === 0 && options.callbacks ? { callbacks: options.callbacks } : {}));
  const first: EventReport = {
    label,
    status: "NOT_MATCHED",
    matches: reports.flatMap((r) => r.matches),
    executions: reports.flatMap((r, i) => tagged(r.executions, programs, i)),
  };
  return followChain(first, programs, options.hopLimit ?? DEFAULT_HOP_LIMIT);
}

/** Starts `workflow` of the first program directly with `input`, then delivers what it publishes, hop by hop. */
export async function runWorkflowAcross(
  programs: readonly LoadedProgram[],
  workflow: string,
  input: unknown,
  label: string,
  options: ChainOptions = {},
): Promise<EventReport> {
  const report = await programs[0].runner.runWorkflow(workflow, input, label);
  return followChain({ ...report, executions: tagged(report.executions, programs, 0) }, programs, options.hopLimit ?? DEFAULT_HOP_LIMIT);
}

/** The executions of program `i`, tagged with it when there are several. */
function tagged(executions: ExecutionReport[], programs: readonly LoadedProgram[], i: number): ExecutionReport[] {
  return programs.length > 1 ? executions.map((e) => ({ ...e, program: programs[i].program })) : executions;
}

interface Pending {
  hop: number;
  from: ChainLink["from"];
  event: ChainLink["event"];
  trail: string;
}

async function followChain(report: EventReport, programs: readonly LoadedProgram[], hopLimit: number): Promise<EventReport> {
  const step = stepLabel(programs);
  const chain: ChainLink[] = [];
  const pending: Pending[] = [];
  let chainError: string | undefined;
  publishedBy(report.executions, 1, (e) => `${report.label} → ${step(e)}`, pending);
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    if (next.hop > hopLimit) {
      chainError =
        `the chain of published events reached the hop limit (${hopLimit}): ${next.trail} would start hop ${next.hop}. ` +
        "The events the workflows publish keep matching their rules (a loop?); on AWS it would not stop. " +
        "Narrow a rule's pattern (e.g. on detail-type) or publish a different event.";
      break;
    }
    const executions: ExecutionReport[] = [];
    for (const [i, { runner }] of programs.entries()) {
      const delivered = await runner.runEvent(
        { source: next.event.source, "detail-type": next.event.detailType, detail: next.event.detail },
        `${report.label} (hop ${next.hop})`,
        next.event.eventBusName,
      );
      executions.push(...tagged(delivered.executions, programs, i));
    }
    if (executions.length === 0) continue;
    const trail = `${next.trail} → ${executions.map(step).join(", ")}`;
    chain.push({ hop: next.hop, from: next.from, event: next.event, executions, trail });
    publishedBy(executions, next.hop + 1, (e) => `${next.trail} → ${step(e)}`, pending);
  }
  const all = [...report.executions, ...chain.flatMap((link) => link.executions)];
  const rank = { SUCCEEDED: 0, FAILED: 1, TIMED_OUT: 2 } as const;
  const worst = all.reduce<ExecutionReport["status"]>((w, e) => (rank[e.status] > rank[w] ? e.status : w), "SUCCEEDED");
  return {
    ...report,
    status: report.executions.length === 0 ? "NOT_MATCHED" : chainError ? "FAILED" : worst,
    ...(chain.length > 0 ? { chain } : {}),
    ...(chainError ? { chainError } : {}),
  };
}

/** Queues each event the executions (and the child executions they started) put on EventBridge. */
function publishedBy(executions: readonly ExecutionReport[], hop: number, trailOf: (e: ExecutionReport) => string, into: Pending[]) {
  for (const execution of executions) {
    for (const message of messagesTo(execution.published, "events"))
      for (const entry of message.request.Entries)
        into.push({
          hop,
          from: { program: execution.program, workflow: execution.workflow, state: message.state, executionId: execution.executionId },
          event: { source: entry.Source, detailType: entry.DetailType, eventBusName: busName(entry.EventBusName), detail: entry.detail },
          trail: `${trailOf(execution)} → ${entry.Source} / ${entry.DetailType}`,
        });
    if (execution.children) publishedBy(execution.children, hop, trailOf, into);
  }
}

/** A bus named by ARN (`arn:...:event-bus/<name>`) is the bus of that name here (one account). */
function busName(nameOrArn: string | undefined): string {
  if (!nameOrArn) return "default";
  return nameOrArn.startsWith("arn:") ? nameOrArn.slice(nameOrArn.lastIndexOf("/") + 1) : nameOrArn;
}

/** "analytics:order-analytics (SUCCEEDED)" (the program's Pulumi project, then the workflow), or without the project when only one program is loaded. */
function stepLabel(programs: readonly LoadedProgram[]): (execution: ExecutionReport) => string {
  const projects = new Map(programs.map((p) => [p.program, p.runner.synthesis.project]));
  return (execution) =>
    `${execution.program ? `${projects.get(execution.program) ?? execution.program}:` : ""}${execution.workflow} (${execution.status})`;
}
