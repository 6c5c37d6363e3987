/**
 * The literals the library, its local runner and its policy pack share: the Step Functions service integrations
 * the compiler emits, and the Pulumi type tokens and Lambda handler entry of what the component creates. Each is
 * written here once; a new integration step kind adds its ARN here and nowhere else.
 */

/** The Pulumi type token of the EventDrivenWorkflow component. */
export const COMPONENT_TYPE = "eventdrivenworkflow:index:EventDrivenWorkflow";

/** The Pulumi type token of a Lambda function (`aws.lambda.Function`, and what `CallbackFunction` creates). */
export const LAMBDA_FUNCTION_TYPE = "aws:lambda/function:Function";

/** The Lambda `handler` setting of every step function: the serialized handler's file and export (`CallbackFunction`'s too). */
export const STEP_HANDLER_ENTRY = "__index.handler";

/**
 * The tag every Lambda function the component creates carries, naming what it serves (the step's name, or
 * "approval-endpoint"). The component always chooses a Lambda's timeout, so the policy pack reads this tag, not the
 * timeout's value, to tell such a function from a `CallbackFunction` given no timeout (which silently gets 180 s, a
 * value the component may choose too: a 200 s task's Lambda gets 180 s).
 */
export const COMPONENT_FUNCTION_TAG = "event-driven-workflow:function";

/**
 * The request-response service integrations the library emits or runs, in the `aws` partition (the compiler
 * emits these; {@link parseIntegrationArn} reads any partition).
 */
export const SERVICE_INTEGRATIONS = {
  lambdaInvoke: "arn:aws:states:::lambda:invoke",
  snsPublish: "arn:aws:states:::sns:publish",
  sqsSendMessage: "arn:aws:states:::sqs:sendMessage",
  eventsPutEvents: "arn:aws:states:::events:putEvents",
  statesStartExecution: "arn:aws:states:::states:startExecution",
} as const;

/** The integration pattern of a nested workflow that waits for its child and gets the child's output as JSON. */
export const SYNC_2 = ".sync:2";

/**
 * The optimized integrations `callAwsService` compiles to instead of `aws-sdk:<service>:<action>`, by the SDK's
 * `service:action`, with the IAM action each needs (the Step Functions developer guide's IAM page of each integration).
 */
export const OPTIMIZED_SERVICE_CALLS = {
  "dynamodb:getItem": { resource: "arn:aws:states:::dynamodb:getItem", iamAction: "dynamodb:GetItem" },
  "dynamodb:putItem": { resource: "arn:aws:states:::dynamodb:putItem", iamAction: "dynamodb:PutItem" },
  "dynamodb:updateItem": { resource: "arn:aws:states:::dynamodb:updateItem", iamAction: "dynamodb:UpdateItem" },
  "dynamodb:deleteItem": { resource: "arn:aws:states:::dynamodb:deleteItem", iamAction: "dynamodb:DeleteItem" },
  "sqs:sendMessage": { resource: SERVICE_INTEGRATIONS.sqsSendMessage, iamAction: "sqs:SendMessage" },
  "sns:publish": { resource: SERVICE_INTEGRATIONS.snsPublish, iamAction: "sns:Publish" },
  "eventbridge:putEvents": { resource: SERVICE_INTEGRATIONS.eventsPutEvents, iamAction: "events:PutEvents" },
} as const;

/** A `service:action` of {@link OPTIMIZED_SERVICE_CALLS}. */
export type OptimizedServiceCall = keyof typeof OPTIMIZED_SERVICE_CALLS;

/** The optimized integration of an SDK call, if Step Functions has one (`"events"` is accepted for `"eventbridge"`). */
export function optimizedServiceCallOf(service: string, action: string): OptimizedServiceCall | undefined {
  const key = `${service === "events" ? "eventbridge" : service}:${action}`;
  return Object.hasOwn(OPTIMIZED_SERVICE_CALLS, key) ? (key as OptimizedServiceCall) : undefined;
}

/** The optimized DynamoDB item integrations (`arn:aws:states:::dynamodb:<action>`), any partition: the action, else undefined. */
export function dynamoDbItemActionOf(resource: unknown): "getItem" | "putItem" | "updateItem" | "deleteItem" | undefined {
  const arn = parseIntegrationArn(resource);
  if (!arn || arn.pattern || arn.service !== "dynamodb") return undefined;
  return (["getItem", "putItem", "updateItem", "deleteItem"] as const).find((a) => a === arn.action);
}

/** The name of a service integration of {@link SERVICE_INTEGRATIONS}. */
export type ServiceIntegration = keyof typeof SERVICE_INTEGRATIONS;

/**
 * The integrations that deliver a message (a notification, a queued message, an event), by service: what the local
 * runner records instead of sending, and what the policy pack counts as an observable end of a failure path.
 */
