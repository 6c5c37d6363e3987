/**
 * Pulumi under mocks: records every resource a program registers (type, name, resolved inputs) and answers the
 * provider calls (region, account, partition) with fixed test values. No Pulumi CLI, no AWS.
 */
import * as pulumi from "@pulumi/pulumi";

export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "us-east-1";

export interface RecordedResource {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, any>;
  state: Record<string, any>;
}

const arnPrefix = (service: string) => `arn:aws:${service}:${TEST_REGION}:${TEST_ACCOUNT}`;

/** The computed outputs AWS would return, so that ARNs and names resolve as they would after `pulumi up`. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const physical = inputs.name ?? `${name}-a1b2c3d`;
  switch (type) {
    case "aws:lambda/function:Function":
      return { name: physical, arn: `${arnPrefix("lambda")}:function:${physical}`, invokeArn: `${arnPrefix("lambda")}:function:${physical}/invocations` };
    case "aws:sfn/stateMachine:StateMachine":
      return { name: physical, arn: `${arnPrefix("states")}:stateMachine:${physical}` };
    case "aws:sns/topic:Topic":
      return { name: physical, arn: `${arnPrefix("sns")}:${physical}` };
    case "aws:sqs/queue:Queue":
      return { name: physical, arn: `${arnPrefix("sqs")}:${physical}`, url: `https://sqs.${TEST_REGION}.amazonaws.com/${TEST_ACCOUNT}/${physical}` };
    case "aws:cloudwatch/eventRule:EventRule":
      return { name: physical, arn: `${arnPrefix("events")}:rule/${physical}` };
    case "aws:iam/role:Role":
      return { name: physical, arn: `arn:aws:iam::${TEST_ACCOUNT}:role/${physical}` };
    case "aws:kms/key:Key":
      return { arn: `${arnPrefix("kms")}:key/0000aaaa-1111-2222-3333-${name.replace(/[^a-z0-9]/g, "").slice(0, 12).padEnd(12, "0")}`, keyId: `key-${name}` };
    case "awsx:ec2:Vpc":
      // awsx's Vpc is a remote component: its outputs are whatever the mock says they are.
      return { vpcId: `vpc-${name}`, privateSubnetIds: [`subnet-${name}-private-a`, `subnet-${name}-private-b`], publicSubnetIds: [`subnet-${name}-public-a`, `subnet-${name}-public-b`] };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { name: physical, arn: `${arnPrefix("logs")}:log-group:${physical}` };
    default:
      return { name: physical, arn: `${arnPrefix("mock")}:${type.split(":").pop()}/${physical}` };
  }
}

/** Installs the mocks; returns the list that fills as resources register. Call before importing a program. */
export function installMocks(project = "order-processing", stack = "test", config: Record<string, string> = {}): RecordedResource[] {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setAllConfig({ "aws:region": TEST_REGION, ...config });
  pulumi.runtime.setMocks({
    newResource(args: pulumi.runtime.MockResourceArgs) {
      const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
      const id = state.arn ?? `${args.name}-id`;
      resources.push({ type: args.type, name: args.name, id, inputs: args.inputs, state });
      return { id, state };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      switch (args.token) {
        case "aws:index/getRegion:getRegion":
          return { name: TEST_REGION, region: TEST_REGION, id: TEST_REGION, endpoint: `ec2.${TEST_REGION}.amazonaws.com`, description: "US East (N. Virginia)" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: TEST_ACCOUNT, arn: `arn:aws:iam::${TEST_ACCOUNT}:user/test`, userId: "AIDTEST", id: TEST_ACCOUNT };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        default:
          return args.inputs;
      }
    },
  }, project, stack, false);
  return resources;
}

/** Resolves an Output (mocks never leave one unknown when preview is false). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => { resolve(value); return value; }));
}

/** Waits until registrations stop arriving (they are asynchronous RPCs even under mocks). */
export async function settle(resources: RecordedResource[]): Promise<void> {
  let last = -1;
  for (let quiet = 0; quiet < 5;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    quiet = resources.length === last ? quiet + 1 : 0;
    last = resources.length;
  }
}

export const ofType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);
