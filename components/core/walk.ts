/** Traversal of nested step lists (Parallel branches, Map processors), shared by the pure core. */
import type { MapStep, Step, TaskStep } from "../steps/types";

/** The nested step lists a step owns, each its own ASL scope. */
export function childScopes(step: Step): Step[][] {
  if (step.kind === "parallel") return step.branches;
  if (step.kind === "map") return [step.steps];
  return [];
}

/** Every step at any depth, parents before children, in declaration order. */
export function allSteps(steps: readonly Step[]): Step[] {
  return steps.flatMap((step) => [step, ...childScopes(step).flatMap((scope) => allSteps(scope))]);
}

/** Every Lambda task at any depth: one Lambda function each. */
export function taskSteps(steps: readonly Step[]): TaskStep[] {
  return allSteps(steps).filter((step): step is TaskStep => step.kind === "task");
}

/**
 * Whether a Map runs distributed (each item a child execution of the state machine): one that tolerates failures,
 * since AWS accepts `ToleratedFailurePercentage`/`ToleratedFailureCount` on a Distributed Map only.
 */
export function isDistributedMap(step: Step): step is MapStep {
  return (
    step.kind === "map" && (step.toleratedFailurePercentage !== undefined || step.toleratedFailureCount !== undefined || hasMapIo(step))
  );
}

/** Whether a Map reads, batches or writes through S3 (each of which AWS takes on a Distributed Map only). */
export function hasMapIo(step: MapStep): boolean {
  return step.itemReader !== undefined || step.itemBatcher !== undefined || step.resultWriter !== undefined;
}

/** Whether a step ends its scope without `next`/`end` (Succeed, Fail) or chooses its own way (Choice). */
export function isTerminalOrBranching(step: Step): boolean {
  return step.kind === "succeed" || step.kind === "fail" || step.kind === "choice";
}

/** The names a step can transition to: `next` (explicit or implied), choice targets and catch targets. */
export function transitionsOf(step: Step, following: Step | undefined): string[] {
  switch (step.kind) {
    case "succeed":
    case "fail":
      return [];
    case "choice":
      return [...step.choices.map((c) => c.next), ...(step.otherwise ? [step.otherwise] : [])];
    default: {
      const flowTarget = step.end ? [] : step.next ? [step.next] : following ? [following.name] : [];
      const catchTargets = "catch" in step && step.catch ? step.catch.map((c) => c.next) : [];
      return [...flowTarget, ...catchTargets];
    }
  }
}
