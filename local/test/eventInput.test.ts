/**
 * Bad event input is a usage error (exit 2) naming the source and what is wrong: a directory, JSON with a syntax
 * error (line and column, whatever V8's message says), an event nested too deep to process, or one larger than
 * the 256 KB EventBridge accepts in a PutEvents entry.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEventSources } from "../cli/options";
import { parseEvents, RunnerInputError } from "../input/eventInput";

const refused = (pattern: RegExp) => (error: unknown) => error instanceof RunnerInputError && pattern.test(error.message);

describe("event input", () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), "edw-events-"));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("refuses a directory given as an event file, naming it", () => {
    assert.throws(() => readEventSources([folder]), refused(/is a directory, not an event file/));
  });

  it("gives the line and column of every JSON syntax error, including those V8 reports without a position", () => {
    const cases: [string, string][] = [
      ['{\n  "source": x\n}', "line 2, column 13"],
      ['{\n  "a": 1,\n}', "line 3, column 1"],
      ["{'a': 1}", "line 1, column 2"],
      ['{"a": tru}', "line 1, column 10"],
      ["nul", "line 1, column 4"],
      ['{"a": 1}}', "line 1, column 9"],
      ['{"a": "\u0001"}', "line 1, column 8"],
      ['{"source":', "line 1, column 11"],
    ];
    for (const [text, where] of cases) {
      assert.throws(() => parseEvents(text, "bad.json"), refused(new RegExp(`^bad\\.json: invalid JSON at ${where}:`)), text);
    }
  });

  it("refuses an event nested deeper than the runner handles, naming the limit", () => {
    const deep = `{"source":"a","detail":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    assert.throws(() => parseEvents(deep, "deep.json"), refused(/^deep\.json: the event is nested deeper than 1,000 levels/));
    const fine = `{"source":"a","detail":${"[".repeat(200)}${"]".repeat(200)}}`;
    assert.equal(parseEvents(fine, "fine.json").length, 1);
  });

  it("refuses an event over EventBridge's 256 KB entry limit, naming the file, the size and the limit", () => {
    const big = JSON.stringify({ source: "order.service", "detail-type": "Order Placed", detail: { blob: "x".repeat(3_000_000) } });
    assert.throws(
      () => parseEvents(big, "big.json"),
      refused(/^big\.json: the event is 3,000,\d+ bytes; EventBridge refuses PutEvents entries over 256 KB \(262,144 bytes\)/),
    );
    const batch = JSON.stringify([
      { source: "a", detail: {} },
      { source: "b", detail: { blob: "é".repeat(140_000) } },
    ]);
    assert.throws(() => parseEvents(batch, "batch.json"), refused(/^batch\.json \(element 1\): the event is 280,\d+ bytes/));
    const under = JSON.stringify({ source: "a", detail: { blob: "x".repeat(200_000) } });
    assert.equal(parseEvents(under, "under.json").length, 1);
  });

  it("refuses these through the command's own reading of files", () => {
    const file = join(folder, "big.json");
    writeFileSync(file, JSON.stringify({ source: "a", detail: { blob: "x".repeat(300_000) } }));
    assert.throws(() => readEventSources([file]), refused(/big\.json: the event is 300,\d+ bytes/));
  });
});
