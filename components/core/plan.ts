/**
 * A workflow's step list, walked once for what the shell needs: the Lambda tasks, which of them are idempotent, and
 * which service integrations the definition uses (pure).
 */
import { integrationNeeds, type IntegrationNeeds } from "./iam";
import { taskSteps } from "./walk";
import type { Step, TaskStep } from "../steps/types";

/** What the resources of a workflow are derived from. */
export interface WorkflowPlan {
  steps: readonly Step[];
  /** Every Lambda task, at any depth, in order. */
  tasks: TaskStep[];
  /** Names of the tasks with `idempotency`: they need the idempotency table. */
  idempotentSteps: ReadonlySet<string>;
  /** The integrations the definition uses, hence the execution role's grants. */
  needs: IntegrationNeeds;
}

/**
 * Plans a (validated) step list.
 *
 * @example
 * const plan = planWorkflow(steps);
 * plan.tasks.map((t) => t.name); // ["ValidateOrder", "ChargeCard", ...]
 */
export function planWorkflow(steps: readonly Step[]): WorkflowPlan {
  const tasks = taskSteps(steps);
  return {
    steps,
    tasks,
    idempotentSteps: new Set(tasks.filter((t) => t.idempotency).map((t) => t.name)),
    needs: integrationNeeds(steps),
  };
}
