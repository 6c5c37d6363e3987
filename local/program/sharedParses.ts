/**
 * One TypeScript parse per function text while a program is synthesized, and across syntheses. Pulumi's closure
 * serializer parses the text of every function it meets (`parseFunction`: TypeScript's parser, then a walk for the
 * names it captures), once per serialization: the steps of a program share their helpers (error classes, logging,
 * clients' wrappers), so most parses repeat one made for an earlier step (120 of 203 for the order program), and after
 * an edit most function texts are those the last synthesis parsed. The parse is a pure function of the text (for one
 * version of Pulumi and of TypeScript), and the serializer only reads its result, so a parse is reused for the same
 * text, from memory and from a file beside the synthesis cache; nothing else of the serialization is (each function's
 * captured values are looked up afresh). Only while a synthesis runs: `pulumi up` is left as it is.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { defaultCacheFolder, writeCacheFile } from "./cacheFolder";

type Parse = (text: string) => unknown;

/** The module of @pulumi/pulumi that parses function texts, as the serializer requires it (`require("./parseFunction")`). */
const PARSER = "@pulumi/pulumi/runtime/closure/parseFunction";

/** Bumped whenever what the file holds changes shape. */
const FORMAT = 1;

/**
 * Makes the serializer of the @pulumi/pulumi that `paths` resolve reuse its parse of a text it parsed already, until
 * `restore`; with `file`, the parses kept there by the last synthesis too, and `restore` keeps this synthesis's parses
 * there. Does nothing for an SDK without that module (its serializer parses as before).
 */
export function shareFunctionParses(paths: string[], file?: string): { restore(): void } {
  let parser: { parseFunction?: Parse };
  let versions: string;
  try {
    const entry = require.resolve(PARSER, { paths });
    parser = require(entry);
    versions = versionsOf(entry);
  } catch {
    return { restore() {} };
  }
  const parse = parser.parseFunction;
  if (typeof parse !== "function") return { restore() {} };
  const stored = file ? readParses(file, versions) : new Map<string, unknown>();
  const parses = new Map<string, unknown>();
  let parsed = false;
  const shared: Parse = (text) => {
    if (!parses.has(text)) {
      const kept = stored.get(keyOf(text));
      parsed ||= kept === undefined;
      parses.set(text, kept === undefined ? parse(text) : decode(kept));
    }
    return parses.get(text);
  };
  parser.parseFunction = shared;
  return {
    restore() {
      if (parser.parseFunction === shared) parser.parseFunction = parse;
      if (file && parsed) writeParses(file, versions, parses);
    },
  };
}

/**
 * Where the parses of `program`'s last serializing synthesis are kept: beside the synthesis cache, whatever the run's
 * cache setting (a parse is keyed by the text itself, so it cannot be stale).
 */
export function parsesFileOf(program: string): string {
  return join(
    defaultCacheFolder(program),
    `parses-${keyOf(program)
      .replace(/[^A-Za-z0-9]/g, "")
      .slice(0, 24)}.json`,
  );
}

/** The versions of Pulumi and of the TypeScript its serializer parses with (its vendored copy when none is installed). */
function versionsOf(parserEntry: string): string {
  const pulumiFolder = join(dirname(parserEntry), "..", "..");
  const version = (manifest: string) => (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  let typescript = "vendored";
  try {
    typescript = version(require.resolve("typescript/package.json", { paths: [pulumiFolder] }));
  } catch {}
  return `${FORMAT}/${version(join(pulumiFolder, "package.json"))}/${typescript}`;
}

const keyOf = (text: string) => createHash("sha256").update(text).digest("base64");

function readParses(file: string, versions: string): Map<string, unknown> {
  try {
    const kept = JSON.parse(readFileSync(file, "utf8")) as { versions: string; parses: Record<string, unknown> };
    if (kept.versions === versions) return new Map(Object.entries(kept.parses));
  } catch {}
  return new Map();
}

/** Keeps the parses of this synthesis only (what the next one most likely meets again), replacing the file at once. */
function writeParses(file: string, versions: string, parses: Map<string, unknown>): void {
  try {
    const entries = Object.fromEntries([...parses].map(([text, result]) => [keyOf(text), encode(result)]));
    writeCacheFile(file, JSON.stringify({ versions, parses: entries }));
  } catch {
    // Not kept: the next synthesis parses again.
  }
}

/** A parse (`[error, result]`) as JSON: its captured-variable Maps as entry lists. */
function encode(parse: unknown): unknown {
  const [error, result] = parse as [string, Record<string, unknown> | undefined];
  if (!result) return [error];
  const { capturedVariables, ...rest } = result as {
    capturedVariables: { required: Map<string, unknown>; optional: Map<string, unknown> };
  };
  return [error, { ...rest, capturedVariables: { required: [...capturedVariables.required], optional: [...capturedVariables.optional] } }];
}

function decode(kept: unknown): unknown {
  const [error, result] = kept as [string, Record<string, unknown> | undefined];
  if (!result) return [error, undefined];
  const { required, optional } = result.capturedVariables as { required: [string, unknown][]; optional: [string, unknown][] };
  return [error, { ...result, capturedVariables: { required: new Map(required), optional: new Map(optional) } }];
}
