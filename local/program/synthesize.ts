/**
 * Pulumi programs synthesized in-process under mocks: records every resource a program registers (type, name,
 * resolved inputs, parent) and answers the provider calls (region, account, partition) with fixed values. No
 * Pulumi CLI, no AWS. The local runner, `edw-local graph` and the test kit share it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve as resolvePath, sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { load as loadYaml } from "js-yaml";
import { LAMBDA_FUNCTION_TYPE } from "event-driven-workflow/asl";
import { inProcessHandlerFactoryOf, inProcessHandlerOf } from "event-driven-workflow";
import { forgetProgramModules, loadProgram } from "./loader";
import { parsesFileOf, shareFunctionParses } from "./sharedParses";

import {
  forgetPendingPulumiWork,
  resourceKey,
  workflowMocks,
  TEST_ACCOUNT,
  TEST_REGION,
  type RecordedResource,
  type WorkflowMocksOptions,
} from "./mocks";

export { forgetPendingPulumiWork, resourceKey, TEST_ACCOUNT, TEST_REGION, type RecordedResource };

/** What the mocks answer besides resources and provider calls: the StackReference stubs. */
export type ReferenceStubs = Pick<WorkflowMocksOptions, "stackReferences" | "stackReferenceHint">;

/** Installs the mocks; returns the list that fills as resources register. Call before importing a program. */
export function installMocks(
  project = "order-processing",
  stack = "test",
  config: Record<string, string> = {},
  references: ReferenceStubs = {},
): RecordedResource[] {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setAllConfig({ "aws:region": TEST_REGION, ...config });
  pulumi.runtime.setMocks(workflowMocks({ ...references, onResource: (resource) => resources.push(resource) }), project, stack, false);
  return resources;
}

/** Resolves an Output (mocks never leave one unknown when preview is false). */
export function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) =>
    output.apply((value) => {
      resolve(value);
      return value;
    }),
  );
}

/**
 * Waits until every registration RPC has completed (they are asynchronous even under mocks), as the language host does
 * before it exits: Pulumi's `waitForRPCs`, or, in an SDK without it, until registrations stop arriving for 100 ms (on
 * a loaded machine a late one, a component's outputs, could still come after that).
 */
export async function settle(resources: RecordedResource[]): Promise<void> {
  const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof waitForRPCs === "function") return waitForRPCs();
  let last = -1;
  for (let quiet = 0; quiet < 5; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    quiet = resources.length === last ? quiet + 1 : 0;
    last = resources.length;
  }
}

export const ofType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);

// ---------------------------------------------------------------------------------------------------------------
// Whole programs

/** Pulumi's root resource, which {@link synthesizeProgram} registers as the CLI does and leaves out of the list. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** A Lambda Function whose code Pulumi could not serialize: `pulumi up` would stop on it. */
export interface SerializationFailure {
  /** The Function resource's logical name. */
  resource: string;
  /** Pulumi's own message: the chain of captured values down to the one that cannot be serialized. */
  message: string;
}

/** How a synthesis used the cache, for the user. */
export interface CacheUse {
  /** Whether the cached entry was used. */
  hit: boolean;
  /** Why the entry was not used or not written, when that is worth saying. */
  note?: string;
}

/** A program that threw, or left a failed registration, while it was synthesized. */
export class SynthesisError extends Error {
  constructor(
    readonly program: string,
    readonly causes: unknown[],
  ) {
    super(
      `${program} failed under Pulumi mocks (as \`pulumi preview\` would):\n${causes.map((c) => `  ${(messageOf(c) + where(c, program)).split("\n").join("\n  ")}`).join("\n")}`,
    );
    this.name = "SynthesisError";
  }
}

