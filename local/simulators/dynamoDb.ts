/**
 * A LOCAL STAND-IN FOR DYNAMODB (a simulation: nothing leaves the machine) that deployment artifacts reach through
 * the AWS SDK the Lambda runtime provides, pointed here by `AWS_ENDPOINT_URL_DYNAMODB`. It speaks the DynamoDB JSON
 * protocol for single items: GetItem, PutItem, UpdateItem (`SET`/`REMOVE`) and DeleteItem, with condition
 * expressions (`attribute_exists`, `attribute_not_exists`, comparisons, AND/OR/NOT, parentheses) and
 * `ReturnValuesOnConditionCheckFailure`. That is what Powertools Idempotency's DynamoDB persistence layer uses, so
 * idempotent steps run from their artifacts with DynamoDB's conditional-write semantics. Items live in memory.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";

/** A DynamoDB attribute value in its wire form, e.g. `{ S: "a" }`, `{ N: "1.5" }`. */
type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

/** The key attributes of a table (from its `hashKey`/`rangeKey`). */
export interface TableKeySchema {
  hashKey: string;
  rangeKey?: string;
}

class DynamoDbError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A running local DynamoDB endpoint. */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`: the value of `AWS_ENDPOINT_URL_DYNAMODB` for the functions. */
  endpoint: string;
  /** The items of a table, as stored (wire form). */
  items(table: string): Item[];
  /** The requests served so far per table, and the request units DynamoDB on-demand would bill for them. */
  usage(): Record<string, TableUsage>;
  /**
   * The same endpoint without the socket: an AWS SDK client created with `{ requestHandler }` in this process sends
   * its requests straight to it (the wire protocol and the items are the endpoint's; only HTTP is skipped), for runs
   * that make many requests on the virtual clock (which cannot advance while a socket is busy).
   * @example new DynamoDBClient({ region: "us-east-1", credentials, requestHandler: dynamodb.requestHandler })
   */
  requestHandler: InProcessRequestHandler;
  close(): Promise<void>;
}

/** An AWS SDK request handler (the `requestHandler` client option) that serves requests in this process. */
export interface InProcessRequestHandler {
  handle(request: { headers: Record<string, string>; body?: unknown }): Promise<{
    response: { statusCode: number; headers: Record<string, string>; body: Readable };
  }>;
}

/**
 * Requests to one table and their request units (on-demand: a write unit per KB written, a read unit per 4 KB read
 * strongly consistent, half of that eventually consistent), from {@link itemSizeBytes}. A write refused by its
 * condition still costs a write unit, as DynamoDB bills it.
 */
export interface TableUsage {
  reads: number;
  writes: number;
  readUnits: number;
  writeUnits: number;
}

/**
 * Starts the endpoint on a free local port. Tables not listed in `tables` are keyed by `id`.
 *
 * @example
 * const dynamodb = await startLocalDynamoDb({ "orders-idempotency": { hashKey: "id" } });
 * // child environment: { AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint, AWS_ACCESS_KEY_ID: "local", ... }
 */
export async function startLocalDynamoDb(tables: Record<string, TableKeySchema> = {}): Promise<LocalDynamoDb> {
  const data = new Map<string, Map<string, Item>>();
  const tableOf = (name: unknown) => {
    if (typeof name !== "string") throw new DynamoDbError("ValidationException", "TableName is required");
    if (!data.has(name)) data.set(name, new Map());
    return { items: data.get(name)!, schema: tables[name] ?? { hashKey: "id" } };
  };
  const keyOf = (schema: TableKeySchema, item: Item) => {
    const parts = [schema.hashKey, ...(schema.rangeKey ? [schema.rangeKey] : [])].map((attribute) => {
      if (!item[attribute]) throw new DynamoDbError("ValidationException", `One of the required keys was not given a value: ${attribute}`);
      return JSON.stringify(item[attribute]);
    });
    return parts.join("\u0000");
  };

  const usage = new Map<string, TableUsage>();
  const count = (table: string, kind: "read" | "write", units: number) => {
    const entry = usage.get(table) ?? { reads: 0, writes: 0, readUnits: 0, writeUnits: 0 };
    if (kind === "read") {
      entry.reads += 1;
      entry.readUnits += units;
    } else {
      entry.writes += 1;
      entry.writeUnits += units;
    }
    usage.set(table, entry);
  };
  const writeUnits = (...items: (Item | undefined)[]) => Math.max(1, ...items.map((i) => (i ? Math.ceil(itemSizeBytes(i) / 1024) : 1)));

  const operations: Record<string, (request: Record<string, any>) => Record<string, unknown>> = {
    GetItem(request) {
      const { items, schema } = tableOf(request.TableName);
      const item = items.get(keyOf(schema, request.Key));
      const units = Math.max(1, Math.ceil((item ? itemSizeBytes(item) : 1) / 4096)) * (request.ConsistentRead ? 1 : 0.5);
      count(request.TableName, "read", units);
      return item ? { Item: item } : {};
    },
    PutItem(request) {
      const { items, schema } = tableOf(request.TableName);
      const key = keyOf(schema, request.Item);
      count(request.TableName, "write", writeUnits(request.Item, items.get(key)));
      checkCondition(request, items.get(key));
      const old = items.get(key);
      items.set(key, structuredClone(request.Item));
      return request.ReturnValues === "ALL_OLD" && old ? { Attributes: old } : {};
    },
    UpdateItem(request) {
      const { items, schema } = tableOf(request.TableName);
      const key = keyOf(schema, request.Key);
      const current = items.get(key);
      try {
        checkCondition(request, current);
      } catch (error) {
        count(request.TableName, "write", writeUnits(current));
        throw error;
      }
      const updated = applyUpdate(
        structuredClone(current ?? request.Key),
        request.UpdateExpression,
        request.ExpressionAttributeNames ?? {},
        request.ExpressionAttributeValues ?? {},
      );
      count(request.TableName, "write", writeUnits(current, updated));
      items.set(key, updated);
      return request.ReturnValues === "ALL_NEW" ? { Attributes: updated } : {};
    },
    DeleteItem(request) {
      const { items, schema } = tableOf(request.TableName);
      const key = keyOf(schema, request.Key);
      const current = items.get(key);
      count(request.TableName, "write", writeUnits(current));
      checkCondition(request, current);
      items.delete(key);
      return request.ReturnValues === "ALL_OLD" && current ? { Attributes: current } : {};
    },
  };

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  async function handle(request: IncomingMessage, response: ServerResponse) {
    let body = "";
    for await (const chunk of request) body += chunk;
    const { status, headers, text } = serve(String(request.headers["x-amz-target"] ?? ""), body);
    response.writeHead(status, headers);
    response.end(text);
  }
  /** One request: its `X-Amz-Target` header and JSON body in, the status, headers and JSON body out. */
  function serve(target: string, body: string) {
    const operation = target.split(".").pop() ?? "";
    let status = 200;
    let payload: Record<string, unknown>;
    try {
      const run = operations[operation];
      if (!run)
        throw new DynamoDbError(
          "UnknownOperationException",
          `The local DynamoDB supports ${Object.keys(operations).join(", ")}; not ${operation || "this request"}.`,
        );
      payload = run(JSON.parse(body || "{}"));
    } catch (error) {
      status = 400;
      const e = error instanceof DynamoDbError ? error : new DynamoDbError("ValidationException", (error as Error).message);
      payload = { __type: `com.amazonaws.dynamodb.v20120810#${e.type}`, message: e.message, ...e.extra };
    }
    const text = JSON.stringify(payload);
    const headers = {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-crc32": String(crc32(text)),
      "x-amzn-requestid": `local-${Date.now()}`,
    };
    return { status, headers, text };
  }
  const requestHandler: InProcessRequestHandler = {
    async handle(request) {
      const target = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "x-amz-target")?.[1] ?? "";
      const body = typeof request.body === "string" ? request.body : Buffer.from((request.body as Uint8Array | undefined) ?? []).toString();
      const { status, headers, text } = serve(target, body);
      return { response: { statusCode: status, headers, body: Readable.from([Buffer.from(text)]) } };
    },
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  // An idle keep-alive connection is not work in flight: a virtual clock (runner/clock.ts) may advance past it. The
  // client's socket keeps the process busy while a request is under way.
  server.on("connection", (socket) => socket.unref());
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    items: (table) => [...(data.get(table)?.values() ?? [])].map((item) => structuredClone(item)),
    usage: () => Object.fromEntries([...usage].map(([table, entry]) => [table, { ...entry }])),
    requestHandler,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * An item's size as DynamoDB counts it, approximately: each attribute's name plus its value (strings and binaries by
 * their bytes, numbers about one byte per two digits plus one, 1 byte for a boolean or null, 3 bytes plus the
 * elements for a list or map).
 */
