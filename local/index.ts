/**
 * event-driven-workflow-local: the in-process API behind `edw-local`. Synthesize a Pulumi program under mocks,
 * match events against its rules, execute its state machines with aws-local-stepfunctions and run each Lambda
 * from its deployment artifact (or from source). For unit tests, `event-driven-workflow-local/testing` wraps this
 * in a few calls.
 *
 * @example
 * import { LocalRunner } from "event-driven-workflow-local";
 * const runner = await LocalRunner.load("index.ts");
 * const report = await runner.runEvent(event, "happy");
 * await runner.close();
 */
import "./polyfills";

export { LocalRunner, loadWorkflows, workflowsOf, scaleTimeouts, WORKFLOW_COMPONENT_TYPE } from "./runner";
export type { LocalTask, LoadedWorkflow, StepProblem, RunnerOptions, ExecutionReport, EventReport } from "./runner";
export {
  synthesizeProgram,
  installMocks,
  outputValue,
  settle,
  ofType,
  resourceKey,
  forgetPendingPulumiWork,
  SynthesisError,
  TEST_ACCOUNT,
  TEST_REGION,
} from "./synthesize";
export type { RecordedResource, Synthesis, SynthesisOptions, SerializationFailure } from "./synthesize";
export { LocalWorkflow } from "./execute";
export type { LocalTaskHandler, PublishedMessage, ExecutionEvent, LocalExecutionResult, LocalExecutionOptions } from "./execute";
export { bindTaskSteps, localResources } from "./bindSteps";
export type { BindOptions } from "./bindSteps";
export {
  matchEventPattern,
  validateEventPattern,
  EventPatternError,
  MAX_EVENT_PATTERN_LENGTH,
} from "./eventPattern";
export type { EventPatternMatch } from "./eventPattern";
export { parseEvents, RunnerInputError } from "./eventInput";
export type { LabeledEvent } from "./eventInput";
export { executionHistory, summariseMetrics, logLines } from "./history";
export type { InvocationRecord, HistoryEvent, MetricSummary, MetricsByStep } from "./history";
export { formatPath, formatPublished, formatOutcome, formatEventReport, formatEventSummary } from "./report";
export { toMermaid, MERMAID_CLASSES } from "./graph";
export type { MermaidOptions } from "./graph";
export { graphMarkdown, writeGraphMarkdown, GRAPH_LEGEND, HIGHLIGHT_LEGEND } from "./graphDoc";
export type { GraphSection } from "./graphDoc";
export {
  materializeArchive,
  WarmFunction,
  invokeArtifact,
  buildSimulatedLayer,
  buildSimulatedRuntime,
  layerPackageClosure,
} from "./lambdaArtifact";
export type { ArtifactInvocation, WarmFunctionSettings } from "./lambdaArtifact";
export { startLocalDynamoDb, localDynamoDbEnvironment } from "./dynamoDbLocal";
export type { LocalDynamoDb, TableKeySchema } from "./dynamoDbLocal";
export { captureOutput } from "./captureOutput";
export * from "./idempotency";
