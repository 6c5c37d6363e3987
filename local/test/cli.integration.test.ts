/**
 * `edw-local`, driven as a user drives it: the CLI in child processes (started together, so the suite pays for
 * about one synthesis of wall time). The order sample events end as deployed Lambdas would end them, with exit code
 * 1; a non-matching event is reported and starts nothing, and does not fail a run whose other events succeed (a run
 * where nothing matched exits 1: see exitCodeOf in runner.test.ts); --json carries status, path, retries, history, published
 * messages and metrics per event; --graph highlights each path; malformed JSON and bad options exit 2; a step whose
 * handler cannot be serialized stops the run naming the step, exit 1.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { edwLocal as cli, type CliRun } from "../../test/support/edwLocal";
import { outcomeOf, sampleOutcomes } from "../../test/support/sampleOutcomes";

const root = join(__dirname, "..", "..");
const FIXTURES = "test/fixtures/runner";

/** Runs `jobs` at most `width` at a time, in order; the results in the jobs' order. */
async function limited<T>(width: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

describe("edw-local (the runner's CLI, in child processes)", () => {
  const graphFolder = mkdtempSync(join(tmpdir(), "edw-runner-graph-"));
  const graphFile = join(graphFolder, "run.md");
  const sampleEvents = readdirSync(join(root, "events"))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => `events/${f}`);
  const greetingEvent = readFileSync(join(root, FIXTURES, "greeting-requested.json"), "utf8");
  // Started as soon as mocha loads this file: the runs use the core the rest of the (single-threaded) suite leaves idle.
  const runs = limited(2, [
    () => cli(["index.ts", ...sampleEvents, `${FIXTURES}/not-an-order.json`, "--json", "--timeout-scale", "0.25", "--graph", graphFile]),
    () => cli([`${FIXTURES}/malformed.json`]),
    () => cli([`${FIXTURES}/greetings.ts`, "-", `${FIXTURES}/not-an-order.json`], greetingEvent),
    () => cli(["index.ts", "events/happy.json", "--no-such-option"]),
    () => cli(["--help"]),
    () => cli([`${FIXTURES}/unserializable/index.ts`, `${FIXTURES}/greeting-requested.json`]),
    () => cli([`${FIXTURES}/unbundled/index.ts`, `${FIXTURES}/greeting-requested.json`]),
  ]);
  let order: CliRun;
  let greetings: CliRun;
  let malformed: CliRun;
  let unserializable: CliRun;
  let unbundled: CliRun;
  let badOption: CliRun;
  let help: CliRun;
  let json: any;

  before(async () => {
    [order, malformed, greetings, badOption, help, unserializable, unbundled] = await runs;
    json = JSON.parse(order.stdout);
  });
  after(() => rmSync(graphFolder, { recursive: true, force: true }));

  const byLabel = (label: string) => json.events.find((e: { label: string }) => e.label === label);

  it("runs the order sample events from the deployment artifacts to the statuses AWS would give them, exit code 1", () => {
    assert.equal(order.code, 1, order.stderr);
    const statuses = Object.fromEntries(json.events.map((e: any) => [e.label, outcomeOf(e)]));
    assert.deepEqual(statuses, { ...sampleOutcomes(), "not-an-order": "NOT_MATCHED" });
    assert.deepEqual(json.summary, { ...json.summary, events: 10, succeeded: 4, failed: 5, timedOut: 0, notMatched: 1 });
    assert.equal(json.mode, "artifact");
    assert.equal(json.clock, "fast");
    assert.equal(json.summary.clock, "fast");
    assert.equal(json.exitCode, 1);
  });

  it("reports why the non-matching event started nothing", () => {
    const event = byLabel("not-an-order");
    assert.deepEqual(event.executions, []);
    assert.deepEqual(event.matches, [
      {
        workflow: "order-processing",
        matched: false,
        reasons: ['detail-type: expected one of ["Order Placed"], found "Order Cancelled"'],
      },
    ]);
  });

  it("--json gives each execution's path, retries, published messages and metrics summary", () => {
    const [happy] = byLabel("happy").executions;
    assert.deepEqual(happy.path, [
      "ValidateOrder",
      "ChargeCard",
      "FulfillmentAndNotification",
      "FulfillOrder",
      "SendConfirmationEmail",
      "MarkOrderComplete",
      "PublishOrderProcessed",
    ]);
    assert.deepEqual(happy.retries, {});
    assert.equal(happy.published.length, 1);
    assert.equal(happy.published[0].service, "events");
    assert.deepEqual(
      happy.published[0].request.Entries.map((e: any) => [e.Source, e.DetailType, e.EventBusName]),
      [["order.processor", "Order Processed", "default"]],
    );
    assert.equal(happy.metrics.ValidateOrder.StepSucceeded.sum, 1);
    assert.equal(happy.metrics.ChargeCard.OrdersCharged.sum, 1);
    assert.equal(happy.metrics.ChargeCard.StepDuration.unit, "Milliseconds");
    assert.deepEqual(Object.keys(happy.metrics).sort(), [
      "ChargeCard",
      "FulfillOrder",
      "MarkOrderComplete",
      "SendConfirmationEmail",
      "ValidateOrder",
    ]);

    const [throttled] = byLabel("throttled-then-ok").executions;
    assert.deepEqual(throttled.retries, { ChargeCard: 1 });
    const charge = throttled.history.filter((e: any) => e.state === "ChargeCard" && e.type.startsWith("LambdaFunction"));
    assert.deepEqual(
      charge.map((e: any) => [e.type, e.retry ?? 0, e.error ?? null]),
      [
        ["LambdaFunctionScheduled", 0, null],
        ["LambdaFunctionStarted", 0, null],
        ["LambdaFunctionFailed", 0, "ThrottlingException"],
        ["LambdaFunctionScheduled", 1, null],
        ["LambdaFunctionStarted", 1, null],
        ["LambdaFunctionSucceeded", 0, null],
      ],
    );
    assert.equal(throttled.metrics.ChargeCard.StepFailed.sum, 1);

    const [validation] = byLabel("validation-error").executions;
    assert.equal(validation.published[0].service, "sns");
    assert.deepEqual(
      validation.history.map((e: any) => e.id),
      validation.history.map((_: unknown, i: number) => i + 1),
    );
    assert.deepEqual(validation.history.at(-1), {
      ...validation.history.at(-1),
      type: "ExecutionFailed",
      error: "ValidationFailed",
      cause: "Order failed validation checks",
    });
  });

  it("runs each task from its artifact in a warm process, and a hung one times out as its Lambda would (Sandbox.Timedout)", () => {
    const [hung] = byLabel("charge-hangs").executions;
    const timedOut = hung.history.find((e: any) => e.type === "LambdaFunctionTimedOut");
    assert.equal(timedOut.state, "ChargeCard");
    assert.equal(timedOut.error, "Sandbox.Timedout");
    // 27 s Lambda timeout x 0.25: short enough to wait for, long enough that a loaded machine times out only the hung step.
    assert.match(timedOut.cause, /Task timed out after 6\.75 seconds/);
    const invocations = json.events.flatMap((e: any) => e.executions.flatMap((x: any) => x.invocations));
    const validate = invocations.filter((i: any) => i.state === "ValidateOrder");
    assert.equal(validate.length, 9);
    assert.deepEqual(
      validate.map((i: any) => i.coldStart),
      [true, ...Array(8).fill(false)],
      "one cold start, then the warm environment serves",
    );
  });

  it("--graph writes the state machine with each execution's path highlighted", () => {
    const markdown = readFileSync(graphFile, "utf8");
    assert.equal(markdown.match(/```mermaid/g)?.length, 9);
    assert.match(markdown, /## happy → order-processing: SUCCEEDED/);
    assert.match(markdown, /## validation-error → order-processing: FAILED \(ValidationFailed\)/);
    assert.match(markdown, /## not-an-order: not matched/);
    const validation = markdown.split("## ").find((section) => section.startsWith("validation-error"))!;
    assert.match(validation, /class [^\n]*ValidationFailedEnd[^\n]* failedAt/);
    assert.match(validation, /class [^\n]*\bValidateOrder\b[^\n]* visited/);
    assert.match(validation, /class [^\n]*\bChargeCard\b[^\n]* unvisited/);
  });

  it("prints a history, the path and a one-line summary per event in text mode; a workflow module and stdin work too", () => {
    assert.equal(greetings.code, 0, `a non-matching event does not fail the run when the others succeed\n${greetings.stderr}`);
    const out = greetings.stdout;
    assert.match(
      out,
      /■ stdin\n {2}rule {7}greetings: matched\n {2}execution {2}greetings: SUCCEEDED in \d+ ms\n {4}id +offset +type +state +duration +retry +error: cause\n/,
    );
    for (const type of [
      "ExecutionStarted",
      "ChoiceStateEntered",
      "WaitStateEntered",
      "MapIterationStarted",
      "LambdaFunctionScheduled",
      "LambdaFunctionSucceeded",
      "ExecutionSucceeded",
    ]) {
      assert.match(out, new RegExp(`\\b${type}\\b`), type);
    }
    assert.match(out, /path +Normalize → AnyoneThere → Pause → GreetEach → Greet → Greet → Greet → Announce/);
    assert.match(out, /published +EventBridge put on bus "default": fixture\.greeter \/ Greetings Sent/);
    assert.match(out, /metrics +Normalize .*\n +Greet +.*Greetings 3 \(3 values\)/);
    assert.match(
      out,
      /■ not-an-order\n {2}rule {7}greetings: NOT matched, no execution started: source: expected one of \["fixture\.greetings"\], found "order\.service"/,
    );
    assert.match(
      out,
      /Summary\n {2}stdin +SUCCEEDED +greetings \(8 states, 0 retries, 1 published, \d+ ms, \$[\d.e-]+ STANDARD \/ \$[\d.e-]+ EXPRESS\)\n {2}not-an-order +NOT MATCHED/,
    );
    assert.match(out, /2 events: 1 succeeded, 0 failed, 0 timed out, 1 not matched in \d+ ms \(clock: fast\) -> exit code 0\n$/);
    const [, took] = /SUCCEEDED in (\d+) ms/.exec(out)!;
    assert.ok(Number(took) < 10_000, "the 30 s Wait was skipped");
  });

  it("rejects malformed JSON naming the file, line and column, before synthesizing anything (exit 2)", () => {
    assert.equal(malformed.code, 2);
    assert.equal(malformed.stdout, "");
    assert.match(malformed.stderr, /^error: test\/fixtures\/runner\/malformed\.json: invalid JSON at line 4, column 3: /);
  });

  it("refuses a program whose step handler cannot be serialized, naming the step as `pulumi up` would fail (exit 1)", () => {
    assert.equal(unserializable.code, 1);
    assert.equal(unserializable.stdout, "", "nothing ran");
    assert.match(unserializable.stderr, /the program cannot be deployed, so nothing ran/);
    assert.match(
      unserializable.stderr,
      /fingerprints: step "Fingerprint" \(Lambda fingerprints-Fingerprint\): Pulumi cannot serialize its handler/,
    );
    assert.match(unserializable.stderr, /variable 'seed'/);
    assert.match(
      unserializable.stderr,
      /it captures 'seed'\. Create clients and other live objects inside the handler or in the task's `init` hook/,
    );
    assert.doesNotMatch(unserializable.stderr, /promises were still active/);
  });

  it("refuses a program whose handler requires a package it does not bundle, naming the step and the fix (exit 1)", () => {
    assert.equal(unbundled.code, 1, unbundled.stderr);
    assert.equal(unbundled.stdout, "", "nothing ran");
    assert.match(unbundled.stderr, /step "Stamp": its handler requires "semver", which Lambda would not find/);
    assert.match(unbundled.stderr, /bundle: \["semver"\]/);
    assert.doesNotMatch(unbundled.stderr, /promises were still active/);
    assert.doesNotMatch(unserializable.stderr, /step "Normalize"/);
  });

  it("explains its usage, and exits 2 on an unknown option", () => {
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: edw-local \[program\] \[event\.json \.\.\.\] \[options\]/);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /Unknown option '--no-such-option'/);
  });
});