export function itemSizeBytes(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? ["NULL", true];
  switch (type) {
    case "S":
      return Buffer.byteLength(String(content));
    case "N":
      return Math.ceil(String(content).replace(/^-|\./g, "").length / 2) + 1;
    case "B":
      return Buffer.from(String(content), "base64").length;
    case "SS":
    case "NS":
    case "BS":
      return (content as string[]).reduce((sum, v) => sum + valueSize({ [type[0]]: v }), 0);
    case "L":
      return 3 + (content as AttributeValue[]).reduce((sum, v) => sum + 1 + valueSize(v), 0);
    case "M":
      return 3 + itemSizeBytes(content as Item) + Object.keys(content as Item).length;
    default:
      return 1;
  }
}

/** The environment that points a function's AWS SDK at the local endpoint (with a region and credentials it will accept). */
export function localDynamoDbEnvironment(endpoint: string, region = "us-east-1"): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_SESSION_TOKEN: "local",
  };
}

function checkCondition(request: Record<string, any>, current: Item | undefined): void {
  if (!request.ConditionExpression) return;
  const holds = evaluate(
    parseCondition(request.ConditionExpression),
    current ?? {},
    request.ExpressionAttributeNames ?? {},
    request.ExpressionAttributeValues ?? {},
  );
  if (!holds) {
    throw new DynamoDbError(
      "ConditionalCheckFailedException",
      "The conditional request failed",
      request.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && current ? { Item: current } : {},
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Condition and update expressions

type Condition =
  | { kind: "or" | "and"; left: Condition; right: Condition }
  | { kind: "not"; operand: Condition }
  | { kind: "exists" | "notExists"; path: string }
  | { kind: "compare"; op: string; left: string; right: string };

function tokenize(expression: string): string[] {
  const tokens = expression.match(/<>|<=|>=|[()=<>,]|[#:]?[A-Za-z0-9_.]+/g) ?? [];
  if (tokens.join("").replace(/\s/g, "") !== expression.replace(/\s/g, "")) {
    throw new DynamoDbError("ValidationException", `Invalid expression (the local DynamoDB cannot parse it): ${expression}`);
  }
  return tokens;
}

function parseCondition(expression: string): Condition {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token.toUpperCase() !== expected)) {
      throw new DynamoDbError("ValidationException", `Invalid ConditionExpression near "${token ?? "end"}": ${expression}`);
    }
    return token;
  };
  const or = (): Condition => {
    let left = and();
    while (peek()?.toUpperCase() === "OR") {
      take();
      left = { kind: "or", left, right: and() };
    }
    return left;
  };
  const and = (): Condition => {
    let left = unary();
    while (peek()?.toUpperCase() === "AND") {
      take();
      left = { kind: "and", left, right: unary() };
    }
    return left;
  };
  const unary = (): Condition => {
    const token = peek();
    if (token?.toUpperCase() === "NOT") {
      take();
      return { kind: "not", operand: unary() };
    }
    if (token === "(") {
      take();
      const inner = or();
      take(")");
      return inner;
    }
    if (token === "attribute_exists" || token === "attribute_not_exists") {
      take();
      take("(");
      const path = take();
      take(")");
      return { kind: token === "attribute_exists" ? "exists" : "notExists", path };
    }
    const left = take();
    const op = take();
    if (!["=", "<>", "<", "<=", ">", ">="].includes(op))
      throw new DynamoDbError("ValidationException", `Unsupported comparison "${op}" in ${expression}`);
    return { kind: "compare", op, left, right: take() };
  };
  const condition = or();
  if (at !== tokens.length)
    throw new DynamoDbError("ValidationException", `Invalid ConditionExpression near "${tokens[at]}": ${expression}`);
  return condition;
}

function evaluate(condition: Condition, item: Item, names: Record<string, string>, values: Item): boolean {
  const attribute = (path: string) => item[path.startsWith("#") ? names[path] : path];
  const operand = (token: string) => (token.startsWith(":") ? values[token] : attribute(token));
  switch (condition.kind) {
    case "or":
      return evaluate(condition.left, item, names, values) || evaluate(condition.right, item, names, values);
    case "and":
      return evaluate(condition.left, item, names, values) && evaluate(condition.right, item, names, values);
    case "not":
      return !evaluate(condition.operand, item, names, values);
    case "exists":
      return attribute(condition.path) !== undefined;
    case "notExists":
      return attribute(condition.path) === undefined;
    case "compare": {
      const [left, right] = [operand(condition.left), operand(condition.right)];
      if (left === undefined || right === undefined) return false;
      const [a, b] = [scalar(left), scalar(right)];
      if (typeof a !== typeof b) return condition.op === "<>";
      switch (condition.op) {
        case "=":
          return a === b;
        case "<>":
          return a !== b;
        case "<":
          return a < b;
        case "<=":
          return a <= b;
        case ">":
          return a > b;
        default:
          return a >= b;
      }
    }
  }
}

/** A comparable form of a scalar attribute value: numbers as numbers, strings (and others) as text. */
function scalar(value: AttributeValue): number | string {
  if ("N" in value) return Number(value.N);
  if ("S" in value) return String(value.S);
  return JSON.stringify(value);
}

function applyUpdate(item: Item, expression: string, names: Record<string, string>, values: Item): Item {
  const clauses = expression.trim().split(/\s+(?=(?:SET|REMOVE)\s)/i);
  for (const clause of clauses) {
    const [, action, rest] = /^(SET|REMOVE)\s+([\s\S]+)$/i.exec(clause.trim()) ?? [];
    if (!action) throw new DynamoDbError("ValidationException", `The local DynamoDB supports SET and REMOVE updates only: ${expression}`);
    for (const part of rest.split(",").map((p) => p.trim())) {
      const name = (token: string) => (token.startsWith("#") ? names[token] : token);
      if (action.toUpperCase() === "REMOVE") {
        delete item[name(part)];
        continue;
      }
      const [, target, source] = /^([#\w.]+)\s*=\s*(:\w+)$/.exec(part) ?? [];
      if (!target) throw new DynamoDbError("ValidationException", `The local DynamoDB supports "SET #name = :value" only: ${part}`);
      item[name(target)] = values[source];
    }
  }
  return item;
}
