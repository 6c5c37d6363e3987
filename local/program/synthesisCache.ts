/**
 * A content-keyed cache of program syntheses, on disk (`node_modules/.cache/edw-local` of the program's project), so
 * that `edw-local` and the test kit skip what dominates a local run: Pulumi's closure serialization of every Lambda
 * (its inspector sessions, TypeScript parses and package-tree walks).
 *
 * What is cached: the resources the program registered (the definitions, every Function's archive with its
 * serialized `__index.js`), the serialization failures and the warnings. What is never cached: the handlers
 * themselves. A run from the artifacts uses the cached archives, which ARE the current code: an entry is used only
 * when every file the synthesis read (the program's modules and their local imports, linked packages, Pulumi.yaml
 * and the stack file, any file the program read) still has the content it had, every package it loaded still has
 * its version, and every environment variable it read by name still has its value; a run from the source loads the program
 * again (its handlers are the current code) and skips only the serialization.
 *
 * Not seen (pass `--no-cache`): a hand edit inside node_modules that keeps the package's version, files read other
 * than by `readFileSync`/`existsSync`, and an ES module program's own modules (Node loads those off the main thread),
 * which is why such programs are not cached.
 */
import { createHash } from "node:crypto";
// The module object itself (not a namespace copy): recordReads swaps its functions while a program is synthesized.
import fs = require("node:fs");
import { dirname, join, resolve as resolvePath, sep } from "node:path";
import { LAMBDA_FUNCTION_TYPE } from "event-driven-workflow/asl";
import { programFormat, withTranspileCache } from "./loader";
import { defaultCacheFolder, writeCacheFile } from "./cacheFolder";
import type { Synthesis } from "./synthesize";

/**
 * Bumped whenever the entries' shape, what the loader's transpilation puts in archives, or what the mocks compute
 * (e.g. a bucket's name) changes: older entries are then misses.
 */
const FORMAT = 3;

/** What was read while a program was synthesized: file -> content hash (null: absent), package folder -> version, variable -> value. */
interface Manifest {
  files: Record<string, string | null>;
  packages: Record<string, string | null>;
  env: Record<string, string | null>;
}

interface Entry {
  format: number;
  manifest: Manifest;
  synthesis: Pick<Synthesis, "project" | "stack" | "resources" | "serializationFailures" | "warnings">;
}

/**
 * A synthesis of `program` through the cache. `synthesize(serialize)` synthesizes it (serializing each Lambda or not).
 * A hit returns the cached synthesis as is when the caller needs no `handlers` (no program loaded: no outputs, no
 * callbacks), else the program synthesized again without serialization, with the cached archives and serialization
 * failures. A miss synthesizes and stores; with `serialize: false` (a caller that needs only the handlers) it
 * synthesizes without serialization and stores nothing, so that its placeholder archives never reach an entry.
 */
export async function throughCache(
  program: string,
  settings: { stack?: string; config?: Record<string, string>; stackReferences?: Record<string, unknown> },
  options: { folder?: string; handlers: boolean; serialize?: boolean; synthesize: (serialize: boolean) => Promise<Synthesis> },
): Promise<Synthesis> {
  const unserialized = async () => notCachedUnserialized(await options.synthesize(false));
  if ((await programFormat(program)) === "module") {
    if (options.serialize === false) return unserialized();
    const note = "not cached: the modules of an ES module program load off the main thread, where the cache cannot see them";
    return { ...(await options.synthesize(true)), cache: { hit: false, note } };
  }
  const folder = options.folder ?? defaultCacheFolder(program);
  const path = entryPath(folder, program, settings);
  // The program's TypeScript is transpiled once per content too (see transpileCache.mjs).
  const synthesize = (serialize: boolean) => withTranspileCache(join(folder, "transpiled"), () => options.synthesize(serialize));
  const cached = readEntry(path);
  if (!cached && options.serialize === false) return unserialized();
  if (!cached) {
    const { synthesis, note } = await synthesizeAndStore(path, () => synthesize(true));
    return { ...synthesis, cache: { hit: false, ...(note ? { note } : {}) } };
  }
  if (!options.handlers) return { ...cached, outputs: {}, callbacks: new Map(), callbackFactories: new Map(), cache: { hit: true } };
  const fresh = await synthesize(false);
  const archives = new Map(cached.resources.filter((r) => r.type === LAMBDA_FUNCTION_TYPE).map((r) => [r.name, r]));
  const resources = fresh.resources.map((r) => {
    const from = r.type === LAMBDA_FUNCTION_TYPE ? archives.get(r.name) : undefined;
    return from ? { ...r, inputs: { ...r.inputs, code: from.inputs.code }, state: { ...r.state, code: from.state.code } } : r;
  });
  return { ...fresh, resources, serializationFailures: cached.serializationFailures, serialized: true, cache: { hit: true } };
}

