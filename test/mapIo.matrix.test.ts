/**
 * Least privilege of a Distributed Map's S3 reader and writer, as a matrix: the execution role's policy (built by
 * executionRolePolicy from the Map's grants) allows what the Map names and denies its neighbours (another key,
 * bucket, prefix or action). Decisions come from the offline IAM SIMULATION (@cloud-copilot/iam-simulate).
 */
import assert from "node:assert/strict";
import { executionRolePolicy, map, task, type Step } from "../components/index";
import { mapIoStatements } from "../components/core/mapIo";
import { type Decision, simulate } from "./support/iamSimulation";

const steps = [task("Handle", { handler: async (input: unknown) => input, timeoutSeconds: 10, end: true })];
const maps: Step[] = [
  map("ImportRows", {
    itemReader: { format: "csv", bucket: "imports", key: "2026/rows.csv", csvHeaders: "firstRow" },
    resultWriter: { bucket: "results", prefix: "runs" },
    steps,
    end: true,
  }),
  map("ImportTenantFile", { itemReader: { format: "jsonl", bucket: "tenants", keyPath: "$.detail.key" }, steps, end: true }),
  map("ScanIncoming", { itemReader: { format: "listObjects", bucket: "scans", prefix: "incoming/" }, steps, end: true }),
];
const policy = executionRolePolicy({ functionArns: [], eventBusArns: [], distributedMapS3: mapIoStatements(maps, "aws") });

/** [action, resource, expected, S3 request context (the listing's prefix)]. */
const rows: [string, string, Decision, Record<string, string>?][] = [
  // getObject reader: the object named, nothing beside it.
  ["s3:GetObject", "arn:aws:s3:::imports/2026/rows.csv", "Allowed"],
  ["s3:GetObject", "arn:aws:s3:::imports/2026/other.csv", "ImplicitlyDenied"],
  ["s3:PutObject", "arn:aws:s3:::imports/2026/rows.csv", "ImplicitlyDenied"],
  ["s3:GetObject", "arn:aws:s3:::imports-neighbour/2026/rows.csv", "ImplicitlyDenied"],
  // A key read from the input: the bucket's objects, not another bucket's.
  ["s3:GetObject", "arn:aws:s3:::tenants/acme/orders.jsonl", "Allowed"],
  ["s3:GetObject", "arn:aws:s3:::tenants-archive/acme/orders.jsonl", "ImplicitlyDenied"],
  ["s3:ListBucket", "arn:aws:s3:::tenants", "ImplicitlyDenied", { "s3:prefix": "acme/" }],
  // listObjectsV2 reader: list the bucket under its prefix only.
  ["s3:ListBucket", "arn:aws:s3:::scans", "Allowed", { "s3:prefix": "incoming/" }],
  ["s3:ListBucket", "arn:aws:s3:::scans", "ImplicitlyDenied", { "s3:prefix": "private/" }],
  ["s3:ListBucket", "arn:aws:s3:::scans-neighbour", "ImplicitlyDenied", { "s3:prefix": "incoming/" }],
  ["s3:GetObject", "arn:aws:s3:::scans/incoming/a.pdf", "ImplicitlyDenied"],
  // ResultWriter: write (and complete multipart uploads) under the prefix only.
  ["s3:PutObject", "arn:aws:s3:::results/runs/run-1/manifest.json", "Allowed"],
  ["s3:AbortMultipartUpload", "arn:aws:s3:::results/runs/run-1/SUCCEEDED_0.json", "Allowed"],
  ["s3:ListMultipartUploadParts", "arn:aws:s3:::results/runs/run-1/SUCCEEDED_0.json", "Allowed"],
  ["s3:PutObject", "arn:aws:s3:::results/other/manifest.json", "ImplicitlyDenied"],
  ["s3:PutObject", "arn:aws:s3:::results-neighbour/runs/manifest.json", "ImplicitlyDenied"],
  ["s3:DeleteObject", "arn:aws:s3:::results/runs/run-1/manifest.json", "ImplicitlyDenied"],
];

describe("least privilege of a Distributed Map's S3 reader and writer, as a matrix (IAM simulated offline)", () => {
  it("allows what each Map names and denies its neighbours", async () => {
    const results = await Promise.all(
      rows.map(async ([action, resource, expected, context]) => ({
        action,
        resource,
        expected,
        actual: await simulate(action, resource, { identityPolicy: policy, ...(context ? { context } : {}) }),
      })),
    );
    console.table(results);
    assert.deepEqual(
      results.filter((r) => r.actual !== r.expected).map((r) => `${r.action} on ${r.resource}: expected ${r.expected}, got ${r.actual}`),
      [],
    );
  });
});
