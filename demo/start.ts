/**
 * `npm start`: the order workflow, run locally on its bundled sample events, with no AWS.
 *
 * Each event is matched against the rule's pattern, then executed through the compiled ASL definition by
 * aws-local-stepfunctions. Lambda tasks run the real handlers (wrapped as in Lambda) against the SANDBOX payment,
 * fulfilment and email services, whose payment ledger and order records are the order stack's sandbox tables in the
 * LOCAL DYNAMODB STAND-IN (fresh per sample); SNS, SQS and EventBridge states run against IN-PROCESS RECORDERS. Retry
 * intervals are skipped; the hung-charge sample runs with ChargeCard's and ReconcilePayment's timeouts shortened to
 * 2 s so the reconcile-and-escalate path shows without minutes of waiting.
 *
 * Finally the happy order is replayed twice against the ON-DISK idempotency store (.local-state/idempotency, or
 * under EDW_LOCAL_STATE_DIR; kept between runs), each time with a fresh sandbox as after a restart: the charge is
 * made at most once, ever; later runs (and later `npm start`s) report it as already processed.
 *
 * Environment:
 *   EDW_LOCAL_STATE_DIR   the folder the demo keeps its state in (the idempotency records go in its `idempotency`
 *                         subfolder); a relative path is taken from the working directory. Default: `.local-state`
 *                         at the repository root. Point it at an empty folder to start afresh without losing the
 *                         default one (the tests point it at a temporary folder).
 */
import { readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { compileDefinition } from "event-driven-workflow";
import {
  bindTaskSteps,
  DEFAULT_LOCAL_STATE_DIR,
  FileIdempotencyStore,
  formatOutcome,
  formatPath,
  formatPublished,
  localResources,
  LocalWorkflow,
  matchEventPattern,
  startLocalDynamoDb,
} from "event-driven-workflow-local";
import { createSandboxServices, type SandboxServices } from "../handlers/sandbox";
import { dynamoDbSandboxTables, SANDBOX_TABLE_ENV } from "../handlers/sandboxTables";
import { SANDBOX_TABLE_NAMES } from "../workflows/sandboxTables";
import { ORDER_PLACED_PATTERN, orderSteps, type OrderWorkflowOptions } from "../workflows/order";

const WORKFLOW = "order-processing";
const EVENTS_DIR = join(__dirname, "..", "events");
/** Sample-specific settings: only the hung charge needs one. */
const SAMPLE_OPTIONS: Record<string, OrderWorkflowOptions> = { "charge-hangs": { timeouts: { ChargeCard: 2, ReconcilePayment: 2 } } };
/**
 * Names the folder the demo keeps its state in (see the header): unset or empty, `.local-state` at the repository
 * root, as the on-disk idempotency store defaults to.
 */
const LOCAL_STATE_DIR_ENV = "EDW_LOCAL_STATE_DIR";

/** The on-disk idempotency store's folder: `idempotency` under EDW_LOCAL_STATE_DIR, or the store's default. */
function idempotencyDirectory(): string {
  const stateDir = process.env[LOCAL_STATE_DIR_ENV];
  return stateDir ? join(resolve(stateDir), "idempotency") : DEFAULT_LOCAL_STATE_DIR;
}

/**
 * Runs `work` with fresh SANDBOX services whose tables (the order stack's, by the same names) are in a fresh local
 * DynamoDB stand-in, closed afterwards: each sample tells its own story, and a replay starts as after a restart.
 */
async function withFreshSandbox<T>(work: (services: SandboxServices) => Promise<T>): Promise<T> {
  const dynamodb = await startLocalDynamoDb();
  try {
    const client = { endpoint: dynamodb.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
    return await work(createSandboxServices({ tables: dynamoDbSandboxTables(client) }));
  } finally {
    await dynamodb.close();
  }
}

async function main(): Promise<void> {
  // The table names the order stack gives its steps (the stand-in serves any name).
  process.env[SANDBOX_TABLE_ENV.paymentLedger] = SANDBOX_TABLE_NAMES.paymentLedger;
  process.env[SANDBOX_TABLE_ENV.orderRecords] = SANDBOX_TABLE_NAMES.orderRecords;
  const samples = readdirSync(EVENTS_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort((a, b) => (a === "happy" ? -1 : b === "happy" ? 1 : a.localeCompare(b)));
  console.log(`EventDrivenWorkflow local run: ${samples.length} sample events through the "${WORKFLOW}" state machine`);
  console.log("(Lambda tasks: real handlers on SANDBOX services; SNS/SQS/EventBridge: in-process recorders; no AWS calls)\n");

  const summary: string[] = [];
  for (const sample of samples) {
    const event = JSON.parse(readFileSync(join(EVENTS_DIR, `${sample}.json`), "utf8"));
    console.log(`■ ${sample}  (order ${event.detail?.orderId || "<none>"}, card ${event.detail?.cardToken ? "<redacted>" : "<none>"})`);
    const match = matchEventPattern(ORDER_PLACED_PATTERN, event);
    if (!match.matched) {
      console.log(`  rule: no match, no execution: ${match.reasons.join("; ")}\n`);
      summary.push(`${sample}: NOT MATCHED`);
      continue;
    }
    // Fresh sandbox per event, so each sample tells its own story.
    const result = await withFreshSandbox(async (services) => {
      const steps = orderSteps(services, SAMPLE_OPTIONS[sample]);
      const definition = compileDefinition(steps, localResources(WORKFLOW, steps), { timeoutSeconds: 300 });
      const run = await new LocalWorkflow(definition, { taskHandlers: bindTaskSteps(WORKFLOW, steps) }).run(event);
      console.log(`  rule:      matched ${JSON.stringify(ORDER_PLACED_PATTERN)}`);
      console.log(`  path:      ${formatPath(run)}`);
      console.log(`  outcome:   ${formatOutcome(run)}`);
      for (const message of run.published) console.log(`  published: ${formatPublished(message)}`);
      const activity = services.activity();
      console.log(
        `  sandbox:   ${activity.chargeCalls} charge call(s), ${activity.charges.length} charge(s), ${activity.refundRequests.map((r) => `refund ${r.outcome}`).join(", ") || "no refund"}`,
      );
      return run;
    });
    console.log("");
    summary.push(`${sample}: ${result.status}${result.error ? ` ${result.error}` : ""}`);
  }
  await replayAgainstDiskStore();
  console.log(`Summary: ${summary.join(" | ")}`);
}

/** Runs the happy order twice against the on-disk idempotency store, a fresh sandbox each time (as after a restart). */
async function replayAgainstDiskStore(): Promise<void> {
  const store = new FileIdempotencyStore(idempotencyDirectory());
  const event = JSON.parse(readFileSync(join(EVENTS_DIR, "happy.json"), "utf8"));
  const shown = relative(process.cwd(), store.directory);
  const outside = isAbsolute(shown) || shown.split(sep)[0] === "..";
  console.log(
    `■ replay  (order ${event.detail.orderId} twice more; idempotency records on disk in ${outside ? store.directory : shown}, kept between runs)`,
  );
  for (const run of [1, 2]) {
    const { result, calls } = await withFreshSandbox(async (services) => {
      const steps = orderSteps(services);
      const definition = compileDefinition(steps, localResources(WORKFLOW, steps), { timeoutSeconds: 300 });
      const taskHandlers = bindTaskSteps(WORKFLOW, steps, { idempotencyStore: store });
      return { result: await new LocalWorkflow(definition, { taskHandlers }).run(event), calls: services.activity().chargeCalls };
    });
    const charge = result.output?.chargeId ?? "no charge";
    console.log(
      `  run ${run}:     ${result.status}; ChargeCard ${
        calls === 0
          ? `already processed: returned the stored charge ${charge}, no gateway call`
          : `charged ${charge} (${calls} gateway call)`
      }`,
    );
  }
  console.log("");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
