import assert from "node:assert/strict";
import { DEFAULT_LAMBDA_MEMORY_MB, executionCost, formatCost } from "../cost/cost";
import { PRICES_US_EAST_1 } from "../cost/prices";

describe("executionCost", () => {
  const prices = PRICES_US_EAST_1;

  it("counts a transition per state entered and per retry, as Standard bills them", () => {
    const cost = executionCost({ path: ["A", "B", "C"], retries: { B: 2 }, durationMs: 10, invocations: [] });
    assert.equal(cost.stateTransitions, 5);
    assert.equal(cost.standardUsd, 5 * prices.stepFunctionsStandard.perStateTransition);
  });

  it("prices Lambda per request and per GB-second of each invocation's memory, rounded up to the millisecond", () => {
    const cost = executionCost(
      { path: ["A", "B"], retries: {}, durationMs: 10, invocations: [{ state: "A", durationMs: 99.2 }, { state: "B" }] },
      (state) => (state === "A" ? 1024 : undefined),
    );
    const gbSeconds = 1 * 0.1 + (DEFAULT_LAMBDA_MEMORY_MB / 1024) * 0.001;
    assert.equal(cost.lambdaRequests, 2);
    assert.ok(Math.abs(cost.lambdaGbSeconds - gbSeconds) < 1e-12);
    assert.ok(Math.abs(cost.lambdaUsd - (2 * prices.lambda.perRequest + gbSeconds * prices.lambda.perGbSecond)) < 1e-15);
  });

  it("bills Express per request and per 100 ms of one 64 MB chunk, plus the same Lambda cost", () => {
    const quick = executionCost({ path: ["A"], retries: {}, durationMs: 1, invocations: [] });
    const slower = executionCost({ path: ["A"], retries: {}, durationMs: 101, invocations: [] });
    const step = (64 / 1024) * 0.1 * prices.stepFunctionsExpress.perGbSecond;
    assert.ok(Math.abs(quick.expressUsd - (prices.stepFunctionsExpress.perRequest + step)) < 1e-15);
    assert.ok(Math.abs(slower.expressUsd - quick.expressUsd - step) < 1e-15);
    assert.equal(slower.standardUsd, quick.standardUsd, "Standard does not bill duration");
  });

  it("formats both prices in one line", () => {
    const line = formatCost(executionCost({ path: ["A", "B"], retries: {}, durationMs: 5, invocations: [{ state: "A", durationMs: 3 }] }));
    assert.match(line, /^\$[\d.e-]+ STANDARD \/ \$[\d.e-]+ EXPRESS$/);
  });
});
