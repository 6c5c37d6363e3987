/**
 * One TypeScript parse per function text while a program is synthesized. Pulumi's closure serializer parses the text
 * of every function it meets (`parseFunction`: TypeScript's parser, then a walk for the names it captures), once per
 * serialization: the steps of a program share their helpers (error classes, logging, clients' wrappers), so most
 * parses repeat one made for an earlier step (120 of 203 for the order program). The parse is a pure function of the
 * text, and the serializer only reads its result, so a parse is reused for the same text; nothing else of the
 * serialization is (each function's captured values are looked up afresh). Only while a synthesis runs: `pulumi up`
 * is left as it is.
 */

type Parse = (text: string) => unknown;

/** The module of @pulumi/pulumi that parses function texts, as the serializer requires it (`require("./parseFunction")`). */
const PARSER = "@pulumi/pulumi/runtime/closure/parseFunction";

/**
 * Makes the serializer of the @pulumi/pulumi that `paths` resolve reuse its parse of a text it parsed already, until
 * `restore`. Does nothing for an SDK without that module (its serializer parses as before).
 */
export function shareFunctionParses(paths: string[]): { restore(): void } {
  let parser: { parseFunction?: Parse };
  try {
    parser = require(require.resolve(PARSER, { paths }));
  } catch {
    return { restore() {} };
  }
  const parse = parser.parseFunction;
  if (typeof parse !== "function") return { restore() {} };
  const parses = new Map<string, unknown>();
  const shared: Parse = (text) => {
    if (!parses.has(text)) parses.set(text, parse(text));
    return parses.get(text);
  };
  parser.parseFunction = shared;
  return {
    restore() {
      if (parser.parseFunction === shared) parser.parseFunction = parse;
    },
  };
}
