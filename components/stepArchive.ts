/**
 * The archive of one step's Lambda (deploy time). Pulumi's CallbackFunction packs every package of the program's
 * package.json `dependencies` (the library itself included) into every function; this builds the archive from the
 * serialized handler plus the packages the task lists in `bundle` (with their dependencies), whatever the program's
 * package.json and lockfiles say. Before an archive is handed to Pulumi it is checked (see core/archive.ts), and a
 * problem fails the deployment with a {@link WorkflowDefinitionError} naming the step, the cause and the fix.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { capturedVariableOf, largestCapturedValues, requiredPackages, unavailablePackages, LAYER_PROVIDED_PACKAGES } from "./core/archive";
import { WorkflowDefinitionError } from "./core/validate";

// Defined with the other shared literals, so the local runner and the policy pack read the same value.
export { STEP_HANDLER_ENTRY } from "./asl/integrations";

/** What {@link buildStepArchive} needs besides the handler. */
export interface StepArchiveOptions {
  stepName: string;
  /** The packages the task bundles. */
  bundle: readonly string[];
  /** The largest `__index.js` accepted, in bytes. */
  sizeBudgetBytes: number;
  /** Where the bundled packages are looked up (Node's resolution from there). @default the working directory, the program's folder under `pulumi up` */
  programFolder?: string;
}

/** A built archive: Pulumi's AssetArchive and what it holds, for checks and tests. */
export interface StepArchive {
  archive: pulumi.asset.AssetArchive;
  /** The serialized handler (`__index.js`). */
  source: string;
  /** Bundled package name -> the folder copied into `node_modules/<name>`. */
  packages: Record<string, string>;
}

/**
 * Serializes `callback` and builds its archive: `__index.js` and `node_modules/<name>` for each bundled package and
 * each package those depend on.
 *
 * @throws WorkflowDefinitionError (as a rejection) when the handler cannot be serialized, requires a package Lambda
 *   would not have, or serializes larger than the budget.
 */
export async function buildStepArchive(callback: (...args: any[]) => unknown, options: StepArchiveOptions): Promise<StepArchive> {
  const { stepName } = options;
  const fail = (message: string) => new WorkflowDefinitionError([{ step: stepName, message }]);
  let source: string;
  try {
    source = (await pulumi.runtime.serializeFunction(callback, { exportName: "handler", isFactoryFunction: false })).text;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const variable = capturedVariableOf(message);
    throw fail(
      `its handler cannot be serialized into a Lambda${variable ? `: it captures '${variable}', which cannot be sent to Lambda` : ""}. ` +
        "Create clients, connections and other live objects inside the handler or in the task's `init` hook (run once per Lambda container), " +
        `not at deploy time.\n${indent(message)}`,
    );
  }

  const folder = options.programFolder ?? process.cwd();
  const packages = bundledPackages(options.bundle, folder, stepName);
  const missing = unavailablePackages(requiredPackages(source), Object.keys(packages));
  if (missing.length > 0) {
    throw fail(
      `its handler requires ${missing.map((m) => `"${m}"`).join(", ")}, which Lambda would not find: it is neither in the task's \`bundle\`, ` +
        `nor in the Powertools layer (${LAYER_PROVIDED_PACKAGES.join(", ")}), nor in the Lambda runtime (Node's modules, @aws-sdk/*). ` +
        `Add it to the task's bundle: \`bundle: [${missing.map((m) => `"${m}"`).join(", ")}]\`${missing.includes("event-driven-workflow") ? '; for the library\'s Lambda-time helpers, import them from "event-driven-workflow/runtime" instead, which is serialized into the handler' : ""}.`,
    );
  }

  const bytes = Buffer.byteLength(source);
  if (bytes > options.sizeBudgetBytes) {
    const largest = largestCapturedValues(source)
      .map((v) => `'${v.name}' (${formatBytes(v.bytes)})`)
      .join(", ");
    throw fail(
      `its serialized handler is ${formatBytes(bytes)}, over the budget of ${formatBytes(options.sizeBudgetBytes)}` +
        `${largest ? `; the largest captured values: ${largest}` : ""}. Load large data at run time (from S3, DynamoDB or a bundled file) ` +
        "instead of capturing it, or raise `lambda.handlerSizeBudgetBytes`.",
    );
  }

  const assets: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> = { "__index.js": new pulumi.asset.StringAsset(source) };
  for (const [name, path] of Object.entries(packages)) assets[`node_modules/${name}`] = new pulumi.asset.FileArchive(path);
  return { archive: new pulumi.asset.AssetArchive(assets), source, packages };
}

/**
 * The bundled packages and, transitively, their production dependencies, by name, resolved as Node would from
 * `folder`. A dependency installed inside its parent's own node_modules travels with the parent.
 */
function bundledPackages(bundle: readonly string[], folder: string, stepName: string): Record<string, string> {
  const found: Record<string, string> = {};
  const visit = (name: string, from: string, optional: boolean) => {
    if (found[name] || LAYER_PROVIDED_PACKAGES.includes(name)) return;
    const packageFolder = findPackageFolder(name, from);
    if (!packageFolder) {
      if (optional) return;
      throw new WorkflowDefinitionError([
        {
          step: stepName,
          message: `its bundle needs "${name}", which is not installed where the program runs (${folder}). Run \`npm install ${name}\` in the program's folder.`,
        },
      ]);
    }
    found[name] = packageFolder;
    const manifest = JSON.parse(readFileSync(join(packageFolder, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (!existsSync(join(packageFolder, "node_modules", dependency, "package.json"))) visit(dependency, packageFolder, false);
    }
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {})) {
      if (!existsSync(join(packageFolder, "node_modules", dependency, "package.json"))) visit(dependency, packageFolder, true);
    }
  };
  for (const name of bundle) visit(name, folder, false);
  return found;
}

/** The first `node_modules/<name>` walking up from `start`, as Node resolves a package. */
export function findPackageFolder(name: string, start: string): string | undefined {
  for (let current = start; ; current = dirname(current)) {
    const candidate = join(current, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(current) === current) return undefined;
  }
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `      ${line}`)
    .join("\n");

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${bytes} B`;
}
