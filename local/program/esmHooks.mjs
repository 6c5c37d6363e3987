/**
 * TypeScript for Node's module loaders, with esbuild: the ES module hooks `edw-local` registers (`module.register`)
 * to import ESM programs (`.mts`, `.ts` under `"type": "module"`) as Pulumi's Node.js host does, and the
 * transpilation the CommonJS hook (loader.ts) shares. Plain JavaScript (not compiled) because Node loads it in its
 * hooks thread, from the library's source as from its build.
 *
 * Two more jobs of the hooks:
 * - resolution as TypeScript writes it: `./util.js` (node16/nodenext) or `./util` (bundler) naming `./util.ts`;
 * - loading a program again: a program imported with `?edw-load=<n>` passes that query on to its own modules (not to
 *   node_modules), so each load evaluates the program's files afresh while packages stay shared.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cachedTranspile } from "./transpileCache.mjs";

export { useTranspileCache } from "./transpileCache.mjs";

const require = createRequire(import.meta.url);
const THIS_FILE = fileURLToPath(import.meta.url);
/** @type {typeof import("esbuild") | undefined} */
let esbuild;
const esbuildModule = () => (esbuild ??= require("esbuild"));

/** The query that marks one load of a program (see the header). */
export const LOAD_QUERY = "edw-load";
const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * The module format Node gives `path`: `.mts`/`.mjs` ESM, `.cts`/`.cjs` CommonJS, otherwise the nearest package.json's
 * `type`.
 *
 * @param {string} path
 * @returns {"module" | "commonjs"}
 */
export function formatOf(path) {
  if (/\.m[tj]s$/.test(path)) return "module";
  if (/\.c[tj]s$/.test(path)) return "commonjs";
  return packageTypeOf(dirname(path));
}

/** @type {Map<string, "module" | "commonjs">} */
const packageTypes = new Map();
/** @param {string} folder @returns {"module" | "commonjs"} */
function packageTypeOf(folder) {
  let type = packageTypes.get(folder);
  if (type) return type;
  const manifest = join(folder, "package.json");
  if (existsSync(manifest)) type = JSON.parse(readFileSync(manifest, "utf8")).type === "module" ? "module" : "commonjs";
  else type = dirname(folder) === folder ? "commonjs" : packageTypeOf(dirname(folder));
  packageTypes.set(folder, type);
  return type;
}

/**
 * `source` (the TypeScript file `path`) as JavaScript in `format`, with an inline source map so that stack traces
 * name the TypeScript lines. The nearest tsconfig.json's options that change the emitted code (decorators, class
 * fields, JSX, kept imports) apply; type checking is the program's own `tsc`'s job, as with Pulumi's transpile-only mode.
 *
 * @param {string} source
 * @param {string} path
 * @param {"module" | "commonjs"} format
 */
export function transpileSync(source, path, format) {
  const options = transformOptions(path, format);
  return cachedTranspile(
    [path, format, JSON.stringify(options), source],
    () => {
      const { code } = esbuildModule().transformSync(source, options);
      return format === "commonjs" ? withTypeScriptExports(code) : code;
    },
    THIS_FILE,
  );
}

/*
 * esbuild's CommonJS output exports a module through a copy of its export record whose getters read `from[key]`, and
 * Pulumi serializes a getter with all it reads: a handler using one export of a module shipped every export of it, and
 * one entry of an exported object shipped the whole object. TypeScript's output, which Pulumi's host runs, has one
 * plain property per export, which Pulumi narrows to what the handler reads. So here: the export record itself is the
 * module's exports, and once the module has run, each export bound for good (a top-level function, class or `const`)
 * becomes a plain property. Any other export (`let`, `var`, re-exports) keeps its live getter.
 */
const COPIED_EXPORTS = 'var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);';
const OWN_EXPORTS = 'var __toCommonJS = (mod) => __defProp(mod, "__esModule", { value: true });';
const FIXED_GETTERS = "__defProp(target, name, { get: all[name], enumerable: true });";
const REPLACEABLE_GETTERS = "__defProp(target, name, { get: all[name], enumerable: true, configurable: true });";
const EXPORT_RECORD = /^__export\((\w+), \{\n([\s\S]*?)\n\}\);$/m;
const EXPORT_ENTRY = /^ {2}(\w+|"[^"]*"): \(\) => ([\w$]+),?$/;
const SOURCE_MAP = "\n//# sourceMappingURL=";

/** @param {string} code esbuild's CommonJS output */
function withTypeScriptExports(code) {
  if (!code.includes(COPIED_EXPORTS) || !code.includes(FIXED_GETTERS)) return code;
  const record = EXPORT_RECORD.exec(code);
  const fixed = (record?.[2].split("\n") ?? [])
    .map((line) => EXPORT_ENTRY.exec(line))
    .filter((entry) => entry && boundForGood(code, entry[2]))
    .map(
      (entry) =>
        `__defProp(${record[1]}, ${entry[1].startsWith('"') ? entry[1] : JSON.stringify(entry[1])}, { value: ${entry[2]}, enumerable: true });`,
    );
  const at = code.lastIndexOf(SOURCE_MAP);
  const end = at < 0 ? code.length : at;
  const body = code.slice(0, end).replace(COPIED_EXPORTS, OWN_EXPORTS).replace(FIXED_GETTERS, REPLACEABLE_GETTERS);
  return `${body}\n${fixed.join("\n")}${code.slice(end)}`;
}

/** Whether esbuild's output declares `name` at its top level (column 0) as a function, a class or the first `const`. */
function boundForGood(code, name) {
  const escaped = name.replace(/\$/g, "\\$");
  return new RegExp(`^(?:(?:async )?function\\*? ${escaped}\\(|class ${escaped}[ {]|const ${escaped} =)`, "m").test(code);
}

