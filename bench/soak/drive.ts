/**
 * Drives the soak: the order workflow's real definition, executed in-process with aws-local-stepfunctions
 * (LocalWorkflow), the real handlers through the Lambda wrapper (bindTaskSteps, idempotency in an in-memory
 * stand-in for the DynamoDB table), against the SIMULATED sandbox services with the plan's faults injected.
 * SNS/SQS/EventBridge calls go to the in-process recorders. Task timeouts are shortened (see SOAK_TIMEOUTS) so that
 * a slow answer costs about a second, not half a minute.
 */
import { performance } from "node:perf_hooks";
import { compileDefinition } from "../../components/core/compile";
import { createSandboxServices } from "../../handlers";
import { bindTaskSteps, localResources } from "../../local/runner/bindSteps";
import { discardOutput } from "../../local/runner/captureOutput";
import { LocalWorkflow } from "../../local/runner/execute";
import { InMemoryIdempotencyStore } from "../../local/simulators/idempotency";
import { orderSteps } from "../../workflows/order";
import { type ExecutionOutcome, judgeSoak, type SoakVerdict } from "./invariants";
import { faultPlanOf, planSoak, type PlannedOrder } from "./plan";

/** The soak's Task timeouts, in seconds: ChargeCard times out after 2 s (States.Timeout), ReconcilePayment's Lambda gets 2 s. */
export const SOAK_TIMEOUTS = { ChargeCard: 2, ReconcilePayment: 3 };

/** A slow answer lands after ChargeCard has timed out, while ReconcilePayment is polling. */
export const SOAK_SLOW_ANSWER_MS = 2400;

/** Options of {@link runSoak}. */
export interface SoakOptions {
  orders: number;
  seed: number;
  /** Orders in flight at once. @default 64 */
  concurrency?: number;
}

/** The soak's result: the verdict and what it took. */
export interface SoakReport extends SoakVerdict {
  orders: number;
  seed: number;
  executions: number;
  /** Executions that went through ReconcilePayment. */
  reconciled: number;
  /** Faults the sandbox injected, by operation and fault. */
  injected: Record<string, number>;
  durationMs: number;
}

/**
 * Runs `orders` planned orders (and their duplicates) through the order workflow and judges the outcome.
 *
 * @example
 * const report = await runSoak({ orders: 1000, seed: 42 });
 * report.invariants; // { doubleCharges: 0, doubleRefunds: 0, lostOrders: 0, chargedUnresolved: 0, completedUnpaid: 0 }
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const plan = planSoak(options.orders, options.seed);
  const services = createSandboxServices({ faults: faultPlanOf(plan), slowAnswerMs: SOAK_SLOW_ANSWER_MS });
  const steps = orderSteps(services, { timeouts: SOAK_TIMEOUTS });
  const definition = compileDefinition(steps, localResources("order-processing", steps), { timeoutSeconds: 300 });
  const taskHandlers = bindTaskSteps("order-processing", steps, { idempotencyStore: new InMemoryIdempotencyStore() });
  // Output is silenced for the whole run instead (per-run capture assumes one execution at a time).
  const machine = new LocalWorkflow(definition, { taskHandlers, captureOutput: false });

  const outcomes: ExecutionOutcome[] = [];
  let reconciled = 0;
  const deliver = async (orderId: string, event: object) => {
    const result = await machine.run(event);
    if (result.path.includes("ReconcilePayment")) reconciled += 1;
    outcomes.push({ orderId, status: result.status, error: result.error, publishedBy: result.published.map((p) => p.state) });
  };
  const runOrder = async (order: PlannedOrder) => {
    const first = deliver(order.orderId, order.event);
    const later = order.duplicates.map(async ({ kind, delayMs, event }) => {
      if (kind === "sequential") await first;
      else await new Promise((resolve) => setTimeout(resolve, delayMs));
      await deliver(order.orderId, event);
    });
    await Promise.all([first, ...later]);
  };

  const started = performance.now();
  const restoreOutput = discardOutput();
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency ?? 64 }, async () => {
        while (next < plan.length) await runOrder(plan[next++]);
      }),
    );
    // Slow answers may land after their execution ended: the ledger is final only when they have.
    await services.idle();
  } finally {
    restoreOutput();
  }
  const durationMs = performance.now() - started;

  const ledger = services.activity();
  const injected: Record<string, number> = {};
  for (const { operation, fault } of ledger.injectedFaults)
    injected[`${operation} ${fault}`] = (injected[`${operation} ${fault}`] ?? 0) + 1;
  return {
    orders: options.orders,
    seed: options.seed,
    executions: outcomes.length,
    reconciled,
    injected,
    durationMs,
    ...judgeSoak(
      plan.map((o) => o.orderId),
      ledger,
      outcomes,
      services.payments.keyRetentionSeconds,
    ),
  };
}
