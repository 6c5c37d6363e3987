/**
 * Runs a Distributed Map's ItemReader, ItemBatcher and ResultWriter locally, which aws-local-stepfunctions does not:
 * the definition is rewritten so that a task state "<Map> (S3 stand-in read)" before the Map reads and batches the
 * items (from the local S3 STAND-IN, a simulation) into the run's Context Object, the Map iterates over them there,
 * and, with a ResultWriter, "<Map> (S3 stand-in write)" writes the results to the stand-in and a Pass state
 * "<Map> (S3 stand-in result)" gives the Map's output as AWS does (`{ MapRunArn, ResultWriterDetails }`, through the
 * Map's ResultSelector, ResultPath and OutputPath). The extra states appear in the run's path: the run says so.
 */
import type { AslDefinition } from "event-driven-workflow/asl";
import { RunnerInputError } from "../input/eventInput";
import { batchItems, missingStandInMessage, readItems, type S3StandIns, writeResults } from "../simulators/s3StandIn";

type Json = any;
type States = Record<string, Json>;

/** Where the reads keep their items in the Context Object during a run (`$$.EdwS3StandIn.<map>`). */
export const STAND_IN_CONTEXT_KEY = "EdwS3StandIn";

/** The per-run state of the rewritten Maps: their items, raw input and written results, by map key. */
export type MapIoStore = Record<string, { items?: Json[]; inputs?: Json[]; rawInput?: Json; details?: Json }>;

/** One rewritten Map: its name and the handlers of its stand-in states, built per run over that run's store. */
interface RewrittenMap {
  map: string;
  buckets: string[];
  handlers: (store: MapIoStore, executionName: string) => Record<string, (input: Json) => Json>;
}

/** The rewritten definition and how to run its stand-in states. */
export interface MapIoRewrite {
  definition: AslDefinition;
  maps: RewrittenMap[];
}

/** A JSONPath of the Map's effective input, rebased onto its raw input (the read state runs without the InputPath). */
function rebase(path: string, inputPath: unknown): string {
  if (typeof inputPath !== "string" || inputPath === "$") return path;
  if (path === "$") return inputPath;
  return path.startsWith("$.") || path.startsWith("$[") ? inputPath + path.slice(1) : path;
}

/** A payload template's paths rebased (keys ending in `.$`, at any depth). */
function rebaseTemplate(template: Json, inputPath: unknown): Json {
  if (template === null || typeof template !== "object" || Array.isArray(template)) return template;
  return Object.fromEntries(
    Object.entries(template).map(([k, v]) => [
      k,
      k.endsWith(".$") && typeof v === "string" ? rebase(v, inputPath) : rebaseTemplate(v, inputPath),
    ]),
  );
}

/**
 * Rewrites every Map with an ItemReader, ItemBatcher or ResultWriter (at any depth) for the local run, and refuses,
 * naming the Map and the fix, what cannot run locally: a literal bucket without a stand-in.
 */
export function rewriteMapIo(definition: AslDefinition, standIns: S3StandIns): MapIoRewrite {
  // Most definitions have none of these: they run as they are, uncopied.
  if (!/"(ItemReader|ItemBatcher|ResultWriter)"/.test(JSON.stringify(definition))) return { definition, maps: [] };
  const copy: AslDefinition = structuredClone(definition);
  const maps: RewrittenMap[] = [];
  const visit = (scope: { StartAt: string; States: States }) => {
    for (const [name, state] of Object.entries(scope.States)) {
      if (state.Type === "Parallel") for (const branch of state.Branches ?? []) visit(branch);
      if (state.Type !== "Map") continue;
      visit(state.ItemProcessor ?? state.Iterator);
      if (!state.ItemReader && !state.ItemBatcher && !state.ResultWriter) continue;
      maps.push(rewriteMap(scope, name, state, `m${maps.length}`, standIns));
    }
  };
  visit(copy as never);
  return { definition: copy, maps };
}

