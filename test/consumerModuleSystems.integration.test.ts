/**
 * Every module system, as a user gets the packages: `npm pack`, ONE `npm install` of the tarballs and TypeScript 6
 * into a scratch folder (test/fixtures/modules-consumer), with a sub-folder per program that Node resolves the
 * installed packages from: CommonJS TypeScript (node16), ES module TypeScript (nodenext; bundler), an `.mjs` program
 * and CommonJS JavaScript (local/test/fixtures/modules: a step whose handler uses three date-fns functions, statically
 * imported and bundled). Each type-checks with `tsc` 6 on its own tsconfig (TypeScript; the nodenext program with the
 * declarations spec's probe beside it, test/support/declarationProbe.ts: that is the TypeScript 6 nodenext check of
 * the declarations, on the packed packages, with skipLibCheck false), runs its event with
 * `npx edw-local` from source and from its archives with the same result, writes archives with `edw-local package`
 * that run (unzipped outside the project, with only the layer and the runtime besides) and passes its own test of the
 * test kit.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { installConsumer, REPO_ROOT, runInConsumer, type ConsumerProject } from "./support/consumer";
import { DECLARATION_PROBE } from "./support/declarationProbe";

const PROGRAMS = join(REPO_ROOT, "local", "test", "fixtures", "modules");
const TS_NODE_ESM = ["--node-option", "loader=ts-node/esm/transpile-only"];

/** Each program: its folder in the scratch install, the local fixture it copies, its entry, test file and mocha flags. */
const SYSTEMS: Record<string, { folder: string; program: string; entry: string; test: string; mocha: string[] }> = {
  "CommonJS TypeScript (node16)": {
    folder: "cjs-ts",
    program: "cjs-ts",
    entry: "index.ts",
    test: "stamp.spec.ts",
    mocha: ["-r", "ts-node/register/transpile-only"],
  },
  "ES module TypeScript (nodenext)": {
    folder: "esm-nodenext",
    program: "esm-ts",
    entry: "index.ts",
    test: "stamp.spec.ts",
    mocha: TS_NODE_ESM,
  },
  "ES module TypeScript (bundler)": {
    folder: "esm-bundler",
    program: "esm-ts",
    entry: "index.ts",
    test: "stamp.spec.ts",
    mocha: TS_NODE_ESM,
  },
  "ES module JavaScript (.mjs)": { folder: "mjs", program: "mjs", entry: "index.mjs", test: "stamp.spec.mjs", mocha: [] },
  "CommonJS JavaScript": { folder: "js", program: "js", entry: "index.js", test: "stamp.spec.js", mocha: [] },
};
const EVENT = "../stamp-requested.json";
// 2026-12-05T10:00:30Z is a Saturday.
const EXPECTED = { due: "2026-12-05", weekend: true };

interface RunReport {
  events: { status: string; executions: { status: string; path: string[]; output: unknown }[] }[];
}
interface Packaged {
  functions: { function: string; handler: string; zip: string; files: { path: string; bytes: number }[]; externalRequires: string[] }[];
}

