import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileDefinition, validateSteps } from "../components";
import { bindTaskSteps, localResources } from "../local/bindSteps";
import { matchEventPattern } from "../local/eventPattern";
import { LocalWorkflow, type LocalExecutionResult } from "../local/execute";
import { invokeArtifact } from "../local/lambdaArtifact";
import { ofType, synthesizeProgram, type Synthesis } from "../local/synthesize";
import { aslErrors, badTaskResources } from "./support/asl";
import { EXAMPLE_DIR, loadDocumentWorkflow, type DocumentWorkflowModule } from "./support/exampleWorkflow";
import {
  REPO_ROOT, compileProject, createConsumerProject, listFiles, moduleSpecifiers, packageOf, packLibrary, readManifest,
  type PackageManifest,
} from "./support/packaging";

const exampleEvent = (name: string) => JSON.parse(readFileSync(join(EXAMPLE_DIR, "events", `${name}.json`), "utf8"));

describe("the document-ingestion example (examples/document-ingestion), run locally", () => {
  let example: DocumentWorkflowModule;
  let machine: LocalWorkflow;
  before(() => {
    example = loadDocumentWorkflow();
    const steps = example.documentSteps();
    validateSteps(steps);
    const definition = compileDefinition(steps, localResources(example.WORKFLOW_NAME, steps), { timeoutSeconds: 3600 });
    machine = new LocalWorkflow(definition, { taskHandlers: bindTaskSteps(example.WORKFLOW_NAME, steps) });
  });
  const run = async (name: string): Promise<LocalExecutionResult> => {
    const event = exampleEvent(name);
    const match = matchEventPattern(example.DOCUMENT_UPLOADED_PATTERN, event);
    assert.ok(match.matched, `${name} should match the rule: ${match.reasons.join("; ")}`);
    return machine.run(event);
  };

  it("a text note: Choice -> Map over 256 KiB chunks -> Document Ingested, no OCR and no Wait", async () => {
    const result = await run("text-note");
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.path, ["Classify", "RouteDocument", "IndexParts", "IndexPart", "IndexPart", "IndexPart", "CompleteIngestion", "PublishDocumentIngested"]);
    assert.deepEqual({ ...result.output, shards: undefined }, {
      documentId: "doc-2001", location: "s3://acme-documents/notes/2025/meeting-notes.md", route: "text", parts: 3, shards: undefined,
    });
    assert.ok(result.output.shards.every((shard: number) => shard >= 0 && shard < example.LIMITS.shards));
    const [published] = result.published;
    assert.equal(result.published.length, 1);
    assert.deepEqual({ source: published.request.Entries[0].Source, type: published.request.Entries[0].DetailType }, { source: "docs.ingestion", type: "Document Ingested" });
    assert.equal(published.request.Entries[0].Detail.documentId, "doc-2001");
  });

  it("a scanned PDF: Choice -> StartOcrJob -> Wait until the job is due -> Map over its 4 pages", async () => {
    const result = await run("scanned-contract");
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.path, ["Classify", "RouteDocument", "StartOcrJob", "WaitForOcr", "IndexParts", ...Array(4).fill("IndexPart"), "CompleteIngestion", "PublishDocumentIngested"]);
    assert.equal(result.output.route, "ocr");
    assert.equal(result.output.parts, 4);
    assert.match(result.output.ocrJobId, /^ocr-[0-9a-f]{16}$/);
  });

  it("a document over the size limit: Choice -> RejectTooLarge alert -> DocumentRejected, nothing indexed", async () => {
    const result = await run("too-large");
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "DocumentRejected");
    assert.deepEqual(result.path, ["Classify", "RouteDocument", "RejectTooLarge", "DocumentRejected"]);
    assert.deepEqual(result.published.map((m) => [m.service, m.request.Subject]), [["sns", "Document rejected: too large"]]);
    assert.equal(result.published[0].request.Message.documentId, "doc-2003");
  });

  it("an unsupported content type is caught (not retried) and alerted; an empty file never starts an execution", async () => {
    const result = await run("unsupported");
    assert.equal(result.status, "FAILED");
    assert.deepEqual(result.path, ["Classify", "RejectInvalid", "DocumentRejected"]);
    assert.deepEqual(result.retries, {});
    assert.equal(result.published[0].request.Message.Error, "UnsupportedContentTypeError");
    assert.match(result.published[0].request.Message.Cause, /application\/zip is not supported/);
    assert.equal(matchEventPattern(example.DOCUMENT_UPLOADED_PATTERN, exampleEvent("empty-file")).matched, false);
  });
});

