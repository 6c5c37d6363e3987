/**
 * Lambda artifacts and cold start, measured: for every order step (and a generated step whose handler only returns
 * its input), the archive's size and files, the size of `__index.js` against its budget, and the median over fresh
 * processes of load + first invocation against a FLOOR: a bare handler loading only the Powertools utilities the
 * step's code requires (and, for an idempotent step, making one idempotent call like it).
 *
 * Both run as local/lambda/artifact.ts runs a deployment artifact: a child Node process whose module lookup is limited
 * to the unpacked archive, a SIMULATED Powertools layer and a SIMULATED Lambda runtime (the AWS SDK); idempotent
 * steps reach a local stand-in for DynamoDB. Nothing here asserts: targets missed are said so, never failed on.
 *
 * Run alone: `npx ts-node --transpile-only bench/coldStart.ts [samples] [step...]` (only the steps named, when any);
 * `EDW_COLD_START_PROFILE=<folder>` also writes each function process's CPU profile there (see `profiled`).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IDEMPOTENCY_TABLE_ENV } from "../components/runtime/contract";
import { buildInstrumentedStepArchive } from "../components/stepArchive";
import { compileDefinition } from "../components/core/compile";
import { createSandboxServices } from "../handlers";
import { bindTaskSteps, localResources } from "../local/runner/bindSteps";
import { localDynamoDbEnvironment, startLocalDynamoDb } from "../local/simulators/dynamoDb";
import { LocalWorkflow } from "../local/runner/execute";
import { materializeArchive, WarmFunction } from "../local/lambda/artifact";
import { ofType } from "../local/program/synthesize";
import { synthesizeOrderStack } from "../test/support/orderStack";
import { loadEvent } from "../test/support/orderRun";
import { orderSteps } from "../workflows/order";
import { type BenchRow, formatRows, type Spread, spread } from "./rows";
import { DEFAULT_TIMEOUT_SECONDS } from "../workflows/config";

/** The most `__index.js` may weigh per step (issue 12). */
export const INDEX_BUDGET_BYTES = 16 * 1024;
/** The most a step's cold start may cost against its floor (issue 23: keep what issue 12 reached). */
export const COLD_START_TARGET_RATIO = 1.1;
/** Fresh processes per step (and as many for its floor). */
export const DEFAULT_SAMPLES = 15;

/** A step as Lambda would run it: its unpacked archive, environment and the input it gets on the happy path. */
interface StepUnderTest {
  name: string;
  taskRoot: string;
  environment: Record<string, string>;
  event: unknown;
  /** The tables (name -> hash key) the step's environment names: its idempotency table, the sandbox tables it uses. */
  tables: Record<string, { hashKey: string }>;
  /** The error its first invocation ends with, when that is its outcome in a fresh container. @default none: it returns */
  expectedError?: string;
}

