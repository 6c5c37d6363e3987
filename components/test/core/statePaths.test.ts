/**
 * `inputPath`/`outputPath` on every step kind ASL allows them on (pass, wait, choice, parallel, map, succeed and the
 * integration steps; tasks had them already): compiled to InputPath/OutputPath, checked as paths, refused on fail;
 * and a wait's `secondsPath`.
 */
import assert from "node:assert/strict";
import {
  choice,
  compileDefinition,
  fail,
  map,
  notify,
  parallel,
  pass,
  publishEvent,
  sendToDeadLetterQueue,
  succeed,
  validateSteps,
  wait,
  type Step,
} from "../../index";
import { aslErrors } from "../../../test/support/asl";
import { validationProblems as problems, COMPILE_RESOURCES as resources } from "../../../test/support/stepLists";

const io = { inputPath: "$.detail", outputPath: "$.kept" };

describe("inputPath and outputPath on every step kind ASL allows them on", () => {
  it("compiles them on pass, wait, choice, parallel, map, succeed and the integration steps, as asl-validator accepts", () => {
    const steps: Step[] = [
      pass("Shape", { ...io, result: { kept: 1 }, resultPath: "$.p" }),
      wait("Pause", { seconds: 1 }, io),
      notify("Tell", io),
      sendToDeadLetterQueue("Park", io),
      publishEvent("Announce", { source: "s", detailType: "d", ...io }),
      parallel("Both", { ...io, branches: [[pass("A", { end: true })]] }),
      map("Each", { ...io, itemsPath: "$.items", steps: [pass("B", { end: true })] }),
      choice("Which", { ...io, choices: [{ condition: { variable: "$.x", isPresent: true }, next: "Done" }], otherwise: "Done" }),
      succeed("Done", io),
    ];
    validateSteps(steps);
    const definition = compileDefinition(steps, resources);
    for (const name of ["Shape", "Pause", "Tell", "Park", "Announce", "Both", "Each", "Which", "Done"]) {
      const state = definition.States[name] as { InputPath?: string; OutputPath?: string };
      assert.deepEqual([state.InputPath, state.OutputPath], ["$.detail", "$.kept"], name);
    }
    assert.deepEqual(aslErrors(definition), []);
    // Without them, nothing is added.
    assert.deepEqual(Object.keys(compileDefinition([succeed("End")], resources).States.End), ["Type"]);
  });

  it("compiles a wait on a number of seconds read at a path, bounded for the time budget by maxSeconds", () => {
    const steps: Step[] = [wait("Backoff", { secondsPath: "$.delay", maxSeconds: 300 }, { end: true })];
    validateSteps(steps);
    const state = compileDefinition(steps, resources).States.Backoff as Record<string, unknown>;
    assert.equal(state.SecondsPath, "$.delay");
    assert.equal(state.Seconds, undefined);
    assert.match(String(state.Comment), /maxSeconds=300/);
    assert.deepEqual(aslErrors(compileDefinition(steps, resources)), []);
    assert.match(
      problems([wait("Both", { seconds: 5, secondsPath: "$.delay" } as never, { end: true })]).join("\n"),
      /Both: needs exactly one of `seconds`, `secondsPath` or `timestampPath`/,
    );
    assert.match(problems([wait("Bad", { secondsPath: "delay" }, { end: true })]).join("\n"), /Bad: `secondsPath` is "delay"/);
  });

  it("compiles a fail that reads its error and cause from the state, and refuses both forms at once", () => {
    const steps: Step[] = [fail("Failed", { errorPath: "$.error.Error", causePath: "$.error.Cause" })];
    validateSteps(steps);
    const definition = compileDefinition(steps, resources);
    assert.deepEqual(definition.States.Failed, { Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" });
    assert.deepEqual(aslErrors(definition), []);
    assert.match(
      problems([fail("Both", { error: "E", errorPath: "$.e", cause: "c" } as never)]).join("\n"),
      /Both: has both `error` and `errorPath`: give one/,
    );
    assert.match(problems([fail("Bad", { error: "E", causePath: "cause" })]).join("\n"), /Bad: `causePath` is "cause"/);
  });

  it("compiles a parallel's parameters, each branch's input", () => {
    const steps: Step[] = [parallel("Both", { parameters: { "id.$": "$.detail.id" }, branches: [[pass("A", { end: true })]], end: true })];
    validateSteps(steps);
    const definition = compileDefinition(steps, resources);
    assert.deepEqual((definition.States.Both as { Parameters?: unknown }).Parameters, { "id.$": "$.detail.id" });
    assert.deepEqual(aslErrors(definition), []);
    assert.match(
      problems([parallel("Bad", { parameters: { "id.$": "detail" }, branches: [[pass("B", { end: true })]], end: true })]).join("\n"),
      /Bad: `parameters\["id\.\$"\]` is "detail"/,
    );
  });

  it("refuses a path that is not one, naming the field, and either path on a fail step", () => {
    assert.match(
      problems([wait("Pause", { seconds: 1 }, { inputPath: "detail", next: "End" }), fail("End", { error: "E", cause: "c" })]).join("\n"),
      /Pause: `inputPath` is "detail": a JSONPath must start with "\$"/,
    );
    assert.match(
      problems([fail("End", { error: "E", cause: "c", outputPath: "$.x" } as never)]).join("\n"),
      /End: has `inputPath` or `outputPath`: ASL allows neither on a Fail state/,
    );
  });
});
