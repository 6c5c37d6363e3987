/**
 * Reproduction of issue 18's first failure: the order workflow's worst case (2,890 s on the path through
 * ReconcilePayment, the Parallel and RefundAndFail) did not fit its 300 s execution timeout, so an execution could end
 * TIMED_OUT (no Catch sees it) after charging the card. Now every execution timeout the stack's config accepts covers
 * the worst case, the config refuses the others saying which and why, and the component refuses such a pairing at
 * construction.
 */
import assert from "node:assert/strict";
import { WorkflowDefinitionError } from "../components/index";
import { installMocks } from "../local/program/synthesize";
import { createSandboxServices } from "../handlers/sandbox";
import { DEFAULT_TIMEOUT_SECONDS, parseOrderStackSettings, StackConfigError } from "../workflows/config";
import { orderTimeBudget } from "../workflows/orderBudget";
import { createOrderStack } from "../workflows/orderStack";
import { orderSteps } from "../workflows/order";
import { timeBudget } from "../components/core";

const settingsOf = (values: Record<string, string>) => parseOrderStackSettings((key) => values[key]);

describe("the order workflow's worst case fits its execution timeout (issue 18, failure 1)", () => {
  const budget = orderTimeBudget();

  it("every path has a bound, and the budget is the step list that deploys", () => {
    assert.equal(budget.truncated, false);
    assert.ok(
      budget.paths.every((p) => p.bounded),
      budget.paths
        .filter((p) => !p.bounded)
        .map((p) => p.unbounded.join("; "))
        .join("\n"),
    );
    assert.deepEqual(timeBudget(orderSteps(createSandboxServices())).worst, budget.worst);
  });

  it("the default execution timeout covers the worst path", () => {
    const { timeoutSeconds } = settingsOf({});
    assert.equal(timeoutSeconds, DEFAULT_TIMEOUT_SECONDS);
    assert.ok(budget.worst.seconds <= timeoutSeconds, `worst ${budget.worst.seconds} s > ${timeoutSeconds} s`);
  });

  it("every accepted timeoutSeconds covers the worst path; the ones below are refused, naming the path", () => {
    const fewest = Math.ceil(budget.worst.seconds);
    assert.equal(settingsOf({ timeoutSeconds: String(fewest) }).timeoutSeconds, fewest);
    for (const refused of [60, 300, fewest - 1]) {
      assert.throws(
        () => settingsOf({ timeoutSeconds: String(refused) }),
        (error: unknown) =>
          error instanceof StackConfigError &&
          error.message.includes(
            `from ${fewest} (the order workflow's worst case is ${fewest} s, on the path ${budget.worst.states.join(" > ")}`,
          ),
      );
    }
  });

  it("the component itself refuses the old pairing (300 s), before creating anything", () => {
    const resources = installMocks("order-processing", "budget");
    assert.throws(
      () => createOrderStack({ ...settingsOf({}), timeoutSeconds: 300 }),
      (error: unknown) =>
        // The stack imports the published package, so the class is its copy: compare by name.
        (error as Error).name === WorkflowDefinitionError.name &&
        /step "\(time budget\)": the worst-case path ValidateOrder > ChargeCard > ReconcilePayment > FulfillmentAndNotification > .* over the workflow's timeoutSeconds 300; FulfillmentAndNotification dominates/.test(
          (error as Error).message,
        ),
    );
    assert.equal(resources.filter((r) => r.type !== "pulumi:providers:aws").length, 0);
  });
});
