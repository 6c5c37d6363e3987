/**
 * A handler's imports of bundled packages, as `require`s in its archive (deploy time). Pulumi's serializer writes a
 * captured package module as `require("<package>")` only when it finds that very object in Node's CommonJS cache.
 * Everything else it copies by value: the functions of an ES module import (`import { addSeconds } from "date-fns"`
 * in a `"type": "module"` program), an ES module namespace, a destructured `const { addSeconds } = require(...)`.
 * A copy of a package's code loses its module context and can fail in Lambda while the source run passes.
 *
 * This maps every export of each bundled package (its CommonJS and its ES module entry) to the expression that gives
 * it in Lambda (`require("date-fns").addSeconds`), and hands the serializer that mapping through its `serialize` hook
 * (a stand-in module cache entry per value met). A function of a package that still gets copied by value (one a
 * bundled package does not export from its entry, or any function of a package the task does not bundle) fails the
 * build, naming the function, its file and the fix.
 */
import { existsSync, readFileSync } from "node:fs";
import { Session } from "node:inspector";
import Module, { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { LAYER_PROVIDED_PACKAGES, packageNameOf } from "./core/archive";
import { findPackageFolder } from "./packageClosure";

/** A value of a bundled package and the expression that gives it inside Lambda. */
type Expressions = Map<unknown, string>;

/** The prefix of the stand-in module paths; Pulumi writes `require("<prefix>/<n>")` for them. */
const STAND_IN = "__edw_bundled__";

// Per process: loading a package's entries to map them is done once per program folder and package.
const cache = new Map<string, Expressions>();

/**
 * The exports of `packages`, as `folder` (the program's) resolves them, each mapped to its `require` expression: the
 * CommonJS exports object (`require("pkg")`), its ES module namespace, and each export (`require("pkg").name`).
 * Synchronous, so that a step's serialization starts where its Function is constructed (the local runner pairs them).
 */
export function bundledExpressions(packages: readonly string[], folder: string): Expressions {
  const all: Expressions = new Map();
  for (const name of packages) {
    if (LAYER_PROVIDED_PACKAGES.includes(name)) continue;
    const key = `${folder}\0${name}`;
    let expressions = cache.get(key);
    if (!expressions) {
      expressions = expressionsOf(name, folder);
      cache.set(key, expressions);
    }
    for (const [value, expression] of expressions) if (!all.has(value)) all.set(value, expression);
  }
  return all;
}

function expressionsOf(name: string, folder: string): Expressions {
  const expressions: Expressions = new Map();
  const module = `require(${JSON.stringify(name)})`;
  const add = (exports: unknown) => {
    if (!isObject(exports)) return;
    if (!expressions.has(exports)) expressions.set(exports, module);
    for (const key of Object.keys(exports)) {
      const value = (exports as Record<string, unknown>)[key];
      if (isObject(value) && !expressions.has(value) && /^[A-Za-z_$][\w$]*$/.test(key)) expressions.set(value, `${module}.${key}`);
    }
  };
  const load = createRequire(join(folder, "package.json"));
  // A package that cannot be loaded at deploy time (say, it needs its run-time environment) is left to the checks.
  try {
    add(load(name));
  } catch {}
  // Its ES module entry, loaded by path: the same module instance an `import` of the program's got (Node >= 20.19
  // loads ES modules with require, sharing the ES module cache).
  const entry = esModuleEntryOf(name, folder);
  if (entry && process.features.require_module) {
    try {
      add(load(entry));
    } catch {}
  }
  return expressions;
}

const isObject = (value: unknown): value is object => (typeof value === "object" && value !== null) || typeof value === "function";

/**
 * The file an ES module `import "<name>"` from `folder` loads, when the package declares one by an `import` condition
 * of its `exports`; otherwise an import loads its CommonJS entry, which {@link expressionsOf} maps already.
 */
function esModuleEntryOf(name: string, folder: string): string | undefined {
  const packageFolder = findPackageFolder(name, folder);
  if (!packageFolder) return undefined;
  const manifest = JSON.parse(readFileSync(join(packageFolder, "package.json"), "utf8")) as { exports?: unknown };
  const root =
    isObject(manifest.exports) && "." in manifest.exports ? (manifest.exports as Record<string, unknown>)["."] : manifest.exports;
  const target = conditionalTarget(root, ["node", "import", "default"]);
  const path = target ? join(packageFolder, target) : undefined;
  return path && existsSync(path) ? path : undefined;
}

/** Node's pick among conditional exports: the first key (in the object's order) among `conditions`. */
function conditionalTarget(target: unknown, conditions: string[]): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) return target.map((t) => conditionalTarget(t, conditions)).find(Boolean);
  if (!isObject(target)) return undefined;
  for (const [key, value] of Object.entries(target)) {
    if (conditions.includes(key)) {
      const found = conditionalTarget(value, conditions);
      if (found) return found;
    }
  }
  return undefined;
}

