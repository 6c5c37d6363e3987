import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { choice, parallel, succeed, task, validateSettings, validateSteps, WorkflowDefinitionError } from "../../index";
import type { Step } from "../../index";
import { eventPatternProblems } from "../../core/eventPatternRules";
import { closestName, isServiceWideResource } from "../../core/validate";

const handler = async (x: unknown) => x;
const ok = (name: string, extra: Record<string, unknown> = {}) => task(name, { handler, timeoutSeconds: 10, ...extra });
const steps = [ok("Charge", { end: true })];
const ORDER_PLACED = { source: ["order.service"], "detail-type": ["Order Placed"] };

type Problem = { step: string; message: string };

/** The problems `run` reports; fails the test when it throws anything but a WorkflowDefinitionError, or nothing. */
function problemsOf(run: () => void): Problem[] {
  try {
    run();
  } catch (error) {
    assert.ok(
      error instanceof WorkflowDefinitionError,
      `expected WorkflowDefinitionError, got ${(error as Error)?.name}: ${(error as Error)?.message}`,
    );
    return error.problems;
  }
  assert.fail("accepted an invalid input");
}

function assertProblem(run: () => void, step: string, pattern: RegExp): void {
  const problems = problemsOf(run);
  assert.ok(
    problems.some((p) => p.step === step && pattern.test(p.message)),
    `expected a problem on "${step}" matching ${pattern}, got:\n${problems.map((p) => `${p.step}: ${p.message}`).join("\n")}`,
  );
}

const withPattern = (pattern: unknown) => () => validateSettings({ timeoutSeconds: 60, trigger: { pattern } }, steps);
const withGrant = (grant: Record<string, unknown>) => () => validateSteps([ok("P", { end: true, permissions: [grant] })]);
const withEmails = (emailEndpoints: unknown[]) => () =>
  validateSettings({ timeoutSeconds: 60, trigger: { pattern: ORDER_PLACED }, alerting: { emailEndpoints } }, steps);

