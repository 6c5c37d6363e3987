/**
 * The library as another stack gets it: `npm pack` (of a copy of the package's inputs), then the tarball installed
 * into a scratch project outside the repository. No registry is involved: the tarball is unpacked into `node_modules/event-driven-workflow` (what npm
 * does with a tarball), and the packages npm would install beside it (the library's declared dependencies and the
 * project's own) are symlinked one by one from this repository's node_modules, so that they are the versions the
 * library is tested with and a single @pulumi/pulumi instance serves the program, the library and the mocks.
 * npm itself never runs in the scratch project: it would "prune" through those symlinks into this repository.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

export const REPO_ROOT = join(__dirname, "..", "..");
const repoModules = join(REPO_ROOT, "node_modules");

export interface PackageManifest {
  name: string;
  version: string;
  main?: string;
  types?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export const readManifest = (dir: string): PackageManifest => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

/**
 * Packs the library with `npm pack` into `destination`. It packs a copy of the package's inputs (package.json, the
 * build configuration, components/ and what `files` names besides dist/), whose `prepack` builds dist/ there: the
 * working tree's dist/ is neither used nor rewritten, so concurrent test runs cannot see each other's half-built output.
 * Returns the tarball's path.
 */
export function packLibrary(destination: string): string {
  const copy = join(destination, "library");
  const { files = [] } = readManifest(REPO_ROOT) as PackageManifest & { files?: string[] };
  const inputs = ["package.json", "tsconfig.json", "tsconfig.build.json", "components", ...files.filter((f) => !f.startsWith("dist")),
    ...readdirSync(REPO_ROOT).filter((f) => /^licen[cs]e/i.test(f))];
  for (const input of new Set(inputs)) cpSync(join(REPO_ROOT, input), join(copy, input), { recursive: true });
  symlinkSync(repoModules, join(copy, "node_modules"), "dir"); // npm pack installs nothing: the build only reads it
  const stdout = execFileSync("npm", ["pack", "--json", "--pack-destination", destination], {
    cwd: copy,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" },
  });
  // prepack's own output (the build) precedes the JSON on stdout.
  const [report] = JSON.parse(stdout.slice(stdout.indexOf("\n[") + 1));
  return join(destination, report.filename);
}

/** Symlinks `name` (scoped or not) from this repository's node_modules into `modulesDir`. */
function linkFromRepo(modulesDir: string, name: string): void {
  const source = join(repoModules, name);
  if (!existsSync(join(source, "package.json"))) throw new Error(`${name} is needed by the scratch project but is not installed in ${repoModules}: run npm install.`);
  const target = join(modulesDir, name);
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true }); // a real scope folder: never a link to the repository's
  symlinkSync(source, target, "dir");
}

/**
 * Copies `files` of the example program at `exampleDir` into a fresh project under `parent`, installs `tarball` into
 * it, and makes its other dependencies resolvable. Returns the project folder.
 */
export function createConsumerProject(parent: string, exampleDir: string, files: string[], tarball: string): string {
  const project = mkdtempSync(join(parent, "consumer-"));
  for (const file of files) cpSync(join(exampleDir, file), join(project, file));

  const unpacked = mkdtempSync(join(parent, "unpacked-"));
  execFileSync("tar", ["-xzf", tarball, "-C", unpacked]);
  const modulesDir = join(project, "node_modules");
  const library = readManifest(join(unpacked, "package"));
  mkdirSync(modulesDir, { recursive: true });
  renameSync(join(unpacked, "package"), join(modulesDir, library.name));

  const consumer = readManifest(project);
  const needed = new Set([
    ...Object.keys(library.dependencies ?? {}),
    ...Object.keys(consumer.dependencies ?? {}),
    ...Object.keys(consumer.devDependencies ?? {}),
  ]);
  needed.delete(library.name);
  for (const name of needed) linkFromRepo(modulesDir, name);
  // The dependency on the library points at the tarball that was installed, as npm records it.
  consumer.dependencies = { ...consumer.dependencies, [library.name]: `file:${relative(project, tarball)}` };
  writeFileSync(join(project, "package.json"), `${JSON.stringify(consumer, null, 2)}\n`);
  return project;
}

/** Runs the project's TypeScript compiler with one of its tsconfig files: exit status and diagnostics. */
export function compileProject(project: string, tsconfig = "tsconfig.json"): { status: number | null; output: string } {
  const tsc = join(project, "node_modules", "typescript", "bin", "tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", join(project, tsconfig)], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Every file under `dir`, relative to it, with `/` separators. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}

/** The modules a compiled JS file `require`s or a declaration file imports (as TypeScript reads them: comments and strings ignored). */
export function moduleSpecifiers(source: string): string[] {
  const { importedFiles, typeReferenceDirectives } = ts.preProcessFile(source, true, true);
  return [...new Set([...importedFiles, ...typeReferenceDirectives].map((ref) => ref.fileName))].sort();
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`); undefined for relative paths and Node built-ins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("node:") || builtinModules.includes(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}
