/**
 * Pulumi programs synthesized in-process under mocks: records every resource a program registers (type, name,
 * resolved inputs, parent) and answers the provider calls (region, account, partition) with fixed values. No
 * Pulumi CLI, no AWS. The local runner, `npm run graph` and the tests share it.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import * as pulumi from "@pulumi/pulumi";

export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "us-east-1";

export interface RecordedResource {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, any>;
  state: Record<string, any>;
  /** `type::name` of the parent resource, when known (filled by {@link synthesizeProgram}). */
  parent?: string;
}

const arnPrefix = (service: string) => `arn:aws:${service}:${TEST_REGION}:${TEST_ACCOUNT}`;

/** The computed outputs AWS would return, so that ARNs and names resolve as they would after `pulumi up`. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const physical = inputs.name ?? `${name}-a1b2c3d`;
  switch (type) {
    case "aws:lambda/function:Function":
      return { name: physical, arn: `${arnPrefix("lambda")}:function:${physical}`, invokeArn: `${arnPrefix("lambda")}:function:${physical}/invocations` };
    case "aws:sfn/stateMachine:StateMachine":
      return { name: physical, arn: `${arnPrefix("states")}:stateMachine:${physical}` };
    case "aws:sns/topic:Topic":
      return { name: physical, arn: `${arnPrefix("sns")}:${physical}` };
    case "aws:sqs/queue:Queue":
      return { name: physical, arn: `${arnPrefix("sqs")}:${physical}`, url: `https://sqs.${TEST_REGION}.amazonaws.com/${TEST_ACCOUNT}/${physical}` };
    case "aws:cloudwatch/eventRule:EventRule":
      return { name: physical, arn: `${arnPrefix("events")}:rule/${physical}` };
    case "aws:iam/role:Role":
      return { name: physical, arn: `arn:aws:iam::${TEST_ACCOUNT}:role/${physical}` };
    case "aws:kms/key:Key":
      return { arn: `${arnPrefix("kms")}:key/0000aaaa-1111-2222-3333-${name.replace(/[^a-z0-9]/g, "").slice(0, 12).padEnd(12, "0")}`, keyId: `key-${name}` };
    case "aws:dynamodb/table:Table":
      return { name: physical, arn: `${arnPrefix("dynamodb")}:table/${physical}` };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return { bucket: physical, arn: `arn:aws:s3:::${physical}` };
    case "awsx:ec2:Vpc":
      // awsx's Vpc is a remote component: its outputs are whatever the mock says they are.
      return { vpcId: `vpc-${name}`, privateSubnetIds: [`subnet-${name}-private-a`, `subnet-${name}-private-b`], publicSubnetIds: [`subnet-${name}-public-a`, `subnet-${name}-public-b`] };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { name: physical, arn: `${arnPrefix("logs")}:log-group:${physical}` };
    default:
      return { name: physical, arn: `${arnPrefix("mock")}:${type.split(":").pop()}/${physical}` };
  }
}

/** Installs the mocks; returns the list that fills as resources register. Call before importing a program. */
export function installMocks(project = "order-processing", stack = "test", config: Record<string, string> = {}): RecordedResource[] {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setAllConfig({ "aws:region": TEST_REGION, ...config });
  pulumi.runtime.setMocks({
    newResource(args: pulumi.runtime.MockResourceArgs) {
      const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
      const id = state.arn ?? `${args.name}-id`;
      resources.push({ type: args.type, name: args.name, id, inputs: args.inputs, state });
      return { id, state };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      switch (args.token) {
        case "aws:index/getRegion:getRegion":
          return { name: TEST_REGION, region: TEST_REGION, id: TEST_REGION, endpoint: `ec2.${TEST_REGION}.amazonaws.com`, description: "US East (N. Virginia)" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: TEST_ACCOUNT, arn: `arn:aws:iam::${TEST_ACCOUNT}:user/test`, userId: "AIDTEST", id: TEST_ACCOUNT };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        default:
          return args.inputs;
      }
    },
  }, project, stack, false);
  return resources;
}

/** Resolves an Output (mocks never leave one unknown when preview is false). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => { resolve(value); return value; }));
}

/** Waits until registrations stop arriving (they are asynchronous RPCs even under mocks). */
export async function settle(resources: RecordedResource[]): Promise<void> {
  let last = -1;
  for (let quiet = 0; quiet < 5;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    quiet = resources.length === last ? quiet + 1 : 0;
    last = resources.length;
  }
}

export const ofType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);

// ---------------------------------------------------------------------------------------------------------------
// Whole programs

/** The key {@link RecordedResource.parent} uses: `type::name`. */
export const resourceKey = (resource: { type: string; name: string }) => `${resource.type}::${resource.name}`;