describe("trigger event patterns (validateSettings)", () => {
  it("accepts well-formed patterns: nested detail, content filters, $or, Outputs and Promises as values", () => {
    const patterns: unknown[] = [
      ORDER_PLACED,
      { source: ["docs.upload"], "detail-type": ["Document Uploaded"], detail: { sizeBytes: [{ numeric: [">", 0] }] } },
      { source: ["aws.s3"], detail: { bucket: { name: [pulumi.output("my-bucket")] } } },
      { source: pulumi.output(["order.service"]), "detail-type": ["Order Placed"] },
      pulumi.output({ source: ["order.service"] }),
      Promise.resolve({ nonsense: "x" }),
      {
        "replay-name": [{ exists: false }],
        resources: [{ prefix: "arn:aws:s3:::" }],
        account: ["123456789012"],
        detail: {
          state: [{ "anything-but": { prefix: "init" } }, { "equals-ignore-case": "RUNNING" }],
          ip: [{ cidr: "10.0.0.0/24" }],
          key: [{ wildcard: "dir/*.png" }, { suffix: { "equals-ignore-case": ".PNG" } }],
          flag: [true, null, 3],
        },
      },
      { source: ["a"], $or: [{ "detail-type": ["X"] }, { detail: { amount: [{ numeric: [">=", 100] }] } }] },
    ];
    for (const pattern of patterns) assert.doesNotThrow(withPattern(pattern), `refused ${JSON.stringify(pattern)}`);
  });

  for (const [field, meant] of [
    ["detail_type", "detail-type"],
    ["detailType", "detail-type"],
    ["sources", "source"],
    ["Source", "source"],
    ["replay_name", "replay-name"],
  ]) {
    it(`refuses the top-level field "${field}", suggesting \`${meant}\``, () => {
      assertProblem(
        withPattern({ [field]: ["x"] }),
        "(setting trigger.pattern)",
        new RegExp(`\`${field}\` is not an EventBridge event field: did you mean \`${meant}\`\\?`),
      );
    });
  }

  it("refuses an unknown top-level field with no close match, pointing payload fields to `detail`", () => {
    assertProblem(
      withPattern({ source: ["a"], orderId: ["1"] }),
      "(setting trigger.pattern)",
      /`orderId` is not an EventBridge event field: .*go under `detail`/,
    );
    assertProblem(
      withPattern({ $or: [{ source: ["a"] }, { detial: ["b"] }] }),
      "(setting trigger.pattern)",
      /`detial`.*did you mean `detail`/,
    );
  });

  it("refuses a bare value where EventBridge wants an array, saying how to wrap it", () => {
    assertProblem(
      withPattern({ source: "order.service" }),
      "(setting trigger.pattern)",
      /`source` is "order\.service".*write `"source": \["order\.service"\]`/,
    );
    assertProblem(
      withPattern({ source: ["a"], detail: { total: 5 } }),
      "(setting trigger.pattern)",
      /`detail\.total` is 5.*write `"total": \[5\]`/,
    );
  });

  it("refuses empty arrays, empty patterns, nested arrays and filters outside an array", () => {
    assertProblem(withPattern({ source: [] }), "(setting trigger.pattern)", /`source` is an empty array/);
    assertProblem(withPattern({}), "(setting trigger.pattern)", /^is empty: EventBridge rejects a pattern without fields/);
    assertProblem(withPattern({ source: ["a"], detail: {} }), "(setting trigger.pattern)", /`detail` is an empty object/);
    assertProblem(withPattern({ source: [["a"]] }), "(setting trigger.pattern)", /`source\[0\]` is a nested array/);
    assertProblem(
      withPattern({ source: ["a"], detail: { total: { prefix: "a" } } }),
      "(setting trigger.pattern)",
      /`detail\.total` holds the filter \{"prefix":"a"\} directly.*write "total": \[\{"prefix":"a"\}\]/,
    );
    assertProblem(withPattern("source=order.service"), "(setting trigger.pattern)", /^is "source=order\.service": a pattern is an object/);
  });

  it("refuses unknown or malformed content filters, suggesting the operator meant", () => {
    assertProblem(
      withPattern({ detail: { name: [{ prefx: "a" }] } }),
      "(setting trigger.pattern)",
      /`detail\.name\[0\]` uses the unknown filter "prefx": did you mean `prefix`\?/,
    );
    assertProblem(withPattern({ detail: { name: [{ anythingBut: "a" }] } }), "(setting trigger.pattern)", /did you mean `anything-but`/);
    assertProblem(withPattern({ detail: { name: [{ prefix: "a", suffix: "b" }] } }), "(setting trigger.pattern)", /exactly one/);
    assertProblem(
      withPattern({ detail: { n: [{ numeric: ">100" }] } }),
      "(setting trigger.pattern)",
      /`detail\.n\[0\]\.numeric` is ">100"/,
    );
    assertProblem(withPattern({ detail: { n: [{ exists: "yes" }] } }), "(setting trigger.pattern)", /exists takes true or false/);
    assertProblem(
      withPattern({ detail: { n: [{ "anything-but": { prefixes: "x" } }] } }),
      "(setting trigger.pattern)",
      /anything-but takes exactly one of prefix/,
    );
  });

  it("reports every pattern problem with its path", () => {
    const found = eventPatternProblems({ sources: "a", detail: { x: [] } });
    assert.deepEqual(
      found.map((p) => p.path),
      ["sources", "detail.x"],
    );
  });
});

