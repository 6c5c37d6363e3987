/**
 * A Distributed Map's S3 reader, batcher and writer, proven by `tsc` (never run): the items come from `itemsPath` or
 * an `itemReader`, never both; a reader's key and bucket are each a name or a path, not both; CSV needs its headers.
 * Lines under `@ts-expect-error` must not compile.
 */
import { map, task } from "../../index";

const steps = [task("Handle", { handler: async (input: unknown) => input, timeoutSeconds: 10, end: true })];

export const fromS3 = map("Import", {
  itemReader: { format: "csv", bucket: "imports", keyPath: "$.detail.key", csvHeaders: "firstRow", maxItems: 100 },
  itemBatcher: { maxItemsPerBatch: 10, batchInput: { "source.$": "$.detail.source" } },
  resultWriter: { bucket: "imports", prefix: "results" },
  steps,
  end: true,
});
export const listed = map("List", { itemReader: { format: "listObjects", bucket: "imports", prefix: "in/" }, steps, end: true });

// @ts-expect-error both itemsPath and itemReader
map("Both", { itemsPath: "$.items", itemReader: { format: "json", bucket: "imports", key: "a.json" }, steps, end: true });
// @ts-expect-error neither itemsPath nor itemReader
map("Neither", { steps, end: true });
// @ts-expect-error a CSV reader without csvHeaders
map("NoHeaders", { itemReader: { format: "csv", bucket: "imports", key: "a.csv" }, steps, end: true });
// @ts-expect-error a key and a keyPath
map("TwoKeys", { itemReader: { format: "json", bucket: "imports", key: "a.json", keyPath: "$.k" }, steps, end: true });
// @ts-expect-error a bucket read from the input without the acknowledgement its wildcard grant needs
map("AnyBucket", { itemReader: { format: "json", bucketPath: "$.bucket", key: "a.json" }, steps, end: true });
// @ts-expect-error a listing takes a prefix, not a key
map("ListKey", { itemReader: { format: "listObjects", bucket: "imports", key: "a.json" }, steps, end: true });
// @ts-expect-error the writer's bucket is a name
map("WriterPath", { itemsPath: "$.items", resultWriter: { bucketPath: "$.out" }, steps, end: true });
