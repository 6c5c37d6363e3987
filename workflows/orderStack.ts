/**
 * The order-processing stack's resources, from its settings: the EventDrivenWorkflow and, in regulated
 * environments, the VPC its step Lambdas run in. index.ts reads the settings from Pulumi config and calls this.
 */
import * as aws from "@pulumi/aws";
import type * as Awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { EventDrivenWorkflow } from "event-driven-workflow";
import { createSandboxServices } from "../handlers/sandbox";
import { dynamoDbSandboxTables } from "../handlers/sandboxTables";
import type { OrderStackSettings } from "./config";
import { ORDER_TRIGGER, orderSteps } from "./order";
import { orderBusinessMetrics } from "./orderDashboard";
import { createSandboxTables } from "./sandboxTables";

/** The `vpcId` output of a stack whose Lambdas are not in a VPC. */
export const NO_VPC = "none (lambdasInVpc is false)";

/** The order stack: the workflow plus its optional VPC. */
export function createOrderStack(settings: OrderStackSettings) {
  const stack = pulumi.getStack();
  // Private subnets with one NAT gateway: the Lambdas still reach DynamoDB, X-Ray and CloudWatch, but accept no
  // inbound traffic (their security group has egress only).
  const network = settings.lambdasInVpc
    ? (() => {
        // Loaded only for a stack that asks for a VPC: the package loads all its modules (ECS, ECR, the ECS client...)
        // up front, a third of the program's load time in a local run, which never needs it.
        const awsx: typeof Awsx = require("@pulumi/awsx");
        const vpc = new awsx.ec2.Vpc("order-processing", {
          numberOfAvailabilityZones: 2,
          natGateways: { strategy: awsx.ec2.NatGatewayStrategy.Single },
          tags: { app: "order-processing", stack },
        });
        const securityGroup = new aws.ec2.SecurityGroup("order-processing-lambdas", {
          vpcId: vpc.vpcId,
          description: "Order step Lambdas: egress only",
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "AWS APIs through the NAT gateway" }],
          tags: { app: "order-processing", stack },
        });
        return { vpc, securityGroup };
      })()
    : undefined;

  // The payment, fulfillment and email providers are SANDBOXES (deterministic test-mode fakes); swap in real
  // implementations of handlers/services.ts to take real orders. What more than one step must see (the sandbox
  // gateway's ledger, the order records) is in DynamoDB tables of the stack, each granted to the steps that use it.
  const sandbox = createSandboxTables({ app: "order-processing", stack });
  const services = createSandboxServices({
    keyRetentionSeconds: settings.paymentKeyRetentionHours * 3600,
    tables: dynamoDbSandboxTables(),
  });
  const workflow = new EventDrivenWorkflow("order-processing", {
    trigger: ORDER_TRIGGER,
    steps: orderSteps(services, { permissions: sandbox.permissions, environment: sandbox.environment }),
    timeoutSeconds: settings.timeoutSeconds,
    workflowType: settings.workflowType,
    alerting: { emailEndpoints: settings.alertEmails },
    logging: { level: settings.logLevel, includeExecutionData: settings.includeExecutionData, retentionInDays: settings.retentionInDays },
    lambda: {
      memorySize: settings.lambdaMemorySize,
      architecture: settings.lambdaArchitecture,
      ...(network ? { vpc: { subnetIds: network.vpc.privateSubnetIds, securityGroupIds: [network.securityGroup.id] } } : {}),
    },
    dashboard: { businessMetrics: orderBusinessMetrics() },
    tags: { app: "order-processing", stack },
  });

  return {
    stateMachineArn: workflow.stateMachineArn,
    stateMachineName: workflow.stateMachineName,
    ruleArn: workflow.ruleArn,
    ruleName: workflow.ruleName,
    alertTopicArn: workflow.alertTopicArn,
    deadLetterQueueUrl: workflow.deadLetterQueueUrl,
    deadLetterQueueArn: workflow.deadLetterQueueArn,
    functionArns: workflow.functionArns,
    logGroupName: workflow.logGroupName,
    dashboardName: workflow.dashboardName,
    // A stack output cannot be undefined (Pulumi drops it with a warning): say why there is none instead.
    vpcId: network ? network.vpc.vpcId : pulumi.output(NO_VPC),
  };
}
