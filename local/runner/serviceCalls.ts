/**
 * Local stand-ins for the direct service calls of a definition (`callAwsService`): DynamoDB item calls go to the LOCAL
 * DYNAMODB stand-in (a simulation), SQS/SNS/EventBridge messages to the in-process recorder (see execute.ts), and any
 * other call to a stand-in the user gives, keyed `service:action`. A call with none of these is refused before the run,
 * naming it and how to supply one: unbound, aws-local-stepfunctions would call AWS for real.
 */
import {
  dynamoDbItemActionOf,
  messageServiceOf,
  parseIntegrationArn,
  serviceIntegrationOf,
  SYNC_2,
  walkStates,
  type AslDefinition,
} from "event-driven-workflow/asl";
import { RunnerInputError } from "../input/eventInput";
import type { LocalTaskHandler } from "./execute";

/**
 * A local stand-in for one AWS API call: the request (the state's resolved Parameters) in, the API's response out; throw
 * an Error whose `name` is the Step Functions error (e.g. `S3.NoSuchKey`) to fail the state.
 *
 * @example
 * { "s3:getObject": (request) => ({ Body: "hello", ContentLength: 5 }) }
 */
export type ServiceStandIn = (request: any, call: { state: string; service: string; action: string }) => unknown;

/** Options of {@link bindServiceCalls}. */
export interface ServiceCallBindings {
  /** The local DynamoDB stand-in's endpoint, for DynamoDB item calls. @default none (they need a stand-in then) */
  dynamoDbEndpoint?: string;
  /**
   * The user's stand-ins by `service:action` (e.g. `"s3:getObject"`); they take precedence over the local DynamoDB,
   * but a child workflow of the same program always runs for real. @default none
   */
  services?: Record<string, ServiceStandIn>;
  /**
   * Runs a child workflow of the same program, found by its state machine ARN; undefined when the ARN is not one of
   * the program's (then `states:startExecution` needs a stand-in). @default none
   */
  childWorkflow?: (stateMachineArn: string) => ((input: unknown) => Promise<ChildOutcome>) | undefined;
}

/** What a child execution ended with, as the parent's `startWorkflow` step sees it. */
export interface ChildOutcome {
  executionId: string;
  status: "SUCCEEDED" | "FAILED" | "TIMED_OUT";
  output?: unknown;
  error?: string;
  cause?: string;
}

/** A direct service call of a definition: its state, `service:action`, and what the binding needs of it. */
export interface ServiceCallState {
  state: string;
  service: string;
  action: string;
  sdk: boolean;
  /** The integration pattern it waits with (`.sync`, `.waitForTaskToken`), if any: named when it has no stand-in. */
  pattern?: string;
  /** For `states:startExecution`: the child's ARN as the definition names it, and whether the state waits (`.sync:2`). */
  child?: { stateMachineArn: unknown; sync: boolean };
}

/** The service calls of a definition (aws-sdk, optimized integrations, nested workflows), by state name. */
export function serviceCallStates(definition: AslDefinition): ServiceCallState[] {
  return [...walkStates(definition)].flatMap(({ name, type, state }): ServiceCallState[] => {
    if (type !== "Task" || messageServiceOf(state.Resource, { anyPattern: true })) return [];
    const arn = parseIntegrationArn(state.Resource);
    if (!arn) return [];
    if (serviceIntegrationOf(state.Resource, { anyPattern: true }) === "statesStartExecution") {
      const stateMachineArn = (state.Parameters as { StateMachineArn?: unknown } | undefined)?.StateMachineArn;
      return [
        { state: name, service: arn.service, action: arn.action, sdk: false, child: { stateMachineArn, sync: arn.pattern === SYNC_2 } },
      ];
    }
    // A step's own Lambda runs locally; any other optimized integration (a `.sync` job, Athena, Bedrock) needs a stand-in.
    if (serviceIntegrationOf(state.Resource, { anyPattern: true }) === "lambdaInvoke") return [];
    return [
      { state: name, service: arn.service, action: arn.action, sdk: arn.sdk === true, ...(arn.pattern ? { pattern: arn.pattern } : {}) },
    ];
  });
}

