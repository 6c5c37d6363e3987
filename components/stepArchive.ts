/**
 * The archive of one step's Lambda (deploy time). Pulumi's CallbackFunction packs every package of the program's
 * package.json `dependencies` (the library itself included) into every function; this builds the archive from the
 * serialized handler plus the packages the task lists in `bundle` (with their dependencies), whatever the program's
 * package.json and lockfiles say. A step's wrapper (runtime/instrument.ts) is not serialized with its handler: it
 * ships as the library's prebuilt files (`dist/lambda`, compiled without comments), which `__index.js` requires, so
 * that `__index.js` holds the task's own code only. Before an archive is handed to Pulumi it is checked (see core/archive.ts), and a
 * problem fails the deployment with a {@link WorkflowDefinitionError} naming the step, the cause and the fix.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { build, transform } from "esbuild";
import {
  capturedVariableOf,
  largestCapturedValues,
  requiredPackages,
  unavailablePackages,
  LAMBDA_RUNTIME_SCOPE,
  LAYER_PROVIDED_PACKAGES,
} from "./core/archive";
import { WorkflowDefinitionError } from "./core/validate";
import { compactSerializedFunctions } from "./core/compactSerialized";
import { bundledExpressions, serializeWithBundledImports, type CopiedPackageFunction } from "./bundledImports";
import { moduleUsage } from "./core/bundleUsage";
import { bundleModules, copiedPackages, installedFolder, type BuiltModule } from "./stepBundle";
import { instrumentStep, type StepRuntimeOptions } from "./runtime/instrument";
import type { StepHandler } from "./steps/types";

export { findPackageFolder } from "./packageClosure";
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
  /** Ship `__index.js` minified (esbuild: comments, whitespace and local names). @default true */
  minify?: boolean;
  /** Packages of `bundle` copied whole instead of bundled (native addons, files read at run time). @default [] */
  copyPackages?: readonly string[];
  /** Ship a source map beside each package bundle. @default false */
  sourceMaps?: boolean;
}

/** A built archive: Pulumi's AssetArchive and what it holds, for checks and tests. */
export interface StepArchive {
  archive: pulumi.asset.AssetArchive;
  /** `__index.js` as shipped: the serialized handler, minified unless `minify: false`. */
  source: string;
  /** Copied package name (`copyPackages` and their dependencies) -> the folder copied into `node_modules/<name>`. */
  packages: Record<string, string>;
  /** The modules of bundled packages the handler loads, each bundled with only what it reads. */
  modules: BuiltModule[];
}

/**
 * Serializes `callback` and builds its archive: `__index.js` and `node_modules/<name>` for each bundled package and
 * each package those depend on.
 *
 * @throws WorkflowDefinitionError (as a rejection) when the handler cannot be serialized, requires a package Lambda
 *   would not have, or serializes larger than the budget.
 */
export async function buildStepArchive(callback: (...args: any[]) => unknown, options: StepArchiveOptions): Promise<StepArchive> {
  const source = await serializeHandler(callback, "handler", false, options);
  return archiveOf(source, {}, options);
}

/** A step's handler and what its wrapper needs inside Lambda: what {@link buildInstrumentedStepArchive} ships. */
export interface InstrumentedStep {
  workflowName: string;
  stepName: string;
  handler: StepHandler<any, any, any>;
  /** The wrapper's options, but `persistenceLayer`: inside Lambda the idempotency store is DynamoDB's. */
  runtime: Omit<StepRuntimeOptions, "persistenceLayer">;
}

/** The package the step wrapper ships as inside each archive (`node_modules/<name>`), from the library's `dist/lambda`. */
export const LAMBDA_RUNTIME_PACKAGE = "event-driven-workflow-lambda-runtime";

/**
 * The archive of a step: its handler (and `init` hook) serialized into `__index.js`, which wraps them at load with
 * `instrumentStep` from the prebuilt wrapper shipped beside it (see {@link LAMBDA_RUNTIME_PACKAGE}). Behaves as
 * `buildStepArchive(instrumentStep(workflowName, stepName, handler, runtime), options)`, with the wrapper's code
 * required instead of serialized into every `__index.js`.
 *
 * @example
 * const built = await buildInstrumentedStepArchive(
 *   { workflowName: "claims", stepName: "SaveClaim", handler: saveClaim, runtime: { idempotency: { keyPath: "claimId" } } },
 *   { stepName: "SaveClaim", bundle: [], sizeBudgetBytes: DEFAULT_HANDLER_SIZE_BUDGET_BYTES },
 * );
 * @throws WorkflowDefinitionError (as a rejection), as {@link buildStepArchive}.
 */
