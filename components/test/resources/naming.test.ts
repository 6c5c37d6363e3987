/**
 * Physical names and hooks under mocks: the dev and prod stacks of one program share no name, same-named workflows
 * under different parents get distinct names, a true collision is refused naming both children, a hook that renames
 * the state machine is followed by its IAM (checked by the offline IAM simulation), and every child passes a hook.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  type EventDrivenWorkflowArgs,
  EventDrivenWorkflow,
  map,
  NAME_RULES,
  type NameKind,
  notify,
  type PolicyDocument,
  task,
  waitForCallback,
  WorkflowDefinitionError,
  type WorkflowTransforms,
} from "../../index";
import { COMPONENT_TYPE } from "../../asl/integrations";
import { installMocks, ofType, outputValue, settle, TEST_ACCOUNT, type RecordedResource } from "../../../local/program/synthesize";
import { decide, simulate } from "../../../test/support/iamSimulation";

/** Every child that has a physical name: its resource type, the kind of name and the input holding it. */
const NAMED_TYPES: Record<string, { kind: NameKind; key: string }> = {
  "aws:lambda/function:Function": { kind: "function", key: "name" },
  "aws:iam/role:Role": { kind: "role", key: "name" },
  "aws:cloudwatch/logGroup:LogGroup": { kind: "logGroup", key: "name" },
  "aws:sfn/stateMachine:StateMachine": { kind: "stateMachine", key: "name" },
  "aws:sqs/queue:Queue": { kind: "queue", key: "name" },
  "aws:sns/topic:Topic": { kind: "topic", key: "name" },
  "aws:cloudwatch/eventRule:EventRule": { kind: "rule", key: "name" },
  "aws:cloudwatch/dashboard:Dashboard": { kind: "dashboard", key: "dashboardName" },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { kind: "alarm", key: "name" },
  "aws:dynamodb/table:Table": { kind: "table", key: "name" },
};

/** A workflow with every kind of child: an idempotent task, an approval link, a distributed Map, email alerts. */
function everyChild(extra: Partial<EventDrivenWorkflowArgs> = {}): EventDrivenWorkflowArgs {
  return {
    trigger: { pattern: { source: ["claims.service"] } },
    timeoutSeconds: 4 * 86_400 + 600,
    alerting: { emailEndpoints: ["oncall@example.com"] },
    timeBudget: { acknowledgeOverrun: "a fixture for the children it creates, not for its timing" },
    steps: [
      task("Assess", { handler: async (claim: { items: number[] }) => claim, timeoutSeconds: 10, idempotency: { keyPath: "claimId" } }),
      map("Fan", {
        itemsPath: "$.items",
        toleratedFailureCount: 1,
        steps: [task("Item", { handler: async (item: number) => item, timeoutSeconds: 10, end: true })],
      }),
      waitForCallback("Approve", { handler: async () => undefined, timeoutSeconds: 86_400, approvalLink: {} }),
      notify("Announce", { end: true }),
    ],
    ...extra,
  };
}

/** The physical names of the recorded resources, as `type name`. */
function physicalNames(resources: RecordedResource[]): string[] {
  return resources.flatMap((r) => {
    const named = NAMED_TYPES[r.type];
    return named ? [`${r.type} ${r.inputs[named.key]}`] : [];
  });
}

async function synthesize(stack: string, build: () => unknown, project = "naming-fixture"): Promise<RecordedResource[]> {
  const resources = installMocks(project, stack);
  const built = build();
  const workflows = (Array.isArray(built) ? built : [built]) as EventDrivenWorkflow[];
  for (const w of workflows) await outputValue(w.stateMachineArn);
  await settle(resources);
  return resources;
}

class Team extends pulumi.ComponentResource {
  constructor(type: string, name: string) {
    super(type, name);
  }
}