describe("task permissions: service-wide wildcards need an acknowledgement", () => {
  it("refuses a service-wide action, naming the grant and the way out", () => {
    assertProblem(
      withGrant({ actions: ["s3:GetObject", "s3:*"], resources: ["arn:aws:s3:::b/*"] }),
      "P",
      /permissions\[0\] grants every action of a service \("s3:\*"\).*acknowledgeWildcard/,
    );
  });

  it('refuses "*:*" outright, like "*": it is every action of every service', () => {
    assertProblem(
      withGrant({ actions: ["*:*"], resources: ["arn:aws:s3:::b/*"], acknowledgeWildcard: "because" }),
      "P",
      /permissions\[0\] has an action that is "\*"/,
    );
  });

  for (const resource of [
    "arn:aws:s3:::*",
    "arn:aws:s3:::*/*",
    "arn:aws:dynamodb:*:*:table/*",
    "arn:*",
    "arn:aws:*",
    "arn:aws:sqs:us-east-1:123456789012:*",
    "arn:aws:logs:us-east-1:123456789012:log-group:*",
    "arn:aws:lambda:*:*:function:*",
  ]) {
    it(`refuses the service-wide resource ${resource}`, () => {
      assertProblem(
        withGrant({ actions: ["s3:GetObject"], resources: [resource] }),
        "P",
        /permissions\[0\] grants on every resource of a service.*acknowledgeWildcard/,
      );
    });
  }

  it("keeps narrow wildcards (objects of one bucket, streams of one log group, items of one table) allowed", () => {
    for (const resource of [
      "arn:aws:s3:::my-bucket/*",
      "arn:aws:s3:::my-bucket/reports/*",
      "arn:aws:logs:us-east-1:123:log-group:/aws/x:*",
      "arn:aws:dynamodb:us-east-1:123:table/Orders/index/*",
      "arn:aws:execute-api:us-east-1:123:abc123/*",
      "arn:aws:ssm:us-east-1:123:parameter/app/*",
      "arn:aws:lambda:us-east-1:123:function:my-fn:*",
      "arn:aws:secretsmanager:us-east-1:123:secret:prod/*",
    ]) {
      assert.equal(isServiceWideResource(resource), false, resource);
      assert.doesNotThrow(withGrant({ actions: ["s3:GetObject"], resources: [resource] }), resource);
    }
  });

  it("allows a service-wide grant that says why, and skips Output resources", () => {
    assert.doesNotThrow(
      withGrant({
        actions: ["s3:*"],
        resources: ["arn:aws:s3:::*"],
        acknowledgeWildcard: "the archiver copies every bucket of the account",
      }),
    );
    assert.doesNotThrow(withGrant({ actions: ["s3:GetObject"], resources: [pulumi.output("arn:aws:s3:::*")] }));
  });

  it('refuses an empty reason, and still refuses a bare "*" resource even when acknowledged', () => {
    assertProblem(
      withGrant({ actions: ["s3:*"], resources: ["arn:aws:s3:::*"], acknowledgeWildcard: " " }),
      "P",
      /permissions\[0\] has `acknowledgeWildcard: " "`.*non-empty string/,
    );
    assertProblem(
      withGrant({ actions: ["s3:GetObject"], resources: ["*"], acknowledgeWildcard: "why" }),
      "P",
      /permissions\[0\] grants on Resource "\*"/,
    );
  });
});

describe("alerting.emailEndpoints (validateSettings)", () => {
  it("accepts addresses and Outputs", () => {
    assert.doesNotThrow(withEmails(["oncall@example.com", pulumi.output("x"), "payments-oncall@example.co.uk"]));
  });

  for (const [value, index] of [
    ["not-an-email", 1],
    ["a@b", 1],
    [" ", 1],
    ["on call@example.com", 1],
  ] as const) {
    it(`refuses ${JSON.stringify(value)}, naming the index and the value`, () => {
      const problems = problemsOf(withEmails(["ok@example.com", value]));
      assert.equal(problems.length, 1);
      assert.equal(problems[0].step, `(setting alerting.emailEndpoints[${index}])`);
      assert.match(problems[0].message, new RegExp(`^is ${JSON.stringify(value)}, not an email address`));
    });
  }
});

