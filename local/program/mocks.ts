/**
 * Pulumi mocks that satisfy EventDrivenWorkflow (and most AWS programs): every resource gets the computed outputs AWS
 * would return (ARNs, names, queue URLs) and the provider calls the component makes (region, account, partition) are
 * answered, with a fixed TEST account and region. Pulumi's minimal mocks (`state: inputs`) leave those undefined.
 * With them, what a run needs around a synthesis without loading Pulumi itself (a run served by the synthesis cache):
 * the resource key and forgetting Pulumi's pending promises.
 */
import type * as pulumi from "@pulumi/pulumi";
import { LAMBDA_FUNCTION_TYPE } from "event-driven-workflow/asl";

export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "us-east-1";

/** A resource as the mocks saw it registered. */
export interface RecordedResource {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, any>;
  state: Record<string, any>;
  /** `type::name` of the parent resource, when known (filled by `synthesizeProgram`). */
  parent?: string;
}

/** Options of {@link workflowMocks}. */
export interface WorkflowMocksOptions {
  /** Called with every resource registered, e.g. to collect them for assertions. @default none */
  onResource?: (resource: RecordedResource) => void;
  /**
   * The outputs of each StackReference the program reads, by its name (`org/project/stack`): what
   * `ref.getOutput(...)` returns under the mocks. A reference without an entry fails the registration, naming it.
   * @default none: a program that references another stack fails, naming the reference
   * @example { "acme/orders/dev": { eventBusName: "orders-bus" } }
   */
  stackReferences?: Record<string, Record<string, unknown>>;
  /** Where the stubs come from, for the error of a missing one. @default the `stackReferences` option */
  stackReferenceHint?: (name: string) => string;
}

/** The Pulumi type of a StackReference: a resource whose `outputs` are the referenced stack's outputs. */
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** A StackReference read under the mocks with no stub for it. */
export class MissingStackReferenceError extends Error {
  constructor(
    readonly reference: string,
    hint: string,
  ) {
    super(`StackReference "${reference}" has no stubbed outputs under the mocks: ${hint}`);
    this.name = "MissingStackReferenceError";
  }
}

/**
 * Mocks for `pulumi.runtime.setMocks` under which EventDrivenWorkflow resolves every output.
 *
 * @example
 * const resources: RecordedResource[] = [];
 * pulumi.runtime.setMocks(workflowMocks({ onResource: (r) => resources.push(r) }), "claims", "test", false);
 * const { workflow } = await import("../../index");
 */
export function workflowMocks(options: WorkflowMocksOptions = {}): pulumi.runtime.Mocks {
  return {
    newResource(args: pulumi.runtime.MockResourceArgs) {
      if (args.type === STACK_REFERENCE_TYPE) return stackReference(args, options);
      const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
      const id = state.arn ?? `${args.name}-id`;
      options.onResource?.({ type: args.type, name: args.name, id, inputs: args.inputs, state });
      return { id, state };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      switch (args.token) {
        case "aws:index/getRegion:getRegion":
          return {
            name: TEST_REGION,
            region: TEST_REGION,
            id: TEST_REGION,
            endpoint: `ec2.${TEST_REGION}.amazonaws.com`,
            description: "US East (N. Virginia)",
          };
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: TEST_ACCOUNT, arn: `arn:aws:iam::${TEST_ACCOUNT}:user/test`, userId: "AIDTEST", id: TEST_ACCOUNT };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        default:
          return args.inputs;
      }
    },
  };
}

/** A StackReference's state: its name and the stubbed outputs (the CLI would read them from the referenced stack). */
function stackReference(args: pulumi.runtime.MockResourceArgs, options: WorkflowMocksOptions) {
  const name: string = args.inputs.name ?? args.name;
  const outputs = options.stackReferences?.[name];
  if (!outputs) {
    const hint =
      options.stackReferenceHint?.(name) ??
      `pass its outputs with the \`stackReferences\` option, e.g. stackReferences: { "${name}": { <output>: <value> } }.`;
    throw new MissingStackReferenceError(name, hint);
  }
  const state = { name, outputs, secretOutputNames: [] };
  options.onResource?.({ type: args.type, name: args.name, id: name, inputs: args.inputs, state });
  return { id: name, state };
}

