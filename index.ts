/**
 * The order-processing stack: `pulumi up` per stack. Its settings come from Pulumi config (defaults and
 * descriptions in Pulumi.yaml; Pulumi.dev.yaml and Pulumi.prod.yaml show two environments); the workflow is
 * declared in workflows/order.ts and its resources in workflows/orderStack.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseOrderStackSettings } from "./workflows/config";
import { createOrderStack } from "./workflows/orderStack";

const config = new pulumi.Config();
const outputs = createOrderStack(parseOrderStackSettings((key) => config.get(key), pulumi.getProject()));

export const stateMachineArn = outputs.stateMachineArn;
export const stateMachineName = outputs.stateMachineName;
export const ruleArn = outputs.ruleArn;
export const ruleName = outputs.ruleName;
export const alertTopicArn = outputs.alertTopicArn;
export const deadLetterQueueUrl = outputs.deadLetterQueueUrl;
export const deadLetterQueueArn = outputs.deadLetterQueueArn;
export const functionArns = outputs.functionArns;
export const logGroupName = outputs.logGroupName;
export const dashboardName = outputs.dashboardName;
export const vpcId = outputs.vpcId;
