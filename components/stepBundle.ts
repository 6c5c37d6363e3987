/**
 * The packages of a step's archive (deploy time): each package a task lists in `bundle`, bundled by esbuild from the
 * program's own node_modules into one minified file holding only what the handler reaches, or, for the packages the
 * task lists in `copyPackages` (native addons, files read at run time), copied whole with their dependencies.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { LAYER_PROVIDED_PACKAGES, packageNameOf } from "./core/archive";
import type { ModuleUsage } from "./core/bundleUsage";
import { WorkflowDefinitionError } from "./core/validate";
import { findPackageFolder, MissingPackageError, packageClosure } from "./packageClosure";

/**
 * The packages a step copies whole (`copyPackages`) and, transitively, their production dependencies, by name,
 * resolved as Node would from `folder` through the one closure walk (packageClosure.ts), but for the packages the
 * Powertools layer provides; a missing one is an error naming the step and the install command.
 */
export function copiedPackages(bundle: readonly string[], folder: string, stepName: string): Record<string, string> {
  const roots = new Map<string, string>();
  for (const name of bundle) if (!LAYER_PROVIDED_PACKAGES.includes(name)) roots.set(name, installedFolder(name, folder, stepName));
  try {
    return Object.fromEntries(packageClosure(roots, { missing: "fail", exclude: LAYER_PROVIDED_PACKAGES }));
  } catch (error) {
    if (error instanceof MissingPackageError) throw notInstalled(error.packageName, folder, stepName);
    throw error;
  }
}

/** The folder of the installed package `name`, as Node resolves it from `folder`, or an error naming it and the fix. */
export function installedFolder(name: string, folder: string, stepName: string): string {
  const found = findPackageFolder(name, folder);
  if (found) return found;
  throw notInstalled(name, folder, stepName);
}

function notInstalled(name: string, folder: string, stepName: string): WorkflowDefinitionError {
  return new WorkflowDefinitionError([
    {
      step: stepName,
      message: `its bundle needs "${name}", which is not installed where the program runs (${folder}). Run \`npm install ${name}\` in the program's folder.`,
    },
  ]);
}

/** One module of a bundled package, built: where it goes in the archive and what it holds. */
export interface BuiltModule {
  /** The package. */
  packageName: string;
  /** Its installed version. */
  version: string;
  /** The module specifier the handler loads (the package, or a path inside it). */
  specifier: string;
  /** The exports kept, or `"whole"`. */
  exports: string[] | "whole";
  /** Archive path -> content: the bundle, its package.json, its source map if asked for. */
  files: Record<string, string>;
  /** The modules esbuild left out that Lambda must provide (Node's, the runtime's AWS SDK, the layer's). */
  externals: string[];
}

/** What {@link bundleModules} needs besides the usage. */
export interface BundleOptions {
  stepName: string;
  bundle: readonly string[];
  /** Packages of `bundle` copied whole instead (native addons, files read at run time). */
  copy: readonly string[];
  folder: string;
  sizeBudgetBytes: number;
  /** Ship a sibling `.map` beside each bundle. @default false */
  sourceMap?: boolean;
}

/**
 * Bundles each module of a bundled package that the handler loads, with only the exports it reads (see
 * core/bundleUsage.ts), minified, from the program's node_modules. Node built-ins, `@aws-sdk/*`, the Powertools
 * layer's packages and the packages copied whole stay external.
 *
 * @throws WorkflowDefinitionError naming the package and the fix when esbuild cannot bundle it (a native addon), when
 *   it reads files beside its code at run time, or when its bundle is over the size budget.
 */
