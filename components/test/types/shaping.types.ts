/**
 * Compile-time checks of data shaping and service calls, proven by `tsc` (type-checked by `npm run typecheck`, never
 * run): a literal `parameters` or `resultSelector` template of paths carries the shape it builds to the handler and
 * the next steps. Lines under `@ts-expect-error` must not compile.
 */
import { callAwsService, defineSteps, pass, startWorkflow, task } from "../../index";

interface Order {
  orderId: string;
  total: number;
}
const publish = async (publication: { id: string; title: string }) => ({ publicationId: publication.id, internal: 1 });
const record = async (published: { publicationId: string }) => published.publicationId;
const needsTotal = async (order: { total: number }) => order.total;

// A pass's parameters build the next task's input: the handler's annotation is checked against the shape.
export const shaped = defineSteps([
  task("Load", { handler: async (): Promise<{ detail: Order }> => ({ detail: { orderId: "o", total: 1 } }), timeoutSeconds: 10 }),
  pass("Build", { parameters: { "id.$": "$.detail.orderId", "title.$": "States.Format('Order {}', $.detail.orderId)" } }),
  task("Publish", { handler: publish, timeoutSeconds: 10, resultSelector: { "publicationId.$": "$.publicationId" } }),
  task("Record", { handler: record, timeoutSeconds: 10, end: true }),
]);
defineSteps([
  task("Load", { handler: async (): Promise<{ detail: Order }> => ({ detail: { orderId: "o", total: 1 } }), timeoutSeconds: 10 }),
  pass("Build", { parameters: { "id.$": "$.detail.orderId" } }),
  // @ts-expect-error payload: what "Build" passes on does not satisfy the input of "Publish" (no title)
  task("Publish", { handler: publish, timeoutSeconds: 10, end: true }),
]);
// A task's own parameters shape its handler's input from the state.
export const ownParameters = defineSteps([
  task("Load", { handler: async (): Promise<{ detail: Order }> => ({ detail: { orderId: "o", total: 1 } }), timeoutSeconds: 10 }),
  task("Total", { handler: needsTotal, timeoutSeconds: 10, parameters: { "total.$": "$.detail.total" }, end: true }),
]);
defineSteps([
  task("Load", { handler: async (): Promise<{ detail: Order }> => ({ detail: { orderId: "o", total: 1 } }), timeoutSeconds: 10 }),
  // @ts-expect-error payload: the parameters build { total: string }, the handler wants a number
  task("Total", { handler: needsTotal, timeoutSeconds: 10, parameters: { "total.$": "$.detail.orderId" }, end: true }),
]);
// The selector keeps only what it names: "Record" then lacks publicationId.
defineSteps([
  pass("Build", { parameters: { id: "o-1", title: "t" } }),
  task("Publish", { handler: publish, timeoutSeconds: 10, resultSelector: { "other.$": "$.internal" } }),
  // @ts-expect-error payload: what "Publish" passes on does not satisfy the input of "Record"
  task("Record", { handler: record, timeoutSeconds: 10, end: true }),
]);
// Where the template is not plain paths (a Context Object path, an intrinsic other than Format), the check steps aside.
export const aside = defineSteps([
  pass("Build", { parameters: { "publicationId.$": "$$.Execution.Id" } }),
  task("Record", { handler: record, timeoutSeconds: 10, end: true }),
]);

// A service call: its response is untyped (any) where it lands; its references are checked like any step's.
export const call = defineSteps([
  callAwsService("Save", {
    service: "dynamodb",
    action: "putItem",
    parameters: { TableName: "orders" },
    iamResources: ["arn:aws:dynamodb:us-east-1:1:table/orders"],
    timeoutSeconds: 10,
    resultPath: null,
  }),
  task("Record", { handler: record, timeoutSeconds: 10, end: true }),
]);
defineSteps([
  // @ts-expect-error next: "Missing" names no step of this list
  callAwsService("Save", {
    service: "dynamodb",
    action: "putItem",
    iamResources: ["arn:aws:dynamodb:us-east-1:1:table/orders"],
    timeoutSeconds: 10,
    next: "Missing",
  }),
  pass("Done", { end: true }),
]);
// @ts-expect-error iamResources is required: the grant names what the call touches
callAwsService("NoResources", { service: "s3", action: "getObject", timeoutSeconds: 10, end: true });

// A child workflow: its references are checked; a mode is required.
export const child = defineSteps([
  startWorkflow("Child", {
    stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:c",
    mode: "sync",
    timeoutSeconds: 60,
    next: "Done",
  }),
  pass("Done", { end: true }),
]);
// @ts-expect-error mode is required: "sync" waits for the child, "async" only starts it
startWorkflow("NoMode", { stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:c", timeoutSeconds: 60, end: true });
