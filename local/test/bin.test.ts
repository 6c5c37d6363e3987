/**
 * The edw-local command as npm links it: the bin is a committed file (npm links a bin only if the file exists at link
 * time, before `prepare` builds dist/), the lockfile records the same path (`npm ci` links from the lockfile), and
 * it starts the CLI itself instead of relying on a `require.main` guard.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const readJson = (file: string) => JSON.parse(readFileSync(join(root, file), "utf8"));

describe("the edw-local bin", () => {
  const bin: string = readJson("local/package.json").bin["edw-local"];

  it("is a file committed to the repository, so a fresh clone's npm ci links it", () => {
    const tracked = execFileSync("git", ["ls-files", "--error-unmatch", join("local", bin)], { cwd: root, encoding: "utf8" });
    assert.equal(tracked.trim(), `local/${bin}`);
  });

  it("is the path package-lock.json records for the workspace, which npm ci links from", () => {
    assert.equal(readJson("package-lock.json").packages.local.bin["edw-local"], bin);
  });

  it("runs the command when started as the bin (prints the usage for --help, exit 0)", () => {
    const run = spawnSync(process.execPath, [join(root, "local", bin), "--help"], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Usage: edw-local/);
  });
});
