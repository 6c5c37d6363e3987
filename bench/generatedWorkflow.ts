/**
 * Workflows of any size for the synthesis bench: blocks of 10 Lambda tasks, each block a task with a catch (and
 * its recovery task), a parallel of two 2-task branches, a map of 2 tasks, and 2 tasks in sequence.
 */
import { map, parallel, task, type Step } from "event-driven-workflow";

const passThrough = async (input: unknown) => input;

/** A workflow of `taskCount` Lambda tasks (a multiple of 10). */
export function generatedSteps(taskCount: number): Step[] {
  const steps: Step[] = [];
  for (let k = 0; k < taskCount / 10; k++) {
    const after = k + 1 < taskCount / 10 ? { next: `B${k + 1}a` } : { end: true as const };
    steps.push(
      task(`B${k}a`, {
        handler: passThrough,
        timeoutSeconds: 30,
        next: `B${k}p`,
        catch: [{ errors: ["States.ALL"], next: `B${k}r`, resultPath: "$.error" }],
      }),
      task(`B${k}r`, { handler: passThrough, timeoutSeconds: 30, next: `B${k}p` }),
      parallel(`B${k}p`, {
        branches: [
          [
            task(`B${k}p1`, { handler: passThrough, timeoutSeconds: 30, next: `B${k}p2` }),
            task(`B${k}p2`, { handler: passThrough, timeoutSeconds: 30, end: true }),
          ],
          [
            task(`B${k}p3`, { handler: passThrough, timeoutSeconds: 30, next: `B${k}p4` }),
            task(`B${k}p4`, { handler: passThrough, timeoutSeconds: 30, end: true }),
          ],
        ],
        resultPath: null,
        next: `B${k}m`,
      }),
      map(`B${k}m`, {
        itemsPath: "$.items",
        steps: [
          task(`B${k}m1`, { handler: passThrough, timeoutSeconds: 30, next: `B${k}m2` }),
          task(`B${k}m2`, { handler: passThrough, timeoutSeconds: 30, end: true }),
        ],
        resultPath: null,
        next: `B${k}s1`,
      }),
      task(`B${k}s1`, { handler: passThrough, timeoutSeconds: 30, next: `B${k}s2` }),
      task(`B${k}s2`, { handler: passThrough, timeoutSeconds: 30, ...after }),
    );
  }
  return steps;
}
