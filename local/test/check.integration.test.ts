/**
 * `edw-local check`: the installed policy pack over a synthesized program, without the Pulumi CLI. Mandatory findings
 * name the policy and the resource's URN and exit 1; advisory ones exit 0; a missing pack or a bad policy config is a
 * usage error (exit 2) with the fix.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkProgram, formatCheckReport, POLICY_PACK_INSTALL } from "../check/check";
import { checkCommand } from "../cli/check";
import { RunnerInputError } from "../input/eventInput";
import { divertOutput } from "../runner/captureOutput";

const PROGRAM = join(__dirname, "fixtures", "policyProbe.ts");
const probe = (value: string) => ({ config: { probe: value } });

describe("edw-local check: the installed policy pack over a program's resources", function () {
  this.timeout(120_000);

  it("passes the component's own resources: no finding, exit 0", async () => {
    const report = await checkProgram(PROGRAM, probe("clean"));
    assert.ok(report.resources > 15, `${report.resources} resources`);
    assert.deepEqual(report.findings, []);
    assert.equal(report.pack.name, "event-driven-workflow");
    assert.match(formatCheckReport(report), /✅ event-driven-workflow@v\d+\.\d+\.\d+/);
  });

  it("blocks a raw state machine without timeouts, naming the policies and the resource's URN", async () => {
    const report = await checkProgram(PROGRAM, probe("raw"));
    const mandatory = report.findings.filter((f) => f.enforcementLevel === "mandatory");
    assert.deepEqual(mandatory.map((f) => f.policy).sort(), ["sfn-execution-timeout", "sfn-task-timeout"]);
    for (const f of mandatory) {
      assert.equal(f.urn, "urn:pulumi:local::order-processing::aws:sfn/stateMachine:StateMachine::raw-orders");
      assert.ok(f.remediation && f.description, f.policy);
    }
    const text = formatCheckReport(report);
    assert.match(text, /- \[mandatory\] {2}sfn-task-timeout {2}\(aws:sfn\/stateMachine:StateMachine: raw-orders\)/);
    assert.match(text, /Task States\.Charge has no TimeoutSeconds/);
  });

  it("blocks a transform hook that removes a step Lambda's timeout (a child of the component, by its URN)", async () => {
    const report = await checkProgram(PROGRAM, probe("lambda-timeout"));
    const mandatory = report.findings.filter((f) => f.enforcementLevel === "mandatory");
    assert.deepEqual(
      mandatory.map((f) => [f.policy, f.urn]),
      [
        [
          "lambda-explicit-timeout",
          "urn:pulumi:local::order-processing::eventdrivenworkflow:index:EventDrivenWorkflow$aws:lambda/function:Function::probe-Work",
        ],
      ],
    );
  });

  it("reports a transform hook that turns tracing off as advisory only (exit 0)", async () => {
    const report = await checkProgram(PROGRAM, probe("tracing"));
    assert.deepEqual(
      report.findings.map((f) => [f.policy, f.enforcementLevel]),
      [["sfn-xray-tracing", "advisory"]],
    );
    assert.equal(report.mandatory, 0);
  });

  it("exits 1 on a mandatory finding and prints JSON with --json; 0 once the policy config makes it advisory", async () => {
    const run = async (...args: string[]) => {
      let stdout = "";
      const restore = divertOutput((text, stream) => {
        if (stream === 0) stdout += text;
        return true;
      });
      try {
        return { code: await checkCommand([PROGRAM, "--config", "probe=raw", ...args]), stdout };
      } finally {
        restore();
      }
    };
    const blocked = await run("--json");
    assert.equal(blocked.code, 1);
    const json = JSON.parse(blocked.stdout) as { mandatory: number; findings: { policy: string }[] };
    assert.equal(json.mandatory, 2);
    const folder = mkdtempSync(join(tmpdir(), "edw-check-"));
    try {
      const config = join(folder, "policy-config.json");
      writeFileSync(config, JSON.stringify({ "sfn-task-timeout": "advisory", "sfn-execution-timeout": "advisory" }));
      assert.equal((await run("--policy-config", config)).code, 0);
      writeFileSync(config, JSON.stringify({ "sfn-task-timeout": { maxTimeout: 5 } }));
      assert.equal((await run("--policy-config", config)).code, 2);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("a project without the pack is a usage error naming the install command", async () => {
    const folder = mkdtempSync(join(tmpdir(), "edw-check-nopack-"));
    try {
      await assert.rejects(
        checkProgram(PROGRAM, { ...probe("clean"), projectFolder: folder }),
        (error: Error) => error instanceof RunnerInputError && error.message.includes(POLICY_PACK_INSTALL),
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
