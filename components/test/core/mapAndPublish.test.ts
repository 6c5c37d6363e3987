/**
 * Map `itemSelector` and failure tolerance (which makes a Map distributed), and publishEvent `detailPath`:
 * validation, the compiled ASL, asl-validator acceptance and the execution role a Distributed Map needs.
 */
import assert from "node:assert/strict";
import {
  compileDefinition,
  distributedMapExecutionsArn,
  executionRolePolicy,
  integrationNeeds,
  map,
  publishEvent,
  task,
  validateSteps,
  WorkflowDefinitionError,
} from "../../index";
import type { AslDefinition, PolicyStatement, Step } from "../../index";
import { aslErrors } from "../../../test/support/asl";
import { decide } from "../../../test/support/iamSimulation";

const handler = async (x: unknown) => x;
const resources = {
  functionArns: { ScanDocument: "arn:aws:lambda:us-east-1:123456789012:function:claims-ScanDocument" },
  alertTopicArn: "arn:aws:sns:us-east-1:123456789012:claims-alerts",
  deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/claims-dlq",
  defaultEventBusName: "default",
};
const scan = () => task("ScanDocument", { handler, timeoutSeconds: 10, end: true });
const SELECTOR = { "claimId.$": "$.detail.claimId", "item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" };

function problemsOf(steps: Step[]): { step: string; message: string }[] {
  try {
    validateSteps(steps);
  } catch (error) {
    assert.ok(error instanceof WorkflowDefinitionError, `expected WorkflowDefinitionError, got ${error}`);
    return error.problems;
  }
  return assert.fail("validateSteps accepted an invalid list");
}

function assertProblem(steps: Step[], step: string, pattern: RegExp): void {
  const problems = problemsOf(steps);
  assert.ok(
    problems.some((p) => p.step === step && pattern.test(p.message)),
    `expected a problem on "${step}" matching ${pattern}, got:\n${problems.map((p) => `${p.step}: ${p.message}`).join("\n")}`,
  );
}

/** A Map step with these options (steps and itemsPath defaulted), ending the workflow. */
const mapWith = (options: Record<string, unknown>): Step[] => [
  map("ScanDocuments", { itemsPath: "$.detail.documents", steps: [scan()], end: true, ...options } as never),
];
const publishWith = (options: Record<string, unknown>): Step[] => [
  publishEvent("AnnounceClaim", { source: "claims.processor", detailType: "Claim Scanned", end: true, ...options } as never),
];

