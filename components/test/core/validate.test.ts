import assert from "node:assert/strict";
import {
  choice,
  fail,
  map,
  notify,
  parallel,
  pass,
  publishEvent,
  succeed,
  task,
  validateSettings,
  validateSteps,
  wait,
  WorkflowDefinitionError,
} from "../../index";
import type { Step } from "../../index";
import { everyStepSteps } from "../../../test/fixtures/everyStep";

const handler = async (x: unknown) => x;
const ok = (name: string, extra: Record<string, unknown> = {}) => task(name, { handler, timeoutSeconds: 10, ...extra });

/** Runs validateSteps and returns the problems it reports (failing the test when it reports none). */
function problemsOf(steps: Step[]): { step: string; message: string }[] {
  try {
    validateSteps(steps);
  } catch (error) {
    assert.ok(error instanceof WorkflowDefinitionError, `expected WorkflowDefinitionError, got ${error}`);
    assert.match(error.message, /Invalid workflow definition/);
    return error.problems;
  }
  assert.fail("validateSteps accepted an invalid list");
}

function assertProblem(steps: Step[], step: string, pattern: RegExp): void {
  const problems = problemsOf(steps);
  assert.ok(
    problems.some((p) => p.step === step && pattern.test(p.message)),
    `expected a problem on "${step}" matching ${pattern}, got:\n${problems.map((p) => `${p.step}: ${p.message}`).join("\n")}`,
  );
}

