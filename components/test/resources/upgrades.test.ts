/**
 * What each kind of change to a workflow replaces, under Pulumi mocks: a fixture is synthesized before and after the
 * change, and the two sets of resources are compared as Pulumi's engine would pair them (same URN, or an alias naming
 * a former URN), then each pair's inputs as the AWS provider would diff them (a change to a replace-on-change property
 * replaces; any other change updates in place). The mocks answer a kept resource with the state it was deployed with
 * (its auto-generated name), as AWS would. `renamedFrom` must keep every URN; the README's "Upgrades" table is these
 * figures. Only `pulumi preview` against a real stack shows the engine's own plan.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { EventDrivenWorkflow, notify, task, type WorkflowDefinitionError } from "../../index";
import { COMPONENT_TYPE } from "../../asl/integrations";
import { validateUpgrades } from "../../core/validation/upgrades";
import { TEST_REGION, workflowMocks } from "../../../local/program/mocks";
import { outputValue } from "../../../local/program/synthesize";

interface Claim {
  claimId: string;
  amount: number;
}
const assess = async (claim: Claim) => ({ ...claim, score: claim.amount > 1000 ? 2 : 1 });
const assessStrictly = async (claim: Claim) => ({ ...claim, score: claim.amount > 100 ? 2 : 1 });

/** The fixture and what a change may alter in it. */
interface Fixture {
  workflow: string;
  workflowFrom?: string;
  step: string;
  stepFrom?: string;
  handler: typeof assess;
  taskTimeout: number;
  workflowTimeout: number;
  retainStatefulResources?: boolean;
}
const BEFORE: Fixture = { workflow: "claims", step: "Assess", handler: assess, taskTimeout: 10, workflowTimeout: 180 };

/** A deployed resource, as the engine would pair it with its successor. */
interface Deployed {
  urn: string;
  type: string;
  name: string;
  /** The URNs of its aliases (an alias naming only a former name keeps the type and the parent). */
  aliasUrns: string[];
  /** Its inputs, the Lambda's archive as its handler's text. */
  inputs: Record<string, unknown>;
  retainOnDelete?: boolean;
}

/** The properties the AWS provider replaces a resource for (its schema's replace-on-change ones), of the children. */
const REPLACE_ON_CHANGE: Record<string, string[]> = {
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
  "aws:lambda/function:Function": ["name"],
  "aws:sfn/stateMachine:StateMachine": ["name", "namePrefix", "type"],
  "aws:cloudwatch/dashboard:Dashboard": ["dashboardName"],
  "aws:sqs/queue:Queue": ["name", "namePrefix", "fifoQueue"],
  "aws:sqs/queuePolicy:QueuePolicy": ["queueUrl"],
  "aws:dynamodb/table:Table": ["name", "hashKey", "rangeKey"],
  "aws:kms/key:Key": ["customKeyStoreId", "keyUsage", "customerMasterKeySpec"],
  "aws:sns/topic:Topic": ["name", "namePrefix", "fifoTopic"],
  "aws:sns/topicPolicy:TopicPolicy": ["arn"],
  "aws:sns/topicSubscription:TopicSubscription": ["topic", "protocol", "endpoint"],
  "aws:cloudwatch/eventRule:EventRule": ["name", "namePrefix", "eventBusName"],
  "aws:cloudwatch/eventTarget:EventTarget": ["rule", "eventBusName", "targetId"],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
};

/**
 * Synthesizes the fixture under mocks. With `deployed`, a resource that keeps a deployed URN (its own, or through an
 * alias) is answered with the state it was deployed with, as AWS would answer.
 */
