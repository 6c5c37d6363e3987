/**
 * The order workflow in a separate Node process, for tests that need one: a restart (the on-disk idempotency store),
 * two processes at once, or process-wide settings such as X-Ray tracing (enabled through the environment, as in
 * Lambda). It prints what happened as one `@@RESULT@@` JSON line.
 *
 *   ts-node test/support/orderChild.ts workflow <storeDir> <event>       the workflow on one sample event, fresh sandbox
 *   ts-node test/support/orderChild.ts charge <storeDir> <event> <cardToken> <hangMs> [<barrierDir> <name>]
 *                                                                         ChargeCard alone; with a barrier folder, only once released (./barrier.ts)
 *   ts-node test/support/orderChild.ts samples <event.json>...            each event file through the workflow: everything it printed and
 *                                                                         published, and how many X-Ray documents it sent
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createSandboxServices } from "../../handlers/sandbox";
import { bindTaskSteps } from "../../local/runner/bindSteps";
import { FileIdempotencyStore } from "../../local/simulators/idempotency";
import { orderSteps } from "../../workflows/order";
import { atBarrier } from "./barrier";
import { loadEvent, runOrder } from "./orderRun";

/**
 * Counts the X-Ray documents this process sends: the X-Ray SDK (the one Powertools Tracer uses) sends each segment
 * and subsegment as one UDP datagram through its segment emitter, so the parent knows how many to wait for.
 */
function countXRayDocumentsSent(): () => number {
  const fromTracer = createRequire(require.resolve("@aws-lambda-powertools/tracer"));
  const emitter = fromTracer("aws-xray-sdk-core/dist/lib/segment_emitter") as { send(segment: unknown): void };
  const send = emitter.send;
  let sent = 0;
  emitter.send = function (this: unknown, segment: unknown) {
    sent++;
    return send.call(this, segment);
  };
  return () => sent;
}

async function main(): Promise<unknown> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === "samples") {
    const xrayDocumentsSent = countXRayDocumentsSent();
    const runs = [];
    for (const file of args) {
      const event = JSON.parse(readFileSync(file, "utf8"));
      // A hung charge settles after 50 ms here (a slow processor) rather than waiting for the task's timeout.
      const { result } = await runOrder(event, { hangMs: 50 });
      runs.push({ file, status: result.status, error: result.error, printed: result.printed, published: result.published });
    }
    return { runs, xrayDocumentsSent: xrayDocumentsSent() };
  }
  const [storeDir, eventName, cardToken, hangMs, barrierDir, barrierName] = args;
  const store = new FileIdempotencyStore(storeDir);
  if (mode === "workflow") {
    const { result, services } = await runOrder(eventName, { idempotencyStore: store });
    const activity = services.activity();
    // The steps that replayed a stored result: the service of each EMF line counting an idempotent replay.
    const replayed = result.printed
      .filter((l) => l.includes('"IdempotentReplays"'))
      .map((l) => (JSON.parse(l) as { service: string }).service)
      .sort();
    return { status: result.status, output: result.output, chargeCalls: activity.chargeCalls, replayed };
  }
  const services = createSandboxServices({ hangMs: Number(hangMs) });
  const charge = bindTaskSteps("order-processing", orderSteps(services), { idempotencyStore: store }).ChargeCard;
  const order = { ...loadEvent(eventName).detail, currency: "USD", cardToken };
  if (barrierDir) await atBarrier(barrierDir, barrierName);
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
