/**
 * The S3 input and output of a Distributed Map: where its items come from (`itemReader`), how they are grouped per
 * child execution (`itemBatcher`) and where its results go (`resultWriter`). Plain data, compiled to ASL's
 * `ItemReader`, `ItemBatcher` and `ResultWriter` (core/mapIo.ts), granted by core/mapIo.ts too.
 */ import type * as pulumi from "@pulumi/pulumi";

/**
 * The bucket of an S3 reader: a bucket name (a string, or a Pulumi Output such as `bucket.bucket`, resolved before
 * compilation), or (`bucketPath`) a JSONPath into the Map's input (compiled to `"Bucket.$"`). Give exactly one.
 */
export type S3BucketRef =
  | { bucket: pulumi.Input<string>; bucketPath?: undefined; acknowledgeWildcard?: undefined }
  | {
      bucketPath: string;
      bucket?: undefined;
      /**
       * Why the bucket is only known at run time: the grant then covers every bucket (`arn:aws:s3:::*`), which this
       * library refuses without a reason, as it does for a task's wildcard grants.
       */
      acknowledgeWildcard: string;
    };

/** The key of the object an S3 reader reads: a literal key, or (`keyPath`) a JSONPath into the Map's input. */
export type S3KeyRef = { key: string; keyPath?: undefined } | { keyPath: string; key?: undefined };

/** What every reader takes: a cap on the number of items read. */
export interface ItemReaderLimits {
  /**
   * Reads at most this many items (ASL `ReaderConfig.MaxItems`, 1 to 100,000,000), from the start of the source.
   * @default every item
   * @example 1000
   */
  maxItems?: number;
  /** A JSONPath into the Map's input holding that cap (ASL `ReaderConfig.MaxItemsPath`); not with `maxItems`. @default none */
  maxItemsPath?: string;
}

/**
 * Where a Distributed Map reads its items: an S3 object (a JSON array, JSON Lines, a CSV file, or an S3 Inventory
 * `manifest.json`), or the objects listed under a prefix (`listObjects`: each item is `{ Key, Size, ETag,
 * LastModified, StorageClass }`). A Map with an `itemReader` takes no `itemsPath`.
 *
 * @example { format: "json", bucket: "claims-archive", key: "2026/claims.json" }
 * @example { format: "csv", bucket: "claims-archive", keyPath: "$.detail.file", csvHeaders: "firstRow", maxItems: 1000 }
 * @example { format: "listObjects", bucket: "claims-archive", prefix: "incoming/" }
 */
export type MapItemReader = ItemReaderLimits &
  S3BucketRef &
  (
    | ({ format: "json" | "jsonl" | "manifest"; csvHeaders?: undefined; prefix?: undefined } & S3KeyRef)
    | ({
        format: "csv";
        /**
         * The CSV columns: `"firstRow"` (the file's first row names them, ASL `CSVHeaderLocation: "FIRST_ROW"`) or
         * the names themselves (ASL `CSVHeaderLocation: "GIVEN"` with `CSVHeaders`). Each row becomes an object of
         * strings keyed by them.
         * @example ["orderId", "amount"]
         */
        csvHeaders: "firstRow" | string[];
        prefix?: undefined;
      } & S3KeyRef)
    | {
        format: "listObjects";
        /** Lists only the keys that begin with it (ASL `Parameters.Prefix`). @default "" (the whole bucket) */
        prefix?: string;
        key?: undefined;
        keyPath?: undefined;
        csvHeaders?: undefined;
      }
  );

/**
 * Groups items per child execution (ASL `ItemBatcher`): each child gets `{ Items: [...] }` (plus `BatchInput` when
 * given) instead of one item. Give `maxItemsPerBatch`, `maxInputBytesPerBatch` or both.
 *
 * @example { maxItemsPerBatch: 100, batchInput: { "runId.$": "$$.Execution.Name" } }
 */
export interface MapItemBatcher {
  /** At most this many items per child execution (ASL `MaxItemsPerBatch`, a whole number from 1). @default no count limit */
  maxItemsPerBatch?: number;
  /**
   * At most this many bytes of items per child execution (ASL `MaxInputBytesPerBatch`, 1 to 262,144: a state input
   * holds 256 KiB). @default no size limit below 256 KiB
   */
  maxInputBytesPerBatch?: number;
  /**
   * Fixed input sent beside each batch as `BatchInput` (a payload template: `.$` keys read the Map's input).
   * @default none
   * @example { "orderId.$": "$.detail.orderId" }
   */
  batchInput?: Record<string, unknown>;
}

/**
 * Where a Distributed Map writes its results (ASL `ResultWriter` with `arn:aws:states:::s3:putObject`): Step
 * Functions writes `<prefix>/<map run id>/manifest.json` and the results files there, and the Map's output becomes
 * `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }` (the manifest) instead of the results array.
 *
 * @example { bucket: "claims-archive", prefix: "scan-results" }
 */
export interface MapResultWriter {
  /** The bucket the results go to: a name, or a Pulumi Output such as `bucket.bucket`. @example results.bucket */
  bucket: pulumi.Input<string>;
  /** The key prefix under which they go. @default "" (the bucket's root: the grant then covers the bucket's objects) */
  prefix?: string;
}

/** Where a Map's items come from: the array at `itemsPath`, or an `itemReader`; exactly one (checked by the type too). */
export type MapItemSource = { itemsPath: string; itemReader?: undefined } | { itemReader: MapItemReader; itemsPath?: undefined };
