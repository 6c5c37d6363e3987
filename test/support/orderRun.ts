/** Runs sample order events through the compiled order definition locally, against fresh sandbox services. */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { compileDefinition } from "../../components/core/compile";
import { createSandboxServices, type SandboxOptions, type SandboxServices } from "../../handlers";
import { bindTaskSteps, localResources, type BindOptions } from "../../local/runner/bindSteps";
import { LocalWorkflow, type LocalExecutionResult } from "../../local/runner/execute";
import { orderSteps, type OrderWorkflowOptions } from "../../workflows/order";
import { DEFAULT_TIMEOUT_SECONDS } from "../../workflows/config";

export const loadEvent = (name: string) => JSON.parse(readFileSync(join(__dirname, "..", "..", "events", `${name}.json`), "utf8"));

export type OrderRunOptions = OrderWorkflowOptions &
  BindOptions &
  Pick<SandboxOptions, "hangMs" | "faults" | "slowAnswerMs"> & {
    /** Sandbox services to run against (to run several events against one sandbox). @default fresh ones */
    services?: SandboxServices;
  };

/**
 * Runs an event (a sample's name, or the event itself) through the order workflow with fresh sandbox services and
 * a fresh idempotency store, unless given.
 */
export async function runOrder(
  event: string | object,
  options: OrderRunOptions = {},
): Promise<{ result: LocalExecutionResult; services: SandboxServices }> {
  const { hangMs, faults, slowAnswerMs } = options;
  const services = options.services ?? createSandboxServices({ now: () => new Date("2025-06-01T12:00:05Z"), hangMs, faults, slowAnswerMs });
  const steps = orderSteps(services, options);
  const definition = compileDefinition(steps, localResources("order-processing", steps), { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS });
  const machine = new LocalWorkflow(definition, { taskHandlers: bindTaskSteps("order-processing", steps, options) });
  return { result: await machine.run(typeof event === "string" ? loadEvent(event) : event), services };
}

/**
 * Runs test/support/orderChild.ts in a new Node process (extra `environment` on top of this one's) and returns
 * the JSON of its `@@RESULT@@` line.
 */
export async function inOrderChild(args: string[], environment: Record<string, string> = {}): Promise<any> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [require.resolve("ts-node/dist/bin.js"), "--transpile-only", join(__dirname, "orderChild.ts"), ...args],
    {
      cwd: join(__dirname, "..", ".."),
      env: { ...process.env, NODE_OPTIONS: "", ...environment },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@"));
  if (!line) throw new Error(`orderChild printed no result:\n${stdout}`);
  return JSON.parse(line.slice("@@RESULT@@".length));
}
