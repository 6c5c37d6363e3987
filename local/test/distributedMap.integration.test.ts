/**
 * A Distributed Map with an S3 reader, batcher and writer, run through the test kit and edw-local's options against
 * the S3 stand-in (a folder per bucket): the rows are read from the stand-in, batched, and the results written back
 * there; the path shows the stand-in states; a run without a stand-in is refused naming the Map, the bucket and the
 * option; the policy pack passes the program.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkProgram } from "../check/check";
import { parseCommandLine } from "../cli/run";
import { RunnerInputError } from "../input/eventInput";
import { ofType, synthesizeProgram } from "../program/synthesize";
import { runEvents } from "../testing";

const PROGRAM = join(__dirname, "fixtures", "distributedMap.ts");
const EVENT = { source: "imports", "detail-type": "File Uploaded", detail: { key: "2026/stock.csv" } };

describe("a Distributed Map reading and writing S3, run locally against the S3 stand-in", function () {
  this.timeout(180_000);
  let root: string;
  /** The results bucket's name, as the program's bucket resource gets it (under Pulumi mocks). */
  let resultsBucket: string;
  let resources: Awaited<ReturnType<typeof synthesizeProgram>>["resources"];
  before(async () => {
    const synthesis = await synthesizeProgram(PROGRAM, { stack: "test" });
    resources = synthesis.resources;
    resultsBucket = (synthesis.outputs as { resultsBucket: string }).resultsBucket;
    root = mkdtempSync(join(tmpdir(), "edw-dmap-"));
    mkdirSync(join(root, "imports", "2026"), { recursive: true });
    mkdirSync(join(root, "results"));
    writeFileSync(join(root, "imports", "2026", "stock.csv"), "sku,quantity\nA,1\nB,2\nC,4\n");
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("reads the rows from the stand-in, batches them, writes the results there, and says so in the path (test kit)", async () => {
    const [report] = await runEvents(PROGRAM, EVENT, {
      s3: { "edw-imports": join(root, "imports"), [resultsBucket]: join(root, "results") },
    });
    const [execution] = report.executions;
    assert.equal(execution.status, "SUCCEEDED", `${execution.error}: ${execution.cause}`);
    assert.deepEqual(execution.path, [
      "ImportRows (S3 stand-in read)",
      "ImportRows",
      "ImportBatch",
      "ImportBatch",
      "ImportRows (S3 stand-in write)",
      "ImportRows (S3 stand-in result)",
    ]);
    // The history names each stand-in state by its kind, as the engine ran it.
    const entered = (state: string) => execution.history.find((e) => e.state === state && e.type.endsWith("StateEntered"))?.type;
    assert.equal(entered("ImportRows (S3 stand-in read)"), "TaskStateEntered");
    assert.equal(entered("ImportRows (S3 stand-in write)"), "TaskStateEntered");
    assert.equal(entered("ImportRows (S3 stand-in result)"), "PassStateEntered");
    const { Bucket, Key } = (execution.output as { results: { ResultWriterDetails: { Bucket: string; Key: string } } }).results
      .ResultWriterDetails;
    assert.equal(Bucket, resultsBucket);
    const manifest = JSON.parse(readFileSync(join(root, "results", ...Key.split("/")), "utf8"));
    const results = JSON.parse(readFileSync(join(root, "results", ...manifest.ResultFiles.SUCCEEDED[0].Key.split("/")), "utf8"));
    assert.deepEqual(
      results.map((r: { Output: string }) => JSON.parse(r.Output).imported),
      [1 + 2, 4],
    );
  });

  it("refuses a run without a stand-in for the Map's bucket, naming the Map, the bucket and the option", async () => {
    await assert.rejects(
      runEvents(PROGRAM, EVENT, { s3: { [resultsBucket]: join(root, "results") } }),
      (error: Error) =>
        error instanceof RunnerInputError &&
        /Map "ImportRows" uses S3 bucket "edw-imports", which has no local stand-in: give one with `--s3 edw-imports=<folder>`/.test(
          error.message,
        ),
    );
  });

  it("edw-local --s3 <bucket>=<folder> gives the runner the stand-in; a malformed entry or a missing folder is a usage error", () => {
    assert.deepEqual(parseCommandLine(["index.ts", "--s3", `edw-imports=${root}`])?.runner.s3, { "edw-imports": root });
    assert.throws(
      () => parseCommandLine(["index.ts", "--s3", "edw-imports"]),
      (e: Error) => e instanceof RunnerInputError && /--s3 takes <bucket>=<folder>/.test(e.message),
    );
    assert.throws(
      () => parseCommandLine(["index.ts", "--s3", `edw-imports=${join(root, "nowhere")}`]),
      (e: Error) => e instanceof RunnerInputError && /is not a folder/.test(e.message),
    );
  });

  it("grants the execution role read access to the file's bucket and write access under the results prefix (the bucket resource's name), nothing wider", async () => {
    const policy = ofType(resources, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "row-importer-execution");
    const statements = JSON.parse(String(policy?.inputs.policy)).Statement.filter((s: { Action: unknown }) =>
      JSON.stringify(s.Action).includes("s3:"),
    );
    assert.deepEqual(statements, [
      { Sid: "ReadItemsImportRows", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::edw-imports/*" },
      {
        Sid: "WriteResultsImportRows",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
        Resource: `arn:aws:s3:::${resultsBucket}/imports/*`,
      },
    ]);
  });

  it("passes the policy pack", async () => {
    assert.deepEqual((await checkProgram(PROGRAM)).findings, []);
  });
});
