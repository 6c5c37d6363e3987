/**
 * Runs a step's DEPLOYMENT ARTIFACT (the archive the component built for its Lambda: `__index.js`, plus the packages
 * the task bundles) the way Lambda would: in a child process, from a folder outside the project, where the only
 * other modules resolvable are those of a SIMULATED POWERTOOLS LAYER (the Powertools packages the library is
 * installed with, and their dependencies), of the SIMULATED LAMBDA RUNTIME (the AWS SDK v3 clients, which the
 * Node.js runtime ships) and Node's own. A handler that only worked thanks to the project's node_modules fails
 * here as it would on AWS.
 *
 * A {@link WarmFunction} keeps its child processes alive between invocations, like warm Lambda execution
 * environments: the first invocation of each is a cold start (the module is loaded then), later ones reuse it.
 * Concurrent invocations get an environment each; one that times out is discarded, as Lambda discards it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { STEP_HANDLER_ENTRY } from "event-driven-workflow/asl";
import { findPackageFolder, packageClosure } from "event-driven-workflow/core";
import { LAYER_PROVIDED_PACKAGES } from "event-driven-workflow/core";

const POWERTOOLS_SCOPE = "@aws-lambda-powertools";

/**
 * Where the packages a Lambda gets from outside its archive are found here: beside the library (the Powertools
 * versions it is built and tested with) and beside this tool (the AWS SDK clients standing in for the runtime's).
 */
function installationRoots(): string[] {
  const libraryFolder = dirname(realpathSync(require.resolve("event-driven-workflow")));
  return [libraryFolder, __dirname];
}

/** Every installed package of `scope` visible from the installation roots, by name. */
function installedInScope(scope: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const root of installationRoots()) {
    for (let folder = root; ; folder = dirname(folder)) {
      const scopeFolder = join(folder, "node_modules", scope);
      if (existsSync(scopeFolder)) {
        for (const entry of readdirSync(scopeFolder)) {
          const name = `${scope}/${entry}`;
          if (!found.has(name) && existsSync(join(scopeFolder, entry, "package.json")))
            found.set(name, realpathSync(join(scopeFolder, entry)));
        }
      }
      if (dirname(folder) === folder) break;
    }
  }
  return found;
}

/** The packages the AWS Powertools TypeScript layer puts under /opt/nodejs/node_modules (those of them installed here). */
function powertoolsLayerRoots(): Map<string, string> {
  const installed = installedInScope(POWERTOOLS_SCOPE);
  for (const name of LAYER_PROVIDED_PACKAGES) {
    if (installed.has(name)) continue;
    const folder = installationRoots()
      .map((root) => findPackageFolder(name, root))
      .find(Boolean);
    if (folder) installed.set(name, folder);
  }
  // The parser is not in the layer: a step that needs it bundles it (with zod).
  installed.delete(`${POWERTOOLS_SCOPE}/parser`);
  return installed;
}

/** The packages the Lambda Node.js runtime provides under /var/runtime/node_modules: the AWS SDK v3 clients installed here. */
function lambdaRuntimeRoots(): Map<string, string> {
  return installedInScope("@aws-sdk");
}

/**
 * The given packages with their production dependencies, transitively, by name: what to copy into a simulated
 * `node_modules`. The library's closure walk (`packageClosure`), with whatever is not installed here left out: the
 * simulated folders hold what this machine has.
 */
export function layerPackageClosure(roots: ReadonlyMap<string, string> = powertoolsLayerRoots()): Map<string, string> {
  return packageClosure(roots, { missing: "skip" });
}

/**
 * A folder laid out like the layer's `/opt/nodejs/node_modules`. Built once per set of package versions (the
 * folder name is a hash of them), atomically, so concurrent runners share it.
 */
export function buildSimulatedLayer(root: string = join(tmpdir(), "edw-powertools-layer")): string {
  return buildModuleFolder(root, powertoolsLayerRoots());
}

/** A folder laid out like the Lambda runtime's `/var/runtime/node_modules` (the AWS SDK); built like the layer. */
export function buildSimulatedRuntime(root: string = join(tmpdir(), "edw-lambda-runtime")): string {
  return buildModuleFolder(root, lambdaRuntimeRoots());
}

