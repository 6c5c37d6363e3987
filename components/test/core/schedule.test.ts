/**
 * The schedule trigger's validation (core/validation/schedule.ts, through validateSettings): EventBridge Scheduler's
 * rules for rate, cron and at expressions, IANA time zones and the input, and the exclusivity with an event pattern.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { validateSettings } from "../../core/settings";
import { scheduleExpressionProblems, scheduleProblems, timeZoneProblems } from "../../core/validation/schedule";
import { WorkflowDefinitionError } from "../../core/validate";

const problemsOf = (expression: string) => scheduleExpressionProblems(expression).join(" ");

/**
 * A cron field Scheduler accepts: a value, a range, a list, `*`, or (except in day-of-week, per AWS's table) a start
 * with an increment, in `min`-`max`.
 */
const cronField = (min: number, max: number, increments = true) => {
  const value = fc.integer({ min, max });
  return fc.oneof(
    fc.constant("*"),
    value.map(String),
    fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.array(value, { minLength: 2, maxLength: 4 }).map((values) => values.join(",")),
    fc.tuple(value, fc.integer({ min: 1, max: 30 })).map(([start, step]) => (increments ? `${start}/${step}` : String(start))),
  );
};
/** Six-field crons with `?` in exactly one of the day fields, as AWS's syntax allows. */
const validCron = fc
  .tuple(
    cronField(0, 59),
    cronField(0, 23),
    cronField(1, 31),
    cronField(1, 12),
    cronField(1, 7, false),
    cronField(1970, 2199),
    fc.boolean(),
  )
  .map(
    ([minutes, hours, dom, month, dow, year, questionInDom]) =>
      `cron(${minutes} ${hours} ${questionInDom ? "?" : dom} ${month} ${questionInDom ? dow : "?"} ${year})`,
  );

