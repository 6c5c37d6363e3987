/**
 * An account's own quota values (`edw-local capacity --quotas <file>`): a JSON object from quota id to the raised
 * value, `{ "lambda.concurrentExecutions": 5000 }` or, for a token bucket, `{ "limit": 1000, "bucket": 5000 }`.
 * Validated whole before use: a malformed file is a usage error naming the key and the fix.
 */
import { closestName } from "event-driven-workflow/core";
import { RunnerInputError } from "../input/eventInput";
import { DEFAULT_QUOTAS, type QuotaValue } from "./quotas";

/**
 * Parses the text of a quota file named `source`.
 *
 * @throws RunnerInputError for invalid JSON, a key that names no quota (suggesting the closest), or a value that is
 * not a positive number or `{ limit, bucket? }` of positive numbers.
 * @example
 * parseQuotaFile('{ "lambda.concurrentExecutions": 5000 }', "quotas.json"); // { "lambda.concurrentExecutions": { limit: 5000 } }
 */
export function parseQuotaFile(text: string, source: string): Record<string, QuotaValue> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RunnerInputError(`${source}: invalid JSON (${(error as Error).message}); a quota file is an object from quota id to value.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new RunnerInputError(`${source}: expected an object from quota id to value, e.g. { "lambda.concurrentExecutions": 5000 }.`);
  const ids = DEFAULT_QUOTAS.map((q) => q.id);
  const positive = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value > 0;
  return Object.fromEntries(
    Object.entries(parsed).map(([key, value]): [string, QuotaValue] => {
      if (!ids.includes(key)) {
        const closest = closestName(key, ids);
        throw new RunnerInputError(
          `${source}: "${key}" is not a quota id${closest ? `; did you mean "${closest}"?` : "."} The ids: ${ids.join(", ")}.`,
        );
      }
      if (positive(value)) return [key, { limit: value as number }];
      const v = (typeof value === "object" && value !== null && !Array.isArray(value) ? value : {}) as {
        limit?: unknown;
        bucket?: unknown;
      };
      const onlyKnownFields = Object.keys(v).every((f) => f === "limit" || f === "bucket");
      if (positive(v.limit) && (v.bucket === undefined || positive(v.bucket)) && onlyKnownFields)
        return [key, { limit: v.limit as number, ...(v.bucket !== undefined ? { bucket: v.bucket as number } : {}) }];
      throw new RunnerInputError(
        `${source}: "${key}" is ${JSON.stringify(value)}: give a positive number, or { "limit": <per second>, "bucket": <burst> } of positive numbers.`,
      );
    }),
  );
}