export async function coldStartRows(samples = DEFAULT_SAMPLES, only: readonly string[] = []): Promise<BenchRow[]> {
  const steps = [...(await orderStepsUnderTest()), await generatedStepUnderTest()].filter(
    (step) => only.length === 0 || only.includes(step.name),
  );
  const rows: BenchRow[] = [];
  for (const step of steps) {
    const files = filesOf(step.taskRoot);
    const index = files.find((f) => f.name === "__index.js")!.bytes;
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    rows.push(sizeRow(`archive ${step.name} (unzipped, ${files.length} files)`, total));
    rows.push({
      ...sizeRow(`__index.js ${step.name}`, index),
      target: `<= ${INDEX_BUDGET_BYTES} B`,
      met: index <= INDEX_BUDGET_BYTES,
      note:
        index <= INDEX_BUDGET_BYTES
          ? undefined
          : "Shipped minified: what the handler captures is the rest (a `handlerSizeBudgetBytes` below it names the largest captured values).",
    });
    const { ours, floor } = await coldStarts(step, samples);
    // The tables the step's own code writes (the sandbox's), beside the idempotency table the floor uses too.
    const serviceTables = Object.keys(step.tables).filter((table) => table !== step.environment[IDEMPOTENCY_TABLE_ENV]);
    const ownCalls =
      serviceTables.length > 0
        ? ` Its first invocation makes the step's own DynamoDB calls (${serviceTables.join(", ")}); the floor makes none of them.`
        : "";
    rows.push({ measure: `load ${step.name} (module init, fresh process)`, unit: "ms", ours: ours.load });
    rows.push({ measure: `load ${step.name}, CPU time (user + sys)`, unit: "ms", ours: ours.loadCpu });
    const wallRatio = ours.total.median / floor.total.median;
    rows.push({
      measure: `load + first invocation ${step.name} (${samples} fresh processes, alternated with the floor's; floor: bare Powertools handler)`,
      unit: "ms",
      ours: ours.total,
      baseline: floor.total.median,
      ratio: wallRatio,
      target: `<= ${COLD_START_TARGET_RATIO}x floor`,
      met: wallRatio <= COLD_START_TARGET_RATIO,
      note:
        wallRatio <= COLD_START_TARGET_RATIO
          ? undefined
          : `Loading __index.js takes ${ours.load.median.toFixed(0)} ms of it (median); the rest is the first invocation.${ownCalls} Wall time counts what other processes on the machine take from it: see the CPU row.`,
    });
    const cpuRatio = ours.cpu.median / floor.cpu.median;
    rows.push({
      measure: `load + first invocation ${step.name}, CPU time (user + sys) of the function's process`,
      unit: "ms",
      ours: ours.cpu,
      baseline: floor.cpu.median,
      ratio: cpuRatio,
      target: `<= ${COLD_START_TARGET_RATIO}x floor`,
      met: cpuRatio <= COLD_START_TARGET_RATIO,
      note:
        cpuRatio <= COLD_START_TARGET_RATIO
          ? undefined
          : `Loading __index.js takes ${ours.loadCpu.median.toFixed(0)} ms of CPU of it (median); the rest is the first invocation.${ownCalls}`,
    });
  }
  return rows;
}

const sizeRow = (measure: string, bytes: number): BenchRow => ({ measure, unit: "B", ours: { min: bytes, median: bytes, max: bytes } });

/** Each order step's artifact from a synthesis of the order stack, with the input the happy path (or another sample) gives it. */
async function orderStepsUnderTest(): Promise<StepUnderTest[]> {
  const inputs = await taskInputs();
  // ReconcilePayment takes what ChargeCard takes (`$.order`); in a fresh container the sandbox gateway has no charge
  // for it, so its first invocation asks the gateway and ends with PaymentNotTaken (the QueueForRetry path).
  inputs.ReconcilePayment ??= inputs.ChargeCard;
  const { resources } = await synthesizeOrderStack();
  const tables = ofType(resources, "aws:dynamodb/table:Table");
  const found: StepUnderTest[] = [];
  for (const fn of ofType(resources, "aws:lambda/function:Function").sort((a, b) => a.name.localeCompare(b.name))) {
    const name = fn.name.replace("order-processing-", "");
    if (!(name in inputs)) continue;
    const environment: Record<string, string> = fn.inputs.environment?.variables ?? {};
    const named = tables.filter((t) => Object.values(environment).includes(t.state.name ?? t.inputs.name));
    found.push({
      name,
      taskRoot: await materializeArchive(await fn.inputs.code.assets),
      environment,
      event: inputs[name],
      tables: Object.fromEntries(named.map((t) => [t.state.name ?? t.inputs.name, { hashKey: t.inputs.hashKey }])),
      ...(name === "ReconcilePayment" ? { expectedError: "PaymentNotTaken" } : {}),
    });
  }
  return found;
}

