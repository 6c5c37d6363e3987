import assert from "node:assert/strict";
import { asLambdaError, instrumentStep } from "../../runtime";
import { captureOutput } from "../../../local/runner/captureOutput";
import { compileDefinition } from "../../index";
import { STEP_INPUT_PARAMETERS } from "../../runtime/contract";
import { unwrapStepInput } from "../../runtime/stepInput";
import { stateMap } from "../../asl";
import { everyStepSteps, fixtureResources } from "../../../test/fixtures/everyStep";

const invocation = { awsRequestId: "req-1", getRemainingTimeInMillis: () => 1000 };

async function invokeCapturing<T>(run: () => Promise<T>): Promise<{ outcome: T | Error; lines: string[] }> {
  const capture = captureOutput();
  let outcome: T | Error;
  try {
    outcome = await run();
  } catch (error) {
    outcome = error as Error;
  }
  return { outcome, lines: capture.stop() };
}
const emfOf = (lines: string[]) => lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));

describe("instrumentStep (the Powertools wrapper every step Lambda runs)", () => {
  it("passes the context and flushes one EMF line with success, duration, cold start and business metrics", async () => {
    const lambda = instrumentStep("wf", "Step", async (input: { n: number }, context) => {
      context.metrics.addMetric("ThingsDone", "Count", input.n);
      return { doubled: input.n * 2, step: context.stepName, workflow: context.workflowName, requestId: context.requestId };
    });
    const first = await invokeCapturing(() => lambda({ n: 21 }, invocation));
    assert.deepEqual(first.outcome, { doubled: 42, step: "Step", workflow: "wf", requestId: "req-1" });
    const [emf] = emfOf(first.lines);
    assert.equal(emfOf(first.lines).length, 1);
    assert.equal(emf._aws.CloudWatchMetrics[0].Namespace, "wf");
    assert.deepEqual(emf._aws.CloudWatchMetrics[0].Dimensions, [["service"]]);
    assert.equal(emf.StepSucceeded, 1);
    assert.equal(emf.ThingsDone, 21);
    assert.equal(emf.ColdStart, 1);
    const second = await invokeCapturing(() => lambda({ n: 1 }, invocation));
    assert.equal(emfOf(second.lines)[0].ColdStart, undefined, "only the first invocation is a cold start");
  });

  it("rethrows failures under their own name, counted with an errorName dimension and logged as JSON", async () => {
    class PaymentDeclined extends Error {
      constructor() {
        super("declined");
        this.name = "PaymentDeclined";
      }
    }
    const lambda = instrumentStep("wf", "Charge", async () => {
      throw new PaymentDeclined();
    });
    const { outcome, lines } = await invokeCapturing(() => lambda({}, invocation));
    assert.ok(outcome instanceof Error);
    assert.equal(outcome.name, "PaymentDeclined");
    const [emf] = emfOf(lines);
    assert.equal(emf.StepFailed, 1);
    assert.equal(emf.errorName, "PaymentDeclined");
    assert.ok(lines.some((l) => l.includes('"level":"ERROR"') && l.includes("Charge failed with PaymentDeclined")));
  });

  it("turns thrown non-Errors and hollow errors into real Errors that keep their name (what Lambda reports)", () => {
    const fromObject = asLambdaError({ name: "ThrottlingException", retryAfter: 3 });
    assert.ok(fromObject instanceof Error);
    assert.equal(fromObject.name, "ThrottlingException");
    assert.equal(typeof fromObject.stack, "string");
    assert.equal((fromObject as any).retryAfter, 3);
    const hollow = Object.create(Error.prototype, { name: { value: "InsufficientFundsError" } });
    assert.equal(asLambdaError(hollow).name, "InsufficientFundsError");
    assert.equal(typeof asLambdaError(hollow).message, "string");
    assert.equal(asLambdaError("boom").name, "NonErrorThrown");
    assert.equal(asLambdaError("boom").message, "boom");
    const real = new RangeError("x");
    assert.equal(asLambdaError(real), real);
  });
});

