/**
 * `inputPath`/`outputPath` on steps other than tasks, executed in-process by aws-local-stepfunctions through
 * LocalWorkflow: a pass, a wait, a parallel, a map and a succeed each read the selected input and pass on the selected
 * output (a `resultPath` writes into the state's raw input, as the ASL specification says); a parallel's `parameters`
 * build its branches' input.
 */
import { strict as assert } from "node:assert";
import { compileDefinition, map, parallel, pass, succeed, wait } from "event-driven-workflow";
import type { Step } from "event-driven-workflow";
import { localResources } from "../runner/bindSteps";
import { LocalWorkflow } from "../runner/execute";

async function run(steps: Step[], input: unknown) {
  const definition = compileDefinition(steps, localResources("paths", steps), { timeoutSeconds: 60 });
  return new LocalWorkflow(definition, { taskHandlers: {} }).run(input);
}

const order = { detail: { order: { lines: ["a", "b", "c"] } }, other: "dropped" };

describe("local execution: inputPath and outputPath on pass, wait, parallel, map and succeed", () => {
  it("pass, wait, parallel and succeed select their input and output", async () => {
    const result = await run(
      [
        pass("Order", { inputPath: "$.detail" }),
        wait("Pause", { seconds: 1 }, { outputPath: "$.order" }),
        parallel("Count", {
          inputPath: "$.lines",
          branches: [[pass("Length", { parameters: { "n.$": "States.ArrayLength($)" }, end: true })]],
          resultPath: "$.counted",
          outputPath: "$.counted[0]",
        }),
        succeed("Done", { outputPath: "$.n" }),
      ],
      order,
    );
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.equal(result.output, 3);
  });

  it("a parallel's parameters build each branch's input", async () => {
    const result = await run(
      [
        parallel("Both", {
          parameters: { "lines.$": "$.detail.order.lines", fixed: 1 },
          branches: [[pass("Left", { end: true })], [pass("Right", { parameters: { "n.$": "States.ArrayLength($.lines)" }, end: true })]],
          end: true,
        }),
      ],
      order,
    );
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.output, [{ lines: ["a", "b", "c"], fixed: 1 }, { n: 3 }]);
  });

  it("a map iterates over its selected input and passes on the selected output", async () => {
    const result = await run(
      [
        map("Each", {
          inputPath: "$.detail.order",
          itemsPath: "$.lines",
          steps: [pass("Id", { end: true })],
          resultPath: "$.copied",
          outputPath: "$.copied",
          end: true,
        }),
      ],
      order,
    );
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.output, ["a", "b", "c"]);
  });
});
