/**
 * Intrinsic functions in a payload template (a Map's itemSelector): unknown names, wrong arities and arguments AWS
 * refuses are refused by validateSteps, naming the step, the field and the function; calls AWS takes pass.
 */
import assert from "node:assert/strict";
import { map, succeed, validateSteps, WorkflowDefinitionError } from "../../index";
import { INTRINSIC_FUNCTIONS, intrinsicProblem } from "../../core/intrinsics";

const withSelector = (call: string) => [
  map("Each", { itemsPath: "$.items", itemSelector: { "v.$": call }, steps: [succeed("Done")], end: true }),
];
const problem = (call: string) => {
  try {
    validateSteps(withSelector(call));
    return undefined;
  } catch (error) {
    assert.ok(error instanceof WorkflowDefinitionError);
    return error.problems.map((p) => `${p.step}: ${p.message}`).join("\n");
  }
};

describe("intrinsic functions", () => {
  it("lists every States.* function of JSONPath ASL with its arity", () => {
    assert.equal(Object.keys(INTRINSIC_FUNCTIONS).length, 18);
    assert.deepEqual(INTRINSIC_FUNCTIONS["States.ArrayRange"], [3, 3]);
    assert.deepEqual(INTRINSIC_FUNCTIONS["States.MathRandom"], [2, 3]);
  });

  it("accepts calls AWS takes, nested ones included", () => {
    for (const call of [
      "States.Format('order {} of {}', $.id, $$.Execution.Id)",
      "States.UUID()",
      "States.Array()",
      "States.ArrayGetItem($.items, States.MathAdd($$.Map.Item.Index, -1))",
      String.raw`States.Format('it\'s \{literal\}')`,
      "States.MathRandom(1, 999)",
      "States.JsonMerge($.a, $.b, false)",
    ])
      assert.equal(problem(call), undefined, call);
  });

  it("refuses an unknown name, a wrong arity and arguments AWS refuses, naming the step, field and function", () => {
    const cases: [string, RegExp][] = [
      ["States.Nope($.a)", /"States\.Nope" is not an intrinsic function: use one of States\.Format, /],
      ["States.format('x')", /"States\.format" is not an intrinsic function/],
      ["States.ArrayRange(1, 9)", /States\.ArrayRange takes 3 arguments, got 2/],
      ["States.UUID(1)", /States\.UUID takes 0 arguments, got 1/],
      ["States.Format()", /States\.Format takes at least 1 argument, got 0/],
      ["States.MathRandom(1)", /States\.MathRandom takes 2 to 3 arguments, got 1/],
      ["States.Array(States.Hash($.a))", /States\.Hash takes 2 arguments, got 1/],
      ["States.Format('x', 1.5)", /argument 2 of States\.Format \("1\.5"\) is not a string in single quotes/],
      ['States.Format("x")', /argument 1 of States\.Format/],
      ["States.MathAdd('1', 2)", /argument 1 of States\.MathAdd is '1': give a whole number or a path/],
      ["States.Format('x') extra", /unexpected text after the call/],
    ];
    for (const [call, expected] of cases) {
      const message = problem(call);
      assert.ok(message?.startsWith(`Each: \`itemSelector["v.$"]\` is "${call.replace(/"/g, '\\"')}": `), `${call}: ${message}`);
      assert.match(message ?? "", expected, call);
    }
  });

  it("takes the caller's path rule for path arguments", () => {
    assert.equal(
      intrinsicProblem("States.ArrayLength($.items)", () => true),
      undefined,
    );
    assert.match(intrinsicProblem("States.ArrayLength($.items)", () => false) ?? "", /argument 1 of States\.ArrayLength/);
  });
});
