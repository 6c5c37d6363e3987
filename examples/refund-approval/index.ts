/** The refund-approval stack: `pulumi up` per stack. The step list is in workflow.ts. */
import * as pulumi from "@pulumi/pulumi";
import { EventDrivenWorkflow } from "event-driven-workflow";
import { REFUND_REQUESTED, WORKFLOW_NAME, refundSteps } from "./workflow";

const workflow = new EventDrivenWorkflow(WORKFLOW_NAME, {
  trigger: { pattern: REFUND_REQUESTED },
  steps: refundSteps(),
  // A day's approval and two hours of settlement, each repeated by the Lambda service retries at worst (the time
  // budget's count: about 4 days 8 hours): 5 days.
  timeoutSeconds: 5 * 86_400,
  tags: { app: "refund-approval", stack: pulumi.getStack() },
});

export const stateMachineArn = workflow.stateMachineArn;
export const functionArns = workflow.functionArns;