describe('"did you mean" for transitions to no step', () => {
  it("suggests the closest step name of the same list for next, catch, choice and otherwise", () => {
    const finish = succeed("ChargeCard");
    assertProblem(
      () => validateSteps([ok("Validate", { next: "ChargeCrd" }), finish]),
      "Validate",
      /transitions to "ChargeCrd", which is not a step of the workflow's top-level list: .* Did you mean "ChargeCard"\?$/,
    );
    assertProblem(
      () => validateSteps([ok("Validate", { next: "ChargeCard", catch: [{ errors: ["States.ALL"], next: "chargecard" }] }), finish]),
      "Validate",
      /"chargecard".*Did you mean "ChargeCard"\?/,
    );
    assertProblem(
      () =>
        validateSteps([
          choice("Route", { choices: [{ condition: { variable: "$.x", isPresent: true }, next: "ChargCard" }], otherwise: "ChargeCards" }),
          finish,
        ]),
      "Route",
      /"ChargCard".*Did you mean "ChargeCard"\?/,
    );
    assertProblem(
      () =>
        validateSteps([
          choice("Route", { choices: [{ condition: { variable: "$.x", isPresent: true }, next: "ChargeCard" }], otherwise: "ChargeCards" }),
          finish,
        ]),
      "Route",
      /"ChargeCards".*Did you mean "ChargeCard"\?/,
    );
  });

  it("suggests nothing when no name is close, and only names of the same list", () => {
    const [problem] = problemsOf(() => validateSteps([ok("A", { next: "Nowhere" })]));
    assert.doesNotMatch(problem.message, /Did you mean/);
    const inner = problemsOf(() =>
      validateSteps([parallel("P", { branches: [[ok("Inner", { next: "Outr" })]], next: "Outer" }), succeed("Outer")]),
    );
    assert.ok(inner.some((p) => p.step === "Inner" && /cannot jump out/.test(p.message) && !/Did you mean/.test(p.message)));
  });

  it("finds typos, case and punctuation differences, but not distant names", () => {
    assert.equal(closestName("ChargeCrd", ["ValidateOrder", "ChargeCard"]), "ChargeCard");
    assert.equal(closestName("chrageCard", ["ChargeCard"]), "ChargeCard");
    assert.equal(closestName("detailType", ["source", "detail-type"]), "detail-type");
    assert.equal(closestName("A", ["B"]), undefined);
    assert.equal(closestName("Refund", ["ChargeCard"]), undefined);
  });
});

