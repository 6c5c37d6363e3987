/**
 * The DynamoDB tables the order stack's SANDBOX services keep their shared state in (handlers/sandboxTables.ts):
 * `sandbox-payment-ledger` (the sandbox gateway's keys, charges, refunds) and `sandbox-order-records` (the program's
 * charge ledger, completed orders). Each table is granted, through the component's per-step `permissions`, to the
 * steps that use it and to no other, and named to those steps by environment variable (the task's `environment`), as
 * the component names its idempotency table to the idempotent steps.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StepPermission } from "event-driven-workflow";
import { SANDBOX_TABLE_ENV, type SandboxTables } from "../handlers/sandboxTables";
import type { OrderTaskName } from "./order";

/** The item operations the sandbox tables serve (no Scan, no Query, no table management). */
export const SANDBOX_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"];

/** Which steps use each table: ChargeCard charges and records, ReconcilePayment looks up and records, RefundAndFail refunds, MarkOrderComplete records. */
export const SANDBOX_TABLE_USERS: Record<keyof SandboxTables, readonly OrderTaskName[]> = {
  paymentLedger: ["ChargeCard", "ReconcilePayment", "RefundAndFail"],
  orderRecords: ["ChargeCard", "ReconcilePayment", "MarkOrderComplete"],
};

/** The tables' logical names: "sandbox" in each, so no one takes them for a real provider's records. */
export const SANDBOX_TABLE_NAMES: Record<keyof SandboxTables, string> = {
  paymentLedger: "sandbox-payment-ledger",
  orderRecords: "sandbox-order-records",
};

/** The sandbox tables, and how the order workflow gives each to the steps that use it. */
export interface SandboxTableResources {
  tables: Record<keyof SandboxTables, aws.dynamodb.Table>;
  /** Each step's grants on the tables it uses (for `orderSteps`' `permissions`). */
  permissions: Partial<Record<OrderTaskName, StepPermission[]>>;
  /** Each step's variables naming the tables it uses (for `orderSteps`' `environment`). */
  environment: Partial<Record<OrderTaskName, Record<string, pulumi.Input<string>>>>;
}

/**
 * Creates the sandbox tables of the order stack.
 *
 * @example
 * const sandbox = createSandboxTables({ app: "order-processing" });
 * orderSteps(createSandboxServices({ tables: dynamoDbSandboxTables() }), { permissions: sandbox.permissions, environment: sandbox.environment });
 */
export function createSandboxTables(tags: Record<string, string>): SandboxTableResources {
  const kinds = Object.keys(SANDBOX_TABLE_NAMES) as (keyof SandboxTables)[];
  const tables = Object.fromEntries(
    kinds.map((kind) => [
      kind,
      new aws.dynamodb.Table(SANDBOX_TABLE_NAMES[kind], {
        billingMode: "PAY_PER_REQUEST",
        hashKey: "id",
        attributes: [{ name: "id", type: "S" }],
        serverSideEncryption: { enabled: true },
        pointInTimeRecovery: { enabled: true },
        tags: { ...tags, sandbox: "true" },
      }),
    ]),
  ) as Record<keyof SandboxTables, aws.dynamodb.Table>;
  const usedBy = (step: string) => kinds.filter((kind) => (SANDBOX_TABLE_USERS[kind] as readonly string[]).includes(step));
  const steps = [...new Set(kinds.flatMap((kind) => SANDBOX_TABLE_USERS[kind]))];
  return {
    tables,
    permissions: Object.fromEntries(
      steps.map((step) => [step, usedBy(step).map((kind) => ({ actions: SANDBOX_TABLE_ACTIONS, resources: [tables[kind].arn] }))]),
    ),
    environment: Object.fromEntries(
      steps.map((step) => [step, Object.fromEntries(usedBy(step).map((kind) => [SANDBOX_TABLE_ENV[kind], tables[kind].name]))]),
    ),
  };
}