export async function buildInstrumentedStepArchive(step: InstrumentedStep, options: StepArchiveOptions): Promise<StepArchive> {
  const { init, ...settings } = step.runtime;
  // The handler and init travel as one captured object: a function both use is serialized once.
  const parts = { handler: step.handler, init };
  const factory = () => parts;
  const inProcess = () => instrumentStep(step.workflowName, step.stepName, step.handler, step.runtime);
  inProcessHandlers.set(factory, inProcess());
  inProcessHandlerFactories.set(factory, inProcess);
  const serialized = await serializeHandler(factory, "step", true, options);
  const wrap = `exports.handler = require(${JSON.stringify(LAMBDA_RUNTIME_PACKAGE)}).instrumentStep(${JSON.stringify(step.workflowName)}, ${JSON.stringify(step.stepName)}, exports.step.handler, Object.assign(${JSON.stringify(settings)}, { init: exports.step.init }));\n`;
  const features = {
    idempotency: settings.idempotency !== undefined,
    approvalLinks: settings.approvalLinkSeconds !== undefined,
    secrets: (settings.secretNames?.length ?? 0) > 0,
  };
  return archiveOf(`${serialized}\n${wrap}`, await lambdaRuntimeAssets(features), options);
}

// Serialized factories -> the wrapped handler they stand for, for tools that run steps in-process (edw-local's source
// mode). Kept on the process, not the module: a runner may load the program, and so the library, afresh.
const registry = globalThis as unknown as Record<symbol, WeakMap<object, (...args: any[]) => unknown> | undefined>;
const inProcessHandlers = (registry[Symbol.for("event-driven-workflow.inProcessHandlers")] ??= new WeakMap());
// The same, as makers of a new execution environment each (a registry of its own: older copies do not fill it).
const inProcessHandlerFactories = (registry[Symbol.for("event-driven-workflow.inProcessHandlerFactories")] ??= new WeakMap());

/**
 * The handler, wrapped as it runs in Lambda, that a function handed to Pulumi's serializer by
 * {@link buildInstrumentedStepArchive} stands for; `undefined` for any other function. Lets a local runner that
 * watches serialization run the step in-process.
 *
 * @example
 * const runnable = inProcessHandlerOf(serializedFunction) ?? serializedFunction;
 */
export function inProcessHandlerOf(serialized: object): ((...args: any[]) => unknown) | undefined {
  return inProcessHandlers.get(serialized);
}

/**
 * Like {@link inProcessHandlerOf}, but a maker: each call returns the handler in a NEW execution environment (its own
 * Powertools objects, cold start and `init` resources), as a fresh Lambda container would run it. Lets a local runner
 * that reuses one synthesis start each run with fresh containers.
 *
 * @example
 * const makeHandler = inProcessHandlerFactoryOf(serializedFunction);
 * const runnable = makeHandler?.() ?? serializedFunction;
 */
export function inProcessHandlerFactoryOf(serialized: object): (() => (...args: any[]) => unknown) | undefined {
  return inProcessHandlerFactories.get(serialized) as (() => (...args: any[]) => unknown) | undefined;
}

