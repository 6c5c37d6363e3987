/**
 * The component's `transform` hooks and `nodes`, under mocks: a hook changes its children before they are created,
 * every other child keeps the component's defaults, and the children are reachable from the component.
 */
import assert from "node:assert/strict";
import { EventDrivenWorkflow, notify, task } from "../../index";
import { installMocks, ofType, settle, outputValue, type RecordedResource } from "../../../local/program/synthesize";

const steps = [
  task("Assess", { handler: async (claim: { amount: number }) => claim, timeoutSeconds: 10, idempotency: { keyPath: "claimId" } }),
  task("Approve", { handler: async (claim: { amount: number }) => claim, timeoutSeconds: 10 }),
  notify("Announce", { end: true }),
];

async function synthesize(
  transform?: ConstructorParameters<typeof EventDrivenWorkflow>[1]["transform"],
): Promise<{ workflow: EventDrivenWorkflow; resources: RecordedResource[] }> {
  const resources = installMocks("transforms-fixture", "test");
  const workflow = new EventDrivenWorkflow("claims", {
    trigger: { pattern: { source: ["claims.service"] } },
    timeoutSeconds: 180,
    steps,
    transform,
  });
  await outputValue(workflow.stateMachineArn);
  await settle(resources);
  return { workflow, resources };
}

describe("EventDrivenWorkflow's transform hooks and nodes, under mocks", function () {
  this.timeout(60_000);
  let defaults: RecordedResource[];
  before(async () => {
    ({ resources: defaults } = await synthesize());
  });

  it("merges an object hook over every child of its kind", async () => {
    const { resources } = await synthesize({ function: { memorySize: 1024 }, queue: { messageRetentionSeconds: 345_600 } });
    assert.deepEqual(
      ofType(resources, "aws:lambda/function:Function").map((f) => f.inputs.memorySize),
      [1024, 1024],
    );
    assert.equal(ofType(resources, "aws:sqs/queue:Queue")[0].inputs.messageRetentionSeconds, 345_600);
    // Everything the hook did not name keeps the component's value.
    assert.deepEqual(
      ofType(resources, "aws:lambda/function:Function").map((f) => f.inputs.timeout),
      ofType(defaults, "aws:lambda/function:Function").map((f) => f.inputs.timeout),
    );
    assert.equal(ofType(resources, "aws:sqs/queue:Queue")[0].inputs.sqsManagedSseEnabled, true);
  });

  it("lets a function hook change arguments and options, per child by its name", async () => {
    const seen: string[] = [];
    const { resources } = await synthesize({
      role: (args, _opts, name) => {
        seen.push(name);
        args.tags = { ...args.tags, boundary: name };
      },
      stateMachine: (args) => {
        args.type = "EXPRESS";
      },
      alarm: (args, opts) => {
        args.treatMissingData = "breaching";
        opts.ignoreChanges = ["tags"];
      },
    });
    assert.deepEqual(seen.sort(), ["claims-Approve", "claims-Assess", "claims-execution", "claims-trigger"]);
    assert.ok(ofType(resources, "aws:iam/role:Role").every((r) => r.inputs.tags.boundary && r.inputs.tags.workflow === "claims"));
    assert.equal(ofType(resources, "aws:sfn/stateMachine:StateMachine")[0].inputs.type, "EXPRESS");
    assert.ok(ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").every((a) => a.inputs.treatMissingData === "breaching"));
  });

  it("creates the same resources as without hooks, with the defaults, when no hook is given", () => {
    const types = defaults.map((r) => r.type).sort();
    assert.equal(types.filter((t) => t === "aws:lambda/function:Function").length, 2);
    assert.equal(ofType(defaults, "aws:sfn/stateMachine:StateMachine")[0].inputs.type, "STANDARD");
    assert.ok(ofType(defaults, "aws:cloudwatch/metricAlarm:MetricAlarm").every((a) => a.inputs.treatMissingData !== "breaching"));
  });

  it("exposes the children it created on `nodes`", async () => {
    const { workflow } = await synthesize({ table: { billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 } });
    assert.deepEqual(Object.keys(workflow.nodes.functions).sort(), ["Approve", "Assess"]);
    assert.equal(await outputValue(workflow.nodes.stateMachine.arn), await outputValue(workflow.stateMachineArn));
    assert.equal(await outputValue(workflow.nodes.idempotencyTable!.billingMode), "PROVISIONED");
    assert.equal(
      await outputValue(workflow.nodes.functions.Assess.role.arn),
      await outputValue(workflow.nodes.functions.Assess.function.role),
    );
    assert.ok(workflow.nodes.alarms.length > 0 && workflow.nodes.dashboard !== undefined);
  });
});
