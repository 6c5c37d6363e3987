/**
 * A handler's imports of bundled packages (components/bundledImports.ts, stepBundle.ts, core/bundleUsage.ts): an
 * ES module import, a namespace, a destructured require all reach the archive as `require`s of a tree-shaken bundle
 * that runs from the archive alone; what cannot be bundled fails the build naming the package and the fix.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { materializeArchive } from "../../local/lambda/artifact";
import { moduleUsage } from "../core/bundleUsage";
import { WorkflowDefinitionError } from "../core/validate";
import { buildStepArchive, type StepArchive } from "../stepArchive";

const REPO = join(__dirname, "..", "..");
const dynamicImport = new Function("url", "return import(url)") as (url: string) => Promise<any>;

const build = (
  handler: (...args: any[]) => unknown,
  options: { bundle: string[]; programFolder?: string; sourceMaps?: boolean; sizeBudgetBytes?: number },
) => buildStepArchive(handler, { stepName: "Stamp", sizeBudgetBytes: 1024 * 1024, programFolder: REPO, ...options });

/** The archive's files, by path. */
async function files(built: StepArchive): Promise<Record<string, string>> {
  const assets = (await built.archive.assets) as Record<string, { text?: Promise<string> }>;
  return Object.fromEntries(await Promise.all(Object.entries(assets).map(async ([path, asset]) => [path, (await asset.text) ?? ""])));
}

/** Runs the archive's handler in a child process, from a folder outside the project: only the archive's modules resolve. */
async function runFromArchive(built: StepArchive, input: unknown): Promise<unknown> {
  const root = mkdtempSync(join(tmpdir(), "edw-bundled-"));
  try {
    const taskRoot = await materializeArchive(await built.archive.assets, root);
    const script = `require(${JSON.stringify(join(taskRoot, "__index.js"))}).handler(${JSON.stringify(input)}).then((r) => process.stdout.write(JSON.stringify(r)))`;
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: taskRoot, env: { PATH: process.env.PATH }, encoding: "utf8" }));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function rejection(promise: Promise<unknown>): Promise<WorkflowDefinitionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof WorkflowDefinitionError, `expected a WorkflowDefinitionError, got ${String(error)}`);
  return error;
}

const input = { at: "2026-01-01T00:00:00.000Z" };
const expected = { due: "2026-01-01T00:00:30.000Z", day: "Thursday" };

