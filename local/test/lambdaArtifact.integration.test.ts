import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { layerPackageClosure, materializeArchive, WarmFunction, type ArtifactInvocation } from "../lambda/artifact";
import { loadEvent } from "../../test/support/orderRun";
import { synthesizeOrderStack } from "../../test/support/orderStack";
import { ofType } from "../program/synthesize";
import { LAMBDA_RUNTIME_PACKAGE } from "../../components/stepArchive";

/** One step's CallbackFunction archive, unpacked as Lambda unpacks it (`__index.js` and the packages it carries), and its environment. */
async function artifactOf(step: string): Promise<{ taskRoot: string; environment: Record<string, string> }> {
  const { resources } = await synthesizeOrderStack();
  const fn = ofType(resources, "aws:lambda/function:Function").find((f) => f.name === `order-processing-${step}`)!;
  return { taskRoot: await materializeArchive(await fn.inputs.code.assets), environment: fn.inputs.environment.variables };
}

/** Invokes a step's artifact once, in a fresh execution environment. */
async function invokeStep(step: string, event: unknown, extraEnvironment: Record<string, string> = {}): Promise<ArtifactInvocation> {
  const { taskRoot, environment } = await artifactOf(step);
  const fn = new WarmFunction({ taskRoot, environment: { ...environment, ...extraEnvironment }, timeoutMs: 30_000 });
  try {
    return await fn.invoke(event);
  } finally {
    fn.close();
  }
}

/** The EMF objects an invocation printed; the step's own line is the one with StepDuration. */
const emfOf = (run: ArtifactInvocation) => run.stdout.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line));
const stepLineOf = (run: ArtifactInvocation) => emfOf(run).filter((m) => "StepDuration" in m);

describe("a step's deployment artifact, run as Lambda would (child process, simulated Powertools layer only)", () => {
  it("the simulated layer holds Powertools and its dependencies, nothing of the project's", () => {
    const closure = [...layerPackageClosure().keys()];
    assert.ok(closure.includes("@aws-lambda-powertools/metrics"));
    assert.ok(closure.includes("aws-xray-sdk-core"));
    assert.ok(!closure.some((name) => name.startsWith("@pulumi/")));
  });

  it("ValidateOrder's archive carries the step wrapper beside __index.js, and no layer package", async () => {
    const { taskRoot } = await artifactOf("ValidateOrder");
    assert.ok(existsSync(join(taskRoot, "node_modules", LAMBDA_RUNTIME_PACKAGE, "index.js")));
    for (const name of ["@aws-lambda-powertools/logger", "@aws-lambda-powertools/idempotency", "@aws-lambda-powertools/commons"]) {
      assert.ok(!existsSync(join(taskRoot, "node_modules", name)), `${name} must come from the layer`);
    }
  });

  it("ValidateOrder's artifact validates the happy event and prints one EMF metrics line", async () => {
    const run = await invokeStep("ValidateOrder", loadEvent("happy"));
    assert.equal(run.projectModulesVisible, false, "the project's node_modules must not be resolvable from the artifact");
    assert.equal(run.error, undefined, `the artifact threw: ${JSON.stringify(run.error)}\n${run.stderr}`);
    assert.deepEqual(run.result, {
      orderId: "ord-1001",
      customerId: "cust-999",
      items: [
        { sku: "SKU-TSHIRT-M", quantity: 2, unitPrice: 19.99 },
        { sku: "SKU-MUG", quantity: 1, unitPrice: 90.01 },
      ],
      totalAmount: 129.99,
      currency: "USD",
      cardToken: "tok_visa",
    });
    const emf = emfOf(run);
    assert.equal(emf.length, 1, run.stdout.join("\n"));
    assert.equal(emf[0]._aws.CloudWatchMetrics[0].Namespace, "order-processing");
    assert.equal(emf[0].service, "ValidateOrder");
    assert.equal(emf[0].StepSucceeded, 1);
    assert.equal(emf[0].ColdStart, 1);
  });

  it("ValidateOrder's artifact rejects a bad event with a ValidationError Step Functions can catch, counted by reason", async () => {
    const run = await invokeStep("ValidateOrder", loadEvent("validation-error"));
    assert.equal(run.error?.name, "ValidationError");
    assert.match(run.error!.message, /7 problem\(s\): orderId /);
    const [step] = stepLineOf(run);
    assert.equal(stepLineOf(run).length, 1);
    assert.equal(step.StepFailed, 1);
    assert.equal(step.errorName, "ValidationError");
    assert.deepEqual(
      emfOf(run)
        .filter((m) => "OrdersRejected" in m)
        .map((m) => [m.OrdersRejected, m.reason]),
      [[1, "Multiple"]],
    );
  });

  it("keeps per-container state across warm invocations: ColdStart is counted once per container", async () => {
    const { taskRoot, environment } = await artifactOf("ValidateOrder");
    const fn = new WarmFunction({ taskRoot, environment, timeoutMs: 30_000 });
    try {
      const runs = [await fn.invoke(loadEvent("happy")), await fn.invoke(loadEvent("happy")), await fn.invoke(loadEvent("happy"))];
      assert.deepEqual(
        runs.map((r) => r.coldStart),
        [true, false, false],
        "one warm process served all three",
      );
      assert.deepEqual(
        runs.map((r) => stepLineOf(r)[0].ColdStart),
        [1, undefined, undefined],
      );
    } finally {
      fn.close();
    }
  });
});
