/**
 * The code cache the edw-local command turns on (local/program/compileCache.ts): a package module compiled through it
 * sees what Node's own compilation gives it (`this`, `__filename`, `__dirname`, `require` and its `resolve`, `main` and
 * `cache`), a second run reuses what the first stored, an edited module runs its new code, and a module with a dynamic
 * `import()` still imports. Each run is a fresh process over a scratch project with a package in node_modules.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import Module from "node:module";
import { join } from "node:path";

const COMPILE_CACHE = join(__dirname, "..", "dist", "program", "compileCache.js");

describe("the code cache of the edw-local command", function () {
  this.timeout(60_000);
  let project: string;
  const write = (file: string, text: string) => writeFileSync(join(project, file), text);
  const stored = () => {
    const folder = join(project, "node_modules", ".cache", "edw-local", "compiled");
    return existsSync(folder) ? readdirSync(folder).sort() : [];
  };
  /** One run in a fresh process: what the package module saw. */
  const run = () => {
    const child = spawnSync(process.execPath, [join(project, "main.js")], { encoding: "utf8" });
    assert.equal(child.status, 0, child.stderr);
    return JSON.parse(child.stdout.trim().split("\n").pop() ?? "");
  };

  before(() => {
    project = mkdtempSync(join(tmpdir(), "edw-compile-cache-"));
    mkdirSync(join(project, "node_modules", "probe"), { recursive: true });
    write(
      "main.js",
      `require(${JSON.stringify(COMPILE_CACHE)}).enableCompileCache(__dirname);
const probe = require("probe");
probe.imported().then((join) => console.log(JSON.stringify({ ...probe.seen, imported: join })));
`,
    );
    write(
      "node_modules/probe/index.js",
      `"use strict";
exports.seen = {
  thisIsExports: this === module.exports,
  filename: __filename,
  dirname: __dirname,
  resolved: require.resolve("./other"),
  lookupPaths: require.resolve.paths("anything").length > 0,
  main: require.main === process.mainModule,
  cached: require.cache[__filename] === module,
  value: require("./other").value,
};
exports.imported = require("./dynamic");
`,
    );
    write("node_modules/probe/other.js", `exports.value = "one";\n`);
    write("node_modules/probe/dynamic.js", `module.exports = () => import("node:path").then((path) => typeof path.join);\n`);
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it("gives a module what Node gives it, reuses the stored code in a later run, and runs an edited module's new code", () => {
    const folder = join(project, "node_modules", "probe");
    const expected = {
      thisIsExports: true,
      filename: join(folder, "index.js"),
      dirname: folder,
      resolved: join(folder, "other.js"),
      lookupPaths: true,
      main: true,
      cached: true,
      value: "one",
      imported: "function",
    };
    assert.deepEqual(run(), expected);
    // Node 22 and later cache with their own module.enableCompileCache, in files of their own.
    const ownCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === "function";
    const first = stored();
    if (!ownCache)
      assert.equal(first.length, 2, `index.js and other.js are stored; dynamic.js (an import()) is compiled by Node: ${first}`);
    assert.deepEqual(run(), expected, "from the stored code");
    assert.deepEqual(stored(), first, "nothing compiled again");

    write("node_modules/probe/other.js", `exports.value = "two";\n`);
    assert.deepEqual(run(), { ...expected, value: "two" }, "an edited module runs its new code");
    if (!ownCache) assert.equal(stored().length, 3);
  });
});
