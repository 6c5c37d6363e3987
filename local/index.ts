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
import "./runner/polyfills";

export { LocalRunner, loadSynthesis, loadWorkflows, workflowsOf, scaleTimeouts, WORKFLOW_COMPONENT_TYPE } from "./runner/runner";
export type {
  LocalTask,
  LoadedWorkflow,
  StepProblem,
  RunnerOptions,
  ExecutionReport,
  EventReport,
  ChainLink,
  SynthesisSettings,
} from "./runner/runner";
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
} from "./program/synthesize";
export type { RecordedResource, Synthesis, SynthesisOptions, SerializationFailure } from "./program/synthesize";
export { LocalWorkflow } from "./runner/execute";
export { DEFAULT_HOP_LIMIT, runEventAcross, runWorkflowAcross } from "./runner/chain";
export type { ChainOptions, LoadedProgram } from "./runner/chain";
export type { LocalTaskHandler, ExecutionEvent, LocalExecutionResult, LocalExecutionOptions } from "./runner/execute";
export { messagesTo, publishedEvents } from "./simulators/messageRecorder";
export type {
  EventBridgePublished,
  PublishedMessage,
  PutEventsEntry,
  SnsPublished,
  SqsPublished,
} from "./simulators/messageRecorder";
export { bindTaskSteps, localResources } from "./runner/bindSteps";
export { bindServiceCalls, serviceCallStates } from "./runner/serviceCalls";
export type { ServiceStandIn, ServiceCallBindings } from "./runner/serviceCalls";
export type { BindOptions } from "./runner/bindSteps";
export {
  matchEventPattern,
  validateEventPattern,
  EventPatternError,
  MAX_EVENT_PATTERN_LENGTH,
} from "./simulators/eventPattern";
export type { EventPatternMatch } from "./simulators/eventPattern";
export { parseEvents, RunnerInputError } from "./input/eventInput";
export type { LabeledEvent } from "./input/eventInput";
export { executionHistory, summariseMetrics, logLines } from "./runner/history";
export type { InvocationRecord, HistoryEvent, MetricSummary, MetricsByStep } from "./runner/history";
export { formatPath, formatPublished, formatOutcome, formatEventReport, formatEventSummary } from "./runner/report";
export { toMermaid, MERMAID_CLASSES } from "./graph/graph";
export type { MermaidOptions } from "./graph/graph";
export { graphMarkdown, writeGraphMarkdown, GRAPH_LEGEND, HIGHLIGHT_LEGEND } from "./graph/document";
export type { GraphSection } from "./graph/document";
export {
  materializeArchive,
  WarmFunction,
  invokeArtifact,
  buildSimulatedLayer,
  buildSimulatedRuntime,
  layerPackageClosure,
} from "./lambda/artifact";
export type { ArtifactInvocation, WarmFunctionSettings } from "./lambda/artifact";
export { startLocalDynamoDb, localDynamoDbEnvironment } from "./simulators/dynamoDb";
export type { LocalDynamoDb, TableKeySchema } from "./simulators/dynamoDb";
export { captureOutput } from "./runner/captureOutput";
export * from "./simulators/idempotency";
