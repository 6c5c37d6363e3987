/**
 * Pulumi's serialization of a handler, without the parts of its boilerplate that do nothing (deploy time, pure).
 * Every function it serializes is a sloppy-mode `function __fN(...) { return (function() { with({ ...,
 * this: undefined, arguments: undefined }) { return <code>; } }).apply(undefined, undefined).apply(this, arguments); }`,
 * and one that had own `arguments` and `caller` (a sloppy function's, always null) gets two `Object.defineProperty`
 * statements restoring them. In a step of the order program that is about 0.2 KB per captured function, minified:
 * bytes every cold start reads and parses. Each rewrite below is exact, so the shipped code behaves as serialized.
 */

/**
 * `serialized` (Pulumi's text, before minification) with three no-ops removed:
 * - `Object.defineProperty(__fN, "arguments" | "caller", { value: null })` on a function the text declares: every
 *   function declared there is sloppy (the `with` statement forbids strict mode), so it already has both, null,
 *   non-writable and non-configurable, and redefining them with the same value changes nothing;
 * - `this: undefined` in a `with` object: `this` is a keyword, never looked up in a scope, so that property is never read;
 * - `.apply(undefined, undefined)` on the wrapper that opens the `with` scope: called plainly, a sloppy function gets the
 *   same `this` (the global object) and the wrapper reads no arguments.
 *
 * @example
 * compactSerializedFunctions("function __f0() {\n  return (function() {\n    with({ this: undefined, arguments: undefined }) {\n\nreturn () => 1;\n\n    }\n  }).apply(undefined, undefined).apply(this, arguments);\n}\n");
 * // "function __f0() {\n  return (function() {\n    with({ arguments: undefined }) {\n\nreturn () => 1;\n\n    }\n  })().apply(this, arguments);\n}\n"
 */
export function compactSerializedFunctions(serialized: string): string {
  // Pulumi writes the statements that build the captured values first, then the functions.
  const functionsAt = serialized.search(/^function /m);
  const statements = functionsAt < 0 ? serialized : serialized.slice(0, functionsAt);
  const functions = functionsAt < 0 ? "" : serialized.slice(functionsAt);
  const declared = new Set([...functions.matchAll(/^function ([\w$]+)\(/gm)].map((m) => m[1]));
  const withoutNullRedefinitions = statements.replace(
    /^Object\.defineProperty\(([\w$]+), "(?:arguments|caller)", \{ value: null \}\);\n/gm,
    (statement, name: string) => (declared.has(name) ? "" : statement),
  );
  // Both patterns take lines of the wrapper around them too, so that no line of the serialized code itself is touched.
  // Pulumi puts `this` and `arguments` last in the `with` object when the function captures neither.
  const compactFunctions = functions
    .replace(/^( {2}return \(function\(\) \{\n {4}with\(\{ (?:.*, )?)this: undefined, (arguments: undefined \}\) \{)$/gm, "$1$2")
    .replace(/^( {4}\}\n) {2}\}\)\.apply\(undefined, undefined\)\.apply\(this, arguments\);\n\}$/gm, "$1  })().apply(this, arguments);\n}");
  return withoutNullRedefinitions + compactFunctions;
}
