/**
 * The envelope a Lambda task receives: Step Functions' Parameters wrap the state input together with the
 * execution's id (from the Context Object), so every step can log the execution it serves. The wrapper unwraps it
 * before anything else sees the input: the handler, idempotency keys and redaction all work on the state input.
 */

import { STEP_INPUT_MARKER } from "./contract";

/** The state input and, when the invoker was Step Functions, the execution id (and a callback task's token). */
export function unwrapStepInput(event: unknown): { payload: unknown; executionId?: string; taskToken?: string } {
  if (event !== null && typeof event === "object" && (event as Record<string, unknown>)[STEP_INPUT_MARKER] === true && "payload" in event) {
    const { payload, executionId, taskToken } = event as { payload: unknown; executionId?: unknown; taskToken?: unknown };
    return {
      payload,
      ...(typeof executionId === "string" ? { executionId } : {}),
      ...(typeof taskToken === "string" ? { taskToken } : {}),
    };
  }
  return { payload: event };
}

/** Tells Pulumi to serialize this module into Lambda archives by value (see instrument.ts). */
export const deploymentOnlyModule = true;
