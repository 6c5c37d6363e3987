/**
 * The one package-closure walk of the project: packages with their production dependencies, transitively, as they
 * are installed. The library uses it for what a step's archive bundles, the local runner for what its simulated
 * Powertools layer and Lambda runtime hold, so both follow the same rules:
 * - a dependency installed inside its parent's own `node_modules` travels with the parent (not listed apart);
 * - an optional dependency that is not installed is left out (npm skips those that do not fit the platform);
 * - a missing required dependency follows the caller's policy: `fail` (a MissingPackageError naming it and the
 *   package that needs it) or `skip` (left out, for a folder built from whatever is installed);
 * - `exclude`d packages (e.g. those the Powertools layer provides) are neither listed nor walked into.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

/** A package the closure needs that is not installed where it is looked up. */
export class MissingPackageError extends Error {
  constructor(
    /** The package not found. */
    readonly packageName: string,
    /** The package whose dependency it is. */
    readonly requiredBy: string,
  ) {
    super(`"${packageName}" (a dependency of "${requiredBy}") is not installed`);
    this.name = "MissingPackageError";
  }
}

/** Options of {@link packageClosure}. */
export interface PackageClosureOptions {
  /** What to do when a required dependency is not installed. @default "fail" */
  missing?: "fail" | "skip";
  /** Packages to leave out, with what only they depend on. @default [] */
  exclude?: readonly string[];
}

/**
 * `roots` (package name -> installed folder) and, transitively, their production dependencies, by name, each
 * resolved as Node would from the package that depends on it; sorted by name.
 *
 * @example
 * const closure = packageClosure(new Map([["date-fns", findPackageFolder("date-fns", process.cwd())!]]));
 * @throws MissingPackageError when a required dependency is not installed and `missing` is "fail".
 */
export function packageClosure(roots: ReadonlyMap<string, string>, options: PackageClosureOptions = {}): Map<string, string> {
  const { missing = "fail", exclude = [] } = options;
  const closure = new Map<string, string>();
  const visit = (name: string, folder: string) => {
    if (closure.has(name) || exclude.includes(name)) return;
    closure.set(name, folder);
    const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
    for (const dependency of new Set([...Object.keys(manifest.dependencies ?? {}), ...optional])) {
      if (existsSync(join(folder, "node_modules", dependency, "package.json")) || exclude.includes(dependency)) continue;
      const found = findPackageFolder(dependency, folder);
      if (found) visit(dependency, found);
      else if (!optional.has(dependency) && missing === "fail") throw new MissingPackageError(dependency, name);
    }
  };
  for (const [name, folder] of roots) visit(name, folder);
  return new Map([...closure].sort(([a], [b]) => a.localeCompare(b)));
}

/** The first `node_modules/<name>` walking up from `start`, as Node resolves a package. */
export function findPackageFolder(name: string, start: string): string | undefined {
  for (let current = start; ; current = dirname(current)) {
    const candidate = join(current, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(current) === current) return undefined;
  }
}