/**
 * Local handlers for every service call of `definition`, by state name.
 *
 * @throws RunnerInputError naming each call that has no local stand-in, and how to give one.
 */
export function bindServiceCalls(definition: AslDefinition, bindings: ServiceCallBindings): Record<string, LocalTaskHandler> {
  const handlers: Record<string, LocalTaskHandler> = {};
  const missing: string[] = [];
  for (const call of serviceCallStates(definition)) {
    const key = `${call.service}:${call.action}`;
    const standIn = bindings.services && Object.hasOwn(bindings.services, key) ? bindings.services[key] : undefined;
    const itemAction = call.service === "dynamodb" ? dynamoDbItemActionOf(`arn:aws:states:::dynamodb:${call.action}`) : undefined;
    const child =
      call.child && typeof call.child.stateMachineArn === "string" ? bindings.childWorkflow?.(call.child.stateMachineArn) : undefined;
    // A child workflow of the same program runs for real; a stand-in serves the other calls (and foreign children).
    if (child && call.child) handlers[call.state] = startChild(child, call.child.sync);
    else if (standIn) handlers[call.state] = async (request) => standIn(request, call);
    else if (itemAction && bindings.dynamoDbEndpoint) handlers[call.state] = dynamoDbCall(bindings.dynamoDbEndpoint, call.action, call.sdk);
    else missing.push(`${call.state} (${key}${call.pattern ?? ""})`);
  }
  if (missing.length > 0)
    throw new RunnerInputError(
      `No local stand-in for the service call(s) ${missing.join(", ")}: a local run never calls AWS. Give each a stand-in: ` +
        `edw-local --service <service:action>=<response.json> (the call answers with that file's JSON), or in the test kit ` +
        `services: { "<service:action>": (request) => response }; for a job (.sync), the response is the finished job's description, the step's result. DynamoDB getItem/putItem/updateItem/deleteItem run against the local DynamoDB, SQS sendMessage, SNS publish and EventBridge putEvents are recorded, and a child workflow of the same program runs for real, without one.`,
    );
  return handlers;
}

/**
 * A `startWorkflow` step run locally: the child workflow runs for real, to its end. `sync` returns what
 * `startExecution.sync:2` returns (the child's output as JSON) or fails with `States.TaskFailed` and the child's
 * outcome as cause; `async` returns `{ ExecutionArn, StartDate }` (locally, after the child has run).
 */
function startChild(run: (input: unknown) => Promise<ChildOutcome>, sync: boolean): LocalTaskHandler {
  return async (request: { StateMachineArn: string; Input?: unknown }) => {
    const input = typeof request.Input === "string" ? JSON.parse(request.Input) : (request.Input ?? {});
    const started = new Date().toISOString();
    const child = await run(input);
    if (!sync) return { ExecutionArn: child.executionId, StartDate: started };
    const described = {
      ExecutionArn: child.executionId,
      StateMachineArn: request.StateMachineArn,
      StartDate: started,
      StopDate: new Date().toISOString(),
    };
    if (child.status === "SUCCEEDED") return { ...described, Status: "SUCCEEDED", Input: JSON.stringify(input), Output: child.output };
    throw Object.assign(new Error(JSON.stringify({ ...described, Status: child.status, Error: child.error, Cause: child.cause })), {
      name: "States.TaskFailed",
    });
  };
}

/**
 * A call to the local DynamoDB over its JSON protocol. Its errors carry the name Step Functions gives them: the
 * optimized integration's `DynamoDB.<Exception>`, the SDK integration's `DynamoDb.<Exception>`.
 */
function dynamoDbCall(endpoint: string, action: string, sdk: boolean): LocalTaskHandler {
  const operation = `${action[0].toUpperCase()}${action.slice(1)}`;
  return async (request) => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${operation}` },
      body: JSON.stringify(request),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.ok) return body;
    const error = new Error(String(body.message ?? "DynamoDB refused the request"));
    error.name = `${sdk ? "DynamoDb" : "DynamoDB"}.${String(body.__type ?? "")
      .split("#")
      .pop()}`;
    throw error;
  };
}
