import assert from "node:assert/strict";
import { parseOrderStackSettings } from "../workflows/config";
import { createOrderStack } from "../workflows/orderStack";
import { installMocks, ofType, settle, outputValue, type RecordedResource } from "../local/program/synthesize";

describe("the order stack with prod settings (Lambdas in a VPC), under Pulumi mocks", () => {
  let resources: RecordedResource[];
  let vpcId: string | undefined;
  before(async () => {
    resources = installMocks("order-processing", "prod");
    const settings = parseOrderStackSettings(
      (key) => (({ lambdasInVpc: "true", retentionInDays: "365", logLevel: "ERROR" }) as Record<string, string>)[key],
    );
    const outputs = createOrderStack(settings);
    vpcId = await outputValue(outputs.vpcId);
    await outputValue(outputs.stateMachineArn);
    await settle(resources);
  });

  it("builds a VPC with awsx and an egress-only security group", () => {
    assert.equal(ofType(resources, "awsx:ec2:Vpc").length, 1);
    assert.equal(vpcId, "vpc-order-processing");
    const [group] = ofType(resources, "aws:ec2/securityGroup:SecurityGroup");
    assert.equal(group.inputs.ingress, undefined);
    assert.equal(group.inputs.egress.length, 1);
  });

  it("places every step Lambda in the private subnets", () => {
    const functions = ofType(resources, "aws:lambda/function:Function");
    assert.ok(functions.length > 0);
    for (const fn of functions) {
      assert.deepEqual(fn.inputs.vpcConfig.subnetIds, ["subnet-order-processing-private-a", "subnet-order-processing-private-b"], fn.name);
      assert.equal(fn.inputs.vpcConfig.securityGroupIds.length, 1);
    }
  });

  it("grants network-interface permissions only because the Lambdas are in a VPC", () => {
    const lambdaPolicies = ofType(resources, "aws:iam/rolePolicy:RolePolicy")
      .filter((p) => !/-(execution|trigger)$/.test(p.name))
      .map((p) => JSON.parse(p.inputs.policy));
    assert.ok(lambdaPolicies.length > 0);
    for (const policy of lambdaPolicies) assert.ok(policy.Statement.some((s: { Sid: string }) => s.Sid === "VpcNetworkInterfaces"));
    const logs = ofType(resources, "aws:cloudwatch/logGroup:LogGroup");
    for (const group of logs) assert.equal(group.inputs.retentionInDays, 365);
  });
});