/**
 * A consumer file that touches the whole public contract of design.md (builders, types, pure helpers, the
 * component's outputs): it must type-check against the shipped declarations.
 */
const API_SURFACE = `
import * as pulumi from "@pulumi/pulumi";
import {
  EventDrivenWorkflow, WorkflowDefinitionError, choice, compileDefinition, fail, map, notify, parallel, pass, publishEvent,
  sendToDeadLetterQueue, succeed, task, validateSteps, wait,
  type Catch, type Condition, type EventDrivenWorkflowArgs, type EventPattern, type Retry, type Step, type StepContext,
} from "event-driven-workflow";

const retry: Retry = { errors: ["ThrottlingException"], intervalSeconds: 1, maxAttempts: 2, backoffRate: 2, maxDelaySeconds: 4, jitter: "FULL" };
const toFailed: Catch = { errors: ["States.ALL"], next: "Failed", resultPath: "$.error" };
const big: Condition = { and: [{ variable: "$.n", numericGreaterThan: 10 }, { not: { variable: "$.skip", booleanEquals: true } }] };
export const steps: Step[] = [
  task<{ n: number }, { n: number; items: number[] }>("Double", {
    handler: async (input, context: StepContext) => {
      context.metrics.addMetric("Doubled", "Count", 1);
      context.logger.info("doubling", { step: context.stepName, workflow: context.workflowName, left: context.remainingTimeMs() });
      return { n: input.n * 2, items: [input.n] };
    },
    timeoutSeconds: 5, retry: [retry], catch: [toFailed], resultPath: "$", memorySize: 256,
  }),
  choice("IsBig", { choices: [{ condition: big, next: "Both" }], otherwise: "Done" }),
  parallel("Both", { branches: [[pass("Stamp", { result: "ok", resultPath: "$.stamp", end: true })], [wait("Pause", { seconds: 1 }, { end: true })]], resultPath: "$.both" }),
  map("Each", { itemsPath: "$.items", maxConcurrency: 2, steps: [succeed("Item")], resultPath: "$.each", catch: [toFailed] }),
  publishEvent("Announce", { source: "consumer.check", detailType: "Checked", next: "Done" }),
  succeed("Done"),
  notify("Alert", { subject: "failed", messagePath: "$.error" }),
  sendToDeadLetterQueue("Park"),
  fail("Failed", { error: "CheckFailed", cause: "a step failed" }),
];
const pattern: EventPattern = { source: ["consumer"] };
export const args: EventDrivenWorkflowArgs = {
  trigger: { pattern, eventBusName: "default" }, steps, timeoutSeconds: 60, workflowType: "EXPRESS",
  alerting: { emailEndpoints: [pulumi.output("oncall@example.com")] },
  logging: { level: "ALL", includeExecutionData: false, retentionInDays: 7 },
  lambda: { memorySize: 512, architecture: "x86_64" }, tags: { team: "consumer" },
};
export function check(): string {
  try {
    validateSteps(steps);
    return JSON.stringify(compileDefinition(steps, {
      functionArns: { Double: "arn:aws:lambda:us-east-1:123456789012:function:double" },
      alertTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
      deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
      defaultEventBusName: "default",
    }));
  } catch (error) {
    if (error instanceof WorkflowDefinitionError) return error.message;
    throw error;
  }
}
export function outputs(workflow: EventDrivenWorkflow): pulumi.Output<unknown>[] {
  return [workflow.stateMachineArn, workflow.stateMachineName, workflow.definition, workflow.ruleArn, workflow.ruleName, workflow.alertTopicArn,
    workflow.deadLetterQueueArn, workflow.deadLetterQueueUrl, workflow.functionArns, workflow.logGroupName, workflow.executionRoleArn];
}
`;

