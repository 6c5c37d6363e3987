/** Runs sample order events through the compiled order definition locally, against fresh sandbox services. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileDefinition } from "../../components";
import { createSandboxServices, type SandboxServices } from "../../handlers";
import { bindTaskSteps, localResources } from "../../local/bindSteps";
import { LocalWorkflow, type LocalExecutionResult } from "../../local/execute";
import { orderSteps, type OrderWorkflowOptions } from "../../workflows/order";

export const loadEvent = (name: string) => JSON.parse(readFileSync(join(__dirname, "..", "..", "events", `${name}.json`), "utf8"));

export async function runOrder(eventName: string, options: OrderWorkflowOptions & { hangMs?: number } = {}): Promise<{ result: LocalExecutionResult; services: SandboxServices }> {
  const services = createSandboxServices({ now: () => new Date("2025-06-01T12:00:05Z"), hangMs: options.hangMs });
  const steps = orderSteps(services, options);
  const definition = compileDefinition(steps, localResources("order-processing", steps), { timeoutSeconds: 300 });
  const machine = new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("order-processing", steps) });
  return { result: await machine.run(loadEvent(eventName)), services };
}
