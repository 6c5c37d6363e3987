/**
 * `--stack <name>` reads Pulumi.<name>.yaml; a stack named on purpose whose file does not exist is said so (a warning
 * the commands print on stderr), naming the stack files the project has, instead of running silently on defaults.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forgetPendingPulumiWork, synthesizeProgram } from "../program/synthesize";

describe("stack config", function () {
  this.timeout(60_000);
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), "edw-stack-"));
    writeFileSync(join(folder, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nconfig:\n  region:\n    default: eu-west-1\n");
    writeFileSync(join(folder, "Pulumi.dev.yaml"), "config:\n  shop:region: us-east-2\n");
    // The program loads the same @pulumi/pulumi as the runner, as a project's own install would.
    const pulumi = JSON.stringify(require.resolve("@pulumi/pulumi"));
    writeFileSync(join(folder, "index.js"), `exports.region = new (require(${pulumi}).Config)().get("region");\n`);
  });
  after(() => {
    forgetPendingPulumiWork();
    rmSync(folder, { recursive: true, force: true });
  });

  it("warns that a named stack has no Pulumi.<stack>.yaml, and runs on the project's defaults", async () => {
    const synthesis = await synthesizeProgram(join(folder, "index.js"), { stack: "staging" });
    assert.equal(synthesis.outputs.region, "eu-west-1");
    assert.equal(synthesis.warnings.length, 1, synthesis.warnings.join("\n"));
    assert.match(
      synthesis.warnings[0],
      /^stack "staging": there is no Pulumi\.staging\.yaml beside Pulumi\.yaml.*stack files: Pulumi\.dev\.yaml\.$/,
    );
  });

  it("says nothing for a stack whose file exists, nor for the default stack", async () => {
    const dev = await synthesizeProgram(join(folder, "index.js"), { stack: "dev" });
    assert.equal(dev.outputs.region, "us-east-2");
    assert.deepEqual(dev.warnings, []);
    assert.deepEqual((await synthesizeProgram(join(folder, "index.js"))).warnings, []);
  });
});
