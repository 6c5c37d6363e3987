/**
 * What the local-execution measurements share: the order sample events (charge-hangs excluded: its duration is its
 * Lambda timeout, by design), each with order ids fresh per use so idempotency and the sandbox see new orders, and
 * the order workflow bound to sandbox services in-process.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compileDefinition } from "../components/core/compile";
import { createSandboxServices } from "../handlers";
import { bindTaskSteps, localResources } from "../local/runner/bindSteps";
import type { LocalTaskHandler } from "../local/runner/execute";
import { orderSteps } from "../workflows/order";
import { bindTaskStepsByHand } from "./handInstrumented";
import { DEFAULT_TIMEOUT_SECONDS } from "../workflows/config";

const eventsFolder = join(__dirname, "..", "events");

/** The sample events by name (file name without .json). */
export const orderSamples: { name: string; event: Record<string, any> }[] = readdirSync(eventsFolder)
  .filter((f) => f.endsWith(".json") && f !== "charge-hangs.json")
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ""), event: JSON.parse(readFileSync(join(eventsFolder, f), "utf8")) }));

/** `event` with its orderId suffixed by `suffix` (a sample without an orderId is returned as is). */
export function withFreshOrderId(event: Record<string, any>, suffix: string | number): Record<string, any> {
  const detail = event.detail;
  return typeof detail?.orderId === "string" && detail.orderId
    ? { ...event, detail: { ...detail, orderId: `${detail.orderId}-${suffix}` } }
    : event;
}

/** The compiled order definition and its task handlers bound in-process to fresh sandbox services. */
export function orderWorkflowInProcess(): {
  definition: ReturnType<typeof compileDefinition>;
  taskHandlers: Record<string, LocalTaskHandler>;
} {
  const steps = orderSteps(createSandboxServices());
  return {
    definition: compileDefinition(steps, localResources("order-processing", steps), { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS }),
    taskHandlers: bindTaskSteps("order-processing", steps),
  };
}

/** The order steps' handlers instrumented by hand with bare Powertools (bench/handInstrumented.ts), on fresh sandbox services. */
export function orderHandlersByHand(): Record<string, LocalTaskHandler> {
  return bindTaskStepsByHand("order-processing", orderSteps(createSandboxServices()));
}