/** What {@link serializeWithBundledImports} needs of Pulumi's serializer. */
type Serializer = (serialize: (value: unknown) => boolean) => Promise<string>;

/** A function of an installed package the serializer copied by value, with where it is defined. */
export interface CopiedPackageFunction {
  name: string;
  /** Its file, from the package's folder on (`semver/classes/range.js`). */
  file: string;
  packageName: string;
  /** Whether the package is one of the task's `bundle`. */
  bundled: boolean;
}

/** The library's own code, whose Lambda-time helpers (`event-driven-workflow/runtime`) are serialized by design. */
const LIBRARY_PACKAGE = "event-driven-workflow";
const NODE_MODULES = `${sep}node_modules${sep}`;

/**
 * Runs `serializer` with `expressions` in force: each mapped value it meets is written as its `require` expression.
 * Returns the serialized text and the functions of installed packages it copied by value nonetheless (those of
 * `packages`, and those of packages not bundled, such as a destructured `require` of one).
 */
export async function serializeWithBundledImports(
  serializer: Serializer,
  expressions: Expressions,
  packages: readonly string[],
  folder: string,
): Promise<{ text: string; copied: CopiedPackageFunction[] }> {
  const standIns = new Map<string, string>(); // stand-in specifier -> expression
  const paths: string[] = [];
  const copiedFunctions = new Set<(...args: unknown[]) => unknown>();
  const hidden = new Map<string, NodeModule>();
  const cache = require.cache as Record<string, NodeModule | undefined>;
  const serialize = (value: unknown) => {
    const expression = expressions.get(value);
    if (expression !== undefined) {
      // Hidden meanwhile: the module's own cache entry, which Pulumi would find first and may not name as required
      // (an ES module loaded by require is cached under a path its package's `exports` does not list).
      for (const [path, entry] of Object.entries(cache)) {
        if (entry && entry.exports === value && !path.includes(STAND_IN)) {
          hidden.set(path, entry);
          delete cache[path];
        }
      }
      const specifier = `${STAND_IN}/${standInCount++}`;
      const path = join(process.cwd(), "node_modules", ...specifier.split("/"));
      const standIn = new Module(path);
      standIn.exports = value;
      cache[path] = standIn as unknown as NodeModule;
      paths.push(path);
      standIns.set(specifier, expression);
    } else if (typeof value === "function") {
      copiedFunctions.add(value as (...args: unknown[]) => unknown);
    }
    return true;
  };
  let text: string;
  try {
    text = await serializer(serialize);
  } finally {
    for (const path of paths) delete cache[path];
    for (const [path, entry] of hidden) cache[path] ??= entry;
  }
  text = text.replace(new RegExp(`require\\("(${STAND_IN}/\\d+)"\\)`, "g"), (whole, specifier: string) => standIns.get(specifier) ?? whole);
  return { text, copied: await packageFunctions([...copiedFunctions], packages, folder) };
}
let standInCount = 0;

/**
 * The functions among `functions` defined in an installed package: in the folder of one of `packages` (its own
 * dependencies included), else in any `node_modules` folder but the library's.
 */
