/**
 * A workflow on a schedule, locally: `runWorkflow` (and `edw-local --workflow <name> --input <file>`) starts it, with
 * its schedule's input by default; an event never starts it, and the report says how to; its graph's Start marker
 * names the schedule; and the policy pack passes its schedule, role and queue policy.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkProgram } from "../check/check";
import { workflowGraphDocument } from "../cli/graph";
import { graphMarkdown } from "../graph/document";
import { LocalRunner } from "../runner/runner";
import { runEvents, runWorkflow } from "../testing";

const PROGRAM = join(__dirname, "fixtures", "scheduled.ts");

describe("a workflow on a schedule, run locally", function () {
  this.timeout(120_000);

  it("starts directly, with the schedule's input unless given another", async () => {
    const scheduled = await runWorkflow(PROGRAM, "nightly-report");
    assert.equal(scheduled.status, "SUCCEEDED");
    assert.deepEqual(scheduled.executions[0].output, { built: "daily" });
    const given = await runWorkflow(PROGRAM, "nightly-report", { report: "weekly" });
    assert.deepEqual(given.executions[0].output, { built: "weekly" });
  });

  it("is not started by an event: the report says to start it with --workflow/--input", async () => {
    const [report] = await runEvents(PROGRAM, { source: "report.service", "detail-type": "Nightly", detail: {} });
    assert.equal(report.status, "NOT_MATCHED");
    const reasons = report.matches.find((m) => m.workflow === "nightly-report")!.reasons.join(" ");
    assert.match(reasons, /runs on a schedule \(cron\(0 2 \? \* MON-FRI \*\)\), not on events/);
    assert.match(reasons, /--workflow nightly-report --input <file>/);
  });

  it("loads the schedule and labels the graph's Start marker with it", async () => {
    const runner = await LocalRunner.load(PROGRAM, { mode: "source" });
    try {
      const nightly = runner.workflows.find((w) => w.name === "nightly-report")!;
      assert.deepEqual(nightly.schedule, { expression: "cron(0 2 ? * MON-FRI *)", timezone: "Europe/Paris", input: { report: "daily" } });
      assert.equal(nightly.pattern, undefined);
      const document = workflowGraphDocument(runner.workflows, PROGRAM, "graph.md");
      const markdown = graphMarkdown(document.title, document.intro, document.sections);
      assert.match(markdown, /__start\(\("Start<br\/>schedule: cron\(0 2 \? \* MON-FRI \*\) Europe\/Paris"\)\)/);
      assert.match(
        markdown,
        /Started on the schedule `cron\(0 2 \? \* MON-FRI \*\)` \(Europe\/Paris\) with the input `\{"report":"daily"\}`/,
      );
      // The event workflow's marker stays as it was.
      assert.match(markdown, /__start\(\("Start"\)\)/);
    } finally {
      await runner.close();
    }
  });

  it("passes the policy pack: the schedule retries, has a DLQ, and the DLQ's policy lets Scheduler send", async () => {
    const report = await checkProgram(PROGRAM);
    assert.deepEqual(report.findings, []);
  });
});
