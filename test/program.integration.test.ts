/**
 * The program `pulumi up` runs, and the component under the mocks users write.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { load as loadYaml } from "js-yaml";
import { EventDrivenWorkflow, task } from "../components/index";
import { instrumentStep } from "../components/runtime";
import { ofType, synthesizeProgram } from "../local/program/synthesize";

const ROOT = join(__dirname, "..");

/**
 * The entry point Pulumi's Node.js host runs for a project folder (@pulumi/pulumi cmd/run/run.js): Pulumi.yaml's
 * `main` when set (the CLI passes it as the program); otherwise the package.json `exports["."]`, else `main`, else the
 * folder itself (its index).
 */
function programPulumiRuns(folder: string): string {
  const project = loadYaml(readFileSync(join(folder, "Pulumi.yaml"), "utf8")) as { main?: string };
  if (project.main) return resolve(folder, project.main);
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
    main?: string;
    exports?: string | Record<string, string | Record<string, string>>;
  };
  const mainExport = typeof manifest.exports === "object" ? manifest.exports["."] : manifest.exports;
  const entry =
    typeof mainExport === "object" ? (mainExport.default ?? mainExport.require ?? mainExport.import) : (mainExport ?? manifest.main);
  return entry && existsSync(join(folder, entry)) ? resolve(folder, entry) : folder;
}

describe("the program `pulumi up` runs", function () {
  this.timeout(120_000);

  it("is index.ts after the packages are built (Pulumi.yaml names it), never a package entry point", () => {
    assert.ok(existsSync(join(ROOT, "components", "dist", "index.js")), "npm test builds the packages first");
    assert.equal(programPulumiRuns(ROOT), join(ROOT, "index.ts"));
  });

  it("would be a library's entry point without Pulumi.yaml's main (why `main` is set)", () => {
    const folder = mkdtempSync(join(tmpdir(), "edw-host-"));
    try {
      writeFileSync(join(folder, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
      writeFileSync(join(folder, "package.json"), JSON.stringify({ main: "dist/index.js" }));
      writeFileSync(join(folder, "index.ts"), "");
      assert.equal(programPulumiRuns(folder), folder);
      require("node:fs").mkdirSync(join(folder, "dist"));
      writeFileSync(join(folder, "dist", "index.js"), "");
      assert.equal(programPulumiRuns(folder), join(folder, "dist", "index.js"));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("creates the order stack", async () => {
    const { resources } = await synthesizeProgram(programPulumiRuns(ROOT), { stack: "dev" });
    assert.equal(ofType(resources, "aws:sfn/stateMachine:StateMachine").length, 1);
    assert.equal(ofType(resources, "aws:lambda/function:Function").length, 7);
    assert.equal(ofType(resources, "eventdrivenworkflow:index:EventDrivenWorkflow").length, 1);
  });
});

describe("the component under Pulumi's documented minimal mocks (state: inputs)", function () {
  this.timeout(60_000);

  it("resolves its definition, naming what the mocks left unknown, with no unhandled rejection", async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => {
      rejections.push(reason);
    };
    process.on("unhandledRejection", onRejection);
    try {
      pulumi.runtime.setAllConfig({ "aws:region": "eu-west-1" });
      pulumi.runtime.setMocks(
        {
          newResource: (args: pulumi.runtime.MockResourceArgs) => ({ id: `${args.inputs.name}_id`, state: args.inputs }),
          call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
        },
        "project",
        "stack",
        false,
      );
      const functions: Record<string, unknown>[] = [];
      const workflow = new EventDrivenWorkflow(
        "claims",
        {
          trigger: { pattern: { source: ["claims"] } },
          timeoutSeconds: 60,
          steps: [task("Assess", { handler: async (claim: unknown) => claim, timeoutSeconds: 5, end: true })],
        },
        {
          transformations: [
            (args) => {
              if (args.type === "aws:lambda/function:Function") functions.push(args.props);
              return undefined;
            },
          ],
        },
      );
      const definition = JSON.parse(await new Promise<string>((done) => workflow.definition.apply(done)));
      assert.match(definition.States.Assess.Resource, /<unknown ARN of the Assess function/);
      const layers = await new Promise<string[]>((done) => pulumi.output(functions[0].layers as string[]).apply(done));
      assert.match(
        layers[0],
        /^arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:\d+$/,
        "the region from aws:region config",
      );
      await new Promise((done) => setTimeout(done, 50));
      assert.deepEqual(rejections, []);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });
});

describe("a task's init hook", () => {
  it("runs once per container, hands its result to every invocation, and runs again after it failed", async () => {
    let inits = 0;
    let failNext = true;
    const handler = instrumentStep("claims", "Save", async (n: number, context) => (context.resources as { base: number }).base + n, {
      init: async () => {
        inits++;
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error("database unreachable"), { name: "InitError" });
        }
        return { base: 100 };
      },
    });
    const invocation = { awsRequestId: "r", getRemainingTimeInMillis: () => 1000 };
    await assert.rejects(handler(1, invocation), { name: "InitError" });
    assert.equal(await handler(1, invocation), 101);
    assert.equal(await handler(2, invocation), 102);
    assert.equal(inits, 2);
  });
});
