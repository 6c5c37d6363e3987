/**
 * A code cache for the CommonJS modules the `edw-local` command loads (V8's compiled code, on disk beside the synthesis
 * cache, in `node_modules/.cache/edw-local/compiled`): compiling @pulumi/pulumi, the AWS provider and the rest is the
 * largest part of a run served by the synthesis cache, and its result is the same from one run to the next. Node 22
 * has this built in (`module.enableCompileCache`), and gets it; on Node 20, each `.js`/`.cjs` module is compiled with
 * the code cached for its path and content, if any, and its code cache is written after it ran (its functions compiled
 * by then are in it), when the process exits.
 *
 * Kept to what Node's own compilation does that a module can see: the same wrapper function and arguments, `this`, a
 * `require` with `resolve`, `resolve.paths`, `main`, `extensions` and `cache`. A module that has a hashbang or a
 * dynamic `import()` (which a cached script would resolve differently) is compiled by Node as always, and so is any
 * module V8 refuses to compile this way. What differs: the stack frames of a cached module are not source-mapped to
 * its package's own sources. Only the command uses it (not the test kit, nor a program's own process).
 *
 * Not v8-compile-cache(-lib), which does the same on Node 20: it compiles every module this way, and a module with an
 * `import()` compiled without a dynamic-import callback fails when it imports (@pulumi/pulumi has such modules); and it
 * takes the code cache before a module runs, which holds only the functions V8 compiles eagerly.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import Module from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { projectCacheFolder, writeCacheFile } from "./cacheFolder";

interface CompiledModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string, ...rest: unknown[]): unknown;
}

interface ModuleInternals {
  prototype: CompiledModule;
  wrap(content: string): string;
  _resolveFilename(request: string, parent: CompiledModule, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: CompiledModule): string[] | null;
  _extensions: unknown;
  _cache: unknown;
  enableCompileCache?: (folder: string) => unknown;
}

/**
 * Turns the code cache on for this process, in `node_modules/.cache/edw-local/compiled` of the nearest folder at or
 * above `from` that has node_modules (none: no cache). Call it before loading what it should speed up.
 */
export function enableCompileCache(from: string): void {
  const project = projectCacheFolder(from);
  if (!project) return;
  const folder = join(project, "compiled");
  const modules = Module as unknown as ModuleInternals;
  if (typeof modules.enableCompileCache === "function") {
    modules.enableCompileCache(folder);
    return;
  }
  const compile = modules.prototype._compile;
  const produced: { file: string; data: Buffer }[] = [];
  modules.prototype._compile = function (this: CompiledModule, content: string, filename: string, ...rest: unknown[]) {
    if (!/\.c?js$/.test(filename) || content.startsWith("#!") || content.includes("import("))
      return compile.call(this, content, filename, ...rest);
    const file = join(folder, `${createHash("sha1").update(filename).update("\0").update(content).digest("hex")}.bin`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(file);
    } catch {
      // Not cached yet.
    }
    let script: Script;
    try {
      script = new Script(modules.wrap(content), { filename, cachedData });
    } catch {
      // A syntax error: Node's own compilation reports it as it always does.
      return compile.call(this, content, filename, ...rest);
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const result = wrapper.call(this.exports, this.exports, requireOf(this, modules), this, filename, dirname(filename));
    // Produced now, not at exit: Pulumi changes V8's flags as it loads, and V8 refuses a code cache made under others.
    if (cachedData === undefined || script.cachedDataRejected) produced.push({ file, data: script.createCachedData() });
    return result;
  };
  process.once("exit", () => {
    if (produced.length === 0) return;
    try {
      for (const { file, data } of produced) writeCacheFile(file, data);
    } catch {
      // A read-only or full disk: the next run compiles again.
    }
  });
}

/** The `require` Node gives a module (without the policy redirects that only `--experimental-policy` sets). */
function requireOf(module: CompiledModule, modules: ModuleInternals): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) =>
    modules._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => modules._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = modules._extensions as NodeJS.Require["extensions"];
  require.cache = modules._cache as NodeJS.Require["cache"];
  return require;
}
