/**
 * Drives the soak: the order workflow's real definition, executed in-process with aws-local-stepfunctions
 * (LocalWorkflow), the real handlers through the Lambda wrapper (bindTaskSteps, idempotency in an in-memory
 * stand-in for the DynamoDB table), against the SIMULATED sandbox services with the plan's faults injected. The
 * sandbox keeps its payment ledger and order records in the local DynamoDB stand-in, in the tables the order stack
 * creates, through the same code as deployed (the AWS SDK over HTTP).
 * SNS/SQS/EventBridge calls go to the in-process recorders. Everything runs on the VIRTUAL CLOCK
 * (local/runner/clock.ts): the workflow's own task timeouts, Retry intervals and execution timeout are honoured, and
 * the sandbox's slow answers (seconds to minutes) and the replays a day later land at their simulated moments,
 * without waiting for them.
 */
import { performance } from "node:perf_hooks";
import { compileDefinition } from "../../components/core/compile";
import { createSandboxServices, dynamoDbSandboxTables, SANDBOX_TABLE_ENV } from "../../handlers";
import { withVirtualTime } from "../../local/runner/clock";
import { bindTaskSteps, localResources } from "../../local/runner/bindSteps";
import { discardOutput } from "../../local/runner/captureOutput";
import { LocalWorkflow } from "../../local/runner/execute";
import { setProcessEnvironment } from "../../local/runner/runner";
import { startLocalDynamoDb } from "../../local/simulators/dynamoDb";
import { InMemoryIdempotencyStore } from "../../local/simulators/idempotency";
import { parseOrderStackSettings } from "../../workflows/config";
import { orderSteps } from "../../workflows/order";
import { SANDBOX_TABLE_NAMES } from "../../workflows/sandboxTables";
import { type ExecutionOutcome, judgeSoak, type SoakVerdict } from "./invariants";
import { faultPlanOf, planSoak, SOAK_RATES, slowAnswersOf, type PlannedOrder, type SoakRates } from "./plan";

/** The execution timeout the soak runs with: the order stack's default (Pulumi.yaml's, when nothing is set). */
export const SOAK_EXECUTION_TIMEOUT_SECONDS = parseOrderStackSettings(() => undefined).timeoutSeconds;

/** Options of {@link runSoak}. */
export interface SoakOptions {
  orders: number;
  seed: number;
  /** Orders in flight at once. @default 64 */
  concurrency?: number;
  /** Rates overriding {@link SOAK_RATES}. @default none */
  rates?: Partial<SoakRates>;
}

/** The soak's result: the verdict and what it took. */
export interface SoakReport extends SoakVerdict {
  orders: number;
  seed: number;
  /** The clock the soak ran on: always `virtual`. */
  clock: "virtual";
  executionTimeoutSeconds: number;
  /** How long the gateway kept idempotency keys. */
  keyRetentionSeconds: number;
  executions: number;
  /** Executions that went through ReconcilePayment. */
  reconciled: number;
  /** Executions that reached their execution timeout (TIMED_OUT). */
  timedOut: number;
  /** Faults the sandbox injected, by operation and fault. */
  injected: Record<string, number>;
  /** Real time the soak took. */
  durationMs: number;
  /** Simulated time the soak covered. */
  simulatedMs: number;
}

/**
 * Runs `orders` planned orders (and their duplicates) through the order workflow and judges the outcome.
 *
 * @example
 * const report = await runSoak({ orders: 1000, seed: 42 });
 * report.invariants.doubleCharges; // 0
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const plan = planSoak(options.orders, options.seed, { ...SOAK_RATES, ...options.rates });
  const dynamodb = await startLocalDynamoDb(
    Object.fromEntries(Object.values(SANDBOX_TABLE_NAMES).map((table) => [table, { hashKey: "id" }])),
  );
  const restoreEnvironment = setProcessEnvironment({
    [SANDBOX_TABLE_ENV.paymentLedger]: SANDBOX_TABLE_NAMES.paymentLedger,
    [SANDBOX_TABLE_ENV.orderRecords]: SANDBOX_TABLE_NAMES.orderRecords,
  });
  // Tens of thousands of requests: sent to the stand-in in-process, without a socket each (see its requestHandler).
  const client = {
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    requestHandler: dynamodb.requestHandler,
  };
  const services = createSandboxServices({
    faults: faultPlanOf(plan),
    slowAnswerMs: slowAnswersOf(plan),
    tables: dynamoDbSandboxTables(client),
  });
  const steps = orderSteps(services);
  const definition = compileDefinition(steps, localResources("order-processing", steps), {
    timeoutSeconds: SOAK_EXECUTION_TIMEOUT_SECONDS,
  });
  const taskHandlers = bindTaskSteps("order-processing", steps, { idempotencyStore: new InMemoryIdempotencyStore() });
  // Output is silenced for the whole run instead (per-run capture assumes one execution at a time).
  const machine = new LocalWorkflow(definition, { taskHandlers, captureOutput: false, clock: "virtual" });

  const outcomes: ExecutionOutcome[] = [];
  let reconciled = 0;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const deliver = async (orderId: string, event: object) => {
    const result = await machine.run(event);
    if (result.path.includes("ReconcilePayment")) reconciled += 1;
    outcomes.push({ orderId, status: result.status, error: result.error, publishedBy: result.published.map((p) => p.state) });
  };
  // Replays a day later do not hold a worker: they are awaited at the end.
  const replays: Promise<void>[] = [];
  const runOrder = async (order: PlannedOrder) => {
    const first = deliver(order.orderId, order.event);
    const later = order.duplicates.map(async ({ kind, delayMs, event }) => {
      if (kind === "afterKeyExpiry") {
        replays.push(first.then(() => sleep(delayMs)).then(() => deliver(order.orderId, event)));
        return;
      }
      if (kind === "sequential") await first;
      else await sleep(delayMs);
      await deliver(order.orderId, event);
    });
    await Promise.all([first, ...later]);
  };

  const started = performance.now();
  const restoreOutput = discardOutput();
  let simulatedMs = 0;
  try {
    await withVirtualTime(async () => {
      const simulatedStart = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: options.concurrency ?? 64 }, async () => {
          while (next < plan.length) await runOrder(plan[next++]);
        }),
      );
      await Promise.all(replays);
      // Slow answers may land after their execution ended: the ledger is final only when they have.
      await services.idle();
      simulatedMs = Date.now() - simulatedStart;
    });
  } finally {
    restoreOutput();
    restoreEnvironment();
    await dynamodb.close();
  }
  const durationMs = performance.now() - started;

  const ledger = services.activity();
  const injected: Record<string, number> = {};
  for (const { operation, fault } of ledger.injectedFaults)
    injected[`${operation} ${fault}`] = (injected[`${operation} ${fault}`] ?? 0) + 1;
  return {
    orders: options.orders,
    seed: options.seed,
    clock: "virtual",
    executionTimeoutSeconds: SOAK_EXECUTION_TIMEOUT_SECONDS,
    keyRetentionSeconds: services.payments.keyRetentionSeconds,
    executions: outcomes.length,
    reconciled,
    timedOut: outcomes.filter((o) => o.status === "TIMED_OUT").length,
    injected,
    durationMs,
    simulatedMs,
    ...judgeSoak(
      plan.map((o) => o.orderId),
      ledger,
      outcomes,
      services.payments.keyRetentionSeconds,
    ),
  };
}
