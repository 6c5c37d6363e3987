/**
 * startWorkflow run locally: a child workflow of the same program runs for real (sync returns its output, a failed
 * child fails the step with States.TaskFailed; async returns the execution ARN), with the child's execution in the
 * parent's report; a child outside the program needs a stand-in, or the run is refused naming it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RunnerInputError } from "../input/eventInput";
import { runEvents } from "../testing";

const PROGRAM = join(__dirname, "fixtures", "childWorkflows.ts");
const uploaded = (detail: Record<string, unknown>) => ({ source: "media.upload", "detail-type": "Video Uploaded", detail });

describe("startWorkflow, run locally (test kit)", function () {
  this.timeout(120_000);
  const archived: unknown[] = [];
  const services = {
    "states:startExecution": (request: unknown) => {
      archived.push(request);
      return { ExecutionArn: "arn:aws:states:us-east-1:123456789012:execution:archive:local", StartDate: "2026-01-01T00:00:00Z" };
    },
  };

  it("runs the child for real: sync gets its output, async its execution ARN; the children are in the report", async () => {
    const [report] = await runEvents(PROGRAM, uploaded({ videoId: "v-1", broken: false }), {
      services,
      workflows: ["pipeline", "transcoding"],
    });
    const parent = report.executions.find((e) => e.workflow === "pipeline")!;
    assert.equal(parent.status, "SUCCEEDED", `${parent.error}: ${parent.cause}`);
    assert.deepEqual(parent.path, ["TranscodeAndWait", "ThumbnailLater", "Archive"]);
    const output = parent.output as { transcoded: unknown; thumbnail: { started: string } };
    assert.deepEqual(output.transcoded, { renditions: ["v-1-1080p.mp4"] });
    assert.deepEqual(
      parent.children?.map((c) => [c.workflow, c.status, c.path]),
      [
        ["transcoding", "SUCCEEDED", ["Transcode"]],
        ["transcoding", "SUCCEEDED", ["Transcode"]],
      ],
    );
    assert.equal(output.thumbnail.started, parent.children?.[1].executionId);
    // The foreign child got the state input (no `input` template): the event and what the steps added.
    const [archive] = archived as { StateMachineArn: string; Input: { detail: unknown; transcoded: unknown } }[];
    assert.equal(archived.length, 1);
    assert.equal(archive.StateMachineArn, "arn:aws:states:us-east-1:123456789012:stateMachine:archive");
    assert.deepEqual(archive.Input.transcoded, { renditions: ["v-1-1080p.mp4"] });
  });

  it("fails a sync step with States.TaskFailed when the child fails, the child's error in the cause", async () => {
    const [report] = await runEvents(PROGRAM, uploaded({ videoId: "v-2", broken: true }), { services });
    const parent = report.executions.find((e) => e.workflow === "pipeline")!;
    assert.deepEqual(parent.path, ["TranscodeAndWait", "TranscodeFailed"]);
    const error = (parent.output as { error: { Error: string; Cause: string } }).error;
    assert.equal(error.Error, "States.TaskFailed");
    assert.equal(JSON.parse(error.Cause).Error, "DecodeError");
    assert.equal(parent.children?.[0].status, "FAILED");
  });

  it("refuses a child outside the program without a stand-in, naming the state", async () => {
    await assert.rejects(
      runEvents(PROGRAM, uploaded({ videoId: "v-3" })),
      (error: Error) => error instanceof RunnerInputError && /Archive \(states:startExecution\)/.test(error.message),
    );
  });
});
