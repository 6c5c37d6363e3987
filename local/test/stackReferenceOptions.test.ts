/**
 * `--stack-reference <org/project/stack>=<outputs.json>` read before anything runs: each malformed entry is an input
 * error naming it; and a run whose chain of published events was cut at the hop limit exits 1 even when every
 * execution succeeded.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunnerInputError } from "../input/eventInput";
import { exitCodeOf, parseStackReferences, programSettingsOf } from "../cli/options";
import type { EventReport } from "../runner/runner";

describe("--stack-reference", () => {
  const folder = mkdtempSync(join(tmpdir(), "edw-refs-"));
  const file = (name: string, text: string) => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  };

  it("reads each reference's outputs from its JSON file", () => {
    const outputs = file("shop.json", '{ "eventBusName": "shop-events", "count": 2 }');
    assert.deepEqual(parseStackReferences([`acme/shop/dev=${outputs}`]), { "acme/shop/dev": { eventBusName: "shop-events", count: 2 } });
    assert.match(programSettingsOf({}).stackReferenceHint("acme/shop/dev"), /--stack-reference acme\/shop\/dev=<outputs\.json>/);
  });

  it("refuses an entry without a file, a missing file, and a file that is not a JSON object, naming the entry", () => {
    const list = file("list.json", "[1, 2]");
    for (const [entry, message] of [
      ["acme/shop/dev", /use <org\/project\/stack>=<outputs\.json>/],
      ["acme/shop/dev=", /use <org\/project\/stack>=<outputs\.json>/],
      [`acme/shop/dev=${join(folder, "missing.json")}`, /cannot read .*missing\.json as JSON/],
      [`acme/shop/dev=${list}`, /must hold a JSON object of the stack's outputs/],
    ] as const) {
      assert.throws(
        () => parseStackReferences([entry]),
        (error: Error) => error instanceof RunnerInputError && error.message.includes(`"${entry}"`) && message.test(error.message),
      );
    }
  });
});

describe("exit code of a chain", () => {
  const execution = { status: "SUCCEEDED" } as EventReport["executions"][number];
  const report = (extra: Partial<EventReport>): EventReport => ({
    label: "e",
    status: "SUCCEEDED",
    matches: [],
    executions: [execution],
    ...extra,
  });

  it("is 1 when a chained execution failed or the chain hit the hop limit, 0 otherwise", () => {
    assert.equal(exitCodeOf([report({})]), 0);
    const failed = { ...execution, status: "FAILED" } as typeof execution;
    const link = {
      hop: 1,
      from: { workflow: "a", state: "S", executionId: "x" },
      event: { source: "s", detailType: "d", eventBusName: "default", detail: {} },
      trail: "",
    };
    assert.equal(exitCodeOf([report({ chain: [{ ...link, executions: [failed] }] })]), 1);
    assert.equal(exitCodeOf([report({ chain: [{ ...link, executions: [execution] }] })]), 0);
    assert.equal(exitCodeOf([report({ chainError: "the chain of published events reached the hop limit (10)" })]), 1);
  });
});