/** Pulumi's root resource, which {@link synthesizeProgram} registers as the CLI does and leaves out of the list. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** A Lambda Function whose code Pulumi could not serialize: `pulumi up` would stop on it. */
export interface SerializationFailure {
  /** The Function resource's logical name. */
  resource: string;
  /** Pulumi's own message: the chain of captured values down to the one that cannot be serialized. */
  message: string;
}

/** A program that threw, or left a failed registration, while it was synthesized. */
export class SynthesisError extends Error {
  constructor(readonly program: string, readonly causes: unknown[]) {
    super(`${program} failed under Pulumi mocks (as \`pulumi preview\` would):\n${causes.map((c) => `  ${messageOf(c).split("\n").join("\n  ")}`).join("\n")}`);
    this.name = "SynthesisError";
  }
}

export interface SynthesisOptions {
  /** @default the `name` in the nearest Pulumi.yaml, else the program folder's name */
  project?: string;
  /** @default "local" */
  stack?: string;
  /** Pulumi config on top of the project's defaults and the stack file's values; keys without a namespace get the project's. */
  config?: Record<string, string>;
  /**
   * Runs inside the stack right after the module loaded, with its exports and the resources it constructed; may
   * construct more resources. Returns the stack outputs to use instead of the module's exports, if any.
   */
  afterLoad?: (exports: Record<string, unknown>, constructed: readonly { type: string; name: string }[]) => Record<string, unknown> | void;
}

/** A synthesized program: what `pulumi preview` would register, with resolved inputs. */
export interface Synthesis {
  project: string;
  stack: string;
  /** Every resource but the root stack, in registration order, each with its parent. */
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** Functions whose code could not be serialized (each registered with a placeholder so the rest still resolves). */
  serializationFailures: SerializationFailure[];
  /** The callback each CallbackFunction was built from, by Function resource name: the source the artifact came from. */
  callbacks: Map<string, (...args: any[]) => unknown>;
  /** Notes for the user, e.g. config values that could not be used. */
  warnings: string[];
}

/**
 * Runs a Pulumi program (or any module that constructs resources) in-process under mocks, the way the CLI runs it:
 * inside a root stack, with the project's config (Pulumi.yaml defaults, Pulumi.<stack>.yaml, then `options.config`).
 * A Lambda callback that cannot be serialized does not abort the synthesis: it is reported in
 * `serializationFailures`, naming its Function, and the other resources still resolve. One program per process:
 * Pulumi's mocks and config are process-wide.
 *
 * @example
 * const { resources, outputs } = await synthesizeProgram("index.ts", { stack: "dev", config: { "order-processing:logLevel": "ALL" } });
 */
export async function synthesizeProgram(modulePath: string, options: SynthesisOptions = {}): Promise<Synthesis> {
  const program = resolvePath(modulePath);
  const settings = readProjectSettings(program, options.stack ?? "local");
  const project = options.project ?? settings.project;
  const stack = options.stack ?? "local";
  const given = Object.fromEntries(Object.entries(options.config ?? {}).map(([key, value]) => [key.includes(":") ? key : `${project}:${key}`, value]));
  const recorded = installMocks(project, stack, { ...settings.config, ...given });

  const keys = new WeakMap<object, string>();
  const parents = new Map<string, string | undefined>();
  const constructed: { type: string; name: string }[] = [];
  const callbacks = new Map<string, (...args: any[]) => unknown>();
  const serializations = catchSerializationFailures();
  let active = true;
  const record: pulumi.ResourceTransformation = (args) => {
    if (!active) return undefined;
    const key = resourceKey(args);
    keys.set(args.resource, key);
    parents.set(key, args.opts.parent ? keys.get(args.opts.parent) : undefined);
    constructed.push({ type: args.type, name: args.name });
    if (args.type === "aws:lambda/function:Function") {
      const callback = serializations.claim(args.name);
      if (callback) callbacks.set(args.name, callback);
    }
    return undefined;
  };

  const failures: unknown[] = [];
  const onUnhandled = (reason: unknown) => { failures.push(reason); };
  process.on("unhandledRejection", onUnhandled);
  let outputs: Record<string, unknown> = {};
  try {
    outputs = (await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation(record);
      const exports = require(program);
      return options.afterLoad?.(exports, constructed) ?? exports;
    })) ?? {};
    await allRegistered(recorded);
  } catch (error) {
    failures.unshift(error);
  } finally {
    active = false;
    serializations.restore();
    process.off("unhandledRejection", onUnhandled);
  }
  if (failures.length > 0) throw new SynthesisError(modulePath, failures);
  const resources = recorded.filter((r) => r.type !== ROOT_STACK_TYPE).map((r) => ({ ...r, parent: parents.get(resourceKey(r)) }));
  return { project, stack, resources, outputs, serializationFailures: serializations.failures(), callbacks, warnings: settings.warnings };
}

