/**
 * Where the SANDBOX services keep what more than one step must see: the sandbox payment gateway's ledger (its
 * idempotency keys, charges and refunds) and the order records (the program's charge ledger and completed orders).
 * Deployed, each step runs in a Lambda of its own, so this state lives in the order stack's DynamoDB tables
 * (`sandbox-payment-ledger`, `sandbox-order-records`), named to each step by environment variable; locally the same
 * code reaches the local DynamoDB stand-in (the AWS SDK pointed at it by `AWS_ENDPOINT_URL_DYNAMODB`). Unit tests that
 * need no table get plain in-memory tables with the same conditional-write semantics.
 *
 * A table here is a set of items by `id`, with three conditional operations: what the sandbox needs, nothing more.
 * Items are kept flat (strings, numbers, booleans) so that the conditions read the same in memory and in DynamoDB.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";

/** An item of a sandbox table: flat fields (`id` is the key and set by the table). */
export type SandboxItem = Record<string, string | number | boolean>;

/**
 * The precondition of a write, on the item stored under its id: `absent` (none stored), a field `equals` a value, a
 * numeric field is `atMost` a value (a missing field never is), or `anyOf` several.
 */
export type SandboxCondition =
  | { absent: true }
  | { field: string; equals: string | number | boolean }
  | { field: string; atMost: number }
  | { anyOf: SandboxCondition[] };

/** A sandbox table: items by id, written under optional preconditions (each write is atomic, as in DynamoDB). */
export interface SandboxTable {
  get(id: string): Promise<SandboxItem | undefined>;
  /** Stores `item` under `id` (replacing the stored one) if `condition` holds; false when it does not. */
  put(id: string, item: SandboxItem, condition?: SandboxCondition): Promise<boolean>;
  /** Deletes the item under `id` if `condition` holds; false when it does not. */
  remove(id: string, condition?: SandboxCondition): Promise<boolean>;
}

/** The two tables the sandbox services keep their shared state in. */
export interface SandboxTables {
  /** The sandbox payment gateway's ledger: idempotency keys, charges, refunds (ChargeCard, ReconcilePayment, RefundAndFail). */
  paymentLedger: SandboxTable;
  /** The order records: the program's charge ledger and completed orders (ChargeCard, ReconcilePayment, MarkOrderComplete). */
  orderRecords: SandboxTable;
}

/** The environment variables that name each table to the steps that use it. */
export const SANDBOX_TABLE_ENV = {
  paymentLedger: "SANDBOX_PAYMENT_LEDGER_TABLE",
  orderRecords: "SANDBOX_ORDER_RECORDS_TABLE",
} as const satisfies Record<keyof SandboxTables, string>;

/** Tables in this process's memory (plain objects, so Pulumi can serialize a services object holding them). */
export function inMemorySandboxTables(): SandboxTables {
  const table = (): SandboxTable => {
    const items: Record<string, SandboxItem> = {};
    return {
      async get(id) {
        return items[id] && { ...items[id] };
      },
      async put(id, item, condition) {
        if (condition && !holds(condition, items[id])) return false;
        items[id] = { ...item, id };
        return true;
      },
      async remove(id, condition) {
        if (condition && !holds(condition, items[id])) return false;
        delete items[id];
        return true;
      },
    };
  };
  return { paymentLedger: table(), orderRecords: table() };
}

function holds(condition: SandboxCondition, item: SandboxItem | undefined): boolean {
  if ("anyOf" in condition) return condition.anyOf.some((c) => holds(c, item));
  if ("absent" in condition) return item === undefined;
  const value = item?.[condition.field];
  if ("equals" in condition) return value === condition.equals;
  return typeof value === "number" && value <= condition.atMost;
}

/**
 * Tables in DynamoDB, each named by its {@link SANDBOX_TABLE_ENV} variable when first used (in Lambda: set by the order
 * stack on the steps that use the table; locally: by the runner, with the SDK pointed at the local stand-in). The
 * client is made on first use, per endpoint, so a services object holding these tables serializes as plain code.
 * `client` configures the client instead (e.g. the local stand-in's in-process `requestHandler`).
 * @default the SDK's default client, from the environment
 */