describe("EventDrivenWorkflow's physical names and hooks, under mocks", function () {
  this.timeout(120_000);

  it("gives the dev and prod stacks of one program no physical name in common", async () => {
    const dev = physicalNames(await synthesize("dev", () => new EventDrivenWorkflow("claims", everyChild())));
    const prod = physicalNames(await synthesize("prod", () => new EventDrivenWorkflow("claims", everyChild())));
    assert.ok(dev.length >= 20, `only ${dev.length} named children`);
    assert.deepEqual(
      dev.filter((n) => prod.includes(n)),
      [],
    );
    assert.ok(dev.every((n) => n.includes("naming-fixture-dev-claims")));
  });

  it("synthesizes the same program again in one process without refusing its own earlier names", async () => {
    const first = physicalNames(await synthesize("dev", () => new EventDrivenWorkflow("claims", everyChild())));
    const again = physicalNames(await synthesize("dev", () => new EventDrivenWorkflow("claims", everyChild())));
    assert.deepEqual(again.sort(), first.sort());
  });

  it("tells apart two workflows of one name under different parents", async () => {
    const resources = await synthesize("dev", () => [
      new EventDrivenWorkflow("orders", everyChild(), { parent: new Team("company:apps:Billing", "billing") }),
      new EventDrivenWorkflow("orders", everyChild(), { parent: new Team("company:apps:Shipping", "shipping") }),
    ]);
    const names = physicalNames(resources);
    assert.equal(new Set(names).size, names.length, "a physical name appears twice");
    const machines = ofType(resources, "aws:sfn/stateMachine:StateMachine").map((r) => r.inputs.name as string);
    assert.equal(machines.length, 2);
    assert.ok(
      machines.every((m) => /^naming-fixture-dev-orders-[0-9a-f]{6}$/.test(m)),
      machines.join(", "),
    );
  });

  it("refuses two workflows that would share a physical name, naming both", async () => {
    installMocks("naming-fixture", "dev");
    const shared: WorkflowTransforms = { stateMachine: { name: "shared-machine" } };
    new EventDrivenWorkflow("orders", everyChild({ transform: shared }));
    assert.throws(
      () => new EventDrivenWorkflow("returns", everyChild({ transform: shared })),
      (error: unknown) =>
        error instanceof WorkflowDefinitionError &&
        /state machine name "shared-machine"/.test(error.message) &&
        /"orders" of workflow "orders"/.test(error.message) &&
        /"returns" of workflow "returns"/.test(error.message),
    );
  });

  it("holds names set by a hook or a naming strategy to AWS's limits, naming the child", async () => {
    installMocks("naming-fixture", "dev");
    assert.throws(
      () => new EventDrivenWorkflow("orders", everyChild({ transform: { function: { name: "f".repeat(65) } } })),
      /step "orders-[\w-]+": its Lambda function name "f{65}" is 65 characters long; AWS accepts 64/,
    );
    assert.throws(
      () => new EventDrivenWorkflow("refunds", everyChild({ naming: { strategy: (p) => `${p.workflow} ${p.child}` } })),
      /its SNS topic name "refunds alerts" holds characters AWS refuses/,
    );
    assert.throws(
      () =>
        new EventDrivenWorkflow(
          "returns",
          everyChild({
            transform: {
              stateMachine: (machine) => {
                machine.name = undefined;
              },
            },
          }),
        ),
      /step "returns": its `transform.stateMachine` hook left the state machine without a name/,
    );
  });

  it("puts the naming prefix on every name, shortening to each limit", async () => {
    const long = "a-very-long-workflow-name-for-the-limits";
    const resources = await synthesize(
      "production-eu-west-1",
      () => new EventDrivenWorkflow(long, everyChild({ naming: { prefix: "platform-" } })),
      "a-rather-long-project-name",
    );
    for (const r of resources) {
      const named = NAMED_TYPES[r.type];
      if (!named) continue;
      const name = r.inputs[named.key] as string;
      assert.ok(name.length <= NAME_RULES[named.kind].max, `${r.type} ${name} (${name.length})`);
      assert.match(name, /^(\/aws\/(lambda|vendedlogs\/states)\/)?platform-/);
    }
    const fn = ofType(resources, "aws:lambda/function:Function").find((f) => f.name === `${long}-Assess`)!;
    assert.match(fn.inputs.name, /^platform-a-rather[\w-]*-production[\w-]*-a-very[\w-]*-[0-9a-f]{6}-Assess$/);
  });

  describe("a hook that renames the state machine", () => {
    let resources: RecordedResource[];
    let renamedArn: string;
    const defaultArn = `arn:aws:states:us-east-1:${TEST_ACCOUNT}:stateMachine:naming-fixture-dev-claims`;
    const policyOf = (name: string) =>
      JSON.parse(ofType(resources, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === name)!.inputs.policy) as PolicyDocument;

    before(async () => {
      let workflow!: EventDrivenWorkflow;
      resources = await synthesize("dev", () => {
        workflow = new EventDrivenWorkflow(
          "claims",
          everyChild({
            transform: {
              stateMachine: (args) => {
                args.name = `team-${args.name}`;
              },
              function: (args) => {
                const env = args.environment as { variables: Record<string, string> };
                env.variables.POWERTOOLS_METRICS_NAMESPACE = "team-claims";
              },
            },
          }),
        );
        return workflow;
      });
      renamedArn = await outputValue(workflow.stateMachineArn);
    });

    it("creates the machine under the hook's name, which the outputs report", () => {
      assert.equal(renamedArn, `arn:aws:states:us-east-1:${TEST_ACCOUNT}:stateMachine:team-naming-fixture-dev-claims`);
    });

    it("lets the execution role run the distributed Map's items on the renamed machine only", async () => {
      const policy = policyOf("claims-execution");
      assert.equal(await decide(policy, "states:StartExecution", renamedArn), "Allowed");
      assert.equal(await decide(policy, "states:StartExecution", defaultArn), "ImplicitlyDenied");
    });

    it("lets Step Functions assume the execution role for the renamed machine only", async () => {
      const role = ofType(resources, "aws:iam/role:Role").find((r) => r.name === "claims-execution")!;
      const trust = JSON.parse(role.inputs.assumeRolePolicy) as PolicyDocument;
      const assume = (sourceArn: string) =>
        simulate("sts:AssumeRole", role.state.arn, {
          principal: "states.amazonaws.com",
          resourcePolicy: trust,
          context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": TEST_ACCOUNT },
        });
      assert.equal(await assume(renamedArn), "Allowed");
      assert.notEqual(await assume(defaultArn), "Allowed");
    });

    it("lets the rule's role start the renamed machine only", async () => {
      const policy = policyOf("claims-trigger");
      assert.equal(await decide(policy, "states:StartExecution", renamedArn), "Allowed");
      assert.equal(await decide(policy, "states:StartExecution", defaultArn), "ImplicitlyDenied");
    });

    it("watches the renamed machine in its alarms and dashboard, and graphs the metrics namespace a hook set", () => {
      const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs.dimensions?.StateMachineArn);
      assert.ok(alarms.length > 0 && alarms.every((a) => a.inputs.dimensions.StateMachineArn === renamedArn));
      const body = ofType(resources, "aws:cloudwatch/dashboard:Dashboard")[0].inputs.dashboardBody as string;
      assert.ok(body.includes(renamedArn) && !body.includes(`${defaultArn}"`));
      // The metrics namespace the function hook set is the one the dashboard graphs.
      const namespaces = (JSON.parse(body).widgets as { properties: { metrics?: unknown[][] } }[]).flatMap((w) =>
        (w.properties.metrics ?? []).flatMap((row) => (typeof row[0] === "string" && !row[0].startsWith("AWS/") ? [row[0]] : [])),
      );
      assert.ok(namespaces.length > 0 && namespaces.every((n) => n === "team-claims"), namespaces.join(", "));
    });
  });

  it("passes every child of every kind through a hook", async () => {
    const seen = new Set<string>();
    const used = new Set<string>();
    const record = (hook: string) => (_args: unknown, _opts: unknown, name: string) => {
      seen.add(`${hookTypes[hook]} ${name}`);
      used.add(hook);
    };
    const hooks: Required<WorkflowTransforms> = {
      alertKey: record("alertKey"),
      topic: record("topic"),
      queue: record("queue"),
      table: record("table"),
      role: record("role"),
      function: record("function"),
      logGroup: record("logGroup"),
      stateMachine: record("stateMachine"),
      rule: record("rule"),
      target: record("target"),
      alarm: record("alarm"),
      dashboard: record("dashboard"),
      rolePolicy: record("rolePolicy"),
      topicPolicy: record("topicPolicy"),
      subscription: record("subscription"),
      queuePolicy: record("queuePolicy"),
      approvalKey: record("approvalKey"),
      functionUrl: record("functionUrl"),
      schedule: record("schedule"),
      functionAlias: record("functionAlias"),
      provisionedConcurrency: record("provisionedConcurrency"),
    };
    const resources = await synthesize("dev", () => {
      const workflow = new EventDrivenWorkflow("claims", everyChild({ transform: hooks }));
      workflow.grantTaskResponse("inbox", "approvals-inbox-role");
      // The children only a schedule trigger and provisioned concurrency have.
      const nightly = new EventDrivenWorkflow("nightly", {
        trigger: { schedule: { expression: "rate(1 day)" } },
        timeoutSeconds: 120,
        transform: hooks,
        steps: [
          task("Report", { handler: async () => ({}), timeoutSeconds: 10, reservedConcurrency: 2, provisionedConcurrency: 1, end: true }),
        ],
      });
      return [workflow, nightly];
    });
    const children = resources.filter((r) => r.type !== COMPONENT_TYPE);
    // Each child went through the hook of its kind, under its logical name, and every hook saw a child.
    assert.deepEqual(
      children.filter((r) => !seen.has(`${r.type} ${r.name}`)).map((r) => `${r.type} ${r.name}`),
      [],
    );
    assert.deepEqual([...used].sort(), Object.keys(hooks).sort());
    assert.ok(new Set(children.map((r) => r.type)).size >= 17);
  });
});

/** The resource type each hook is for. */
const hookTypes: Record<string, string> = {
  alertKey: "aws:kms/key:Key",
  approvalKey: "aws:kms/key:Key",
  topic: "aws:sns/topic:Topic",
  queue: "aws:sqs/queue:Queue",
  table: "aws:dynamodb/table:Table",
  role: "aws:iam/role:Role",
  function: "aws:lambda/function:Function",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
  schedule: "aws:scheduler/schedule:Schedule",
  functionAlias: "aws:lambda/alias:Alias",
  provisionedConcurrency: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
};