export const MESSAGE_INTEGRATIONS = {
  sns: SERVICE_INTEGRATIONS.snsPublish,
  sqs: SERVICE_INTEGRATIONS.sqsSendMessage,
  events: SERVICE_INTEGRATIONS.eventsPutEvents,
} as const;

/** A service that receives messages through one of {@link MESSAGE_INTEGRATIONS}. */
export type MessageService = keyof typeof MESSAGE_INTEGRATIONS;

/** A service integration ARN, read. */
export interface IntegrationArn {
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  partition: string;
  service: string;
  action: string;
  /** The integration pattern suffix, e.g. `.sync`, `.sync:2` or `.waitForTaskToken`; undefined for request-response. */
  pattern?: string;
  /** An AWS SDK integration (`arn:aws:states:::aws-sdk:<service>:<action>`). */
  sdk?: true;
}

// Every AWS partition's name starts with "aws".
const INTEGRATION_ARN = /^arn:(aws[a-zA-Z-]*):states:::(aws-sdk:)?([a-zA-Z0-9-]+):([a-zA-Z0-9]+)(\.[a-zA-Z0-9:.]+)?$/;

/**
 * Reads a Task `Resource` as a service integration ARN, in any partition.
 *
 * @example
 * parseIntegrationArn("arn:aws-cn:states:::sns:publish") // { partition: "aws-cn", service: "sns", action: "publish" }
 * parseIntegrationArn("arn:aws:states:::states:startExecution.sync:2")?.pattern // ".sync:2"
 * parseIntegrationArn("arn:aws:states:::aws-sdk:s3:getObject") // { partition: "aws", service: "s3", action: "getObject", sdk: true }
 * parseIntegrationArn("arn:aws:lambda:us-east-1:123456789012:function:f") // undefined
 */
export function parseIntegrationArn(resource: unknown): IntegrationArn | undefined {
  if (typeof resource !== "string") return undefined;
  const m = INTEGRATION_ARN.exec(resource);
  if (!m) return undefined;
  return { partition: m[1], service: m[3], action: m[4], ...(m[5] ? { pattern: m[5] } : {}), ...(m[2] ? { sdk: true as const } : {}) };
}

/** The integration pattern of a callback task: the state waits for SendTaskSuccess/SendTaskFailure with its token. */
export const WAIT_FOR_TASK_TOKEN = ".waitForTaskToken";

/** Whether a Task `Resource` invokes a Lambda with a task token and waits for the answer (any partition). */
export function isCallbackTask(resource: unknown): boolean {
  const arn = parseIntegrationArn(resource);
  return arn?.pattern === WAIT_FOR_TASK_TOKEN && serviceIntegrationOf(resource, { anyPattern: true }) === "lambdaInvoke";
}

/** `SERVICE_INTEGRATIONS[name]` in `partition`. @example integrationArn("snsPublish", "aws-cn") // "arn:aws-cn:states:::sns:publish" */
export function integrationArn(name: ServiceIntegration, partition = "aws"): string {
  return SERVICE_INTEGRATIONS[name].replace(/^arn:aws:/, `arn:${partition}:`);
}

/**
 * Which of {@link SERVICE_INTEGRATIONS} a Resource names, in any partition. Request-response only unless
 * `anyPattern` (then `lambda:invoke.waitForTaskToken` is `lambdaInvoke` too).
 *
 * @example
 * serviceIntegrationOf("arn:aws-us-gov:states:::sqs:sendMessage") // "sqsSendMessage"
 * serviceIntegrationOf("arn:aws:states:::lambda:invoke.waitForTaskToken") // undefined
 */
export function serviceIntegrationOf(resource: unknown, options: { anyPattern?: boolean } = {}): ServiceIntegration | undefined {
  const arn = parseIntegrationArn(resource);
  if (!arn || arn.sdk || (arn.pattern && !options.anyPattern)) return undefined;
  const canonical = `arn:aws:states:::${arn.service}:${arn.action}`;
  return (Object.keys(SERVICE_INTEGRATIONS) as ServiceIntegration[]).find((name) => SERVICE_INTEGRATIONS[name] === canonical);
}

/**
 * The service a message integration delivers to, in any partition; undefined for anything else.
 *
 * @example
 * messageServiceOf("arn:aws:states:::events:putEvents") // "events"
 * messageServiceOf("arn:aws:states:::lambda:invoke") // undefined
 */
export function messageServiceOf(resource: unknown, options: { anyPattern?: boolean } = {}): MessageService | undefined {
  const name = serviceIntegrationOf(resource, options);
  return (Object.keys(MESSAGE_INTEGRATIONS) as MessageService[]).find(
    (service) => name !== undefined && MESSAGE_INTEGRATIONS[service] === SERVICE_INTEGRATIONS[name],
  );
}
