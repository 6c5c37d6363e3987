/**
 * A Distributed Map's S3 input and output, checked as AWS checks them at CreateStateMachine: `itemsPath` or an
 * `itemReader` (never both), a reader's bucket, key, CSV header and MaxItems rules, the batcher's limits (256 KiB per
 * batch) and the writer's bucket. A bucket known only at run time needs a written reason (the grant covers every
 * bucket), as a task's wildcard grants do.
 */
import type { MapStep } from "../../steps/types";
import type { Report } from "./errors";
import { isPath, PATH_HINT } from "./paths";
import { checkPayloadTemplate } from "./templates";
import { describeValue, isDeferredValue, isObject, isWholeNumber } from "./values";

/** ReaderConfig.MaxItems' upper bound in AWS. */
export const MAX_READER_ITEMS = 100_000_000;
/** ItemBatcher.MaxInputBytesPerBatch's upper bound in AWS: a state input holds 256 KiB. */
export const MAX_BATCH_BYTES = 262_144;

const FORMATS = ["json", "jsonl", "csv", "manifest", "listObjects"];
/** S3 bucket names: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reports what AWS would refuse in a Map's `itemsPath`/`itemReader`, `itemBatcher` and `resultWriter`.
 *
 * @example
 * checkMapIo(map("Import", { itemsPath: "$.rows", itemReader: { format: "json", bucket: "in", key: "a.json" }, steps }), "Import", report)
 * // report("Import", "has both `itemsPath` and `itemReader`: ...")
 */
export function checkMapIo(step: MapStep, name: string, report: Report): void {
  const reader: unknown = step.itemReader;
  if (reader !== undefined && step.itemsPath !== undefined)
    report(name, "has both `itemsPath` and `itemReader`: the items come from one of them; remove `itemsPath` to read them from S3.");
  else if (reader === undefined && !isPath(step.itemsPath))
    report(
      name,
      `\`itemsPath\` is ${describeValue(step.itemsPath)}: it must be a JSONPath to an array, e.g. "$.detail.items" (or give an \`itemReader\` to read the items from S3); ${PATH_HINT}.`,
    );
  if (reader !== undefined) checkReader(reader, name, report);
  if (step.itemBatcher !== undefined) checkBatcher(step.itemBatcher, name, report);
  if (step.resultWriter !== undefined) checkWriter(step.resultWriter, name, report);
}

function checkBucket(field: string, bucket: unknown, name: string, report: Report): void {
  // A Pulumi Output (a bucket resource's name) is S3's own: checked by S3 when the bucket is created.
  if (isDeferredValue(bucket)) return;
  if (typeof bucket !== "string" || !BUCKET_NAME.test(bucket) || bucket.includes(".."))
    report(
      name,
      `\`${field}\` is ${describeValue(bucket)}: give an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens, e.g. "claims-archive")${field.startsWith("itemReader") ? ", or `bucketPath` to read it from the input" : ""}.`,
    );
}

function checkReader(reader: unknown, name: string, report: Report): void {
  if (!isObject(reader)) {
    report(
      name,
      `has \`itemReader: ${describeValue(reader)}\`: give e.g. { format: "json", bucket: "claims-archive", key: "claims.json" }.`,
    );
    return;
  }
  const { format, bucket, bucketPath, key, keyPath, prefix, csvHeaders, maxItems, maxItemsPath, acknowledgeWildcard } = reader;
  if (typeof format !== "string" || !FORMATS.includes(format)) {
    report(name, `has \`itemReader.format: ${describeValue(format)}\`: use one of ${FORMATS.map((f) => `"${f}"`).join(", ")}.`);
    return;
  }
  if ((bucket === undefined) === (bucketPath === undefined))
    report(name, "`itemReader` needs exactly one of `bucket` (a name) and `bucketPath` (a JSONPath into the Map's input).");
  else if (bucket !== undefined) checkBucket("itemReader.bucket", bucket, name, report);
  else if (!isPath(bucketPath)) report(name, `\`itemReader.bucketPath\` is ${describeValue(bucketPath)}: ${PATH_HINT}.`);
  else if (typeof acknowledgeWildcard !== "string" || acknowledgeWildcard.trim() === "")
    report(
      name,
      '`itemReader.bucketPath` makes the read grant cover every bucket (arn:aws:s3:::*/...): name the bucket with `bucket`, or say why it must come from the input with `acknowledgeWildcard: "<reason>"`.',
    );
  if (format === "listObjects") {
    if (key !== undefined || keyPath !== undefined)
      report(name, '`itemReader` with format "listObjects" lists a prefix: remove `key`/`keyPath` (use `prefix`).');
    if (prefix !== undefined && typeof prefix !== "string")
      report(name, `\`itemReader.prefix\` is ${describeValue(prefix)}: give the key prefix to list, e.g. "incoming/".`);
  } else {
    if (prefix !== undefined)
      report(name, `\`itemReader.prefix\` applies to format "listObjects" only: a "${format}" reader reads one object (\`key\`).`);
    if ((key === undefined) === (keyPath === undefined))
      report(
        name,
        `\`itemReader\` (format "${format}") needs exactly one of \`key\` (the object's key) and \`keyPath\` (a JSONPath into the Map's input).`,
      );
    else if (key !== undefined && (typeof key !== "string" || key === ""))
      report(name, `\`itemReader.key\` is ${describeValue(key)}: give the object's key, e.g. "2026/claims.json".`);
    else if (keyPath !== undefined && !isPath(keyPath)) report(name, `\`itemReader.keyPath\` is ${describeValue(keyPath)}: ${PATH_HINT}.`);
  }
  if (format === "csv") checkCsvHeaders(csvHeaders, name, report);
  else if (csvHeaders !== undefined)
    report(name, `\`itemReader.csvHeaders\` applies to format "csv" only; remove it from this "${format}" reader.`);
  if (maxItems !== undefined && maxItemsPath !== undefined) report(name, "`itemReader` has both `maxItems` and `maxItemsPath`: keep one.");
  if (maxItems !== undefined && !isWholeNumber(maxItems, 1, MAX_READER_ITEMS))
    report(
      name,
      `\`itemReader.maxItems\` is ${describeValue(maxItems)}: use a whole number from 1 to ${MAX_READER_ITEMS.toLocaleString("en-US")}.`,
    );
  if (maxItemsPath !== undefined && !isPath(maxItemsPath))
    report(name, `\`itemReader.maxItemsPath\` is ${describeValue(maxItemsPath)}: ${PATH_HINT}.`);
}