describe("validateSteps", () => {
  it("accepts the fixture that uses every step builder", () => {
    assert.doesNotThrow(() => validateSteps(everyStepSteps()));
  });

  it("rejects an empty list", () => assertProblem([], "(workflow)", /empty/));

  it("rejects duplicate names, also across branches", () => {
    assertProblem([ok("A"), ok("A", { end: true })], "A", /more than once/);
    assertProblem([parallel("P", { branches: [[ok("A", { end: true })]], next: "A" }), ok("A", { end: true })], "A", /more than once/);
  });

  it("rejects an unknown next, catch or choice target", () => {
    assertProblem([ok("A", { next: "Nowhere" })], "A", /"Nowhere".*not a step/);
    assertProblem([ok("A", { end: true, catch: [{ errors: ["States.ALL"], next: "Missing" }] })], "A", /"Missing"/);
    assertProblem([choice("C", { choices: [{ condition: { variable: "$.x", isPresent: true }, next: "Ghost" }] })], "C", /"Ghost"/);
  });

  it("rejects a branch that jumps out of its Parallel", () => {
    assertProblem(
      [parallel("P", { branches: [[ok("Inner", { next: "Outer" })]], next: "Outer" }), succeed("Outer")],
      "Inner",
      /cannot jump out/,
    );
  });

  it("rejects unreachable steps", () => {
    assertProblem([ok("A", { end: true }), ok("Orphan", { end: true })], "Orphan", /unreachable/);
  });

  it("rejects a flow that falls off the end of a list", () => {
    assertProblem([ok("A"), ok("Last")], "Last", /fall off the end/);
    assertProblem([map("M", { itemsPath: "$.xs", steps: [ok("PerItem")], end: true })], "PerItem", /fall off the end/);
  });

  it("rejects empty parallel branches and empty maps", () => {
    assertProblem([parallel("P", { branches: [], end: true })], "P", /no branches/);
    assertProblem([parallel("P", { branches: [[ok("X", { end: true })], []], end: true })], "P", /branch 1 is empty/);
    assertProblem([map("M", { itemsPath: "$.xs", steps: [], end: true })], "M", /no steps/);
  });

  it("rejects a missing or non-positive task timeout", () => {
    assertProblem([task("NoTimeout", { handler, end: true } as never)], "NoTimeout", /no `timeoutSeconds`/);
    assertProblem([task("Zero", { handler, timeoutSeconds: 0, end: true })], "Zero", /whole number of at least 2/);
    assertProblem([task("Negative", { handler, timeoutSeconds: -5, end: true })], "Negative", /whole number of at least 2/);
  });

  it("rejects retries on States.ALL and States.TaskFailed (they retry errors that never heal)", () => {
    assertProblem(
      [ok("R", { end: true, retry: [{ errors: ["States.ALL"], maxAttempts: 10 }] })],
      "R",
      /"States.ALL".*retry only transient errors/,
    );
    assertProblem([ok("R", { end: true, retry: [{ errors: ["States.TaskFailed"] }] })], "R", /"States.TaskFailed"/);
  });

  it("rejects names AWS would reject", () => {
    assertProblem([ok("has space", { end: true })], "has space", /character AWS rejects/);
    assertProblem([pass("x".repeat(81), { end: true })], "x".repeat(81), /at most 80/);
    assertProblem([pass("a:b", { end: true })], "a:b", /character AWS rejects/);
    assertProblem([ok("dot.name", { end: true })], "dot.name", /names a Lambda function/);
  });

  it("rejects States.ALL that is not alone in the last catch", () => {
    assertProblem(
      [
        ok("A", {
          next: "F",
          catch: [
            { errors: ["States.ALL"], next: "F" },
            { errors: ["X"], next: "F" },
          ],
        }),
        fail("F", { error: "E", cause: "C" }),
      ],
      "A",
      /alone, in the last catch/,
    );
  });

  it("checks the shape of other steps", () => {
    assertProblem([wait("W", { seconds: 0 }, { end: true })], "W", /positive whole number/);
    assertProblem([choice("C", { choices: [] })], "C", /no choices/);
    assertProblem([choice("C", { choices: [{ condition: { variable: "x", numericGreaterThan: 1 }, next: "C" }] })], "C", /JSONPath/);
    assertProblem(
      [choice("C", { choices: [{ condition: { variable: "$.x", numericGreaterThen: 1 } as never, next: "C" }] })],
      "C",
      /unknown operator/,
    );
    assertProblem([fail("F", { error: "", cause: "" })], "F", /no `error`/);
    assertProblem([publishEvent("P", { source: "aws.orders", detailType: "X", end: true })], "P", /reserves sources/);
    assertProblem([notify("N", { subject: "line\nbreak", end: true })], "N", /subject/);
    assertProblem([ok("A", { inputPath: "detail", end: true })], "A", /must start with "\$"/);
    assertProblem([ok("A", { next: "B", end: true }), succeed("B")], "A", /both `next` and `end`/);
  });

  it("refuses task permissions with a '*' action or resource, or nothing to grant", () => {
    assertProblem(
      [ok("P", { end: true, permissions: [{ actions: ["*"], resources: ["arn:aws:s3:::b/*"] }] })],
      "P",
      /permissions\[0\] has an action that is "\*"/,
    );
    assertProblem(
      [ok("P", { end: true, permissions: [{ actions: ["s3:GetObject"], resources: ["*"] }] })],
      "P",
      /permissions\[0\] grants on Resource "\*"/,
    );
    assertProblem([ok("P", { end: true, permissions: [{ actions: [], resources: [] }] })], "P", /permissions\[0\] has no `actions`/);
  });

  it("reports every problem of a list at once, each naming its step", () => {
    const problems = problemsOf([ok("A", { next: "Nowhere" }), task("B", { handler, timeoutSeconds: 0, end: true })]);
    assert.deepEqual(new Set(problems.map((p) => p.step)), new Set(["A", "B"]));
  });
});

describe("validateSettings: names the generated resources will carry", () => {
  const step = (name: string) => task(name, { handler: async (x: unknown) => x, timeoutSeconds: 10, end: true });
  const problemsOf = (workflowName: string, stepName = "Charge") => {
    try {
      validateSettings({ timeoutSeconds: 60 }, [step(stepName)], { workflowName });
      return [];
    } catch (error) {
      assert.ok(error instanceof WorkflowDefinitionError);
      return error.problems;
    }
  };

  it("accepts the order stack's names", () => assert.deepEqual(problemsOf("order-processing", "SendConfirmationEmail"), []));

  it("leaves long names to the naming scheme, which shortens them (core/naming.ts), instead of refusing them", () => {
    assert.deepEqual(problemsOf("w".repeat(60), "A".repeat(70)), []);
  });

  it("refuses a workflow name with characters log groups and state machines reject", () => {
    assert.match(problemsOf("order processing")[0].message, /letters, digits, '-' and '_' only/);
  });

  it("refuses a retry on ValidationError (never transient), as on States.ALL", () => {
    assert.throws(
      () => validateSteps([step("V")].map((s) => ({ ...s, retry: [{ errors: ["ValidationError"] }] }))),
      /retries "ValidationError", an error that never heals/,
    );
  });
});
