/**
 * Every module system Pulumi runs Node programs in (fixtures/modules): CommonJS TypeScript (node16), ES module
 * TypeScript (nodenext, `.js` imports of `.ts` files), ES module JavaScript (`.mjs`, a namespace import) and CommonJS
 * JavaScript (a destructured require). Each handler uses three functions of a bundled package (date-fns): each program
 * loads any number of times in one process, runs the same from source and from its archive, and its archive holds a
 * tree-shaken bundle of date-fns that the handler requires, never a copy of date-fns's code.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAMBDA_FUNCTION_TYPE } from "event-driven-workflow/asl";
import { writeFunctionArchives } from "../packaging/archives";
import { synthesizeProgram } from "../program/synthesize";
import { runEvents } from "../testing";

const FIXTURES = join(__dirname, "fixtures", "modules");
const PROGRAMS = {
  "CommonJS TypeScript": "cjs-ts/index.ts",
  "ES module TypeScript (nodenext)": "esm-ts/index.ts",
  "ES module JavaScript (.mjs)": "mjs/index.mjs",
  "CommonJS JavaScript": "js/index.js",
};
const EVENT = JSON.parse(readFileSync(join(FIXTURES, "stamp-requested.json"), "utf8"));
// 2026-12-05T10:00:30Z is a Saturday.
const EXPECTED = { due: "2026-12-05", weekend: true };

describe("module systems: CommonJS and ES module programs, TypeScript and JavaScript", function () {
  this.timeout(240_000);

  for (const [system, entry] of Object.entries(PROGRAMS)) {
    it(`${system}: loads again and again, runs the same from its archive, which requires a tree-shaken date-fns`, async () => {
      const program = join(FIXTURES, entry);
      const synthesis = await synthesizeProgram(program);
      const [fn] = synthesis.resources.filter((r) => r.type === LAMBDA_FUNCTION_TYPE);
      const assets = (await (fn.inputs.code as { assets: Promise<Record<string, { text?: Promise<string> }>> }).assets) as Record<
        string,
        { text?: Promise<string> }
      >;
      const source = (await assets["__index.js"].text) ?? "";
      assert.match(source, /require\("date-fns"\)/, source);
      assert.ok(source.length < 2_000, `__index.js is ${source.length} bytes: it carries a copy of package code`);
      const bundle = (await assets["node_modules/date-fns/index.js"].text) ?? "";
      assert.ok(bundle.length > 0 && bundle.length < 30_000, `the date-fns bundle is ${bundle.length} bytes`);

      // Loaded twice more in this process: the program's own modules run again each time.
      for (const mode of ["source", "artifact"] as const) {
        const [report] = await runEvents(program, EVENT, { mode });
        assert.equal(
          report.status,
          "SUCCEEDED",
          `${mode}: ${JSON.stringify(report.executions[0]?.error ?? report)} ${report.executions[0]?.cause ?? ""}`,
        );
        assert.deepEqual(report.executions[0].output, EXPECTED, mode);
      }
    });
  }

  it("edw-local package refuses a destructured require of a package the task does not bundle, printing why (exit 1)", () => {
    const program = join(FIXTURES, "js", "unbundled.js");
    const source = readFileSync(join(FIXTURES, PROGRAMS["CommonJS JavaScript"]), "utf8");
    writeFileSync(program, source.replace(/ *bundle: \["date-fns"\],\n/, ""));
    try {
      const run = spawnSync(process.execPath, [join(__dirname, "..", "bin", "edw-local.js"), "package", program, "--out", tmpdir()], {
        encoding: "utf8",
      });
      assert.equal(run.status, 1, run.stdout + run.stderr);
      assert.match(run.stderr, /captures 'addSeconds' of the package "date-fns" \(date-fns\/addSeconds\.cjs\).*`bundle: \["date-fns"\]`/);
    } finally {
      rmSync(program, { force: true });
    }
  });

  it("edw-local package: each function's files, its zip and a manifest with the bundled package and what the layer provides", async () => {
    const out = mkdtempSync(join(tmpdir(), "edw-package-"));
    try {
      const [packaged] = await writeFunctionArchives(
        await synthesizeProgram(join(FIXTURES, PROGRAMS["ES module TypeScript (nodenext)"])),
        out,
      );
      assert.equal(packaged.handler, "__index.handler");
      assert.deepEqual(
        packaged.files.map((f) => f.path),
        [
          "__index.js",
          "node_modules/date-fns/index.js",
          "node_modules/date-fns/package.json",
          "node_modules/event-driven-workflow-lambda-runtime/index.js",
          "node_modules/event-driven-workflow-lambda-runtime/package.json",
        ],
      );
      assert.ok(packaged.packages.some((p) => p.name === "date-fns" && p.version === require("date-fns/package.json").version));
      assert.deepEqual(packaged.externalRequires, [
        "@aws-lambda-powertools/logger",
        "@aws-lambda-powertools/metrics",
        "@aws-lambda-powertools/tracer",
      ]);
      assert.ok(packaged.zippedBytes > 0 && packaged.zippedBytes < packaged.unzippedBytes);
      const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
      assert.equal(manifest.functions[0].zip, `${packaged.function}.zip`);
      assert.ok(readFileSync(join(out, packaged.zip)).subarray(0, 2).equals(Buffer.from("PK")));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
