/**
 * Two stacks meet locally: the shop program's workflow publishes its completion event (a shared contract) and the
 * analytics program's workflow, triggered by that event through a trigger built from a StackReference output, runs
 * on it: in one `edw-local` call (--also, --stack-reference) and in the test kit (also, stackReferences). Published
 * events are delivered within one program too, up to a hop limit. A synthesis failure shows its real cause (a missing
 * StackReference stub, a TypeError in an apply) and does not leak into the next synthesis of the process.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { edwLocal } from "../../test/support/edwLocal";
import { loadSynthesis } from "../runner/runner";
import { publishedEvents, runEvents } from "../testing";

const STACKS = join(__dirname, "fixtures", "stacks");
const APP = join(STACKS, "app", "index.ts");
const ANALYTICS = join(STACKS, "analytics", "index.ts");
const SHOP_OUTPUTS = { eventBusName: "shop-events" };
const orderPlaced = {
  source: "shop.web",
  "detail-type": "Order Placed",
  detail: { orderId: "ord-7", items: [{ sku: "tea", quantity: 3, unitPrice: 4 }] },
};

describe("local runs across stacks", function () {
  this.timeout(180_000);

  it("edw-local runs the chain event → shop → Order Completed → analytics in one call, the StackReference stubbed", async () => {
    const run = await edwLocal([
      "local/test/fixtures/stacks/app/index.ts",
      "local/test/fixtures/stacks/order-placed.json",
      "--also",
      "local/test/fixtures/stacks/analytics/index.ts",
      "--stack-reference",
      "acme/shop/dev=local/test/fixtures/stacks/shop-outputs.json",
    ]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(
      run.stdout,
      /chain {6}order-placed → shop:shop \(SUCCEEDED\) → shop\.orders \/ Order Completed → analytics:order-analytics \(SUCCEEDED\)/,
    );
    assert.match(
      run.stdout,
      /published {2}EventBridge put on bus "shop-events": shop\.orders \/ Order Completed: \{"orderId":"ord-42","total":21,"items":2\}/,
    );
  });

  it("edw-local names the StackReference and --stack-reference when a program reads one that is not stubbed", async () => {
    const run = await edwLocal(["local/test/fixtures/stacks/analytics/index.ts", "local/test/fixtures/stacks/order-placed.json"]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /StackReference "acme\/shop\/dev" has no stubbed outputs/);
    assert.match(run.stderr, /--stack-reference acme\/shop\/dev=<outputs\.json>/);
    assert.doesNotMatch(run.stderr, /promises were still active/);
  });

  it("the test kit runs the same chain with the StackReference stubbed: the analytics step gets the contract's payload", async () => {
    const [report] = await runEvents(APP, orderPlaced, { also: [ANALYTICS], stackReferences: { "acme/shop/dev": SHOP_OUTPUTS } });
    assert.equal(report.status, "SUCCEEDED");
    const [shop] = report.executions;
    const [completed] = publishedEvents(shop.published);
    assert.equal(completed.EventBusName, "shop-events");
    assert.equal(
      completed.Detail,
      JSON.stringify({ orderId: "ord-7", total: 12, items: 1 }),
      "Detail is the JSON string PutEvents carries",
    );
    assert.deepEqual(completed.detail, { orderId: "ord-7", total: 12, items: 1 });
    assert.equal(report.chain?.length, 1);
    const [link] = report.chain!;
    assert.deepEqual(link.from, { program: APP, workflow: "shop", state: "AnnounceCompletion", executionId: shop.executionId });
    assert.deepEqual(
      link.executions.map((e) => [e.program, e.workflow, e.status, e.output]),
      [[ANALYTICS, "order-analytics", "SUCCEEDED", { orderId: "ord-7", revenue: 12, averageItem: 12 }]],
    );
    assert.equal(link.trail, "event 1 → shop:shop (SUCCEEDED) → shop.orders / Order Completed → analytics:order-analytics (SUCCEEDED)");
  });

  it("delivers nothing to the analytics stack when its StackReference names another bus", async () => {
    const [report] = await runEvents(APP, orderPlaced, {
      also: [ANALYTICS],
      stackReferences: { "acme/shop/dev": { eventBusName: "another-bus" } },
    });
    assert.equal(report.status, "SUCCEEDED");
    assert.equal(report.chain, undefined, "the completion event went to shop-events, the rule listens on another-bus");
  });

  it("delivers published events within one program too, and stops a loop at the hop limit, saying so", async () => {
    const [report] = await runEvents(
      join(STACKS, "echo.ts"),
      { source: "echo.service", "detail-type": "Ping", detail: { n: 1 } },
      { hopLimit: 3 },
    );
    assert.equal(report.status, "FAILED");
    assert.deepEqual(
      report.chain?.map((link) => [link.hop, link.executions.map((e) => e.status)]),
      [
        [1, ["SUCCEEDED"]],
        [2, ["SUCCEEDED"]],
        [3, ["SUCCEEDED"]],
      ],
    );
    assert.match(report.chainError ?? "", /reached the hop limit \(3\): .* would start hop 4\. .*a loop\?/);
  });

  it("fails the test kit naming the StackReference and the stackReferences option when it is not stubbed", async () => {
    await assert.rejects(runEvents(ANALYTICS, orderPlaced), (error: Error) => {
      assert.match(error.message, /StackReference "acme\/shop\/dev" has no stubbed outputs/);
      assert.match(error.message, /stackReferences: \{ "acme\/shop\/dev"/);
      return true;
    });
  });

  it("shows the real cause of a failed synthesis, and a failed synthesis does not leak into the next one", async () => {
    await assert.rejects(loadSynthesis(join(STACKS, "brokenOutput.ts")), (error: Error) => {
      assert.match(error.message, /TypeError: |Cannot read properties of undefined \(reading 'name'\)/);
      assert.doesNotMatch(error.message, /promises were still active/);
      return true;
    });
    await assert.rejects(loadSynthesis(ANALYTICS), /acme\/shop\/dev/);
    const good = await loadSynthesis(ANALYTICS, { stackReferences: { "acme/shop/dev": SHOP_OUTPUTS } });
    assert.equal(good.project, "analytics");
    const rules = good.resources.filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule");
    assert.deepEqual(
      rules.map((r) => [r.name, r.inputs.eventBusName]),
      [["order-analytics-trigger", "shop-events"]],
    );
    assert.ok(!good.resources.some((r) => r.name.startsWith("broken")), "nothing of the failed program is in the good one's result");
  });
});
