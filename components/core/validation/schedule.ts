/**
 * The schedule trigger's checks, as EventBridge Scheduler makes them: `rate(value unit)`, six-field `cron(...)` with
 * the `?` rule for day-of-month and day-of-week, one-time `at(yyyy-mm-ddThh:mm:ss)`, an IANA time zone and an input
 * Scheduler accepts. A bad expression fails here, naming the field and the fix, not at `pulumi up`.
 */
import { closestName, describeValue, isDeferredValue, isObject } from "./values";

/** The largest target input Scheduler takes (its `Input` field), in characters. */
export const SCHEDULE_INPUT_MAX_CHARS = 8192;

const RATE_UNITS = ["minute", "hour", "day"] as const;

/** One cron field: its name, its range and the special characters AWS allows in it. */
interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  specials: string;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59, specials: ", - * /" },
  { name: "hours", min: 0, max: 23, specials: ", - * /" },
  { name: "day-of-month", min: 1, max: 31, specials: ", - * ? / L W" },
  { name: "month", min: 1, max: 12, names: MONTHS, specials: ", - * /" },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, specials: ", - * ? L #" },
  { name: "year", min: 1970, max: 2199, specials: ", - * /" },
];

/**
 * What is wrong with a schedule expression, or an empty list. Follows EventBridge Scheduler's rules: a rate's unit is
 * singular for 1 and plural above; a cron has six fields (minutes hours day-of-month month day-of-week year) and
 * exactly one of day-of-month and day-of-week is `?`; an `at` is a real local date and time, to the second.
 *
 * @example
 * scheduleExpressionProblems("rate(1 hours)") // ['`rate(1 hours)`: a rate of 1 takes the singular unit: rate(1 hour).']
 */
export function scheduleExpressionProblems(expression: unknown): string[] {
  if (typeof expression !== "string")
    return [`is ${describeValue(expression)}: give "rate(5 minutes)", "cron(0 9 ? * MON-FRI *)" or "at(2027-01-31T09:00:00)".`];
  const match = /^(rate|cron|at)\((.*)\)$/s.exec(expression.trim());
  if (!match)
    return [
      `\`${expression}\` is not a Scheduler expression: write rate(value unit) (e.g. "rate(5 minutes)"), cron(minutes hours day-of-month month day-of-week year) (e.g. "cron(0 9 ? * MON-FRI *)") or at(yyyy-mm-ddThh:mm:ss) (e.g. "at(2027-01-31T09:00:00)").`,
    ];
  const [, kind, body] = match;
  const problems = kind === "rate" ? rateProblems(body) : kind === "cron" ? cronProblems(body) : atProblems(body);
  return problems.map((p) => `\`${expression}\`: ${p}`);
}

function rateProblems(body: string): string[] {
  const parts = body.trim().split(/\s+/);
  const [value, unit] = parts;
  if (parts.length !== 2 || !/^\d+$/.test(value)) return ["a rate is a whole number and a unit, e.g. rate(5 minutes) or rate(1 day)."];
  const count = Number(value);
  if (count < 1) return ["a rate must be at least 1, e.g. rate(1 minute)."];
  const singular = unit.replace(/s$/, "") as (typeof RATE_UNITS)[number];
  if (!RATE_UNITS.includes(singular)) return [`\`${unit}\` is not a rate unit: use minute(s), hour(s) or day(s).`];
  if (count === 1 && unit !== singular) return [`a rate of 1 takes the singular unit: rate(1 ${singular}).`];
  if (count > 1 && unit === singular) return [`a rate above 1 takes the plural unit: rate(${count} ${singular}s).`];
  return [];
}

function cronProblems(body: string): string[] {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length)
    return [
      `a cron has ${CRON_FIELDS.length} fields (${CRON_FIELDS.map((f) => f.name).join(" ")}), this one has ${fields.length}: e.g. cron(0 9 ? * MON-FRI *).`,
    ];
  const problems = fields.flatMap((value, i) => cronFieldProblems(value, CRON_FIELDS[i]));
  const [dayOfMonth, dayOfWeek] = [fields[2], fields[4]];
  if ((dayOfMonth === "?") === (dayOfWeek === "?"))
    problems.push(
      `exactly one of day-of-month (${dayOfMonth}) and day-of-week (${dayOfWeek}) must be \`?\`: give a value or * in one and ? in the other, e.g. cron(0 9 ? * MON *) or cron(0 9 1 * ? *).`,
    );
  return problems;
}

