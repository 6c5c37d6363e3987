/**
 * `startWorkflow`: validation, the compiled Task (`states:startExecution`, `.sync:2` when it waits), asl-validator
 * acceptance, and the grants AWS documents for each mode (IAM simulated offline: allowed on the child, denied on a
 * neighbour).
 */
import assert from "node:assert/strict";
import {
  childExecutionsArn,
  compileDefinition,
  executionRolePolicy,
  integrationNeeds,
  startWorkflow,
  stepFunctionsSyncRuleArn,
} from "../../index";
import { aslErrors } from "../../../test/support/asl";
import { decide } from "../../../test/support/iamSimulation";
import { validationProblems as problems, COMPILE_RESOURCES as resources } from "../../../test/support/stepLists";

const CHILD = "arn:aws:states:us-east-1:123456789012:stateMachine:transcoding";
const NEIGHBOUR = "arn:aws:states:us-east-1:123456789012:stateMachine:billing";
const scope = { partition: "aws", region: "us-east-1", accountId: "123456789012" };

describe("startWorkflow", () => {
  it("compiles sync to startExecution.sync:2 with its input template, async to startExecution with the state input", () => {
    const steps = [
      startWorkflow("Wait", {
        stateMachineArn: CHILD,
        input: { "id.$": "$.detail.id" },
        mode: "sync",
        timeoutSeconds: 600,
        resultSelector: { "out.$": "$.Output" },
      }),
      startWorkflow("Fire", { stateMachineArn: CHILD, mode: "async", timeoutSeconds: 30, end: true }),
    ];
    const definition = compileDefinition(steps, resources);
    assert.deepEqual(structuredClone(definition.States.Wait), {
      Type: "Task",
      Resource: "arn:aws:states:::states:startExecution.sync:2",
      Parameters: { StateMachineArn: CHILD, Input: { "id.$": "$.detail.id" } },
      TimeoutSeconds: 600,
      ResultSelector: { "out.$": "$.Output" },
      Next: "Fire",
    });
    assert.deepEqual((definition.States.Fire as Record<string, unknown>).Parameters, { StateMachineArn: CHILD, "Input.$": "$" });
    assert.equal((definition.States.Fire as Record<string, unknown>).Resource, "arn:aws:states:::states:startExecution");
    assert.deepEqual(aslErrors(definition), []);
  });

  it("names a missing or malformed ARN, a bad mode, a missing timeout and a bad input template", () => {
    const found = problems([
      startWorkflow("A", {
        stateMachineArn: "arn:aws:sns:us-east-1:123456789012:topic",
        mode: "wait",
        input: { "x.$": "States.Array(" },
      } as never),
      startWorkflow("B", { mode: "async", timeoutSeconds: 5, end: true } as never),
    ]).join("\n");
    assert.match(found, /A: has `stateMachineArn: "arn:aws:sns:.*not a state machine ARN/);
    assert.match(found, /A: has `mode: "wait"`: use "sync" .* or "async"/);
    assert.match(found, /A: has no `timeoutSeconds`/);
    assert.match(found, /A: `input\["x\.\$"\]`/);
    assert.match(found, /B: has no `stateMachineArn`/);
  });

  it("grants async StartExecution on the child only; sync also describe/stop of its executions and the managed rule", async () => {
    const needs = integrationNeeds([
      startWorkflow("Wait", { stateMachineArn: CHILD, mode: "sync", timeoutSeconds: 600 }),
      startWorkflow("Fire", { stateMachineArn: NEIGHBOUR, mode: "async", timeoutSeconds: 30, end: true }),
    ]);
    const policy = executionRolePolicy({
      functionArns: [],
      eventBusArns: [],
      childWorkflows: needs.childWorkflows.map((c) => ({ ...c, stateMachineArn: c.stateMachineArn as string })),
      syncRuleArn: stepFunctionsSyncRuleArn(scope),
    });
    const rule = stepFunctionsSyncRuleArn(scope);
    const execution = (machine: string) => `${childExecutionsArn(machine).slice(0, -1)}run-1`;
    const rows: [string, string, string][] = [
      ["states:StartExecution", CHILD, "Allowed"],
      ["states:DescribeExecution", execution(CHILD), "Allowed"],
      ["states:StopExecution", execution(CHILD), "Allowed"],
      ["events:PutRule", rule, "Allowed"],
      ["events:PutTargets", rule, "Allowed"],
      ["events:DescribeRule", rule, "Allowed"],
      ["states:StartExecution", NEIGHBOUR, "Allowed"],
      // Neighbours: another state machine, the async child's executions, another rule, another action.
      ["states:StartExecution", CHILD.replace("transcoding", "payroll"), "ImplicitlyDenied"],
      ["states:DescribeExecution", execution(NEIGHBOUR), "ImplicitlyDenied"],
      ["states:StopExecution", execution(CHILD.replace("transcoding", "payroll")), "ImplicitlyDenied"],
      ["events:PutRule", rule.replace("StepFunctionsGetEventsForStepFunctionsExecutionRule", "other"), "ImplicitlyDenied"],
      ["events:DeleteRule", rule, "ImplicitlyDenied"],
      ["states:DeleteStateMachine", CHILD, "ImplicitlyDenied"],
    ];
    const actual = await Promise.all(rows.map(async ([action, resource]) => decide(policy, action, resource)));
    assert.deepEqual(
      actual,
      rows.map(([, , expected]) => expected),
      JSON.stringify(rows.map((r, i) => [...r, actual[i]])),
    );
  });
});