export interface SynthesisOptions {
  /** @default the `name` in the nearest Pulumi.yaml, else the program folder's name */
  project?: string;
  /** @default "local" */
  stack?: string;
  /** Pulumi config on top of the project's defaults and the stack file's values; keys without a namespace get the project's. */
  config?: Record<string, string>;
  /**
   * The outputs of each StackReference the program reads, by reference name (`org/project/stack`).
   * @default none: a program reading a StackReference fails, naming it
   * @example { "acme/orders/dev": { eventBusName: "orders-bus" } }
   */
  stackReferences?: Record<string, Record<string, unknown>>;
  /** How to supply a missing StackReference stub, for its error (the CLI names its option). @default the `stackReferences` option */
  stackReferenceHint?: (name: string) => string;
  /**
   * Runs inside the stack right after the module loaded, with its exports and the resources it constructed; may
   * construct more resources. Returns the stack outputs to use instead of the module's exports, if any.
   */
  afterLoad?: (
    exports: Record<string, unknown>,
    constructed: readonly { type: string; name: string }[],
  ) => Record<string, unknown> | undefined;
  /**
   * Serialize each Lambda's code, as `pulumi up` does. `false` registers every Function with placeholder code and
   * reports no serialization failures: for a run from the source whose archives and failures come from a cache entry
   * of the same content (see synthesisCache.ts).
   * @default true
   */
  serialize?: boolean;
}

/** A synthesized program: what `pulumi preview` would register, with resolved inputs. */
export interface Synthesis {
  project: string;
  stack: string;
  /** Every resource but the root stack, in registration order, each with its parent. */
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** Functions whose code could not be serialized (each registered with a placeholder so the rest still resolves). */
  serializationFailures: SerializationFailure[];
  /** The callback each CallbackFunction was built from, by Function resource name: the source the artifact came from. */
  callbacks: Map<string, (...args: any[]) => unknown>;
  /**
   * Makes the callback of each CallbackFunction anew, by Function resource name: for a step, its handler in a new
   * execution environment (Powertools objects, cold start, `init` resources), as a fresh Lambda container runs it; a
   * plain callback is returned as is. Lets runs that share one synthesis start with fresh containers.
   */
  callbackFactories: Map<string, () => (...args: any[]) => unknown>;
  /** Notes for the user, e.g. config values that could not be used. */
  warnings: string[];
  /** Whether the synthesis came from the on-disk cache (see `RunnerOptions.cache`); absent when no cache was asked for. */
  cache?: CacheUse;
  /**
   * `false` when each Function's code is a placeholder that fails if run (`serialize: false`, no cached archives):
   * such a synthesis runs from the source only, and is never cached.
   * @default true
   */
  serialized?: boolean;
}

/**
 * Runs a Pulumi program (or any module that constructs resources) in-process under mocks, the way the CLI runs it:
 * inside a root stack, with the project's config (Pulumi.yaml defaults, Pulumi.<stack>.yaml, then `options.config`).
 * A Lambda callback that cannot be serialized does not abort the synthesis: it is reported in
 * `serializationFailures`, naming its Function, and the other resources still resolve. Programs can be synthesized any
 * number of times in one process (one at a time: Pulumi's mocks and config are process-wide): each synthesis installs
 * its own mocks and loads the program's own modules afresh.
 *
 * @example
 * const { resources, outputs } = await synthesizeProgram("index.ts", { stack: "dev", config: { "order-processing:logLevel": "ALL" } });
 */
