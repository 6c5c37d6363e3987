/**
 * Data shaping without a Lambda: `parameters` and `resultSelector` payload templates on task, pass, map and parallel,
 * with paths and intrinsic functions. Validation (intrinsic names and arities as AWS checks them), the compiled ASL
 * (accepted by asl-validator), and an in-process run in which the handler receives the shaped input.
 */
import assert from "node:assert/strict";
import { compileDefinition, INTRINSIC_FUNCTIONS, intrinsicProblem, map, parallel, pass, task } from "../../index";
import { aslErrors } from "../../../test/support/asl";
import { bindTaskSteps, localResources } from "../../../local/runner/bindSteps";
import { LocalWorkflow } from "../../../local/runner/execute";
import { validationProblems as problems } from "../../../test/support/stepLists";

/** The messages validateSteps reports for `steps`, or [] when it accepts them. */
const echo = async (input: unknown) => input;

describe("intrinsic functions: names and arities as AWS checks them", () => {
  /** A call of `name` with `count` path arguments. */
  const call = (name: string, count: number) => `${name}(${Array.from({ length: count }, (_, i) => `$.a${i}`).join(", ")})`;

  it("accepts each function with its smallest and largest argument count, and refuses one fewer or one more", () => {
    for (const [name, [min, max]] of Object.entries(INTRINSIC_FUNCTIONS)) {
      assert.equal(intrinsicProblem(call(name, min)), undefined, `${name} with ${min}`);
      const upper = Number.isFinite(max) ? max : min + 3;
      assert.equal(intrinsicProblem(call(name, upper)), undefined, `${name} with ${upper}`);
      if (min > 0)
        assert.match(
          intrinsicProblem(call(name, min - 1)) ?? "",
          new RegExp(`${name.replace(".", "\\.")} takes`),
          `${name} with ${min - 1}`,
        );
      if (Number.isFinite(max)) assert.match(intrinsicProblem(call(name, max + 1)) ?? "", /takes/, `${name} with ${max + 1}`);
    }
  });

  it("reads literals, nested calls and quoted commas and parentheses", () => {
    for (const ok of [
      "States.Format('order {}, placed ({})', $.id, States.JsonToString($.when))",
      "States.ArrayRange(1, 9, 2)",
      "States.Hash($.body, 'SHA-256')",
      "States.JsonMerge($.a, $.b, false)",
      "States.Array('a\\'b', null, true, -15, $$.Execution.Id)",
      "States.ArrayGetItem($.items[0].tags, 0)",
      "States.UUID()",
    ])
      assert.equal(intrinsicProblem(ok), undefined, ok);
  });

  it("names an unknown function, an unterminated string, a stray argument and trailing text", () => {
    assert.match(intrinsicProblem("States.Formatt('{}', $.id)") ?? "", /"States\.Formatt" is not an intrinsic function/);
    assert.match(
      intrinsicProblem("States.Format('{}, $.id)") ?? "",
      /argument 1 of States\.Format \("'\{\}"\) is not a string in single quotes/,
    );
    assert.match(
      intrinsicProblem("States.MathAdd($.a, one)") ?? "",
      /argument 2 of States\.MathAdd \("one"\) is not a string in single quotes/,
    );
    assert.match(intrinsicProblem("States.UUID() + 1") ?? "", /text after/);
    assert.match(intrinsicProblem("States.MathAdd($.a, States.UUID(1))") ?? "", /States\.UUID takes 0 arguments, got 1/);
  });
});

