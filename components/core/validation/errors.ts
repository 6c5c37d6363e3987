/** The error a step list's validation throws, and the shape of one problem in it. */

/** One problem of a step list: the culprit step (or `(workflow)`) and what to do about it. */
export interface DefinitionProblem {
  step: string;
  message: string;
}

/**
 * Thrown by {@link validateSteps} and the component when a workflow definition would be rejected by AWS, or
 * would deploy but misbehave. `problems` lists each culprit with its fix.
 */
export class WorkflowDefinitionError extends Error {
  constructor(public readonly problems: DefinitionProblem[]) {
    super(
      `Invalid workflow definition (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - step "${p.step}": ${p.message}`).join("\n"),
    );
    this.name = "WorkflowDefinitionError";
  }
}

/** Collects one problem: the culprit step and what to do about it. */
export type Report = (step: string, message: string) => void;
