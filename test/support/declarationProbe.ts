/**
 * The program that proves the packages' declarations type-check under a tsconfig (skipLibCheck false): it uses the
 * library, its runtime entry and the test kit. Written into each probe folder of the declarations spec, and into the
 * ES module (nodenext) program of the packed module-systems consumer, whose tsc 6 run checks it there.
 */
export const DECLARATION_PROBE = `import { EventDrivenWorkflow, task, type StepContext } from "event-driven-workflow";
import { asLambdaError } from "event-driven-workflow/runtime";
import { runEvents } from "event-driven-workflow-local/testing";

export const steps = [
  task("Add", { handler: async (input: { n: number }, context: StepContext) => ({ n: input.n + 1, step: context.stepName }), timeoutSeconds: 5, end: true }),
];
export const make = () => new EventDrivenWorkflow("probe", { trigger: { pattern: { source: ["probe"] } }, steps, timeoutSeconds: 60 });
export const run = () => runEvents("index.ts", { source: "probe" });
export const toLambdaError = asLambdaError;
`;