function buildModuleFolder(root: string, roots: ReadonlyMap<string, string>): string {
  const packages = layerPackageClosure(roots);
  const versions = [...packages].map(
    ([name, folder]) => `${name}@${JSON.parse(readFileSync(join(folder, "package.json"), "utf8")).version}`,
  );
  const folder = join(root, hash(versions.join("\n")));
  atomically(folder, (staging) => {
    for (const [name, source] of packages) {
      mkdirSync(dirname(join(staging, "nodejs", "node_modules", name)), { recursive: true });
      cpSync(source, join(staging, "nodejs", "node_modules", name), { recursive: true, dereference: true });
    }
  });
  return join(folder, "nodejs", "node_modules");
}

/** Creates `target` by filling a staging folder and renaming it into place; a no-op when it exists. */
function atomically(target: string, fill: (staging: string) => void): void {
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.staging-`);
  try {
    fill(staging);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(target)) throw error; // otherwise another process won the race with the same content
  }
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

// ---------------------------------------------------------------------------------------------------------------
// Function archives

/** An archive entry as Pulumi's SDK deserializes it under mocks: asset or archive, fields as promises. */
interface ArchiveEntry {
  text?: Promise<string>;
  path?: Promise<string>;
  uri?: Promise<string>;
  assets?: Promise<Record<string, ArchiveEntry>>;
}

/** This process's folder of unpacked archives, created on first use and removed when the process exits. */
let runFolder: string | undefined;
function artifactsOfThisRun(): string {
  if (runFolder === undefined) {
    const folder = mkdtempSync(join(tmpdir(), "edw-artifacts-"));
    process.once("exit", () => rmSync(folder, { recursive: true, force: true }));
    runFolder = folder;
  }
  return runFolder;
}

/**
 * Writes a function archive (the `code` of a Lambda Function, an AssetArchive) into a folder outside the project, as
 * Lambda unpacks it into /var/task. The folder lives in a temporary folder of this process, removed at exit; the same
 * archive is unpacked once per process.
 *
 * @example
 * const taskRoot = await materializeArchive(await fn.inputs.code.assets);
 */
export async function materializeArchive(assets: Record<string, unknown>, root: string = artifactsOfThisRun()): Promise<string> {
  const files: { name: string; text?: string; path?: string }[] = [];
  const collect = async (entries: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(entries)) {
      const entry = value as ArchiveEntry;
      const at = prefix ? `${prefix}/${name}` : name;
      if (entry.text !== undefined) files.push({ name: at, text: await entry.text });
      else if (entry.assets !== undefined) await collect(await entry.assets, at);
      else if (entry.path !== undefined) files.push({ name: at, path: await entry.path });
      else throw new Error(`The archive entry ${at} is neither a file, a folder nor text (remote assets are not supported locally).`);
    }
  };
  await collect(assets, "");
  const folder = join(root, hash(files.map((f) => `${f.name}\n${f.text ?? f.path}`).join("\n")));
  atomically(folder, (staging) => {
    for (const file of files) {
      const target = join(staging, file.name);
      mkdirSync(dirname(target), { recursive: true });
      if (file.text !== undefined) writeFileSync(target, file.text);
      else cpSync(file.path!, target, { recursive: true, dereference: true });
    }
  });
  return folder;
}

// ---------------------------------------------------------------------------------------------------------------
// Warm execution environments

/** The outcome of one invocation, as Lambda reports it. */
export interface ArtifactInvocation {
  requestId: string;
  /** The handler's return value (JSON round-tripped, as Lambda returns it), when it returned. */
  result?: unknown;
  /** The error: name and message, as Lambda reports `errorType` and `errorMessage`. */
  error?: { name: string; message: string };
  /** Lines the function printed on stdout during the invocation (Powertools EMF metrics and logs). */
  stdout: string[];
  stderr: string;
  /** Whether the project's own packages were resolvable from the function (they must not be). */
  projectModulesVisible: boolean;
  /** Whether this invocation started a new execution environment (and loaded the module). */
  coldStart: boolean;
  /** Time spent loading the module on a cold start. */
  initDurationMs?: number;
  /** CPU time (user + system) the environment's process spent loading the module, on a cold start. */
  initCpuMs?: number;
  durationMs: number;
  /** CPU time (user + system) the environment's process spent during the invocation: unlike `durationMs`, not inflated by a busy machine. */
  cpuMs?: number;
}

/** How to run one function's artifact. */
export interface WarmFunctionSettings {
  /** The unpacked archive (see {@link materializeArchive}). */
  taskRoot: string;
  /** The Lambda `handler` setting, `file.export`. @default STEP_HANDLER_ENTRY, the step functions' entry */
  handler?: string;
  functionName?: string;
  /** The function's environment variables. */
  environment?: Record<string, string>;
  /** The function's timeout. @default 3000 (Lambda's default, 3 s) */
  timeoutMs?: number;
  memorySize?: number;
  region?: string;
  /** Another Node binary, e.g. to try the artifact on the runtime's version. @default this process's */
  nodeBinary?: string;
  /** Options for that Node binary, e.g. `["--cpu-prof"]` to profile the function. @default none */
  nodeArguments?: string[];
  /** @default a shared folder in the OS temp directory */
  layerRoot?: string;
}

interface Environment {
  child: ChildProcess;
  /** Whether the module is loaded (the Init phase is over). */
  initialized: boolean;
  settle?: (outcome: Record<string, any>) => void;
  onInitialized?: () => void;
}

/** Lambda's limit on the Init phase (loading the module), which does not count against the function's timeout. */
const INIT_LIMIT_MS = 10_000;

const BOOTSTRAP = join(__dirname, "bootstrap.js");

/**
 * One Lambda function, run from its artifact in warm child processes that serve many invocations over IPC.
 *
 * @example
 * const fn = new WarmFunction({ taskRoot, environment: { POWERTOOLS_SERVICE_NAME: "ChargeCard" }, timeoutMs: 27_000 });
 * const first = await fn.invoke(event);   // cold start
 * const second = await fn.invoke(event);  // warm
 * fn.close();
 */
export class WarmFunction {
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private readonly modulePath: string;
  /** Cold starts so far (execution environments created). */
  coldStarts = 0;

  constructor(private readonly settings: WarmFunctionSettings) {
    // Lambda's NODE_PATH order: the layers, then the runtime's own modules.
    this.modulePath = [buildSimulatedLayer(settings.layerRoot), buildSimulatedRuntime()].join(delimiter);
  }

  /** Invokes the handler with `event`; never throws for a handler error or a timeout (they are outcomes). */
  async invoke(event: unknown, requestId: string = randomUUID()): Promise<ArtifactInvocation> {
    const environment = this.idle.pop() ?? this.start();
    const timeoutMs = this.settings.timeoutMs ?? 3000;
    const started = Date.now();
    const outcome = await new Promise<Record<string, any>>((settle) => {
      const expire = (what: string) => () => {
        this.discard(environment);
        settle({ error: { name: "Sandbox.Timedout", message: `RequestId: ${requestId} Error: ${what}` } });
      };
      const invocationTimeout = expire(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
      // A cold start loads the module first (the Init phase): the function's timeout starts once that is over.
      let timer = environment.initialized
        ? setTimeout(invocationTimeout, timeoutMs)
        : setTimeout(expire(`Init phase timed out after ${INIT_LIMIT_MS / 1000} seconds`), INIT_LIMIT_MS);
      environment.onInitialized = () => {
        clearTimeout(timer);
        timer = setTimeout(invocationTimeout, timeoutMs);
      };
      environment.settle = (value) => {
        clearTimeout(timer);
        settle(value);
      };
      environment.child.send({ type: "invoke", requestId, event, timeoutMs });
    });
    environment.settle = environment.onInitialized = undefined;
    if (this.all.has(environment)) this.idle.push(environment);
    return {
      requestId,
      stdout: outcome.stdout ?? [],
      stderr: outcome.stderr ?? "",
      projectModulesVisible: outcome.projectModulesVisible ?? false,
      coldStart: outcome.coldStart ?? false,
      durationMs: outcome.durationMs ?? Date.now() - started,
      ...(outcome.initDurationMs !== undefined ? { initDurationMs: outcome.initDurationMs, initCpuMs: outcome.initCpuMs } : {}),
      ...(outcome.cpuMs !== undefined ? { cpuMs: outcome.cpuMs } : {}),
      ...("result" in outcome ? { result: outcome.result } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    };
  }

  /**
   * Creates an execution environment ahead of the first invocation and runs its Init phase (loads the module), as
   * Lambda initializes an environment before the invocation it serves: a runner that knows which functions an
   * execution may call thus pays their cold starts side by side, not one after the other. The first invocation still
   * reports the cold start and the Init phase's duration. Does nothing once the function has an environment.
   */
  prestart(): void {
    if (this.all.size > 0) return;
    const environment = this.start();
    environment.child.send({ type: "init" });
    this.idle.push(environment);
  }

  /** Ends every execution environment. */
  close(): void {
    for (const environment of [...this.all]) this.discard(environment);
  }

  /**
   * Ends every execution environment by letting its process exit on its own (it exits when its channel closes), so
   * that what Node writes at exit is written (a `--cpu-prof` profile); one still running after `graceMs` is killed.
   */
  async shutDown(graceMs = 5000): Promise<void> {
    await Promise.all(
      [...this.all].map(
        (environment) =>
          new Promise<void>((exited) => {
            const kill = setTimeout(() => this.discard(environment), graceMs);
            environment.child.once("exit", () => {
              clearTimeout(kill);
              exited();
            });
            environment.child.disconnect();
          }),
      ),
    );
  }

  private start(): Environment {
    const { taskRoot, handler = STEP_HANDLER_ENTRY, functionName = "function", memorySize = 128, region = "us-east-1" } = this.settings;
    const child = fork(BOOTSTRAP, [], {
      cwd: taskRoot,
      execArgv: this.settings.nodeArguments ?? [],
      execPath: this.settings.nodeBinary ?? process.execPath,
      // A clean environment, as Lambda's: no NODE_OPTIONS (ts-node), no project paths.
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        NODE_PATH: this.modulePath,
        LAMBDA_TASK_ROOT: taskRoot,
        _HANDLER: handler,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
        TZ: ":UTC",
        // Lambda runs nodejs22.x, where the SDK has nothing to warn about; this machine's Node may be older.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...this.settings.environment,
      },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    const environment: Environment = { child, initialized: false };
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on("message", (message: Record<string, any>) => {
      if (message.type !== "initialized") return environment.settle?.(message);
      environment.initialized = true;
      environment.onInitialized?.();
    });
    child.on("exit", (code, signal) => {
      this.forget(environment);
      environment.settle?.({
        error: {
          name: "Runtime.ExitError",
          message: `Runtime exited ${signal ? `on ${signal}` : `with exit status ${code}`}${stderr ? `: ${stderr.trim()}` : ""}`,
        },
        stderr,
      });
    });
    this.all.add(environment);
    this.coldStarts++;
    return environment;
  }

  private discard(environment: Environment): void {
    this.forget(environment);
    environment.child.kill("SIGKILL");
  }

  private forget(environment: Environment): void {
    this.all.delete(environment);
    const at = this.idle.indexOf(environment);
    if (at >= 0) this.idle.splice(at, 1);
  }
}

/**
 * Writes `source` (an `__index.js`) to a folder outside the project and invokes its `handler` once with `event`, in
 * a child Node process whose module lookup is limited to that folder and the simulated layer.
 *
 * @example
 * const run = await invokeArtifact(indexJs, event, { environment: { POWERTOOLS_SERVICE_NAME: "ChargeCard" } });
 */
export async function invokeArtifact(
  source: string,
  event: unknown,
  options: { environment?: Record<string, string>; timeoutMs?: number; layerRoot?: string; nodeBinary?: string } = {},
): Promise<ArtifactInvocation> {
  const taskRoot = await materializeArchive({ "__index.js": { text: Promise.resolve(source) } });
  const fn = new WarmFunction({ taskRoot, timeoutMs: options.timeoutMs ?? 30_000, ...options });
  try {
    return await fn.invoke(event);
  } finally {
    fn.close();
  }
}
