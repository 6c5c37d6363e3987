/**
 * The test kit (`event-driven-workflow-local/testing`): unit-test a program's workflows in a few lines, in the
 * same mocha (or other runner) process as other Pulumi mocks tests. The program is synthesized under mocks that
 * satisfy the component, then each event is matched against the rules and executed with the deployed definition;
 * Lambda tasks run their handlers in-process by default (`mode: "artifact"` runs the deployment artifacts instead).
 * SNS, SQS and EventBridge calls are recorded IN-PROCESS (a simulation: nothing leaves the machine).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { publishedEvents, runEvents } from "event-driven-workflow-local/testing";
 *
 * it("approves a small claim", async () => {
 *   const [report] = await runEvents("index.ts", { source: "claims.service", "detail-type": "Claim Filed", detail: { claimId: "c-1", amount: 40 } });
 *   assert.equal(report.status, "SUCCEEDED");
 *   assert.deepEqual(report.executions[0].path, ["AssessClaim", "NeedsReview", "Approve", "AnnounceApproval"]);
 *   assert.equal(publishedEvents(report.executions[0].published)[0].DetailType, "Claim Approved");
 * });
 */
import { resolve } from "node:path";
import { forgetPendingPulumiWork, type Synthesis } from "../program/synthesize";
import { type LoadedProgram, runEventAcross } from "../runner/chain";
import { LocalRunner, loadSynthesis, type EventReport, type RunnerOptions, type SynthesisSettings } from "../runner/runner";

export { workflowMocks, TEST_ACCOUNT, TEST_REGION } from "../program/mocks";
export type { RecordedResource, WorkflowMocksOptions } from "../program/mocks";
export { synthesizeProgram } from "../program/synthesize";
export type { Synthesis } from "../program/synthesize";
export { LocalRunner } from "../runner/runner";
export { checkProgram } from "../check/check";
export type { CheckProgramOptions, CheckReport, PolicyFinding } from "../check/check";
export type { CallbackAnswer, CallbackTiming, ChainLink, EventReport, ExecutionReport, RunnerOptions } from "../runner/runner";
export type { ServiceStandIn } from "../runner/serviceCalls";
export { messagesTo, publishedEvents } from "../simulators/messageRecorder";
export type { EventBridgePublished, PublishedMessage, PutEventsEntry, SnsPublished, SqsPublished } from "../simulators/messageRecorder";

/** Options of {@link runEvents}. */
export interface RunEventsOptions extends Omit<RunnerOptions, "mode" | "serialize"> {
  /** `source` runs each handler in-process; `artifact` runs each Lambda's deployment archive in a child process. @default "source" */
  mode?: RunnerOptions["mode"];
  /** The bus the events are put on. @default "default" */
  eventBusName?: string;
  /** Run even when a step could not be deployed (its handler cannot be serialized). @default false: throw, naming the steps */
  allowUndeployable?: boolean;
  /**
   * Synthesize the program again instead of reusing this process's synthesis of it (same program, stack and config),
   * e.g. after changing its files, or to start from fresh module-level state.
   * @default false: one synthesis per program, stack and config per process
   */
  freshSynthesis?: boolean;
  /**
   * More programs whose rules receive the events, e.g. a stack that subscribes to this program's completion events:
   * what any execution publishes is delivered to every program's rules on its bus, hop after hop (the report's `chain`).
   * They are synthesized with the same stack, config and `stackReferences`. Published events are delivered within
   * `program` too, without this.
   * @default none
   * @example also: ["../analytics/index.ts"]
   */
  also?: string[];
  /** How many hops of published events are followed before the run stops, reporting a likely loop (`chainError`). @default 10 */
  hopLimit?: number;
  /**
   * The first call in a process reuses the on-disk synthesis of the same content (see `RunnerOptions.cache`): the
   * program is loaded (the handlers run the current code) but not serialized again.
   * @default true
   */
  cache?: RunnerOptions["cache"];
}

/** This process's syntheses, by program, stack, config and StackReference stubs. */
const syntheses = new Map<string, Promise<Synthesis>>();

