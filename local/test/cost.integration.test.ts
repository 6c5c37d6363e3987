/**
 * `edw-local cost` on a program with callback steps (examples/refund-approval): it does not wait on a callback nobody
 * answers (ManagerApproval waits a day, AwaitSettlement for its heartbeat): it prices what ran, names what it
 * skipped, and takes a run's options (--callback, --timeout-scale, --stack, --json) to price the paths beyond.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { costCommand } from "../cli/cost";
import { captureOutput } from "../runner/captureOutput";

const EXAMPLE = join(__dirname, "..", "..", "examples", "refund-approval");
const program = join(EXAMPLE, "index.ts");
const events = ["large-refund", "small-refund"].map((name) => join(EXAMPLE, "events", `${name}.json`));

async function cost(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const capture = captureOutput();
  const code = await costCommand(argv).finally(() => lines.push(...capture.stop()));
  return { code, out: lines.join("\n") };
}

describe("edw-local cost, with callback steps", function () {
  this.timeout(120_000);

  it("stops at an unanswered callback instead of waiting for it, prices what ran and says what it skipped", async () => {
    const { code, out } = await cost([program, ...events]);
    assert.equal(code, 0, out);
    assert.match(out, /\| large-refund \| refund-approval \| STOPPED at ManagerApproval \| 2 \| 1 \|/);
    assert.match(out, /\| small-refund \| refund-approval \| STOPPED at AwaitSettlement \| 4 \| 2 \|/);
    assert.match(out, /Skipped: ManagerApproval is a callback step with no --callback answer.*--callback ManagerApproval=success:<json>/);
    assert.match(out, /Skipped: AwaitSettlement is a callback step/);
  });

  it("takes a run's options: answered callbacks price the whole path, --json gives the figures", async () => {
    const { code, out } = await cost([
      program,
      events[0],
      "--callback",
      'ManagerApproval=success:{"decision":"approved"}',
      "--callback",
      'AwaitSettlement=success:{"settled":true}',
      "--timeout-scale",
      "0.5",
      "--stack",
      "dev",
      "--json",
    ]);
    assert.equal(code, 0, out);
    const report = JSON.parse(out.slice(out.indexOf("{")));
    assert.deepEqual(report.stoppedAt, []);
    assert.equal(report.paths[0].status, "SUCCEEDED");
    assert.equal(report.paths[0].cost.stateTransitions, 5);
  });

  it("leaves no timer of a stopped execution behind (its day-long callback wait, its TimeoutSeconds): the process can exit", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;
    const settled = () => new Promise((resolve) => setImmediate(resolve));
    await settled(); // mocha's own timer for this test is set by then
    const before = timers();
    const { code, out } = await cost([program, events[0]]);
    assert.match(out, /STOPPED at ManagerApproval/);
    assert.equal(code, 0, out);
    // Short timers of the run (a drain, a lowering) end by then; the stopped execution's are a day and five days long.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await settled();
    assert.equal(timers(), before, String(process.getActiveResourcesInfo()));
  });

  it("refuses a bad option or input as a usage error (exit 2)", async () => {
    assert.equal((await cost([program, events[0], "--timeout-scale", "zero"])).code, 2);
    assert.equal((await cost([program, events[0], "--graph", "g.md"])).code, 2);
    assert.equal((await cost([program, EXAMPLE])).code, 2, "a directory is no event file");
  });
});