async function synthesize(fixture: Fixture, deployed: Deployed[] = []): Promise<Deployed[]> {
  const deployedKeys = new Set(deployed.map((d) => `${d.type}::${d.name}`));
  const aliasesOf = new Map<string, string[]>();
  const inputsOf = new Map<string, Record<string, unknown>>();
  const captured: { resource: pulumi.Resource; type: string; name: string; retainOnDelete?: boolean }[] = [];
  const base = workflowMocks();
  pulumi.runtime.setAllConfig({ "aws:region": TEST_REGION });
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const key = `${args.type}::${args.name}`;
        inputsOf.set(key, args.inputs);
        const kept = deployedKeys.has(key) ? args.name : aliasesOf.get(key)?.find((former) => deployedKeys.has(`${args.type}::${former}`));
        return base.newResource({ ...args, name: kept ?? args.name });
      },
      call: base.call,
    },
    "upgrades",
    "test",
    false,
  );
  const capture: pulumi.ResourceTransformation = ({ resource, type, name, opts }) => {
    aliasesOf.set(
      `${type}::${name}`,
      (opts.aliases ?? []).map((alias) => (alias as pulumi.Alias).name as string),
    );
    captured.push({ resource, type, name, retainOnDelete: opts.retainOnDelete });
    return undefined;
  };
  const workflow = new EventDrivenWorkflow(
    fixture.workflow,
    {
      renamedFrom: fixture.workflowFrom,
      retainStatefulResources: fixture.retainStatefulResources,
      trigger: { pattern: { source: ["claims.service"] } },
      timeoutSeconds: fixture.workflowTimeout,
      alerting: { emailEndpoints: ["oncall@example.com"] },
      steps: [
        task(fixture.step, {
          renamedFrom: fixture.stepFrom,
          handler: fixture.handler,
          timeoutSeconds: fixture.taskTimeout,
          idempotency: { keyPath: "claimId" },
        }),
        task("Approve", { handler: async (claim: Claim) => claim, timeoutSeconds: 10 }),
        notify("Announce", { end: true }),
      ],
    },
    { transformations: [capture] },
  );
  await outputValue(workflow.urn);
  return Promise.all(
    captured.map(async ({ resource, type, name, retainOnDelete }) => {
      const urn = await outputValue(resource.urn);
      const inputs = { ...(inputsOf.get(`${type}::${name}`) ?? {}) };
      if (inputs.code) inputs.code = await handlerText(inputs.code);
      const prefix = urn.slice(0, urn.lastIndexOf("::") + 2);
      return {
        urn,
        type,
        name,
        inputs,
        retainOnDelete,
        aliasUrns: (aliasesOf.get(`${type}::${name}`) ?? []).map((alias) => prefix + alias),
      };
    }),
  );
}

/** The serialized handler in a Lambda's archive (its other assets are the same for every version of a handler). */
async function handlerText(code: unknown): Promise<string> {
  const assets = await (code as { assets: Promise<Record<string, { text: Promise<string> }>> }).assets;
  return assets["__index.js"].text;
}

/** What the engine would do, by resource (`type::name` of the resource after the change, or before when deleted). */
interface Plan {
  /** Deleted and created again: the URN was lost, or a replace-on-change property changed. */
  replaced: Deployed[];
  updated: Deployed[];
  /** URNs of the deployment that no resource of the new one keeps. */
  lostUrns: string[];
}

function plan(before: Deployed[], after: Deployed[]): Plan {
  const byUrn = new Map(before.map((d) => [d.urn, d]));
  const kept = new Set<string>();
  const replaced: Deployed[] = [];
  const updated: Deployed[] = [];
  for (const resource of after) {
    const former = [resource.urn, ...resource.aliasUrns].map((urn) => byUrn.get(urn)).find((d) => d !== undefined);
    if (former === undefined) {
      replaced.push(resource);
      continue;
    }
    kept.add(former.urn);
    const forcing = (REPLACE_ON_CHANGE[resource.type] ?? []).filter((p) => !isDeepStrictEqual(former.inputs[p], resource.inputs[p]));
    if (forcing.length > 0) replaced.push(resource);
    else if (!isDeepStrictEqual(former.inputs, resource.inputs)) updated.push(resource);
  }
  return { replaced, updated, lostUrns: before.filter((d) => !kept.has(d.urn)).map((d) => d.urn) };
}

