/**
 * Direct service calls run locally through the test kit: DynamoDB item calls against the local DynamoDB stand-in (with
 * its conditional writes), an S3 read against the test's stand-in, an EventBridge event recorded; a call without a
 * stand-in is refused before anything runs, naming it and how to supply one.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RunnerInputError } from "../input/eventInput";
import { runEvents } from "../testing";

const PROGRAM = join(__dirname, "fixtures", "serviceCalls.ts");
const uploaded = (videoId: string) => ({
  source: "media.upload",
  "detail-type": "Video Uploaded",
  detail: { videoId, title: "Launch", seconds: 42 },
});

describe("callAwsService, run locally (test kit)", function () {
  this.timeout(120_000);

  it("puts and gets the item in the local DynamoDB, asks the S3 stand-in, records the event; a repeated put fails as DynamoDB's would", async () => {
    const requests: unknown[] = [];
    const [first, repeated] = await runEvents(PROGRAM, [uploaded("v-1"), uploaded("v-1")], {
      services: {
        "s3:getObject": (request) => {
          requests.push(request);
          return { ContentLength: 2048, Body: "..." };
        },
      },
    });
    const run = first.executions[0];
    assert.equal(run.status, "SUCCEEDED", `${run.error}: ${run.cause}`);
    assert.deepEqual(run.path, ["BuildRecord", "SaveVideo", "ReadBack", "ReadThumbnail", "Announce"]);
    const output = run.output as { saved: unknown; thumbnail: unknown };
    assert.deepEqual(output.saved, { title: "Launch (42s)" });
    assert.deepEqual(output.thumbnail, { bytes: 2048 });
    assert.deepEqual(requests, [{ Bucket: "media-thumbnails", Key: "v-1.jpg" }]);
    assert.deepEqual(
      run.published.map((p) => [p.state, p.service, p.service === "events" ? p.request.Entries[0].detail : undefined]),
      [["Announce", "events", { id: "v-1", title: "Launch (42s)" }]],
    );
    const again = repeated.executions[0];
    assert.equal(again.status, "FAILED");
    assert.equal(again.error, "DynamoDB.ConditionalCheckFailedException");
  });

  it("refuses a call without a stand-in before running, naming the state, the call and how to give one", async () => {
    await assert.rejects(
      runEvents(PROGRAM, uploaded("v-2")),
      (error: Error) =>
        error instanceof RunnerInputError &&
        /ReadThumbnail \(s3:getObject\)/.test(error.message) &&
        /--service <service:action>=<response\.json>/.test(error.message) &&
        /services: \{ "<service:action>"/.test(error.message),
    );
  });
});