describe("bundled imports: what reaches the archive is a require of a tree-shaken bundle", function () {
  this.timeout(60_000);

  it('an ES module\'s named imports (what a "type": "module" program captures) become requires of the kept exports only', async () => {
    const { addSeconds, format } = await dynamicImport("date-fns");
    const built = await build(
      async (event: { at: string }) => {
        const due = addSeconds(new Date(event.at), 30);
        return { due: due.toISOString(), day: format(due, "EEEE") };
      },
      { bundle: ["date-fns"] },
    );
    assert.match(built.source, /require\("date-fns"\)\.addSeconds/);
    assert.deepEqual(
      built.modules.map((m) => [m.specifier, m.exports]),
      [["date-fns", ["addSeconds", "format"]]],
    );
    const archive = await files(built);
    assert.deepEqual(Object.keys(archive).sort(), ["__index.js", "node_modules/date-fns/index.js", "node_modules/date-fns/package.json"]);
    // The whole package is 5,000 files and about 10 MB; the two functions and what they use, a few tens of KB.
    assert.ok(archive["node_modules/date-fns/index.js"].length < 60_000, `${archive["node_modules/date-fns/index.js"].length} bytes`);
    assert.deepEqual(await runFromArchive(built, input), expected);
  });

  it("an ES module namespace and a destructured CommonJS require run from the archive too", async () => {
    const dates = await dynamicImport("date-fns");
    const { addSeconds, format } = require("date-fns");
    const namespace = await build(
      async (event: { at: string }) => {
        const due = dates.addSeconds(new Date(event.at), 30);
        return { due: due.toISOString(), day: dates.format(due, "EEEE") };
      },
      { bundle: ["date-fns"] },
    );
    const destructured = await build(
      async (event: { at: string }) => {
        const due = addSeconds(new Date(event.at), 30);
        return { due: due.toISOString(), day: format(due, "EEEE") };
      },
      { bundle: ["date-fns"] },
    );
    assert.deepEqual(namespace.modules[0].exports, ["addSeconds", "format"]);
    // `format` is also exported as `formatDate` (the same function): either name gives it.
    assert.equal(destructured.modules[0].exports.length, 2);
    assert.deepEqual(await runFromArchive(namespace, input), expected);
    assert.deepEqual(await runFromArchive(destructured, input), expected);
  });

  it("a dynamic import keeps the whole module, and a source map ships beside the bundle when asked for", async () => {
    const built = await build(
      async (event: { at: string }) => {
        const { addSeconds } = await import("date-fns");
        return { due: addSeconds(new Date(event.at), 30).toISOString() };
      },
      { bundle: ["date-fns"], sourceMaps: true },
    );
    assert.deepEqual(built.modules[0].exports, "whole");
    const archive = await files(built);
    assert.ok("node_modules/date-fns/index.js.map" in archive, Object.keys(archive).join(", "));
    assert.deepEqual(await runFromArchive(built, input), { due: expected.due });
  });

  it("refuses a handler that carries a copy of a bundled package's code (an object built at deploy time), naming the function and the fix", async () => {
    const { Range } = require("semver");
    const supported = new Range("^1.2.0");
    const error = await rejection(build(async (version: string) => supported.test(version), { bundle: ["semver"] }));
    assert.match(error.message, /copy of code of the bundled package "semver" \(the function '\w+', semver\/classes\/range\.js\)/);
    assert.match(error.message, /inside the handler or its `init` hook/);
  });

  it("refuses a handler that captures a function of a package it does not bundle (a destructured require), naming the function and `bundle`", async () => {
    const { addSeconds } = require("date-fns");
    const error = await rejection(build(async (at: string) => addSeconds(new Date(at), 30).toISOString(), { bundle: [] }));
    assert.match(error.message, /captures 'addSeconds' of the package "date-fns" \(date-fns\/addSeconds\.c?js\)/);
    assert.match(error.message, /Add it to the task's bundle \(`bundle: \["date-fns"\]`\)/);
  });

  it("for a package Lambda provides (the runtime's AWS SDK), the fix is to load it inside the handler, not to bundle it", async () => {
    const { marshall } = require("@aws-sdk/util-dynamodb");
    const error = await rejection(build(async (item: Record<string, unknown>) => marshall(item), { bundle: [] }));
    assert.match(error.message, /captures 'marshall' of the package "@aws-sdk\/util-dynamodb"/);
    assert.match(
      error.message,
      /load it inside the handler or its `init` hook \(`const \{ marshall \} = await import\("@aws-sdk\/util-dynamodb"\)`\)/,
    );
  });

  describe("packages esbuild cannot bundle", () => {
    let program: string;
    before(() => {
      program = mkdtempSync(join(tmpdir(), "edw-unbundlable-"));
      const pkg = (name: string, files: Record<string, string>) => {
        mkdirSync(join(program, "node_modules", name, "build"), { recursive: true });
        writeFileSync(join(program, "node_modules", name, "package.json"), JSON.stringify({ name, version: "1.0.0", main: "index.js" }));
        for (const [file, text] of Object.entries(files)) writeFileSync(join(program, "node_modules", name, file), text);
      };
      pkg("native-thing", { "index.js": 'module.exports = require("./build/addon.node");', "build/addon.node": "not really a binary" });
      pkg("file-reader", {
        "index.js": 'module.exports = () => require("node:fs").readFileSync(__dirname + "/data.txt", "utf8");',
        "data.txt": "x",
      });
    });
    after(() => rmSync(program, { recursive: true, force: true }));

    it("a native addon: the error names the package and `copyPackages`, which copies it whole", async () => {
      const handler = async () => require("native-thing");
      const error = await rejection(build(handler, { bundle: ["native-thing"], programFolder: program }));
      assert.match(error.message, /addon\.node/);
      assert.match(error.message, /copyPackages: \["native-thing"\]/);
      const copied = await buildStepArchive(handler, {
        stepName: "Stamp",
        sizeBudgetBytes: 1024 * 1024,
        programFolder: program,
        bundle: ["native-thing"],
        copyPackages: ["native-thing"],
      });
      assert.deepEqual(Object.keys(copied.packages), ["native-thing"]);
    });

    it("a package that reads files beside its code: the error names the file and `copyPackages`", async () => {
      const error = await rejection(build(async () => require("file-reader")(), { bundle: ["file-reader"], programFolder: program }));
      assert.match(error.message, /file-reader\/index\.js use __dirname/);
      assert.match(error.message, /copyPackages: \["file-reader"\]/);
    });
  });

  it("keeps the size budget for each bundle, naming its largest inputs", async () => {
    const error = await rejection(
      build(async () => (await import("date-fns")).addDays(new Date(), 1), { bundle: ["date-fns"], sizeBudgetBytes: 20_000 }),
    );
    assert.match(error.message, /bundle of "date-fns" is \d+ B, over the budget of 20000 B; the largest inputs: date-fns\//);
  });
});

describe("bundled imports: the exports a handler reads (core/bundleUsage.ts)", () => {
  it("reads named properties of a bound module, a required export, and takes the whole module for any other use", () => {
    const usage = moduleUsage(
      [
        'const import_date_fns = require("date-fns");',
        'const format = require("date-fns").format;',
        "return (0, import_date_fns.addSeconds)(x), import_date_fns .formatISO(y);",
        'with({ s: __s }) { const __s = require("semver"); }',
        "return s;",
        'const z = () => import("zod");',
        'var __ms_1 = {default: require("ms")};',
        'require("node:fs");',
      ].join("\n"),
    );
    assert.deepEqual([...(usage.get("date-fns") as Set<string>)].sort(), ["addSeconds", "format", "formatISO"]);
    assert.equal(usage.get("semver"), "whole");
    assert.equal(usage.get("zod"), "whole");
    // TypeScript's default-import wrapper: the module sits in an object, read through it.
    assert.equal(usage.get("ms"), "whole");
    assert.equal(usage.has("node:fs"), false);
  });
});
