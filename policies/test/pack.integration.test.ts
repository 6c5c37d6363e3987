/**
 * The policy pack as a pack: its layout is what `pulumi preview --policy-pack ./policies` expects, its
 * metadata and configuration are consistent, the example config is valid, and its entry (index.ts) is never
 * imported by tests. The last block starts the pack exactly as the Pulumi CLI does (Pulumi's own
 * run-policy-pack, from the compiled entry) and talks to it over the analyzer gRPC protocol; there the library's
 * `checkResources` is held to the server's answers on the same resources.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import semver from "semver";
import ts from "typescript";
import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as pack from "../policies";
import { policyConfigTable, TABLE_MARKERS } from "../defaults";
import {
  analyzeRequest,
  analyzeStackRequest,
  analyzerPb,
  call,
  diagnosticsOf,
  emptyPb,
  LEVELS,
  type PolicyPackServer,
  startPolicyPack,
  structPb,
  type WireDiagnostic,
} from "../../test/support/policyPackServer";
import { describeDiagnostics, runPolicies, UNKNOWN_STRING } from "../../test/support/policyHarness";
import { EVASIONS } from "./fixtures/evasions";
import { HOLES } from "./fixtures/holes";
import { compliantStack, edited, lambdaFunction, orderDefinition, replacing, stateMachine } from "../../test/fixtures/policy/stack";

const ROOT = path.resolve(__dirname, "..", "..");
const POLICIES_DIR = path.join(ROOT, "policies");
const read = (file: string): string => fs.readFileSync(path.join(POLICIES_DIR, file), "utf8");
const { policies } = pack;

const EXPECTED_LEVELS: Record<string, string> = {
  "sfn-task-timeout": "mandatory",
  "sfn-execution-timeout": "mandatory",
  "sfn-time-budget": "mandatory",
  "lambda-explicit-timeout": "mandatory",
  "sfn-task-outlasts-lambda": "mandatory",
  "sfn-callback-heartbeat": "advisory",
  "sfn-retry-bounded": "advisory",
  "sfn-retry-transient-only": "advisory",
  "sfn-xray-tracing": "advisory",
  "lambda-xray-tracing": "advisory",
  "sfn-logging": "advisory",
  "sfn-failure-paths-observable": "advisory",
  "sfn-definition-readable": "advisory",
  "sfn-task-resource-is-integration": "advisory",
  "eventbridge-sfn-target-retry-dlq": "advisory",
  "iam-no-wildcards": "advisory",
  "resource-policies-scoped": "advisory",
  "cloudwatch-alarm-actions": "advisory",
  "cloudwatch-alarm-topic-deliverable": "advisory",
  "sqs-encrypted": "advisory",
  "sns-encrypted": "advisory",
  "messaging-secure-transport": "advisory",
  "log-group-retention": "advisory",
  "cloudformation-template-readable": "advisory",
};

describe("policy pack: layout", () => {
  it("PulumiPolicy.yaml names a nodejs pack with a description", () => {
    const yaml = read("PulumiPolicy.yaml");
    assert.match(yaml, /^runtime: nodejs$/m);
    assert.match(yaml, /^description: \S.+$/m);
  });

  it("package.json publishes compiled JavaScript: not private, the pack's entry as main, the library as exports, the component as a peer range", () => {
    const own = JSON.parse(read("package.json")) as {
      version?: string;
      private?: boolean;
      main: string;
      types: string;
      exports: Record<string, { types?: string; default?: string } | string>;
      files: string[];
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const rootVersions = { ...root.devDependencies, ...root.dependencies };
    assert.match(own.version ?? "", /^\d+\.\d+\.\d+/);
    assert.equal(own.private, undefined);
    // run-policy-pack requires the pack's folder ("."), which Node resolves through `main`; the package name
    // resolves through `exports`, so importing the library never starts a gRPC server.
    assert.equal(own.main, "dist/index.js");
    assert.deepEqual(own.exports["."], { types: "./dist/policies.d.ts", default: "./dist/policies.js" });
    assert.equal(own.types, "dist/policies.d.ts");
    for (const file of ["PulumiPolicy.yaml", "policy-config.json", "README.md", "LICENSE"]) assert.ok(own.files.includes(file), file);
    assert.match(read("PulumiPolicy.yaml"), /^main: dist\/index\.js$/m);
    assert.deepEqual(Object.keys(own.dependencies), ["@pulumi/policy", "js-yaml"]);
    assert.equal(own.dependencies["@pulumi/policy"], rootVersions["@pulumi/policy"]);
    assert.ok(
      semver.subset(rootVersions["@pulumi/pulumi"], own.peerDependencies["@pulumi/pulumi"]),
      `${rootVersions["@pulumi/pulumi"]} within ${own.peerDependencies["@pulumi/pulumi"]}`,
    );
    const library = JSON.parse(fs.readFileSync(path.join(ROOT, "components", "package.json"), "utf8")) as { name: string; version: string };
    const range = own.peerDependencies[library.name];
    assert.ok(semver.validRange(range) && range !== library.version, `${library.name} is a peer range, not a pinned version: ${range}`);
    assert.ok(semver.satisfies(library.version, range), `${library.version} within ${range}`);
  });

  it("uses the library through its package name, never through a path into components/", () => {
    for (const file of fs.readdirSync(POLICIES_DIR).filter((f) => f.endsWith(".ts"))) {
      const { importedFiles } = ts.preProcessFile(read(file), true, true);
      for (const { fileName } of importedFiles) assert.doesNotMatch(fileName, /components/, `${file} imports ${fileName}`);
    }
  });

  it("index.ts only imports the policies and constructs the PolicyPack", () => {
    const source = ts.createSourceFile("index.ts", read("index.ts"), ts.ScriptTarget.ES2022, true);
    const statements = source.statements;
    const imports = statements.filter(ts.isImportDeclaration).map((s) => (s.moduleSpecifier as ts.StringLiteral).text);
    assert.deepEqual(imports.sort(), ["./policies", "@pulumi/policy"]);
    const rest = statements.filter((s) => !ts.isImportDeclaration(s));
    assert.equal(rest.length, 1, "index.ts must do nothing but construct the pack");
    const expr = (rest[0] as ts.ExpressionStatement).expression;
    assert.ok(ts.isNewExpression(expr) && expr.expression.getText(source) === "PolicyPack");
    assert.equal(((expr.arguments ?? [])[0] as ts.StringLiteral).text, "event-driven-workflow");
    assert.match(expr.arguments![1].getText(source), /\bpolicies\b/);
  });

  it("tests never import policies/index.ts (constructing the pack starts its gRPC server)", () => {
    const entry = path.join(POLICIES_DIR, "index.ts");
    assert.ok(!Object.keys(require.cache).includes(entry), "policies/index.ts was loaded by a test");
    // Statically, too: no test imports a specifier that resolves to it ("../policies" would).
    const testFiles: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name.endsWith(".ts")) testFiles.push(full);
      }
    };
    for (const testFolder of ["test", "components/test", "local/test", "policies/test"]) walk(path.join(ROOT, testFolder));
    for (const file of testFiles) {
      const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
      const specifiers: string[] = [];
      const visit = (node: ts.Node): void => {
        if (
          (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
          node.moduleSpecifier &&
          ts.isStringLiteral(node.moduleSpecifier)
        )
          specifiers.push(node.moduleSpecifier.text);
        if (
          ts.isCallExpression(node) &&
          node.arguments.length > 0 &&
          ts.isStringLiteral(node.arguments[0]) &&
          (node.expression.getText(source) === "require" || node.expression.kind === ts.SyntaxKind.ImportKeyword)
        )
          specifiers.push(node.arguments[0].text);
        ts.forEachChild(node, visit);
      };
      visit(source);
      for (const spec of specifiers.filter((s) => s.startsWith("."))) {
        let resolved: string | undefined;
        try {
          resolved = require.resolve(path.resolve(path.dirname(file), spec));
        } catch {
          continue;
        }
        assert.notEqual(
          resolved,
          entry,
          `${path.relative(ROOT, file)} imports "${spec}", which is policies/index.ts: import "../policies" instead`,
        );
      }
    }
  });
});

describe("policy pack: metadata and configuration", () => {
  it("every policy has a unique name, a description and the documented default level", () => {
    const names = policies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel])), EXPECTED_LEVELS);
    for (const p of policies) {
      assert.match(p.name, /^[a-z0-9-]+$/);
      assert.notEqual(p.name, "all");
      assert.ok(p.description.length > 20, p.name);
      assert.ok(p.remediationSteps, p.name);
    }
  });

  it("the mandatory policies are exactly the timeout policies", () => {
    assert.deepEqual(
      policies.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name),
      ["sfn-task-timeout", "sfn-execution-timeout", "sfn-time-budget", "lambda-explicit-timeout", "sfn-task-outlasts-lambda"],
    );
  });

  it("schema defaults equal the defaults the policies fall back to", () => {
    const defaults: [ResourceValidationPolicy | StackValidationPolicy, object][] = [
      [pack.sfnTaskTimeout, pack.TASK_TIMEOUT_DEFAULTS],
      [pack.sfnExecutionTimeout, pack.EXECUTION_TIMEOUT_DEFAULTS],
      [pack.sfnTimeBudget, pack.TIME_BUDGET_DEFAULTS],
      [pack.lambdaExplicitTimeout, pack.LAMBDA_TIMEOUT_DEFAULTS],
      [pack.sfnTaskOutlastsLambda, pack.TASK_OUTLASTS_LAMBDA_DEFAULTS],
      [pack.sfnCallbackHeartbeat, pack.CALLBACK_HEARTBEAT_DEFAULTS],
      [pack.sfnRetryBounded, pack.RETRY_BOUNDED_DEFAULTS],
      [pack.sfnRetryTransientOnly, pack.RETRY_TRANSIENT_DEFAULTS],
      [pack.sfnLogging, pack.SFN_LOGGING_DEFAULTS],
      [pack.sfnFailurePathsObservable, pack.FAILURE_PATHS_DEFAULTS],
      [pack.iamNoWildcards, pack.IAM_DEFAULTS],
      [pack.resourcePoliciesScoped, pack.RESOURCE_POLICY_DEFAULTS],
      [pack.cloudwatchAlarmActions, pack.ALARM_ACTIONS_DEFAULTS],
      [pack.logGroupRetention, pack.LOG_GROUP_RETENTION_DEFAULTS],
      [pack.cloudformationTemplateReadable, pack.TEMPLATE_READABLE_DEFAULTS],
    ];
    for (const [policy, values] of defaults) {
      const schema = policy.configSchema as PolicyConfigSchema;
      const fromSchema = Object.fromEntries(
        Object.entries(schema.properties).flatMap(([k, v]) => (typeof v === "object" && v.default !== undefined ? [[k, v.default]] : [])),
      );
      assert.deepEqual(fromSchema, values, policy.name);
      assert.ok(!("enforcementLevel" in schema.properties), policy.name);
    }
    const configurable = policies
      .filter((p) => p.configSchema)
      .map((p) => p.name)
      .sort();
    assert.deepEqual(configurable, defaults.map(([p]) => p.name).sort());
  });

  it("the policies give the same results with and without the CLI filling in schema defaults", async () => {
    const stack = replacing(
      compliantStack(),
      "order-processor",
      stateMachine(
        "order-processor",
        edited(orderDefinition(), (d) => {
          delete d.States.ChargeCard.TimeoutSeconds;
          d.States.ValidateOrder.Retry = [{ ErrorEquals: ["States.ALL", "ValidationError"], MaxAttempts: 10 }];
        }),
      ),
    );
    const withDefaults = await runPolicies(policies, stack);
    const without = await runPolicies(policies, stack, { applySchemaDefaults: false });
    assert.ok(withDefaults.length >= 3, describeDiagnostics(withDefaults));
    assert.deepEqual(without, withDefaults);
  });

  describe("the example policy-config.json", () => {
    const config = JSON.parse(read("policy-config.json")) as Record<string, unknown>;

    it("configures every policy, with levels and properties its schema declares", async () => {
      assert.deepEqual(Object.keys(config).sort(), policies.map((p) => p.name).sort());
      for (const p of policies) {
        const entry = config[p.name];
        const level = typeof entry === "string" ? entry : (entry as { enforcementLevel?: string }).enforcementLevel;
        assert.ok(level === undefined || ["advisory", "mandatory", "remediate", "disabled"].includes(level), p.name);
        if (typeof entry !== "object" || entry === null) continue;
        for (const [key, value] of Object.entries(entry)) {
          if (key === "enforcementLevel") continue;
          const schema = p.configSchema?.properties[key];
          assert.ok(schema && typeof schema === "object", `${p.name}.${key} is not in the schema`);
          const type = schema.type;
          if (type === "integer") assert.ok(Number.isInteger(value), `${p.name}.${key}`);
          if (type === "boolean") assert.equal(typeof value, "boolean", `${p.name}.${key}`);
          if (type === "array") assert.ok(Array.isArray(value), `${p.name}.${key}`);
        }
      }
    });

    it("is the pack's defaults, written out (npm run policy-config regenerates it), and so is the README's table", () => {
      assert.deepEqual(
        config,
        pack.defaultPolicyConfig(),
        "policy-config.json differs from the policies' defaults: run `npm run policy-config`",
      );
      const readme = read("README.md");
      const table = readme.slice(readme.indexOf(TABLE_MARKERS.start) + TABLE_MARKERS.start.length, readme.indexOf(TABLE_MARKERS.end));
      assert.equal(table.trim(), policyConfigTable(), "README.md's configuration table differs: run `npm run policy-config`");
    });

    it("changes nothing: the compliant stack passes, a violation is the same with and without it", async () => {
      assert.deepEqual(await runPolicies(policies, compliantStack(), { config }), []);
      const slow = [lambdaFunction("slow", { timeout: 901 })];
      const withFile = await runPolicies(policies, slow, { config });
      assert.equal(withFile.length, 1, describeDiagnostics(withFile));
      assert.equal(withFile[0].enforcementLevel, "mandatory");
      assert.deepEqual(withFile, await runPolicies(policies, slow));
    });

    it("keeps an execution cap, if any, above the longest callback wait it allows", () => {
      const settings = (name: string) => config[name] as Record<string, number>;
      const cap = settings("sfn-execution-timeout").maxTimeoutSeconds;
      if (cap !== undefined) assert.ok(cap > settings("sfn-task-timeout").maxCallbackTimeoutSeconds);
      assert.equal(typeof settings("sfn-task-timeout").maxCallbackTimeoutSeconds, "number");
    });
  });

  it("the README documents every policy with its default level and configuration", () => {
    const readme = read("README.md");
    assert.match(readme, /pulumi preview --policy-pack node_modules\/event-driven-workflow-policies\n/);
    assert.match(readme, /npx --no-install edw-local check/);
    assert.match(readme, /pulumi policy publish <org-name>/);
    assert.match(readme, /--policy-pack-config/);
    for (const p of policies) {
      const section = readme.split(/\n(?=### )/).find((s) => s.startsWith(`### \`${p.name}\``));
      assert.ok(section, `README has no "### \`${p.name}\`" section`);
      assert.match(section, new RegExp(`\\*\\*Default level:\\*\\* ${p.enforcementLevel}`), p.name);
      for (const key of Object.keys(p.configSchema?.properties ?? {}))
        assert.ok(section.includes(`\`${key}\``), `${p.name}: README does not mention ${key}`);
    }
  });
});

// ------------------------------------------------------------------------------------------------------------
// The pack as the Pulumi CLI runs it
// ------------------------------------------------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any */
describe("policy pack: served the way `pulumi preview --policy-pack ./policies` runs it", function () {
  this.timeout(120_000);
  let server: PolicyPackServer | undefined;
  let client: any;

  before(async () => {
    // What the CLI's nodejs policy analyzer runs: Pulumi's run-policy-pack with "." in the pack's folder, which
    // loads the compiled entry (package.json `main`; `npm run build` made it).
    server = await startPolicyPack(POLICIES_DIR);
    client = server.client;
  });

  after(() => server?.close());

  it("reports the pack's name, version and every policy with its level and config schema", async () => {
    const info = await call<any>(client, "getAnalyzerInfo", new emptyPb.Empty());
    assert.equal(info.getName(), "event-driven-workflow");
    assert.equal(info.getVersion(), JSON.parse(read("package.json")).version);
    const served = info.getPoliciesList().map((p: any) => [p.getName(), LEVELS[p.getEnforcementlevel()]]);
    assert.deepEqual(Object.fromEntries(served), EXPECTED_LEVELS);
    const taskTimeout = info.getPoliciesList().find((p: any) => p.getName() === "sfn-task-timeout");
    // The served schema is a protobuf Struct, whose keys come back sorted.
    assert.deepEqual(Object.keys(taskTimeout.getConfigschema().getProperties().toJavaScript()).sort(), [
      "maxCallbackTimeoutSeconds",
      "maxJobTimeoutSeconds",
      "maxTimeoutSeconds",
    ]);
  });

  it("blocks a raw state machine whose nested Parallel task has no timeout", async () => {
    const def = edited(orderDefinition(), (d) => {
      delete d.States.FulfillmentAndNotification.Branches[0].States.FulfillOrder.TimeoutSeconds;
    });
    const diagnostics = diagnosticsOf(await call(client, "analyze", analyzeRequest(stateMachine("order-processor", def))));
    assert.deepEqual(
      diagnostics.map((d) => [d.policy, d.level]),
      [["sfn-task-timeout", "mandatory"]],
    );
    assert.match(
      diagnostics[0].message,
      /Task States\.FulfillmentAndNotification\.Branches\[0\]\.States\.FulfillOrder has no TimeoutSeconds/,
    );
  });

  it("gives one advisory, and no mandatory violation, for a definition unknown during preview", async () => {
    const diagnostics = diagnosticsOf(await call(client, "analyze", analyzeRequest(stateMachine("order-processor", UNKNOWN_STRING))));
    assert.deepEqual(
      diagnostics.map((d) => [d.policy, d.level]),
      [["sfn-definition-readable", "advisory"]],
    );
    assert.match(diagnostics[0].message, /its definition is not known yet/);
  });

  it("runs the stack policy: a Task shorter than its Lambda", async () => {
    const stack = replacing(
      compliantStack(),
      "order-processor",
      stateMachine(
        "order-processor",
        edited(orderDefinition(), (d) => {
          d.States.ChargeCard.TimeoutSeconds = 10;
        }),
      ),
    );
    const diagnostics = diagnosticsOf(await call(client, "analyzeStack", analyzeStackRequest(stack)));
    assert.deepEqual(
      diagnostics.map((d) => [d.policy, d.level]),
      [["sfn-task-outlasts-lambda", "mandatory"]],
    );
    assert.match(
      diagnostics[0].message,
      /Task States\.ChargeCard has TimeoutSeconds 10, not more than the 27 s timeout of Lambda function "charge-payment"/,
    );
    assert.equal(diagnostics[0].urn, stack.find((r) => r.name === "order-processor")!.urn);
  });

  it("checkResources (the library, edw-local check) finds exactly what the server reports, resource by resource and for the stack", async () => {
    // A state named "__proto__" does not survive protobuf's Struct on the way to the server: its fixtures stay out.
    const records = [...compliantStack(), ...[...EVASIONS, ...HOLES].flatMap((e) => [...e.violating, ...e.fixed])]
      .filter((r) => !JSON.stringify(r.props).includes('"__proto__"'))
      .map((r) => ({ ...r, name: r.name!, urn: r.urn! }));
    const wire: WireDiagnostic[] = [];
    // A resource's diagnostics come back without their URN: the engine knows which resource it asked about.
    for (const r of records)
      wire.push(...diagnosticsOf(await call(client, "analyze", analyzeRequest(r))).map((d) => ({ ...d, urn: d.urn || r.urn })));
    wire.push(...diagnosticsOf(await call(client, "analyzeStack", analyzeStackRequest(records))));
    const library = await pack.checkResources(records);
    const key = (d: { policy: string; level: string; urn?: string; message: string }) =>
      `${d.policy} ${d.level} ${d.urn ?? ""} ${d.message}`;
    // The server puts the policy's description above a violation's message, as `pulumi preview` prints it.
    const fromLibrary = library
      .map((f) => key({ ...f, level: f.enforcementLevel, message: f.description ? `${f.description}\n${f.message}` : f.message }))
      .sort();
    const fromServer = wire.map(key).sort();
    assert.ok(fromServer.length >= EVASIONS.length, `the server reported only ${fromServer.length} findings`);
    assert.deepEqual(fromLibrary, fromServer);
  });

  it("applies a policy-config.json (the shipped one, tightened) sent the way the CLI sends it", async () => {
    const config = JSON.parse(read("policy-config.json")) as Record<string, unknown>;
    config["lambda-explicit-timeout"] = { ...(config["lambda-explicit-timeout"] as object), maxTimeoutSeconds: 300 };
    const req = new analyzerPb.ConfigureAnalyzerRequest();
    for (const [name, entry] of Object.entries(config)) {
      const { enforcementLevel, ...props } = typeof entry === "string" ? { enforcementLevel: entry } : (entry as Record<string, unknown>);
      const pc = new analyzerPb.PolicyConfig();
      pc.setEnforcementlevel(LEVELS.indexOf(String(enforcementLevel ?? "advisory")));
      pc.setProperties(structPb.Struct.fromJavaScript(props));
      req.getPolicyconfigMap().set(name, pc);
    }
    await call(client, "configure", req);
    const diagnostics = diagnosticsOf(await call(client, "analyze", analyzeRequest(lambdaFunction("slow", { timeout: 600 }))));
    assert.deepEqual(
      diagnostics.map((d) => [d.policy, d.level]),
      [["lambda-explicit-timeout", "mandatory"]],
    );
    assert.match(diagnostics[0].message, /timeout 600 s, above the maximum of 300 s/);
  });
});
