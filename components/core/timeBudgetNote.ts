/**
 * The time budget's notes: declarations ASL has no field for (how many items a Map is given, the longest wait read
 * from the execution, an acknowledged overrun), carried in a state's or the definition's `Comment`. The compiler
 * writes them and the budget reads them, so a deployed definition (and a hand-written one) brings them to the
 * policy pack. Apart from timeBudget.ts because the compiler writes them.
 */

/** Declarations a state's `Comment` can carry for the budget, where ASL has no field for them. */
export interface TimeBudgetNote {
  /** A Map: the most items it is ever given. */
  maxItems?: number;
  /** A Wait with `SecondsPath`/`TimestampPath`/a JSONata duration, or a Task with `TimeoutSecondsPath`: the longest single wait or attempt. */
  maxSeconds?: number;
  /** On the definition: the reason a known overrun of the execution timeout is accepted. */
  acknowledged?: string;
}

const NOTE = /\[time budget: ([^\]]*)\]/;

/**
 * Reads the budget note of a `Comment`: `[time budget: maxItems=10]`, `[time budget: maxSeconds=3600]` or
 * `[time budget: acknowledged=<reason>]` anywhere in the text.
 *
 * @example
 * timeBudgetNote("Scan each document [time budget: maxItems=20]") // { maxItems: 20 }
 */
export function timeBudgetNote(comment: unknown): TimeBudgetNote {
  const match = typeof comment === "string" ? NOTE.exec(comment) : null;
  if (!match) return {};
  const note: TimeBudgetNote = {};
  const [key, ...rest] = match[1].split("=");
  const value = rest.join("=").trim();
  if (key.trim() === "acknowledged" && value) note.acknowledged = value;
  else if ((key.trim() === "maxItems" || key.trim() === "maxSeconds") && /^\d+$/.test(value))
    note[key.trim() as "maxItems" | "maxSeconds"] = Number(value);
  return note;
}

/** The `Comment` text that carries `note` (one declaration per comment). @example formatTimeBudgetNote({ maxItems: 20 }) // "[time budget: maxItems=20]" */
export function formatTimeBudgetNote(note: TimeBudgetNote): string {
  if (note.acknowledged !== undefined) return `[time budget: acknowledged=${note.acknowledged.replace(/[[\]\n]/g, " ").trim()}]`;
  if (note.maxItems !== undefined) return `[time budget: maxItems=${note.maxItems}]`;
  return `[time budget: maxSeconds=${note.maxSeconds}]`;
}
