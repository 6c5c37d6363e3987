import assert from "node:assert/strict";
import { invokeArtifact, layerPackageClosure } from "../local/lambdaArtifact";
import { loadEvent } from "./support/orderRun";
import { synthesizeOrderStack } from "./support/orderStack";
import { ofType } from "./support/pulumiMocks";

/** The serialized `__index.js` and environment of one step's CallbackFunction. */
async function artifactOf(step: string): Promise<{ source: string; environment: Record<string, string> }> {
  const { resources } = await synthesizeOrderStack();
  const fn = ofType(resources, "aws:lambda/function:Function").find((f) => f.name === `order-processing-${step}`)!;
  const assets = await fn.inputs.code.assets;
  return { source: await assets["__index.js"].text, environment: fn.inputs.environment.variables };
}

describe("a step's deployment artifact, run as Lambda would (child process, simulated Powertools layer only)", function () {
  it("the simulated layer holds Powertools and its dependencies, nothing of the project's", () => {
    const closure = layerPackageClosure();
    assert.ok(closure.includes("@aws-lambda-powertools/metrics"));
    assert.ok(closure.includes("aws-xray-sdk-core"));
    assert.ok(!closure.some((name) => name.startsWith("@pulumi/")));
  });

  it("ValidateOrder's __index.js validates the happy event and prints one EMF metrics line", async () => {
    const { source, environment } = await artifactOf("ValidateOrder");
    const run = await invokeArtifact(source, loadEvent("happy"), { environment });
    assert.equal(run.projectModulesVisible, false, "the project's node_modules must not be resolvable from the artifact");
    assert.equal(run.error, undefined, `the artifact threw: ${JSON.stringify(run.error)}\n${run.stderr}`);
    assert.deepEqual(run.result, {
      orderId: "ord-1001",
      customerId: "cust-999",
      items: [{ sku: "SKU-TSHIRT-M", quantity: 2, unitPrice: 19.99 }, { sku: "SKU-MUG", quantity: 1, unitPrice: 90.01 }],
      totalAmount: 129.99,
      currency: "USD",
      cardToken: "tok_visa",
    });
    const emf = run.stdout.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line));
    assert.equal(emf.length, 1, run.stdout.join("\n"));
    assert.equal(emf[0]._aws.CloudWatchMetrics[0].Namespace, "order-processing");
    assert.equal(emf[0].service, "ValidateOrder");
    assert.equal(emf[0].StepSucceeded, 1);
    assert.equal(emf[0].ColdStart, 1);
  });

  it("ValidateOrder's __index.js rejects a bad event with a ValidationError Step Functions can catch", async () => {
    const { source, environment } = await artifactOf("ValidateOrder");
    const run = await invokeArtifact(source, loadEvent("validation-error"), { environment });
    assert.equal(run.error?.name, "ValidationError");
    assert.match(run.error!.message, /orderId/);
    const emf = run.stdout.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line));
    assert.equal(emf.length, 1);
    assert.equal(emf[0].StepFailed, 1);
    assert.equal(emf[0].errorName, "ValidationError");
  });
});
