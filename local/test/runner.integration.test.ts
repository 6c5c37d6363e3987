/**
 * The local runner as a library: event input parsing, timeout scaling, the exit code rule, warm Lambda execution
 * environments (reuse, concurrency, timeouts, isolation from the project's node_modules), and the order program run
 * from source on the synthesis the stack specs share; docs/order-workflow.md is what `npm run graph` writes today.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { exitCodeOf } from "../cli/options";
import { parseCommandLine } from "../cli/run";
import { startLocalDynamoDb } from "../simulators/dynamoDb";
import { parseEvents, RunnerInputError } from "../input/eventInput";
import { graphMarkdown } from "../graph/document";
import { workflowGraphDocument } from "../cli/graph";
import { summariseMetrics } from "../runner/history";
import { materializeArchive, WarmFunction } from "../lambda/artifact";
import { LocalRunner, scaleTimeouts, workflowsOf, type EventReport } from "../runner/runner";
import { ofType } from "../program/synthesize";
import { synthesizeOrderProgram } from "../../test/support/orderStack";
import { outcomeOf, sampleOutcomes } from "../../test/support/sampleOutcomes";

const root = join(__dirname, "..", "..");

describe("local runner: event input", () => {
  it("reads one event, an array of events, and PutEvents entries, labelled by source", () => {
    assert.deepEqual(
      parseEvents('{"source":"a","detail-type":"b","detail":{}}', "events/one.json").map((e) => e.label),
      ["one"],
    );
    const batch = parseEvents('[{"source":"a"},{"source":"b"}]', "dir/batch.json");
    assert.deepEqual(
      batch.map((e) => e.label),
      ["batch[0]", "batch[1]"],
    );
    const [entry] = parseEvents(
      '{"Source":"order.service","DetailType":"Order Placed","Detail":"{\\"orderId\\":\\"o-1\\"}"}',
      "entries.json",
    );
    assert.deepEqual(entry.event, { source: "order.service", "detail-type": "Order Placed", detail: { orderId: "o-1" } });
  });

  it("names the source, line and column of malformed JSON", () => {
    const text = readFileSync(join(root, "test/fixtures/runner/malformed.json"), "utf8");
    assert.throws(
      () => parseEvents(text, "test/fixtures/runner/malformed.json"),
      (error: Error) => {
        assert.ok(error instanceof RunnerInputError);
        assert.match(error.message, /^test\/fixtures\/runner\/malformed\.json: invalid JSON at line 4, column 3: /);
        return true;
      },
    );
    assert.throws(() => parseEvents('{"source":', "cut.json"), /cut\.json: invalid JSON at line 1, column 11/);
    assert.throws(() => parseEvents("[1]", "numbers.json"), /numbers\.json \(element 0\): an event must be a JSON object, got number/);
  });

  it("parses the command line: the program defaults to index.ts, config and scale are checked", () => {
    const options = parseCommandLine(["events/happy.json", "--json", "--config", "logLevel=ALL", "--timeout-scale", "0.5"])!;
    assert.equal(options.program, "index.ts");
    assert.deepEqual(options.eventSources, ["events/happy.json"]);
    assert.deepEqual(options.runner.config, { logLevel: "ALL" });
    assert.equal(options.runner.timeoutScale, 0.5);
    assert.equal(options.runner.mode, "artifact");
    assert.equal(parseCommandLine(["--help"]), undefined);
    assert.throws(() => parseCommandLine(["index.ts", "--config", "novalue"]), /--config takes key=value/);
    assert.throws(() => parseCommandLine(["index.ts", "--timeout-scale", "0"]), /positive number/);
    assert.throws(() => parseCommandLine(["index.ts", "--nope"]), RunnerInputError);
  });

  it("exits 1 when an execution failed or nothing ran, 0 when every execution succeeded", () => {
    const report = (status: EventReport["status"]): EventReport => ({
      label: status,
      status,
      matches: [],
      executions: status === "NOT_MATCHED" ? [] : [{ status } as EventReport["executions"][number]],
    });
    assert.equal(exitCodeOf([report("SUCCEEDED"), report("NOT_MATCHED")]), 0);
    assert.equal(exitCodeOf([report("SUCCEEDED"), report("FAILED")]), 1);
    assert.equal(exitCodeOf([report("TIMED_OUT")]), 1);
    assert.equal(exitCodeOf([report("NOT_MATCHED")]), 1);
  });

  it("scales every TimeoutSeconds, rounding up to whole seconds", () => {
    const definition = JSON.stringify({
      StartAt: "A",
      TimeoutSeconds: 300,
      States: { A: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:1:function:a", TimeoutSeconds: 30, End: true } },
    });
    const scaled = JSON.parse(scaleTimeouts(definition, 0.05));
    assert.equal(scaled.TimeoutSeconds, 15);
    assert.equal(scaled.States.A.TimeoutSeconds, 2);
    assert.equal(scaleTimeouts(definition, 1), definition);
  });

  it("sums EMF metrics per step", () => {
    const emf = (values: Record<string, number | number[]>) =>
      JSON.stringify({
        _aws: {
          Timestamp: 0,
          CloudWatchMetrics: [
            { Namespace: "n", Dimensions: [["service"]], Metrics: Object.keys(values).map((Name) => ({ Name, Unit: "Count" })) },
          ],
        },
        service: "s",
        ...values,
      });
    assert.deepEqual(
      summariseMetrics([
        { state: "A", stdout: [emf({ Done: 1 }), '{"level":"INFO","message":"not a metric"}'] },
        { state: "A", stdout: [emf({ Done: 1, Sizes: [2, 3] })] },
      ]),
      { A: { Done: { unit: "Count", count: 2, sum: 2 }, Sizes: { unit: "Count", count: 2, sum: 5 } } },
    );
  });
});

describe("local runner: warm Lambda execution environments (WarmFunction)", () => {
  const COUNTER = `
    let calls = 0;
    exports.handler = async (event, context) => {
      calls++;
      console.log(JSON.stringify({ calls }));
      if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
      if (event.fail) { const error = new Error("it failed"); error.name = "CustomError"; throw error; }
      return { calls, pid: process.pid, hasTime: context.getRemainingTimeInMillis() > 0 };
    };`;
  const functionOf = async (source: string, timeoutMs = 5000) =>
    new WarmFunction({ taskRoot: await materializeArchive({ "__index.js": { text: Promise.resolve(source) } }), timeoutMs });

  it("serves many invocations from one warm process, cold only the first time", async () => {
    const fn = await functionOf(COUNTER);
    try {
      const runs = [await fn.invoke({}), await fn.invoke({}), await fn.invoke({})];
      assert.deepEqual(
        runs.map((r) => r.coldStart),
        [true, false, false],
      );
      assert.deepEqual(
        runs.map((r) => (r.result as { calls: number }).calls),
        [1, 2, 3],
      );
      assert.equal(new Set(runs.map((r) => (r.result as { pid: number }).pid)).size, 1);
      assert.deepEqual(
        runs.map((r) => r.stdout),
        [['{"calls":1}'], ['{"calls":2}'], ['{"calls":3}']],
      );
      assert.equal(fn.coldStarts, 1);
    } finally {
      fn.close();
    }
  });

  it("prestarts an environment: its Init phase runs ahead, the first invocation still reports the cold start", async () => {
    const fn = await functionOf(COUNTER);
    try {
      fn.prestart();
      fn.prestart(); // once per function: it has an environment now
      const [first, second] = [await fn.invoke({}), await fn.invoke({})];
      assert.deepEqual([first.coldStart, second.coldStart], [true, false]);
      assert.equal(typeof first.initDurationMs, "number");
      assert.equal(second.initDurationMs, undefined);
      // CPU time is reported beside wall time: the Init phase's on the cold start only, the invocation's on each.
      assert.ok(first.initCpuMs! > 0 && second.initCpuMs === undefined, `initCpuMs: ${first.initCpuMs}, ${second.initCpuMs}`);
      assert.ok(first.cpuMs! >= 0 && second.cpuMs! >= 0, `cpuMs: ${first.cpuMs}, ${second.cpuMs}`);
      assert.equal((first.result as { pid: number }).pid, (second.result as { pid: number }).pid);
      assert.equal(fn.coldStarts, 1);
    } finally {
      fn.close();
    }
  });

  it("runs the function's Node with the options given, and on shutDown lets it exit so that what Node writes at exit is written", async () => {
    const profiles = mkdtempSync(join(tmpdir(), "edw-cpu-prof-"));
    try {
      const fn = new WarmFunction({
        taskRoot: await materializeArchive({ "__index.js": { text: Promise.resolve(COUNTER) } }),
        nodeArguments: ["--cpu-prof", `--cpu-prof-dir=${profiles}`],
      });
      assert.equal(((await fn.invoke({})).result as { calls: number }).calls, 1);
      await fn.shutDown();
      // One profile, written by the environment's process as it exited (a SIGKILL, as close() sends, writes none).
      assert.deepEqual(
        readdirSync(profiles).map((file) => file.endsWith(".cpuprofile")),
        [true],
      );
    } finally {
      rmSync(profiles, { recursive: true, force: true });
    }
  });

  it("gives concurrent invocations an environment each, reports errors by name, and discards a timed-out one", async () => {
    const fn = await functionOf(COUNTER, 400);
    try {
      const [a, b] = await Promise.all([fn.invoke({ sleepMs: 100 }), fn.invoke({ sleepMs: 100 })]);
      assert.notEqual((a.result as { pid: number }).pid, (b.result as { pid: number }).pid);
      assert.equal(fn.coldStarts, 2);
      assert.deepEqual((await fn.invoke({ fail: true })).error, { name: "CustomError", message: "it failed" });
      const hung = await fn.invoke({ sleepMs: 10_000 });
      assert.equal(hung.error?.name, "Sandbox.Timedout");
      assert.match(hung.error!.message, /Task timed out after 0\.40 seconds/);
      const after = await Promise.all([fn.invoke({}), fn.invoke({})]);
      assert.ok(
        after.some((r) => r.coldStart),
        "the timed-out environment was replaced by a new one",
      );
    } finally {
      fn.close();
    }
  });

  it("cannot resolve the project's packages: an artifact that needs one fails to load, as in Lambda", async () => {
    const fn = await functionOf('const pulumi = require("@pulumi/pulumi"); exports.handler = async () => typeof pulumi;');
    try {
      const run = await fn.invoke({});
      assert.equal(run.projectModulesVisible, false);
      assert.equal(run.error?.name, "Runtime.ImportModuleError");
      assert.match(run.error!.message, /@pulumi\/pulumi/);
    } finally {
      fn.close();
    }
  });
});

describe("local runner: the local DynamoDB the artifacts' AWS SDK is pointed at", () => {
  it("serves Powertools Idempotency's DynamoDB persistence layer: one run per key, replays, in-progress duplicates refused", async () => {
    const dynamodb = await startLocalDynamoDb({ records: { hashKey: "id" } });
    const client = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      let runs = 0;
      // A held charge signals once it runs (its in-progress record is then stored) and finishes only when released.
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const config = new IdempotencyConfig({ eventKeyJmesPath: "orderId" });
      config.registerLambdaContext({ getRemainingTimeInMillis: () => 10_000 } as Parameters<IdempotencyConfig["registerLambdaContext"]>[0]);
      const charge = makeIdempotent(
        async (order: { orderId: string; hold?: boolean }) => {
          runs++;
          if (order.hold) {
            started();
            await released;
          }
          return { charged: order.orderId };
        },
        { persistenceStore: new DynamoDBPersistenceLayer({ tableName: "records", awsSdkV3Client: client }), config },
      );

      assert.deepEqual(await charge({ orderId: "o-1" }), { charged: "o-1" });
      assert.deepEqual(await charge({ orderId: "o-1" }), { charged: "o-1" });
      assert.equal(runs, 1, "the second call replayed the stored result");
      const slow = charge({ orderId: "o-2", hold: true });
      try {
        await Promise.race([running, slow]); // slow fails the test here if it fails before it runs
        await assert.rejects(charge({ orderId: "o-2" }), { name: "IdempotencyAlreadyInProgressError" });
      } finally {
        release();
      }
      assert.deepEqual(await slow, { charged: "o-2" });
      assert.equal(runs, 2);
      const items = dynamodb.items("records");
      assert.equal(items.length, 2);
      assert.ok(items.every((item) => (item.status as { S: string }).S === "COMPLETED"));
    } finally {
      client.destroy();
      await dynamodb.close();
    }
  });
});

describe("local runner: the order program, from its shared synthesis", () => {
  let runner: LocalRunner;
  before(async () => {
    // ChargeCard's 27 s Lambda timeout x 0.25 = 6.75 s: the hung charge times out soon enough to wait for, while
    // every other step keeps seconds (2.25 s or more), so a loaded machine times out only the hung step.
    runner = await LocalRunner.fromSynthesis(await synthesizeOrderProgram(), { mode: "source", timeoutScale: 0.25 }, "index.ts");
  });
  after(() => runner?.close());

  it("from artifacts, starts the environments of the functions on the normal path before any event, not those of the failure paths", async () => {
    const artifacts = await LocalRunner.fromSynthesis(await synthesizeOrderProgram(), { mode: "artifact" }, "index.ts");
    try {
      const started = Object.entries(artifacts.coldStarts());
      const functionOf = (state: string) => artifacts.workflows[0].tasks.find((t) => t.state === state)?.resource;
      const startedFor = (state: string) => started.find(([resource]) => resource === functionOf(state))?.[1];
      for (const state of ["ValidateOrder", "ChargeCard", "FulfillOrder", "SendConfirmationEmail", "MarkOrderComplete"])
        assert.equal(startedFor(state), 1, state);
      for (const state of ["ReconcilePayment", "RefundAndFail"]) assert.equal(startedFor(state), 0, state);
    } finally {
      await artifacts.close();
    }
  });

  it("runs the definition string the state machine deploys, with every Lambda task mapped to its function", async () => {
    const { resources } = await synthesizeOrderProgram();
    const [machine] = ofType(resources, "aws:sfn/stateMachine:StateMachine");
    assert.equal(runner.workflows.length, 1);
    assert.equal(runner.workflows[0].definition, machine.inputs.definition);
    assert.deepEqual(
      runner.workflows[0].tasks.map((t) => [t.state, t.resource]).sort(),
      [
        "ChargeCard",
        "FulfillOrder",
        "MarkOrderComplete",
        "ReconcilePayment",
        "RefundAndFail",
        "SendConfirmationEmail",
        "ValidateOrder",
      ].map((step) => [step, `order-processing-${step}`]),
    );
    assert.deepEqual(runner.problems, []);
  });

  it("--source runs the handlers in-process, on the sandbox tables in the local DynamoDB: the refund sees the charge", async () => {
    const statuses: Record<string, string> = {};
    const reports: Record<string, EventReport> = {};
    for (const file of readdirSync(join(root, "events"))
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      const [{ label, event }] = parseEvents(readFileSync(join(root, "events", file), "utf8"), file);
      const report = await runner.runEvent(event, label);
      statuses[label] = outcomeOf(report);
      reports[label] = report;
    }
    assert.deepEqual(statuses, sampleOutcomes());
    const timedOut = reports["charge-hangs"].executions[0].history.filter((e) => e.type === "LambdaFunctionTimedOut");
    assert.deepEqual(
      timedOut.map((e) => [e.state, e.error, e.cause]),
      [["ChargeCard", "Sandbox.Timedout", "Task timed out after 6.75 seconds"]],
    );
  });

  it("--clock virtual runs the hung charge's whole wait on simulated time: the 27 s Lambda timeout, then 30 + 60 + 120 s of retry waits", async () => {
    const virtual = await LocalRunner.fromSynthesis(await synthesizeOrderProgram(), { mode: "source", clock: "virtual" }, "index.ts");
    try {
      const [{ event }] = parseEvents(readFileSync(join(root, "events", "charge-hangs.json"), "utf8"), "charge-hangs.json");
      // An order id of its own: the shared sandbox and idempotency records remember the other tests' hung charge.
      const fresh = { ...event, detail: { ...(event.detail as object), orderId: "ord-virtual-1" } };
      const [execution] = (await virtual.runEvent(fresh, "charge-hangs")).executions;
      assert.equal(execution.clock, "virtual");
      assert.equal(execution.error, "CriticalFailure");
      assert.deepEqual(execution.retries, { ReconcilePayment: 3 });
      const timedOut = execution.history.filter((e) => e.type === "LambdaFunctionTimedOut");
      assert.deepEqual(
        timedOut.map((e) => [e.state, e.cause]),
        [["ChargeCard", "Task timed out after 27.00 seconds"]],
      );
      // 27 s, then ReconcilePayment's four polls of about a second each around its 210 s of retry waits.
      assert.ok(execution.durationMs >= 27_000 + 210_000 && execution.durationMs < 27_000 + 210_000 + 10_000, `${execution.durationMs} ms`);
    } finally {
      await virtual.close();
    }
  });

  it("collects the metrics each in-process handler printed, per step, without printing them", async () => {
    const [{ event }] = parseEvents(readFileSync(join(root, "events", "happy.json"), "utf8"), "happy.json");
    const [execution] = (await runner.runEvent({ ...event, detail: { ...(event.detail as object), orderId: "ord-metrics-1" } }, "happy"))
      .executions;
    assert.equal(execution.status, "SUCCEEDED");
    assert.equal(execution.metrics.ValidateOrder.StepSucceeded.sum, 1);
    assert.equal(execution.metrics.ChargeCard.OrdersCharged.sum, 1);
    assert.equal(execution.metrics.MarkOrderComplete.OrdersCompleted.sum, 1);
  });

  it("docs/order-workflow.md is the graph `npm run graph` draws from the deployed definition today", async () => {
    const { workflows } = workflowsOf(await synthesizeOrderProgram(), "index.ts");
    const document = workflowGraphDocument(workflows, join(root, "index.ts"), "docs/order-workflow.md");
    assert.equal(
      readFileSync(join(root, "docs/order-workflow.md"), "utf8"),
      graphMarkdown(document.title, document.intro, document.sections),
      "docs/order-workflow.md is stale: run `npm run graph`",
    );
  });
});