async function packageFunctions(
  functions: ((...args: unknown[]) => unknown)[],
  packages: readonly string[],
  folder: string,
): Promise<CopiedPackageFunction[]> {
  if (functions.length === 0) return [];
  const folders = packages
    .map((name) => ({ name, folder: findPackageFolder(name, folder) }))
    .filter((p): p is { name: string; folder: string } => p.folder !== undefined);
  const locator = await (scriptLocator ??= openScriptLocator());
  const urls = await locator.filesOf(functions);
  const copied: CopiedPackageFunction[] = [];
  for (const [i, fn] of functions.entries()) {
    const url = urls[i];
    const file = url.startsWith("file:") ? decodeURIComponent(new URL(url).pathname) : url;
    const name = fn.name || "(anonymous)";
    const owner = folders.find((p) => file.startsWith(p.folder + sep));
    if (owner) {
      copied.push({ name, file: file.slice(dirname(owner.folder).length + 1), packageName: owner.name, bundled: true });
      continue;
    }
    const inPackage = file.lastIndexOf(NODE_MODULES) >= 0 ? file.slice(file.lastIndexOf(NODE_MODULES) + NODE_MODULES.length) : undefined;
    const packageName = inPackage && packageNameOf(inPackage.split(sep).join("/"));
    if (packageName && packageName !== LIBRARY_PACKAGE) copied.push({ name, file: inPackage, packageName, bundled: false });
  }
  return copied;
}

/** Where functions are defined, from V8's inspector: the script each function's `[[FunctionLocation]]` names. */
interface ScriptLocator {
  /** The script URL of each function ("" when V8 names none), in order. */
  filesOf(functions: readonly ((...args: unknown[]) => unknown)[]): Promise<string[]>;
}
let scriptLocator: Promise<ScriptLocator> | undefined;

/**
 * An inspector session of this process (kept open, as Pulumi's serializer keeps its own), listening to the scripts
 * V8 parsed before enabling the debugger, which replays them all.
 */
async function openScriptLocator(): Promise<ScriptLocator> {
  const session = new Session();
  session.connect();
  const urls = new Map<string, string>();
  session.on("Debugger.scriptParsed", (event) => urls.set(event.params.scriptId, event.params.url));
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post("Debugger.enable");
  const slot = Symbol.for("event-driven-workflow.locate");
  let calls = 0;
  // A function is defined where it is for its whole life; the steps of a program share many (their helpers).
  const located = new WeakMap<object, string>();
  const locate = async (objectId: string | undefined, objectGroup: string) => {
    const { internalProperties = [] } = await post<{
      internalProperties?: { name: string; value?: { value?: { scriptId: string } } }[];
    }>("Runtime.getProperties", { objectId, ownProperties: true, objectGroup });
    const location = internalProperties.find((p) => p.name === "[[FunctionLocation]]")?.value?.value;
    return (location && urls.get(location.scriptId)) ?? "";
  };
  return {
    async filesOf(functions) {
      const unknown = [...new Set(functions.filter((fn) => !located.has(fn)))];
      if (unknown.length > 0) {
        // Handles of their own, released together once located (the steps' serializations overlap).
        const objectGroup = `event-driven-workflow.locate.${calls++}`;
        // One evaluation hands over all of them (an array), one listing gives each its handle.
        (globalThis as Record<symbol, unknown>)[slot] = unknown;
        try {
          const { result } = await post<{ result: { objectId?: string } }>("Runtime.evaluate", {
            expression: `globalThis[Symbol.for("event-driven-workflow.locate")]`,
            objectGroup,
          });
          const { result: items } = await post<{ result: { name: string; value?: { objectId?: string } }[] }>("Runtime.getProperties", {
            objectId: result.objectId,
            ownProperties: true,
            objectGroup,
          });
          const handles = new Map(items.map((item) => [item.name, item.value?.objectId]));
          for (const [i, fn] of unknown.entries()) located.set(fn, await locate(handles.get(String(i)), objectGroup));
        } finally {
          delete (globalThis as Record<symbol, unknown>)[slot];
          await post("Runtime.releaseObjectGroup", { objectGroup });
        }
      }
      return functions.map((fn) => located.get(fn) ?? "");
    },
  };
}
