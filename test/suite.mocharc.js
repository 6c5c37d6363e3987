/**
 * The whole suite, as `npm test` runs it: every package's spec files in two worker processes (this machine's two
 * cores), longest first (LONGEST), so that the long ones overlap the quick in-process ones instead of trailing at
 * the end. Single specs run with the plain `.mocharc.js` (`npx mocha path/to/file.test.ts`).
 */
const { readdirSync } = require("node:fs");
const { join, relative } = require("node:path");

const root = join(__dirname, "..");
const SPEC_FOLDERS = ["components/test", "local/test", "policies/test", "test"];
/**
 * Started first, in this order: the spec files that take the most CPU (seconds, with their child processes, measured
 * in one suite run): the packed packages' installs and strict tsc runs, then those spawning `edw-local` or
 * synthesizing many stacks. The order must change no result (a spec loaded after another in one worker compiles and
 * runs as alone: local/test/loaderScope.test.ts).
 */
const LONGEST = [
  "test/consumerModuleSystems.integration.test.ts", // ~240 s: npm install, tsc 6, 26 `npx edw-local`/mocha runs
  "test/declarations.integration.test.ts", // ~210 s: six strict tsc runs over @pulumi/aws's declarations
  "test/consumer.integration.test.ts", // ~150 s: npm install, strict tsc, the consumer's runs and tests
  "test/idempotency.integration.test.ts",
  "components/test/resources/naming.test.ts",
  "local/test/cli.integration.test.ts",
  "local/test/stacks.integration.test.ts",
  "components/test/resources/upgrades.test.ts",
  "test/demo.integration.test.ts",
  "test/leastPrivilege.matrix.integration.test.ts",
  "components/test/stepArchive.test.ts",
  "local/test/deferRequire.test.ts",
];

function specsUnder(folder) {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "fixtures" || entry.name === "node_modules" ? [] : specsUnder(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const rank = (spec) => (LONGEST.includes(spec) ? LONGEST.indexOf(spec) : LONGEST.length);
const specs = SPEC_FOLDERS.flatMap(specsUnder).sort((a, b) => rank(a) - rank(b));
for (const spec of LONGEST) if (!specs.includes(spec)) throw new Error(`test/suite.mocharc.js: ${spec} is no spec file; update LONGEST`);

module.exports = {
  ...require("../.mocharc.js"),
  parallel: true,
  jobs: 2,
  spec: specs.map((spec) => relative(process.cwd(), join(root, spec))),
};
