/**
 * A content-keyed cache of the loader's TypeScript transpilations, on disk (a `transpiled` folder in the synthesis
 * cache's folder): a program loaded again, in a new process, transpiles only the files whose content changed, and an
 * unchanged program never starts esbuild (its service process and its calls were most of the program's load time
 * after Pulumi itself). Plain JavaScript, beside esmHooks.mjs, which uses it.
 *
 * An entry is named by the hash of all that decides the output: the file's content and path (the source map names
 * it), the module format, the esbuild options (the tsconfig's emit options and the Node target among them), the
 * esbuild version and the transpiler's own code. An edit makes a new entry; an entry is never changed in place.
 * Off unless turned on ({@link useTranspileCache}): a run with `--no-cache` transpiles every file.
 */
import { createHash } from "node:crypto";
// Node's ES module bindings of `fs` are not the CommonJS object the synthesis cache watches (synthesisCache.ts swaps
// its functions to record what a synthesis reads): the entries read here are not part of any synthesis manifest.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** @type {string | undefined} */
let folder;

/**
 * Turns the cache on in `at` (a folder, created on the first write), or off (undefined), for the transpilations of
 * this thread; returns the previous setting, to restore.
 *
 * @param {string | undefined} at
 * @returns {string | undefined}
 */
export function useTranspileCache(at) {
  const previous = folder;
  folder = at;
  return previous;
}

/**
 * The output of `transpile()`, from the cache when an entry for `key` exists; otherwise `transpile()` runs and its
 * output is stored (a failed write only costs the next load a transpilation).
 *
 * @param {string[]} key every input that decides the output, besides esbuild's version and the transpiler's code
 * @param {() => string} transpile
 * @param {string} transpiler the code that transpiles (its content is part of the key)
 * @returns {string}
 */
export function cachedTranspile(key, transpile, transpiler) {
  if (!folder) return transpile();
  const file = join(folder, `${hash(JSON.stringify([transpilerId(transpiler), ...key])).slice(0, 40)}.js`);
  try {
    return readFileSync(file, "utf8");
  } catch {
    // Not cached yet.
  }
  const code = transpile();
  try {
    mkdirSync(folder, { recursive: true });
    const staging = `${file}.${process.pid}.tmp`;
    writeFileSync(staging, code);
    renameSync(staging, file);
  } catch {
    // A read-only or full disk: the next load transpiles again.
  }
  return code;
}

/** @type {Map<string, string>} */
const transpilerIds = new Map();
/** The esbuild version and a hash of the transpiler's code, read once. @param {string} transpiler a file path */
function transpilerId(transpiler) {
  let id = transpilerIds.get(transpiler);
  if (id) return id;
  const require = createRequire(transpiler);
  const esbuild = JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
  id = `esbuild ${esbuild} ${hash(readFileSync(transpiler))}`;
  transpilerIds.set(transpiler, id);
  return id;
}

/** @param {string | Buffer} content */
const hash = (content) => createHash("sha256").update(content).digest("hex");