export async function bundleModules(usage: Map<string, ModuleUsage>, options: BundleOptions): Promise<BuiltModule[]> {
  const fail = (message: string) => new WorkflowDefinitionError([{ step: options.stepName, message }]);
  const external = ["@aws-sdk/*", ...[...LAYER_PROVIDED_PACKAGES, ...options.copy].flatMap((name) => [name, `${name}/*`])];
  const built: BuiltModule[] = [];
  for (const [specifier, used] of [...usage].sort(([a], [b]) => a.localeCompare(b))) {
    const packageName = packageNameOf(specifier);
    if (!packageName || !options.bundle.includes(packageName) || options.copy.includes(packageName)) continue;
    if (LAYER_PROVIDED_PACKAGES.includes(packageName)) continue;
    const packageFolder = installedFolder(packageName, options.folder, options.stepName);
    const version = (JSON.parse(readFileSync(join(packageFolder, "package.json"), "utf8")) as { version: string }).version;
    const at = (path: string) => `node_modules/${packageName}/${path}`;
    if (specifier.endsWith(".json")) {
      // Data, shipped as is (a package's own package.json without its entry points, which the bundle replaces).
      const path = specifier.slice(packageName.length + 1);
      const json = JSON.parse(readFileSync(join(packageFolder, path), "utf8"));
      if (path === "package.json") Object.assign(json, { main: "index.js", exports: undefined });
      built.push({ packageName, version, specifier, exports: "whole", files: { [at(path)]: JSON.stringify(json) }, externals: [] });
      continue;
    }
    const exports = used === "whole" ? "whole" : [...used].sort();
    const contents =
      exports === "whole"
        ? `module.exports = require(${JSON.stringify(specifier)});`
        : `import * as m from ${JSON.stringify(specifier)};\nexport const ${exports.map((name) => `${name} = m.${name}`).join(", ")};`;
    const target = join(packageName === specifier ? "index" : specifier.slice(packageName.length + 1));
    const file = /\.[cm]?js$/.test(target) ? target : `${target}.js`;
    let result: Awaited<ReturnType<typeof build>>;
    try {
      result = await build({
        stdin: { contents, resolveDir: options.folder, sourcefile: `${specifier} (bundled for ${options.stepName})`, loader: "js" },
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        minify: true,
        legalComments: "none",
        sourcemap: options.sourceMap ? "external" : false,
        outfile: join(options.folder, "node_modules", packageName, file),
        external,
        absWorkingDir: options.folder,
        metafile: true,
        write: false,
        logLevel: "silent",
      });
    } catch (error) {
      const first = (error as { errors?: { text: string; location?: { file: string } | null }[] }).errors?.[0];
      const culprit = packageFromPath(first?.location?.file) ?? packageName;
      throw fail(
        `its bundle of "${specifier}" cannot be built (${first ? `${first.location?.file ?? ""}: ${first.text}` : String(error)}). ` +
          `A package with native addons (.node files) cannot be bundled: copy it whole with \`copyPackages: ["${culprit}"]\` on the task.`,
      );
    }
    const [output] = Object.values(result.metafile!.outputs).filter((o) => o.entryPoint !== undefined || o.bytes > 0);
    const code = result.outputFiles!.find((f) => f.path.endsWith(".js"))!.text;
    const readers = /\b__dirname\b|\b__filename\b/.test(code)
      ? filesReadingBeside(Object.keys(result.metafile!.inputs), options.folder)
      : [];
    if (readers.length > 0) {
      throw fail(
        `its bundle of "${specifier}" holds code that reads files beside its own (${readers.slice(0, 3).join(", ")} use __dirname or __filename), ` +
          `which a bundle would not carry: copy the package whole with \`copyPackages: [${[...new Set(readers.map((r) => `"${packageFromPath(r) ?? packageName}"`))].join(", ")}]\` on the task.`,
      );
    }
    if (Buffer.byteLength(code) > options.sizeBudgetBytes) {
      const largest = Object.entries(output?.inputs ?? {})
        .sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput)
        .slice(0, 3)
        .map(([path, input]) => `${path.replace(/^.*node_modules\//, "")} (${input.bytesInOutput} B)`);
      throw fail(
        `its bundle of "${specifier}" is ${Buffer.byteLength(code)} B, over the budget of ${options.sizeBudgetBytes} B; the largest inputs: ${largest.join(", ")}. ` +
          "Import only the functions the handler uses (named imports from the package's entry), or raise `lambda.handlerSizeBudgetBytes`.",
      );
    }
    const files: Record<string, string> = { [at(file)]: code };
    const map = result.outputFiles!.find((f) => f.path.endsWith(".map"));
    if (map) files[at(`${file}.map`)] = map.text;
    const externals = [...new Set((output?.imports ?? []).filter((i) => i.external).map((i) => i.path))].sort();
    built.push({ packageName, version, specifier, exports, files, externals });
  }
  // Each bundled package answers `require("<package>")` with its bundle, unless the handler loads its package.json.
  for (const packageName of new Set(built.map((b) => b.packageName))) {
    const first = built.find((b) => b.packageName === packageName)!;
    const manifest = `node_modules/${packageName}/package.json`;
    if (!built.some((b) => manifest in b.files))
      first.files[manifest] = JSON.stringify({ name: packageName, version: first.version, main: "index.js" });
  }
  return built;
}

/** The package a file path inside node_modules belongs to. */
function packageFromPath(path: string | undefined): string | undefined {
  const inside = path?.split(/node_modules[\\/]/).pop();
  if (!inside || inside === path) return undefined;
  const parts = inside.split(/[\\/]/);
  return parts[0].startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The inputs (paths relative to `folder`) whose code uses `__dirname` or `__filename`. */
function filesReadingBeside(inputs: string[], folder: string): string[] {
  return inputs.filter((input) => {
    const path = join(folder, input);
    return existsSync(path) && /\b__dirname\b|\b__filename\b/.test(readFileSync(path, "utf8"));
  });
}