/** The first input each task state gets over the sample events, recorded from a source-mode run (the envelope included). */
async function taskInputs(): Promise<Record<string, unknown>> {
  const services = createSandboxServices();
  const steps = orderSteps(services);
  const handlers = bindTaskSteps("order-processing", steps);
  const inputs: Record<string, unknown> = {};
  const recording = Object.fromEntries(
    Object.entries(handlers).map(([state, handler]) => [
      state,
      (input: Parameters<typeof handler>[0]) => {
        inputs[state] ??= JSON.parse(JSON.stringify(input));
        return handler(input);
      },
    ]),
  );
  const machine = new LocalWorkflow(
    compileDefinition(steps, localResources("order-processing", steps), { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS }),
    {
      taskHandlers: recording,
    },
  );
  for (const sample of ["happy", "insufficient-funds", "processor-down", "email-fails", "refund-fails"])
    await machine.run(loadEvent(sample));
  return inputs;
}

/** A step as the library generates it around a handler that only returns its input: the wrapper's own cost. */
async function generatedStepUnderTest(): Promise<StepUnderTest> {
  const { archive } = await buildInstrumentedStepArchive(
    { workflowName: "bench", stepName: "Generated", handler: async (input: unknown) => input, runtime: {} },
    { stepName: "Generated", bundle: [], sizeBudgetBytes: Number.MAX_SAFE_INTEGER },
  );
  return {
    name: "Generated",
    taskRoot: await materializeArchive(await archive.assets),
    environment: { POWERTOOLS_SERVICE_NAME: "Generated", POWERTOOLS_METRICS_NAMESPACE: "bench" },
    event: { hello: "world" },
    tables: {},
  };
}

/** The medians of a cold start: load (Init phase) and load + first invocation, in wall time and in CPU time. */
interface ColdStartSpreads {
  load: Spread;
  loadCpu: Spread;
  total: Spread;
  cpu: Spread;
}

/**
 * `samples` cold starts of the step and of its floor, alternated sample by sample (and which goes first, too) so that
 * the machine's load weighs on both alike. Each runs in a fresh process, against a fresh local DynamoDB when the step
 * is idempotent (a first run, never a replay).
 */
async function coldStarts(step: StepUnderTest, samples: number): Promise<{ ours: ColdStartSpreads; floor: ColdStartSpreads }> {
  const floorRoot = mkdtempSync(join(tmpdir(), "edw-floor-"));
  writeFileSync(join(floorRoot, "__index.js"), floorSource(step));
  const profileFolder = process.env.EDW_COLD_START_PROFILE;
  if (profileFolder) {
    // The code profiled, beside its profiles: the unpacked archive and the floor's handler.
    cpSync(step.taskRoot, join(profileFolder, step.name, "archive"), { recursive: true });
    cpSync(floorRoot, join(profileFolder, step.name, "floor"), { recursive: true });
  }
  const ours: ColdStartSample[] = [];
  const floor: ColdStartSample[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const runOurs = async () => ours.push(await coldStart(step, step.taskRoot, profiled(step, "ours"), step.expectedError));
      const runFloor = async () => floor.push(await coldStart(step, floorRoot, profiled(step, "floor")));
      for (const run of i % 2 === 0 ? [runOurs, runFloor] : [runFloor, runOurs]) await run();
    }
  } finally {
    rmSync(floorRoot, { recursive: true, force: true });
  }
  return { ours: spreadsOf(ours), floor: spreadsOf(floor) };
}

type ColdStartSample = Record<keyof ColdStartSpreads, number>;

const spreadsOf = (runs: ColdStartSample[]): ColdStartSpreads => ({
  load: spread(runs.map((r) => r.load)),
  loadCpu: spread(runs.map((r) => r.loadCpu)),
  total: spread(runs.map((r) => r.total)),
  cpu: spread(runs.map((r) => r.cpu)),
});

/**
 * With `EDW_COLD_START_PROFILE=<folder>`, each function process writes a V8 CPU profile (`node --cpu-prof`) to
 * `<folder>/<step>/<ours|floor>/`, to open in Chrome DevTools: where a step's cold start goes, beside its floor's
 * (the unpacked archive and the floor's handler are copied to `<folder>/<step>/archive` and `.../floor`).
 */
function profiled(step: StepUnderTest, which: "ours" | "floor"): string[] {
  const folder = process.env.EDW_COLD_START_PROFILE;
  return folder ? ["--cpu-prof", `--cpu-prof-dir=${join(folder, step.name, which)}`] : [];
}

