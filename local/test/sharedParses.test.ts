/**
 * shareFunctionParses (local/program/sharedParses.ts): while it is on, Pulumi's serializer parses each function text
 * once, in a synthesis and across syntheses (through a file, for one version of Pulumi and TypeScript), and functions
 * of the same text still serialize with their own captured values; `restore` puts the serializer's own parse back.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { shareFunctionParses } from "../program/sharedParses";

type Parser = { parseFunction: (text: string) => unknown };

describe("shared function parses", function () {
  this.timeout(60_000);
  const parser = require("@pulumi/pulumi/runtime/closure/parseFunction") as Parser;
  const own = parser.parseFunction;
  afterEach(() => {
    parser.parseFunction = own;
  });

  /** The serialized `handler` of `fn`, loaded. */
  async function roundTrip(fn: () => unknown): Promise<() => unknown> {
    const { text } = await pulumi.runtime.serializeFunction(fn);
    const module = { exports: {} as { handler: () => unknown } };
    new Function("exports", "module", "require", text)(module.exports, module, require);
    return module.exports.handler;
  }

  it("parses a text once, yet each function keeps its own captured values; restore puts the serializer's parse back", async () => {
    const texts: string[] = [];
    const counting = (text: string) => {
      texts.push(text);
      return own(text);
    };
    parser.parseFunction = counting;
    // Two functions of one text (`() => ({ said: word })`) that capture different values.
    const saying = (word: string) => () => ({ said: word });
    const shared = shareFunctionParses([__dirname]);
    try {
      assert.deepEqual((await roundTrip(saying("one")))(), { said: "one" });
      assert.deepEqual((await roundTrip(saying("two")))(), { said: "two" });
    } finally {
      shared.restore();
    }
    const parsesOf = (text: string) => texts.filter((t) => t === text).length;
    assert.equal(parsesOf(saying("any").toString()), 1, "the second function's text was not parsed again");
    assert.equal(parser.parseFunction, counting, "restored");
    assert.deepEqual((await roundTrip(saying("three")))(), { said: "three" });
    assert.equal(parsesOf(saying("any").toString()), 2, "after restore, the serializer parses again");
  });

  it("keeps a synthesis's parses in a file for the next one, which parses only texts it did not keep", async () => {
    const folder = mkdtempSync(join(tmpdir(), "edw-parses-"));
    const file = join(folder, "parses.json");
    const saying = (word: string) => () => ({ said: word });
    const other = (word: string) => async () => [word];
    try {
      const first = shareFunctionParses([__dirname], file);
      assert.deepEqual((await roundTrip(saying("one")))(), { said: "one" });
      first.restore();
      const texts: string[] = [];
      parser.parseFunction = (text) => {
        texts.push(text);
        return own(text);
      };
      const second = shareFunctionParses([__dirname], file);
      try {
        assert.deepEqual((await roundTrip(saying("two")))(), { said: "two" }, "a kept parse, with this function's own value");
        assert.deepEqual(await (await roundTrip(other("three")))(), ["three"]);
      } finally {
        second.restore();
      }
      assert.equal(texts.filter((t) => t === saying("any").toString()).length, 0, "the kept text was not parsed again");
      assert.equal(texts.filter((t) => t === other("any").toString()).length, 1, "a new text was");
      // Parses kept for other versions of Pulumi or TypeScript are not used.
      const kept = JSON.parse(readFileSync(file, "utf8"));
      writeFileSync(file, JSON.stringify({ ...kept, versions: "another" }));
      texts.length = 0;
      const third = shareFunctionParses([__dirname], file);
      await roundTrip(saying("four"));
      third.restore();
      assert.equal(texts.filter((t) => t === saying("any").toString()).length, 1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("does nothing where @pulumi/pulumi cannot be found", () => {
    const shared = shareFunctionParses(["/"]);
    assert.equal(parser.parseFunction, own);
    shared.restore();
  });
});
