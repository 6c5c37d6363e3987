/**
 * Jobs that a step waits for (`integrationPattern: "runJob"`, `.sync`) run locally through the test kit: without a
 * stand-in the run is refused before anything runs, naming the integration with its pattern and how to give one; with
 * stand-ins keyed `service:action`, each gets the step's request and its answer (the finished job's description) is the
 * step's result. Synthesized under Pulumi mocks, the execution role's policy carries each pattern's grants.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RunnerInputError } from "../input/eventInput";
import { LocalRunner } from "../runner/runner";
import { runEvents } from "../testing";

const PROGRAM = join(__dirname, "fixtures", "jobIntegrations.ts");
const due = { source: "reports.schedule", "detail-type": "Report Due", detail: { day: "2026-12-07" } };

describe("callAwsService .sync jobs, run locally (test kit)", function () {
  this.timeout(120_000);

  it("refuses a .sync job without a stand-in before running, naming the integration and how to give one", async () => {
    await assert.rejects(
      runEvents(PROGRAM, due, { services: { "glue:startJobRun": () => ({ JobRunState: "SUCCEEDED" }) } }),
      (error: Error) =>
        error instanceof RunnerInputError &&
        /RunReport \(ecs:runTask\.sync\)/.test(error.message) &&
        !/LoadWarehouse/.test(error.message) &&
        /--service <service:action>=<response\.json>/.test(error.message) &&
        /services: \{ "<service:action>"/.test(error.message),
    );
  });

  it("runs each job through its stand-in: the request in, the finished job's description as the step's result", async () => {
    const requests: unknown[] = [];
    const [report] = await runEvents(PROGRAM, due, {
      services: {
        "ecs:runTask": (request) => {
          requests.push(request);
          return { Containers: [{ ExitCode: 0 }], LastStatus: "STOPPED" };
        },
        "glue:startJobRun": (request) => {
          requests.push(request);
          return { JobRunState: "SUCCEEDED", Id: "jr-1" };
        },
      },
    });
    const run = report.executions[0];
    assert.equal(run.status, "SUCCEEDED", `${run.error}: ${run.cause}`);
    assert.deepEqual(run.path, ["RunReport", "LoadWarehouse"]);
    assert.deepEqual(requests, [
      { Cluster: "reports", TaskDefinition: "report:3", LaunchType: "FARGATE", StartedBy: "2026-12-07" },
      { JobName: "nightly-etl" },
    ]);
    const output = run.output as { report: unknown; etl: unknown };
    assert.deepEqual(output.report, { exitCode: 0 });
    assert.deepEqual(output.etl, { state: "SUCCEEDED" });
  });

  it("fails the step with the stand-in's error, as a failed job fails it", async () => {
    const [report] = await runEvents(PROGRAM, due, {
      services: {
        "ecs:runTask": () => {
          throw Object.assign(new Error("Essential container in task exited"), { name: "States.TaskFailed" });
        },
        "glue:startJobRun": () => ({ JobRunState: "SUCCEEDED" }),
      },
    });
    const run = report.executions[0];
    assert.equal(run.status, "FAILED");
    assert.equal(run.error, "States.TaskFailed");
  });

  it("gives the deployed execution role each job's grants: the call, watching it, its managed rule, the passed role", async () => {
    const runner = await LocalRunner.load(PROGRAM, { services: { "ecs:runTask": () => ({}), "glue:startJobRun": () => ({}) } });
    const { synthesis } = runner;
    await runner.close();
    const policies = await Promise.all(
      synthesis.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").map(async (r) => String(await r.inputs.policy)),
    );
    const execution = policies
      .map((p) => JSON.parse(p) as { Statement: { Sid?: string; Action: unknown; Resource: unknown }[] })
      .find((p) => p.Statement.some((s) => s.Sid === "CallRunReport"));
    assert.ok(execution, policies.join("\n"));
    const bySid = Object.fromEntries(execution.Statement.map((s) => [s.Sid, [s.Action, s.Resource]]));
    assert.deepEqual(bySid.CallRunReport, [["ecs:RunTask"], ["arn:aws:ecs:us-east-1:123456789012:task-definition/report:3"]]);
    assert.deepEqual(bySid.PassRoleRunReport, [["iam:PassRole"], ["arn:aws:iam::123456789012:role/report-task"]]);
    assert.deepEqual(bySid.WatchRunReport?.[0], ["ecs:StopTask", "ecs:DescribeTasks"]);
    assert.match(String(bySid.HearFinishRunReport?.[1]), /:rule\/StepFunctionsGetEventsForECSTaskRule$/);
    assert.deepEqual(bySid.WatchLoadWarehouse, [
      ["glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
      ["arn:aws:glue:us-east-1:123456789012:job/nightly-etl"],
    ]);
  });
});
