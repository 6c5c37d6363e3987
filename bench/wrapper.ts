/**
 * What the step wrapper costs per invocation, in-process: `instrumentStep` around a handler that returns its input,
 * against the FLOOR of the same handler instrumented by hand with bare Powertools (Logger, Metrics and Tracer created
 * once; per invocation one log line and one metric flush, as the wrapper flushes its step metrics), and for an
 * idempotent step both through Powertools Idempotency on the same in-memory store. Alternated in one process, the
 * median over samples. It splits the in-process figures (bench/localExecution.ts) into what the library adds and what
 * Powertools itself costs per invocation.
 *
 * Run alone: `npx ts-node --transpile-only bench/wrapper.ts [invocationsPerSample] [samples]`.
 */
import { performance } from "node:perf_hooks";
import { instrumentStep } from "../components/runtime";
import { discardOutput } from "../local/runner/captureOutput";
import { InMemoryIdempotencyStore } from "../local/simulators/idempotency/memory";
import { type BenchRow, formatRows, spread } from "./rows";

type Invoke = (input: { id: string }, invocation: { awsRequestId: string; getRemainingTimeInMillis(): number }) => Promise<unknown>;

/** Our wrapper, as every step Lambda runs it. */
function ours(idempotent: boolean): Invoke {
  const store = new InMemoryIdempotencyStore();
  return instrumentStep(
    "bench",
    "Wrapped",
    async (input: { id: string }) => input,
    idempotent ? { idempotency: { keyPath: "id" }, persistenceLayer: () => store.persistenceLayer() } : {},
  );
}

/** The same handler with Powertools used by hand, as a user writes it without the library. */
function bare(idempotent: boolean): Invoke {
  const { Logger } = require("@aws-lambda-powertools/logger") as typeof import("@aws-lambda-powertools/logger");
  const { Metrics } = require("@aws-lambda-powertools/metrics") as typeof import("@aws-lambda-powertools/metrics");
  const { Tracer } = require("@aws-lambda-powertools/tracer") as typeof import("@aws-lambda-powertools/tracer");
  const logger = new Logger({ serviceName: "Bare" });
  const metrics = new Metrics({ namespace: "bench", serviceName: "Bare" });
  new Tracer({ serviceName: "Bare" });
  const handler = async (input: { id: string }) => {
    logger.info("handled");
    metrics.addMetric("Handled", "Count", 1);
    metrics.publishStoredMetrics();
    return input;
  };
  if (!idempotent) return handler;
  const { IdempotencyConfig, makeIdempotent } =
    require("@aws-lambda-powertools/idempotency") as typeof import("@aws-lambda-powertools/idempotency");
  return makeIdempotent(handler, {
    persistenceStore: new InMemoryIdempotencyStore().persistenceLayer(),
    config: new IdempotencyConfig({ eventKeyJmesPath: "id" }),
  });
}

export async function wrapperRows(invocationsPerSample = 5000, samples = 7): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  let sequence = 0;
  const time = async (invoke: Invoke, count: number) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const id = `b-${sequence++}`;
      await invoke({ id }, { awsRequestId: id, getRemainingTimeInMillis: () => 10_000 });
    }
    return ((performance.now() - started) * 1000) / count;
  };
  // Both print an EMF line (and the floor a log line) per invocation: measured without the terminal's cost.
  const restoreOutput = discardOutput();
  try {
    for (const idempotent of [false, true]) {
      const [wrapped, floor] = [ours(idempotent), bare(idempotent)];
      await time(wrapped, 500);
      await time(floor, 500);
      const oursMicros: number[] = [];
      const floorMicros: number[] = [];
      for (let s = 0; s < samples; s++) {
        oursMicros.push(await time(wrapped, invocationsPerSample));
        floorMicros.push(await time(floor, invocationsPerSample));
      }
      const measured = spread(oursMicros);
      const baseline = spread(floorMicros).median;
      rows.push({
        measure: `wrapper per invocation, ${idempotent ? "idempotent" : "plain"} step, in-process (vs the handler with bare Powertools${idempotent ? " + Idempotency" : ""})`,
        unit: "µs",
        ours: measured,
        baseline,
        ratio: measured.median / baseline,
        note: "Redaction, the invocation guards and the step metrics are what the floor does not do.",
      });
    }
  } finally {
    restoreOutput();
  }
  return rows;
}

if (require.main === module) {
  wrapperRows(Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 7)).then(
    (rows) => console.log(formatRows(rows)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
