/**
 * A Distributed Map's S3 input and output, in one place: the ASL it compiles to (`ItemReader`, `ItemBatcher`,
 * `ResultWriter`) and the least-privilege grants it needs (what AWS documents for each reader and the writer).
 * Pure functions over the step (steps/mapIo.ts holds the types).
 */
import type { MapItemBatcher, MapItemReader, MapResultWriter } from "../steps/mapIo";
import type { MapStep, Step } from "../steps/types";
import { allSteps } from "./walk";
import type * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "./iam";

/** The ItemReader resource that reads one object (JSON, JSONL, CSV, manifest). */
export const S3_GET_OBJECT = "arn:aws:states:::s3:getObject";
/** The ItemReader resource that lists the objects under a prefix. */
export const S3_LIST_OBJECTS = "arn:aws:states:::s3:listObjectsV2";
/** The ResultWriter resource. */
export const S3_PUT_OBJECT = "arn:aws:states:::s3:putObject";

/** `{ Name: value }` or `{ "Name.$": path }`, whichever the step gave; nothing when it gave neither. */
function field(name: string, value: string | undefined, path: string | undefined): Record<string, string> {
  return path !== undefined ? { [`${name}.$`]: path } : value !== undefined ? { [name]: value } : {};
}

/**
 * The ASL `ItemReader` of a reader.
 *
 * @example
 * itemReaderAsl({ format: "csv", bucket: "imports", key: "rows.csv", csvHeaders: "firstRow" })
 * // { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" },
 * //   Parameters: { Bucket: "imports", Key: "rows.csv" } }
 */
export function itemReaderAsl(reader: MapItemReader): Record<string, unknown> {
  const limits: Record<string, unknown> = {
    ...(reader.maxItems !== undefined ? { MaxItems: reader.maxItems } : {}),
    ...(reader.maxItemsPath !== undefined ? { MaxItemsPath: reader.maxItemsPath } : {}),
  };
  // Compiled after the component resolved the buckets' Outputs (withMapBuckets): a string by then.
  const bucket = field("Bucket", reader.bucket as string | undefined, reader.bucketPath);
  if (reader.format === "listObjects")
    return {
      Resource: S3_LIST_OBJECTS,
      ...(Object.keys(limits).length > 0 ? { ReaderConfig: limits } : {}),
      Parameters: { ...bucket, ...(reader.prefix ? { Prefix: reader.prefix } : {}) },
    };
  const csv =
    reader.format !== "csv"
      ? {}
      : reader.csvHeaders === "firstRow"
        ? { CSVHeaderLocation: "FIRST_ROW" }
        : { CSVHeaderLocation: "GIVEN", CSVHeaders: reader.csvHeaders };
  return {
    Resource: S3_GET_OBJECT,
    ReaderConfig: { InputType: reader.format.toUpperCase(), ...csv, ...limits },
    Parameters: { ...bucket, ...field("Key", reader.key, reader.keyPath) },
  };
}

/** The ASL `ItemBatcher` of a batcher. @example itemBatcherAsl({ maxItemsPerBatch: 10 }) // { MaxItemsPerBatch: 10 } */
export function itemBatcherAsl(batcher: MapItemBatcher): Record<string, unknown> {
  return {
    ...(batcher.maxItemsPerBatch !== undefined ? { MaxItemsPerBatch: batcher.maxItemsPerBatch } : {}),
    ...(batcher.maxInputBytesPerBatch !== undefined ? { MaxInputBytesPerBatch: batcher.maxInputBytesPerBatch } : {}),
    ...(batcher.batchInput !== undefined ? { BatchInput: batcher.batchInput } : {}),
  };
}

/** The ASL `ResultWriter` of a writer. @example resultWriterAsl({ bucket: "out", prefix: "runs" }) */
export function resultWriterAsl(writer: MapResultWriter): Record<string, unknown> {
  return { Resource: S3_PUT_OBJECT, Parameters: { Bucket: writer.bucket as string, ...(writer.prefix ? { Prefix: writer.prefix } : {}) } };
}

/** The ASL fields a Map's S3 input and output add to its state (none for a Map without them). */
export function mapIoAsl(step: MapStep): Record<string, unknown> {
  return {
    ...(step.itemReader ? { ItemReader: itemReaderAsl(step.itemReader) } : {}),
    ...(step.itemBatcher ? { ItemBatcher: itemBatcherAsl(step.itemBatcher) } : {}),
    ...(step.resultWriter ? { ResultWriter: resultWriterAsl(step.resultWriter) } : {}),
  };
}

/** The object ARNs a key (or a key known at run time) covers, in a bucket (or any bucket). */
function objectArn(partition: string, bucket: pulumi.Input<string> | undefined, key: string | undefined): string {
  return `arn:${partition}:s3:::${(bucket as string | undefined) ?? "*"}/${key ?? "*"}`;
}

