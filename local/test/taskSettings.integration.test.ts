/**
 * Per-task settings, run locally: a task's secrets come from the run (`secrets` in the test kit, `--secret NAME=value`
 * for edw-local) as `context.secrets`, masked in its logs; a missing one refuses the run naming the step, the secret
 * and the option; the task's environment reaches its handler; a task with provisioned concurrency runs through its
 * alias, from its deployment artifact too; the policy pack passes all of it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkProgram } from "../check/check";
import { parseCommandLine } from "../cli/run";
import { RunnerInputError } from "../input/eventInput";
import { runWorkflow } from "../testing";

const PROGRAM = join(__dirname, "fixtures", "taskSettings.ts");

describe("per-task settings, run locally", function () {
  this.timeout(180_000);

  for (const mode of ["source", "artifact"] as const)
    it(`hands the secret to the handler and masks it in the logs (${mode})`, async () => {
      const report = await runWorkflow(PROGRAM, "report-publisher", undefined, { mode, secrets: { API_KEY: "sk-local-1234" } });
      assert.equal(report.status, "SUCCEEDED", JSON.stringify(report.executions[0].error));
      const [execution] = report.executions;
      assert.deepEqual(execution.output, { report: "hourly", url: "https://reports.example.com", keyLength: 13 });
      const logs = execution.invocations.flatMap((i) => i.logs).join("\n");
      assert.match(logs, /calling the reports API with \[REDACTED\]/);
      assert.doesNotMatch(logs, /sk-local-1234/);
    });

  it("refuses to run without a secret a task needs, naming the step, the secret and the option", async () => {
    await assert.rejects(
      runWorkflow(PROGRAM, "report-publisher", undefined, { secrets: { OTHER: "x" } }),
      (error: Error) =>
        error instanceof RunnerInputError &&
        /step "PublishReport" of report-publisher needs the secret API_KEY: give --secret API_KEY=<value> \(edw-local\) or `secrets: \{ API_KEY: "<value>" \}`/.test(
          error.message,
        ),
    );
  });

  it("passes the policy pack: environment, secrets grants, reserved and provisioned concurrency (alias) included", async () => {
    const report = await checkProgram(PROGRAM);
    assert.deepEqual(report.findings, []);
  });

  it("edw-local --secret NAME=value gives the runner the values; a malformed entry is a usage error", () => {
    assert.deepEqual(
      parseCommandLine(["index.ts", "--workflow", "a", "--input", "in.json", "--secret", "API_KEY=a=b", "--secret", "X=1"])?.runner.secrets,
      {
        API_KEY: "a=b",
        X: "1",
      },
    );
    assert.throws(
      () => parseCommandLine(["index.ts", "--secret", "API_KEY"]),
      (e: Error) => e instanceof RunnerInputError && /--secret takes NAME=value/.test(e.message),
    );
  });
});