/** @param {string} path @param {"module" | "commonjs"} format @returns {import("esbuild").TransformOptions} */
function transformOptions(path, format) {
  const { module: moduleKind, ...compilerOptions } = emitOptionsFor(dirname(path));
  // TypeScript's CommonJS output turns `import()` into `require` unless the program compiles for Node's own module
  // system (node16, nodenext), where a CommonJS file keeps a real `import()`: so does this transpilation.
  const keepsImport = format === "module" || /^node/i.test(String(moduleKind ?? ""));
  return {
    loader: path.endsWith("x") ? "tsx" : "ts",
    format: format === "module" ? "esm" : "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    sourcemap: "inline",
    sourcefile: path,
    tsconfigRaw: { compilerOptions },
    ...(keepsImport ? {} : { supported: { "dynamic-import": false } }),
  };
}

/** The tsconfig options esbuild honours when it transpiles a file, and `module`, which decides what `import()` becomes. */
const EMIT_OPTIONS = [
  "alwaysStrict",
  "module",
  "experimentalDecorators",
  "importsNotUsedAsValues",
  "jsx",
  "jsxFactory",
  "jsxFragmentFactory",
  "jsxImportSource",
  "preserveValueImports",
  "target",
  "useDefineForClassFields",
  "verbatimModuleSyntax",
];

/** @type {Map<string, Record<string, unknown>>} */
const emitOptions = new Map();
/** The emit options of the nearest tsconfig.json above `folder` (its `extends` chain included). */
function emitOptionsFor(folder) {
  let options = emitOptions.get(folder);
  if (options) return options;
  const config = join(folder, "tsconfig.json");
  if (existsSync(config)) {
    const all = compilerOptionsOf(config, new Set());
    options = Object.fromEntries(EMIT_OPTIONS.filter((key) => all[key] !== undefined).map((key) => [key, all[key]]));
  } else {
    options = dirname(folder) === folder ? {} : emitOptionsFor(dirname(folder));
  }
  emitOptions.set(folder, options);
  return options;
}

/** @param {string} file @param {Set<string>} seen @returns {Record<string, unknown>} */
function compilerOptionsOf(file, seen) {
  if (seen.has(file)) return {};
  seen.add(file);
  const config = parseJsonWithComments(readFileSync(file, "utf8"));
  let inherited = {};
  for (const base of [config.extends ?? []].flat()) {
    const basePath = resolveExtends(base, dirname(file));
    if (basePath) inherited = { ...inherited, ...compilerOptionsOf(basePath, seen) };
  }
  return { ...inherited, ...(config.compilerOptions ?? {}) };
}

/** @param {string} base @param {string} folder */
function resolveExtends(base, folder) {
  if (base.startsWith(".") || base.startsWith("/")) {
    const path = resolvePath(folder, base);
    return [path, `${path}.json`].find((candidate) => existsSync(candidate));
  }
  try {
    return createRequire(join(folder, "tsconfig.json")).resolve(base);
  } catch {
    return undefined; // a base from a package not installed: tsc reports it; the emit options default
  }
}

/** tsconfig.json's dialect of JSON: comments and trailing commas allowed. @param {string} text */
function parseJsonWithComments(text) {
  const json = text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\/|,(?=\s*[}\]])/g, (match, string) => string ?? "");
  return JSON.parse(json);
}

/**
 * The TypeScript file a relative import that Node cannot find stands for: `./a.js` -> `./a.ts` (`.mjs` -> `.mts`,
 * `.cjs` -> `.cts`), `./a` -> `./a.ts` or `./a/index.ts`.
 *
 * @param {string} path the absolute path Node looked for
 * @returns {string | undefined}
 */
export function typeScriptFileFor(path) {
  const candidates = /\.[cm]?js$/.test(path)
    ? [path.replace(/js$/, "ts"), path.replace(/js$/, "tsx")]
    : [".ts", ".tsx", ".mts", ".cts", "/index.ts", "/index.tsx"].map((suffix) => path + suffix);
  return candidates.find((candidate) => existsSync(candidate));
}

// ---------------------------------------------------------------------------------------------------------------
// The hooks (https://nodejs.org/api/module.html#customization-hooks)

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context: object) => Promise<{ url: string }>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL?.startsWith("file:") ? new URL(context.parentURL) : undefined;
  let resolved;
  try {
    resolved = await nextResolve(specifier, context);
  } catch (error) {
    const relative = /^\.\.?(\/|$)/.test(specifier);
    const file = parent && relative ? typeScriptFileFor(fileURLToPath(new URL(specifier, parent))) : undefined;
    if (!file) throw error;
    resolved = { url: pathToFileURL(file).href, shortCircuit: true };
  }
  const load = parent?.searchParams.get(LOAD_QUERY);
  if (load && resolved.url.startsWith("file:") && !resolved.url.includes("/node_modules/")) {
    const url = new URL(resolved.url);
    url.searchParams.set(LOAD_QUERY, load);
    resolved = { ...resolved, url: url.href };
  }
  return resolved;
}

/**
 * @param {string} url
 * @param {object} context
 * @param {(url: string, context: object) => Promise<object>} nextLoad
 */
export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !TYPESCRIPT.test(new URL(url).pathname)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const format = formatOf(path);
  // CommonJS TypeScript goes through Node's CommonJS loader, whose `.ts` handler loader.ts installs.
  if (format === "commonjs") return { format, shortCircuit: true };
  const { code } = await esbuildModule().transform(readFileSync(path, "utf8"), transformOptions(path, format));
  return { format, source: code, shortCircuit: true };
}
