/**
 * The traffic mix of `edw-local capacity`: which share of events takes which path (`--mix happy=90,email-fails=10`),
 * and the usage of the average event under it (pure).
 */
import { closestName } from "event-driven-workflow/core";
import { RunnerInputError } from "../input/eventInput";
import { type EventUsage, noUsage, type PathUsage } from "./usage";

/**
 * Parses `--mix path=weight,...` against the measured paths (their labels, e.g. the event file's name without
 * `.json`). Weights are relative (90,10 = 9,1).
 *
 * @throws RunnerInputError for a malformed entry, an unknown path (suggesting the closest) or weights that sum to 0.
 * @example
 * parseMix("happy=90,email-fails=10", ["happy", "email-fails", "validation-error"]); // { happy: 90, "email-fails": 10 }
 */
export function parseMix(text: string, labels: readonly string[]): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const entry of text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^(.+)=([^=]+)$/.exec(entry);
    const weight = match ? Number(match[2]) : Number.NaN;
    if (!match || !Number.isFinite(weight) || weight < 0)
      throw new RunnerInputError(`--mix "${entry}": use path=weight with a weight of 0 or more, e.g. --mix happy=90,email-fails=10.`);
    const path = match[1].trim();
    if (!labels.includes(path)) {
      const closest = closestName(path, labels);
      throw new RunnerInputError(
        `--mix: no sample path is named "${path}"${closest ? `; did you mean "${closest}"?` : "."} The paths: ${labels.join(", ")}.`,
      );
    }
    weights[path] = (weights[path] ?? 0) + weight;
  }
  if (Object.values(weights).reduce((a, b) => a + b, 0) <= 0)
    throw new RunnerInputError(`--mix "${text}": the weights sum to 0; give at least one path a positive weight.`);
  return weights;
}

/** The default mix: every path whose executions all succeeded, equally (every path when none did). */
export function defaultMix(paths: readonly PathUsage[]): Record<string, number> {
  const succeeded = paths.filter((p) => p.status === "SUCCEEDED");
  return Object.fromEntries((succeeded.length > 0 ? succeeded : paths).map((p) => [p.label, 1]));
}

/**
 * The usage of the average event: each path's usage weighted by its share of `weights`.
 *
 * @example
 * mixUsage(paths, { happy: 9, "email-fails": 1 }).stateTransitions; // 0.9 × happy's + 0.1 × email-fails'
 */
export function mixUsage(paths: readonly PathUsage[], weights: Readonly<Record<string, number>>): EventUsage {
  const total = paths.reduce((sum, p) => sum + (weights[p.label] ?? 0), 0);
  const mixed = noUsage();
  for (const path of paths) {
    const share = (weights[path.label] ?? 0) / total;
    if (!(share > 0)) continue;
    for (const key of [
      "executions",
      "stateTransitions",
      "executionSeconds",
      "putEvents",
      "snsPublishes",
      "sqsSends",
      "kmsRequests",
      "standardUsd",
      "expressUsd",
    ] as const)
      mixed[key] += share * path[key];
    for (const [state, n] of Object.entries(path.retryTransitions))
      mixed.retryTransitions[state] = (mixed.retryTransitions[state] ?? 0) + share * n;
    for (const [state, { count, seconds }] of Object.entries(path.invocations)) {
      const entry = (mixed.invocations[state] ??= { count: 0, seconds: 0 });
      entry.count += share * count;
      entry.seconds += share * seconds;
    }
    for (const [table, { readUnits, writeUnits }] of Object.entries(path.dynamoDb)) {
      const entry = (mixed.dynamoDb[table] ??= { readUnits: 0, writeUnits: 0 });
      entry.readUnits += share * readUnits;
      entry.writeUnits += share * writeUnits;
    }
  }
  return mixed;
}