describe("malformed input from plain JavaScript: always a WorkflowDefinitionError, never a TypeError", () => {
  const junkSteps: [string, unknown][] = [
    ["undefined", undefined],
    ["a string", "x"],
    ["[null]", [null]],
    ["[{}]", [{}]],
    ["a step named 42", [{ ...ok("X", { end: true }), name: 42 }]],
    ['a step named ""', [{ ...ok("X", { end: true }), name: "" }]],
    ["a nameless step before a named one", [{ kind: "pass" }, succeed("S")]],
    ["null before a step", [null, succeed("S")]],
    ['retry: "x"', [ok("R", { end: true, retry: "x" })]],
    ["retry: [null]", [ok("R", { end: true, retry: [null] })]],
    ['retry errors: "x"', [ok("R", { end: true, retry: [{ errors: "States.ALL" }] })]],
    ["catch: [null]", [ok("C", { end: true, catch: [null] })]],
    ['catch: "x"', [ok("C", { end: true, catch: "x" })]],
    ["catch without next", [ok("C", { end: true, catch: [{ errors: ["States.ALL"] }] })]],
    ['branches: "x"', [{ kind: "parallel", name: "P", branches: "x", end: true }]],
    ["branches: [null]", [{ kind: "parallel", name: "P", branches: [null], end: true }]],
    ["choices: undefined", [{ kind: "choice", name: "C", choices: undefined }]],
    ['choices: "x"', [{ kind: "choice", name: "C", choices: "x" }]],
    ["choices: [null]", [{ kind: "choice", name: "C", choices: [null] }]],
    [
      "a condition combining itself",
      (() => {
        const c: Record<string, unknown> = {};
        c.and = [c];
        return [{ kind: "choice", name: "C", choices: [{ condition: c, next: "C" }] }];
      })(),
    ],
    ["steps: 5 for a map", [{ kind: "map", name: "M", itemsPath: "$.xs", steps: 5, end: true }]],
    [
      "a Parallel containing itself",
      (() => {
        const p = { kind: "parallel", name: "P", branches: [[]] as unknown[][], end: true };
        p.branches[0].push(p);
        return [p];
      })(),
    ],
    ['permissions: "s3:GetObject"', [ok("T", { end: true, permissions: "s3:GetObject" })]],
    ["permissions: [null]", [ok("T", { end: true, permissions: [null] })]],
    ["idempotency: null", [ok("T", { end: true, idempotency: null })]],
    ["timeoutSeconds: a Symbol", [ok("T", { end: true, timeoutSeconds: Symbol("t") })]],
    ["inputPath: a BigInt", [ok("T", { end: true, inputPath: 10n })]],
    ["next: 42", [ok("T", { next: 42 }), succeed("S")]],
    ["a notify subject of null", [{ kind: "notify", name: "N", subject: null, end: true }]],
    ["an unknown kind", [{ kind: "lambda", name: "L" }]],
  ];

  const trigger = { pattern: ORDER_PLACED };
  const junkSettings: [string, unknown, unknown?][] = [
    ["undefined settings", undefined],
    ["args.trigger missing", { steps, timeoutSeconds: 60 }],
    ['trigger: "x"', { steps, timeoutSeconds: 60, trigger: "x" }],
    ["trigger.pattern null", { steps, timeoutSeconds: 60, trigger: { pattern: null } }],
    [
      "trigger.pattern containing itself",
      {
        timeoutSeconds: 60,
        trigger: {
          pattern: (() => {
            const d: Record<string, unknown> = { x: ["1"] };
            d.self = d;
            return { source: ["a"], detail: d };
          })(),
        },
      },
    ],
    ["lambda: 5", { timeoutSeconds: 60, trigger, lambda: 5 }],
    ['logging: "ALL"', { timeoutSeconds: 60, trigger, logging: "ALL" }],
    ['alerting: { emailEndpoints: "a@b.com" }', { timeoutSeconds: 60, trigger, alerting: { emailEndpoints: "a@b.com" } }],
    ["alerting.emailEndpoints: [null]", { timeoutSeconds: 60, trigger, alerting: { emailEndpoints: [null] } }],
    ['alarms.thresholds: "x"', { timeoutSeconds: 60, trigger, alarms: { thresholds: "x" } }],
    ["dashboard.businessMetrics: [null]", { timeoutSeconds: 60, trigger, dashboard: { businessMetrics: [null] } }],
    ["timeoutSeconds: a Symbol", { timeoutSeconds: Symbol("t"), trigger }],
    // Steps are validateSteps' business: here they only must not turn a settings error into a TypeError.
    ["steps that are not a list (with a bad timeout)", { timeoutSeconds: 0, trigger }, "x"],
    [
      "steps holding null and a bad task (with a bad timeout)",
      { timeoutSeconds: 0, trigger },
      [null, { kind: "task", name: "T", timeoutSeconds: Symbol("t") }, { kind: "parallel", name: "P", branches: [null] }],
    ],
  ];

  for (const [label, input] of junkSteps) {
    it(`validateSteps(${label}) names the culprit and the fix`, () => {
      const problems = problemsOf(() => validateSteps(input as Step[]));
      assert.ok(problems.length > 0);
      for (const p of problems) {
        assert.equal(typeof p.step, "string", `step of ${JSON.stringify(p.message)}`);
        assert.notEqual(p.step, "", `a problem names the step as "": ${p.message}`);
        assert.equal(typeof p.message, "string");
        assert.match(p.message, /: /, `no fix in ${JSON.stringify(p.message)}`);
      }
    });
  }

  for (const [label, settings, stepList] of junkSettings) {
    it(`validateSettings(${label}) names the setting and the fix`, () => {
      const problems = problemsOf(() => validateSettings(settings as never, (stepList ?? steps) as Step[], { workflowName: "orders" }));
      assert.ok(problems.length > 0);
      for (const p of problems) {
        assert.equal(typeof p.step, "string");
        assert.notEqual(p.step, "");
        assert.match(p.message, /: /, `no fix in ${JSON.stringify(p.message)}`);
      }
    });
  }

  it("names the step by its position when it has no usable name", () => {
    assertProblem(
      () => validateSteps([{ ...ok("X", { end: true }), name: 42 }] as never),
      "(workflow)[0]",
      /has the name 42, which is not a string/,
    );
    assertProblem(
      () => validateSteps([{ kind: "parallel", name: "P", branches: [[{ kind: "pass", end: true }]], end: true }] as never),
      "P.branches[0][0]",
      /a pass step has no name/,
    );
    assertProblem(() => validateSteps(undefined as never), "(workflow)", /the step list is undefined, not a list: pass an array of steps/);
    assertProblem(
      () => validateSettings({ steps, timeoutSeconds: 60 } as never, steps),
      "(setting trigger)",
      /is missing: say which events start an execution/,
    );
    assertProblem(
      () => validateSettings({ timeoutSeconds: 60, trigger, lambda: 5 } as never, steps),
      "(setting lambda)",
      /is 5: give an object/,
    );
    assertProblem(
      () => validateSettings({ timeoutSeconds: 60, trigger, alerting: { emailEndpoints: "a@b.com" } } as never, steps),
      "(setting alerting.emailEndpoints)",
      /is "a@b\.com", not a list: write \["a@b\.com"\]/,
    );
  });

  it("still checks settings alone (no trigger needed) when they are not the component's whole arguments", () => {
    assert.doesNotThrow(() => validateSettings({ timeoutSeconds: 60 }, steps));
  });
});

