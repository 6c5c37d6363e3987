/**
 * Deferred requires (local/program/deferRequire.ts): the named package gets stand-ins that load the real module on
 * first use and act exactly on it; every other requester gets the real module; a module that is not installed gets
 * no stand-in. Then the use that matters: a run from the source served by the synthesis cache, in a fresh process,
 * loads neither TypeScript nor @npmcli/arborist (Pulumi's closure serializer), and still runs the current handler.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deferRequires } from "../program/deferRequire";

describe("deferred requires", function () {
  this.timeout(180_000);
  let folder: string;
  const write = (file: string, text: string) => {
    mkdirSync(join(folder, file, ".."), { recursive: true });
    writeFileSync(join(folder, file), text);
  };
  const loads = () => (globalThis as { deferredLoads?: string[] }).deferredLoads ?? [];

  before(() => {
    folder = mkdtempSync(join(__dirname, "fixtures", ".defer-"));
    const counted = (name: string, body: string) => `(globalThis.deferredLoads ??= []).push(${JSON.stringify(name)});\n${body}\n`;
    write("node_modules/host/package.json", JSON.stringify({ name: "host", main: "index.js" }));
    // The host requires both at load time, the way TypeScript's CommonJS output and esbuild's bundles do.
    write(
      "node_modules/host/index.js",
      `const __importStar = (m) => (m && m.__esModule ? m : { ...m, default: m });
const __toESM = (mod) => { const t = Object.create(Object.getPrototypeOf(mod)); Object.defineProperty(t, "default", { value: mod, enumerable: true });
  for (const k of Object.getOwnPropertyNames(mod)) if (!Object.prototype.hasOwnProperty.call(t, k)) Object.defineProperty(t, k, { get: () => mod[k] }); return t; };
const tools = __importStar(require("tools"));
const validate = __toESM(require("validate"));
const absent = (() => { try { return require("absent"); } catch { return "fell back"; } })();
exports.shout = (word) => tools.upper(word) + tools.mark;
exports.check = (value) => validate.default(value);
exports.toolsDefault = () => tools.default;
exports.absent = absent;
`,
    );
    write("node_modules/tools/package.json", JSON.stringify({ name: "tools", main: "index.js" }));
    write("node_modules/tools/index.js", counted("tools", 'exports.upper = (w) => w.toUpperCase();\nexports.mark = "!";'));
    write("node_modules/validate/package.json", JSON.stringify({ name: "validate", main: "index.js" }));
    write("node_modules/validate/index.js", counted("validate", "module.exports = function validate(v) { return { valid: v > 0 }; };"));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("loads a deferred module at its first use, and the package then uses the real one", () => {
    assert.equal(deferRequires("host", { tools: "object", validate: "function", absent: "object" }, [folder]), true);
    const host = require(join(folder, "node_modules", "host"));
    assert.deepEqual(loads(), [], "nothing deferred loaded with the host");
    assert.equal(host.absent, "fell back", "a module that is not installed fails where it would have");
    assert.equal(host.shout("hi"), "HI!");
    assert.deepEqual(loads(), ["tools"]);
    assert.deepEqual(host.check(2), { valid: true });
    assert.deepEqual(host.check(-1), { valid: false });
    assert.deepEqual(loads(), ["tools", "validate"]);
    // `default` reads as TypeScript's interop would give it for a CommonJS module: the module itself.
    assert.equal(host.toolsDefault(), require(join(folder, "node_modules", "tools")));
    // Outside the host, the real module.
    assert.equal(require(join(folder, "node_modules", "tools")).upper("a"), "A");
    assert.equal(typeof require(join(folder, "node_modules", "validate")), "function");
    // A package loaded already keeps what it holds.
    assert.equal(deferRequires("host", { tools: "object" }, [folder]), false);
  });

  it("leaves TypeScript and @npmcli/arborist unloaded in a run from the source, cached or not, which runs the current handler", () => {
    const program = mkdtempSync(join(__dirname, "fixtures", ".defer-program-"));
    const source = (word: string) => `import { task } from "event-driven-workflow";
export const deferred = {
  trigger: { pattern: { source: ["fixture.deferred"] } },
  timeoutSeconds: 60,
  steps: [task("Say", { handler: async () => ({ said: "${word}" }), timeoutSeconds: 5, end: true })],
};
`;
    try {
      writeFileSync(join(program, "program.ts"), source("one"));
      writeFileSync(join(program, "event.json"), JSON.stringify({ source: "fixture.deferred", "detail-type": "D", detail: {} }));
      // Reports on stderr, at exit, whether the real TypeScript reached Pulumi and whether arborist loaded.
      writeFileSync(
        join(program, "probe.js"),
        `process.on("exit", () => {
  const loaded = (name) => Object.keys(require.cache).some((file) => file.includes("/node_modules/" + name + "/"));
  const shim = Object.keys(require.cache).find((file) => file.endsWith("/@pulumi/pulumi/typescript-shim.js"));
  const typescript = shim !== undefined && loaded("typescript") && require.cache[shim].exports === require(require.resolve("typescript", { paths: [shim] }));
  process.stderr.write("probe " + JSON.stringify({ typescript, arborist: loaded("@npmcli/arborist") }) + "\\n");
});
`,
      );
      // The built command in a fresh process each time, as a user runs it.
      const run = (mode: "artifact" | "source") => {
        const result = spawnSync(
          process.execPath,
          [
            "-r",
            join(program, "probe.js"),
            join(__dirname, "..", "bin", "edw-local.js"),
            join(program, "program.ts"),
            join(program, "event.json"),
            ...(mode === "source" ? ["--source"] : []),
            "--json",
          ],
          { encoding: "utf8" },
        );
        assert.equal(result.status, 0, result.stderr);
        const report = JSON.parse(result.stdout);
        const probe = JSON.parse(result.stderr.split("probe ")[1]);
        return { said: report.events[0].executions[0].output.said, hit: result.stderr.includes("came from the cache"), ...probe };
      };
      // The component builds its own archives: only CallbackFunction uses arborist.
      assert.deepEqual(
        run("artifact"),
        { said: "one", hit: false, typescript: true, arborist: false },
        "an artifact run's miss serializes",
      );
      assert.deepEqual(run("source"), { said: "one", hit: true, typescript: false, arborist: false });
      writeFileSync(join(program, "program.ts"), source("two"));
      const edited = { said: "two", hit: false, typescript: false, arborist: false };
      assert.deepEqual(run("source"), edited, "an edit is a miss, which a run from the source does not serialize");
      assert.deepEqual(run("artifact"), { ...edited, typescript: true });
      assert.deepEqual(run("source"), { ...edited, hit: true });
    } finally {
      rmSync(program, { recursive: true, force: true });
    }
  });
});