describe("the Lambda task envelope (Parameters: state input + $$.Execution.Id)", () => {
  it("unwraps the state input for the handler and logs the execution id Step Functions passed", async () => {
    const seen: unknown[] = [];
    const lambda = instrumentStep("wf", "Step", async (input: { orderId: string }, context) => {
      seen.push(input);
      context.logger.info("working");
      return { ok: input.orderId };
    });
    const executionId = "arn:aws:states:us-east-1:123456789012:execution:wf-dev:0f4b7c2e";
    const { outcome, lines } = await invokeCapturing(() =>
      lambda({ edwStepInput: true, payload: { orderId: "ord-1" }, executionId }, invocation),
    );
    assert.deepEqual(outcome, { ok: "ord-1" });
    assert.deepEqual(seen, [{ orderId: "ord-1" }]);
    const log = lines.map((l) => JSON.parse(l)).find((l) => l.message === "working");
    assert.equal(log.executionId, executionId);
  });

  it("passes any other input through unchanged (a direct invocation, a test)", () => {
    assert.deepEqual(unwrapStepInput({ payload: 1 }), { payload: { payload: 1 } });
    assert.deepEqual(unwrapStepInput("x"), { payload: "x" });
    assert.deepEqual(unwrapStepInput({ edwStepInput: true, payload: [1], executionId: "e" }), { payload: [1], executionId: "e" });
  });

  it("is the Parameters of every Lambda task the compiler emits", () => {
    const asl = compileDefinition(everyStepSteps(), fixtureResources);
    const lambdaTasks = [...stateMap(asl)].filter(([, s]) => s.Type === "Task" && String(s.Resource).includes(":function:"));
    assert.equal(lambdaTasks.length, 2);
    for (const [, state] of lambdaTasks) assert.deepEqual(state.Parameters, STEP_INPUT_PARAMETERS);
  });
});

describe("instrumentStep's options", () => {
  it("logs at the level of POWERTOOLS_LOG_LEVEL (the component sets it from lambda.logLevel)", async () => {
    process.env.POWERTOOLS_LOG_LEVEL = "WARN";
    try {
      const lambda = instrumentStep("wf", "Quiet", async (_input: unknown, context) => {
        context.logger.info("routine detail");
        context.logger.warn("worth a look");
        return "done";
      });
      const { lines } = await invokeCapturing(() => lambda({}, invocation));
      assert.ok(lines.some((l) => l.includes("worth a look")));
      assert.ok(!lines.some((l) => l.includes("routine detail")));
    } finally {
      delete process.env.POWERTOOLS_LOG_LEVEL;
    }
  });

  it("runs an idempotent handler once per key through the persistence layer it is given, created at the first invocation", async () => {
    const { InMemoryIdempotencyStore } = await import("../../../local/simulators/idempotency");
    const store = new InMemoryIdempotencyStore();
    let layersCreated = 0;
    let runs = 0;
    const lambda = instrumentStep("wf", "Once", async (input: { id: string }) => ({ id: input.id, run: ++runs }), {
      idempotency: { keyPath: "id" },
      persistenceLayer: () => {
        layersCreated++;
        return store.persistenceLayer();
      },
    });
    assert.equal(layersCreated, 0, "nothing is created before the first invocation (never at deploy time)");
    const first = await invokeCapturing(() => lambda({ id: "a" }, invocation));
    const again = await invokeCapturing(() => lambda({ id: "a" }, invocation));
    const other = await invokeCapturing(() => lambda({ id: "b" }, invocation));
    assert.deepEqual(
      [first.outcome, again.outcome, other.outcome],
      [
        { id: "a", run: 1 },
        { id: "a", run: 1 },
        { id: "b", run: 2 },
      ],
    );
    assert.equal(layersCreated, 1);
    assert.equal(emfOf(again.lines)[0].IdempotentReplays, 1);
    assert.equal(emfOf(again.lines)[0].StepSucceeded, 1);
  });
});
