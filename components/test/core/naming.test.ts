/**
 * The naming scheme, pure: names at and over each AWS limit, the `naming` option, and the registry that refuses a
 * name claimed twice. Property: whatever the project, stack, workflow and step names, every default name fits its
 * kind's rule, and distinct inputs give distinct names.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  NAME_RULES,
  type NameKind,
  NameRegistry,
  nameProblem,
  pathHashOf,
  physicalName,
  type WorkflowNameScope,
  WorkflowDefinitionError,
} from "../../core";

const shop: WorkflowNameScope = { project: "shop", stack: "dev", workflow: "orders", parents: [] };
const KINDS = Object.keys(NAME_RULES) as NameKind[];
const HEADS: Partial<Record<NameKind, string>> = { logGroup: "/aws/lambda/" };

describe("physical names (core/naming)", () => {
  it("puts project, stack and workflow in every name, the child last", () => {
    assert.equal(physicalName(shop, {}, "function", "ChargeCard"), "shop-dev-orders-ChargeCard");
    assert.equal(physicalName(shop, {}, "stateMachine", ""), "shop-dev-orders");
    assert.equal(physicalName(shop, {}, "logGroup", "ChargeCard", "/aws/lambda/"), "/aws/lambda/shop-dev-orders/ChargeCard");
    assert.equal(physicalName(shop, {}, "logGroup", "", "/aws/vendedlogs/states/"), "/aws/vendedlogs/states/shop-dev-orders");
  });

  it("adds a hash of the parent components to a nested workflow's names only", () => {
    const nested = { ...shop, parents: ["company:apps:Billing::billing"] };
    assert.equal(physicalName(nested, {}, "queue", "dlq"), `shop-dev-orders-${pathHashOf(nested.parents)}-dlq`);
    assert.notEqual(pathHashOf(["company:apps:Billing::billing"]), pathHashOf(["company:apps:Shipping::billing"]));
    assert.equal(pathHashOf([]), "");
  });

  it("applies the prefix and the strategies", () => {
    assert.equal(physicalName(shop, { prefix: "pay-" }, "role", "execution"), "pay-shop-dev-orders-execution");
    assert.equal(physicalName(shop, { prefix: "pay-", strategy: "stack" }, "role", "execution"), "pay-dev-orders-execution");
    const custom = physicalName(shop, { strategy: (p) => `${p.stack}.${p.workflow}.${p.child}.${p.maxLength}` }, "rule", "trigger");
    assert.equal(custom, "dev.orders.trigger.64");
  });

  it("replaces characters a kind refuses (a stack named 'eu.prod') with '-'", () => {
    assert.equal(physicalName({ ...shop, stack: "eu.prod" }, {}, "function", "Charge"), "shop-eu-prod-orders-Charge");
  });

  it("cuts a name over its limit, keeping the child's part and ending the workflow part with a hash", () => {
    const long: WorkflowNameScope = {
      project: "customer-order-fulfilment-platform",
      stack: "production-eu-west-1",
      workflow: "order-processing-with-manual-approval",
      parents: [],
    };
    const fn = physicalName(long, {}, "function", "SendConfirmationEmail");
    assert.ok(fn.length <= 64, fn);
    // Project, stack and workflow each keep a recognizable head; the hash keeps what was cut apart.
    assert.match(fn, /^customer-[\w-]+-production[\w-]*-order-[\w-]+-[0-9a-f]{6}-SendConfirmationEmail$/);
    const machine = physicalName(long, {}, "stateMachine", "");
    assert.ok(machine.length <= 80 && machine.startsWith("customer-order-fulfilment-production-eu-west-1-order-processing-"), machine);
    assert.match(physicalName(long, { prefix: "platform-" }, "function", "SendConfirmationEmail"), /^platform-customer/);
    // Two workflows that differ only past the cut still get two names.
    assert.notEqual(
      physicalName({ ...long, workflow: `${long.workflow}-a` }, {}, "function", "X"),
      physicalName({ ...long, workflow: `${long.workflow}-b` }, {}, "function", "X"),
    );
  });

  it("cuts the whole name when the child's part alone nearly fills the limit", () => {
    const name = physicalName(shop, {}, "rule", "t".repeat(70));
    assert.equal(name.length, 64);
    assert.match(name, /^shop-dev-orders-t+-[0-9a-f]{6}$/);
  });

  it("says why AWS would refuse a name, or nothing", () => {
    assert.equal(nameProblem("function", "f".repeat(64)), undefined);
    assert.match(nameProblem("function", "f".repeat(65)) ?? "", /65 characters long; AWS accepts 64 for a Lambda function name/);
    assert.match(nameProblem("queue", "my queue") ?? "", /characters AWS refuses in a SQS queue name/);
    assert.match(nameProblem("table", "ab") ?? "", /DynamoDB table/);
  });

  it("refuses a name claimed twice, naming both children", () => {
    const registry = new NameRegistry();
    registry.claim("stateMachine", "shared", { workflow: '"orders"', child: "orders" });
    registry.claim("role", "shared", { workflow: '"orders"', child: "orders-execution" }); // another kind: no clash
    assert.throws(
      () => registry.claim("stateMachine", "shared", { workflow: '"returns" (under company:apps:Billing::billing)', child: "returns" }),
      (error: unknown) =>
        error instanceof WorkflowDefinitionError &&
        error.message.includes('"orders" of workflow "orders"') &&
        error.message.includes('"returns" of workflow "returns" (under company:apps:Billing::billing)'),
    );
  });

  it("keeps every default name within its kind's rule, and distinct inputs apart (property)", () => {
    const part = fc.stringMatching(/^[A-Za-z0-9._-]{1,90}$/);
    fc.assert(
      fc.property(part, part, part, part, fc.boolean(), fc.constantFrom(...KINDS), (project, stack, workflow, child, nested, kind) => {
        const scope = { project, stack, workflow: workflow.replace(/\./g, "-"), parents: nested ? ["x:y:Z::p"] : [] };
        const name = physicalName(scope, {}, kind, child, HEADS[kind]);
        assert.equal(nameProblem(kind, name), undefined, name);
        const other = physicalName({ ...scope, stack: `${scope.stack}x` }, {}, kind, child, HEADS[kind]);
        assert.notEqual(other, name);
      }),
      { numRuns: 400 },
    );
  });
});