/** `3 (Function, 2 MetricAlarm)`: how many, of which kinds. */
function kinds(resources: Deployed[]): string {
  if (resources.length === 0) return "none";
  const counts = new Map<string, number>();
  for (const r of resources) {
    const kind = r.type === COMPONENT_TYPE ? "the component" : r.type.split(":").pop()!;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const listed = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => (n === 1 ? kind : `${n} ${kind}`));
  return `${resources.length} (${listed.join(", ")})`;
}

const CHANGES: { change: string; after: Partial<Fixture> }[] = [
  { change: "Rename a task", after: { step: "Evaluate" } },
  { change: "Rename a task, with `renamedFrom`", after: { step: "Evaluate", stepFrom: "Assess" } },
  { change: "Rename the workflow", after: { workflow: "claims-intake" } },
  { change: "Rename the workflow, with `renamedFrom`", after: { workflow: "claims-intake", workflowFrom: "claims" } },
  {
    change: "Rename the workflow and a task, with `renamedFrom`",
    after: { workflow: "claims-intake", workflowFrom: "claims", step: "Evaluate", stepFrom: "Assess" },
  },
  { change: "Change a task's handler", after: { handler: assessStrictly } },
  { change: "Change a task's `timeoutSeconds`", after: { taskTimeout: 20 } },
  { change: "Change the workflow's `timeoutSeconds`", after: { workflowTimeout: 240 } },
];

describe("Upgrades: what each change replaces, under mocks", function () {
  this.timeout(240_000);
  let deployed: Deployed[];
  const plans = new Map<string, Plan>();
  before(async () => {
    deployed = await synthesize(BEFORE);
    for (const { change, after } of CHANGES) plans.set(change, plan(deployed, await synthesize({ ...BEFORE, ...after }, deployed)));
  });

  it("pairs nothing differently when nothing changes", async () => {
    const again = plan(deployed, await synthesize(BEFORE, deployed));
    assert.deepEqual([again.replaced, again.updated, again.lostUrns], [[], [], []]);
  });

  it("without `renamedFrom`, a renamed task loses the URNs of its Lambda, role, role policy, log group and alarms", () => {
    const { lostUrns } = plans.get("Rename a task")!;
    assert.deepEqual(lostUrns.map((urn) => urn.split("$").pop()).sort(), [
      "aws:cloudwatch/logGroup:LogGroup::claims-Assess",
      "aws:cloudwatch/metricAlarm:MetricAlarm::claims-Assess-errors",
      "aws:cloudwatch/metricAlarm:MetricAlarm::claims-Assess-throttles",
      "aws:iam/role:Role::claims-Assess",
      "aws:iam/rolePolicy:RolePolicy::claims-Assess",
      "aws:lambda/function:Function::claims-Assess",
    ]);
  });

  it("without `renamedFrom`, a renamed workflow loses every URN", () => {
    assert.equal(plans.get("Rename the workflow")!.lostUrns.length, deployed.length);
  });

  it("with `renamedFrom`, every former URN is kept, through an alias of the resource that replaces it", () => {
    for (const change of CHANGES.map((c) => c.change).filter((c) => c.endsWith("with `renamedFrom`")))
      assert.deepEqual(plans.get(change)!.lostUrns, [], change);
  });

  it("with `renamedFrom`, nothing is replaced: every physical name keeps the former name", () => {
    for (const change of CHANGES.map((c) => c.change).filter((c) => c.endsWith("with `renamedFrom`"))) {
      const { replaced } = plans.get(change)!;
      assert.deepEqual(
        replaced.map((r) => `${r.type} ${r.name}`),
        [],
        change,
      );
    }
    // The physical names still hold the former names ("claims", "Assess"), not the new ones.
    const renamed = plans.get("Rename the workflow and a task, with `renamedFrom`")!.updated;
    const physical = renamed.flatMap((r) => [r.inputs.name, r.inputs.functionName].filter((n): n is string => typeof n === "string"));
    assert.ok(physical.length > 0 && physical.every((n) => !n.includes("claims-intake") && !n.includes("Evaluate")), physical.join(", "));
  });

  it("updates in place, replacing nothing, for a new handler or new timeouts", () => {
    const updatedKinds = (change: string) => {
      const { replaced, updated, lostUrns } = plans.get(change)!;
      assert.deepEqual([replaced, lostUrns], [[], []], change);
      return updated.map((r) => r.type.split(":").pop()).sort();
    };
    assert.deepEqual(updatedKinds("Change a task's handler"), ["Function"]);
    assert.deepEqual(updatedKinds("Change a task's `timeoutSeconds`"), ["Function", "StateMachine"]);
    assert.deepEqual(updatedKinds("Change the workflow's `timeoutSeconds`"), ["StateMachine"]);
  });

  it("are the figures of the README's Upgrades table", () => {
    const rows = CHANGES.map(({ change }) => {
      const { replaced, updated } = plans.get(change)!;
      return `| ${change} | ${kinds(replaced)} | ${kinds(updated)} |`;
    });
    const table = [
      `| Change (fixture: ${deployed.length} resources) | Replaced (deleted, then created) | Updated in place |`,
      "| --- | --- | --- |",
      ...rows,
    ].join("\n");
    const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
    assert.ok(readme.includes(table), `components/README.md "Upgrades" should hold this table, as measured:\n\n${table}\n`);
  });
});

