/**
 * `npm run bench`: the project's speed and size figures, printed as a Markdown table (copied into the README).
 * Nothing here asserts; tests check behaviour, this measures it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { compileDefinition, validateSteps } from "../components/index";
import { createSandboxServices } from "../handlers/sandbox";
import { bindTaskSteps, localResources } from "../local/bindSteps";
import { LocalWorkflow } from "../local/execute";
import { orderSteps } from "../workflows/order";
import { synthesizeOrderStack } from "../test/support/orderStack";
import { ofType } from "../local/synthesize";

const rows: [string, string][] = [];
const record = (what: string, value: string) => {
  rows.push([what, value]);
};

function timeIt(iterations: number, body: () => void): number {
  for (let i = 0; i < Math.min(50, iterations); i++) body();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) body();
  return (performance.now() - started) / iterations;
}

function folderBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + folderBytes(join(path, entry)), 0);
}

async function main(): Promise<void> {
  const services = createSandboxServices();
  const steps = orderSteps(services);
  const resources = localResources("order-processing", steps);
  record("validateSteps (order workflow)", `${(timeIt(2000, () => validateSteps(steps)) * 1000).toFixed(1)} µs`);
  record(
    "compileDefinition (order workflow)",
    `${(timeIt(2000, () => compileDefinition(steps, resources, { timeoutSeconds: 300 })) * 1000).toFixed(1)} µs`,
  );

  const definition = compileDefinition(steps, resources, { timeoutSeconds: 300 });
  const built = performance.now();
  const machine = new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("order-processing", steps) });
  record("local state machine build (validate + prepare, once)", `${(performance.now() - built).toFixed(0)} ms`);
  const eventsDir = join(__dirname, "..", "events");
  const events = readdirSync(eventsDir)
    .filter((f) => f.endsWith(".json") && f !== "charge-hangs.json")
    .map((f) => JSON.parse(readFileSync(join(eventsDir, f), "utf8")));
  for (const event of events) await machine.run(event);
  const rounds = 30;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) for (const event of events) await machine.run(event);
  const perRun = (performance.now() - started) / (rounds * events.length);
  record(
    `local execution, source handlers (${events.length} sample events × ${rounds})`,
    `${perRun.toFixed(2)} ms/execution, ${(1000 / perRun).toFixed(0)} executions/s`,
  );

  const synthStarted = performance.now();
  const { resources: stack } = await synthesizeOrderStack();
  record(
    "synthesize the order stack under Pulumi mocks (incl. closure serialization)",
    `${((performance.now() - synthStarted) / 1000).toFixed(1)} s`,
  );
  record("order stack resources (incl. the component)", String(stack.length));
  for (const fn of ofType(stack, "aws:lambda/function:Function").sort((a, b) => a.name.localeCompare(b.name))) {
    const assets = await fn.inputs.code.assets;
    const index = Buffer.byteLength(await assets["__index.js"].text);
    const bundled = Object.keys(assets).filter((k) => k !== "__index.js");
    let bundledBytes = 0;
    for (const key of bundled) bundledBytes += folderBytes(await assets[key].path);
    record(
      `archive ${fn.name.replace("order-processing-", "")} (unzipped)`,
      `__index.js ${index.toLocaleString("en")} B${bundled.length ? ` + ${bundled.map((b) => b.replace("node_modules/", "")).join(", ")} ${(bundledBytes / 1024 / 1024).toFixed(2)} MiB` : ""}`,
    );
  }

  console.log(`Benchmarks (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`);
  console.log("| measure | result |\n|---|---|");
  for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