/** The data files of an S3 Inventory whose manifest is at `key` (`<prefix>/<date>/manifest.json` -> `<prefix>/data/*`). */
function inventoryDataArn(partition: string, bucket: pulumi.Input<string> | undefined, key: string | undefined): string {
  const parts = key?.split("/") ?? [];
  return parts.length < 3
    ? objectArn(partition, bucket, undefined)
    : objectArn(partition, bucket, `${parts.slice(0, -2).join("/")}/data/*`);
}

/** The S3 prefix of a writer, as results land under it: `<prefix>/<map run id>/...`. */
function writerObjects(partition: string, writer: MapResultWriter): string {
  const prefix = writer.prefix ?? "";
  return `arn:${partition}:s3:::${writer.bucket as string}/${prefix}${prefix === "" || prefix.endsWith("/") ? "" : "/"}*`;
}

/**
 * The grants a Map's S3 reader and writer need, one statement each, named after the step, as AWS documents them for
 * a Distributed Map (over steps whose buckets are resolved: see {@link withMapBuckets}): `s3:GetObject` on the object read (the bucket's objects when the key is a path; every bucket when
 * the bucket is: acknowledged in the step); for a manifest, the inventory files beside it; `s3:ListBucket` on the
 * bucket listed, with an `s3:prefix` condition when a prefix is given; `s3:PutObject`, `s3:GetObject`,
 * `s3:ListMultipartUploadParts` and `s3:AbortMultipartUpload` under the writer's prefix.
 *
 * @example
 * mapIoStatements([map("Import", { itemReader: { format: "json", bucket: "in", key: "a.json" }, steps })], "aws")
 * // [{ Sid: "ReadItemsImport", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::in/a.json" }]
 */
export function mapIoStatements(maps: readonly Step[], partition: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const step of maps) {
    if (step.kind !== "map") continue;
    const sid = step.name.replace(/[^A-Za-z0-9]/g, "");
    const reader = step.itemReader;
    if (reader?.format === "listObjects") {
      statements.push({
        Sid: `ListItems${sid}`,
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: `arn:${partition}:s3:::${(reader.bucket as string | undefined) ?? "*"}`,
        ...(reader.prefix ? { Condition: { StringLike: { "s3:prefix": [`${reader.prefix}*`] } } } : {}),
      });
    } else if (reader) {
      const resource = objectArn(partition, reader.bucket, reader.key);
      statements.push({
        Sid: `ReadItems${sid}`,
        Effect: "Allow",
        Action: "s3:GetObject",
        // An inventory's manifest (`<prefix>/<date>/manifest.json`) lists data files under `<prefix>/data/`: AWS
        // documents reading both.
        Resource: reader.format === "manifest" ? [resource, inventoryDataArn(partition, reader.bucket, reader.key)] : resource,
      });
    }
    if (step.resultWriter)
      statements.push({
        Sid: `WriteResults${sid}`,
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
        Resource: writerObjects(partition, step.resultWriter),
      });
  }
  return statements;
}

/** The buckets a Map names (strings or Pulumi Outputs), by Map name: what the component resolves before compiling. */
export type MapBuckets = Record<string, { reader?: pulumi.Input<string>; writer?: pulumi.Input<string> }>;

/** The reader's and writer's buckets of every Map, at any depth, by Map name (Maps without them are left out). */
export function mapBuckets(steps: readonly Step[]): MapBuckets {
  return Object.fromEntries(
    allSteps(steps).flatMap((s) =>
      s.kind === "map" && (s.itemReader?.bucket !== undefined || s.resultWriter !== undefined)
        ? [
            [
              s.name,
              {
                ...(s.itemReader?.bucket !== undefined ? { reader: s.itemReader.bucket } : {}),
                ...(s.resultWriter ? { writer: s.resultWriter.bucket } : {}),
              },
            ],
          ]
        : [],
    ),
  );
}

/**
 * The step list with each Map's buckets replaced by their resolved names (a copy; the steps given are not changed).
 *
 * @example
 * withMapBuckets(steps, { ImportRows: { reader: "imports-1a2b", writer: "results-3c4d" } })
 */
export function withMapBuckets(steps: readonly Step[], buckets: Record<string, { reader?: string; writer?: string }>): Step[] {
  return steps.map((step): Step => {
    if (step.kind === "parallel") return { ...step, branches: step.branches.map((branch) => withMapBuckets(branch, buckets)) };
    if (step.kind !== "map") return step;
    const resolved = buckets[step.name] ?? {};
    return {
      ...step,
      steps: withMapBuckets(step.steps, buckets),
      ...(step.itemReader && resolved.reader !== undefined
        ? { itemReader: { ...step.itemReader, bucket: resolved.reader } as MapItemReader }
        : {}),
      ...(step.resultWriter && resolved.writer !== undefined ? { resultWriter: { ...step.resultWriter, bucket: resolved.writer } } : {}),
    };
  });
}
