/**
 * The metric catalogue (handlers/metricsCatalogue.ts) is what the steps really print: every EMF line of every
 * sample event's run carries only catalogued metrics, with their documented unit, one of their documented
 * dimension sets and values from the closed sets; and every catalogued metric shows up in some run.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ORDER_METRIC_CATALOGUE, metricCatalogueMarkdown } from "../handlers/metricsCatalogue";
import { InMemoryIdempotencyStore } from "../local/simulators/idempotency";
import { runOrder } from "./support/orderRun";

interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

describe("the metric catalogue, against the EMF lines the steps print", function () {
  this.timeout(60_000);
  const lines: { sample: string; emf: EmfLine }[] = [];

  before(async () => {
    const samples = readdirSync(join(__dirname, "..", "events"))
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.replace(/\.json$/, ""));
    const store = new InMemoryIdempotencyStore();
    // happy twice against one store: the second run replays ChargeCard (IdempotentReplays).
    for (const sample of [...samples, "happy"]) {
      const { result } = await runOrder(sample, {
        timeouts: { ChargeCard: 2, ReconcilePayment: 3 },
        idempotencyStore: sample === "happy" ? store : undefined,
      });
      for (const line of result.printed.filter((l) => l.includes('"_aws"'))) lines.push({ sample, emf: JSON.parse(line) });
    }
  });

  it("every EMF line is in the workflow's namespace with one dimension set starting with service = a step", () => {
    assert.ok(lines.length > 40, `${lines.length} lines`);
    const steps = [
      "ValidateOrder",
      "ChargeCard",
      "ReconcilePayment",
      "FulfillOrder",
      "SendConfirmationEmail",
      "MarkOrderComplete",
      "RefundAndFail",
    ];
    for (const { emf } of lines) {
      const [directive] = emf._aws.CloudWatchMetrics;
      assert.equal(directive.Namespace, "order-processing");
      assert.equal(directive.Dimensions.length, 1);
      assert.equal(directive.Dimensions[0][0], "service");
      assert.ok(steps.includes(emf.service as string), String(emf.service));
    }
  });

  it("every metric printed is catalogued, with its unit, a documented dimension set and values from the closed sets", () => {
    for (const { sample, emf } of lines) {
      const [directive] = emf._aws.CloudWatchMetrics;
      for (const { Name, Unit } of directive.Metrics) {
        const entry = ORDER_METRIC_CATALOGUE.find((m) => m.name === Name);
        assert.ok(entry, `${sample}: ${Name} is not in the catalogue`);
        assert.equal(Unit, entry.unit, `${Name}'s unit`);
        assert.ok(
          entry.dimensionSets.some((set) => JSON.stringify(set) === JSON.stringify(directive.Dimensions[0])),
          `${Name} with [${directive.Dimensions[0]}]`,
        );
        for (const [dimension, allowed] of Object.entries(entry.dimensionValues ?? {}))
          assert.ok(allowed.includes(emf[dimension] as string), `${Name}: ${dimension}=${emf[dimension]}`);
        if (entry.emittedBy !== "every step")
          assert.ok(entry.emittedBy.split(", ").includes(emf.service as string), `${Name} from ${emf.service}`);
        assert.equal(typeof emf[Name], "number");
      }
    }
  });

  it("every catalogued metric is printed by some sample (but a real refund, which no sample path makes)", () => {
    // RefundAndFail is reached only when the charge failed, so the sandbox never has anything to refund there;
    // OrdersRefunded is proven by the refundPayment unit test (test/handlers.test.ts).
    const seen = new Set(lines.flatMap(({ emf }) => emf._aws.CloudWatchMetrics[0].Metrics.map((m) => m.Name)));
    assert.deepEqual(
      ORDER_METRIC_CATALOGUE.map((m) => m.name).filter((name) => !seen.has(name)),
      ["OrdersRefunded"],
    );
  });

  it("reports business outcomes by their bounded dimensions", () => {
    const values = (name: string, dimension: string) => new Set(lines.filter(({ emf }) => name in emf).map(({ emf }) => emf[dimension]));
    for (const outcome of ["Charged", "InsufficientFunds", "ProcessorDown", "Throttled"])
      assert.ok(values("ChargeAttempts", "outcome").has(outcome), outcome);
    assert.deepEqual([...values("OrdersRejected", "reason")], ["Multiple"]);
    assert.deepEqual([...values("ChargeAmount", "currency")].sort(), ["EUR", "USD"]);
    const amounts = lines.filter(({ emf }) => "ChargeAmount" in emf && emf.currency === "USD").map(({ emf }) => emf.ChargeAmount);
    assert.ok(amounts.includes(129.99));
  });

  it("order ids travel as metadata, never as a dimension", () => {
    for (const { emf } of lines) assert.ok(!emf._aws.CloudWatchMetrics[0].Dimensions[0].includes("orderId"));
    assert.ok(lines.some(({ emf }) => emf.orderId === "ord-1001"));
  });

  it("renders as the README's Markdown table, one row per metric, and the README shows it as it is", () => {
    const table = metricCatalogueMarkdown();
    assert.equal(table.split("\n").length, ORDER_METRIC_CATALOGUE.length + 2);
    assert.match(table, /\| `ChargeAmount` \| None \| ChargeCard \| service, currency \|/);
    assert.ok(
      readFileSync(join(__dirname, "..", "README.md"), "utf8").includes(table),
      "README.md's metric catalogue is out of date: paste metricCatalogueMarkdown()",
    );
  });
});
