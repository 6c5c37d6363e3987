/**
 * The former names of a workflow's children (core/lineage.ts): a task's children and alarms follow the task's and the
 * workflow's renames, any other child the workflow's, and nothing else is renamed, even where names overlap.
 */
import assert from "node:assert/strict";
import { formerChildName, lineageOf } from "../../core/lineage";
import { task } from "../../index";

const handler = async (input: unknown) => input;
const tasks = [
  task("Charge", { handler, timeoutSeconds: 10, renamedFrom: "Pay" }),
  task("Charge-errors", { handler, timeoutSeconds: 10 }),
  task("Ship", { handler, timeoutSeconds: 10, end: true }),
];

describe("formerChildName", () => {
  it("maps a renamed task's children (named after it) and its alarms (after it and their kind)", () => {
    const lineage = lineageOf("orders", undefined, tasks);
    assert.equal(formerChildName(lineage, "orders-Charge", false), "orders-Pay");
    assert.equal(formerChildName(lineage, "orders-Charge-errors", true), "orders-Pay-errors");
    assert.equal(formerChildName(lineage, "orders-Charge-throttles", true), "orders-Pay-throttles");
  });

  it("leaves alone a task whose name only starts with a renamed one's, and the workflow's own children", () => {
    const lineage = lineageOf("orders", undefined, tasks);
    assert.equal(formerChildName(lineage, "orders-Charge-errors", false), undefined); // the Charge-errors task's Lambda
    assert.equal(formerChildName(lineage, "orders-Charge-errors-errors", true), undefined);
    assert.equal(formerChildName(lineage, "orders-dlq", false), undefined);
    assert.equal(formerChildName(lineage, "orders-Ship", false), undefined);
  });

  it("maps every child named after a renamed workflow, a renamed task's with both former names", () => {
    const lineage = lineageOf("orders-v2", "orders", tasks);
    assert.equal(formerChildName(lineage, "orders-v2", false), "orders");
    assert.equal(formerChildName(lineage, "orders-v2-dlq", false), "orders-dlq");
    assert.equal(formerChildName(lineage, "orders-v2-Ship-errors", true), "orders-Ship-errors");
    assert.equal(formerChildName(lineage, "orders-v2-Charge", false), "orders-Pay");
    assert.equal(formerChildName(lineage, "unrelated", false), undefined);
  });
});
