/**
 * waitForCallback: the compiled `.waitForTaskToken` Task, its validation, the hand-off Lambda's timeout, the token in
 * the handler's context (and nowhere it writes), and the grant that answers it (IAM simulated offline).
 */
import assert from "node:assert/strict";
import {
  compileDefinition,
  map,
  parallel,
  validateSettings,
  lambdaTimeoutOf,
  taskResponsePolicy,
  validateSteps,
  waitForCallback,
  WorkflowDefinitionError,
} from "../../index";
import { APPROVAL_LOCAL_SECRET_ENV, APPROVAL_URL_ENV, decodeApprovalToken, instrumentStep, localMac } from "../../runtime";
import { aslErrors } from "../../../test/support/asl";
import { decide } from "../../../test/support/iamSimulation";
import { captureOutput } from "../../../local/runner/captureOutput";

const resources = {
  functionArns: { Approve: "arn:aws:lambda:us-east-1:123456789012:function:approve" },
  alertTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
  deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
  defaultEventBusName: "default",
};
const approve = (options: Partial<Parameters<typeof waitForCallback>[1]> = {}) =>
  waitForCallback("Approve", { handler: async () => undefined, timeoutSeconds: 86_400, end: true, ...options });
const problemsOf = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WorkflowDefinitionError) return error.problems.map((p) => `${p.step}: ${p.message}`);
    throw error;
  }
  return [];
};

