/**
 * compactSerializedFunctions (core/compactSerialized.ts): the no-ops of Pulumi's serialization boilerplate go, on a
 * real serialization, and what is left behaves as the serialized code did.
 */
import assert from "node:assert/strict";
import { compactSerializedFunctions } from "../../core/compactSerialized";
import { buildStepArchive } from "../../stepArchive";

/** Runs `source` (an `__index.js`) as a CommonJS module and calls its handler with `input`. */
function run(source: string, input: unknown): Promise<unknown> {
  const module = { exports: {} as Record<string, (input: unknown) => Promise<unknown>> };
  new Function("exports", "module", "require", source)(module.exports, module, require);
  return module.exports.handler(input);
}

describe("compactSerializedFunctions: Pulumi's boilerplate without its no-ops", () => {
  it("drops the null arguments/caller of serialized sloppy functions, `this: undefined` and `.apply(undefined, undefined)`; the handler computes the same", async () => {
    // A sloppy function (as a CommonJS file without "use strict" declares them) has own `arguments` and `caller`.
    const sloppy = new Function("x", "return { x: x + 1, args: arguments.length }") as (x: number) => unknown;
    const handler = async (input: { n: number }) => ({ inner: sloppy(input.n), withArguments: ((...a: number[]) => a.length)(1, 2) });
    const { source: serialized } = await buildStepArchive(handler, { stepName: "S", bundle: [], sizeBudgetBytes: 1e9, minify: false });
    assert.match(serialized, /Object\.defineProperty\(__anonymous, "arguments", \{ value: null \}\);/);
    assert.match(serialized, /this: undefined, arguments: undefined/);

    const compact = compactSerializedFunctions(serialized);
    assert.doesNotMatch(
      compact,
      /"arguments", \{ value: null \}|"caller", \{ value: null \}|this: undefined|\.apply\(undefined, undefined\)/,
    );
    // `arguments: undefined` stays: it hides the wrapper's arguments from the serialized code.
    assert.match(compact, /with\(\{ sloppy: __anonymous, arguments: undefined \}\)/);
    assert.ok(compact.length < serialized.length - 150, `${compact.length} vs ${serialized.length}`);
    const expected = { inner: { x: 2, args: 1 }, withArguments: 2 };
    assert.deepEqual(await run(serialized, { n: 1 }), expected);
    assert.deepEqual(await run(compact, { n: 1 }), expected);
  });

  it("keeps a property definition on anything but a function the text declares, and a wrapper that captured `this`", () => {
    const text = [
      'Object.defineProperty(__config, "arguments", { value: null });',
      "function __f0() {",
      "  return (function() {",
      "    with({ this: undefined, arguments: undefined }) {",
      "return () => 1;",
      "    }",
      "  }).apply(__this, undefined).apply(this, arguments);",
      "}",
      "",
    ].join("\n");
    const compact = compactSerializedFunctions(text);
    assert.match(compact, /^Object\.defineProperty\(__config, "arguments", \{ value: null \}\);$/m);
    assert.match(compact, /\.apply\(__this, undefined\)/);
    assert.match(compact, /with\(\{ arguments: undefined \}\)/);
    // A line of the serialized code that reads like the wrapper's, in a template literal, is left as it is.
    const quoted = "  }).apply(undefined, undefined).apply(this, arguments);";
    const code = `function __f1() {\n  return (function() {\n    with({ arguments: undefined }) {\n\nreturn () => \`\n${quoted}\n\`;\n\n    }\n  })().apply(this, arguments);\n}\n`;
    assert.equal(compactSerializedFunctions(code), code);
  });
});
