/**
 * shareFunctionParses (local/program/sharedParses.ts): while it is on, Pulumi's serializer parses each function text
 * once, and functions of the same text still serialize with their own captured values; `restore` puts the
 * serializer's own parse back.
 */
import assert from "node:assert/strict";
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

  it("does nothing where @pulumi/pulumi cannot be found", () => {
    const shared = shareFunctionParses(["/"]);
    assert.equal(parser.parseFunction, own);
    shared.restore();
  });
});