const arnPrefix = (service: string) => `arn:aws:${service}:${TEST_REGION}:${TEST_ACCOUNT}`;

/** The computed outputs AWS would return, so that ARNs and names resolve as they would after `pulumi up`. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const physical = inputs.name ?? `${name}-a1b2c3d`;
  switch (type) {
    case LAMBDA_FUNCTION_TYPE:
      return {
        name: physical,
        arn: `${arnPrefix("lambda")}:function:${physical}`,
        invokeArn: `${arnPrefix("lambda")}:function:${physical}/invocations`,
        version: inputs.publish ? "1" : "$LATEST",
      };
    case "aws:secretsmanager/secret:Secret":
      // Secrets Manager appends six random characters to a secret's ARN.
      return { name: physical, arn: `${arnPrefix("secretsmanager")}:secret:${physical}-AbC123` };
    case "aws:lambda/alias:Alias":
      return { name: physical, arn: `${arnPrefix("lambda")}:function:${inputs.functionName}:${physical}` };
    case "aws:sfn/stateMachine:StateMachine":
      return { name: physical, arn: `${arnPrefix("states")}:stateMachine:${physical}` };
    case "aws:sns/topic:Topic":
      return { name: physical, arn: `${arnPrefix("sns")}:${physical}` };
    case "aws:sqs/queue:Queue":
      return {
        name: physical,
        arn: `${arnPrefix("sqs")}:${physical}`,
        url: `https://sqs.${TEST_REGION}.amazonaws.com/${TEST_ACCOUNT}/${physical}`,
      };
    case "aws:cloudwatch/eventRule:EventRule":
      return { name: physical, arn: `${arnPrefix("events")}:rule/${physical}` };
    case "aws:scheduler/schedule:Schedule":
      return { name: physical, groupName: "default", arn: `${arnPrefix("scheduler")}:schedule/default/${physical}` };
    case "aws:iam/role:Role":
      return { name: physical, arn: `arn:aws:iam::${TEST_ACCOUNT}:role/${physical}` };
    case "aws:kms/key:Key":
      return {
        arn: `${arnPrefix("kms")}:key/0000aaaa-1111-2222-3333-${name
          .replace(/[^a-z0-9]/g, "")
          .slice(0, 12)
          .padEnd(12, "0")}`,
        keyId: `key-${name}`,
      };
    case "aws:dynamodb/table:Table":
      return { name: physical, arn: `${arnPrefix("dynamodb")}:table/${physical}` };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      // A bucket's physical name is its `bucket` input (it has no `name`), else Pulumi's auto-name.
      const bucket = inputs.bucket ?? physical;
      return { bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case "awsx:ec2:Vpc":
      // awsx's Vpc is a remote component: its outputs are whatever the mock says they are.
      return {
        vpcId: `vpc-${name}`,
        privateSubnetIds: [`subnet-${name}-private-a`, `subnet-${name}-private-b`],
        publicSubnetIds: [`subnet-${name}-public-a`, `subnet-${name}-public-b`],
      };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { name: physical, arn: `${arnPrefix("logs")}:log-group:${physical}` };
    default:
      return { name: physical, arn: `${arnPrefix("mock")}:${type.split(":").pop()}/${physical}` };
  }
}

/** The key {@link RecordedResource.parent} uses: `type::name`. */
export const resourceKey = (resource: { type: string; name: string }) => `${resource.type}::${resource.name}`;

/**
 * Forgets Pulumi's pending-promise bookkeeping. Its exit hook otherwise turns a clean exit (code 0) into code 1 when
 * outputs nobody awaited are still pending, which is normal once a synthesis under mocks is over.
 */
export function forgetPendingPulumiWork(): void {
  try {
    // Nothing to forget when Pulumi was never loaded (a run served by the synthesis cache).
    if (!require.cache[require.resolve("@pulumi/pulumi/runtime/debuggable")]) return;
    const [leaked] = require("@pulumi/pulumi/runtime/debuggable").leakedPromises() as [Set<unknown>, string];
    leaked.clear();
  } catch {
    // An SDK without the leak detector: nothing to forget.
  }
}
