/**
 * The packages' declarations type-check with `skipLibCheck: false` under the tsconfig of each module system the
 * READMEs recommend (CommonJS `node16`, ES module `nodenext`, `bundler`), on TypeScript 5.9 (the repository's) and
 * TypeScript 6 (installed into a scratch folder with npm, from its cache when it has it). A probe program per setting
 * (test/support/declarationProbe.ts) uses the library, its runtime entry and the test kit, resolved through the
 * workspace as a consumer's would be. One pair is checked elsewhere, not twice: TypeScript 6 under nodenext is the
 * packed module-systems consumer's ES module program (consumerModuleSystems.integration.test.ts), whose tsc 6 run has
 * the same module options, strict and skipLibCheck false, and the same probe, over the packages as npm installs them (each strict check costs about 30 s
 * of CPU, most of it @pulumi/aws's declarations).
 * Each check is tsc's own incremental build (its build info kept in node_modules/.cache): a later run re-checks only
 * what changed since (our declarations), not the unchanged declarations of @pulumi/aws, which are most of the 30 s of
 * CPU a cold check takes.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DECLARATION_PROBE } from "./support/declarationProbe";

const REPO = join(__dirname, "..");
const TYPESCRIPT_6 = "6.0.3";

const SETTINGS = {
  "CommonJS, node16": { type: undefined, compilerOptions: { module: "node16", moduleResolution: "node16" } },
  "ES module, nodenext": { type: "module", compilerOptions: { module: "nodenext", moduleResolution: "nodenext" } },
  bundler: { type: "module", compilerOptions: { module: "preserve", moduleResolution: "bundler" } },
};

/** The setting whose TypeScript 6 check the module-systems consumer makes (see the header). */
const CHECKED_BY_THE_PACKED_CONSUMER = "ES module, nodenext";

/** TypeScript 6's tsc, installed once per machine into the OS temp folder. */
function typeScript6(): string {
  const folder = join(tmpdir(), `edw-typescript-${TYPESCRIPT_6}`);
  const tsc = join(folder, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "package.json"), JSON.stringify({ name: "edw-typescript", private: true }));
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", `typescript@${TYPESCRIPT_6}`], {
      cwd: folder,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "" },
    });
  }
  return tsc;
}

describe("declarations: skipLibCheck false under each recommended tsconfig, on TypeScript 5.9 and 6", function () {
  this.timeout(600_000);
  let probes: string;
  const compilers: Record<string, string> = {};

  before(() => {
    // Inside the repository's node_modules, so that the workspace packages resolve as installed packages do; at a
    // fixed path, so that tsc's build info from an earlier run applies.
    probes = join(REPO, "node_modules", ".cache", "edw-declarations");
    for (const [name, setting] of Object.entries(SETTINGS)) {
      const folder = join(probes, name.replace(/\W+/g, "-"));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, "package.json"), JSON.stringify({ private: true, ...(setting.type ? { type: setting.type } : {}) }));
      const compilerOptions = {
        ...setting.compilerOptions,
        target: "ES2022",
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ["node"],
        incremental: true,
      };
      writeFileSync(join(folder, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["probe.ts"] }));
      writeFileSync(join(folder, "probe.ts"), DECLARATION_PROBE);
    }
    compilers["5.9"] = require.resolve("typescript/bin/tsc");
    compilers["6"] = typeScript6();
  });

  for (const version of ["5.9", "6"]) {
    for (const name of Object.keys(SETTINGS)) {
      if (version === "6" && name === CHECKED_BY_THE_PACKED_CONSUMER) continue;
      it(`TypeScript ${version}, ${name}`, () => {
        const folder = join(probes, name.replace(/\W+/g, "-"));
        const buildInfo = join(folder, `typescript-${version}.tsbuildinfo`);
        const run = spawnSync(process.execPath, [compilers[version], "-p", join(folder, "tsconfig.json"), "--tsBuildInfoFile", buildInfo], {
          encoding: "utf8",
        });
        assert.equal(run.status, 0, run.stdout + run.stderr);
      });
    }
  }
});
