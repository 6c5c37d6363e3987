/**
 * A Distributed Map's itemReader, itemBatcher and resultWriter run locally against the S3 STAND-IN (a folder per
 * bucket): items read from a CSV file, JSON Lines and a listing, batched as ItemBatcher does, results written as a
 * manifest and a results file; the extra states in the path say the stand-in was used; a bucket without a stand-in
 * is refused naming the Map, the bucket and the option.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileDefinition, map, task, type Step } from "event-driven-workflow";
import { bindTaskSteps, localResources } from "../runner/bindSteps";
import { LocalWorkflow } from "../runner/execute";
import { batchItems, parseCsv } from "../simulators/s3StandIn";
import { toMermaid } from "../graph/graph";

type Json = any;
let root: string;
const seen: Json[] = [];
const record = async (input: Json) => {
  seen.push(input);
  return { got: input };
};
const ORDERS = '{"n":1}\n{"n":2}\n\n{"n":3}\n';
const steps = [task("Record", { handler: record, timeoutSeconds: 10, end: true })];

function machine(list: Step[], s3: Record<string, string>) {
  const definition = compileDefinition(list, localResources("imports", list));
  return new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("imports", list), s3, captureOutput: true });
}

describe("a Distributed Map's S3 reader, batcher and writer, run locally against the S3 stand-in", () => {
  beforeEach(() => {
    seen.length = 0;
    root = mkdtempSync(join(tmpdir(), "edw-s3-"));
    mkdirSync(join(root, "imports", "2026"), { recursive: true });
    writeFileSync(join(root, "imports", "2026", "rows.csv"), 'id,note\n1,"a, b"\n2,plain\n3,"say ""hi"""\n');
    writeFileSync(join(root, "imports", "2026", "orders.jsonl"), ORDERS);
    mkdirSync(join(root, "results"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("reads CSV rows from the stand-in, batches them, writes the results there and outputs the manifest's location", async () => {
    const list: Step[] = [
      map("ImportRows", {
        inputPath: "$.detail",
        itemReader: { format: "csv", bucket: "imports", keyPath: "$.key", csvHeaders: "firstRow" },
        itemBatcher: { maxItemsPerBatch: 2, batchInput: { "source.$": "$.source" } },
        resultWriter: { bucket: "results", prefix: "runs" },
        resultPath: "$.written",
        steps,
        end: true,
      }),
    ];
    const result = await machine(list, { imports: join(root, "imports"), results: join(root, "results") }).run({
      detail: { key: "2026/rows.csv", source: "upload" },
    });
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    const batches = [
      {
        BatchInput: { source: "upload" },
        Items: [
          { id: "1", note: "a, b" },
          { id: "2", note: "plain" },
        ],
      },
      { BatchInput: { source: "upload" }, Items: [{ id: "3", note: 'say "hi"' }] },
    ];
    assert.deepEqual(seen, batches);
    assert.deepEqual(result.path, [
      "ImportRows (S3 stand-in read)",
      "ImportRows",
      "Record",
      "Record",
      "ImportRows (S3 stand-in write)",
      "ImportRows (S3 stand-in result)",
    ]);
    const details = result.output.written.ResultWriterDetails;
    assert.equal(details.Bucket, "results");
    assert.match(details.Key, /^runs\/[0-9a-f-]+\/manifest\.json$/);
    assert.deepEqual(result.output.detail, { key: "2026/rows.csv", source: "upload" });
    const manifest = JSON.parse(readFileSync(join(root, "results", ...details.Key.split("/")), "utf8"));
    const resultsKey = manifest.ResultFiles.SUCCEEDED[0].Key;
    const written = JSON.parse(readFileSync(join(root, "results", ...resultsKey.split("/")), "utf8"));
    assert.deepEqual(
      written.map((r: Json) => JSON.parse(r.Output)),
      batches.map((b) => ({ got: b })),
    );
  });

  it("reads JSON Lines up to maxItems, and a listing under a prefix, item by item", async () => {
    const jsonl = await machine(
      [map("Orders", { itemReader: { format: "jsonl", bucket: "imports", key: "2026/orders.jsonl", maxItems: 2 }, steps, end: true })],
      { imports: join(root, "imports") },
    ).run({});
    assert.equal(jsonl.status, "SUCCEEDED", `${jsonl.error}: ${jsonl.cause}`);
    assert.deepEqual(jsonl.output, [{ got: { n: 1 } }, { got: { n: 2 } }]);
    const listing = await machine(
      [map("Files", { itemReader: { format: "listObjects", bucket: "imports", prefix: "2026/o" }, steps, end: true })],
      {
        imports: join(root, "imports"),
      },
    ).run({});
    assert.equal(listing.status, "SUCCEEDED", `${listing.error}: ${listing.cause}`);
    assert.deepEqual(
      listing.output.map((r: Json) => [r.got.Key, r.got.Size, r.got.StorageClass]),
      [["2026/orders.jsonl", Buffer.byteLength(ORDERS), "STANDARD"]],
    );
  });

  it("refuses a Map whose bucket has no stand-in, naming the Map, the bucket and the option; fails a missing object as the Map", async () => {
    const list: Step[] = [map("Orders", { itemReader: { format: "json", bucket: "imports", key: "a.json" }, steps, end: true })];
    assert.throws(
      () => machine(list, {}),
      /Map "Orders" uses S3 bucket "imports", which has no local stand-in: give one with `--s3 imports=<folder>`/,
    );
    // A bucket read from the input is known only at run time: the Map fails then, naming it.
    const fromInput: Step[] = [
      map("Orders", {
        itemReader: { format: "json", bucketPath: "$.bucket", key: "a.json", acknowledgeWildcard: "one bucket per tenant" },
        steps,
        end: true,
      }),
    ];
    const unknown = await machine(fromInput, { imports: join(root, "imports") }).run({ bucket: "tenant-7" });
    assert.equal(unknown.status, "FAILED");
    assert.equal(unknown.error, "States.Runtime");
    assert.match(String(unknown.cause), /Map "Orders" uses S3 bucket "tenant-7", which has no local stand-in/);
    const missing = await machine(list, { imports: join(root, "imports") }).run({});
    assert.equal(missing.status, "FAILED");
    assert.match(String(missing.cause), /reads s3:\/\/imports\/a\.json, which is not in its stand-in folder/);
  });
});

describe("the graph of a Distributed Map reading and writing S3", () => {
  it("labels the Map with where it reads, how it batches and where it writes", () => {
    const list: Step[] = [
      map("ImportRows", {
        itemReader: { format: "csv", bucket: "imports", keyPath: "$.key", csvHeaders: "firstRow" },
        itemBatcher: { maxItemsPerBatch: 2, maxInputBytesPerBatch: 1024 },
        resultWriter: { bucket: "results", prefix: "runs" },
        steps,
        next: "Files",
      }),
      map("Files", {
        itemReader: { format: "listObjects", bucket: "imports", prefix: "in/" },
        steps: [task("RecordFile", { handler: record, timeoutSeconds: 10, end: true })],
        end: true,
      }),
    ];
    const chart = toMermaid(compileDefinition(list, localResources("imports", list)));
    assert.match(
      chart,
      /ImportRows \(distributed map; over s3:\/\/imports\/\{\$\.key\} \(CSV\); batches of 2 items or 1024 bytes; results to s3:\/\/results\/runs\)/,
    );
    assert.match(chart, /Files \(distributed map; over s3:\/\/imports\/in\/\* \(listing\)\)/);
  });
});

describe("the S3 stand-in's CSV parser and batcher", () => {
  it("parses quoted fields with commas, quotes and newlines", () => {
    assert.deepEqual(parseCsv('a,b\r\n"x, y","he said ""no"""\n"multi\nline",\n'), [
      ["a", "b"],
      ["x, y", 'he said "no"'],
      ["multi\nline", ""],
    ]);
  });

  it("closes a batch at the item count or before the byte limit, whichever comes first", () => {
    const items = ["aaaa", "bbbb", "cccc", "dddd", "eeee"]; // 6 bytes each as JSON
    assert.deepEqual(
      batchItems(items, { MaxItemsPerBatch: 3 }).map((b) => b.Items),
      [
        ["aaaa", "bbbb", "cccc"],
        ["dddd", "eeee"],
      ],
    );
    assert.deepEqual(
      batchItems(items, { MaxInputBytesPerBatch: 13 }).map((b) => b.Items),
      [["aaaa", "bbbb"], ["cccc", "dddd"], ["eeee"]],
    );
  });
});
