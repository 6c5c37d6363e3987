/**
 * The local S3 STAND-IN (a local simulation: nothing is read from or written to S3): a folder per bucket, given by the
 * user (`edw-local --s3 <bucket>=<folder>`, test kit `s3`). A Distributed Map's item reader reads its object or
 * listing there, its batcher groups the items as ItemBatcher does, and its result writer writes a manifest and a
 * results file there, laid out as Step Functions lays them out in S3.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

type Json = any;

/** Bucket name -> local folder standing in for it. */
export type S3StandIns = Record<string, string>;

/** An error of the stand-in, named as the Map's failure (States.Runtime, as a missing object fails on AWS). */
function standInError(message: string): Error {
  return Object.assign(new Error(message), { name: "States.Runtime" });
}

/** Why a Map's bucket cannot run locally, naming the Map, the bucket and how to give a stand-in. */
export function missingStandInMessage(mapName: string, bucket: unknown): string {
  const name = typeof bucket === "string" ? bucket : "<bucket>";
  return `Map "${mapName}" uses S3 bucket ${JSON.stringify(bucket)}, which has no local stand-in: give one with \`--s3 ${name}=<folder>\` (edw-local) or \`s3: { "${name}": "<folder>" }\` (test kit, LocalRunner).`;
}

/** The folder standing in for a bucket (one read from the input at run time), or the Map's failure naming it. */
export function standInFolder(standIns: S3StandIns, mapName: string, bucket: unknown): string {
  const folder = typeof bucket === "string" && Object.hasOwn(standIns, bucket) ? standIns[bucket] : undefined;
  if (folder === undefined) throw standInError(missingStandInMessage(mapName, bucket));
  return folder;
}

/** What the Map's reader asks for, its paths resolved against the Map's input (ASL ItemReader Parameters + ReaderConfig). */
export interface ReadRequest {
  Resource: string;
  Bucket: string;
  Key?: string;
  Prefix?: string;
  InputType?: string;
  CSVHeaderLocation?: string;
  CSVHeaders?: string[];
  MaxItems?: number;
}

/** Reads a reader's items from the stand-in: a JSON array, JSON Lines, CSV rows, or the objects under a prefix. */
export function readItems(standIns: S3StandIns, mapName: string, request: ReadRequest): Json[] {
  const folder = standInFolder(standIns, mapName, request.Bucket);
  const items = request.Resource.endsWith(":listObjectsV2")
    ? listObjects(folder, request.Prefix ?? "")
    : readObject(folder, mapName, request);
  return request.MaxItems === undefined ? items : items.slice(0, request.MaxItems);
}

function readObject(folder: string, mapName: string, request: ReadRequest): Json[] {
  const path = join(folder, ...String(request.Key).split("/"));
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw standInError(`Map "${mapName}" reads s3://${request.Bucket}/${request.Key}, which is not in its stand-in folder (${path}).`);
  }
  switch (request.InputType) {
    case "JSON": {
      const parsed = JSON.parse(text);
      if (!Array.isArray(parsed)) throw standInError(`Map "${mapName}": s3://${request.Bucket}/${request.Key} holds no JSON array.`);
      return parsed;
    }
    case "JSONL":
      return text
        .split(/\r?\n/)
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line));
    case "CSV": {
      const rows = parseCsv(text);
      const headers = request.CSVHeaderLocation === "FIRST_ROW" ? (rows.shift() ?? []) : (request.CSVHeaders ?? []);
      return rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i] ?? ""])));
    }
    default:
      throw standInError(
        `Map "${mapName}": the local S3 stand-in reads JSON, JSONL, CSV and listings, not ${request.InputType} (an S3 Inventory runs on AWS only).`,
      );
  }
}

/** RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted) field += c;
    else if (c === ",") endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else field += c;
  }
  if (field !== "" || row.length > 0) endRow();
  return rows;
}

/** The objects under a prefix, as listObjectsV2 gives them (keys in UTF-8 order). */
function listObjects(folder: string, prefix: string): Json[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      entry.isDirectory() ? walk(join(dir, entry.name)) : files.push(join(dir, entry.name));
  };
  walk(folder);
  return files
    .map((file) => ({ file, key: relative(folder, file).split(sep).join("/") }))
    .filter(({ key }) => key.startsWith(prefix))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ file, key }) => {
      const stat = statSync(file);
      return {
        Key: key,
        Size: stat.size,
        ETag: `"${createHash("md5").update(readFileSync(file)).digest("hex")}"`,
        LastModified: stat.mtime.toISOString(),
        StorageClass: "STANDARD",
      };
    });
}

/** ItemBatcher's fields, resolved. */
export interface BatchRequest {
  MaxItemsPerBatch?: number;
  MaxInputBytesPerBatch?: number;
  BatchInput?: Json;
}

/**
 * Groups items as ItemBatcher does: a batch closes when it holds MaxItemsPerBatch items or the next item would take it
 * past MaxInputBytesPerBatch; each child gets `{ Items }` (and `BatchInput` when given).
 */
export function batchItems(items: readonly Json[], batcher: BatchRequest): Json[] {
  const batches: Json[][] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    const last = batches.at(-1);
    const full =
      !last ||
      (batcher.MaxItemsPerBatch !== undefined && last.length >= batcher.MaxItemsPerBatch) ||
      (batcher.MaxInputBytesPerBatch !== undefined && bytes + size > batcher.MaxInputBytesPerBatch);
    if (full) batches.push([item]);
    else last.push(item);
    bytes = full ? size : bytes + size;
  }
  return batches.map((Items) => (batcher.BatchInput === undefined ? { Items } : { BatchInput: batcher.BatchInput, Items }));
}

/**
 * Writes a Map's results as ResultWriter does, under `<prefix>/<map run id>/`: `SUCCEEDED_0.json` (one entry per child
 * execution) and `manifest.json`; returns the Map's output `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`.
 */
export function writeResults(
  standIns: S3StandIns,
  mapName: string,
  writer: { Bucket: string; Prefix?: string },
  run: { executionName: string; inputs: readonly Json[]; outputs: readonly Json[] },
): Json {
  const folder = standInFolder(standIns, mapName, writer.Bucket);
  const mapRunArn = `arn:aws:states:local-1:000000000000:mapRun:local/${mapName}:${run.executionName}`;
  const base = [writer.Prefix?.replace(/\/$/, ""), run.executionName].filter((part) => part).join("/");
  const write = (key: string, body: Json) => {
    const path = join(folder, ...key.split("/"));
    mkdirSync(dirname(path), { recursive: true });
    const text = JSON.stringify(body, null, 2);
    writeFileSync(path, text);
    return Buffer.byteLength(text);
  };
  const resultsKey = `${base}/SUCCEEDED_0.json`;
  const size = write(
    resultsKey,
    run.outputs.map((output, i) => ({ Input: JSON.stringify(run.inputs[i]), Output: JSON.stringify(output), Status: "SUCCEEDED" })),
  );
  const manifestKey = `${base}/manifest.json`;
  write(manifestKey, {
    DestinationBucket: writer.Bucket,
    MapRunArn: mapRunArn,
    ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [{ Key: resultsKey, Size: size }] },
  });
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: writer.Bucket, Key: manifestKey } };
}
