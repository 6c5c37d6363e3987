/**
 * `npm run soak -- [--orders N] [--seed S] [--concurrency C] [--clock virtual]`: drives N orders (default 10,000)
 * through the order workflow locally with seeded random faults and duplicate deliveries (bench/soak/), on simulated
 * time, prints the invariant counts and the outcome distribution, and exits 1 if an invariant is violated.
 * Everything runs in-process against SIMULATED services (the sandbox gateway, warehouse, mail provider, order
 * store); see bench/soak/drive.ts.
 */
import { parseArgs } from "node:util";
import { runSoak } from "./soak/drive";
import { SOAK_RATES } from "./soak/plan";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      orders: { type: "string", default: "10000" },
      seed: { type: "string", default: "1" },
      concurrency: { type: "string", default: "64" },
      clock: { type: "string", default: "virtual" },
    },
  });
  // Its slow answers take simulated minutes and its replays come a simulated day later: only virtual time runs them.
  if (values.clock !== "virtual") {
    console.error(`--clock ${values.clock}: the soak runs on the virtual clock only (its faults take simulated minutes and days)`);
    return 2;
  }
  const [orders, seed, concurrency] = [values.orders, values.seed, values.concurrency].map(Number);
  for (const [flag, value] of Object.entries({ orders, seed, concurrency })) {
    if (!Number.isInteger(value) || value < (flag === "seed" ? 0 : 1)) {
      console.error(`--${flag} must be a ${flag === "seed" ? "non-negative" : "positive"} integer`);
      return 2;
    }
  }
  console.log(
    `Soak: ${orders} orders, seed ${seed}, ${concurrency} in flight (SIMULATED services, in-process Step Functions, virtual clock)`,
  );
  console.log(`Rates per order: ${JSON.stringify(SOAK_RATES)}`);
  const report = await runSoak({ orders, seed, concurrency });
  const seconds = report.durationMs / 1000;
  console.log(
    `\n${report.executions} executions (${report.executions - report.orders} duplicate deliveries), ${report.reconciled} through ReconcilePayment, ` +
      `${report.timedOut} reached the ${report.executionTimeoutSeconds} s execution timeout; gateway key retention ${report.keyRetentionSeconds / 3600} h`,
  );
  console.log(
    `clock virtual: ${(report.simulatedMs / 3_600_000).toFixed(1)} h of simulated time in ${seconds.toFixed(1)} s of real time ` +
      `(${(report.executions / seconds).toFixed(0)} executions/s)`,
  );
  printTable("invariant (must be 0)", { ...report.invariants });
  printTable("order outcome", report.orderOutcomes);
  printTable("execution end", report.executionEnds);
  printTable("injected fault", report.injected);
  const violated = Object.entries(report.invariants).filter(([, n]) => n > 0);
  if (violated.length > 0) {
    console.error(`\nINVARIANTS VIOLATED: ${violated.map(([name, n]) => `${name} = ${n}`).join(", ")}`);
    console.error(`Of the charged orders left unresolved, ${report.unresolvedAfterTimeout} had an execution that reached its timeout.`);
    return 1;
  }
  console.log("\nAll invariants hold.");
  return 0;
}

function printTable(title: string, counts: Record<string, number>): void {
  console.log(`\n| ${title} | count |\n|---|---|`);
  for (const [key, n] of Object.entries(counts).sort(([, a], [, b]) => b - a)) console.log(`| ${key} | ${n} |`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
