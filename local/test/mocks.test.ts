/** The computed state the local mocks give resources: what a program reads back as it would after `pulumi up`. */
import assert from "node:assert/strict";
import { workflowMocks } from "../program/mocks";

describe("local Pulumi mocks", () => {
  const created = async (type: string, name: string, inputs: Record<string, unknown>) =>
    (await workflowMocks().newResource({ type, name, inputs, custom: true })).state as Record<string, string>;

  it("names a bucket by its `bucket` input, as S3 does, and auto-names it only without one", async () => {
    for (const type of ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]) {
      const named = await created(type, "imports", { bucket: "acme-imports" });
      assert.equal(named.bucket, "acme-imports", type);
      assert.equal(named.arn, "arn:aws:s3:::acme-imports", type);
      const unnamed = await created(type, "imports", {});
      assert.match(unnamed.bucket, /^imports-[0-9a-z]+$/, type);
      assert.equal(unnamed.arn, `arn:aws:s3:::${unnamed.bucket}`, type);
    }
  });
});