export async function synthesizeProgram(modulePath: string, options: SynthesisOptions = {}): Promise<Synthesis> {
  const program = resolvePath(modulePath);
  const settings = readProjectSettings(program, options.stack);
  const project = options.project ?? settings.project;
  const stack = options.stack ?? "local";
  const given = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([key, value]) => [key.includes(":") ? key : `${project}:${key}`, value]),
  );
  const recorded = installMocks(project, stack, { ...settings.config, ...given }, options);

  const keys = new WeakMap<object, string>();
  const parents = new Map<string, string | undefined>();
  const constructed: { type: string; name: string }[] = [];
  const callbacks = new Map<string, (...args: any[]) => unknown>();
  const callbackFactories = new Map<string, () => (...args: any[]) => unknown>();
  const serializations = catchSerializationFailures(options.serialize ?? true);
  const parses = options.serialize === false ? undefined : shareFunctionParses([dirname(program), __dirname], parsesFileOf(program));
  const stacks = plainBookkeepingStacks();
  const archives = watchFunctionCode();
  let active = true;
  const record: pulumi.ResourceTransformation = (args) => {
    if (!active) return undefined;
    const key = resourceKey(args);
    keys.set(args.resource, key);
    parents.set(key, args.opts.parent ? keys.get(args.opts.parent) : undefined);
    constructed.push({ type: args.type, name: args.name });
    if (args.type === LAMBDA_FUNCTION_TYPE) {
      const claimed = serializations.claim(args.name);
      if (claimed) {
        callbacks.set(args.name, claimed.callback);
        callbackFactories.set(args.name, claimed.factory);
      }
      archives.watch(args.props.code);
    }
    return undefined;
  };

  const failures = firstFailures();
  let outputs: Record<string, unknown> = {};
  try {
    outputs =
      (await Promise.race([
        pulumi.runtime.runInPulumiStack(async () => {
          pulumi.runtime.registerStackTransformation(record);
          const exports = await loadProgram(program);
          return options.afterLoad?.(exports, constructed) ?? exports;
        }),
        failures.first,
      ])) ?? {};
    // A Function whose code cannot be built never finishes registering, nor does a resource whose input rejected:
    // stop at the first error instead of waiting for them.
    await Promise.race([settle(recorded), archives.failed, failures.first]);
  } catch (error) {
    failures.raised(error);
  } finally {
    active = false;
    serializations.restore();
    parses?.restore();
    stacks.restore();
    // A later import of the program (a test of the user's, under its own mocks) runs it again, too.
    forgetProgramModules(program);
  }
  const causes = await failures.drained();
  if (causes.length > 0) throw new SynthesisError(modulePath, causes);
  const resources = recorded.filter((r) => r.type !== ROOT_STACK_TYPE).map((r) => ({ ...r, parent: parents.get(resourceKey(r)) }));
  return {
    project,
    stack,
    resources,
    outputs,
    serializationFailures: serializations.failures(),
    callbacks,
    callbackFactories,
    warnings: settings.warnings,
    serialized: options.serialize ?? true,
  };
}

/**
 * The errors a synthesis raises, first first: thrown by the program, or rejected where nobody awaits them (an `apply`
 * callback, a registration under the mocks). `first` rejects with the first one, so that the synthesis stops there
 * instead of waiting for registrations it left pending forever (their promises then keep nothing alive, and the
 * process would end with only Pulumi's "N promises were still active"). `drained` keeps listening until no more
 * arrive for a moment: the rest of a failed program's rejections are its own, not the next synthesis's.
 */
function firstFailures() {
  const causes: unknown[] = [];
  let fail: (error: unknown) => void = () => undefined;
  const first = new Promise<never>((_, reject) => {
    fail = reject;
  });
  first.catch(() => undefined); // observed by the races in synthesizeProgram
  let lastAt = 0;
  const raised = (reason: unknown) => {
    // The same error rejected again (an Output's several dependents) is one cause.
    if (!causes.includes(reason) && !causes.some((c) => sameError(c, reason))) causes.push(reason);
    lastAt = Date.now();
    fail(reason);
  };
  process.on("unhandledRejection", raised);
  return {
    first,
    raised: (error: unknown) => {
      // What the races rethrow is the first cause itself.
      if (!causes.includes(error)) raised(error);
    },
    async drained(): Promise<unknown[]> {
      if (causes.length > 0) while (Date.now() - lastAt < DRAIN_QUIET_MS) await new Promise((r) => setTimeout(r, DRAIN_QUIET_MS / 2));
      process.off("unhandledRejection", raised);
      return causes;
    },
  };
}

/** How long a failed synthesis listens for more of its own rejections after the last one. */
const DRAIN_QUIET_MS = 100;

function sameError(a: unknown, b: unknown): boolean {
  return a instanceof Error && b instanceof Error && a.name === b.name && a.message === b.message;
}

/**
 * A Function's `code` may be a promise (EventDrivenWorkflow builds each step's archive asynchronously and rejects it
 * with an error naming the step). Under mocks, a rejected input leaves its registration pending forever; `failed`
 * rejects with the first such error instead.
 */
function watchFunctionCode(): { watch(code: unknown): void; failed: Promise<never> } {
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined); // observed by the race in synthesizeProgram; never an unhandled rejection
  return {
    watch(code: unknown) {
      if (code && typeof (code as PromiseLike<unknown>).then === "function") (code as PromiseLike<unknown>).then(undefined, fail);
    },
    failed,
  };
}