async function coldStart(step: StepUnderTest, taskRoot: string, nodeArguments: string[], expectedError?: string): Promise<ColdStartSample> {
  const dynamodb = Object.keys(step.tables).length > 0 ? await startLocalDynamoDb(step.tables) : undefined;
  const fn = new WarmFunction({
    taskRoot,
    functionName: step.name,
    nodeArguments,
    environment: { ...step.environment, ...(dynamodb ? localDynamoDbEnvironment(dynamodb.endpoint) : {}) },
    timeoutMs: 30_000,
  });
  try {
    const run = await fn.invoke(step.event);
    if (run.error?.name !== expectedError)
      throw new Error(
        `${step.name} ended with ${run.error ? `${run.error.name}: ${run.error.message}` : "a result"} in ${taskRoot}, not ${expectedError ?? "a result"}\n${run.stderr}`,
      );
    const load = run.initDurationMs ?? 0;
    const loadCpu = run.initCpuMs ?? 0;
    return { load, loadCpu, total: load + run.durationMs, cpu: loadCpu + (run.cpuMs ?? 0) };
  } finally {
    // A profiled process writes its profile as it exits.
    await (nodeArguments.length > 0 ? fn.shutDown() : fn.close());
    await dynamodb?.close();
  }
}

/**
 * The floor of a step: a handler that requires the Powertools and AWS SDK modules the step's `__index.js` requires
 * (what a hand-written handler doing the same calls would load from the layer and the runtime), creates
 * Logger, Metrics and Tracer, and per invocation logs a line and flushes one metric; for an idempotent step it
 * also runs through `makeIdempotent` on the same table.
 */
function floorSource(step: StepUnderTest): string {
  const source = readFileSync(join(step.taskRoot, "__index.js"), "utf8");
  const runtimeModules = [...source.matchAll(/require\("((?:@aws-lambda-powertools|@aws-sdk)\/[^"]+)"\)/g)].map((m) => m[1]);
  // The wrapper, not __index.js, requires the idempotency utility: a step is idempotent when it is given its table.
  const idempotent = IDEMPOTENCY_TABLE_ENV in step.environment;
  return [
    ...[...new Set(runtimeModules)].map((specifier, i) => `const m${i} = require(${JSON.stringify(specifier)});`),
    'const { Logger } = require("@aws-lambda-powertools/logger");',
    'const { Metrics } = require("@aws-lambda-powertools/metrics");',
    'const { Tracer } = require("@aws-lambda-powertools/tracer");',
    `const logger = new Logger({ serviceName: ${JSON.stringify(step.name)} });`,
    `const metrics = new Metrics({ namespace: "bench", serviceName: ${JSON.stringify(step.name)} });`,
    `const tracer = new Tracer({ serviceName: ${JSON.stringify(step.name)} });`,
    "const work = async (event) => { logger.info('floor'); metrics.addMetric('Floor', 'Count', 1); metrics.publishStoredMetrics(); return event; };",
    idempotent
      ? [
          'const { makeIdempotent } = require("@aws-lambda-powertools/idempotency");',
          'const { DynamoDBPersistenceLayer } = require("@aws-lambda-powertools/idempotency/dynamodb");',
          `exports.handler = makeIdempotent(work, { persistenceStore: new DynamoDBPersistenceLayer({ tableName: process.env.${IDEMPOTENCY_TABLE_ENV} }) });`,
        ].join("\n")
      : "exports.handler = work;",
  ].join("\n");
}

function filesOf(folder: string, prefix = ""): { name: string; bytes: number }[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    const name = prefix ? `${prefix}/${entry}` : entry;
    return statSync(path).isDirectory() ? filesOf(path, name) : [{ name, bytes: statSync(path).size }];
  });
}

if (require.main === module) {
  coldStartRows(Number(process.argv[2] ?? DEFAULT_SAMPLES), process.argv.slice(3))
    .then((rows) =>
      console.log(
        `Lambda artifacts and cold start (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n\n${formatRows(rows)}`,
      ),
    )
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
