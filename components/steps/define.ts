/**
 * The identities of the typed form: they return what they are given, and exist for what `tsc` checks on the way.
 */
import type { EventTrigger } from "../args";
import type { CheckedSteps, TypedDetail } from "./typing";
import type { Step } from "./types";

/**
 * A step list held apart from the workflow (in a `const`, returned by a function), checked where it is written: each
 * `next`, catch and Choice target names a step of its scope, and what flows into a task satisfies its handler's input
 * (see {@link CheckedSteps}). Returns the list unchanged, with its types kept for the workflow's own check. A readonly
 * list (`[...] as const`) is accepted too.
 *
 * @example
 * export const claimSteps = defineSteps([
 *   task("Assess", { handler: async (claim: Claim) => assess(claim), timeoutSeconds: 10, next: "Announce" }),
 *   publishEvent("Announce", { source: "claims.workflow", detailType: "Claim Assessed", end: true }),
 * ]);
 */
export function defineSteps<const S extends readonly Step[]>(steps: CheckedSteps<S>): Writable<S> {
  return steps as Writable<S>;
}

/** The list as a mutable tuple, whether written as a literal or `as const`: it fits a Parallel's branches or a Map. */
type Writable<S extends readonly Step[]> = { -readonly [K in keyof S]: S[K] };

/**
 * Types the `detail` of a trigger's events, so that the first step's input is checked against
 * `EventBridgeEvent<DetailType, Detail>` (`DetailType` from the pattern's literal `"detail-type"`). Called twice,
 * `eventTrigger<Detail>()(trigger)`, because TypeScript cannot take `Detail` explicitly and infer the pattern at once.
 * Without it the first step's `detail` is not checked (`any`).
 *
 * @default the trigger as written, `detail` untyped
 * @example
 * trigger: eventTrigger<OrderDetail>()({ pattern: { source: ["order.service"], "detail-type": ["Order Placed"] } }),
 */
export function eventTrigger<Detail>(): <const T extends EventTrigger>(trigger: T) => T & TypedDetail<Detail> {
  return (trigger) => trigger;
}