/** CSV headers: `"firstRow"` (FIRST_ROW) or the column names (GIVEN), which AWS wants non-empty and distinct. */
function checkCsvHeaders(headers: unknown, name: string, report: Report): void {
  if (headers === "firstRow") return;
  const fix = 'give `csvHeaders: "firstRow"` when the first row names the columns, or the names, e.g. ["orderId", "amount"]';
  if (headers === undefined) report(name, `\`itemReader\` (format "csv") needs \`csvHeaders\`: ${fix}.`);
  else if (!Array.isArray(headers) || headers.length === 0 || headers.some((h) => typeof h !== "string" || h === ""))
    report(name, `\`itemReader.csvHeaders\` is ${describeValue(headers)}: ${fix}.`);
  else if (new Set(headers).size !== headers.length)
    report(
      name,
      `\`itemReader.csvHeaders\` names a column twice (${describeValue(headers)}): each item is an object keyed by them; make them distinct.`,
    );
}

function checkBatcher(batcher: unknown, name: string, report: Report): void {
  if (!isObject(batcher)) {
    report(name, `has \`itemBatcher: ${describeValue(batcher)}\`: give e.g. { maxItemsPerBatch: 100 }.`);
    return;
  }
  const { maxItemsPerBatch, maxInputBytesPerBatch, batchInput } = batcher;
  if (maxItemsPerBatch === undefined && maxInputBytesPerBatch === undefined)
    report(name, "`itemBatcher` needs `maxItemsPerBatch`, `maxInputBytesPerBatch` or both: AWS batches by count or by size.");
  if (maxItemsPerBatch !== undefined && !isWholeNumber(maxItemsPerBatch, 1, Number.MAX_SAFE_INTEGER))
    report(name, `\`itemBatcher.maxItemsPerBatch\` is ${describeValue(maxItemsPerBatch)}: use a whole number from 1.`);
  if (maxInputBytesPerBatch !== undefined && !isWholeNumber(maxInputBytesPerBatch, 1, MAX_BATCH_BYTES))
    report(
      name,
      `\`itemBatcher.maxInputBytesPerBatch\` is ${describeValue(maxInputBytesPerBatch)}: use a whole number from 1 to ${MAX_BATCH_BYTES.toLocaleString("en-US")} (a child execution's input holds 256 KiB).`,
    );
  if (batchInput !== undefined) checkPayloadTemplate(name, "itemBatcher.batchInput", batchInput, report);
}

function checkWriter(writer: unknown, name: string, report: Report): void {
  if (!isObject(writer)) {
    report(name, `has \`resultWriter: ${describeValue(writer)}\`: give e.g. { bucket: "claims-archive", prefix: "results" }.`);
    return;
  }
  checkBucket("resultWriter.bucket", writer.bucket, name, report);
  if (writer.prefix !== undefined && (typeof writer.prefix !== "string" || writer.prefix.startsWith("/")))
    report(name, `\`resultWriter.prefix\` is ${describeValue(writer.prefix)}: give a key prefix without a leading "/", e.g. "results".`);
}
