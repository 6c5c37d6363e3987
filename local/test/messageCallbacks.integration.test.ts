/**
 * Callbacks through a queue or a topic (`waitForCallback` with `queue`/`topic`), run locally through the test kit: each
 * message is recorded with the task token in it, and the wait is answered as a Lambda's hand-off is (`callbacks`),
 * or ends with its heartbeat when nobody answers (under simulated time).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RunnerInputError } from "../input/eventInput";
import { messagesTo, runEvents } from "../testing";

const PROGRAM = join(__dirname, "fixtures", "messageCallbacks.ts");
const flagged = { source: "shop.orders", "detail-type": "Order Flagged", detail: { orderId: "o-7" } };
/** The review workflow alone: the report job's ECS call would need a stand-in. */
const reviews = { workflows: ["reviewPipeline"] };

describe("waitForCallback through a queue or a topic, run locally (test kit)", function () {
  this.timeout(120_000);

  it("records each message with its token and makes the answers the states' results", async () => {
    const [report] = await runEvents(PROGRAM, flagged, {
      ...reviews,
      callbacks: { AwaitReview: { success: { approved: true } }, AwaitPartner: { success: { partner: "acme" } } },
    });
    const run = report.executions[0];
    assert.equal(run.status, "SUCCEEDED", `${run.error}: ${run.cause}`);
    assert.deepEqual(run.path, ["AwaitReview", "AwaitPartner"]);
    assert.deepEqual((run.output as { review: unknown }).review, { approved: true });
    assert.deepEqual((run.output as { partner: unknown }).partner, { partner: "acme" });
    assert.deepEqual(
      run.published.map((p) => [p.state, p.service]),
      [
        ["AwaitReview", "sqs"],
        ["AwaitPartner", "sns"],
      ],
    );
    const [review] = messagesTo(run.published, "sqs").map((p) => p.request);
    const [partner] = messagesTo(run.published, "sns").map((p) => p.request);
    assert.equal(review.QueueUrl, "https://sqs.us-east-1.amazonaws.com/123456789012/reviews");
    assert.equal(review.MessageBody.orderId, "o-7");
    assert.equal(typeof review.MessageBody.taskToken, "string");
    assert.equal(partner.TopicArn, "arn:aws:sns:us-east-1:123456789012:partners");
    assert.deepEqual(Object.keys(partner.Message).sort(), ["input", "state", "taskToken"]);
    assert.equal(partner.Message.state, "AwaitPartner");
  });

  it("a failure answer is the state's error (caught), and an unanswered wait ends with its missed heartbeat", async () => {
    const [report] = await runEvents(PROGRAM, flagged, {
      ...reviews,
      clock: "virtual",
      callbacks: { AwaitReview: { failure: "ReviewRejected", cause: "not ours" } },
    });
    const run = report.executions[0];
    assert.deepEqual(run.path, ["AwaitReview", "Rejected"]);
    assert.equal(run.status, "FAILED");
    assert.equal(run.error, "States.Timeout");
    assert.deepEqual(messagesTo(run.published, "sns").at(-1)?.request.Message, {
      kind: "rejected",
      orderId: "o-7",
      taskToken: messagesTo(run.published, "sqs")[0].request.MessageBody.taskToken,
    });
    const [partnerSilent] = await runEvents(PROGRAM, flagged, {
      ...reviews,
      clock: "virtual",
      callbacks: { AwaitReview: { success: {} } },
    });
    assert.equal(partnerSilent.executions[0].error, "States.HeartbeatTimeout");
    assert.deepEqual(partnerSilent.executions[0].path, ["AwaitReview", "AwaitPartner"]);
  });

  it("an API call that waits for its token is made (through its stand-in) with the token, then answered", async () => {
    const requests: { Overrides: { ContainerOverrides: { Environment: { Value: string }[] }[] } }[] = [];
    const [report] = await runEvents(
      PROGRAM,
      { source: "shop.reports", "detail-type": "Report Requested", detail: {} },
      {
        services: { "ecs:runTask": (request) => (requests.push(request), { Tasks: [{ TaskArn: "t-1" }] }) },
        callbacks: { RunReport: { success: { rows: 42 } } },
      },
    );
    const run = report.executions[0];
    assert.equal(run.status, "SUCCEEDED", `${run.error}: ${run.cause}`);
    assert.deepEqual((run.output as { report: unknown }).report, { rows: 42 });
    assert.equal(requests.length, 1);
    assert.equal(typeof requests[0].Overrides.ContainerOverrides[0].Environment[0].Value, "string");
  });

  it("refuses an answer for a state that is not a callback, suggesting the closest", async () => {
    await assert.rejects(
      runEvents(PROGRAM, flagged, { ...reviews, callbacks: { AwaitReviw: { success: {} } } }),
      (error: Error) => error instanceof RunnerInputError && /did you mean "AwaitReview"/.test(error.message),
    );
  });
});
