/**
 * `edw-local capacity`'s pure core: the token bucket against hand-computed cases, Little's law and the Lambda scaling
 * time, the quota table and quota files, the usage of a path and of a mix, the report (and a property: raising the
 * rate never lowers any quota's use), and the command's usage errors (exit 2, in-process, before anything runs).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { littlesLaw, secondsToScale } from "../capacity/concurrency";
import { bindsAtRate, evaluateQuotas } from "../capacity/load";
import { defaultMix, mixUsage, parseMix } from "../capacity/mix";
import { parseQuotaFile } from "../capacity/quotaFile";
import { DEFAULT_QUOTAS, KNOWN_REGIONS, quotasFor } from "../capacity/quotas";
import { capacityReport, SECONDS_PER_MONTH } from "../capacity/report";
import { simulateTokenBucket } from "../capacity/tokenBucket";
import { measurePaths, noUsage, type PathUsage } from "../capacity/usage";
import { capacityCommand } from "../cli/capacity";
import { RunnerInputError } from "../input/eventInput";
import { captureOutput } from "../runner/captureOutput";
import type { ExecutionReport } from "../runner/runner";
import type { SampleRun } from "../runner/sampleEvents";
import { startLocalDynamoDb } from "../simulators/dynamoDb";

describe("simulateTokenBucket (hand-computed)", () => {
  const bucket = { capacity: 1300, refillPerSecond: 300 };

  it("serves a steady rate under the refill for ever: nothing throttled, the bucket stays full", () => {
    const outcome = simulateTokenBucket(bucket, [{ seconds: 3600, ratePerSecond: 250 }]);
    assert.deepEqual(outcome, { throttled: 0, admitted: 900_000, minTokens: 1300, tokensAtEnd: 1300 });
  });

  it("absorbs a burst within the bucket: 500/s for 5 s takes 1,000 of the 1,300 tokens, then refills", () => {
    const outcome = simulateTokenBucket(bucket, [
      { seconds: 5, ratePerSecond: 500 },
      { seconds: 2, ratePerSecond: 100 },
    ]);
    // 5 s × (500 - 300) = 1,000 tokens taken; 2 s × (300 - 100) = 400 back, capped at 1,300.
    assert.deepEqual(outcome, { throttled: 0, admitted: 2700, minTokens: 300, tokensAtEnd: 700 });
  });

  it("throttles a burst that drains it: 500/s for 10 s empties 1,300 tokens after 6.5 s, then serves only 300/s", () => {
    const outcome = simulateTokenBucket(bucket, [{ seconds: 10, ratePerSecond: 500 }]);
    // Empty after 1,300 / 200 = 6.5 s; for the last 3.5 s, 200 of every 500 a second are refused: 700.
    assert.deepEqual(outcome, { throttled: 700, admitted: 4300, minTokens: 0, drainedAtSecond: 6.5, tokensAtEnd: 0 });
  });

  it("starts from the tokens it is given, and keeps the first time it ran dry", () => {
    const outcome = simulateTokenBucket(
      bucket,
      [
        { seconds: 1, ratePerSecond: 400 },
        { seconds: 10, ratePerSecond: 0 },
        { seconds: 1, ratePerSecond: 1000 },
      ],
      50,
    );
    // 50 tokens at -100/s last 0.5 s (50 refused); +3,000 refills to 1,300; 1 s at -700/s leaves 600.
    assert.deepEqual(outcome, { throttled: 50, admitted: 1350, minTokens: 0, drainedAtSecond: 0.5, tokensAtEnd: 600 });
  });
});

describe("Little's law and Lambda scaling", () => {
  it("puts rate × duration in flight", () => {
    assert.equal(littlesLaw(200, 0.25), 50);
    assert.equal(littlesLaw(5000, 54), 270_000);
    assert.throws(() => littlesLaw(-1, 1), RangeError);
  });

  it("adds 1,000 environments at once, then 1,000 per 10 s", () => {
    assert.equal(secondsToScale(1000), 0);
    assert.equal(secondsToScale(1001), 10);
    assert.equal(secondsToScale(2500), 20);
  });
});

describe("the quota table", () => {
  it("gives each quota a source page and date, and a region's own value or the other regions'", () => {
    for (const quota of DEFAULT_QUOTAS) {
      assert.match(quota.source.url, /^https:\/\/docs\.aws\.amazon\.com\//, quota.id);
      assert.match(quota.source.checkedOn, /^\d{4}-\d{2}-\d{2}$/, quota.id);
      if (quota.quotaCode) assert.match(quota.quotaCode, /^L-[0-9A-F]{8}$/, quota.id);
    }
    const start = (region: string) => quotasFor(region, "STANDARD").find((q) => q.id === "stepFunctions.standard.startExecution");
    assert.deepEqual([start("us-east-1")?.limit, start("us-east-1")?.bucket], [300, 1300]);
    assert.deepEqual([start("eu-central-1")?.limit, start("eu-central-1")?.bucket], [150, 800]);
    const express = quotasFor("us-east-1", "EXPRESS").map((q) => q.id);
    assert.ok(express.includes("stepFunctions.express.startExecution"));
    assert.ok(!express.some((id) => id.startsWith("stepFunctions.standard.")), "EXPRESS has no state-transition bucket");
  });

  it("takes an account's raised values from a quota file, keeping at least the default burst allowance", () => {
    const overrides = parseQuotaFile(
      '{ "lambda.concurrentExecutions": 5000, "stepFunctions.standard.startExecution": { "limit": 2000 } }',
      "q.json",
    );
    const quotas = quotasFor("us-east-1", "STANDARD", overrides);
    assert.deepEqual(
      quotas.filter((q) => q.overridden).map((q) => [q.id, q.limit, q.bucket]),
      [
        ["stepFunctions.standard.startExecution", 2000, 2000],
        ["lambda.concurrentExecutions", 5000, undefined],
      ],
    );
  });

  it("refuses a malformed quota file, naming the key and the fix", () => {
    assert.throws(
      () => parseQuotaFile("{ nope", "q.json"),
      (e: Error) => e instanceof RunnerInputError && /q\.json: invalid JSON/.test(e.message),
    );
    assert.throws(
      () => parseQuotaFile('{ "lambda.concurentExecutions": 5 }', "q.json"),
      /"lambda.concurentExecutions" is not a quota id; did you mean "lambda.concurrentExecutions"/,
    );
    assert.throws(
      () => parseQuotaFile('{ "lambda.concurrentExecutions": -5 }', "q.json"),
      /"lambda.concurrentExecutions" is -5: give a positive number/,
    );
    assert.throws(() => parseQuotaFile('{ "eventBridge.putEvents": { "limit": 10, "burst": 5 } }', "q.json"), /"eventBridge.putEvents" is/);
    assert.throws(() => parseQuotaFile("[1]", "q.json"), /expected an object from quota id to value/);
  });
});

/** A path as measurePaths returns it, with only the given fields set. */
const path = (label: string, fields: Partial<PathUsage>): PathUsage => ({
  ...noUsage(),
  label,
  status: "SUCCEEDED",
  executions: 1,
  ...fields,
});