describe("map itemSelector and failure tolerance", () => {
  describe("validation", () => {
    it("accepts a selector with paths, context paths, intrinsics, fixed and nested values", () => {
      validateSteps(
        mapWith({
          itemSelector: {
            ...SELECTOR,
            source: "claims",
            "label.$": "States.Format('doc-{}', $$.Map.Item.Index)",
            nested: { "id.$": "$.id" },
          },
          toleratedFailurePercentage: 25,
          toleratedFailureCount: 0,
          itemExecutionType: "EXPRESS",
          maxConcurrency: 2,
        }),
      );
    });

    for (const bad of [null, "$.detail", ["$.a"], 42]) {
      it(`refuses itemSelector ${JSON.stringify(bad)}, naming the step and the fix`, () =>
        assertProblem(
          mapWith({ itemSelector: bad }),
          "ScanDocuments",
          /`itemSelector: .*`: give an object that builds each iteration's input/,
        ));
    }

    it("refuses a .$ key whose value is not a JSONPath, at any depth", () => {
      const problems = problemsOf(mapWith({ itemSelector: { "claimId.$": "detail.claimId", inner: { "n.$": 3 }, list: [{ "x.$": "" }] } }));
      assert.deepEqual(
        problems.map((p) => p.step),
        ["ScanDocuments", "ScanDocuments", "ScanDocuments"],
      );
      assert.match(
        problems[0].message,
        /`itemSelector\["claimId\.\$"\]` is "detail\.claimId": a key ending in "\.\$" takes a JSONPath starting with "\$"/,
      );
      assert.match(problems[1].message, /`itemSelector\["inner"\]\["n\.\$"\]` is 3/);
      assert.match(problems[2].message, /`itemSelector\["list"\]\[0\]\["x\.\$"\]` is ""/);
    });

    it("refuses a field given both with and without .$, and values that are not JSON", () => {
      assertProblem(mapWith({ itemSelector: { claimId: "c", "claimId.$": "$.id" } }), "ScanDocuments", /both "claimId" and "claimId\.\$"/);
      assertProblem(
        mapWith({ itemSelector: { when: () => 1 } }),
        "ScanDocuments",
        /`itemSelector\["when"\]` is a function: use plain JSON values/,
      );
    });

    for (const bad of [-1, 101, 12.5, "25", Number.NaN]) {
      it(`refuses toleratedFailurePercentage ${typeof bad === "string" ? JSON.stringify(bad) : String(bad)}`, () =>
        assertProblem(
          mapWith({ toleratedFailurePercentage: bad }),
          "ScanDocuments",
          /toleratedFailurePercentage: .*`: use a whole number from 0 to 100/,
        ));
    }

    for (const bad of [-1, 1.5, "1", Number.POSITIVE_INFINITY]) {
      it(`refuses toleratedFailureCount ${typeof bad === "string" ? JSON.stringify(bad) : String(bad)}`, () =>
        assertProblem(mapWith({ toleratedFailureCount: bad }), "ScanDocuments", /toleratedFailureCount: .*`: use a whole number from 0/));
    }

    it("refuses itemExecutionType without a tolerance, or of an unknown kind", () => {
      assertProblem(mapWith({ itemExecutionType: "EXPRESS" }), "ScanDocuments", /`itemExecutionType` without a tolerance.*Distributed Map/);
      assertProblem(mapWith({ itemExecutionType: "FAST", toleratedFailureCount: 1 }), "ScanDocuments", /use "STANDARD" or "EXPRESS"/);
    });
  });

  describe("compilation", () => {
    it("emits ItemSelector on an inline Map, and no tolerance fields", () => {
      const asl = compileDefinition(mapWith({ itemSelector: SELECTOR, maxConcurrency: 3 }), resources, { timeoutSeconds: 60 });
      const state = asl.States.ScanDocuments as Record<string, any>;
      assert.deepEqual(state.ItemSelector, SELECTOR);
      assert.deepEqual(state.ItemProcessor.ProcessorConfig, { Mode: "INLINE" });
      assert.equal(state.MaxConcurrency, 3);
      assert.equal("ToleratedFailurePercentage" in state, false);
      assert.equal("ToleratedFailureCount" in state, false);
      assert.deepEqual(aslErrors(asl), []);
    });

    it("makes a Map with a tolerance distributed (STANDARD child executions by default)", () => {
      const asl = compileDefinition(
        mapWith({ itemSelector: SELECTOR, toleratedFailurePercentage: 25, toleratedFailureCount: 1 }),
        resources,
        {
          timeoutSeconds: 60,
        },
      );
      const state = asl.States.ScanDocuments as Record<string, any>;
      assert.deepEqual(state.ItemProcessor.ProcessorConfig, { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" });
      assert.equal(state.ToleratedFailurePercentage, 25);
      assert.equal(state.ToleratedFailureCount, 1);
      assert.equal(state.ItemProcessor.States.ScanDocument.Type, "Task");
      assert.deepEqual(aslErrors(asl), []);
    });

    it("honours itemExecutionType, and a zero tolerance is still a tolerance", () => {
      const asl = compileDefinition(mapWith({ toleratedFailureCount: 0, itemExecutionType: "EXPRESS" }), resources);
      const state = asl.States.ScanDocuments as Record<string, any>;
      assert.deepEqual(state.ItemProcessor.ProcessorConfig, { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" });
      assert.equal(state.ToleratedFailureCount, 0);
      assert.deepEqual(aslErrors(asl), []);
    });
  });

  describe("execution role", () => {
    const arn = "arn:aws:states:us-east-1:123456789012:stateMachine:claims";
    const statementsOf = (stateMachineArn?: string): PolicyStatement[] =>
      executionRolePolicy({ functionArns: [], eventBusArns: [], distributedMapStateMachineArn: stateMachineArn }).Statement;

    it("needs the Distributed Map grants only when a Map, at any depth, tolerates failures", () => {
      assert.equal(integrationNeeds(mapWith({ itemSelector: SELECTOR })).distributedMap, false);
      assert.equal(integrationNeeds(mapWith({ toleratedFailurePercentage: 10 })).distributedMap, true);
      const nested = map("Outer", { itemsPath: "$.batches", steps: mapWith({ toleratedFailureCount: 1 }), end: true });
      assert.equal(integrationNeeds([nested]).distributedMap, true);
      assert.equal(
        statementsOf(undefined).some((s) => String(s.Action).startsWith("states:")),
        false,
      );
    });

    it("may start this state machine and describe/stop its child executions, and nothing else of Step Functions", async () => {
      const document = executionRolePolicy({ functionArns: [], eventBusArns: [], distributedMapStateMachineArn: arn });
      assert.equal(distributedMapExecutionsArn(arn), "arn:aws:states:us-east-1:123456789012:execution:claims/*");
      const child = "arn:aws:states:us-east-1:123456789012:execution:claims/ScanDocuments:3f1c2b7e-0000-4000-8000-000000000001";
      assert.equal(await decide(document, "states:StartExecution", arn), "Allowed");
      assert.equal(await decide(document, "states:DescribeExecution", child), "Allowed");
      assert.equal(await decide(document, "states:StopExecution", child), "Allowed");
      assert.equal(
        await decide(document, "states:StartExecution", "arn:aws:states:us-east-1:123456789012:stateMachine:other"),
        "ImplicitlyDenied",
      );
      assert.equal(
        await decide(document, "states:StopExecution", "arn:aws:states:us-east-1:123456789012:execution:other/x:1"),
        "ImplicitlyDenied",
      );
    });
  });
});

describe("publishEvent detailPath", () => {
  const entryOf = (asl: AslDefinition) => (asl.States.AnnounceClaim as Record<string, any>).Parameters.Entries[0];

  it('publishes the whole input by default ("Detail.$": "$")', () => {
    const asl = compileDefinition(publishWith({}), resources);
    assert.equal(entryOf(asl)["Detail.$"], "$");
  });

  it("publishes the part at detailPath, and passes the input on unchanged", () => {
    const asl = compileDefinition(publishWith({ detailPath: "$.detail" }), resources);
    assert.deepEqual(entryOf(asl), {
      Source: "claims.processor",
      DetailType: "Claim Scanned",
      "Detail.$": "$.detail",
      EventBusName: "default",
    });
    assert.equal((asl.States.AnnounceClaim as Record<string, any>).ResultPath, null);
    assert.deepEqual(aslErrors(asl), []);
  });

  for (const bad of ["detail", "", 7, null]) {
    it(`refuses detailPath ${JSON.stringify(bad)}, naming the step and the fix`, () =>
      assertProblem(
        publishWith({ detailPath: bad }),
        "AnnounceClaim",
        /`detailPath: .*`: give the JSONPath .* starting with "\$" \(e\.g\. "\$\.detail"\)/,
      ));
  }
});
