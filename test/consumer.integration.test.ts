/**
 * The packages as a user meets them: `npm pack`, a real `npm install` of the tarballs into a scratch Pulumi program
 * with unrelated dependencies of its own, its own workflow, events and tests (test/fixtures/consumer). Beside it, a
 * platform team's programs: Acme's wrapper (platform/: a name prefix and a permissions boundary through hooks), the
 * shop program built on it, publishing its completion contract, and the analytics program subscribing through a
 * StackReference: unique names per stack, IAM after a hook's rename, URNs kept by `renamedFrom`, the cross-program chain.
 * And a media program (media/) with no Lambda where a service call does (issue 22): `parameters` with States.Format, a
 * DynamoDB PutItem and GetItem, a child workflow awaited with `startWorkflow` sync, an SQS task token, a task secret,
 * and a second workflow on a schedule, run with `npx edw-local` (archives and `--source`) and with the test kit.
 */
import assert from "node:assert/strict";
import { lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { installConsumer, REPO_ROOT, runInConsumer, type ConsumerProject } from "./support/consumer";
import { analyzeRequest, call, diagnosticsOf, emptyPb, startPolicyPack } from "./support/policyPackServer";
import { stateMachine } from "./fixtures/policy/stack";
import { LAMBDA_RUNTIME_PACKAGE } from "../components/stepArchive";
import type { PolicyDocument } from "../components/index";
import { decide, simulate } from "./support/iamSimulation";
import { TEST_ACCOUNT } from "../local/program/synthesize";

/* eslint-disable @typescript-eslint/no-explicit-any */
describe("a consumer program: npm pack -> npm install of the tarballs -> its own workflow, events and tests", function () {
  // npm pack builds both packages; npm install takes 20-40 s from npm's cache.
  this.timeout(600_000);
  let project: ConsumerProject;
  before(() => {
    project = installConsumer();
  });
  after(() => project?.remove());

  it("installs the packages as real folders, nothing linked into the repository", () => {
    for (const name of ["event-driven-workflow", "event-driven-workflow-local", "event-driven-workflow-policies", "@pulumi/pulumi"]) {
      const installed = join(project.folder, "node_modules", name);
      assert.ok(!lstatSync(installed).isSymbolicLink(), `${name} is a symlink`);
      assert.ok(!realpathSync(installed).startsWith(REPO_ROOT), `${name} resolves into the repository`);
    }
  });

  it("ships built JavaScript (the ES module hooks as .mjs), declarations, README and LICENSE only (and the command's shim, the pack's PulumiPolicy.yaml and policy-config.json)", () => {
    for (const { name, files } of Object.values(project.packages)) {
      const own: Record<string, string[]> = {
        "event-driven-workflow-policies": ["PulumiPolicy.yaml", "policy-config.json"],
        "event-driven-workflow-local": ["bin/edw-local.js"],
      };
      const unexpected = files.filter(
        (f) => !/^dist\/.+\.(js|mjs|d\.ts)$/.test(f) && !["package.json", "README.md", "LICENSE", ...(own[name] ?? [])].includes(f),
      );
      assert.deepEqual(unexpected, [], name);
      assert.ok(files.includes("README.md") && files.includes("LICENSE"), name);
      assert.ok(!files.some((f) => /\.test\.|\/test\//.test(f)), `${name} ships tests`);
    }
  });

  it("type-checks with strict and skipLibCheck: false (its programs, its tests, the whole public API; Acme's wrapper still refuses a wrong payload: platform/mistakes.ts)", () => {
    const run = runInConsumer(project, "tsc", ["--noEmit", "-p", "."]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  it("builds each Lambda archive from __index.js and the task's bundle only, whatever the program's dependencies", () => {
    const run = runInConsumer(project, "ts-node", ["--transpile-only", "scripts/archives.ts"]);
    assert.equal(run.status, 0, run.stderr);
    const archives = JSON.parse(run.stdout) as Record<string, Record<string, number>>;
    assert.deepEqual(Object.keys(archives).sort(), ["claims-Approve", "claims-AssessClaim", "claims-QueueForReview"]);
    for (const [name, files] of Object.entries(archives)) {
      const packages = new Set(
        Object.keys(files)
          .filter((f) => f.startsWith("node_modules/"))
          .map((f) => f.split("/")[1])
          .filter((name) => name !== LAMBDA_RUNTIME_PACKAGE),
      );
      assert.deepEqual([...packages], name === "claims-AssessClaim" ? ["semver"] : [], name);
      assert.ok(files["__index.js"] > 0 && files["__index.js"] < 64 * 1024, `${name}: __index.js is ${files["__index.js"]} bytes`);
    }
    const sizes = Object.fromEntries(
      Object.entries(archives).map(([name, files]) => [name, Object.values(files).reduce((a, b) => a + b, 0)]),
    );
    process.stdout.write(`      archive bytes (unzipped): ${JSON.stringify(sizes)}\n`);
  });

  it("runs its own events with npx edw-local, from the deployment artifacts", () => {
    const run = runInConsumer(project, "edw-local", [
      "events/small-claim.json",
      "events/large-claim.json",
      "events/invalid-claim.json",
      "--json",
    ]);
    assert.equal(run.status, 0, run.stderr);
    const { events } = JSON.parse(run.stdout) as {
      events: { label: string; status: string; executions: { path: string[]; status: string }[] }[];
    };
    const paths = Object.fromEntries(events.map((e) => [e.label, e.executions.map((x) => x.path.join(" -> "))]));
    assert.deepEqual(paths, {
      "small-claim": ["AssessClaim -> NeedsReview -> Approve -> AnnounceApproval"],
      "large-claim": ["AssessClaim -> NeedsReview -> QueueForReview -> AnnounceReview"],
      "invalid-claim": ["AssessClaim -> AnnounceRejection"],
    });
  });

  // ------------------------------------------- the media program: services called directly, a child, a schedule
  const SIGNING_KEY = "sk-media-from-the-cli";
  const APPROVAL = 'AwaitApproval=success:{"approved":true,"editor":"ana"}';

  for (const mode of ["artifact", "source"] as const)
    it(`runs the media pipeline with npx edw-local (${mode}): shaped with States.Format, written to the local DynamoDB, rendered by the child workflow, approved over an SQS task token, signed with a secret kept out of the logs`, () => {
      const run = runInConsumer(project, "edw-local", [
        "media/index.ts",
        "events/video-uploaded.json",
        "--secret",
        `SIGNING_KEY=${SIGNING_KEY}`,
        "--callback",
        APPROVAL,
        ...(mode === "source" ? ["--source"] : []),
        "--json",
      ]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as { mode: string; events: { executions: any[] }[] };
      assert.equal(report.mode, mode);
      const [execution] = report.events[0].executions;
      assert.deepEqual(execution.path, ["Shape", "RecordPublication", "RenderVideo", "AwaitApproval", "SignRelease", "ReadBack"]);
      // ReadBack is a GetItem on the local DynamoDB: the item RecordPublication's PutItem wrote, shaped title and all.
      assert.deepEqual(execution.output, {
        videoId: "v-7",
        title: "Launch day (news)",
        render: { rendition: "s3://renditions/v-7/1080p.mp4" },
        approval: { approved: true, editor: "ana" },
        signature: createHmac("sha256", SIGNING_KEY).update("v-7").digest("hex"),
        stored: { title: "Launch day (news)" },
      });
      assert.deepEqual(
        execution.children.map((child: any) => [child.workflow, child.status, child.path, child.output]),
        [["render", "SUCCEEDED", ["Render"], { title: "Launch day (news)", rendition: "s3://renditions/v-7/1080p.mp4" }]],
      );
      assert.deepEqual(
        execution.published.map((m: any) => [m.state, m.service, Object.keys(m.request.MessageBody).sort()]),
        [["AwaitApproval", "sqs", ["input", "state", "taskToken"]]],
      );
      assert.equal(typeof execution.published[0].request.MessageBody.taskToken, "string");
      const logs = execution.invocations.flatMap((i: { logs: string[] }) => i.logs).join("\n");
      assert.match(logs, /signing v-7 with \[REDACTED\]/);
      assert.ok(!(run.stdout + run.stderr).includes(SIGNING_KEY), "the secret reached the output");
    });

  it("refuses the media pipeline without its secret, naming the step, the secret and --secret (exit 2)", () => {
    const run = runInConsumer(project, "edw-local", ["media/index.ts", "events/video-uploaded.json", "--source", "--callback", APPROVAL]);
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /step "SignRelease" of publish needs the secret SIGNING_KEY: give --secret SIGNING_KEY=<value>/);
  });

  it("starts the scheduled digest with npx edw-local --workflow digest --input <file>, its 15-minute wait on the simulated clock", () => {
    const run = runInConsumer(project, "edw-local", [
      "media/index.ts",
      "--workflow",
      "digest",
      "--input",
      "events/digest-input.json",
      "--clock",
      "virtual",
      "--json",
    ]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const [execution] = (JSON.parse(run.stdout) as { events: { executions: any[] }[] }).events[0].executions;
    assert.deepEqual(
      [execution.workflow, execution.status, execution.path],
      ["digest", "SUCCEEDED", ["LetUploadsSettle", "CompileDigest"]],
    );
    assert.equal(execution.output.period, "weekly", "the --input file, not the schedule's input");
    assert.ok(execution.durationMs >= 900_000, `${execution.durationMs} ms simulated`);
    assert.ok(run.seconds < 120, `${run.seconds} s of real time`);
  });

  it("plans its capacity with npx edw-local capacity: the first quota to bind, at which rate, and the cost", () => {
    // 400 claims/s: above STANDARD's StartExecution refill in us-east-1 (300/s), so the command exits 1.
    const run = runInConsumer(project, "edw-local", ["capacity", "--rate", "400", "--json"]);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as {
      type: string;
      region: string;
      binding: string;
      bindsAtRate: number;
      withinQuotas: boolean;
      quotas: { name: string; used: number; binds: boolean; source: string }[];
      costPerMonth: { STANDARD: number; EXPRESS: number };
      recommendations: string[];
    };
    assert.deepEqual([report.type, report.region, report.withinQuotas], ["STANDARD", "us-east-1", false]);
    assert.equal(report.binding, "Step Functions StartExecution (STANDARD)");
    assert.ok(Math.abs(report.bindsAtRate - 300) < 0.01, String(report.bindsAtRate));
    const start = report.quotas.find((q) => q.name === report.binding);
    assert.deepEqual([start?.used, start?.binds], [400, true], "one execution per claim");
    assert.ok(report.quotas.every((q) => q.source.startsWith("https://docs.aws.amazon.com/")));
    assert.ok(report.costPerMonth.STANDARD > report.costPerMonth.EXPRESS && report.costPerMonth.EXPRESS > 0);
    assert.match(report.recommendations.join("\n"), /workflowType: "EXPRESS"/);
  });

  it("passes its own unit tests, written with the test kit (npm test, one mocha process)", () => {
    const run = runInConsumer(project, "npm", ["test", "--silent"]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /7 passing/);
    process.stdout.write(`      consumer's npm test: ${run.seconds.toFixed(1)} s; npm install: ${project.installSeconds.toFixed(1)} s\n`);
  });

  // ------------------------------------------------------------------------------------------ the policy pack
  const check = (...args: string[]) => runInConsumer(project, "npx", ["--no", "edw-local", "check", ...args]);

  it("npx edw-local check passes the clean stack: the installed pack over every resource, exit 0", () => {
    const run = check();
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /✅ event-driven-workflow@v\d+\.\d+\.\d+ \(local: node_modules\/event-driven-workflow-policies\)/);
    assert.match(run.stdout, /\d+ resources of index\.ts \(stack local\) checked: 0 mandatory/);
    process.stdout.write(`      npx edw-local check (claims stack): ${run.seconds.toFixed(1)} s\n`);
  });

  it("fails, naming the policy and the resource, on a raw state machine without timeouts and on a hook removing a Lambda's timeout", () => {
    const raw = check("--config", "policyProbe=raw");
    assert.equal(raw.status, 1, raw.stdout + raw.stderr);
    assert.match(raw.stdout, /- \[mandatory\] {2}sfn-task-timeout {2}\(aws:sfn\/stateMachine:StateMachine: claims-archive\)/);
    assert.match(raw.stdout, /- \[mandatory\] {2}sfn-execution-timeout {2}\(aws:sfn\/stateMachine:StateMachine: claims-archive\)/);
    assert.match(raw.stdout, /urn:pulumi:local::claims::aws:sfn\/stateMachine:StateMachine::claims-archive/);
    const hook = check("--config", "policyProbe=lambda-timeout", "--json");
    assert.equal(hook.status, 1, hook.stdout + hook.stderr);
    const report = JSON.parse(hook.stdout) as {
      findings: { policy: string; enforcementLevel: string; resourceName: string; urn: string }[];
    };
    const blocking = report.findings.filter((f) => f.enforcementLevel === "mandatory");
    assert.deepEqual([...new Set(blocking.map((f) => f.policy))], ["lambda-explicit-timeout"]);
    assert.deepEqual(blocking.map((f) => f.resourceName).sort(), ["claims-Approve", "claims-AssessClaim", "claims-QueueForReview"]);
    assert.match(
      blocking[0].urn,
      /^urn:pulumi:local::claims::eventdrivenworkflow:index:EventDrivenWorkflow\$aws:lambda\/function:Function::claims-/,
    );
  });

  it("reports a hook that turns the state machine's tracing off as advisory only (exit 0)", () => {
    const run = check("--config", "policyProbe=tracing");
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /- \[advisory\] {2}sfn-xray-tracing {2}\(aws:sfn\/stateMachine:StateMachine: claims\)/);
    assert.match(run.stdout, /0 mandatory, 1 advisory finding/);
  });

  it("serves the installed pack as the CLI starts it (run-policy-pack in its folder, compiled JavaScript, no TypeScript there)", async () => {
    const folder = join(project.folder, "node_modules", "event-driven-workflow-policies");
    const files = readdirSync(folder, { recursive: true }) as string[];
    assert.deepEqual(
      files.filter((f) => (f.endsWith(".ts") && !f.endsWith(".d.ts")) || f.endsWith("tsconfig.json")),
      [],
    );
    const size = (dir: string): number =>
      (readdirSync(dir, { recursive: true }) as string[]).reduce(
        (sum, f) => sum + (statSync(join(dir, f)).isFile() ? statSync(join(dir, f)).size : 0),
        0,
      );
    const own = ["event-driven-workflow-policies", "@pulumi/policy"].map((p) => size(join(project.folder, "node_modules", p)));
    process.stdout.write(
      `      installed size: event-driven-workflow-policies ${(own[0] / 1024).toFixed(0)} KiB, with @pulumi/policy ${((own[0] + own[1]) / 1024).toFixed(0)} KiB (the rest is shared with @pulumi/pulumi)\n`,
    );
    const server = await startPolicyPack(folder);
    try {
      const info = await call<any>(server.client, "getAnalyzerInfo", new emptyPb.Empty());
      assert.equal(info.getName(), "event-driven-workflow");
      assert.ok(info.getPoliciesList().length >= 23);
      const raw = stateMachine("claims-archive", {
        StartAt: "A",
        TimeoutSeconds: 60,
        States: { A: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } },
      });
      const diagnostics = diagnosticsOf(await call(server.client, "analyze", analyzeRequest(raw)));
      assert.deepEqual(
        diagnostics.filter((d) => d.level === "mandatory").map((d) => d.policy),
        ["sfn-task-timeout"],
      );
    } finally {
      server.close();
    }
  });

  // ------------------------------------ a platform team: Acme's wrapper, the shop program, the analytics program
  interface Synthesized {
    type: string;
    name: string;
    physical: string | null;
    permissionsBoundary: string | null;
    policy: string | null;
    assumeRolePolicy: string | null;
    arn: string | null;
  }
  let stacks: { dev: Synthesized[]; prod: Synthesized[]; renamed: Synthesized[] };
  const shopStacks = () => {
    if (!stacks) {
      const run = runInConsumer(project, "ts-node", ["--transpile-only", "scripts/shopStacks.ts"]);
      assert.equal(run.status, 0, run.stderr);
      stacks = JSON.parse(run.stdout);
      process.stdout.write(`      shop synthesized as dev, prod and dev renamed: ${run.seconds.toFixed(1)} s\n`);
    }
    return stacks;
  };
  const ROLE = "aws:iam/role:Role";
  const MACHINE = "aws:sfn/stateMachine:StateMachine";

  it("gives the shop's dev and prod stacks no physical name in common, each with Acme's prefix, and Acme's boundary on every role", () => {
    const { dev, prod } = shopStacks();
    const named = (resources: Synthesized[]) => resources.flatMap((r) => (r.physical ? [r.physical] : []));
    const kinds = new Set(dev.filter((r) => r.physical).map((r) => r.type.split(":").pop()));
    for (const kind of ["Function", "Role", "StateMachine", "Queue", "Topic", "EventRule", "LogGroup", "MetricAlarm", "Dashboard"])
      assert.ok(kinds.has(kind), `no ${kind} named: ${[...kinds].join(", ")}`);
    assert.deepEqual(
      named(dev).filter((name) => named(prod).includes(name)),
      [],
    );
    for (const name of [...named(dev), ...named(prod)]) assert.match(name, /(^|\/)acme-shop-(dev|prod)-/);
    const roles = [...dev, ...prod].filter((r) => r.type === ROLE);
    assert.equal(roles.length, 6, "the step's, the execution and the rule role, per stack");
    assert.deepEqual([...new Set(roles.map((r) => r.permissionsBoundary))], ["arn:aws:iam::123456789012:policy/acme-boundary"]);
  });

  it("keeps IAM on the state machine a hook renamed, by offline IAM simulation: the new ARN only", async () => {
    const { dev, renamed } = shopStacks();
    const defaultArn = dev.find((r) => r.type === MACHINE)!.arn!;
    const renamedArn = renamed.find((r) => r.type === MACHINE)!.arn!;
    assert.equal(renamedArn, `arn:aws:states:us-east-1:${TEST_ACCOUNT}:stateMachine:acme-shop-checkout`);
    assert.notEqual(defaultArn, renamedArn);
    const document = (text: string | null) => JSON.parse(text!) as PolicyDocument;
    const rulePolicy = document(renamed.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "orders-trigger")!.policy);
    assert.equal(await decide(rulePolicy, "states:StartExecution", renamedArn), "Allowed");
    assert.equal(await decide(rulePolicy, "states:StartExecution", defaultArn), "ImplicitlyDenied");
    const executionRole = renamed.find((r) => r.type === ROLE && r.name === "orders-execution")!;
    const assume = (sourceArn: string) =>
      simulate("sts:AssumeRole", executionRole.arn!, {
        principal: "states.amazonaws.com",
        resourcePolicy: document(executionRole.assumeRolePolicy),
        context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": TEST_ACCOUNT },
      });
    assert.equal(await assume(renamedArn), "Allowed");
    assert.notEqual(await assume(defaultArn), "Allowed");
  });

  it("keeps every URN when the shop's workflow is renamed with renamedFrom through the wrapper: each former URN is a child's alias", () => {
    const synthesize = (version: string) => {
      const run = runInConsumer(project, "ts-node", ["--transpile-only", "scripts/renamed.ts", version]);
      assert.equal(run.status, 0, run.stderr);
      return JSON.parse(run.stdout) as { urn: string; aliasUrns: string[] }[];
    };
    const before = synthesize("before");
    const after = synthesize("after");
    const renamed = before.filter((b) => !after.some((a) => a.urn === b.urn));
    assert.ok(renamed.length >= 20, `only ${renamed.length} URNs changed: the rename is not exercised`);
    const kept = new Set(after.flatMap((a) => [a.urn, ...a.aliasUrns]));
    assert.deepEqual(
      before.filter((b) => !kept.has(b.urn)).map((b) => b.urn),
      [],
      "former URNs no alias keeps",
    );
    assert.equal(after.length, before.length);
  });

  const CHAIN = "acme.shop / Order Completed → analytics:revenue (SUCCEEDED)";

  it("runs the chain Order Placed → shop → Order Completed → analytics in one npx edw-local call, the StackReference stubbed", () => {
    const run = runInConsumer(project, "npx", [
      "--no-install",
      "edw-local",
      "shop/index.ts",
      "events/order-placed.json",
      "--also",
      "analytics/index.ts",
      "--stack-reference",
      "acme/shop/dev=stacks/shop-outputs.json",
    ]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.ok(run.stdout.includes(`chain      order-placed → shop:orders (SUCCEEDED) → ${CHAIN}`), run.stdout);
    assert.match(
      run.stdout,
      /published {2}EventBridge put on bus "acme-shop-events": acme\.shop \/ Order Completed: \{"orderId":"ord-42","total":21\}/,
    );
    process.stdout.write(`      npx edw-local across the two programs: ${run.seconds.toFixed(1)} s\n`);
  });

  it("runs the same chain with the test kit (runEvents with also and stackReferences): analytics gets the contract's payload", () => {
    const run = runInConsumer(project, "ts-node", ["--transpile-only", "scripts/chain.ts"]);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as {
      status: string;
      chain: { trail: string; executions: { workflow: string; status: string; output: unknown }[] }[];
    };
    assert.equal(report.status, "SUCCEEDED");
    assert.deepEqual(
      report.chain.map((link) => link.trail),
      [`event 1 → shop:orders (SUCCEEDED) → ${CHAIN}`],
    );
    assert.deepEqual(report.chain[0].executions, [
      { workflow: "revenue", status: "SUCCEEDED", output: { orderId: "ord-42", revenue: 21 } },
    ]);
  });
});
