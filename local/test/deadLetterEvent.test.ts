/**
 * Every dead letter a workflow sends (`sendToDeadLetterQueue`) is replayable, whatever the steps before it made of the
 * state: the message carries the event that started the execution in its EDW_ORIGINAL_EVENT attribute, and the
 * replay puts back that event, not the state. Shown after each kind of step that can replace the state, executed
 * in-process (aws-local-stepfunctions) as the local runner executes them.
 */
import assert from "node:assert/strict";
import { compileDefinition, map, parallel, pass, sendToDeadLetterQueue, task, type Step } from "event-driven-workflow";
import { readDeadLetter, sentDeadLetters } from "../deadLetters/messages";
import { bindTaskSteps, localResources } from "../runner/bindSteps";
import { LocalWorkflow } from "../runner/execute";

const event = {
  id: "e-1",
  source: "claims.service",
  "detail-type": "Claim Filed",
  time: "2026-12-01T10:00:00Z",
  resources: [],
  detail: { claimId: "c-1", items: [1, 2] },
};

const steps: Record<string, Step> = {
  "a task returning a new object": task("Assess", { handler: async () => ({ verdict: "rejected" }), timeoutSeconds: 10 }),
  "a pass with a result": pass("Replace", { result: { replaced: true } }),
  "a map": map("Each", { itemsPath: "$.detail.items", steps: [pass("Item", { result: "x", end: true })] }),
  "a parallel": parallel("Both", { branches: [[pass("Left", { result: 1, end: true })], [pass("Right", { result: 2, end: true })]] }),
};

describe("dead letters the workflow sends are replayable after any step", () => {
  for (const [kind, step] of Object.entries(steps)) {
    it(`after ${kind}: the replay puts back the original event`, async () => {
      const list = [step, sendToDeadLetterQueue("QueueForRetry", { end: true })];
      const definition = compileDefinition(list, localResources("claims", list), { timeoutSeconds: 60 });
      const result = await new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("claims", list) }).run(event);
      assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
      const [message] = sentDeadLetters(result.published, () => "m-1");
      assert.notDeepEqual(JSON.parse(message.Body!), event, "the body is the state the step made");
      const letter = readDeadLetter(message);
      assert.equal(letter.problem, undefined, letter.problem);
      assert.deepEqual(letter.event, {
        id: "e-1",
        source: "claims.service",
        detailType: "Claim Filed",
        detail: event.detail,
        resources: [],
        time: "2026-12-01T10:00:00Z",
      });
    });
  }

  it("still reads a message without the attribute (sent before it existed) from its body", () => {
    const letter = readDeadLetter({ MessageId: "old", Body: JSON.stringify({ ...event, error: { Error: "Down" } }) });
    assert.equal(letter.event?.source, "claims.service");
    assert.equal(letter.origin, "workflow");
  });

  it("names a broken attribute instead of putting anything back", () => {
    const letter = readDeadLetter({
      MessageId: "bad",
      Body: "{}",
      MessageAttributes: { EDW_ORIGINAL_EVENT: { DataType: "String", StringValue: "{not json" } },
    });
    assert.match(letter.problem ?? "", /EDW_ORIGINAL_EVENT attribute is not JSON/);
  });
});
