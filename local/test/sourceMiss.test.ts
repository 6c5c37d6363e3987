/**
 * A run from the source that the synthesis cache does not serve (after an edit, or `--no-cache`) skips serializing the
 * Lambdas (`serialize: false`, what `edw-local --source` asks for): the edited handler runs, the synthesis says it was
 * not serialized, nothing is cached from it, and its placeholder archives can never run as artifacts. The program
 * lives in a scratch folder beside this file, so that it resolves the library as a project's program does.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LAMBDA_FUNCTION_TYPE } from "event-driven-workflow/asl";
import { parseRunArguments, runnerOptionsOf } from "../cli/options";
import { UNSERIALIZED_NOTE } from "../program/synthesisCache";
import { LocalRunner, loadSynthesis, RunnerInputError, type RunnerOptions } from "../runner/runner";

const EVENT = { source: "fixture.sourceMiss", "detail-type": "Edited", detail: {} };

describe("a run from the source after an edit", function () {
  this.timeout(180_000);
  let folder: string;
  let cacheFolder: string;
  const program = () => join(folder, "program.ts");
  const writeHandler = (word: string) =>
    writeFileSync(join(folder, "handler.ts"), `export const greet = async () => ({ said: "${word}" });\n`);

  /** One run of the event: what the step said, and the synthesis it ran on. */
  async function run(options: RunnerOptions) {
    const runner = await LocalRunner.load(program(), options);
    try {
      const report = await runner.runEvent(EVENT, "edited");
      assert.equal(report.status, "SUCCEEDED", JSON.stringify(report.executions[0]?.error));
      const { cache, serialized } = runner.synthesis;
      return { said: (report.executions[0].output as { said: unknown }).said, cache, serialized, problems: runner.problems };
    } finally {
      await runner.close();
    }
  }
  const fromSource = (cache: RunnerOptions["cache"]): RunnerOptions => ({ mode: "source", serialize: false, cache });

  before(() => {
    folder = mkdtempSync(join(__dirname, "fixtures", ".source-miss-"));
    cacheFolder = join(folder, ".cache");
    writeFileSync(
      program(),
      `import { task } from "event-driven-workflow";
import { greet } from "./handler";
export const edited = {
  trigger: { pattern: { source: ["fixture.sourceMiss"] } },
  timeoutSeconds: 60,
  steps: [task("Greet", { handler: greet, timeoutSeconds: 5, end: true })],
};
`,
    );
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("runs the edited handler without serializing or caching, and the next artifact run serializes it afresh", async () => {
    writeHandler("one");
    const cached = { folder: cacheFolder };
    assert.deepEqual(await run({ mode: "artifact", cache: cached }), {
      said: "one",
      cache: { hit: false },
      serialized: true,
      problems: [],
    });
    const entries = readdirSync(cacheFolder);
    assert.equal((await run(fromSource(cached))).cache?.hit, true, "unchanged: the artifact run's entry serves it");

    writeHandler("two");
    assert.deepEqual(
      await run(fromSource(cached)),
      { said: "two", cache: { hit: false, note: UNSERIALIZED_NOTE }, serialized: false, problems: [] },
      "edited: a miss that runs the new handler without serializing it",
    );
    assert.deepEqual(readdirSync(cacheFolder), entries, "nothing was written to the cache");
    // Had the placeholder synthesis reached the entry an artifact run reads, this would be a hit, or fail to run.
    const artifact = await run({ mode: "artifact", cache: cached });
    assert.deepEqual([artifact.said, artifact.cache, artifact.serialized], ["two", { hit: false }, true]);
    assert.equal((await run(fromSource(cached))).cache?.hit, true, "the artifact run's new entry serves the source run");
  });

  it("skips serialization without the cache too (--no-cache), saying so", async () => {
    writeHandler("three");
    const result = await run(fromSource(false));
    assert.deepEqual([result.said, result.cache, result.serialized], ["three", { hit: false, note: UNSERIALIZED_NOTE }, false]);
  });

  it("leaves placeholder archives that fail if loaded, and refuses to run them as artifacts", async () => {
    writeHandler("four");
    const synthesis = await loadSynthesis(program(), fromSource(false));
    const fn = synthesis.resources.find((r) => r.type === LAMBDA_FUNCTION_TYPE)!;
    const index = await (await fn.inputs.code.assets)["__index.js"].text;
    assert.throws(() => new Function("exports", "require", index)({}, require), /placeholder/);
    await assert.rejects(LocalRunner.fromSynthesis(synthesis, { mode: "artifact" }), RunnerInputError);
    await assert.rejects(loadSynthesis(program(), { mode: "artifact", serialize: false }), /runs from the source only/);
  });

  it("is what --source asks for on the command line; a run from the artifacts serializes", () => {
    assert.equal(runnerOptionsOf(parseRunArguments(["index.ts", "--source"]).values).serialize, false);
    assert.equal(runnerOptionsOf(parseRunArguments(["index.ts"]).values).serialize, true);
  });
});
