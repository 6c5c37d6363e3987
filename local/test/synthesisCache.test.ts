/**
 * The synthesis cache (local/program/synthesisCache.ts) never serves a stale synthesis: an edit to a handler, to a
 * module it imports or to an environment variable the program reads is a miss, and the run then executes the new
 * code; an unchanged program is a hit, from the artifacts (no program loaded) and from the source (handlers loaded
 * afresh, serialization skipped). The program lives in a scratch folder beside this file, so that it resolves the
 * library as a project's program does.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseRunArguments, runnerOptionsOf } from "../cli/options";
import { LocalRunner } from "../runner/runner";

const EVENT = { source: "fixture.cached", "detail-type": "Cached", detail: {} };
const MARK = "EDW_CACHE_FIXTURE_MARK";

describe("the synthesis cache", function () {
  this.timeout(180_000);
  let folder: string;
  let cacheFolder: string;
  const write = (file: string, text: string) => writeFileSync(join(folder, file), text);
  const handlerSaying = (word: string) =>
    `import { greeting } from "./greeting";\nexport const greet = async () => ({ said: greeting("${word}") });\n`;
  const greetingWith = (prefix: string) =>
    `const mark = process.env.${MARK} ?? "!";\nexport const greeting = (word: string) => \`${prefix} \${word}\${mark}\`;\n`;

  /** One run of the event: what the step said and whether the synthesis came from the cache. */
  async function run(mode: "artifact" | "source"): Promise<{ said: unknown; hit: boolean | undefined }> {
    const runner = await LocalRunner.load(join(folder, "program.ts"), { mode, cache: { folder: cacheFolder } });
    try {
      const report = await runner.runEvent(EVENT, "cached");
      assert.equal(report.status, "SUCCEEDED", JSON.stringify(report.executions[0]?.error));
      return { said: (report.executions[0].output as { said: unknown }).said, hit: runner.synthesis.cache?.hit };
    } finally {
      await runner.close();
    }
  }

  before(() => {
    folder = mkdtempSync(join(__dirname, "fixtures", ".cache-program-"));
    cacheFolder = join(folder, ".cache");
    write(
      "program.ts",
      `import { task } from "event-driven-workflow";
import { greet } from "./handler";
export const cached = {
  trigger: { pattern: { source: ["fixture.cached"] } },
  timeoutSeconds: 60,
  steps: [task("Greet", { handler: greet, timeoutSeconds: 5, end: true })],
};
`,
    );
    write("handler.ts", handlerSaying("one"));
    write("greeting.ts", greetingWith("hello"));
  });
  after(() => {
    rmSync(folder, { recursive: true, force: true });
    delete process.env[MARK];
  });

  it("serves an unchanged program from the cache and synthesizes it again after any edit it depends on", async () => {
    assert.deepEqual(await run("artifact"), { said: "hello one!", hit: false }, "first run: a miss that fills the cache");
    assert.deepEqual(await run("artifact"), { said: "hello one!", hit: true }, "unchanged: a hit, from the cached artifacts");
    assert.deepEqual(await run("source"), { said: "hello one!", hit: true }, "unchanged, from the source: a hit too");

    write("handler.ts", handlerSaying("two"));
    assert.deepEqual(await run("artifact"), { said: "hello two!", hit: false }, "an edited handler is a miss");
    assert.deepEqual(await run("artifact"), { said: "hello two!", hit: true });

    write("greeting.ts", greetingWith("howdy"));
    assert.deepEqual(await run("artifact"), { said: "howdy two!", hit: false }, "an edited module the handler imports is a miss");

    process.env[MARK] = "?";
    assert.deepEqual(await run("artifact"), { said: "howdy two?", hit: false }, "a changed variable the program read is a miss");

    write("handler.ts", handlerSaying("three"));
    assert.deepEqual(await run("source"), { said: "howdy three?", hit: false }, "from the source, an edited handler is a miss too");
    write("handler.ts", handlerSaying("four"));
    // The archives come from the synthesis of "three" only if the cache was wrong: the run would say "three".
    assert.deepEqual(await run("artifact"), { said: "howdy four?", hit: false });
  });

  it("is on for the command line unless --no-cache", () => {
    assert.equal(runnerOptionsOf(parseRunArguments(["index.ts"]).values).cache, true);
    assert.equal(runnerOptionsOf(parseRunArguments(["index.ts", "--no-cache"]).values).cache, false);
  });
});