export function dynamoDbSandboxTables(client?: DynamoDBClientConfig): SandboxTables {
  return { paymentLedger: dynamoDbTable("paymentLedger", client), orderRecords: dynamoDbTable("orderRecords", client) };
}

const clients: Record<string, DynamoDBClient> = {};

/** Where a sandbox table's items are: its client and table name. */
interface TableTarget {
  client: DynamoDBClient;
  tableName: string;
}

// The table's methods only name their table and delegate to the functions below, which both tables share: a step's
// Lambda carries one copy of the DynamoDB code, whichever tables its services use.
function dynamoDbTable(table: keyof SandboxTables, config: DynamoDBClientConfig | undefined): SandboxTable {
  const configured: { client?: DynamoDBClient } = {};
  const target = () => tableTarget(table, config, configured);
  return {
    // async: a table not configured rejects, as a failed call does, rather than throwing.
    get: async (id) => getItem(target(), id),
    put: async (id, item, condition) => putItem(target(), id, item, condition),
    remove: async (id, condition) => removeItem(target(), id, condition),
  };
}

/** The client and name of `table`, named by its environment variable when first used (see {@link dynamoDbSandboxTables}). */
function tableTarget(
  table: keyof SandboxTables,
  config: DynamoDBClientConfig | undefined,
  configured: { client?: DynamoDBClient },
): TableTarget {
  const variable = SANDBOX_TABLE_ENV[table];
  const tableName = process.env[variable];
  if (!tableName)
    throw new Error(
      `${variable} is not set: the sandbox ${table} table is not configured on this function (the order stack sets it on the steps that use the table).`,
    );
  if (config) {
    configured.client ??= new DynamoDBClient(config);
    return { client: configured.client, tableName };
  }
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? "";
  clients[endpoint] ??= new DynamoDBClient({});
  return { client: clients[endpoint], tableName };
}

async function getItem({ client, tableName }: TableTarget, id: string): Promise<SandboxItem | undefined> {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }));
  return Item && fromAttributes(Item);
}

function putItem(
  { client, tableName }: TableTarget,
  id: string,
  item: SandboxItem,
  condition: SandboxCondition | undefined,
): Promise<boolean> {
  return conditional(() =>
    client.send(new PutItemCommand({ TableName: tableName, Item: toAttributes({ ...item, id }), ...conditionExpression(condition) })),
  );
}

function removeItem({ client, tableName }: TableTarget, id: string, condition: SandboxCondition | undefined): Promise<boolean> {
  return conditional(() =>
    client.send(new DeleteItemCommand({ TableName: tableName, Key: { id: { S: id } }, ...conditionExpression(condition) })),
  );
}

/** Whether a conditional write was made: false when its condition did not hold. */
async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error).name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}

function toAttributes(item: SandboxItem): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, attributeOf(value)]));
}

function attributeOf(value: string | number | boolean): AttributeValue {
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  return { S: value };
}

function fromAttributes(item: Record<string, AttributeValue>): SandboxItem {
  const fields: SandboxItem = {};
  for (const [name, value] of Object.entries(item)) {
    if (value.N !== undefined) fields[name] = Number(value.N);
    else if (value.BOOL !== undefined) fields[name] = value.BOOL;
    else if (value.S !== undefined) fields[name] = value.S;
  }
  return fields;
}

/** A {@link SandboxCondition} as a DynamoDB ConditionExpression with its names and values. */
function conditionExpression(condition: SandboxCondition | undefined) {
  if (!condition) return {};
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const render = (c: SandboxCondition): string => {
    if ("anyOf" in c) return `(${c.anyOf.map(render).join(" OR ")})`;
    if ("absent" in c) return "attribute_not_exists(id)";
    const at = Object.keys(values).length;
    names[`#f${at}`] = c.field;
    if ("equals" in c) {
      values[`:v${at}`] = attributeOf(c.equals);
      return `#f${at} = :v${at}`;
    }
    values[`:v${at}`] = attributeOf(c.atMost);
    return `#f${at} <= :v${at}`;
  };
  const expression = render(condition);
  return {
    ConditionExpression: expression,
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}
