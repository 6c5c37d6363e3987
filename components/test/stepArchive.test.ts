/**
 * Step archives (components/stepArchive.ts): the serialized handler and the task's bundle only, and the mistakes
 * that fail before deployment, each naming the step, the cause and the fix.
 */
import assert from "node:assert/strict";
import { largestCapturedValues, packageNameOf, requiredPackages, unavailablePackages, capturedVariableOf } from "../core/archive";
import { WorkflowDefinitionError } from "../core/validate";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { materializeArchive } from "../../local/lambda/artifact";
import { buildInstrumentedStepArchive, buildStepArchive, LAMBDA_RUNTIME_PACKAGE } from "../stepArchive";
import { instrumentStep } from "../runtime";

const build = (
  handler: (...args: any[]) => unknown,
  options: { bundle?: string[]; copyPackages?: string[]; sizeBudgetBytes?: number; minify?: boolean } = {},
) =>
  buildStepArchive(handler, {
    stepName: "SaveClaim",
    bundle: options.bundle ?? [],
    copyPackages: options.copyPackages,
    sizeBudgetBytes: options.sizeBudgetBytes ?? 1024 * 1024,
    minify: options.minify,
  });

async function rejection(promise: Promise<unknown>): Promise<WorkflowDefinitionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof WorkflowDefinitionError, `expected a WorkflowDefinitionError, got ${String(error)}`);
  assert.equal(error.problems[0].step, "SaveClaim");
  return error;
}

describe("step archives: what a Lambda's archive holds", () => {
  it("holds __index.js alone for a handler that needs no package", async () => {
    const built = await build(async (input: { n: number }) => ({ doubled: input.n * 2 }));
    assert.deepEqual(Object.keys(await built.archive.assets), ["__index.js"]);
    assert.match(built.source, /exports\.handler/);
  });

  it("ships __index.js minified unless told not to: no comment, no indent, shorter, and it computes the same", async () => {
    const rates = { standard: 0.2, reduced: 0.05 };
    const handler = async (input: { band: keyof typeof rates; amount: number }) => {
      // A comment the serialized handler keeps and the minified one drops.
      const rate = rates[input.band];
      return { tax: Math.round(input.amount * rate * 100) / 100 };
    };
    const [minified, serialized] = await Promise.all([build(handler), build(handler, { minify: false })]);
    assert.match(serialized.source, /A comment the serialized handler keeps/);
    assert.doesNotMatch(minified.source, /A comment|\n {2}/);
    assert.ok(minified.source.length < serialized.source.length * 0.7, `${minified.source.length} vs ${serialized.source.length} bytes`);
    const run = (source: string) => {
      const module = { exports: {} as Record<string, (input: unknown) => Promise<unknown>> };
      new Function("exports", "module", "require", source)(module.exports, module, require);
      return module.exports.handler({ band: "reduced", amount: 19.99 });
    };
    assert.deepEqual(await run(minified.source), { tax: 1 });
    assert.deepEqual(await run(serialized.source), { tax: 1 });
  });

  it("copies a package listed in copyPackages whole, with the packages it depends on, resolved from the program's folder", async () => {
    const built = await build(async () => require("mocha/package.json").version, { bundle: ["mocha"], copyPackages: ["mocha"] });
    const entries = Object.keys(await built.archive.assets);
    assert.ok(entries.includes("node_modules/mocha"), entries.join(", "));
    // mocha depends on (among others) `debug`, which depends on `ms`: both travel with it unless nested inside mocha.
    assert.ok(Object.keys(built.packages).length > 5, Object.keys(built.packages).join(", "));
  });

  it("ships a bundled package's data file as is when the handler reads only that", async () => {
    const built = await build(async () => require("mocha/package.json").version, { bundle: ["mocha"] });
    const assets = await built.archive.assets;
    assert.deepEqual(Object.keys(assets), ["__index.js", "node_modules/mocha/package.json"]);
    const manifest = JSON.parse(await (assets["node_modules/mocha/package.json"] as unknown as { text: Promise<string> }).text);
    assert.equal(manifest.version, require("mocha/package.json").version);
  });

  it("keeps the library out: the Lambda-time wrapper is serialized into __index.js, never required", async () => {
    const built = await build(instrumentStep("claims", "SaveClaim", async (x: unknown) => x));
    assert.deepEqual(
      requiredPackages(built.source).filter((p) => !p.startsWith("@aws-lambda-powertools/")),
      [],
    );
    assert.deepEqual(Object.keys(await built.archive.assets), ["__index.js"]);
  });

  it("refuses a handler that requires a package Lambda would not have, naming it and the fix", async () => {
    const error = await rejection(build(async () => require("mocha")));
    assert.match(error.message, /requires "mocha", which Lambda would not find/);
    assert.match(error.message, /bundle: \["mocha"\]/);
  });

  it("refuses a bundle entry that is not installed", async () => {
    const error = await rejection(build(async () => 1, { bundle: ["no-such-package-edw"] }));
    assert.match(error.message, /"no-such-package-edw", which is not installed .*npm install no-such-package-edw/);
  });

  it("refuses an unserializable capture, naming the captured variable and pointing at `init`", async () => {
    const socket = new (require("node:net").Socket)();
    const error = await rejection(build(async () => socket.remoteAddress));
    assert.match(error.message, /captures 'socket'/);
    assert.match(error.message, /`init` hook/);
  });

  it("refuses a handler over the size budget, naming the largest captured value", async () => {
    const ratesTable = Array.from({ length: 3000 }, (_, i) => ({ code: `R${i}`, rate: i / 100 }));
    const error = await rejection(build(async (code: string) => ratesTable.find((r) => r.code === code), { sizeBudgetBytes: 16 * 1024 }));
    assert.match(error.message, /over the budget of 16\.0 KiB; the largest captured values: 'ratesTable'/);
    assert.match(error.message, /handlerSizeBudgetBytes/);
  });
});