describe("measurePaths and the mix", () => {
  it("counts a path's transitions, invocations (a cold start at the warm mean), messages, KMS requests and DynamoDB units from its run", () => {
    const execution = {
      workflow: "orders",
      status: "FAILED",
      durationMs: 1500,
      retries: { Charge: 2 },
      cost: { stateTransitions: 6, standardUsd: 0.00015, expressUsd: 0.000002 },
      invocations: [
        { state: "Charge", durationMs: 900, coldStart: true },
        { state: "Charge", durationMs: 200 },
        { state: "Charge", durationMs: 300 },
        { state: "Charge" },
      ],
      published: [
        { state: "Alert", service: "sns", request: { TopicArn: "arn:aws:sns:us-east-1:1:alerts" } },
        { state: "Done", service: "events", request: { Entries: [] } },
        { state: "Queue", service: "sqs", request: { QueueUrl: "q" } },
      ],
    } as unknown as ExecutionReport;
    const run: SampleRun = {
      label: "declined",
      report: { label: "declined", status: "FAILED", matches: [], executions: [execution] },
      dynamoDb: { idem: { reads: 1, writes: 3, readUnits: 0.5, writeUnits: 3 } },
    };
    const resources = [
      {
        type: "aws:sns/topic:Topic",
        name: "alerts",
        id: "",
        inputs: { kmsMasterKeyId: "arn:key" },
        state: { arn: "arn:aws:sns:us-east-1:1:alerts" },
      },
      {
        type: "aws:sns/topicSubscription:TopicSubscription",
        name: "s",
        id: "",
        inputs: { topic: "arn:aws:sns:us-east-1:1:alerts" },
        state: {},
      },
    ];
    const [usage] = measurePaths([run], resources);
    assert.equal(usage.stateTransitions, 6);
    assert.deepEqual(usage.retryTransitions, { Charge: 2 });
    assert.equal(usage.executionSeconds, 1.5);
    // The cold start counts at the warm mean, (0.2 + 0.3 + 0.001) / 3 s; an invocation without a duration as 1 ms.
    assert.equal(usage.invocations.Charge.count, 4);
    assert.ok(Math.abs(usage.invocations.Charge.seconds - (0.501 + 0.501 / 3)) < 1e-12, String(usage.invocations.Charge.seconds));
    assert.deepEqual([usage.putEvents, usage.snsPublishes, usage.sqsSends], [1, 1, 1]);
    assert.equal(usage.kmsRequests, 2, "a data key for the encrypted topic, and a Decrypt for its one subscription");
    assert.deepEqual(usage.dynamoDb, { idem: { readUnits: 0.5, writeUnits: 3 } });
  });

  it("weights paths by the mix, and defaults to the paths that succeed", () => {
    const paths = [
      path("happy", { stateTransitions: 10 }),
      path("retry", { stateTransitions: 20 }),
      path("bad", { status: "FAILED", stateTransitions: 4 }),
    ];
    assert.deepEqual(defaultMix(paths), { happy: 1, retry: 1 });
    assert.equal(mixUsage(paths, defaultMix(paths)).stateTransitions, 15);
    assert.equal(mixUsage(paths, parseMix("happy=90,bad=10", ["happy", "retry", "bad"])).stateTransitions, 9.4);
    assert.throws(() => parseMix("hapy=1", ["happy", "bad"]), /no sample path is named "hapy"; did you mean "happy"/);
    assert.throws(() => parseMix("happy", ["happy"]), /use path=weight/);
    assert.throws(() => parseMix("happy=0", ["happy"]), /sum to 0/);
  });
});