describe("workflow settings: every bad value names its key and the valid values", () => {
  const settingsWith =
    (extra: Record<string, unknown>, stepList: Step[] = steps) =>
    () =>
      validateSettings({ timeoutSeconds: 60, ...extra } as never, stepList);
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "an unknown alarm kind",
      { alarms: { thresholds: { "executions-faild": 2 } } },
      "(setting alarms.thresholds.executions-faild)",
      /not a kind of alarm: use one of executions-failed, executions-timed-out/,
    ],
    [
      "an infinite threshold",
      { alarms: { thresholds: { "lambda-errors": Infinity } } },
      "(setting alarms.thresholds.lambda-errors)",
      /is Infinity: use a finite number of occurrences of at least 1/,
    ],
    [
      "a negative threshold",
      { alarms: { thresholds: { "lambda-errors": -1 } } },
      "(setting alarms.thresholds.lambda-errors)",
      /at least 1/,
    ],
    [
      "a NaN threshold",
      { alarms: { thresholds: { "lambda-errors": Number.NaN } } },
      "(setting alarms.thresholds.lambda-errors)",
      /finite number/,
    ],
    [
      'lambda.logLevel "VERBOSE"',
      { lambda: { logLevel: "VERBOSE" } },
      "(setting lambda.logLevel)",
      /"VERBOSE": use one of "DEBUG", "INFO", "WARN", "ERROR"/,
    ],
    ['lambda.minify "yes"', { lambda: { minify: "yes" } }, "(setting lambda.minify)", /"yes": use true .* or false/],
    ['logging.level "VERBOSE"', { logging: { level: "VERBOSE" } }, "(setting logging.level)", /"VERBOSE": use "ALL", "ERROR" or "FATAL"/],
    [
      'a layer ARN "not-an-arn"',
      { lambda: { powertoolsLayerArn: "not-an-arn" } },
      "(setting lambda.powertoolsLayerArn)",
      /not a layer version ARN: give one such as "arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:\d+"/,
    ],
    [
      "a function ARN as the layer",
      { lambda: { powertoolsLayerArn: "arn:aws:lambda:eu-west-1:123456789012:function:f" } },
      "(setting lambda.powertoolsLayerArn)",
      /not a layer version ARN/,
    ],
  ];
  for (const [what, extra, setting, message] of cases) {
    it(`refuses ${what}, naming ${setting}`, () => assertProblem(settingsWith(extra), setting, message));
  }

  it("accepts every alarm kind, a layer version ARN (or an Output of one) and every Lambda log level", () => {
    for (const logLevel of ["DEBUG", "INFO", "WARN", "ERROR"]) {
      assert.doesNotThrow(
        settingsWith({
          alarms: { thresholds: { "executions-failed": 5, "rule-failed-invocations": 1, "dead-letters-visible": 2.5 } },
          lambda: { logLevel, powertoolsLayerArn: "arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:50" },
        }),
      );
    }
    assert.doesNotThrow(settingsWith({ lambda: { powertoolsLayerArn: pulumi.output("arn:aws:lambda:eu-west-1:1:layer:x:1") } }));
  });

  it("refuses a step named __proto__ at any depth: Pulumi drops that key from the Outputs the component keys by step", () => {
    const nested = [parallel("P", { branches: [[ok("__proto__", { end: true })]], end: true })] as Step[];
    assertProblem(settingsWith({}, nested), "__proto__", /Pulumi drops a `__proto__` key.*Rename the step/);
    assert.doesNotThrow(settingsWith({}, [ok("constructor", { end: true })]));
  });

  it("names the workflow's timeoutSeconds, the step that outlasts it and the fix", () => {
    assertProblem(
      settingsWith({ timeoutSeconds: 30 }, [ok("Fulfil", { timeoutSeconds: 60, end: true })]),
      "(setting timeoutSeconds)",
      /is 30, shorter than step "Fulfil"'s timeoutSeconds 60: lengthen the workflow's `timeoutSeconds` to at least 60/,
    );
  });
});
