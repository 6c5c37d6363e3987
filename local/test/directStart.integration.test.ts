/**
 * Starting one workflow directly with an input, as a schedule or StartExecution would (no event, no rule):
 * `edw-local --workflow <name> --input <file>` and the test kit's `runWorkflow`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCommandLine } from "../cli/run";
import { RunnerInputError } from "../input/eventInput";
import { runWorkflow } from "../testing";

const PROGRAM = join(__dirname, "fixtures", "childWorkflows.ts");

describe("starting a workflow directly", function () {
  this.timeout(120_000);

  it("runs the named workflow on the input, whatever its trigger", async () => {
    const report = await runWorkflow(PROGRAM, "transcoding", { videoId: "v-9", profile: "720p" });
    assert.equal(report.status, "SUCCEEDED");
    assert.deepEqual(report.matches, [{ workflow: "transcoding", matched: true, reasons: ["started directly"] }]);
    assert.deepEqual(report.executions[0].output, { videoId: "v-9", renditions: ["v-9-720p.mp4"] });
  });

  it("refuses a workflow the program does not have, naming the ones it has", async () => {
    await assert.rejects(
      runWorkflow(PROGRAM, "transcode", {}),
      (error: Error) => error instanceof RunnerInputError && /No workflow named transcode .*transcoding/.test(error.message),
    );
  });

  it("edw-local --input needs exactly one --workflow and no event files", () => {
    assert.deepEqual(parseCommandLine(["index.ts", "--workflow", "nightly", "--input", "in.json"])?.direct, {
      workflow: "nightly",
      input: "in.json",
    });
    for (const argv of [
      ["index.ts", "--input", "in.json"],
      ["index.ts", "--workflow", "a", "--workflow", "b", "--input", "in.json"],
      ["index.ts", "event.json", "--workflow", "a", "--input", "in.json"],
    ])
      assert.throws(
        () => parseCommandLine(argv),
        (e: Error) => e instanceof RunnerInputError && /exactly one --workflow/.test(e.message),
        argv.join(" "),
      );
  });
});