/**
 * CallbackFunction serializes its callback (`pulumi.runtime.serializeFunction`) in its constructor, right before it
 * registers its Function; when serialization fails, the registration fails later with a rejection that names no
 * resource. This wraps serializeFunction so that a failure is kept with its Function (claimed by the Function's
 * transformation, which runs synchronously after the serializeFunction call) and a placeholder is serialized
 * instead, so that the rest of the program still resolves.
 */
function catchSerializationFailures(serialize: boolean) {
  const runtime = pulumi.runtime as {
    serializeFunction: typeof pulumi.runtime.serializeFunction;
    computeCodePaths: typeof pulumi.runtime.computeCodePaths;
  };
  const original = runtime.serializeFunction;
  const codePaths = runtime.computeCodePaths;
  // Not serializing: CallbackFunction's walk of the program's package tree is skipped as well.
  if (!serialize) runtime.computeCodePaths = (async () => new Map()) as unknown as typeof codePaths;
  const tokens: { resource?: string; message?: string }[] = [];
  type Callback = (...args: any[]) => unknown;
  let pending: { callback: Callback; factory: () => Callback; token: { resource?: string; message?: string } } | undefined;
  runtime.serializeFunction = (func, args) => {
    const token: { resource?: string; message?: string } = {};
    tokens.push(token);
    const callback = (inProcessHandlerOf(func) ?? func) as Callback;
    pending = { callback, factory: inProcessHandlerFactoryOf(func) ?? (() => callback), token };
    const exportName = args?.exportName ?? "handler";
    if (!serialize) return Promise.resolve({ text: UNSERIALIZED_PLACEHOLDER, exportName, containsSecrets: false });
    return original(func, args).catch((error: unknown) => {
      token.message = messageOf(error);
      return {
        text: 'throw new Error("this function\'s code could not be serialized");\n',
        exportName: args?.exportName ?? "handler",
        containsSecrets: false,
      };
    });
  };
  return {
    /** The callback (and its maker) serialized for the Function `resource` being constructed, if it is a CallbackFunction. */
    claim(resource: string) {
      const claimed = pending;
      pending = undefined;
      if (claimed) claimed.token.resource = resource;
      return claimed && { callback: claimed.callback, factory: claimed.factory };
    },
    failures: (): SerializationFailure[] =>
      tokens.filter((t) => t.message !== undefined).map((t) => ({ resource: t.resource ?? "(unknown function)", message: t.message! })),
    restore() {
      runtime.serializeFunction = original;
      runtime.computeCodePaths = codePaths;
    },
  };
}

/**
 * The code of each Function of a synthesis that skipped serialization: it fails, saying why, wherever it is loaded,
 * so that it can never pass for a handler.
 */
export const UNSERIALIZED_PLACEHOLDER =
  'throw new Error("edw-local: this archive is a placeholder (the program was synthesized without serializing its handlers, to run them from the source); synthesize it with serialization to run or ship its archive");\n';

/**
 * Pulumi records a stack trace on each of its internal promises (thousands per synthesis), read only to explain a
 * promise left pending when the process exits. With source maps on (loader.ts turns them on, for the program's
 * TypeScript lines), Node maps every frame of every such trace: most of a cached run's synthesis time. While a
 * synthesis runs, those traces are formatted only when read, and without source maps; every other error's stack is
 * formatted as before.
 */
function plainBookkeepingStacks(): { restore(): void } {
  const format = Error.prepareStackTrace;
  // Where Node does not expose its formatter, there is nothing to fall back to: leave stacks alone.
  if (typeof format !== "function") return { restore() {} };
  // Formatted when read (Pulumi only interpolates it into its leak report), as V8 formats a stack without source maps.
  const plain: typeof format = (error, trace) =>
    trace[0]?.getFileName()?.endsWith(PULUMI_BOOKKEEPING)
      ? { toString: () => `${error}\n    at ${trace.join("\n    at ")}` }
      : format(error, trace);
  Error.prepareStackTrace = plain;
  return {
    restore() {
      if (Error.prepareStackTrace === plain) Error.prepareStackTrace = format;
    },
  };
}

/** The module of @pulumi/pulumi that records a stack trace on each of its promises (`debuggablePromise`). */
const PULUMI_BOOKKEEPING = ["", "@pulumi", "pulumi", "runtime", "debuggable.js"].join(sep);

