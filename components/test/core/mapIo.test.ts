/**
 * A Distributed Map's S3 input and output (`itemReader`, `itemBatcher`, `resultWriter`): the ASL they compile to
 * (accepted by asl-validator), the validation AWS would otherwise do at deploy time, and the S3 grants derived from
 * them.
 */
import assert from "node:assert/strict";
import { compileDefinition, map, task, type Step } from "../../index";
import * as pulumi from "@pulumi/pulumi";
import { mapBuckets, mapIoStatements, withMapBuckets } from "../../core/mapIo";
import { allSteps } from "../../core/walk";
import { aslErrors } from "../../../test/support/asl";
import { validationProblems as problems } from "../../../test/support/stepLists";

const handler = async (input: unknown) => input;
const steps = [task("Handle", { handler, timeoutSeconds: 10, end: true })];
const resources = {
  functionArns: { Handle: "arn:aws:lambda:us-east-1:123456789012:function:handle" },
  alertTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
  deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
  defaultEventBusName: "default",
};

const mapWith = (options: Record<string, unknown>) => map("Import", { steps, end: true, ...options } as never) as Step;

describe("a Map's itemReader, itemBatcher and resultWriter", () => {
  it("compile to ItemReader, ItemBatcher and ResultWriter on a Distributed Map, which asl-validator accepts", () => {
    const definition = compileDefinition(
      [
        map("Import", {
          itemReader: { format: "csv", bucket: "imports", keyPath: "$.detail.key", csvHeaders: "firstRow", maxItems: 500 },
          itemBatcher: { maxItemsPerBatch: 100, maxInputBytesPerBatch: 65536, batchInput: { "source.$": "$.detail.source" } },
          resultWriter: { bucket: "imports", prefix: "results" },
          steps,
          end: true,
        }),
      ],
      resources,
    );
    const state = definition.States.Import as Record<string, unknown>;
    assert.deepEqual(state.ItemReader, {
      Resource: "arn:aws:states:::s3:getObject",
      ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", MaxItems: 500 },
      Parameters: { Bucket: "imports", "Key.$": "$.detail.key" },
    });
    assert.deepEqual(state.ItemBatcher, {
      MaxItemsPerBatch: 100,
      MaxInputBytesPerBatch: 65536,
      BatchInput: { "source.$": "$.detail.source" },
    });
    assert.deepEqual(state.ResultWriter, {
      Resource: "arn:aws:states:::s3:putObject",
      Parameters: { Bucket: "imports", Prefix: "results" },
    });
    assert.equal(state.ItemsPath, undefined);
    assert.deepEqual((state.ItemProcessor as { ProcessorConfig: unknown }).ProcessorConfig, {
      Mode: "DISTRIBUTED",
      ExecutionType: "STANDARD",
    });
    assert.deepEqual(aslErrors(definition), []);
  });

  it("compile a listing, given CSV headers, JSON Lines and a manifest as AWS names them", () => {
    const readerOf = (itemReader: unknown) =>
      (compileDefinition([mapWith({ itemReader })], resources).States.Import as { ItemReader: unknown }).ItemReader;
    assert.deepEqual(readerOf({ format: "listObjects", bucket: "imports", prefix: "incoming/", maxItemsPath: "$.limit" }), {
      Resource: "arn:aws:states:::s3:listObjectsV2",
      ReaderConfig: { MaxItemsPath: "$.limit" },
      Parameters: { Bucket: "imports", Prefix: "incoming/" },
    });
    assert.deepEqual(
      (readerOf({ format: "csv", bucket: "imports", key: "a.csv", csvHeaders: ["id", "amount"] }) as { ReaderConfig: unknown })
        .ReaderConfig,
      {
        InputType: "CSV",
        CSVHeaderLocation: "GIVEN",
        CSVHeaders: ["id", "amount"],
      },
    );
    assert.deepEqual((readerOf({ format: "jsonl", bucket: "imports", key: "a.jsonl" }) as { ReaderConfig: unknown }).ReaderConfig, {
      InputType: "JSONL",
    });
    assert.deepEqual((readerOf({ format: "manifest", bucket: "imports", key: "m.json" }) as { ReaderConfig: unknown }).ReaderConfig, {
      InputType: "MANIFEST",
    });
  });

  it("make the Map distributed even without a tolerance; a plain Map stays inline", () => {
    const modeOf = (options: Record<string, unknown>) =>
      (compileDefinition([mapWith(options)], resources).States.Import as { ItemProcessor: { ProcessorConfig: { Mode: string } } })
        .ItemProcessor.ProcessorConfig.Mode;
    assert.equal(modeOf({ itemsPath: "$.items", itemBatcher: { maxItemsPerBatch: 2 } }), "DISTRIBUTED");
    assert.equal(modeOf({ itemsPath: "$.items", resultWriter: { bucket: "out-bucket" } }), "DISTRIBUTED");
    assert.equal(modeOf({ itemsPath: "$.items" }), "INLINE");
    // itemExecutionType is accepted on such a Map (it has child executions).
    assert.deepEqual(problems([mapWith({ itemsPath: "$.items", itemBatcher: { maxItemsPerBatch: 2 }, itemExecutionType: "EXPRESS" })]), []);
  });

  it("are refused where AWS refuses them, naming the Map and the fix", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ itemsPath: "$.items", itemReader: { format: "json", bucket: "in-bucket", key: "a.json" } }, /both `itemsPath` and `itemReader`/],
      [{}, /`itemsPath` is undefined.*or give an `itemReader`/],
      [{ itemReader: { format: "xml", bucket: "in-bucket", key: "a" } }, /itemReader.format: "xml"`: use one of "json"/],
      [{ itemReader: { format: "json", key: "a.json" } }, /exactly one of `bucket` .* and `bucketPath`/],
      [
        { itemReader: { format: "json", bucket: "In_Bucket", key: "a.json" } },
        /`itemReader.bucket` is "In_Bucket": give an S3 bucket name/,
      ],
      [{ itemReader: { format: "json", bucketPath: "$.bucket", key: "a.json" } }, /every bucket.*acknowledgeWildcard: "<reason>"/],
      [{ itemReader: { format: "json", bucket: "in-bucket" } }, /needs exactly one of `key` .* and `keyPath`/],
      [{ itemReader: { format: "json", bucket: "in-bucket", key: "a", prefix: "p/" } }, /prefix` applies to format "listObjects" only/],
      [{ itemReader: { format: "listObjects", bucket: "in-bucket", key: "a" } }, /lists a prefix: remove `key`/],
      [{ itemReader: { format: "csv", bucket: "in-bucket", key: "a.csv" } }, /needs `csvHeaders`: give `csvHeaders: "firstRow"`/],
      [{ itemReader: { format: "csv", bucket: "in-bucket", key: "a.csv", csvHeaders: ["id", "id"] } }, /names a column twice/],
      [
        { itemReader: { format: "json", bucket: "in-bucket", key: "a", csvHeaders: "firstRow" } },
        /csvHeaders` applies to format "csv" only/,
      ],
      [
        { itemReader: { format: "json", bucket: "in-bucket", key: "a", maxItems: 0 } },
        /maxItems` is 0: use a whole number from 1 to 100,000,000/,
      ],
      [
        { itemReader: { format: "json", bucket: "in-bucket", key: "a", maxItems: 5, maxItemsPath: "$.n" } },
        /both `maxItems` and `maxItemsPath`/,
      ],
      [{ itemsPath: "$.items", itemBatcher: {} }, /needs `maxItemsPerBatch`, `maxInputBytesPerBatch` or both/],
      [{ itemsPath: "$.items", itemBatcher: { maxItemsPerBatch: 0 } }, /maxItemsPerBatch` is 0: use a whole number from 1/],
      [{ itemsPath: "$.items", itemBatcher: { maxInputBytesPerBatch: 300000 } }, /maxInputBytesPerBatch` is 300000: .* 1 to 262,144/],
      [{ itemsPath: "$.items", itemBatcher: { maxItemsPerBatch: 5, batchInput: "x" } }, /itemBatcher.batchInput/],
      [{ itemsPath: "$.items", resultWriter: { bucket: "out-bucket", prefix: "/results" } }, /without a leading "\/"/],
      [{ itemsPath: "$.items", resultWriter: {} }, /`resultWriter.bucket` is undefined/],
    ];
    for (const [options, expected] of cases) assert.match(problems([mapWith(options)]).join("\n"), expected, JSON.stringify(options));
  });

  it("accept the valid forms", () => {
    for (const itemReader of [
      { format: "json", bucket: "in-bucket", key: "a.json" },
      { format: "jsonl", bucket: "in-bucket", keyPath: "$.detail.key", maxItemsPath: "$.limit" },
      { format: "csv", bucket: "in-bucket", key: "a.csv", csvHeaders: ["id"] },
      { format: "manifest", bucket: "in-bucket", key: "inv/src/cfg/2026-01-01T00-00Z/manifest.json" },
      { format: "listObjects", bucket: "in-bucket" },
      { format: "json", bucketPath: "$.bucket", key: "a.json", acknowledgeWildcard: "each tenant has its bucket" },
    ])
      assert.deepEqual(problems([mapWith({ itemReader })]), [], JSON.stringify(itemReader));
  });
});