describe("step archives: a step's handler beside the prebuilt wrapper", () => {
  const buildStep = (handler: (input: any) => Promise<unknown>, runtime = {}) =>
    buildInstrumentedStepArchive(
      { workflowName: "claims", stepName: "SaveClaim", handler, runtime },
      { stepName: "SaveClaim", bundle: [], sizeBudgetBytes: 1024 * 1024 },
    );

  it("serializes the handler alone and ships the wrapper bundled, which __index.js requires", async () => {
    const built = await buildStep(async (input: { n: number }) => ({ doubled: input.n * 2 }), { sensitiveKeys: ["iban"] });
    const entries = Object.keys(await built.archive.assets);
    const runtime = `node_modules/${LAMBDA_RUNTIME_PACKAGE}/`;
    assert.deepEqual(entries.sort(), ["__index.js", `${runtime}index.js`, `${runtime}package.json`]);
    assert.deepEqual(requiredPackages(built.source), [LAMBDA_RUNTIME_PACKAGE]);
    assert.doesNotMatch(built.source, /createRedactor|guardMetrics|unwrapStepInput/, "the wrapper is required, not serialized");
    assert.match(built.source, /sensitiveKeys"?:\["iban"\]/);
  });

  it("ships the idempotency and approval-link code only to the steps that use them", async () => {
    const wrapperOf = async (runtime: object) => {
      const assets = (await (await buildStep(async () => 1, runtime)).archive.assets) as Record<string, { text: Promise<string> }>;
      return assets[`node_modules/${LAMBDA_RUNTIME_PACKAGE}/index.js`].text;
    };
    const [plain, idempotent, linking] = await Promise.all([
      wrapperOf({}),
      wrapperOf({ idempotency: { keyPath: "claimId" } }),
      wrapperOf({ approvalLinkSeconds: 3600 }),
    ]);
    assert.doesNotMatch(plain, /@aws-lambda-powertools\/idempotency|client-kms/);
    assert.match(idempotent, /@aws-lambda-powertools\/idempotency/);
    assert.match(linking, /client-kms/);
    assert.ok(
      plain.length < idempotent.length && plain.length < linking.length,
      `${plain.length}, ${idempotent.length}, ${linking.length} bytes`,
    );
  });

  it("runs as the wrapped handler: unwraps the step input, returns the result, rethrows an error by its name", async () => {
    const built = await buildStep(async (input: { n: number }) => {
      if (input.n < 0) throw Object.assign(new Error("negative"), { name: "NegativeError" });
      return { doubled: input.n * 2 };
    });
    // Unpacked below the project's node_modules, so that the Powertools packages resolve as the layer would serve them.
    const root = join(__dirname, "..", "..", "node_modules", ".cache");
    mkdirSync(root, { recursive: true });
    const folder = mkdtempSync(join(root, "edw-step-"));
    const [write, writeError] = [process.stdout.write, process.stderr.write];
    try {
      const taskRoot = await materializeArchive(await built.archive.assets, folder);
      const { handler } = require(join(taskRoot, "__index.js"));
      const invocation = { awsRequestId: "r-1", getRemainingTimeInMillis: () => 1000 };
      // The wrapper's EMF line and error log, not this test's output.
      process.stdout.write = process.stderr.write = (() => true) as typeof write;
      assert.deepEqual(await handler({ edwStepInput: true, payload: { n: 21 }, executionId: "e-1" }, invocation), { doubled: 42 });
      await assert.rejects(handler({ n: -1 }, invocation), { name: "NegativeError" });
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeError;
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("step archives: the pure checks (core/archive.ts)", () => {
  it("names the package a specifier loads, and none for built-ins and relative paths", () => {
    assert.equal(packageNameOf("@aws-lambda-powertools/parser/envelopes/eventbridge"), "@aws-lambda-powertools/parser");
    assert.equal(packageNameOf("uuid/v4"), "uuid");
    assert.equal(packageNameOf("node:crypto"), undefined);
    assert.equal(packageNameOf("fs/promises"), undefined);
    assert.equal(packageNameOf("./local"), undefined);
  });

  it("finds require and import calls in serialized code", () => {
    assert.deepEqual(
      requiredPackages(`const a = require("pg"); const b = require('node:fs'); await import("zod/v4"); require("@aws-sdk/client-s3")`),
      ["@aws-sdk/client-s3", "pg", "zod"],
    );
  });

  it("treats the Powertools layer and the runtime's AWS SDK as available, nothing else unless bundled", () => {
    assert.deepEqual(unavailablePackages(["@aws-lambda-powertools/logger", "@aws-sdk/client-s3", "pg", "zod"], ["zod"]), ["pg"]);
  });

  it("attributes serialized bytes to the captured value, by its source name", () => {
    const source = `exports.handler = __f0;\nvar __big = [];\nvar __big_0 = {a: "${"x".repeat(500)}"};\n__big[0] = __big_0;\nvar __small = 1;\n\nfunction __f0() {\n  with({ table: __big, n: __small }) { return () => table; }\n}\n`;
    const [largest, second] = largestCapturedValues(source);
    assert.equal(largest.name, "table");
    assert.ok(largest.bytes > 500);
    assert.equal(second.name, "n");
  });

  it("reads the captured variable closest to the value out of Pulumi's serialization error", () => {
    assert.equal(
      capturedVariableOf(
        "function 'x': captured\n  variable 'handler' which indirectly referenced\n    function 'y': which captured\n      variable 'pool' which indirectly referenced\n",
      ),
      "pool",
    );
  });
});