describe("schedule trigger validation", () => {
  it("accepts the expressions Scheduler documents", () => {
    for (const expression of [
      "rate(1 minute)",
      "rate(5 minutes)",
      "rate(1 hour)",
      "rate(12 hours)",
      "rate(1 day)",
      "rate(7 days)",
      "cron(0 10 * * ? *)",
      "cron(15 12 * * ? *)",
      "cron(0 18 ? * MON-FRI *)",
      "cron(0 8 1 * ? *)",
      "cron(0/15 * * * ? *)",
      "cron(0/10 * ? * MON-FRI *)",
      "cron(0/5 8-17 ? * MON-FRI *)",
      "cron(0 9 ? * 2#1 *)",
      "cron(0 9 L * ? *)",
      "cron(0 9 15W * ? *)",
      "cron(0 9 ? * 6L 2027)",
      "cron(30 4 1,15 JAN,JUL ? 2026-2030)",
      "at(2027-01-31T09:00:00)",
      "at(2028-02-29T23:59:59)",
    ])
      assert.deepEqual(scheduleExpressionProblems(expression), [], expression);
  });

  it("refuses a rate whose unit does not agree with its value, or that is not a whole number of a known unit", () => {
    assert.match(problemsOf("rate(1 hours)"), /a rate of 1 takes the singular unit: rate\(1 hour\)/);
    assert.match(problemsOf("rate(5 minute)"), /a rate above 1 takes the plural unit: rate\(5 minutes\)/);
    assert.match(problemsOf("rate(0 minutes)"), /at least 1/);
    assert.match(problemsOf("rate(2 weeks)"), /`weeks` is not a rate unit: use minute\(s\), hour\(s\) or day\(s\)/);
    assert.match(problemsOf("rate(1.5 hours)"), /a whole number and a unit/);
    assert.match(problemsOf("rate(hourly)"), /a whole number and a unit/);
  });

  it("refuses a cron without six fields, with ? in neither or both day fields, or with a value out of range", () => {
    assert.match(problemsOf("cron(0 9 * * *)"), /a cron has 6 fields .*this one has 5/);
    assert.match(problemsOf("cron(0 9 * * MON *)"), /exactly one of day-of-month \(\*\) and day-of-week \(MON\) must be `\?`/);
    assert.match(problemsOf("cron(0 9 ? * ? *)"), /exactly one of day-of-month/);
    assert.match(problemsOf("cron(60 9 ? * MON *)"), /the minutes field `60` has `60`, out of range/);
    assert.match(problemsOf("cron(0 24 ? * MON *)"), /the hours field `24`/);
    assert.match(problemsOf("cron(0 9 ? FOO MON *)"), /the month field `FOO`/);
    assert.match(problemsOf("cron(0 9 ? * MON#6 *)"), /day#n takes a day of the week and an n from 1 to 5/);
    assert.match(problemsOf("cron(0 9 ? * MON 1969)"), /the year field `1969`/);
    assert.match(problemsOf("cron(0 9 1W ? * MON *)"), /this one has 7/);
    assert.match(problemsOf("cron(0 ? * * ? *)"), /the hours field `\?` cannot be \?/);
    assert.match(problemsOf("cron(0 9 L ? * *)"), /exactly one of day-of-month/);
  });

  it("accepts every generated six-field cron and rate AWS accepts, and refuses each with one field out of range", () => {
    fc.assert(fc.property(validCron, (cron) => assert.deepEqual(scheduleExpressionProblems(cron), [], cron)));
    const ranges: [number, number][] = [
      [0, 59],
      [0, 23],
      [1, 31],
      [1, 12],
      [1, 7],
      [1970, 2199],
    ];
    fc.assert(
      fc.property(validCron, fc.integer({ min: 0, max: 5 }), fc.boolean(), (cron, field, above) => {
        const fields = cron.slice(5, -1).split(" ");
        if (fields[field] === "?") return;
        fields[field] = String(above ? ranges[field][1] + 1 : ranges[field][0] - 1);
        const broken = `cron(${fields.join(" ")})`;
        assert.notDeepEqual(scheduleExpressionProblems(broken), [], broken);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom("minute", "hour", "day"), (count, unit) => {
        const right = `rate(${count} ${count === 1 ? unit : `${unit}s`})`;
        const wrong = `rate(${count} ${count === 1 ? `${unit}s` : unit})`;
        assert.deepEqual(scheduleExpressionProblems(right), [], right);
        assert.notDeepEqual(scheduleExpressionProblems(wrong), [], wrong);
      }),
    );
  });

  it("refuses an at that is not a real date and time to the second", () => {
    assert.match(problemsOf("at(2027-02-30T09:00:00)"), /2027-02-30T09:00:00 is not a real date and time/);
    assert.match(problemsOf("at(2027-01-31 09:00)"), /a one-time schedule is a date and time to the second/);
    assert.match(problemsOf("at(2027-01-31T24:00:00)"), /not a real date and time/);
  });

  it("refuses what is not a Scheduler expression at all, naming the three forms", () => {
    assert.match(problemsOf("every 5 minutes"), /is not a Scheduler expression: write rate\(value unit\).*cron\(.*at\(/);
    assert.match(scheduleExpressionProblems(5).join(), /is 5 \(a number\)|is 5/);
  });

  it("takes IANA time zones and suggests the nearest name for a misspelt one", () => {
    for (const zone of ["Europe/Paris", "America/New_York", "UTC", "Asia/Kolkata", "Asia/Calcutta"])
      assert.deepEqual(timeZoneProblems(zone), [], zone);
    assert.match(
      timeZoneProblems("Europe/Pariss").join(),
      /`Europe\/Pariss` is not an IANA time zone name: did you mean "Europe\/Paris"\?/,
    );
    assert.match(timeZoneProblems("EST").join(), /abbreviations and offsets are refused/);
    assert.match(timeZoneProblems("+01:00").join(), /is not an IANA time zone name/);
  });

  it("checks the input's size and the schedule's keys", () => {
    const big = { blob: "x".repeat(8200) };
    assert.match(
      scheduleProblems({ expression: "rate(1 day)", input: big })
        .map((p) => p.message)
        .join(),
      /Scheduler takes at most 8192/,
    );
    assert.deepEqual(
      scheduleProblems({ expression: "rate(1 day)", timezon: "UTC" }).map((p) => p.setting),
      ["trigger.schedule.timezon"],
    );
  });

  it("through validateSettings: names each setting, and refuses a schedule beside a pattern", () => {
    const refused = (trigger: unknown) => {
      try {
        validateSettings({ timeoutSeconds: 60, trigger } as never);
      } catch (error) {
        assert.ok(error instanceof WorkflowDefinitionError);
        return error.message;
      }
      assert.fail("accepted");
    };
    validateSettings({ timeoutSeconds: 60, trigger: { schedule: { expression: "rate(1 day)", timezone: "Europe/Paris" } } });
    assert.match(refused({ schedule: { expression: "rate(1 days)" } }), /\(setting trigger\.schedule\.expression\)[\s\S]*rate\(1 day\)/);
    assert.match(refused({ schedule: { expression: "rate(1 day)", timezone: "Paris" } }), /\(setting trigger\.schedule\.timezone\)/);
    assert.match(
      refused({ schedule: { expression: "rate(1 day)" }, pattern: { source: ["a"] } }),
      /has both a schedule and an event pattern \(or bus\): a workflow starts on one or the other/,
    );
    assert.match(refused({ schedule: { expression: "rate(1 day)" }, eventBusName: "orders" }), /has both a schedule and an event pattern/);
    assert.match(
      refused({ schedule: "rate(1 day)" }),
      /\(setting trigger\.schedule\)[\s\S]*give an object such as \{ expression: "rate\(1 day\)" \}/,
    );
  });
});