describe("parameters and resultSelector: validation", () => {
  it("refuses a wrong intrinsic in a task's parameters, naming the field", () => {
    const found = problems([task("Shape", { handler: echo, timeoutSeconds: 10, parameters: { "id.$": "States.UUID($.x)" }, end: true })]);
    assert.equal(found.length, 1);
    assert.match(found[0], /^Shape: `parameters\["id\.\$"\]` is "States\.UUID\(\$\.x\)": States\.UUID takes 0 arguments, got 1/);
  });

  it("refuses a `.$` value that is neither a path nor a call, nested at any depth", () => {
    const found = problems([pass("Shape", { parameters: { order: { "id.$": "detail.orderId" } }, end: true })]);
    assert.match(found.join("\n"), /`parameters\["order"\]\["id\.\$"\]` is "detail\.orderId": a key ending in "\.\$" takes a JSONPath/);
  });

  it("refuses a non-object template, parameters on a Map, a pass with both result and parameters, an Output in a Lambda's template", () => {
    const inner = [task("Scan", { handler: echo, timeoutSeconds: 10, end: true })];
    const found = problems([
      task("A", { handler: echo, timeoutSeconds: 10, resultSelector: "$.id" as never }),
      map("B", { itemsPath: "$.items", steps: inner, parameters: { "x.$": "$" } } as never),
      pass("C", { result: 1, parameters: { "x.$": "$" } }),
      task("D", { handler: echo, timeoutSeconds: 10, parameters: { table: Promise.resolve("t") }, end: true }),
    ]);
    assert.match(found.join("\n"), /A: has `resultSelector: "\$\.id"`: give an object/);
    assert.match(
      found.join("\n"),
      /B: has `parameters`, which a map step does not take: a Map builds each iteration's input with `itemSelector`/,
    );
    assert.match(found.join("\n"), /C: sets both `result` and `parameters`/);
    assert.match(
      found.join("\n"),
      /D: `parameters\["table"\]` is a Pulumi Output or Promise.*only a service call's request may hold Pulumi Outputs/,
    );
  });

  it("accepts paths, Context Object paths, intrinsics and fixed values at any depth", () => {
    const inner = [task("Scan", { handler: echo, timeoutSeconds: 10, end: true })];
    assert.deepEqual(
      problems([
        pass("Build", {
          parameters: {
            "id.$": "$.detail.id",
            "run.$": "$$.Execution.Id",
            nested: { "n.$": "States.MathAdd($.count, 1)", fixed: [1, "a"] },
          },
        }),
        task("Work", {
          handler: echo,
          timeoutSeconds: 10,
          parameters: { "title.$": "States.Format('{}', $.id)" },
          resultSelector: { "ok.$": "$.ok" },
        }),
        parallel("Both", { branches: [[pass("P1", { end: true })]], resultSelector: { "first.$": "$[0]" } }),
        map("Each", { itemsPath: "$.items", steps: inner, resultSelector: { "count.$": "States.ArrayLength($)" }, end: true }),
      ]),
      [],
    );
  });
});

describe("parameters and resultSelector: compiled and run", () => {
  const steps = [
    pass("BuildPublication", {
      parameters: {
        "orderId.$": "$.detail.orderId",
        "title.$": "States.Format('Order {} for {}', $.detail.orderId, $.detail.customerId)",
        "items.$": "States.ArrayLength($.detail.items)",
        channel: "web",
      },
    }),
    task("Publish", {
      handler: async (input: { orderId: string; title: string; items: number }) => ({
        id: `pub-${input.orderId}`,
        words: input.title.split(" ").length,
        internal: "x",
      }),
      timeoutSeconds: 10,
      parameters: { "orderId.$": "$.orderId", "title.$": "$.title", "items.$": "$.items" },
      resultSelector: { "publicationId.$": "$.id", "words.$": "$.words" },
      resultPath: "$.publication",
      end: true,
    }),
  ];

  it("compiles parameters into the Lambda envelope's payload and keeps the envelope's own fields", () => {
    const definition = compileDefinition(steps, localResources("wf", steps));
    assert.deepEqual(aslErrors(definition), []);
    const publish = definition.States.Publish as Record<string, any>;
    assert.deepEqual(publish.Parameters.payload, { "orderId.$": "$.orderId", "title.$": "$.title", "items.$": "$.items" });
    assert.equal(publish.Parameters["payload.$"], undefined);
    assert.equal(publish.Parameters["executionId.$"], "$$.Execution.Id");
    assert.deepEqual(publish.ResultSelector, { "publicationId.$": "$.id", "words.$": "$.words" });
    assert.equal((definition.States.BuildPublication as Record<string, any>).Parameters.channel, "web");
  });

  it("runs in-process: the pass builds the payload with intrinsics, the handler gets the shaped input, the result is selected", async () => {
    const definition = compileDefinition(steps, localResources("wf", steps));
    const result = await new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("wf", steps) }).run({
      detail: { orderId: "o-7", customerId: "c-1", items: [1, 2, 3] },
    });
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.output, {
      orderId: "o-7",
      title: "Order o-7 for c-1",
      items: 3,
      channel: "web",
      publication: { publicationId: "pub-o-7", words: 4 },
    });
  });

  it("fails a run whose intrinsic meets a value of the wrong type with States.Runtime, as AWS does", async () => {
    const bad = [pass("Count", { parameters: { "n.$": "States.ArrayLength($.notAnArray)" }, end: true })];
    const result = await new LocalWorkflow(compileDefinition(bad, localResources("wf", bad)), { taskHandlers: {} }).run({
      notAnArray: "x",
    });
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "States.Runtime");
  });
});