describe("module systems from the packed packages on TypeScript 6: tsc, npx edw-local, edw-local package, the test kit", function () {
  this.timeout(600_000);
  let project: ConsumerProject;
  let unzipped: string;
  const seconds: Record<string, number> = {};
  before(() => {
    project = installConsumer({ fixture: "modules-consumer", name: "programs" });
    // The programs after the install (Node finds the packages in the parent folder); the fixture's own files
    // (a tsconfig, the bundler entry) win over the copied ones.
    for (const { folder, program, test } of Object.values(SYSTEMS)) {
      cpSync(join(PROGRAMS, program), join(project.folder, folder), { recursive: true, force: false });
      mkdirSync(join(project.folder, folder, "test"), { recursive: true });
      cpSync(join(project.folder, "tests", test), join(project.folder, folder, "test", test));
    }
    cpSync(join(PROGRAMS, "stamp-requested.json"), join(project.folder, "stamp-requested.json"));
    writeFileSync(join(project.folder, "esm-nodenext", "probe.ts"), DECLARATION_PROBE);
    unzipped = mkdtempSync(join(tmpdir(), "edw-unzipped-"));
  });
  after(() => {
    process.stdout.write(
      `      npm install: ${project?.installSeconds.toFixed(1)} s; per program: ${Object.entries(seconds)
        .map(([name, s]) => `${name} ${s.toFixed(1)} s`)
        .join(", ")}\n`,
    );
    project?.remove();
    if (unzipped) rmSync(unzipped, { recursive: true, force: true });
  });

  it("installs TypeScript 6", () => {
    const run = runInConsumer(project, "npx", ["--no-install", "tsc", "--version"]);
    assert.match(run.stdout, /^Version 6\./, run.stderr);
  });

  for (const [system, { folder, entry, test, mocha }] of Object.entries(SYSTEMS)) {
    describe(system, () => {
      const run = (command: string, args: string[]) => {
        const result = runInConsumer(project, "npx", ["--no-install", command, ...args], folder);
        seconds[folder] = (seconds[folder] ?? 0) + result.seconds;
        return result;
      };

      if (entry.endsWith(".ts")) {
        it(`type-checks with tsc 6 on its own tsconfig${folder === "esm-nodenext" ? " (and the declarations probe)" : ""}`, () => {
          const result = run("tsc", ["--noEmit", "-p", "."]);
          assert.equal(result.status, 0, result.stdout + result.stderr);
        });
      }

      it("npx edw-local runs its event from its archives (the default) and from source, with the same path and output", () => {
        for (const mode of ["artifact", "source"]) {
          const result = run("edw-local", [entry, EVENT, "--json", ...(mode === "source" ? ["--source"] : [])]);
          assert.equal(result.status, 0, `${mode}: ${result.stdout.slice(-2000)}${result.stderr}`);
          const [event] = (JSON.parse(result.stdout) as RunReport).events;
          assert.deepEqual(
            event.executions.map((x) => [x.status, x.path, x.output]),
            [["SUCCEEDED", ["Stamp"], EXPECTED]],
            mode,
          );
        }
      });

      it("edw-local package writes an archive that requires a tree-shaken date-fns, and that runs unzipped outside the project", () => {
        const result = run("edw-local", ["package", entry, "--out", "archives", "--json"]);
        assert.equal(result.status, 0, result.stdout + result.stderr);
        const [fn] = (JSON.parse(result.stdout) as Packaged).functions;
        assert.deepEqual(
          fn.files.map((f) => f.path),
          [
            "__index.js",
            "node_modules/date-fns/index.js",
            "node_modules/date-fns/package.json",
            "node_modules/event-driven-workflow-lambda-runtime/index.js",
            "node_modules/event-driven-workflow-lambda-runtime/package.json",
          ],
        );
        const bytes = Object.fromEntries(fn.files.map((f) => [f.path, f.bytes]));
        assert.ok(bytes["node_modules/date-fns/index.js"] < 30_000, `the date-fns bundle is ${bytes["node_modules/date-fns/index.js"]} B`);
        assert.ok(bytes["__index.js"] < 2_000, `__index.js is ${bytes["__index.js"]} B: it carries a copy of package code`);
        assert.deepEqual(fn.externalRequires, [
          "@aws-lambda-powertools/logger",
          "@aws-lambda-powertools/metrics",
          "@aws-lambda-powertools/tracer",
        ]);

        // The zip, as Lambda unpacks it: outside the project, so only the archive, the layer and the runtime resolve.
        const taskRoot = join(unzipped, folder);
        for (const [path, data] of Object.entries(unzipSync(readFileSync(join(project.folder, folder, "archives", fn.zip))))) {
          mkdirSync(dirname(join(taskRoot, path)), { recursive: true });
          writeFileSync(join(taskRoot, path), data);
        }
        assert.match(readFileSync(join(taskRoot, "__index.js"), "utf8"), /require\("date-fns"\)/);
        const invoked = runInConsumer(project, "node", ["run-archive.js", taskRoot, fn.handler, "stamp-requested.json"]);
        assert.equal(invoked.status, 0, invoked.stderr);
        const invocation = JSON.parse(invoked.stdout) as { result?: unknown; error?: unknown; projectModulesVisible: boolean };
        assert.deepEqual([invocation.error, invocation.result, invocation.projectModulesVisible], [undefined, EXPECTED, false]);
      });

      it("passes its own test of the test kit (source, then artifact after loading the program again)", () => {
        const result = run("mocha", [...mocha, "--timeout", "120000", `test/${test}`]);
        assert.equal(result.status, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /2 passing/);
      });
    });
  }

  it("the CommonJS program without `bundle`: edw-local package refuses its destructured require, naming the function and the fix", () => {
    const program = readFileSync(join(project.folder, "js", "index.js"), "utf8");
    const unbundled = program.replace(/ *bundle: \["date-fns"\],\n/, "");
    assert.notEqual(unbundled, program);
    writeFileSync(join(project.folder, "js", "unbundled.js"), unbundled);
    const result = runInConsumer(project, "npx", ["--no-install", "edw-local", "package", "unbundled.js", "--out", "unbundled"], "js");
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, /captures 'addSeconds' of the package "date-fns" \(date-fns\/addSeconds\.cjs\)/);
    assert.match(result.stdout + result.stderr, /`bundle: \["date-fns"\]`/);
  });
});
