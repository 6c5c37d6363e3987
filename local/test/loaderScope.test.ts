/**
 * The program loader's CommonJS `.ts` handler (local/program/loader.ts) transpiles the program's files with esbuild
 * (which drops comments), those required while the program loads and those they require later, and leaves every
 * other file to the handler registered before it (ts-node here, which keeps them): a spec file loaded after a
 * test-kit run in the same mocha worker compiles as it would alone (the suite's order cannot change a result).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadProgram } from "../program/loader";

/** A module whose export is the source text of a function with a comment in it, as its transpiler left it. */
const commented = (words: string) => `export const text = function () {\n  // ${words}\n  return 1;\n}.toString();\n`;

describe("program loader: its .ts handler covers the program's files only", () => {
  let folder: string;
  let program: Record<string, unknown>;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), "edw-loader-scope-"));
    writeFileSync(join(folder, "index.ts"), `${commented("loaded with the program")}export const later = () => require("./later").text;\n`);
    writeFileSync(join(folder, "later.ts"), commented("required by the program after it loaded"));
    writeFileSync(join(folder, "outside.ts"), commented("required by a spec after the program loaded"));
    assert.ok(require.extensions[".ts"], "this spec needs a .ts handler of its own (ts-node, as mocha runs it)");
    program = await loadProgram(join(folder, "index.ts"));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("transpiles the program's files with esbuild, at load and when the program requires one later", () => {
    assert.doesNotMatch(program.text as string, /loaded with the program/);
    assert.doesNotMatch((program.later as () => string)(), /required by the program after it loaded/);
  });

  it("leaves a file the program did not require to the earlier handler (ts-node keeps its comments)", () => {
    assert.match(require(join(folder, "outside.ts")).text, /required by a spec after the program loaded/);
  });
});