/** A synthesis without serialization, as the caller reports it: not cached, saying why and what it did not check. */
export function notCachedUnserialized(synthesis: Synthesis): Synthesis {
  return { ...synthesis, cache: { hit: false, note: UNSERIALIZED_NOTE } };
}

/** Why a synthesis without serialization was not cached, and what it did not check. */
export const UNSERIALIZED_NOTE =
  "skipped serializing the Lambdas (the handlers run from the source; not cached): whether `pulumi up` can serialize them " +
  "is not checked here; a run from the artifacts (without --source), `edw-local check` or `edw-local package` checks it";

/** The entry file for one program, stack, project and config (its content is checked against the manifest). */
export function entryPath(
  folder: string,
  program: string,
  settings: { stack?: string; project?: string; config?: Record<string, string>; stackReferences?: Record<string, unknown> },
): string {
  const key = JSON.stringify([
    FORMAT,
    process.version,
    program,
    settings.stack ?? "local",
    settings.project ?? null,
    Object.entries(settings.config ?? {}).sort(),
    // The StackReference stubs are outputs the program reads, read by the caller rather than the synthesis.
    Object.entries(settings.stackReferences ?? {}).sort(),
  ]);
  return join(folder, `${hash(key).slice(0, 24)}.json`);
}

/** The cached synthesis at `path` when its manifest still holds; undefined otherwise (a miss). */
export function readEntry(path: string): Entry["synthesis"] | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(fs.readFileSync(path, "utf8"), (_key, value) => (isEncodedAsset(value) ? decodeAsset(value) : value));
  } catch {
    return undefined;
  }
  if (entry.format !== FORMAT || !manifestHolds(entry.manifest)) return undefined;
  return entry.synthesis;
}

/**
 * Runs `synthesize` while recording what it reads, and writes the entry when the outcome can be cached. Returns the
 * synthesis and, when nothing was written, why.
 */