describe("waitForCallback", () => {
  it("compiles to lambda:invoke.waitForTaskToken with the token in the payload, a timeout and a heartbeat", () => {
    const asl = compileDefinition(
      [
        approve({ heartbeatSeconds: 3600, catch: [{ errors: ["States.Timeout"], next: "Expired" }], end: undefined }),
        { kind: "fail", name: "Expired", error: "E", cause: "c" },
      ],
      resources,
    );
    const state = asl.States.Approve as Record<string, any>;
    assert.equal(state.Resource, "arn:aws:states:::lambda:invoke.waitForTaskToken");
    assert.equal(state.Parameters.FunctionName, resources.functionArns.Approve);
    assert.equal(state.Parameters.Payload["taskToken.$"], "$$.Task.Token");
    assert.equal(state.Parameters.Payload["payload.$"], "$");
    assert.equal(state.TimeoutSeconds, 86_400);
    assert.equal(state.HeartbeatSeconds, 3600);
    assert.deepEqual(aslErrors(asl), []);
  });

  it("gives the hand-off Lambda a short timeout of its own, not the wait's", () => {
    assert.equal(lambdaTimeoutOf(approve()), 30);
    assert.equal(lambdaTimeoutOf(approve({ handlerTimeoutSeconds: 10 })), 10);
    assert.equal(lambdaTimeoutOf({ timeoutSeconds: 30 }), 27);
  });

  it("refuses a missing or unbounded wait, a heartbeat not shorter than it, a bad hand-off timeout and idempotency", () => {
    assert.match(
      problemsOf(() => validateSteps([approve({ timeoutSeconds: undefined as unknown as number })])).join("\n"),
      /Approve: has no `timeoutSeconds`/,
    );
    assert.match(problemsOf(() => validateSteps([approve({ timeoutSeconds: 100_000_000 })])).join("\n"), /at most 99999999/);
    assert.match(
      problemsOf(() => validateSteps([approve({ heartbeatSeconds: 86_400 })])).join("\n"),
      /heartbeat must be due before the wait ends/,
    );
    assert.match(problemsOf(() => validateSteps([approve({ heartbeatSeconds: 0 })])).join("\n"), /heartbeatSeconds: 0/);
    assert.match(problemsOf(() => validateSteps([approve({ handlerTimeoutSeconds: 901 })])).join("\n"), /from 1 to 900/);
    const withIdempotency = { ...approve(), idempotency: { keyPath: "id" } };
    assert.match(problemsOf(() => validateSteps([withIdempotency])).join("\n"), /callback task with `idempotency`/);
    assert.deepEqual(
      problemsOf(() => validateSteps([approve({ heartbeatSeconds: 600 })])),
      [],
    );
  });

  it("hands the token to the handler in its context, and masks it in everything the step writes", async () => {
    const token = "AQCEAAAAKgAAAAMAAAAAAAAAAXdUaGlzSXNBU2VjcmV0VGFza1Rva2Vu";
    let seen: string | undefined;
    const lambda = instrumentStep("refunds", "Approve", async (_input: unknown, context) => {
      seen = context.taskToken;
      context.logger.info(`sending ${context.taskToken} to the approvals inbox`);
      throw new Error(`inbox refused token ${context.taskToken}`);
    });
    const capture = captureOutput();
    let thrown: Error | undefined;
    try {
      await lambda(
        { edwStepInput: true, payload: { refundId: "rf-1" }, taskToken: token },
        { awsRequestId: "r", getRemainingTimeInMillis: () => 1000 },
      );
    } catch (error) {
      thrown = error as Error;
    } finally {
      const lines = capture.stop();
      assert.ok(lines.length > 0);
      assert.ok(
        lines.every((line) => !line.includes(token)),
        lines.join("\n"),
      );
    }
    assert.equal(seen, token);
    assert.ok(thrown && !thrown.message.includes(token) && thrown.message.includes("[REDACTED]"), thrown?.message);
  });

  it("hands approve and reject links carrying the token, signed and expiring, and never writes them", async () => {
    const token = "AQCEAAAAKgAAAAMAAAAAAAAAAXdUaGlzSXNBbm90aGVyVGFza1Rva2Vu";
    const secret = "local-test-secret";
    const saved = { url: process.env[APPROVAL_URL_ENV], secret: process.env[APPROVAL_LOCAL_SECRET_ENV] };
    process.env[APPROVAL_URL_ENV] = "https://approvals.example/";
    process.env[APPROVAL_LOCAL_SECRET_ENV] = secret;
    let links: { approve: string; reject: string } | undefined;
    const lambda = instrumentStep(
      "refunds",
      "Approve",
      async (_input: unknown, context) => {
        links = context.approvalLinks;
        context.logger.info(`mailing ${links?.approve} and ${links?.reject}`);
      },
      { approvalLinkSeconds: 3600 },
    );
    const capture = captureOutput();
    try {
      await lambda({ edwStepInput: true, payload: {}, taskToken: token }, { awsRequestId: "r", getRemainingTimeInMillis: () => 1000 });
    } finally {
      const lines = capture.stop();
      assert.ok(
        lines.every((line) => !line.includes(token) && !(links && line.includes(links.approve))),
        lines.join("\n"),
      );
      process.env[APPROVAL_URL_ENV] = saved.url;
      process.env[APPROVAL_LOCAL_SECRET_ENV] = saved.secret;
      if (saved.url === undefined) delete process.env[APPROVAL_URL_ENV];
      if (saved.secret === undefined) delete process.env[APPROVAL_LOCAL_SECRET_ENV];
    }
    assert.ok(links);
    const now = Math.floor(Date.now() / 1000);
    const approveToken = new URL(links.approve).searchParams.get("token")!;
    const rejectToken = new URL(links.reject).searchParams.get("token")!;
    assert.deepEqual(await decodeApprovalToken(approveToken, localMac(secret), now).then((c) => [c.taskToken, c.decision]), [
      token,
      "approve",
    ]);
    assert.deepEqual(await decodeApprovalToken(rejectToken, localMac(secret), now).then((c) => [c.taskToken, c.decision]), [
      token,
      "reject",
    ]);
    await assert.rejects(decodeApprovalToken(approveToken, localMac("another key"), now), { name: "ApprovalLinkInvalid" });
    await assert.rejects(decodeApprovalToken(approveToken, localMac(secret), now + 3601), { name: "ApprovalLinkExpired" });
  });

  it("grants answering (SendTaskSuccess, Failure, Heartbeat) and nothing else: IAM has no tighter scope for them", async () => {
    const policy = taskResponsePolicy();
    for (const action of ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"])
      assert.equal(await decide(policy, action, "*"), "Allowed");
    assert.equal(
      await decide(policy, "states:StartExecution", "arn:aws:states:us-east-1:123456789012:stateMachine:refunds"),
      "ImplicitlyDenied",
    );
    assert.equal(
      await decide(policy, "states:StopExecution", "arn:aws:states:us-east-1:123456789012:execution:refunds:x"),
      "ImplicitlyDenied",
    );
  });

  it("is refused in an EXPRESS workflow and in a Distributed Map's EXPRESS item executions, at any depth", () => {
    const settings = (workflowType: "STANDARD" | "EXPRESS") => ({ timeoutSeconds: 300, workflowType });
    const nested = [parallel("Both", { branches: [[approve({ timeoutSeconds: 60 })]], end: true })];
    assert.deepEqual(
      problemsOf(() => validateSettings(settings("EXPRESS"), nested)),
      [
        "Approve: is a waitForCallback step in the EXPRESS workflow: AWS refuses .waitForTaskToken in EXPRESS executions. Use a STANDARD workflow, or move the wait out.",
      ],
    );
    const distributed = (itemExecutionType: "STANDARD" | "EXPRESS") => [
      map("PerItem", {
        itemsPath: "$.items",
        steps: [approve({ timeoutSeconds: 60 })],
        toleratedFailureCount: 1,
        itemExecutionType,
        end: true,
      }),
    ];
    assert.match(
      problemsOf(() => validateSettings(settings("STANDARD"), distributed("EXPRESS"))).join("\n"),
      /^Approve: is a waitForCallback step in the EXPRESS item executions of Distributed Map "PerItem": .*Set `itemExecutionType: "STANDARD"` on the Map, or move the wait out\.$/,
    );
    assert.deepEqual(
      problemsOf(() => validateSettings(settings("STANDARD"), distributed("STANDARD"))),
      [],
    );
    assert.deepEqual(
      problemsOf(() => validateSettings(settings("STANDARD"), nested)),
      [],
    );
  });
});
