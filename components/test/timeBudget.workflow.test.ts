/**
 * The component refuses, at construction and before creating anything, a workflow whose worst-case path exceeds its
 * timeoutSeconds; `timeBudget.acknowledgeOverrun` (with a reason) is the only way past, and the reason travels in the
 * deployed definition's Comment. Under mocks.
 */
import assert from "node:assert/strict";
import { EventDrivenWorkflow, map, task, timeBudgetNote, wait, WorkflowDefinitionError } from "../index";
import { installMocks, outputValue, settle } from "../../local/program/synthesize";

const handler = async (x: unknown) => x;
const slowSteps = () => [
  task("Charge", {
    handler,
    timeoutSeconds: 30,
    retry: [{ errors: ["Busy"], intervalSeconds: 10, maxAttempts: 2, backoffRate: 2 }],
    next: "Ship",
  }),
  task("Ship", { handler, timeoutSeconds: 20, retryLambdaServiceErrors: false, end: true }),
];
// Charge: (1 + 2 + 3) attempts x 30 s + (10 + 20) + (1 + 2 + 4) s = 217 s; Ship: 20 s.
const WORST = 217 + 20;

describe("EventDrivenWorkflow's time budget check, under mocks", () => {
  it("refuses a workflow whose worst case exceeds timeoutSeconds, naming the path, the budget, the timeout, the dominant step and the fix", () => {
    const resources = installMocks("budget-fixture", "test");
    assert.throws(
      () => new EventDrivenWorkflow("late", { trigger: { pattern: { source: ["x"] } }, timeoutSeconds: 200, steps: slowSteps() }),
      (error: unknown) => {
        assert.ok(error instanceof WorkflowDefinitionError);
        assert.match(error.message, /step "\(time budget\)": the worst-case path Charge > Ship takes up to 237 s \(3 min 57 s\)/);
        assert.match(error.message, /over the workflow's timeoutSeconds 200; Charge dominates \(217 s/);
        assert.match(error.message, /raise `timeoutSeconds` to at least 237/);
        assert.match(error.message, /acknowledgeOverrun/);
        return true;
      },
    );
    assert.equal(resources.length, 0, "nothing was created");
  });

  it("accepts the same workflow when its timeout covers the worst case", async () => {
    const resources = installMocks("budget-fixture", "test");
    const workflow = new EventDrivenWorkflow("ontime", {
      trigger: { pattern: { source: ["x"] } },
      timeoutSeconds: WORST,
      steps: slowSteps(),
    });
    assert.equal(JSON.parse(await outputValue(workflow.definition)).TimeoutSeconds, WORST);
    await settle(resources);
  });

  it("refuses an unbounded path (a Map without maxItems), naming what has no bound", () => {
    installMocks("budget-fixture", "test");
    const steps = [map("Each", { itemsPath: "$.items", steps: [wait("Nap", { seconds: 1 }, { end: true })], end: true })];
    assert.throws(
      () => new EventDrivenWorkflow("open", { trigger: { pattern: { source: ["x"] } }, timeoutSeconds: 600, steps }),
      /the path Each has no worst case: Each: the number of items is not bounded \(declare maxItems\).*`maxItems` on a map/s,
    );
  });

  it("lets an acknowledged overrun through, and writes the reason into the definition's Comment for the policy pack", async () => {
    const resources = installMocks("budget-fixture", "test");
    const workflow = new EventDrivenWorkflow("late", {
      trigger: { pattern: { source: ["x"] } },
      timeoutSeconds: 200,
      steps: slowSteps(),
      timeBudget: { acknowledgeOverrun: "the shipper answers in seconds; retries are for outages" },
    });
    const definition = JSON.parse(await outputValue(workflow.definition));
    assert.equal(timeBudgetNote(definition.Comment).acknowledged, "the shipper answers in seconds; retries are for outages");
    await settle(resources);
  });

  it("refuses an acknowledgement without a reason, and a maxItems that is not a whole number", () => {
    installMocks("budget-fixture", "test");
    for (const acknowledgeOverrun of ["", "  ", 3]) {
      assert.throws(
        () =>
          new EventDrivenWorkflow("late", {
            trigger: { pattern: { source: ["x"] } },
            timeoutSeconds: 200,
            steps: slowSteps(),
            timeBudget: { acknowledgeOverrun: acknowledgeOverrun as string },
          }),
        /timeBudget\.acknowledgeOverrun\)": is .*: an acknowledgement needs its reason/,
      );
    }
    const steps = [map("Each", { itemsPath: "$.items", maxItems: 2.5, steps: [wait("Nap", { seconds: 1 }, { end: true })], end: true })];
    assert.throws(
      () => new EventDrivenWorkflow("open", { trigger: { pattern: { source: ["x"] } }, timeoutSeconds: 600, steps }),
      /step "Each": `maxItems` is 2\.5: use a whole number of at least 1/,
    );
  });
});