export async function synthesizeAndStore(
  path: string,
  synthesize: () => Promise<Synthesis>,
): Promise<{ synthesis: Synthesis; note?: string }> {
  const reads = recordReads();
  let synthesis: Synthesis;
  try {
    synthesis = await synthesize();
  } finally {
    reads.stop();
  }
  try {
    const { project, stack, resources, serializationFailures, warnings } = synthesis;
    const entry: Entry = {
      format: FORMAT,
      manifest: manifestOf(reads),
      synthesis: {
        project,
        stack,
        resources: (await encode(resources, "resources")) as Synthesis["resources"],
        serializationFailures,
        warnings,
      },
    };
    writeCacheFile(path, JSON.stringify(entry));
    return { synthesis };
  } catch (error) {
    return { synthesis, note: `not cached: ${error instanceof Error ? error.message : String(error)}` };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What a synthesis reads

interface Reads {
  files: Set<string>;
  env: Set<string>;
  stop(): void;
}

/** Records the files read (`readFileSync`, `existsSync`) and the environment variables read until `stop`. */
function recordReads(): Reads {
  const files = new Set<string>();
  const env = new Set<string>();
  const { readFileSync, existsSync } = fs;
  const note = (path: unknown) => {
    if (typeof path === "string") files.add(resolvePath(path));
    else if (path instanceof URL && path.protocol === "file:") files.add(require("node:url").fileURLToPath(path));
  };
  const writable = fs as { readFileSync: typeof readFileSync; existsSync: typeof existsSync };
  writable.readFileSync = function (this: unknown, path: unknown, ...rest: unknown[]) {
    note(path);
    return (readFileSync as (...args: unknown[]) => unknown).call(this, path, ...rest);
  } as typeof readFileSync;
  writable.existsSync = (path) => {
    note(path);
    return existsSync(path);
  };
  const variables = process.env;
  // A variable read by name counts; the reads of a copy of the whole environment (a child process's, a scan for
  // proxy settings) right after its keys were listed do not: the outcome does not depend on every variable.
  let copying = false;
  const read = (key: string | symbol) => {
    if (typeof key === "string" && !copying) env.add(key);
  };
  process.env = new Proxy(variables, {
    get(target, key) {
      read(key);
      return Reflect.get(target, key);
    },
    has(target, key) {
      read(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      copying = true;
      queueMicrotask(() => {
        copying = false;
      });
      return Reflect.ownKeys(target);
    },
  });
  return {
    files,
    env,
    stop() {
      writable.readFileSync = readFileSync;
      writable.existsSync = existsSync;
      process.env = variables;
    },
  };
}

/** The manifest of what was read: the modules loaded so far in this process count as read too (they shaped the synthesis). */
function manifestOf(reads: Reads): Manifest {
  const manifest: Manifest = { files: {}, packages: {}, env: {} };
  for (const file of new Set([...reads.files, ...Object.keys(require.cache)])) {
    const folder = packageFolderOf(file);
    if (folder) manifest.packages[folder] ??= versionOf(folder);
    else manifest.files[file] = contentHash(file);
  }
  // How Node loaded and esbuild transpiled those files: their package.json (`type`, `main`, `exports`) and tsconfig.json.
  for (const file of Object.keys(manifest.files))
    for (const name of ["package.json", "tsconfig.json"]) {
      const settings = nearest(dirname(file), name);
      if (settings) manifest.files[settings] ??= contentHash(settings);
    }
  for (const key of reads.env) manifest.env[key] = process.env[key] ?? null;
  return manifest;
}

function manifestHolds(manifest: Manifest): boolean {
  return (
    Object.entries(manifest.env).every(([key, value]) => (process.env[key] ?? null) === value) &&
    Object.entries(manifest.packages).every(([folder, version]) => versionOf(folder) === version) &&
    Object.entries(manifest.files).every(([file, content]) => contentHash(file) === content)
  );
}

/** The package folder (`…/node_modules/name` or `…/node_modules/@scope/name`) a path lies in, if any. */
function packageFolderOf(file: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) return undefined;
  const [first, second] = file.slice(at + marker.length).split(sep);
  if (!first || first.startsWith(".")) return file.slice(0, at + marker.length - 1);
  return file.slice(0, at + marker.length) + (first.startsWith("@") && second ? `${first}${sep}${second}` : first);
}

/** The nearest file `name` in `folder` or above it. */
function nearest(folder: string, name: string): string | undefined {
  for (let at = folder; ; at = dirname(at)) {
    if (fs.existsSync(join(at, name))) return join(at, name);
    if (dirname(at) === at) return undefined;
  }
}

function versionOf(folder: string): string | null {
  try {
    const text = fs.readFileSync(join(folder, "package.json"), "utf8");
    return `${JSON.parse(text).version ?? ""}:${hash(text).slice(0, 16)}`;
  } catch {
    return null;
  }
}

function contentHash(file: string): string | null {
  try {
    return fs.statSync(file).isFile() ? hash(fs.readFileSync(file)) : "folder";
  } catch {
    return null;
  }
}

const hash = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");

// ---------------------------------------------------------------------------------------------------------------
// Resources as JSON: Pulumi assets and archives (fields as promises) become plain records and back

const ASSET_KIND = "$edwAsset";
interface EncodedAsset {
  [ASSET_KIND]: "asset" | "archive";
  text?: string;
  path?: string;
  uri?: string;
  assets?: Record<string, unknown>;
}

/** `value` as JSON-ready data; throws, naming where, for anything else than plain data, assets and archives. */
async function encode(value: unknown, at: string): Promise<unknown> {
  if (value === null || value === undefined || ["string", "number", "boolean"].includes(typeof value)) return value;
  if (Array.isArray(value)) return Promise.all(value.map((item, i) => encode(item, `${at}[${i}]`)));
  const record = value as Record<string, unknown>;
  if (record.__pulumiAsset === true || record.__pulumiArchive === true) {
    const encoded: EncodedAsset = { [ASSET_KIND]: record.__pulumiAsset === true ? "asset" : "archive" };
    for (const field of ["text", "path", "uri"] as const) if (record[field] !== undefined) encoded[field] = String(await record[field]);
    if (record.assets !== undefined) encoded.assets = (await encode(await record.assets, `${at}.assets`)) as Record<string, unknown>;
    return encoded;
  }
  const prototype = Object.getPrototypeOf(value);
  if (typeof value !== "object" || (prototype !== Object.prototype && prototype !== null))
    throw new Error(`${at} is a ${typeof value === "object" ? (prototype?.constructor?.name ?? "object") : typeof value}, not plain data`);
  const entries = await Promise.all(Object.entries(record).map(async ([key, item]) => [key, await encode(item, `${at}.${key}`)]));
  return Object.fromEntries(entries);
}

const isEncodedAsset = (value: unknown): value is EncodedAsset =>
  typeof value === "object" && value !== null && ASSET_KIND in (value as Record<string, unknown>);

/** An asset or archive as Pulumi's SDK hands it to mocks: its fields as promises. */
function decodeAsset(encoded: EncodedAsset): Record<string, unknown> {
  const decoded: Record<string, unknown> = { [encoded[ASSET_KIND] === "asset" ? "__pulumiAsset" : "__pulumiArchive"]: true };
  for (const field of ["text", "path", "uri", "assets"] as const)
    if (encoded[field] !== undefined) decoded[field] = Promise.resolve(encoded[field]);
  return decoded;
}
