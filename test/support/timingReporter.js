/**
 * A mocha reporter that says where a run's time goes: the wall time of each spec file's top-level suites, slowest
 * first, then the run's total. For finding the suites to speed up, never for asserting on time:
 * `npx mocha --reporter test/support/timingReporter.js "test/**\/*.test.ts" ...`
 */
const Mocha = require("mocha");

const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PASS, EVENT_TEST_FAIL } = Mocha.Runner.constants;

function TimingReporter(runner) {
  Mocha.reporters.Base.call(this, runner);
  const started = new Map();
  const byFile = new Map();
  const counts = { passed: 0, failed: 0 };
  let runStarted = Date.now();
  runner.on(EVENT_RUN_BEGIN, () => {
    runStarted = Date.now();
  });
  runner.on(EVENT_SUITE_BEGIN, (suite) => {
    if (suite.file && suite.parent?.root) started.set(suite, Date.now());
  });
  runner.on(EVENT_SUITE_END, (suite) => {
    if (started.has(suite)) byFile.set(suite.file, (byFile.get(suite.file) ?? 0) + Date.now() - started.get(suite));
  });
  runner.on(EVENT_TEST_PASS, () => {
    counts.passed++;
  });
  runner.on(EVENT_TEST_FAIL, (test, error) => {
    counts.failed++;
    console.log(`failed: ${test.fullTitle()}: ${error?.message?.split("\n")[0]}`);
  });
  runner.on(EVENT_RUN_END, () => {
    for (const [file, ms] of [...byFile].sort((a, b) => b[1] - a[1]))
      console.log(`${String(ms).padStart(8)} ms  ${file.replace(`${process.cwd()}/`, "")}`);
    console.log(`${Date.now() - runStarted} ms of tests; ${counts.passed} passing, ${counts.failed} failing`);
  });
}

module.exports = TimingReporter;