/** One field's problems: each comma-separated item a value, a range, `*`, a step or a special AWS allows there. */
function cronFieldProblems(value: string, field: CronField): string[] {
  const bad = (why: string) => [
    `the ${field.name} field \`${value}\` ${why} (${field.name} takes ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ""} and ${field.specials}).`,
  ];
  if (value === "?") return field.specials.includes("?") ? [] : bad("cannot be ?");
  const number = (text: string): number | undefined => {
    const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
    if (named >= 0) return named + field.min;
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  const inRange = (text: string) => {
    const n = number(text);
    return n !== undefined && n >= field.min && n <= field.max;
  };
  for (const item of value.split(",")) {
    if (item === "") return bad("has an empty item");
    if (item === "*" || (item === "L" && field.specials.includes("L"))) continue;
    if (field.specials.includes("W") && /^(\d+W|LW)$/.test(item) && (item === "LW" || inRange(item.slice(0, -1)))) continue;
    if (field.specials.includes("#")) {
      const nth = /^(\w+)#(\d)$/.exec(item);
      if (nth) {
        if (inRange(nth[1]) && Number(nth[2]) >= 1 && Number(nth[2]) <= 5) continue;
        return bad(`has \`${item}\`: day#n takes a day of the week and an n from 1 to 5`);
      }
      if (/^\w+L$/.test(item) && inRange(item.slice(0, -1))) continue;
    }
    const [range, step, ...extra] = item.split("/");
    if (extra.length > 0 || (step !== undefined && !field.specials.includes("/"))) return bad(`has \`${item}\`, which is not allowed here`);
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1))
      return bad(`has the increment \`${step}\`: give a whole number of at least 1`);
    if (range === "*" && step !== undefined) continue;
    const ends = range.split("-");
    if (ends.length > 2 || !ends.every(inRange)) return bad(`has \`${item}\`, out of range or not a value`);
  }
  return [];
}

function atProblems(body: string): string[] {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
  const fix = "write at(yyyy-mm-ddThh:mm:ss), e.g. at(2027-01-31T09:00:00), in the schedule's time zone";
  if (!match) return [`a one-time schedule is a date and time to the second: ${fix}.`];
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return real ? [] : [`${body.trim()} is not a real date and time: ${fix}.`];
}

/** The IANA time zone names this Node knows (as Scheduler takes them), "UTC" included. */
function timeZoneNames(): string[] {
  const names = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  return names.includes("UTC") ? names : [...names, "UTC"];
}

/**
 * What is wrong with a schedule's `timezone`: it must be an IANA name (`Europe/Paris`, `America/New_York`, `UTC`).
 * Names Node accepts without listing them (aliases such as `Asia/Calcutta`, `Etc/GMT+5`) pass; abbreviations and
 * offsets (`EST`, `+01:00`) do not.
 *
 * @example
 * timeZoneProblems("Europe/Pariss") // ['`Europe/Pariss` is not an IANA time zone name: did you mean "Europe/Paris"? ...']
 */
export function timeZoneProblems(timezone: unknown): string[] {
  if (typeof timezone !== "string") return [`is ${describeValue(timezone)}: give an IANA time zone name such as "Europe/Paris".`];
  const names = timeZoneNames();
  if (names.includes(timezone)) return [];
  if (/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(timezone)) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: timezone });
      return [];
    } catch {
      // not a zone this Node knows: reported below
    }
  }
  const closest = closestName(timezone, names);
  return [
    `\`${timezone}\` is not an IANA time zone name${closest ? `: did you mean "${closest}"?` : "."} Use a name such as "Europe/Paris", "America/New_York" or "UTC" (abbreviations and offsets are refused).`,
  ];
}

/**
 * The problems of a whole `trigger.schedule`, keyed by setting (`trigger.schedule.expression`, ...). Pulumi Outputs
 * (resolved at deployment) are skipped.
 *
 * @example
 * scheduleProblems({ expression: "rate(5 minutes)", timezone: "Europe/Paris", input: { report: "daily" } }) // []
 */
export function scheduleProblems(schedule: unknown): { setting: string; message: string }[] {
  const at = (setting: string) => (message: string) => ({ setting: `trigger.schedule${setting}`, message });
  if (!isObject(schedule) || isDeferredValue(schedule))
    return [at("")(`is ${describeValue(schedule)}: give an object such as { expression: "rate(1 day)" }.`)];
  const { expression, timezone, input, ...rest } = schedule;
  const problems = isDeferredValue(expression) ? [] : scheduleExpressionProblems(expression).map(at(".expression"));
  if (timezone !== undefined && !isDeferredValue(timezone)) problems.push(...timeZoneProblems(timezone).map(at(".timezone")));
  if (input !== undefined && !isDeferredValue(input)) {
    let text: string | undefined;
    try {
      text = JSON.stringify(input);
    } catch (error) {
      problems.push(at(".input")(`cannot be serialized to JSON (${(error as Error).message}): give plain data.`));
    }
    if (text !== undefined && text.length > SCHEDULE_INPUT_MAX_CHARS)
      problems.push(
        at(".input")(
          `is ${text.length} characters of JSON; Scheduler takes at most ${SCHEDULE_INPUT_MAX_CHARS}: pass a key the first step looks up instead.`,
        ),
      );
  }
  for (const key of Object.keys(rest)) problems.push(at(`.${key}`)(`is not a schedule setting: use expression, timezone or input.`));
  return problems;
}