describe("the packed library, installed into another Pulumi program (npm pack -> scratch project -> tsc -> mocks)", function () {
  // npm pack runs the build (10-15 s); each tsc run of the consumer takes 2-5 s.
  this.timeout(180_000);
  let workDir: string;
  let project: string;
  let installed: string;
  let library: PackageManifest;
  let exampleCompilation: ReturnType<typeof compileProject>;

  before(() => {
    workDir = mkdtempSync(join(tmpdir(), "edw-packaging-"));
    const tarball = packLibrary(workDir);
    project = createConsumerProject(workDir, EXAMPLE_DIR, ["package.json", "tsconfig.json", "Pulumi.yaml", "index.ts", "workflow.ts"], tarball);
    installed = join(project, "node_modules", "event-driven-workflow");
    library = readManifest(installed);
    // Compiled here, not in a test, so that the synthesis below never depends on which tests ran (mocha -g).
    exampleCompilation = compileProject(project);
  });
  after(() => rmSync(workDir, { recursive: true, force: true }));

  it("ships the build of components/ (a .js and a .d.ts per source module), the README and nothing else", () => {
    const files = listFiles(installed);
    const sources = listFiles(join(REPO_ROOT, "components")).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
    const built = sources.flatMap((module) => [`dist/components/${module}.js`, `dist/components/${module}.d.ts`]);
    assert.deepEqual(files, [...built, "package.json", "README.md"].sort(), "a stale or missing module in dist/components");
    assert.ok(files.includes(library.main!) && files.includes(library.types!), `main (${library.main}) and types (${library.types}) must be shipped`);
  });

  it("loads nothing but its own modules, Node built-ins and declared dependencies (@pulumi/pulumi, @pulumi/aws, Powertools)", () => {
    const declared = new Set(Object.keys(library.dependencies ?? {}));
    const undeclared: string[] = [];
    const loaded = new Set<string>();
    for (const file of listFiles(installed).filter((f) => f.endsWith(".js") || f.endsWith(".d.ts"))) {
      for (const specifier of moduleSpecifiers(readFileSync(join(installed, file), "utf8"))) {
        const pkg = packageOf(specifier);
        if (pkg !== undefined) {
          loaded.add(pkg);
          if (!declared.has(pkg)) undeclared.push(`${file}: ${specifier}`);
        } else if (specifier.startsWith(".") && !join(installed, file, "..", specifier).startsWith(join(installed, "dist", "components"))) {
          undeclared.push(`${file}: ${specifier} (outside dist/components)`);
        }
      }
    }
    assert.deepEqual(undeclared, []);
    for (const needed of ["@pulumi/pulumi", "@pulumi/aws", "@aws-lambda-powertools/logger", "@aws-lambda-powertools/metrics", "@aws-lambda-powertools/tracer"]) {
      assert.ok(loaded.has(needed), `the library no longer loads ${needed}: update this test`);
    }
  });

  it("shares one @pulumi/pulumi between the program, the installed library and the mocks", () => {
    const resolved = (from: string) => realpathSync(createRequire(from).resolve("@pulumi/pulumi"));
    const fromProgram = resolved(join(project, "index.ts"));
    assert.equal(resolved(join(installed, library.main!)), fromProgram);
    assert.equal(realpathSync(require.resolve("@pulumi/pulumi")), fromProgram);
    assert.equal(readManifest(project).dependencies?.["@pulumi/pulumi"], library.dependencies?.["@pulumi/pulumi"],
      "the example must ask for the library's @pulumi/pulumi range, so that npm installs a single copy");
  });

  it("type-checks the example program, and a file using the whole public API, against the shipped declarations (tsc, strict)", () => {
    assert.equal(exampleCompilation.status, 0, exampleCompilation.output);
    writeFileSync(join(project, "api-surface.ts"), API_SURFACE);
    writeFileSync(join(project, "tsconfig.api.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true, noUnusedLocals: true }, files: ["api-surface.ts"] }));
    const api = compileProject(project, "tsconfig.api.json");
    assert.equal(api.status, 0, api.output);
  });

  describe("the example program, synthesized from the installed package under Pulumi mocks", () => {
    let synthesis: Synthesis;
    before(async () => {
      // Pulumi puts the dependencies of the package.json it finds from the working directory into each Lambda archive.
      const cwd = process.cwd();
      process.chdir(project);
      try {
        synthesis = await synthesizeProgram(join(project, "bin", "index.js"), { stack: "test", config: { "document-ingestion:alertEmails": "docs-oncall@example.com" } });
      } finally {
        process.chdir(cwd);
      }
    });
    const only = (type: string) => {
      const found = ofType(synthesis.resources, type);
      assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
      return found[0];
    };

    it("registers the workflow: state machine, rule and target, one Lambda per task, alert topic and subscription, DLQ", () => {
      const component = only("eventdrivenworkflow:index:EventDrivenWorkflow");
      for (const type of ["aws:sfn/stateMachine:StateMachine", "aws:cloudwatch/eventTarget:EventTarget", "aws:sns/topic:Topic", "aws:sqs/queue:Queue"]) only(type);
      assert.equal(only("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "docs-oncall@example.com");
      assert.deepEqual(ofType(synthesis.resources, "aws:lambda/function:Function").map((f) => f.name).sort(),
        ["Classify", "CompleteIngestion", "IndexPart", "StartOcrJob"].map((step) => `document-ingestion-${step}`));
      assert.ok(synthesis.resources.filter((r) => r !== component).every((r) => r.parent !== undefined), "every resource is a child of the component");
      assert.deepEqual(synthesis.serializationFailures, []);
      assert.deepEqual(JSON.parse(only("aws:cloudwatch/eventRule:EventRule").inputs.eventPattern), loadDocumentWorkflow().DOCUMENT_UPLOADED_PATTERN);
      assert.match(String(synthesis.outputs.stateMachineArn), /:stateMachine:document-ingestion-test$/);
    });

    it("deploys a definition that passes the order workflow's checks, with the same states as the local one", () => {
      const definition = JSON.parse(only("aws:sfn/stateMachine:StateMachine").inputs.definition);
      assert.deepEqual(aslErrors(definition), []);
      assert.deepEqual(badTaskResources(definition), []);
      assert.equal(definition.TimeoutSeconds, 3600);
      const steps = loadDocumentWorkflow().documentSteps();
      const local = compileDefinition(steps, localResources("document-ingestion", steps), { timeoutSeconds: 3600 });
      assert.deepEqual(Object.keys(definition.States), Object.keys(local.States));
      assert.deepEqual([definition.States.RouteDocument.Type, definition.States.IndexParts.Type, definition.States.WaitForOcr.TimestampPath], ["Choice", "Map", "$.ocr.readyAt"]);
    });

    // From node_modules, Pulumi serializes a captured library module as a require() of it
    // (require("event-driven-workflow/dist/components/runtime/redact.js")) unless each module the step wrapper
    // captures declares `deploymentOnlyModule`, which makes Pulumi serialize it by value as in this repository.
    it("serializes each task into a self-contained __index.js that runs with only the Powertools layer", async () => {
      const fn = ofType(synthesis.resources, "aws:lambda/function:Function").find((f) => f.name === "document-ingestion-Classify")!;
      const source: string = await (await fn.inputs.code.assets)["__index.js"].text;
      assert.deepEqual(moduleSpecifiers(source).filter((m) => packageOf(m) !== undefined).sort(),
        ["@aws-lambda-powertools/logger", "@aws-lambda-powertools/metrics", "@aws-lambda-powertools/tracer"]);
      const run = await invokeArtifact(source, exampleEvent("text-note"), { environment: fn.inputs.environment.variables });
      assert.equal(run.error, undefined, `${JSON.stringify(run.error)}\n${run.stderr}`);
      assert.deepEqual({ route: (run.result as { route: string }).route, parts: (run.result as { parts: unknown[] }).parts.length }, { route: "text", parts: 3 });
    });

    // The package's `"pulumi": { "runtimeDependencies": {} }` keeps the library itself out of consumers' archives.
    it("keeps the library and its dependencies out of the Lambda archives: each holds its __index.js alone", async () => {
      for (const fn of ofType(synthesis.resources, "aws:lambda/function:Function")) {
        assert.deepEqual(Object.keys(await fn.inputs.code.assets), ["__index.js"], fn.name);
      }
    });
  });
});