describe("Resources kept on delete", function () {
  this.timeout(120_000);
  const retained = (resources: Deployed[]) =>
    resources
      .filter((r) => r.retainOnDelete)
      .map((r) => r.type)
      .sort();

  it("keeps the DLQ, the alert key and the idempotency table by default, and only them", async () => {
    assert.deepEqual(retained(await synthesize(BEFORE)), ["aws:dynamodb/table:Table", "aws:kms/key:Key", "aws:sqs/queue:Queue"]);
  });

  it("keeps none of them with `retainStatefulResources: false`", async () => {
    assert.deepEqual(retained(await synthesize({ ...BEFORE, retainStatefulResources: false })), []);
  });
});

describe("Upgrade settings validation", () => {
  const steps = [
    task("Evaluate", { handler: assess, timeoutSeconds: 10, renamedFrom: "Evaluate" }),
    task("Approve", { handler: assess, timeoutSeconds: 10, renamedFrom: "Notify" }),
    task("Review", { handler: assess, timeoutSeconds: 10, renamedFrom: "Notify" }),
    notify("Notify", { end: true }),
  ];

  it("refuses a former name that is the name now, another step's name, or taken twice, naming each step", () => {
    assert.throws(
      () => validateUpgrades("claims", { renamedFrom: "claims" }, steps),
      (error: WorkflowDefinitionError) => {
        const byStep = Object.fromEntries(error.problems.map((p) => [p.step, p.message]));
        assert.match(byStep["(workflow)"], /`renamedFrom` is "claims", the name it has now/);
        assert.match(byStep.Evaluate, /the name it has now/);
        assert.match(byStep.Approve, /the name of another step of this workflow/);
        assert.match(byStep.Review, /as on step "Approve"/);
        return true;
      },
    );
  });

  it("refuses a `retainStatefulResources` that is not a boolean", () => {
    assert.throws(
      () => validateUpgrades("claims", { retainStatefulResources: "no" }, []),
      /\(setting retainStatefulResources\)": is "no": give true .* or false/,
    );
  });

  it("accepts former names that no step holds", () => {
    assert.doesNotThrow(() =>
      validateUpgrades("claims", { renamedFrom: "claims-v1", retainStatefulResources: false }, [
        task("Evaluate", { handler: assess, timeoutSeconds: 10, renamedFrom: "Assess", end: true }),
      ]),
    );
  });
});
