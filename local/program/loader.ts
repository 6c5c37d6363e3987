/**
 * Loading a Pulumi program in-process as Pulumi's Node.js host does: an ES module program (`.mjs`, `.mts`, or
 * `.js`/`.ts` under `"type": "module"`) with `import()`, any other with `require`, its default export standing for
 * its outputs when it has one. TypeScript is transpiled with esbuild (see esmHooks.mjs) with the options of the
 * program's own tsconfig.json, whatever its `module`/`moduleResolution` (`commonjs`, `node16`, `nodenext`,
 * `bundler`): type checking stays the program's `tsc`'s job, as in Pulumi's transpile-only mode. A program can be
 * loaded any number of times in one process; each load evaluates the program's own files again (its packages stay
 * loaded).
 */
import { readFileSync } from "node:fs";
import Module, { register } from "node:module";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { RunnerInputError } from "../input/eventInput";

/** What loader.ts uses of esmHooks.mjs. */
interface Hooks {
  LOAD_QUERY: string;
  formatOf(path: string): "module" | "commonjs";
  transpileSync(source: string, path: string, format: "module" | "commonjs"): string;
  typeScriptFileFor(path: string): string | undefined;
  useTranspileCache(folder: string | undefined): string | undefined;
}

const HOOKS_URL = pathToFileURL(join(__dirname, "esmHooks.mjs")).href;
// An `import()` that TypeScript's CommonJS output leaves as is (it would otherwise become a `require`).
const dynamicImport = new Function("url", "return import(url)") as (url: string) => Promise<Record<string, unknown>>;

// Kept on the process, not the module: the library itself may be loaded afresh by a program that depends on it.
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for("event-driven-workflow-local.loader")] ??= {
  loads: 0,
  loading: 0,
  programFiles: new Set<string>(),
}) as { loads: number; loading: number; programFiles: Set<string>; hooks?: Promise<Hooks>; esmHooks?: boolean };

/**
 * Runs the program module at `path` (absolute) and returns its outputs: its exports, or its default export when
 * that is its only one.
 *
 * @throws RunnerInputError when the program exports both a default and named outputs (Pulumi refuses it too).
 */
export async function loadProgram(path: string): Promise<Record<string, unknown>> {
  const hooks = await installHooks();
  const load = ++state.loads;
  let exports: Record<string, unknown>;
  state.loading++;
  try {
    if (hooks.formatOf(path) === "module") {
      registerEsmHooks();
      const url = new URL(pathToFileURL(path));
      url.searchParams.set(hooks.LOAD_QUERY, String(load));
      exports = await dynamicImport(url.href);
    } else {
      forgetProgramModules(path);
      exports = require(path);
    }
  } finally {
    state.loading--;
  }
  if (!Object.getOwnPropertyDescriptor(exports, "default")) return exports;
  if (Object.keys(exports).length !== 1) {
    throw new RunnerInputError(`${path} has a default export and named exports: Pulumi takes its outputs from one or the other; keep one.`);
  }
  return exports.default as Record<string, unknown>;
}

/** The module format Node gives the program at `path` (`module` for ESM, see esmHooks.mjs). */
export async function programFormat(path: string): Promise<"module" | "commonjs"> {
  // The hooks module alone (not registered): a run served by the synthesis cache loads no program.
  return ((await dynamicImport(HOOKS_URL)) as unknown as Hooks).formatOf(path);
}

/**
 * Runs `load` (which loads programs) with the TypeScript transpilations of CommonJS programs kept in `folder`, a
 * content-keyed cache (see transpileCache.mjs): only the files whose content changed are transpiled again. ES module
 * programs, whose modules Node loads off the main thread, are transpiled every time.
 */
export async function withTranspileCache<T>(folder: string, load: () => Promise<T>): Promise<T> {
  const hooks = (await dynamicImport(HOOKS_URL)) as unknown as Hooks;
  const previous = hooks.useTranspileCache(folder);
  try {
    return await load();
  } finally {
    hooks.useTranspileCache(previous);
  }
}

/**
 * Installs, once per process, the CommonJS `.ts` handler, and turns on source maps for stack traces. A `.ts` handler
 * registered earlier (ts-node under mocha) keeps every file but the program's: those required while a program loads,
 * and those they require later. The rest of the process (the spec files mocha loads after a test-kit run) keeps its
 * own transpiler, comments and all. The ES module hooks are registered only when a program needs them (see
 * {@link registerEsmHooks}).
 */
function installHooks(): Promise<Hooks> {
  state.hooks ??= (async () => {
    const hooks = (await dynamicImport(HOOKS_URL)) as unknown as Hooks;
    process.setSourceMapsEnabled(true);
    const loaders = Module as unknown as {
      _extensions: Record<
        string,
        (module: { _compile(code: string, path: string): void; parent?: { filename?: string } | null }, path: string) => void
      >;
      _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
    };
    for (const extension of [".ts", ".cts", ".tsx"]) {
      const earlier = loaders._extensions[extension];
      loaders._extensions[extension] = (module, file) => {
        const requiredBy = module.parent?.filename;
        if (earlier && !state.loading && !(requiredBy && state.programFiles.has(requiredBy))) return earlier(module, file);
        state.programFiles.add(file);
        const code = hooks.transpileSync(readFileSync(file, "utf8"), file, "commonjs");
        // A real `import()` (kept for node16/nodenext) may import TypeScript, through Node's ES module loader.
        if (code.includes("import(")) registerEsmHooks();
        module._compile(code, file);
      };
    }
    const resolveFilename = loaders._resolveFilename;
    loaders._resolveFilename = function (request, parent, ...rest) {
      try {
        return resolveFilename.call(this, request, parent, ...rest);
      } catch (error) {
        const file =
          /^\.\.?(\/|$)/.test(request) && parent?.filename ? hooks.typeScriptFileFor(join(parent.filename, "..", request)) : undefined;
        if (!file) throw error;
        return file;
      }
    };
    return hooks;
  })();
  return state.hooks;
}

/**
 * Registers the ES module hooks (esmHooks.mjs), once per process: for an ES module program, or a CommonJS module that
 * keeps an `import()`. Node runs them on a thread of their own, whose start costs a CommonJS program's load a fifth
 * of a second of CPU it does not need.
 */
function registerEsmHooks(): void {
  if (state.esmHooks) return;
  state.esmHooks = true;
  register(HOOKS_URL);
}

/**
 * Drops the CommonJS modules of the program's folder (not its node_modules) from Node's cache, so that loading the
 * program again runs it again: a program loaded earlier in this process (by a test, or an earlier synthesis)
 * registered its resources under that earlier run's mocks.
 */
export function forgetProgramModules(path: string): void {
  const folder = join(path, "..");
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  for (const id of Object.keys(require.cache)) {
    if (id.startsWith(prefix) && !id.slice(prefix.length).split(sep).includes("node_modules")) delete require.cache[id];
  }
}