/** Pulumi's serialization of `callback`, or a WorkflowDefinitionError naming what it captures that cannot travel. */
async function serializeHandler(
  callback: (...args: any[]) => unknown,
  exportName: string,
  isFactoryFunction: boolean,
  options: StepArchiveOptions,
): Promise<string> {
  const { stepName, bundle } = options;
  const folder = options.programFolder ?? process.cwd();
  let serialized: Awaited<ReturnType<typeof serializeWithBundledImports>>;
  try {
    serialized = await serializeWithBundledImports(
      async (serialize) => (await pulumi.runtime.serializeFunction(callback, { exportName, isFactoryFunction, serialize })).text,
      bundledExpressions(bundle, folder),
      bundle,
      folder,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const variable = capturedVariableOf(message);
    throw new WorkflowDefinitionError([
      {
        step: stepName,
        message:
          `its handler cannot be serialized into a Lambda${variable ? `: it captures '${variable}', which cannot be sent to Lambda` : ""}. ` +
          "Create clients, connections and other live objects inside the handler or in the task's `init` hook (run once per Lambda container), " +
          `not at deploy time.\n${indent(message)}`,
      },
    ]);
  }
  const [copied] = serialized.copied;
  if (copied && !copied.bundled) throw new WorkflowDefinitionError([{ step: stepName, message: unbundledCopyMessage(copied) }]);
  if (copied) {
    throw new WorkflowDefinitionError([
      {
        step: stepName,
        message:
          `its handler would carry a copy of code of the bundled package "${copied.packageName}" (the function '${copied.name}', ${copied.file}) ` +
          "instead of requiring it: in Lambda that copy runs without its module and can fail where the source run passes. " +
          `Import what the handler uses from the package's entry (\`import { ${copied.name} } from "${copied.packageName}"\`, or \`require("${copied.packageName}").${copied.name}\` ` +
          "inside the handler), and create the package's objects inside the handler or its `init` hook, not at deploy time.",
      },
    ]);
  }
  return serialized.text;
}

/**
 * Why a handler that captures a function of a package its task does not bundle (a destructured `require`, an ES module
 * import) cannot deploy, and the fix: bundle the package, or, for what Lambda provides, load it in the handler.
 */
function unbundledCopyMessage({ name, file, packageName }: CopiedPackageFunction): string {
  const provided = LAYER_PROVIDED_PACKAGES.includes(packageName) || packageName.startsWith(LAMBDA_RUNTIME_SCOPE);
  return (
    `its handler captures '${name}' of the package "${packageName}" (${file}), which would be copied into the Lambda without its module ` +
    "and can fail there while the source run passes. " +
    (provided
      ? `"${packageName}" comes with Lambda (its runtime or the Powertools layer): load it inside the handler or its \`init\` hook ` +
        `(\`const { ${name} } = await import("${packageName}")\`), so that the archive requires it.`
      : `Add it to the task's bundle (\`bundle: ["${packageName}"]\`): the handler then requires a tree-shaken bundle of it.`)
  );
}

/** The archive of serialized `serialized`, with `extra` assets and the bundled packages, once checked. */
async function archiveOf(serialized: string, extra: Record<string, pulumi.asset.Asset>, options: StepArchiveOptions): Promise<StepArchive> {
  const { stepName } = options;
  const source = options.minify === false ? serialized : await minifyHandler(serialized, stepName);
  const fail = (message: string) => new WorkflowDefinitionError([{ step: stepName, message }]);
  const folder = options.programFolder ?? process.cwd();
  const copy = options.copyPackages ?? [];
  const notBundled = copy.filter((name) => !options.bundle.includes(name));
  if (notBundled.length > 0) {
    throw fail(
      `its \`copyPackages\` lists ${notBundled.map((n) => `"${n}"`).join(", ")}, which its \`bundle\` does not: add them to \`bundle\` too, or remove them.`,
    );
  }
  for (const name of options.bundle) if (!LAYER_PROVIDED_PACKAGES.includes(name)) installedFolder(name, folder, stepName);
  const packages = copiedPackages(copy, folder, stepName);
  const modules = await bundleModules(moduleUsage(serialized), { ...options, copy, folder, sourceMap: options.sourceMaps });
  const shipped = [...options.bundle, ...Object.keys(packages), ...(Object.keys(extra).length > 0 ? [LAMBDA_RUNTIME_PACKAGE] : [])];
  const missing = unavailablePackages(requiredPackages(source), shipped);
  if (missing.length > 0) {
    throw fail(
      `its handler requires ${missing.map((m) => `"${m}"`).join(", ")}, which Lambda would not find: it is neither in the task's \`bundle\`, ` +
        `nor in the Powertools layer (${LAYER_PROVIDED_PACKAGES.join(", ")}), nor in the Lambda runtime (Node's modules, @aws-sdk/*). ` +
        `Add it to the task's bundle: \`bundle: [${missing.map((m) => `"${m}"`).join(", ")}]\`${missing.includes("event-driven-workflow") ? '; for the library\'s Lambda-time helpers, import them from "event-driven-workflow/runtime" instead, which is serialized into the handler' : ""}.`,
    );
  }

  const bytes = Buffer.byteLength(source);
  if (bytes > options.sizeBudgetBytes) {
    // Named from the serialized text: minification renames the captured values.
    const largest = largestCapturedValues(serialized)
      .map((v) => `'${v.name}' (${formatBytes(v.bytes)})`)
      .join(", ");
    throw fail(
      `its serialized handler is ${formatBytes(bytes)}, over the budget of ${formatBytes(options.sizeBudgetBytes)}` +
        `${largest ? `; the largest captured values: ${largest}` : ""}. Load large data at run time (from S3, DynamoDB or a bundled file) ` +
        "instead of capturing it, or raise `lambda.handlerSizeBudgetBytes`.",
    );
  }

  const assets: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> = {
    "__index.js": new pulumi.asset.StringAsset(source),
    ...extra,
  };
  for (const [name, path] of Object.entries(packages)) assets[`node_modules/${name}`] = new pulumi.asset.FileArchive(path);
  for (const module of modules) for (const [path, text] of Object.entries(module.files)) assets[path] = new pulumi.asset.StringAsset(text);
  return { archive: new pulumi.asset.AssetArchive(assets), source, packages, modules };
}

/**
 * `source` minified for shipping. Pulumi's serialization keeps every comment and indent of the handler and of each
 * function it captures; removing them and shortening local names halves `__index.js`, which Lambda reads and parses
 * at every cold start. The no-ops of its boilerplate go too (see compactSerializedFunctions).
 */
async function minifyHandler(source: string, stepName: string): Promise<string> {
  try {
    // CommonJS, not strict: the serialized code binds captured values with `with` statements, which esbuild keeps.
    const compact = compactSerializedFunctions(source);
    return (await transform(compact, { loader: "js", format: "cjs", minify: true, target: "node20", legalComments: "none" })).code;
  } catch (error) {
    throw new WorkflowDefinitionError([
      {
        step: stepName,
        message: `its serialized handler could not be minified; deploy it as serialized with \`lambda.minify: false\` and report this.\n${indent(String(error))}`,
      },
    ]);
  }
}

/**
 * The prebuilt wrapper as `node_modules/<LAMBDA_RUNTIME_PACKAGE>/index.js`: `runtime/instrument.js` of the library's
 * `dist/lambda` (built with the library: `npm run build`) and the modules it requires, bundled and minified, without
 * the idempotency, approval-link and secrets code unless the step uses them (stand-ins that throw if reached).
 */
function lambdaRuntimeAssets(features: WrapperFeatures): Promise<Record<string, pulumi.asset.Asset>> {
  const key = `${features.idempotency}/${features.approvalLinks}/${features.secrets}`;
  let assets = wrapperBuilds.get(key);
  if (!assets) {
    assets = buildWrapper(features);
    wrapperBuilds.set(key, assets);
  }
  return assets;
}
const wrapperBuilds = new Map<string, Promise<Record<string, pulumi.asset.Asset>>>();

/** The optional parts of the wrapper a step uses: the others are left out of its archive. */
interface WrapperFeatures {
  idempotency: boolean;
  approvalLinks: boolean;
  secrets: boolean;
}

async function buildWrapper(features: WrapperFeatures): Promise<Record<string, pulumi.asset.Asset>> {
  const root = lambdaRuntimeFolder();
  const unused = [
    ...(features.idempotency ? [] : ["idempotency"]),
    ...(features.approvalLinks ? [] : ["approvalToken"]),
    ...(features.secrets ? [] : ["secrets"]),
  ];
  const result = await build({
    entryPoints: [join(root, "runtime", "instrument.js")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    minify: true,
    legalComments: "none",
    write: false,
    external: [`${LAMBDA_RUNTIME_SCOPE}*`, "@aws-lambda-powertools/*"],
    logLevel: "silent",
    plugins: [
      {
        name: "unused-wrapper-features",
        setup(wrapper) {
          if (unused.length === 0) return;
          wrapper.onResolve({ filter: new RegExp(`^\\./(${unused.join("|")})$`) }, (args) => ({ path: args.path, namespace: "unused" }));
          wrapper.onLoad({ filter: /.*/, namespace: "unused" }, (args) => ({
            contents: `module.exports = new Proxy({}, { get: (_, key) => key === "__esModule" ? undefined : () => { throw new Error(${JSON.stringify(`this step's archive does not ship the wrapper's ${args.path.slice(2)} code`)}); } });`,
            loader: "js",
          }));
        },
      },
    ],
  });
  const at = (file: string) => `node_modules/${LAMBDA_RUNTIME_PACKAGE}/${file}`;
  const { version } = JSON.parse(readFileSync(join(__dirname, __filename.endsWith(".ts") ? "" : "..", "package.json"), "utf8")) as {
    version: string;
  };
  return {
    [at("package.json")]: new pulumi.asset.StringAsset(
      JSON.stringify({ name: LAMBDA_RUNTIME_PACKAGE, version, private: true, main: "index.js" }),
    ),
    [at("index.js")]: new pulumi.asset.StringAsset(result.outputFiles[0].text),
  };
}

/** `dist/lambda` of the library, whether this file runs from `dist/` (installed) or from its source (the workspace's tests). */
function lambdaRuntimeFolder(): string {
  const folder = join(__dirname, __filename.endsWith(".ts") ? "dist" : "", "lambda");
  if (!existsSync(join(folder, "runtime", "instrument.js"))) {
    throw new Error(`The step wrapper's build (${folder}) is missing: build the library first (\`npm run build\` in its folder).`);
  }
  return folder;
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