/**
 * Starts the workflow named `workflow` of `program` directly with `input` (by default, for a workflow on a schedule, its
 * schedule's input), as a schedule or `StartExecution` would (no event, no rule), and returns its report. Only that workflow is loaded: a child it starts with `startWorkflow` then
 * needs a stand-in (`services`), or use `LocalRunner` to load both. Everything it started is closed before it returns.
 *
 * @throws Error naming each step that `pulumi up` could not deploy (unless `allowUndeployable`), or RunnerInputError
 * when the program has no such workflow.
 * @example
 * const [execution] = (await runWorkflow("index.ts", "nightly-report", { date: "2026-01-31" })).executions;
 */
export async function runWorkflow(
  program: string,
  workflow: string,
  input?: unknown,
  options: Omit<RunEventsOptions, "eventBusName" | "workflows"> = {},
): Promise<EventReport> {
  const { allowUndeployable = false, mode = "source", ...runnerOptions } = options;
  // Only that workflow is prepared (as `--workflow` does): another one's missing stand-in does not stop it.
  const runner = await LocalRunner.load(program, { ...runnerOptions, mode, workflows: [workflow] });
  try {
    if (!allowUndeployable) runner.assertDeployable();
    return await runner.runWorkflow(workflow, input);
  } finally {
    await runner.close();
    forgetPendingPulumiWork();
  }
}

/**
 * Runs `events` through the workflows of `program` (a Pulumi program, or a module exporting workflow arguments) and
 * returns one report per event: its status, and per matching workflow the path, error, output and published
 * messages. Everything it started is closed before it returns.
 *
 * The program is synthesized once per process for a given stack and config, and later calls reuse that synthesis, so
 * a second call costs only its executions: call it once per event when events need different options (callback
 * answers). Each call gets fresh containers (cold starts, `init` resources, Powertools objects) and fresh local tables;
 * what the program keeps at module level (what its handlers capture when deployed) lives as long as the synthesis,
 * as it would in the function code of one deployment: pass `freshSynthesis` to start it over.
 *
 * @throws Error naming each step that `pulumi up` could not deploy (unless `allowUndeployable`).
 */
export async function runEvents(
  program: string,
  events: Record<string, unknown> | Record<string, unknown>[],
  options: RunEventsOptions = {},
): Promise<EventReport[]> {
  const {
    eventBusName = "default",
    allowUndeployable = false,
    mode = "source",
    freshSynthesis = false,
    also = [],
    hopLimit,
    cache = true,
    ...runnerOptions
  } = options;
  const { stack, config, stackReferences, stackReferenceHint, ...rest } = runnerOptions;
  const settings = { stack, config, stackReferences, stackReferenceHint };
  const programs: LoadedProgram[] = [];
  try {
    programs.push({
      program,
      runner: await LocalRunner.fromSynthesis(await synthesisOf(program, settings, freshSynthesis, cache), { ...rest, mode }, program),
    });
    // The other programs run all their workflows; callback answers name the first program's steps.
    for (const other of also)
      programs.push({
        program: other,
        runner: await LocalRunner.fromSynthesis(
          await synthesisOf(other, settings, freshSynthesis, cache),
          { ...rest, mode, workflows: undefined, callbacks: undefined },
          other,
        ),
      });
    if (!allowUndeployable) for (const { runner } of programs) runner.assertDeployable();
    const reports: EventReport[] = [];
    for (const [i, event] of (Array.isArray(events) ? events : [events]).entries())
      reports.push(await runEventAcross(programs, event, `event ${i + 1}`, eventBusName, { hopLimit }));
    return reports;
  } finally {
    for (const { runner } of programs.reverse()) await runner.close();
    forgetPendingPulumiWork();
  }
}

/** This process's synthesis of `program` with these settings (made once, unless `fresh`; a failed one is not kept). */
function synthesisOf(
  program: string,
  settings: Pick<RunnerOptions, SynthesisSettings>,
  fresh: boolean,
  cache: RunnerOptions["cache"],
): Promise<Synthesis> {
  const key = JSON.stringify([
    resolve(program),
    settings.stack ?? "local",
    Object.entries(settings.config ?? {}).sort(),
    Object.entries(settings.stackReferences ?? {}).sort(),
  ]);
  if (fresh || !syntheses.has(key)) {
    // Shared by calls in either mode: the handlers are loaded whatever this call's mode.
    const loading = loadSynthesis(program, { ...settings, cache, mode: "source" });
    syntheses.set(key, loading);
    // A failed synthesis is not kept: the next call tries again (the user may have fixed the program).
    loading.catch(() => syntheses.get(key) === loading && syntheses.delete(key));
  }
  return syntheses.get(key)!;
}
