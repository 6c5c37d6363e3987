/** `edw-local --service <service:action>=<response.json>`: the entry becomes a stand-in answering with the file's JSON. */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine } from "../cli/run";
import { RunnerInputError } from "../input/eventInput";

describe("edw-local --service", () => {
  const folder = mkdtempSync(join(tmpdir(), "edw-service-"));
  const response = join(folder, "object.json");
  writeFileSync(response, JSON.stringify({ ContentLength: 5 }));

  it("answers the named call with the file's JSON, a fresh copy each time", async () => {
    const services = parseCommandLine(["index.ts", "--service", `s3:getObject=${response}`])?.runner.services ?? {};
    assert.deepEqual(Object.keys(services), ["s3:getObject"]);
    const call = { state: "Read", service: "s3", action: "getObject" };
    const first = (await services["s3:getObject"]({}, call)) as { ContentLength: number };
    first.ContentLength = 0;
    assert.deepEqual(await services["s3:getObject"]({}, call), { ContentLength: 5 });
  });

  it("refuses a malformed entry and a file that is not JSON, naming the entry", () => {
    assert.throws(
      () => parseCommandLine(["index.ts", "--service", "S3:GetObject=x.json"]),
      (e: Error) => e instanceof RunnerInputError && /<service:action>=<response\.json>/.test(e.message),
    );
    assert.throws(
      () => parseCommandLine(["index.ts", "--service", `s3:getObject=${join(folder, "missing.json")}`]),
      (e: Error) => e instanceof RunnerInputError && /--service "s3:getObject=.*cannot read/.test(e.message),
    );
  });
});
