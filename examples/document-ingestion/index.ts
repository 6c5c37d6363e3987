/**
 * The document-ingestion stack: `pulumi up` per stack. It uses the EventDrivenWorkflow component as any other
 * stack would, from the installed `event-driven-workflow` package; the workflow itself is in workflow.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { EventDrivenWorkflow } from "event-driven-workflow";
import { DOCUMENT_UPLOADED_PATTERN, WORKFLOW_NAME, documentSteps } from "./workflow";

const config = new pulumi.Config();
const alertEmails = (config.get("alertEmails") ?? "")
  .split(",")
  .map((email) => email.trim())
  .filter((email) => email.length > 0);

const workflow = new EventDrivenWorkflow(WORKFLOW_NAME, {
  trigger: { pattern: DOCUMENT_UPLOADED_PATTERN },
  steps: documentSteps(),
  // The worst case: the OCR wait (at most 15 minutes), then 1000 parts, 8 at a time, each retried to its limits
  // (about 4 h 44 min in all, as the time budget counts it): 5 hours.
  timeoutSeconds: 5 * 3600,
  alerting: { emailEndpoints: alertEmails },
  logging: { level: "ERROR", retentionInDays: 14 },
  lambda: { memorySize: 512 },
  tags: { app: "document-ingestion", stack: pulumi.getStack() },
});

export const stateMachineArn = workflow.stateMachineArn;
export const ruleName = workflow.ruleName;
export const alertTopicArn = workflow.alertTopicArn;
export const deadLetterQueueUrl = workflow.deadLetterQueueUrl;
export const functionArns = workflow.functionArns;
