/**
 * The idempotent step as it runs in Lambda: the wrapper serialized by Pulumi (as the component serializes it, with
 * the task's `idempotency`), run from its artifact in child processes that resolve only the artifact, the simulated
 * Powertools layer and the AWS SDK the Lambda runtime provides (local/lambda/artifact.ts), against the local
 * DynamoDB stand-in (local/simulators/dynamoDb.ts), which evaluates the conditional writes. This is the path `pulumi up` deploys: Powertools' DynamoDB persistence layer, created at the
 * first invocation, on the table named by EDW_IDEMPOTENCY_TABLE.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { taskSteps } from "../../../components/core/walk";
import { instrumentStep } from "../../../components/runtime/instrument";
import { IDEMPOTENCY_TABLE_ENV } from "../../../components/runtime/contract";
import type { TaskStep } from "../../../components/steps/types";
import { createSandboxServices } from "../../../handlers/sandbox";
import { localDynamoDbEnvironment, startLocalDynamoDb, type LocalDynamoDb } from "../../simulators/dynamoDb";
import { materializeArchive, WarmFunction, type ArtifactInvocation } from "../../lambda/artifact";
import { orderSteps } from "../../../workflows/order";
import { loadEvent } from "../../../test/support/orderRun";

const TABLE = "order-processing-idempotency-a1b2c3d";
const step = (name: string): TaskStep => taskSteps(orderSteps(createSandboxServices())).find((s) => s.name === name)!;

/** What the component puts in the function archive for a task: the serialized wrapper, as CallbackFunction serializes it. */
async function serializedStep(name: string, withIdempotency = true): Promise<string> {
  const task = step(name);
  const callback = instrumentStep("order-processing", task.name, task.handler, withIdempotency ? { idempotency: task.idempotency } : {});
  return (await pulumi.runtime.serializeFunction(callback, { exportName: "handler" })).text;
}

const emfOf = (run: ArtifactInvocation) => run.stdout.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line));
const metricNames = (run: ArtifactInvocation) =>
  emfOf(run).flatMap((m) => m._aws.CloudWatchMetrics[0].Metrics.map((x: { Name: string }) => x.Name));

describe("an idempotent step's artifact against DynamoDB (stand-in), as deployed", function () {
  this.timeout(120_000);
  let dynamodb: LocalDynamoDb;
  let chargeCard: string;
  let taskRoot: string;
  const functions: WarmFunction[] = [];
  const order = () => ({ ...loadEvent("happy").detail, currency: "USD" });
  /** A new execution environment (a Lambda container) of ChargeCard: its own module load, its own sandbox. */
  const container = (environment: Record<string, string> = { [IDEMPOTENCY_TABLE_ENV]: TABLE }) => {
    const fn = new WarmFunction({
      taskRoot,
      functionName: "order-processing-ChargeCard-a1b2c3d",
      timeoutMs: 27_000,
      environment: {
        POWERTOOLS_SERVICE_NAME: "ChargeCard",
        POWERTOOLS_METRICS_NAMESPACE: "order-processing",
        ...localDynamoDbEnvironment(dynamodb.endpoint),
        ...environment,
      },
    });
    functions.push(fn);
    return fn;
  };

  before(async () => {
    dynamodb = await startLocalDynamoDb({ [TABLE]: { hashKey: "id" } });
    chargeCard = await serializedStep("ChargeCard");
    taskRoot = await materializeArchive({ "__index.js": { text: Promise.resolve(chargeCard) } });
  });
  after(async () => {
    for (const fn of functions) fn.close();
    await dynamodb.close();
  });

  it("a retried charge in the same container: the gateway is called once, both invocations return the same charge", async () => {
    const fn = container();
    const first = await fn.invoke(order());
    const second = await fn.invoke(order());
    assert.equal(first.error, undefined, JSON.stringify(first));
    assert.deepEqual(first.result, { chargeId: "ch_sandbox_ord-1001", amount: 129.99, currency: "USD", status: "CHARGED" });
    assert.deepEqual(second.result, first.result);
    assert.ok(metricNames(first).includes("ChargeAttempts"));
    assert.ok(!metricNames(second).includes("ChargeAttempts"), "no gateway call on the retry");
    assert.ok(metricNames(second).includes("IdempotentReplays"));
    const records = dynamodb.items(TABLE) as Record<string, { S?: string; N?: string }>[];
    assert.equal(records.length, 1);
    const [record] = records;
    assert.match(record.id.S!, /^order-processing\.ChargeCard#/);
    assert.equal(record.status.S, "COMPLETED");
    assert.ok(Number(record.expiration.N) > Date.now() / 1000 + 13 * 24 * 3600, "kept 14 days");
    assert.ok(!JSON.stringify(records).includes("tok_visa"), "no card token in the table");
  });

  it("a replay in another container (the gateway's memory is gone) is still recognised through the table", async () => {
    const run = await container().invoke(order());
    assert.deepEqual(run.result, { chargeId: "ch_sandbox_ord-1001", amount: 129.99, currency: "USD", status: "CHARGED" });
    assert.ok(metricNames(run).includes("IdempotentReplays"));
    assert.ok(!metricNames(run).includes("ChargeAttempts"));
  });

  it("a failed attempt of another order leaves no record behind (its in-progress record is deleted)", async () => {
    const failing = await container().invoke({ ...order(), orderId: "ord-declined", cardToken: "tok_insufficient_funds" });
    assert.equal(failing.error?.name, "InsufficientFundsError");
    assert.equal(dynamodb.items(TABLE).length, 1);
    const retry = await container().invoke({ ...order(), orderId: "ord-declined", cardToken: "tok_insufficient_funds" });
    assert.ok(metricNames(retry).includes("ChargeAttempts"), "the retry reached the gateway again");
  });

  it("without its table configured, an idempotent step fails loudly instead of running unprotected", async () => {
    const run = await container({}).invoke(order());
    assert.equal(run.error?.name, "IdempotencyTableNotConfigured");
    assert.match(run.error!.message, /EDW_IDEMPOTENCY_TABLE is not set/);
  });

  it("a step that is not idempotent carries none of the idempotency code", async () => {
    assert.match(chargeCard, /@aws-lambda-powertools\/idempotency/);
    const plain = await serializedStep("FulfillOrder", false);
    // The idempotency code's own marks (a table the program's handlers reach by themselves may bring "DynamoDB" along).
    assert.doesNotMatch(plain, /@aws-lambda-powertools\/idempotency|IdempotencyConfig|DynamoDBPersistenceLayer|EDW_IDEMPOTENCY_TABLE/);
  });
});
