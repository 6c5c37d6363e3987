/**
 * The test kit (`event-driven-workflow-local/testing`): one synthesis per program, stack and config per process,
 * shared by every `runEvents` call, with fresh containers and answers of their own per call.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runEvents } from "../testing";

const COUNTED = join(__dirname, "fixtures", "countedLoads.ts");
const REFUNDS = join(__dirname, "..", "..", "examples", "refund-approval");
const loads = () => (globalThis as unknown as { edwCountedLoads?: number }).edwCountedLoads ?? 0;
const counted = { source: "fixture.counted", "detail-type": "Counted", detail: {} };

describe("the test kit's runEvents", function () {
  this.timeout(120_000);

  it("synthesizes a program once per stack and config, and again when asked to", async () => {
    const before = loads();
    const [first] = await runEvents(COUNTED, counted);
    const [second] = await runEvents(COUNTED, [counted, counted]);
    assert.equal(loads(), before + 1, "the second call reused the first call's synthesis");
    assert.equal(first.status, "SUCCEEDED");
    assert.equal(second.status, "SUCCEEDED");
    await runEvents(COUNTED, counted, { config: { anything: "else" } });
    assert.equal(loads(), before + 2, "another config is another synthesis");
    await runEvents(COUNTED, counted, { freshSynthesis: true });
    assert.equal(loads(), before + 3);
  });

  it("gives each call fresh containers: a cold start and `init` resources of its own", async () => {
    const outputs = async () =>
      (await runEvents(COUNTED, [counted, counted])).map((report) => ({
        output: report.executions[0].output,
        coldStart: report.executions[0].invocations[0].coldStart,
      }));
    const expected = [
      { output: { invocationsInContainer: 1 }, coldStart: true },
      { output: { invocationsInContainer: 2 }, coldStart: false },
    ];
    assert.deepEqual(await outputs(), expected);
    assert.deepEqual(await outputs(), expected, "the second call did not inherit the first call's container");
  });

  it("answers callbacks per call, over one synthesis", async () => {
    const event = JSON.parse(readFileSync(join(REFUNDS, "events", "large-refund.json"), "utf8"));
    const settled = { AwaitSettlement: { success: { settled: true } } };
    const program = join(REFUNDS, "index.ts");
    const [approved] = await runEvents(program, event, {
      callbacks: { ManagerApproval: { success: { decision: "approved" } }, ...settled },
    });
    const [rejected] = await runEvents(program, event, { callbacks: { ManagerApproval: { failure: "ApprovalRejected" } } });
    assert.deepEqual(approved.executions[0].path, ["NeedsApproval", "ManagerApproval", "IssueRefund", "AwaitSettlement", "AnnounceRefund"]);
    assert.deepEqual(rejected.executions[0].path, ["NeedsApproval", "ManagerApproval", "AnnounceDeclined"]);
    await assert.rejects(runEvents(program, event, { callbacks: { ManagerAproval: { success: {} } } }), /did you mean "ManagerApproval"/);
  });
});
