/** The JSONPath grammar AWS accepts in InputPath, ResultPath, OutputPath, ItemsPath and comparison variables. */

/**
 * One segment of a JSONPath in dot notation: what AWS's path grammar (asl-path-validator) takes as a name, minus the
 * characters that mean something else there (wildcards, filters, slices, variables).
 */
const PATH_NAME = String.raw`[^\s.\[\]()'",\\<>!=*@$?:]+`;
const PATH_SEGMENTS = String.raw`(?:\.${PATH_NAME}|\[\d+\]|\['[^'\\]*'\])*`;
/** A reference path: `$` then names and indices, e.g. `$.detail['order-id'].items[0]`; no wildcards or filters. */
const REFERENCE_PATH = new RegExp(`^\\$${PATH_SEGMENTS}$`);
/** A reference path into the state input or, with `$$`, the Context Object (`$$.Execution.Id`). */
const INPUT_OR_CONTEXT_PATH = new RegExp(`^\\$\\$?${PATH_SEGMENTS}$`);
export const isPath = (value: unknown): boolean => typeof value === "string" && INPUT_OR_CONTEXT_PATH.test(value);
/** ResultPath (of a state or a catch) writes into the state input: the Context Object is read-only. */
export const isResultPath = (value: unknown): boolean => typeof value === "string" && REFERENCE_PATH.test(value);
export const PATH_HINT =
  'a JSONPath must start with "$" and continue with `.name`, `[index]` or `[\'name with spaces\']` parts (e.g. "$.detail.items[0]"), without spaces, wildcards or filters';
