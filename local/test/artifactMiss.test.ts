/**
 * A synthesis that serializes (a run from the artifacts after an edit) loads @npmcli/arborist only when a program's
 * own `aws.lambda.CallbackFunction` walks its package tree (EventDrivenWorkflow builds its archives itself): such a
 * program still gets its archive, through the real package loaded on first use. In a fresh process, as a user runs it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

describe("a serializing synthesis and Pulumi's package walk", function () {
  this.timeout(180_000);
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(__dirname, "fixtures", ".artifact-miss-"));
    writeFileSync(
      join(folder, "program.ts"),
      `import * as aws from "@pulumi/aws";
const role = new aws.iam.Role("fn", { assumeRolePolicy: "{}" });
export const fn = new aws.lambda.CallbackFunction("own", { callback: async () => ({ said: "own" }), role, timeout: 3 }).name;
`,
    );
    // Reports, once the synthesis is over, the Function's archive entries and whether arborist was loaded.
    writeFileSync(
      join(folder, "probe.js"),
      `const { loadSynthesis } = require(${JSON.stringify(join(__dirname, "..", "dist", "runner", "runner.js"))});
loadSynthesis(${JSON.stringify(join(folder, "program.ts"))}).then(async (synthesis) => {
  const fn = synthesis.resources.find((r) => r.type === "aws:lambda/function:Function");
  const assets = await fn.inputs.code.assets;
  const arborist = Object.keys(require.cache).some((file) => file.includes("/node_modules/@npmcli/arborist/"));
  process.stdout.write(JSON.stringify({ index: await assets["__index.js"].text, failures: synthesis.serializationFailures, arborist }));
  process.exit(0);
});
`,
    );
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("serializes a program's own CallbackFunction, arborist loaded on its first use", () => {
    const result = spawnSync(process.execPath, [join(folder, "probe.js")], { encoding: "utf8", cwd: folder });
    assert.equal(result.status, 0, result.stderr);
    const { index, failures, arborist } = JSON.parse(result.stdout);
    assert.deepEqual(failures, []);
    assert.match(index, /said: "own"/);
    assert.equal(arborist, true, "CallbackFunction's package walk ran on the real arborist");
  });
});
