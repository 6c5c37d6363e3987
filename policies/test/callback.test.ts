/**
 * Callback Tasks (`.waitForTaskToken`) in the pack: one without TimeoutSeconds is a mandatory violation, one waiting
 * beyond an hour without HeartbeatSeconds is advisory, and a callback may wait longer than a plain Task.
 */
import assert from "node:assert/strict";
import { sfnCallbackHeartbeat, sfnTaskTimeout } from "../stepfunctions";
import { runResourcePolicy } from "../../test/support/policyHarness";
import { stateMachine } from "../../test/fixtures/policy/stack";

const callback = (extra: Record<string, unknown>, Resource = "arn:aws:states:::lambda:invoke.waitForTaskToken") =>
  stateMachine("refunds", {
    StartAt: "Approve",
    TimeoutSeconds: 172_800,
    States: {
      Approve: {
        Type: "Task",
        Resource,
        Parameters: { FunctionName: "arn:aws:lambda:us-east-1:123456789012:function:approve", "Payload.$": "$" },
        End: true,
        ...extra,
      },
    },
  });

describe("policies on callback Tasks", () => {
  it("sfn-task-timeout: a callback without TimeoutSeconds is a mandatory violation; its own ceiling is a week", async () => {
    const missing = await runResourcePolicy(sfnTaskTimeout, callback({}));
    assert.deepEqual(
      missing.diagnostics.map((d) => d.enforcementLevel),
      ["mandatory"],
    );
    assert.match(missing.violations[0], /Task States\.Approve has no TimeoutSeconds/);
    assert.deepEqual((await runResourcePolicy(sfnTaskTimeout, callback({ TimeoutSeconds: 86_400 }))).violations, []);
    const tooLong = await runResourcePolicy(sfnTaskTimeout, callback({ TimeoutSeconds: 1_209_600 }));
    assert.match(tooLong.violations[0], /above the maximum of 604800/);
  });

  it("sfn-task-timeout: a token sent through a queue waits like a callback; a job (.sync) has its own ceiling of two days", async () => {
    const queueWait = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
    assert.deepEqual((await runResourcePolicy(sfnTaskTimeout, callback({ TimeoutSeconds: 86_400 }, queueWait))).violations, []);
    const glueJob = "arn:aws:states:::glue:startJobRun.sync";
    assert.deepEqual((await runResourcePolicy(sfnTaskTimeout, callback({ TimeoutSeconds: 86_400 }, glueJob))).violations, []);
    const tooLong = await runResourcePolicy(sfnTaskTimeout, callback({ TimeoutSeconds: 259_200 }, glueJob));
    assert.match(tooLong.violations[0], /above the maximum of 172800\. Fix: .*raise this policy's maxJobTimeoutSeconds/);
    const plainCall = "arn:aws:states:::glue:startJobRun";
    const tooLongCall = await runResourcePolicy(sfnTaskTimeout, callback({ TimeoutSeconds: 7200 }, plainCall));
    assert.match(tooLongCall.violations[0], /above the maximum of 3600\. Fix: .*raise this policy's maxTimeoutSeconds/);
  });

  it("sfn-callback-heartbeat: advisory beyond an hour without HeartbeatSeconds; silent with a heartbeat or a short wait", async () => {
    const silent = await runResourcePolicy(sfnCallbackHeartbeat, callback({ TimeoutSeconds: 86_400 }));
    assert.deepEqual(
      silent.diagnostics.map((d) => d.enforcementLevel),
      ["advisory"],
    );
    assert.match(silent.violations[0], /callback Task States\.Approve waits up to 86400 s with no HeartbeatSeconds/);
    assert.deepEqual(
      (await runResourcePolicy(sfnCallbackHeartbeat, callback({ TimeoutSeconds: 86_400, HeartbeatSeconds: 600 }))).violations,
      [],
    );
    assert.deepEqual((await runResourcePolicy(sfnCallbackHeartbeat, callback({ TimeoutSeconds: 1800 }))).violations, []);
  });
});
