/**
 * The whole suite, as `npm test` runs it: every package's spec files in two worker processes (this machine's two
 * cores), the longest files first, so that they overlap the quick in-process ones instead of trailing at the end.
 * Single specs run with the plain `.mocharc.js` (`npx mocha path/to/file.test.ts`).
 */
const { readdirSync } = require("node:fs");
const { join, relative } = require("node:path");

const root = join(__dirname, "..");
const SPEC_FOLDERS = ["components/test", "local/test", "policies/test", "test"];
/**
 * Started first, longest first, so that the two workers end together (each worker takes the next file when it is
 * free): CPU seconds of each alone on a cold machine, measured 2026-12-07. The rest follow in folder order.
 */
const LONGEST = [
  "test/consumerModuleSystems.integration.test.ts", // 205: one install, then tsc, edw-local, package and mocha for 5 programs
  "test/declarations.integration.test.ts", // 200 (about 65 with the build info of an earlier run): six strict tsc runs
  "test/consumer.integration.test.ts", // 133: an install, the consumer's strict tsc, its tests and edw-local runs
  "local/test/cli.integration.test.ts", // 30
  "local/test/moduleSystems.integration.test.ts", // 20
  "test/soak.integration.test.ts", // 20
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

module.exports = {
  ...require("../.mocharc.js"),
  parallel: true,
  jobs: 2,
  spec: specs.map((spec) => relative(process.cwd(), join(root, spec))),
};
