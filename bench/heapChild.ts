/**
 * One heap sample, in a process of its own started with --expose-gc: runs the happy path in-process `argv[2]` times
 * and prints `@@RESULT@@{ node, heapMb: [after GC, every 1,000 executions] }`. The sandbox services and the
 * idempotency store keep every order on purpose (they stand in for external systems), so they are rebuilt every
 * 1,000 executions: what remains is the heap of the local workflow, the interpreter and the instrumentation.
 */
import { LocalWorkflow, type LocalTaskHandler } from "../local/runner/execute";
import { orderSamples, orderWorkflowInProcess, withFreshOrderId } from "./orderBench";

const executions = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;

(async () => {
  if (!gc) throw new Error("run with --expose-gc");
  let bound = orderWorkflowInProcess();
  const delegating: Record<string, LocalTaskHandler> = Object.fromEntries(
    Object.keys(bound.taskHandlers).map((state) => [state, (input: unknown) => bound.taskHandlers[state](input)]),
  );
  const workflow = new LocalWorkflow(bound.definition, { taskHandlers: delegating });
  const happy = orderSamples.find((s) => s.name === "happy")!.event;
  const heapMb: number[] = [];
  for (let i = 0; i <= executions; i++) {
    if (i % 1000 === 0) {
      bound = orderWorkflowInProcess();
      gc();
      heapMb.push(process.memoryUsage().heapUsed / 1024 / 1024);
    }
    if (i < executions) await workflow.run(withFreshOrderId(happy, i));
  }
  process.stdout.write(`@@RESULT@@${JSON.stringify({ node: process.version, heapMb })}\n`);
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
