/**
 * The shape every bench measurement returns, and the arithmetic they share (spread, ratio, table).
 * Nothing here asserts: a missed target is reported as missed, never failed on.
 */

/** min, median and max of a measure over repeated samples. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** One figure: ours (min/median/max), the baseline it is compared with, the ratio, the target and whether it is met. */
export interface BenchRow {
  measure: string;
  /** e.g. "ms", "s", "B", "MB", "executions/s", "events/s", "USD". */
  unit: string;
  ours: Spread;
  /** What ours is compared with (a floor or a hand-written equivalent, measured in the same run), when there is one. */
  baseline?: number;
  /** How ours compares with the baseline, in the direction stated by `ratioMeaning` (>1 = ours is slower/bigger). */
  ratio?: number;
  /** The target, in words. */
  target?: string;
  met?: boolean;
  /** What limits a missed target, said plainly. */
  note?: string;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** How many times slower ours is, for rates (higher is better): baseline / ours. */
export const slowdownOfRate = (ours: number, baseline: number) => baseline / ours;

function figure(value: number, unit: string): string {
  if (unit === "B") return `${Math.round(value).toLocaleString("en")} B`;
  if (unit === "USD") return `$${value.toPrecision(3)}`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

/** The rows as a Markdown table, then each missed target in a plain sentence with what limits it. */
export function formatRows(rows: readonly BenchRow[]): string {
  const lines = ["| measure | min | median | max | baseline | ratio | target | met |", "|---|---|---|---|---|---|---|---|"];
  for (const row of rows) {
    lines.push(
      `| ${row.measure} | ${figure(row.ours.min, row.unit)} | ${figure(row.ours.median, row.unit)} | ${figure(row.ours.max, row.unit)} | ` +
        `${row.baseline === undefined ? "" : figure(row.baseline, row.unit)} | ${row.ratio === undefined ? "" : `${row.ratio.toFixed(2)}x`} | ` +
        `${row.target ?? ""} | ${row.met === undefined ? "" : row.met ? "yes" : "**no**"} |`,
    );
  }
  const missed = rows.filter((r) => r.met === false);
  lines.push("", missed.length === 0 ? "Every target met." : `Targets MISSED (${missed.length}):`);
  for (const row of missed)
    lines.push(`- ${row.measure}: ${figure(row.ours.median, row.unit)}, target ${row.target}.${row.note ? ` ${row.note}` : ""}`);
  return lines.join("\n");
}
