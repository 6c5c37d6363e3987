/**
 * Runs a step's DEPLOYMENT ARTIFACT (the `__index.js` Pulumi serialized into the CallbackFunction archive) the way
 * Lambda would: in a child process, from a folder outside the project, where the only other modules resolvable
 * are those of a SIMULATED POWERTOOLS LAYER (the Powertools packages and their dependencies, copied from this
 * project's node_modules) and Node's own. A handler that only worked thanks to the project's node_modules fails
 * here as it would on AWS.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The packages the AWS Powertools TypeScript layer puts under /opt/nodejs/node_modules. */
export const POWERTOOLS_LAYER_ROOTS = [
  "@aws-lambda-powertools/commons", "@aws-lambda-powertools/logger", "@aws-lambda-powertools/metrics", "@aws-lambda-powertools/tracer",
];

const projectModules = join(__dirname, "..", "node_modules");

/** The layer's packages with their production dependencies, transitively (npm hoists them flat). */
export function layerPackageClosure(roots: readonly string[] = POWERTOOLS_LAYER_ROOTS): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const manifest = join(projectModules, name, "package.json");
    if (!existsSync(manifest)) throw new Error(`The simulated Powertools layer needs ${name}, which is not installed: run npm install.`);
    seen.add(name);
    const { dependencies = {} } = JSON.parse(readFileSync(manifest, "utf8"));
    Object.keys(dependencies).forEach(visit);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

/** A folder laid out like `/opt/nodejs/node_modules` of the Powertools layer; created once per folder. */
export function buildSimulatedLayer(root: string): string {
  const modules = join(root, "nodejs", "node_modules");
  if (!existsSync(modules)) {
    for (const name of layerPackageClosure()) {
      mkdirSync(dirname(join(modules, name)), { recursive: true });
      cpSync(join(projectModules, name), join(modules, name), { recursive: true, dereference: true });
    }
  }
  return modules;
}

export interface ArtifactInvocation {
  /** The handler's return value, when it returned. */
  result?: unknown;
  /** The error it threw: name and message, as Lambda reports `errorType` and `errorMessage`. */
  error?: { name: string; message: string };
  /** Lines the function printed on stdout (Powertools EMF metrics and logs). */
  stdout: string[];
  stderr: string;
  /** Whether the project's own packages were resolvable from the function (they must not be). */
  projectModulesVisible: boolean;
}

const BOOTSTRAP = `
const { handler } = require("./__index.js");
let projectModulesVisible = true;
try { require.resolve("@pulumi/pulumi"); } catch { projectModulesVisible = false; }
const input = JSON.parse(process.env.EDW_EVENT);
const started = Date.now();
const context = { awsRequestId: "artifact-" + process.pid, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, getRemainingTimeInMillis: () => Number(process.env.EDW_TIMEOUT_MS) - (Date.now() - started) };
Promise.resolve()
  .then(() => handler(input, context))
  .then((result) => ({ result }), (e) => ({ error: { name: e && e.name, message: e && e.message } }))
  .then((outcome) => process.stderr.write("\\n@@EDW@@" + JSON.stringify({ ...outcome, projectModulesVisible }) + "\\n"));
`;

/**
 * Writes `source` (an `__index.js`) to a fresh folder outside the project and invokes its `handler` with `event`
 * in a child Node process whose module lookup is limited to that folder and the simulated layer.
 *
 * @example
 * const run = await invokeArtifact(indexJs, event, { environment: { POWERTOOLS_SERVICE_NAME: "ChargeCard" } });
 */
export async function invokeArtifact(
  source: string,
  event: unknown,
  options: { environment?: Record<string, string>; timeoutMs?: number; layerRoot?: string; nodeBinary?: string } = {},
): Promise<ArtifactInvocation> {
  const functionDir = mkdtempSync(join(tmpdir(), "edw-function-"));
  writeFileSync(join(functionDir, "__index.js"), source);
  writeFileSync(join(functionDir, "bootstrap.js"), BOOTSTRAP);
  const layerModules = buildSimulatedLayer(options.layerRoot ?? join(tmpdir(), "edw-powertools-layer"));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(options.nodeBinary ?? process.execPath, ["bootstrap.js"], {
    cwd: functionDir,
    // A clean environment, as Lambda's: no NODE_OPTIONS (ts-node), no project paths.
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      NODE_PATH: layerModules,
      AWS_REGION: "us-east-1",
      EDW_EVENT: JSON.stringify(event),
      EDW_TIMEOUT_MS: String(timeoutMs),
      ...options.environment,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => { stdout += chunk; });
  child.stderr.on("data", (chunk) => { stderr += chunk; });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs + 5_000);
  const code: number | null = await new Promise((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  const marker = stderr.lastIndexOf("@@EDW@@");
  if (marker < 0) throw new Error(`The artifact did not run to completion (exit code ${code}):\n${stderr}`);
  const outcome = JSON.parse(stderr.slice(marker + "@@EDW@@".length));
  return {
    ...outcome,
    stdout: stdout.split("\n").filter((line) => line.trim().length > 0),
    stderr: stderr.slice(0, marker),
  };
}