/** Waits until every registration RPC has completed (as the language host does before it exits). */
async function allRegistered(recorded: RecordedResource[]): Promise<void> {
  const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof waitForRPCs === "function") await waitForRPCs();
  else await settle(recorded);
}

/**
 * CallbackFunction serializes its callback (`pulumi.runtime.serializeFunction`) in its constructor, right before it
 * registers its Function; when serialization fails, the registration fails later with a rejection that names no
 * resource. This wraps serializeFunction so that a failure is kept with its Function (claimed by the Function's
 * transformation, which runs synchronously after the serializeFunction call) and a placeholder is serialized
 * instead, so that the rest of the program still resolves.
 */
function catchSerializationFailures() {
  const runtime = pulumi.runtime as { serializeFunction: typeof pulumi.runtime.serializeFunction };
  const original = runtime.serializeFunction;
  const tokens: { resource?: string; message?: string }[] = [];
  let pending: { callback: (...args: any[]) => unknown; token: { resource?: string; message?: string } } | undefined;
  runtime.serializeFunction = (func, args) => {
    const token: { resource?: string; message?: string } = {};
    tokens.push(token);
    pending = { callback: func as (...args: any[]) => unknown, token };
    return original(func, args).catch((error: unknown) => {
      token.message = messageOf(error);
      return { text: "throw new Error(\"this function's code could not be serialized\");\n", exportName: args?.exportName ?? "handler", containsSecrets: false };
    });
  };
  return {
    /** The callback serialized for the Function `resource` being constructed, if it is a CallbackFunction. */
    claim(resource: string) {
      const claimed = pending;
      pending = undefined;
      if (claimed) claimed.token.resource = resource;
      return claimed?.callback;
    },
    failures: (): SerializationFailure[] => tokens.filter((t) => t.message !== undefined).map((t) => ({ resource: t.resource ?? "(unknown function)", message: t.message! })),
    restore() { runtime.serializeFunction = original; },
  };
}

/**
 * Forgets Pulumi's pending-promise bookkeeping. Its exit hook otherwise turns a clean exit (code 0) into code 1 when
 * outputs nobody awaited are still pending, which is normal once a synthesis under mocks is over.
 */
export function forgetPendingPulumiWork(): void {
  try {
    require("@pulumi/pulumi/runtime/debuggable").leakedPromises();
  } catch {
    // An SDK without the leak detector: nothing to forget.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------------------------
// Project settings: what the CLI would read before running the program

/**
 * The project name and config for `stack`, as the Pulumi CLI assembles them: the `default`s declared in the nearest
 * Pulumi.yaml (found from the program's folder upwards), overridden by Pulumi.<stack>.yaml beside it. Secure values
 * cannot be decrypted without the CLI and are left out with a warning.
 */
function readProjectSettings(program: string, stack: string): { project: string; config: Record<string, string>; warnings: string[] } {
  const folder = findProjectFolder(dirname(resolvePath(program)));
  if (!folder) return { project: basename(dirname(resolvePath(program))), config: {}, warnings: [] };
  const yaml = loadYaml();
  const projectFile = yaml.load(readFileSync(join(folder, "Pulumi.yaml"), "utf8")) as { name?: string; config?: Record<string, unknown> } | undefined;
  const project = projectFile?.name ?? basename(folder);
  const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  const config: Record<string, string> = {};
  const warnings: string[] = [];
  for (const [key, declared] of Object.entries(projectFile?.config ?? {})) {
    const isDeclaration = typeof declared === "object" && declared !== null && !Array.isArray(declared);
    const value = isDeclaration ? (declared as { default?: unknown; value?: unknown }).default ?? (declared as { value?: unknown }).value : declared;
    if (value !== undefined) config[qualify(key)] = configString(value);
  }
  const stackPath = join(folder, `Pulumi.${stack}.yaml`);
  if (existsSync(stackPath)) {
    const stackFile = yaml.load(readFileSync(stackPath, "utf8")) as { config?: Record<string, unknown> } | undefined;
    for (const [key, value] of Object.entries(stackFile?.config ?? {})) {
      if (typeof value === "object" && value !== null && "secure" in value) {
        warnings.push(`config ${qualify(key)} is a secret in Pulumi.${stack}.yaml; it cannot be decrypted without the Pulumi CLI: pass it with --config ${key}=<value>.`);
      } else {
        config[qualify(key)] = configString(value);
      }
    }
  }
  return { project, config, warnings };
}

function findProjectFolder(start: string): string | undefined {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "Pulumi.yaml"))) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

/** Config values reach a program as strings; structured values as JSON, as the CLI passes them. */
const configString = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** The YAML parser @pulumi/pulumi itself depends on (resolved from there, so it is no new dependency). */
function loadYaml(): { load(text: string): unknown } {
  const pulumiFolder = dirname(require.resolve("@pulumi/pulumi/package.json"));
  return require(require.resolve("js-yaml", { paths: [pulumiFolder] }));
}