describe("a Map's buckets given as Pulumi Outputs", () => {
  it("are accepted unchecked, collected by Map, and put back resolved into a copy of the steps (nested Maps too)", () => {
    const inner = map("Inner", { itemsPath: "$.rows", resultWriter: { bucket: pulumi.output("out-1"), prefix: "r" }, steps, end: true });
    const list = [
      map("Import", { itemReader: { format: "json", bucket: pulumi.output("in-1"), key: "a.json" }, steps: [inner], end: true }),
    ] as Step[];
    assert.deepEqual(problems(list), []);
    assert.deepEqual(Object.keys(mapBuckets(list)), ["Import", "Inner"]);
    const resolved = withMapBuckets(list, { Import: { reader: "in-1" }, Inner: { writer: "out-1" } });
    assert.deepEqual(
      mapIoStatements(allSteps(resolved), "aws").map((s) => s.Resource),
      ["arn:aws:s3:::in-1/a.json", "arn:aws:s3:::out-1/r/*"],
    );
    // The steps given keep their Outputs.
    assert.ok(pulumi.Output.isInstance((list[0] as { itemReader: { bucket: unknown } }).itemReader.bucket));
  });
});

describe("the S3 grants of a Map's reader and writer", () => {
  const grants = (options: Record<string, unknown>) => mapIoStatements([mapWith(options)], "aws");

  it("read exactly the object named, or the bucket's objects when the key is a path", () => {
    assert.deepEqual(grants({ itemReader: { format: "json", bucket: "in-bucket", key: "a.json" } }), [
      { Sid: "ReadItemsImport", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::in-bucket/a.json" },
    ]);
    assert.equal(grants({ itemReader: { format: "json", bucket: "in-bucket", keyPath: "$.k" } })[0].Resource, "arn:aws:s3:::in-bucket/*");
    assert.equal(
      grants({ itemReader: { format: "json", bucketPath: "$.b", key: "a.json", acknowledgeWildcard: "tenants" } })[0].Resource,
      "arn:aws:s3:::*/a.json",
    );
    assert.deepEqual(
      grants({ itemReader: { format: "manifest", bucket: "inv", key: "dest/src/cfg/2026-01-01T00-00Z/manifest.json" } })[0].Resource,
      ["arn:aws:s3:::inv/dest/src/cfg/2026-01-01T00-00Z/manifest.json", "arn:aws:s3:::inv/dest/src/cfg/data/*"],
    );
  });

  it("list the bucket under the prefix only, and write under the writer's prefix", () => {
    assert.deepEqual(grants({ itemReader: { format: "listObjects", bucket: "in-bucket", prefix: "incoming/" } }), [
      {
        Sid: "ListItemsImport",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::in-bucket",
        Condition: { StringLike: { "s3:prefix": ["incoming/*"] } },
      },
    ]);
    assert.equal(grants({ itemReader: { format: "listObjects", bucket: "in-bucket" } })[0].Condition, undefined);
    assert.deepEqual(grants({ itemsPath: "$.items", resultWriter: { bucket: "out-bucket", prefix: "results" } }), [
      {
        Sid: "WriteResultsImport",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
        Resource: "arn:aws:s3:::out-bucket/results/*",
      },
    ]);
    assert.deepEqual(grants({ itemsPath: "$.items" }), []);
  });
});