describe("the local DynamoDB's request units", () => {
  it("bills a write unit per KB written, a conditional write that fails included, and half a unit per eventually consistent read", async () => {
    const dynamodb = await startLocalDynamoDb({ t: { hashKey: "id" } });
    const call = (operation: string, body: unknown) =>
      fetch(dynamodb.endpoint, {
        method: "POST",
        headers: { "x-amz-target": `DynamoDB_20120810.${operation}`, "content-type": "application/x-amz-json-1.0" },
        body: JSON.stringify(body),
      });
    try {
      const item = { id: { S: "order-1" }, data: { S: "x".repeat(1500) } }; // 2 + 1,500 + 4 + 7 bytes: 2 KB
      await call("PutItem", { TableName: "t", Item: item, ConditionExpression: "attribute_not_exists(id)" });
      const refused = await call("PutItem", { TableName: "t", Item: item, ConditionExpression: "attribute_not_exists(id)" });
      assert.equal(refused.status, 400);
      await call("GetItem", { TableName: "t", Key: { id: { S: "order-1" } } });
      assert.deepEqual(dynamodb.usage(), { t: { reads: 1, writes: 2, readUnits: 0.5, writeUnits: 4 } });
    } finally {
      await dynamodb.close();
    }
  });
});

describe("capacityReport", () => {
  const paths = [
    path("happy", {
      stateTransitions: 8,
      executionSeconds: 0.5,
      invocations: { Charge: { count: 1, seconds: 0.2 }, Ship: { count: 1, seconds: 0.1 } },
      putEvents: 1,
      dynamoDb: { idem: { readUnits: 0, writeUnits: 8 } },
      standardUsd: 0.0002,
      expressUsd: 0.000005,
    }),
  ];
  const base = {
    paths,
    mix: { happy: 1 },
    timeouts: { Charge: 27, Ship: 54 },
    workflows: [{ name: "orders", timeoutSeconds: 300, callbackSteps: [] }],
    type: "STANDARD" as const,
    region: "us-east-1",
    quotas: quotasFor("us-east-1", "STANDARD"),
  };

  it("finds the first quota to bind and its rate, and prices the month", () => {
    const report = capacityReport({ ...base, load: { rate: 100 } });
    // 8 transitions per event against a refill of 1,500/s: binds just above 187.5 events/s, before StartExecution's 300.
    assert.equal(report.binding, "Step Functions StateTransition (STANDARD)");
    assert.ok(Math.abs((report.bindsAtRate as number) - 187.5) < 0.01, String(report.bindsAtRate));
    assert.equal(report.withinQuotas, true);
    const lambda = report.quotas.find((q) => q.id === "lambda.concurrentExecutions")!;
    assert.ok(Math.abs(lambda.used - 30) < 1e-9, "100/s × (0.2 s + 0.1 s)");
    assert.equal(lambda.usedAtTimeouts, 100 * 27 + 100 * 54);
    assert.ok(Math.abs(report.costPerMonth.STANDARD - 0.0002 * 100 * SECONDS_PER_MONTH) < 1e-6);
    assert.match(report.recommendations[0], /^workflowType: "EXPRESS"/);
    assert.ok(
      report.recommendations.some((r) => /reservedConcurrency/.test(r)),
      "8,100 at timeouts exceed the account's 1,000",
    );
  });

  it("binds at this rate above the refill, and a burst that drains the StartExecution bucket binds below it", () => {
    assert.equal(capacityReport({ ...base, load: { rate: 200 } }).withinQuotas, false);
    const burst = { events: 3000, seconds: 5 }; // 600/s more for 5 s on top of 100/s: 1,300 tokens last 3.25 s
    const report = capacityReport({ ...base, load: { rate: 100, burst } });
    const start = report.quotas.find((q) => q.id === "stepFunctions.standard.startExecution")!;
    assert.equal(start.binds, true);
    assert.equal(start.burst?.drainedAtSecond, 1300 / 400);
    assert.ok(Math.abs((start.burst?.throttled ?? 0) - 400 * (5 - 1300 / 400)) < 1e-9);
    assert.equal(start.burst?.peakPerSecond, 700);
    assert.ok(report.recommendations.some((r) => /delayed, not lost/.test(r)));
    assert.ok(
      report.recommendations.some((r) =>
        r.startsWith(
          "Step Functions StartExecution (STANDARD) binds under the burst: 700/s for 5 s empties its bucket of 1,300 (refill 300/s) after 3.25 s: request a refill rate of at least 875",
        ),
      ),
      report.recommendations.join("\n"),
    );
  });

  it("does not recommend EXPRESS for a workflow with a callback, and says why", () => {
    const report = capacityReport({
      ...base,
      workflows: [{ name: "approvals", timeoutSeconds: 86_400, callbackSteps: ["Approve"] }],
      load: { rate: 150 },
    });
    assert.ok(!report.recommendations.some((r) => r.startsWith("workflowType")));
    assert.ok(report.recommendations.some((r) => /waits for a callback \(Approve\)/.test(r)));
  });

  it("property: raising the rate never lowers any quota's use", () => {
    const count = fc.double({ min: 0, max: 50, noNaN: true });
    const usage = fc.record({
      executions: fc.integer({ min: 1, max: 3 }),
      stateTransitions: count,
      executionSeconds: count,
      putEvents: count,
      kmsRequests: count,
      charge: fc.record({ count, seconds: count }),
      writeUnits: count,
    });
    const burst = fc.option(fc.record({ events: fc.integer({ min: 1, max: 100_000 }), seconds: fc.integer({ min: 1, max: 120 }) }), {
      nil: undefined,
    });
    fc.assert(
      fc.property(
        usage,
        fc.double({ min: 0.001, max: 1e5, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        burst,
        (u, rate, factor, b) => {
          const event = path("p", {
            executions: u.executions,
            stateTransitions: u.stateTransitions,
            executionSeconds: u.executionSeconds,
            putEvents: u.putEvents,
            kmsRequests: u.kmsRequests,
            invocations: { Charge: u.charge },
            dynamoDb: { t: { readUnits: 0, writeUnits: u.writeUnits } },
          });
          for (const type of ["STANDARD", "EXPRESS"] as const) {
            const quotas = quotasFor("eu-west-2", type);
            const at = (r: number) => evaluateQuotas(event, { Charge: 30 }, quotas, { rate: r, ...(b ? { burst: b } : {}) });
            const [lower, higher] = [at(rate), at(rate * factor)];
            lower.forEach((q, i) => {
              assert.ok(higher[i].used >= q.used, `${q.id}: ${higher[i].used} < ${q.used}`);
              assert.ok(!q.binds || higher[i].binds, `${q.id} binds at ${rate} but not at ${rate * factor}`);
              assert.ok((higher[i].burst?.throttled ?? 0) >= (q.burst?.throttled ?? 0) - 1e-6, `${q.id}: fewer throttled at a higher rate`);
            });
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reports a quota that never binds as null, and one the burst alone binds as 0", () => {
    const quota = quotasFor("us-east-1", "STANDARD").find((q) => q.id === "kms.symmetricCryptographicOperations")!;
    assert.equal(bindsAtRate(paths[0], {}, quota), null, "no KMS request on the path");
    const start = quotasFor("us-east-1", "STANDARD").find((q) => q.id === "stepFunctions.standard.startExecution")!;
    assert.equal(bindsAtRate(paths[0], {}, start, { events: 10_000, seconds: 1 }), 0);
  });
});

describe("edw-local capacity: usage errors (exit 2, before the program runs)", () => {
  const run = async (...argv: string[]) => {
    let output = "";
    const capture = captureOutput();
    const code = await capacityCommand(argv).finally(() => {
      output = capture.stop().join("\n");
    });
    return { code, output };
  };
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), "edw-capacity-"));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  for (const [rate, shown] of [
    ["0", '"0"'],
    ["-5", '"-5"'],
    ["lots", '"lots"'],
    ["Infinity", '"Infinity"'],
  ])
    it(`refuses --rate ${rate}`, async () => {
      const { code, output } = await run("index.ts", `--rate=${rate}`);
      assert.equal(code, 2);
      assert.match(output, new RegExp(`--rate takes a positive number of events per second, got ${shown}`));
    });

  it("requires --rate, and --burst with --over", async () => {
    assert.match((await run("index.ts")).output, /--rate is required/);
    const { code, output } = await run("index.ts", "--rate", "10", "--burst", "100");
    assert.equal(code, 2);
    assert.match(output, /--burst and --over go together/);
  });

  it("refuses an unknown region, suggesting the closest", async () => {
    const { code, output } = await run("index.ts", "--rate", "10", "--region", "us-esat-1");
    assert.equal(code, 2);
    assert.match(output, /--region us-esat-1: not a region the quota table knows; did you mean us-east-1\?/);
    assert.ok(KNOWN_REGIONS.length > 20);
  });

  it("refuses a malformed quota file, naming the key", async () => {
    const file = join(folder, "quotas.json");
    writeFileSync(file, JSON.stringify({ "lambda.concurrentExecutions": "lots" }));
    const { code, output } = await run("index.ts", "--rate", "10", "--quotas", file);
    assert.equal(code, 2);
    assert.match(output, /"lambda.concurrentExecutions" is "lots": give a positive number/);
    const broken = join(folder, "broken.json");
    writeFileSync(broken, "{ lambda: 1 ");
    assert.match((await run("index.ts", "--rate", "10", "--quotas", broken)).output, /broken\.json: invalid JSON/);
  });

  it("refuses a mix naming no sample path, suggesting the closest", async () => {
    const { code, output } = await run("index.ts", "--rate", "10", "--mix", "hapy=90,email-fails=10");
    assert.equal(code, 2);
    assert.match(output, /--mix: no sample path is named "hapy"; did you mean "happy"\?/);
  });

  it("refuses an unknown type and a missing program", async () => {
    assert.match((await run("index.ts", "--rate", "10", "--type", "FAST")).output, /--type takes STANDARD or EXPRESS, got "FAST"/);
    const { code, output } = await run(join(folder, "nowhere.ts"), "--rate", "10");
    assert.equal(code, 2);
    assert.match(output, /no program at .*nowhere\.ts/);
  });
});