function rewriteMap(
  scope: { StartAt: string; States: States },
  name: string,
  state: Json,
  key: string,
  standIns: S3StandIns,
): RewrittenMap {
  const states = scope.States;
  const { ItemReader: reader, ItemBatcher: batcher, ResultWriter: writer } = state;
  if (batcher && state.ItemSelector)
    throw new Error(
      `Map "${name}" has both an ItemSelector and an ItemBatcher: the local runner does not simulate that combination yet; run it on AWS, or build each batch's input in the first step.`,
    );
  const buckets = [reader?.Parameters?.Bucket, writer?.Parameters?.Bucket].filter((b): b is string => typeof b === "string");
  // A bucket named in the definition is checked before the run: a usage error, as a missing --secret is.
  for (const bucket of buckets) if (!Object.hasOwn(standIns, bucket)) throw new RunnerInputError(missingStandInMessage(name, bucket));
  const readState = `${name} (S3 stand-in read)`;
  const writeState = `${name} (S3 stand-in write)`;
  const resultState = `${name} (S3 stand-in result)`;
  const { InputPath: inputPath, Catch: catches } = state;
  // The read state takes the Map's raw input, so its paths are rebased; it passes that input on unchanged.
  states[readState] = {
    Type: "Task",
    Resource: reader?.Resource ?? "arn:aws:states:::s3:getObject",
    Parameters: {
      "RawInput.$": "$",
      ...(reader
        ? {
            Reader: rebaseTemplate(
              {
                ...reader.Parameters,
                ...reader.ReaderConfig,
                ...(reader.ReaderConfig?.MaxItemsPath ? { "MaxItems.$": reader.ReaderConfig.MaxItemsPath } : {}),
              },
              inputPath,
            ),
          }
        : { "Items.$": rebase(state.ItemsPath ?? "$", inputPath) }),
      ...(batcher ? { Batcher: rebaseTemplate(batcher, inputPath) } : {}),
    },
    ResultPath: null,
    Next: name,
    ...(catches ? { Catch: catches } : {}),
  };
  retarget(states, name, readState);
  if (scope.StartAt === name) scope.StartAt = readState;
  for (const field of ["ItemReader", "ItemBatcher", "ResultWriter"]) delete state[field];
  state.ItemsPath = `$$.${STAND_IN_CONTEXT_KEY}.${key}.items`;
  if (writer) {
    states[resultState] = {
      Type: "Pass",
      InputPath: `$$.${STAND_IN_CONTEXT_KEY}.${key}.details`,
      ...(state.ResultSelector ? { Parameters: state.ResultSelector } : {}),
      ...(state.ResultPath !== undefined ? { ResultPath: state.ResultPath } : {}),
      ...(state.OutputPath !== undefined ? { OutputPath: state.OutputPath } : {}),
      ...(state.End ? { End: true } : { Next: state.Next }),
    };
    states[writeState] = { Type: "Task", Resource: writer.Resource, Next: resultState, ...(catches ? { Catch: catches } : {}) };
    for (const field of ["ResultSelector", "ResultPath", "OutputPath", "End"]) delete state[field];
    state.Next = writeState;
  }
  return {
    map: name,
    buckets,
    handlers: (store, executionName) => ({
      [readState]: (request: Json) => {
        const items = request.Reader ? readItems(standIns, name, { Resource: reader.Resource, ...request.Reader }) : request.Items;
        store[key] = { rawInput: request.RawInput, inputs: items, items: request.Batcher ? batchItems(items, request.Batcher) : items };
        return null;
      },
      ...(writer
        ? {
            [writeState]: (results: Json[]) => {
              const entry = store[key];
              entry.details = writeResults(standIns, name, writer.Parameters, {
                executionName,
                inputs: entry.items ?? [],
                outputs: results,
              });
              return entry.rawInput;
            },
          }
        : {}),
    }),
  };
}

/** Points every way into `from` in this scope (StartAt is the caller's, Next, Default, Choices, Catch) at `to`. */
function retarget(states: States, from: string, to: string): void {
  for (const [name, state] of Object.entries(states)) {
    if (name === to) continue;
    if (state.Next === from) state.Next = to;
    if (state.Default === from) state.Default = to;
    for (const rule of state.Choices ?? []) if (rule.Next === from) rule.Next = to;
    for (const c of state.Catch ?? []) if (c.Next === from) c.Next = to;
  }
}
