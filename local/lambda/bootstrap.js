/**
 * The Lambda Node.js runtime, simulated: what runs in each execution environment of a WarmFunction
 * (local/lambda/artifact.ts). Plain JavaScript, run by Node alone (no ts-node), so the function sees only its task
 * root, the layer on NODE_PATH and Node's own modules.
 *
 * Protocol (IPC): the parent sends { type: "invoke", requestId, event, timeoutMs }; the environment answers
 * { result } or { error: { name, message } }, with what the function printed during the invocation. The module is
 * loaded on { type: "init" } (an environment started ahead of need) or else on the first invocation (the Init
 * phase, after which it sends { type: "initialized" }), and kept for the next ones; the first invocation reports
 * the cold start and the Init phase's duration either way.
 */

const { createRequire } = require("node:module");
const { join } = require("node:path");

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const [file, exportName] = (() => {
  const setting = process.env._HANDLER || "__index.handler";
  const dot = setting.lastIndexOf(".");
  return [setting.slice(0, dot), setting.slice(dot + 1)];
})();

// What the function prints during an invocation, kept for the answer (stdout: EMF metrics and JSON logs).
const printed = { stdout: "", stderr: "" };
for (const name of ["stdout", "stderr"]) {
  const stream = process[name];
  stream.write = (chunk, encoding, callback) => {
    printed[name] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") done();
    return true;
  };
}
function takePrinted() {
  const taken = { stdout: printed.stdout.split("\n").filter((line) => line.trim().length > 0), stderr: printed.stderr };
  printed.stdout = "";
  printed.stderr = "";
  return taken;
}

let projectModulesVisible = true;
try {
  createRequire(join(taskRoot, "__index.js")).resolve("@pulumi/pulumi");
} catch {
  projectModulesVisible = false;
}

let handler;
let initError;
let initialized = false;
let initDurationMs;
let initCpuMs;
/** CPU time (user + system) of this process since `since`, in ms: unlike wall time, what other processes on the machine do not inflate. */
const cpuMsSince = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
/** The Init phase, once: loads the module, then tells the parent (the function's timeout starts after it). */
function init() {
  if (initialized) return;
  initialized = true;
  const started = Date.now();
  const cpuStarted = process.cpuUsage();
  try {
    const loaded = require(join(taskRoot, file));
    handler = loaded[exportName];
    if (typeof handler !== "function")
      initError = { name: "Runtime.HandlerNotFound", message: `${file}.${exportName} is undefined or not exported` };
  } catch (error) {
    const name =
      error && error.code === "MODULE_NOT_FOUND"
        ? "Runtime.ImportModuleError"
        : error instanceof SyntaxError
          ? "Runtime.UserCodeSyntaxError"
          : (error && error.name) || "Error";
    initError = { name, message: `Error: ${error && error.message}` };
  }
  initDurationMs = Date.now() - started;
  initCpuMs = cpuMsSince(cpuStarted);
  process.send({ type: "initialized" });
}

const errorOf = (error) => ({
  name: (error && typeof error.name === "string" && error.name) || "Error",
  message: error && typeof error.message === "string" ? error.message : String(error),
});

let current;
function answer(message) {
  if (!current) return;
  current = undefined;
  process.send({ ...message, ...takePrinted(), projectModulesVisible });
}

let invoked = false;
process.on("message", async (message) => {
  // An environment started ahead of its first invocation runs its Init phase at once, as Lambda does.
  if (message && message.type === "init") return init();
  if (!message || message.type !== "invoke") return;
  const coldStart = !invoked;
  invoked = true;
  current = message.requestId;
  init();
  const started = Date.now();
  const cpuStarted = process.cpuUsage();
  const deadline = started + message.timeoutMs;
  const context = {
    awsRequestId: message.requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let outcome;
  if (initError) {
    outcome = { error: initError };
  } else {
    try {
      const result = await new Promise((resolve, reject) => {
        const returned = handler(message.event, context, (error, value) => (error ? reject(error) : resolve(value)));
        if (returned && typeof returned.then === "function") returned.then(resolve, reject);
      });
      // Lambda returns the JSON serialization of the result; undefined becomes null.
      outcome = { result: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
    } catch (error) {
      outcome = { error: errorOf(error) };
    }
  }
  answer({
    ...outcome,
    coldStart,
    durationMs: Date.now() - started,
    cpuMs: cpuMsSince(cpuStarted),
    ...(coldStart ? { initDurationMs, initCpuMs } : {}),
  });
});

// As in Lambda, an error nobody handles ends the runtime (and the invocation).
process.on("unhandledRejection", (reason) => {
  answer({ error: { name: "Runtime.UnhandledPromiseRejection", message: errorOf(reason).message } });
  process.exit(128);
});
process.on("uncaughtException", (error) => {
  answer({ error: errorOf(error) });
  process.exit(129);
});
process.on("disconnect", () => process.exit(0));
