/**
 * The transpile cache (local/program/transpileCache.mjs): a program's TypeScript file is transpiled once per content,
 * and later loads read the stored output (an entry made to say something else is what they run); an edited file is
 * transpiled again and its new code runs; a load without the cache, as with `--no-cache`, never reads an entry. The
 * program lives in a scratch folder beside this file, so that it resolves the library as a project's program does.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadProgram, withTranspileCache } from "../program/loader";
import { LocalRunner } from "../runner/runner";

const EVENT = { source: "fixture.transpiled", "detail-type": "Transpiled", detail: {} };

describe("the transpile cache", function () {
  this.timeout(120_000);
  let folder: string;
  let cacheFolder: string;
  const write = (file: string, text: string) => writeFileSync(join(folder, file), text);
  const entries = () => readdirSync(join(cacheFolder, "transpiled")).filter((file) => file.endsWith(".js"));

  beforeEach(() => {
    folder = mkdtempSync(join(__dirname, "fixtures", ".transpile-program-"));
    cacheFolder = join(folder, ".cache");
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it("reads a file's stored transpilation, transpiles an edited file again, and is not read without the cache", async () => {
    const program = join(folder, "program.ts");
    const load = () => withTranspileCache(join(cacheFolder, "transpiled"), () => loadProgram(program));
    write("program.ts", `const word: string = "one";\nexport const said = word;\n`);

    assert.equal((await load()).said, "one");
    assert.equal(entries().length, 1, "one entry per transpiled file");
    writeFileSync(join(cacheFolder, "transpiled", entries()[0]), `exports.said = "from the stored entry";\n`);
    assert.equal((await load()).said, "from the stored entry", "an unchanged file is read from its entry, not transpiled");
    assert.equal((await loadProgram(program)).said, "one", "without the cache, the file is transpiled");

    write("program.ts", `const word: string = "two";\nexport const said = word;\n`);
    assert.equal((await load()).said, "two", "an edited file is transpiled again");
    assert.equal(entries().length, 2);
  });

  it("serves the runner's cached runs, from the source too, and a run without the cache (--no-cache) transpiles afresh", async () => {
    write(
      "program.ts",
      `import { task } from "event-driven-workflow";
import { greet } from "./handler";
export const transpiled = {
  trigger: { pattern: { source: ["fixture.transpiled"] } },
  timeoutSeconds: 60,
  steps: [task("Greet", { handler: greet, timeoutSeconds: 5, end: true })],
};
`,
    );
    write("handler.ts", `export const greet = async () => ({ said: "hello" as string });\n`);
    const run = async (cache: boolean) => {
      const runner = await LocalRunner.load(join(folder, "program.ts"), { mode: "source", cache: cache && { folder: cacheFolder } });
      try {
        const report = await runner.runEvent(EVENT, "transpiled");
        return report.executions[0]?.output ?? report.executions[0]?.error;
      } finally {
        await runner.close();
      }
    };

    assert.deepEqual(await run(true), { said: "hello" });
    // The handler's stored transpilation made to say something else: what a run that reads the cache runs.
    const [handlerEntry] = entries().filter((entry) => readFileSync(join(cacheFolder, "transpiled", entry), "utf8").includes('"hello"'));
    assert.ok(handlerEntry, `the handler's transpilation is stored (entries: ${entries().join(", ")})`);
    writeFileSync(join(cacheFolder, "transpiled", handlerEntry), `exports.greet = async () => ({ said: "from the stored entry" });\n`);
    assert.deepEqual(await run(true), { said: "from the stored entry" }, "an unchanged file is read from its entry, from the source too");
    assert.deepEqual(await run(false), { said: "hello" }, "--no-cache: no entry read");

    write("handler.ts", `export const greet = async () => ({ said: "edited" as string });\n`);
    assert.deepEqual(await run(true), { said: "edited" }, "an edited file is transpiled again, and its new code runs");
  });
});
