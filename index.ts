/**
 * The order-processing stack: `pulumi up` per stack. Its settings come from Pulumi config (defaults and
 * descriptions in Pulumi.yaml); the workflow itself is declared in workflows/order.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { EventDrivenWorkflow } from "./components";
import { createSandboxServices } from "./handlers/sandbox";
import { parseOrderStackSettings } from "./workflows/config";
import { ORDER_PLACED_PATTERN, orderSteps } from "./workflows/order";

const config = new pulumi.Config();
const settings = parseOrderStackSettings((key) => config.get(key), pulumi.getProject());

// The payment, fulfillment and email providers are SANDBOXES (deterministic test-mode fakes); swap in real
// implementations of handlers/services.ts to take real orders.
const workflow = new EventDrivenWorkflow("order-processing", {
  trigger: { pattern: ORDER_PLACED_PATTERN },
  steps: orderSteps(createSandboxServices()),
  timeoutSeconds: settings.timeoutSeconds,
  workflowType: settings.workflowType,
  alerting: { emailEndpoints: settings.alertEmails },
  logging: { level: settings.logLevel, includeExecutionData: settings.includeExecutionData, retentionInDays: settings.retentionInDays },
  lambda: { memorySize: settings.lambdaMemorySize, architecture: settings.lambdaArchitecture },
  tags: { app: "order-processing", stack: pulumi.getStack() },
});

export const stateMachineArn = workflow.stateMachineArn;
export const stateMachineName = workflow.stateMachineName;
export const ruleArn = workflow.ruleArn;
export const ruleName = workflow.ruleName;
export const alertTopicArn = workflow.alertTopicArn;
export const deadLetterQueueUrl = workflow.deadLetterQueueUrl;
export const deadLetterQueueArn = workflow.deadLetterQueueArn;
export const functionArns = workflow.functionArns;
export const logGroupName = workflow.logGroupName;
