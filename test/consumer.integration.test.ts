/**
 * The packages as a user meets them: `npm pack`, a real `npm install` of the tarballs into a scratch Pulumi program
 * with unrelated dependencies of its own, its own workflow, events and tests (test/fixtures/consumer).
 */
import assert from "node:assert/strict";
import { lstatSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { installConsumer, REPO_ROOT, runInConsumer, type ConsumerProject } from "./support/consumer";
import { LAMBDA_RUNTIME_PACKAGE } from "../components/stepArchive";

describe("a consumer program: npm pack -> npm install of the tarballs -> its own workflow, events and tests", function () {
  // npm pack builds both packages; npm install takes 20-40 s from npm's cache.
  this.timeout(600_000);
  let project: ConsumerProject;
  before(() => {
    project = installConsumer();
  });
  after(() => project?.remove());

  it("installs the packages as real folders, nothing linked into the repository", () => {
    for (const name of ["event-driven-workflow", "event-driven-workflow-local", "@pulumi/pulumi"]) {
      const installed = join(project.folder, "node_modules", name);
      assert.ok(!lstatSync(installed).isSymbolicLink(), `${name} is a symlink`);
      assert.ok(!realpathSync(installed).startsWith(REPO_ROOT), `${name} resolves into the repository`);
    }
  });

  it("ships built JavaScript (the ES module hooks as .mjs), declarations, README, LICENSE and the command shim only", () => {
    for (const { name, files } of Object.values(project.packages)) {
      const unexpected = files.filter(
        (f) => !/^dist\/.+\.(js|mjs|d\.ts)$/.test(f) && !["package.json", "README.md", "LICENSE", "bin/edw-local.js"].includes(f),
      );
      assert.deepEqual(unexpected, [], name);
      assert.ok(files.includes("README.md") && files.includes("LICENSE"), name);
      assert.ok(!files.some((f) => /\.test\.|\/test\//.test(f)), `${name} ships tests`);
    }
  });

  it("type-checks with strict and skipLibCheck: false (its program, its tests, the whole public API)", () => {
    const run = runInConsumer(project, "tsc", ["--noEmit", "-p", "."]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  it("builds each Lambda archive from __index.js and the task's bundle only, whatever the program's dependencies", () => {
    const run = runInConsumer(project, "ts-node", ["--transpile-only", "scripts/archives.ts"]);
    assert.equal(run.status, 0, run.stderr);
    const archives = JSON.parse(run.stdout) as Record<string, Record<string, number>>;
    assert.deepEqual(Object.keys(archives).sort(), ["claims-Approve", "claims-AssessClaim", "claims-QueueForReview"]);
    for (const [name, files] of Object.entries(archives)) {
      const packages = new Set(
        Object.keys(files)
          .filter((f) => f.startsWith("node_modules/"))
          .map((f) => f.split("/")[1])
          .filter((name) => name !== LAMBDA_RUNTIME_PACKAGE),
      );
      assert.deepEqual([...packages], name === "claims-AssessClaim" ? ["semver"] : [], name);
      assert.ok(files["__index.js"] > 0 && files["__index.js"] < 64 * 1024, `${name}: __index.js is ${files["__index.js"]} bytes`);
    }
    const sizes = Object.fromEntries(
      Object.entries(archives).map(([name, files]) => [name, Object.values(files).reduce((a, b) => a + b, 0)]),
    );
    process.stdout.write(`      archive bytes (unzipped): ${JSON.stringify(sizes)}\n`);
  });

  it("runs its own events with npx edw-local, from the deployment artifacts", () => {
    const run = runInConsumer(project, "edw-local", [
      "events/small-claim.json",
      "events/large-claim.json",
      "events/invalid-claim.json",
      "--json",
    ]);
    assert.equal(run.status, 0, run.stderr);
    const { events } = JSON.parse(run.stdout) as {
      events: { label: string; status: string; executions: { path: string[]; status: string }[] }[];
    };
    const paths = Object.fromEntries(events.map((e) => [e.label, e.executions.map((x) => x.path.join(" -> "))]));
    assert.deepEqual(paths, {
      "small-claim": ["AssessClaim -> NeedsReview -> Approve -> AnnounceApproval"],
      "large-claim": ["AssessClaim -> NeedsReview -> QueueForReview -> AnnounceReview"],
      "invalid-claim": ["AssessClaim -> AnnounceRejection"],
    });
  });

  it("passes its own unit tests, written with the test kit (npm test, one mocha process)", () => {
    const run = runInConsumer(project, "npm", ["test", "--silent"]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /3 passing/);
    process.stdout.write(`      consumer's npm test: ${run.seconds.toFixed(1)} s; npm install: ${project.installSeconds.toFixed(1)} s\n`);
  });
});
