/**
 * The whole suite, as `npm test` runs it: every package's spec files in two worker processes (this machine's two
 * cores), the packaging suite first and then the other suites that spawn child processes or wait on timers, so the
 * long ones overlap the quick in-process ones instead of trailing at the end. Single specs run with the plain
 * `.mocharc.js` (`npx mocha path/to/file.test.ts`).
 */
const { readdirSync } = require("node:fs");
const { join, relative } = require("node:path");

const root = join(__dirname, "..");
const SPEC_FOLDERS = ["components/test", "local/test", "policies/test", "test"];
/** Started first: a real `npm pack` + `npm install` and the consumer's own tsc, tests and runs (about 50 s alone). */
const LONGEST = "test/consumer.integration.test.ts";

function specsUnder(folder) {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "fixtures" || entry.name === "node_modules" ? [] : specsUnder(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const rank = (spec) => (spec === LONGEST ? 0 : 1);
const specs = SPEC_FOLDERS.flatMap(specsUnder).sort((a, b) => rank(a) - rank(b));

module.exports = {
  ...require("../.mocharc.js"),
  parallel: true,
  jobs: 2,
  spec: specs.map((spec) => relative(process.cwd(), join(root, spec))),
};
