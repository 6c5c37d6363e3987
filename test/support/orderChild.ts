/**
 * The order workflow in a separate Node process, for tests that need one: a restart (the on-disk idempotency store),
 * two processes at once, or process-wide settings such as X-Ray tracing (enabled through the environment, as in
 * Lambda). It prints what happened as one `@@RESULT@@` JSON line.
 *
 *   ts-node test/support/orderChild.ts workflow <storeDir> <event>       the workflow on one sample event, fresh sandbox
 *   ts-node test/support/orderChild.ts charge <storeDir> <event> <cardToken> <hangMs>   ChargeCard alone
 *   ts-node test/support/orderChild.ts samples <event.json>...            each event file through the workflow: everything it printed and published
 */
import { readFileSync } from "node:fs";
import { createSandboxServices } from "../../handlers/sandbox";
import { bindTaskSteps } from "../../local/bindSteps";
import { FileIdempotencyStore } from "../../local/idempotency";
import { orderSteps } from "../../workflows/order";
import { loadEvent, runOrder } from "./orderRun";

async function main(): Promise<unknown> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === "samples") {
    const runs = [];
    for (const file of args) {
      const event = JSON.parse(readFileSync(file, "utf8"));
      // A hung charge settles after 50 ms here (a slow processor) rather than waiting for the task's timeout.
      const { result } = await runOrder(event, { hangMs: 50 });
      runs.push({ file, status: result.status, error: result.error, printed: result.printed, published: result.published });
    }
    return runs;
  }
  const [storeDir, eventName, cardToken, hangMs] = args;
  const store = new FileIdempotencyStore(storeDir);
  if (mode === "workflow") {
    const { result, services } = await runOrder(eventName, { idempotencyStore: store });
    const activity = services.activity();
    return { status: result.status, output: result.output, chargeCalls: activity.chargeCalls, replays: result.printed.filter((l) => l.includes('"IdempotentReplays"')).length };
  }
  const services = createSandboxServices({ hangMs: Number(hangMs) });
  const charge = bindTaskSteps("order-processing", orderSteps(services), { idempotencyStore: store }).ChargeCard;
  const order = { ...loadEvent(eventName).detail, currency: "USD", cardToken };
  try {
    return { result: await charge(order), chargeCalls: services.activity().chargeCalls };
  } catch (error) {
    return { error: (error as Error).name, chargeCalls: services.activity().chargeCalls };
  }
}

main().then(
  (outcome) => process.stdout.write(`@@RESULT@@${JSON.stringify(outcome)}\n`),
  (error) => {
    process.stderr.write(String(error?.stack ?? error));
    process.exit(1);
  },
);
