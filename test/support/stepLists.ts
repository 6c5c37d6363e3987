/** What the step-list specs share: the validator's findings as `Step: message` lines, and the resources they compile against. */
import assert from "node:assert/strict";
import { type Step, validateSteps, WorkflowDefinitionError } from "../../components/index";

/** Every problem `validateSteps` finds in `steps`, as `<step>: <message>`; empty when it accepts them. */
export function validationProblems(steps: readonly unknown[]): string[] {
  try {
    validateSteps(steps as Step[]);
    return [];
  } catch (error) {
    assert.ok(error instanceof WorkflowDefinitionError, String(error));
    return error.problems.map((p) => `${p.step}: ${p.message}`);
  }
}

/** The workflow's own resources a step list compiles against, in a test account (us-east-1, 123456789012). */
export const COMPILE_RESOURCES = {
  functionArns: {},
  alertTopicArn: "arn:aws:sns:us-east-1:123456789012:wf-alerts",
  deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/wf-dlq",
  defaultEventBusName: "default",
};
