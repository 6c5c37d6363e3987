/**
 * Deploy time and Lambda time stay apart: the library loads no Powertools package while a program deploys, and a
 * step's serialized handler carries the runtime code and the contract only, nothing of the step model or the core.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { buildStepArchive } from "../stepArchive";
import { instrumentStep } from "../runtime";

const ROOT = join(__dirname, "..", "..");

describe("deploy time and Lambda time", function () {
  this.timeout(60_000);

  it("loads no Powertools package when a program constructs a workflow (they load in the Lambda, from the layer)", () => {
    const script = `
      const pulumi = require("@pulumi/pulumi");
      pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, "p", "s", false);
      const { EventDrivenWorkflow, task } = require("event-driven-workflow");
      new EventDrivenWorkflow("w", { trigger: { pattern: { source: ["x"] } }, timeoutSeconds: 60,
        steps: [task("A", { handler: async (x) => x, timeoutSeconds: 5, idempotency: { keyPath: "id" }, end: true })] });
      setTimeout(() => {
        const loaded = Object.keys(require.cache).filter((id) => id.includes("@aws-lambda-powertools"));
        process.stdout.write(JSON.stringify(loaded));
        require("@pulumi/pulumi/runtime/debuggable").leakedPromises()[0].clear();
        process.exit(0);
      }, 1500);`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ["-e", script], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NODE_OPTIONS: "" },
      }),
    );
    assert.deepEqual(loaded, []);
  });

  it("serializes a step with the runtime and its contract, nothing of the core or the step model", async () => {
    const { source } = await buildStepArchive(
      instrumentStep("claims", "Assess", async (x: unknown) => x, { idempotency: { keyPath: "id" } }),
      {
        stepName: "Assess",
        bundle: [],
        sizeBudgetBytes: 1024 * 1024,
      },
    );
    assert.match(source, /StepSucceeded/, "the metric names of the contract travel with the handler");
    for (const deployTimeOnly of [
      "compileDefinition",
      "validateSteps",
      "WorkflowDefinitionError",
      "deriveAlarmSpecs",
      "executionRolePolicy",
      "planWorkflow",
    ]) {
      assert.doesNotMatch(source, new RegExp(deployTimeOnly), `${deployTimeOnly} is serialized into the Lambda`);
    }
  });
});