/**
 * Where in the program's own files `error` was thrown (its first stack frame there, TypeScript lines through source
 * maps), as a line to add to its message; empty when the stack names none.
 */
function where(error: unknown, program: string): string {
  const folder = dirname(resolvePath(program));
  const frame = (error instanceof Error ? (error.stack ?? "") : "")
    .split("\n")
    .find((line) => /^\s+at /.test(line) && line.includes(folder) && !line.includes("node_modules"));
  return frame ? `\n  ${frame.trim()}` : "";
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Pulumi prefixes an input's failure with the chain of properties it was serialized through, from whichever
  // dependent resource failed first (often not the one the program wrote): the input it came from is the last one.
  return message.replace(/^(?:error serializing property "[^"]+": )*error serializing property ("[^"]+"): /, "input $1: ");
}

// ---------------------------------------------------------------------------------------------------------------
// Project settings: what the CLI would read before running the program

/**
 * The project name and config for `stack` (default "local"), as the Pulumi CLI assembles them: the `default`s declared
 * in the nearest Pulumi.yaml (found from the program's folder upwards), overridden by Pulumi.<stack>.yaml beside it.
 * Secure values cannot be decrypted without the CLI and are left out with a warning; a stack named on purpose whose
 * file does not exist gets a warning too (the CLI would create that stack with no config of its own).
 */
function readProjectSettings(
  program: string,
  named: string | undefined,
): { project: string; config: Record<string, string>; warnings: string[] } {
  const stack = named ?? "local";
  const folder = findProjectFolder(dirname(resolvePath(program)));
  if (!folder) {
    const warnings =
      named === undefined
        ? []
        : [
            `stack "${named}": no Pulumi.yaml in the program's folder or above it, so no stack file is read; config comes only from --config.`,
          ];
    return { project: basename(dirname(resolvePath(program))), config: {}, warnings };
  }
  const projectFile = loadYaml(readFileSync(join(folder, "Pulumi.yaml"), "utf8")) as
    | { name?: string; config?: Record<string, unknown> }
    | undefined;
  const project = projectFile?.name ?? basename(folder);
  const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  const config: Record<string, string> = {};
  const warnings: string[] = [];
  for (const [key, declared] of Object.entries(projectFile?.config ?? {})) {
    const isDeclaration = typeof declared === "object" && declared !== null && !Array.isArray(declared);
    const value = isDeclaration
      ? ((declared as { default?: unknown; value?: unknown }).default ?? (declared as { value?: unknown }).value)
      : declared;
    if (value !== undefined) config[qualify(key)] = configString(value);
  }
  const stackPath = join(folder, `Pulumi.${stack}.yaml`);
  if (named !== undefined && !existsSync(stackPath)) {
    warnings.push(
      `stack "${named}": there is no Pulumi.${named}.yaml beside Pulumi.yaml, so its config comes from no stack file, only from Pulumi.yaml's ` +
        `defaults and --config (the Pulumi CLI knows no such stack until \`pulumi stack init ${named}\` creates one, with no config of its own). ` +
        `Check the name; the project's stack files: ${stackFiles(folder).join(", ") || "none"}.`,
    );
  }
  if (existsSync(stackPath)) {
    const stackFile = loadYaml(readFileSync(stackPath, "utf8")) as { config?: Record<string, unknown> } | undefined;
    for (const [key, value] of Object.entries(stackFile?.config ?? {})) {
      if (typeof value === "object" && value !== null && "secure" in value) {
        warnings.push(
          `config ${qualify(key)} is a secret in Pulumi.${stack}.yaml; it cannot be decrypted without the Pulumi CLI: pass it with --config ${key}=<value>.`,
        );
      } else {
        config[qualify(key)] = configString(value);
      }
    }
  }
  return { project, config, warnings };
}

function stackFiles(folder: string): string[] {
  return readdirSync(folder).filter((file) => /^Pulumi\..+\.ya?ml$/.test(file));
}

function findProjectFolder(start: string): string | undefined {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "Pulumi.yaml"))) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

/** Config values reach a program as strings; structured values as JSON, as the CLI passes them. */
const configString = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
