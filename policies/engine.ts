/**
 * The policy engine's side of a policy pack, in-process: runs the pack's policies over plain resource records the way
 * @pulumi/policy 1.21's server does (server.js `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun` / `makeRemediateRpcFun`),
 * without the Pulumi CLI. `checkResources` (check.ts), `edw-local check` and the pack's own tests all run through it,
 * and a test holds it to the pack's gRPC server, so the library path and the CLI path cannot drift apart.
 *
 * - props are wrapped in @pulumi/policy's own unknown-checking proxy, so a value unknown during preview
 *   (use {@link UNKNOWN_STRING} & co. in a fixture) throws `UnknownValueError` exactly as under the engine,
 *   and the run turns it into the engine's advisory "can't run policy ... during preview";
 * - `notApplicable()` throws and is recorded, not reported;
 * - enforcement levels resolve as the server does: the policy's config entry, else the policy's own level,
 *   else the pack's (advisory); "remediate" reports as mandatory, "disabled" skips the policy;
 * - `getConfig()` returns the policy's config (schema defaults applied, as the CLI does, unless turned off).
 *
 * Records are plain `{ type, name, urn, props, options? }`: what a Pulumi mock's `newResource` sees ({ type, name,
 * inputs }) or hand-written fixtures.
 *
 * @example
 * const out = await runResourcePolicy(sfnTaskTimeout, { type: "aws:sfn/stateMachine:StateMachine", name: "sm", props: { definition } });
 * assert.deepEqual(out.violations, []);
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyPackConfig,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** Runtime parts of @pulumi/policy that its typings do not declare (proxy.d.ts is empty). */
interface PolicyProxyModule {
  unknownCheckingProxy<T extends object>(value: T): T;
  isSpecialProxy: string;
  getSpecialProxyTarget: string;
  UnknownValueError: new (...args: never[]) => Error;
  unknownBooleanValue: string;
  unknownNumberValue: string;
  unknownStringValue: string;
  unknownArrayValue: string;
  unknownObjectValue: string;
}
// Internal to @pulumi/policy, hence its exact version in package.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policyProxy = require("@pulumi/policy/proxy") as PolicyProxyModule;

/** Put these in a fixture's props where the engine would have an unknown (preview) value. */
export const UNKNOWN_STRING = policyProxy.unknownStringValue;
export const UNKNOWN_NUMBER = policyProxy.unknownNumberValue;
export const UNKNOWN_BOOLEAN = policyProxy.unknownBooleanValue;
export const UNKNOWN_ARRAY = policyProxy.unknownArrayValue;
export const UNKNOWN_OBJECT = policyProxy.unknownObjectValue;

/** A resource as the harness takes it. `name` defaults from the URN or to "resource"; `urn` is derived. */
export interface ResourceRecord {
  type: string;
  name?: string;
  urn?: string;
  props: Record<string, unknown>;
  /** URN of the parent resource, if any. */
  parent?: string;
  /** The resource options the engine passes policies (protect, ignoreChanges, customTimeouts, ...). @default none set */
  options?: Partial<PolicyResourceOptions>;
}

/** One reported diagnostic. */
export interface Diagnostic {
  policyName: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  /** The resource the diagnostic is about (a stack policy may leave it out). */
  urn?: string;
  /** "violation": reported by the policy; "preview-unknown": the engine's advisory for an unknown value. */
  kind: "violation" | "preview-unknown";
}

/** What running one policy produced. */
export interface Outcome {
  diagnostics: Diagnostic[];
  /** Messages of the reported violations only. */
  violations: string[];
  /** Reasons given to notApplicable(). */
  notApplicable: string[];
}

export interface RunOptions {
  /** Pack configuration, as in a `--policy-pack-config` file: { "<policy>": level | { enforcementLevel?, ...props }, "all": ... }. */
  config?: PolicyPackConfig | Record<string, unknown>;
  /** The pack's own default level (index.ts sets "advisory"). */
  packEnforcementLevel?: EnforcementLevel;
  stackTags?: Record<string, string>;
  /** Apply configSchema defaults to getConfig(), as the CLI does. @default true */
  applySchemaDefaults?: boolean;
  /** Reject config keys the policy's configSchema does not declare. @default true */
  strictConfig?: boolean;
  /** `<name>@v<version>`, named by the engine's "can't run policy ... during preview" advisory as the server does. @default none */
  policyPack?: string;
}

const DEFAULT_OPTS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

/** The URN Pulumi would give a top-level resource of `type` named `name`. */
export function urnOf(type: string, name: string, project = "event-driven-workflow", stack = "test"): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** A record with name and URN filled in. */
export function normalize(record: ResourceRecord): Required<Omit<ResourceRecord, "parent" | "options">> & {
  parent?: string;
  opts: PolicyResourceOptions;
} {
  const name = record.name ?? (record.urn ? record.urn.split("::").pop()! : "resource");
  const opts = { ...DEFAULT_OPTS, ...record.options };
  return { type: record.type, name, urn: record.urn ?? urnOf(record.type, name), props: record.props, parent: record.parent, opts };
}

/** Shorthand for a record. */
export function resource(type: string, name: string, props: Record<string, unknown>): ResourceRecord {
  return { type, name, urn: urnOf(type, name), props };
}

class HarnessNotApplicable extends Error {
  constructor(readonly reason: string | undefined) {
    super(reason ?? "not applicable");
  }
}

function throwNotApplicable(reason?: string): never {
  throw new HarnessNotApplicable(reason);
}

/** Like the server: properties with undefined values do not exist; the rest is behind the unknown-checking proxy. */
function engineProps(props: Record<string, unknown>): Record<string, unknown> {
  const defined: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) if (value !== undefined) defined[key] = value;
  return policyProxy.unknownCheckingProxy(defined);
}

function pulumiTypeOf(obj: unknown): string | undefined {
  const t = (obj as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const pulumiType = pulumiTypeOf(resourceClass);
  if (pulumiType) return type === pulumiType;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

interface PolicySettings {
  enforcementLevel: EnforcementLevel;
  config: Record<string, unknown>;
}

function settingsFor(policy: ResourceValidationPolicy | StackValidationPolicy, options: RunOptions): PolicySettings {
  const all = options.config?.all;
  const own = options.config?.[policy.name];
  const entry: Record<string, unknown> =
    typeof own === "string" ? { enforcementLevel: own } : ((own as Record<string, unknown> | undefined) ?? {});
  const allLevel = typeof all === "string" ? all : (all as { enforcementLevel?: string } | undefined)?.enforcementLevel;
  const { enforcementLevel, ...props } = entry;
  const schema = policy.configSchema?.properties ?? {};
  if (options.strictConfig !== false) {
    for (const key of Object.keys(props)) {
      if (!(key in schema))
        throw new Error(
          `config for policy "${policy.name}" sets "${key}", which its configSchema does not declare (declared: ${Object.keys(schema).join(", ") || "none"})`,
        );
    }
  }
  const config: Record<string, unknown> = {};
  if (options.applySchemaDefaults !== false) {
    for (const [key, definition] of Object.entries(schema)) {
      if (typeof definition === "object" && definition.default !== undefined) config[key] = structuredClone(definition.default);
    }
  }
  Object.assign(config, props);
  const level =
    (enforcementLevel as EnforcementLevel | undefined) ??
    (allLevel as EnforcementLevel | undefined) ??
    policy.enforcementLevel ??
    options.packEnforcementLevel ??
    "advisory";
  return { enforcementLevel: level, config };
}

/** How the server names a policy in its preview advisory: `policy 'x' from policy pack 'pack@v1.0.0'`. */
function policyFrom(policy: { name: string }, options: RunOptions): string {
  return `policy '${policy.name}'${options.policyPack ? ` from policy pack '${options.policyPack}'` : ""}`;
}

function isUnknownValueError(error: unknown): error is Error {
  return error instanceof policyProxy.UnknownValueError;
}

function emptyOutcome(): Outcome {
  return { diagnostics: [], violations: [], notApplicable: [] };
}

function finish(outcome: Outcome): Outcome {
  outcome.violations = outcome.diagnostics.filter((d) => d.kind === "violation").map((d) => d.message);
  return outcome;
}

/** The arguments the server passes a resource validation or remediation. */
function resourceArgs(
  r: ReturnType<typeof normalize>,
  props: Record<string, unknown>,
  settings: PolicySettings,
  options: RunOptions,
): ResourceValidationArgs {
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: r.opts,
    stackTags: new Map(Object.entries(options.stackTags ?? {})),
    isType: (resourceClass) => isTypeOf(r.type, resourceClass),
    asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => structuredClone(settings.config) as T,
    notApplicable: throwNotApplicable,
  };
}

/**
 * Runs one resource policy against one resource, as the engine would during `pulumi preview`.
 * Exceptions other than UnknownValueError and notApplicable propagate (they would fail the preview).
 */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  record: ResourceRecord,
  options: RunOptions = {},
): Promise<Outcome> {
  const outcome = emptyOutcome();
  const settings = settingsFor(policy, options);
  if (settings.enforcementLevel === "disabled" || !policy.validateResource) return finish(outcome);
  const level: EnforcementLevel = settings.enforcementLevel === "remediate" ? "mandatory" : settings.enforcementLevel;
  const r = normalize(record);
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  if (validations.length === 1) {
    const pulumiType = pulumiTypeOf(validations[0]);
    if (pulumiType && pulumiType !== r.type) {
      outcome.notApplicable.push(`Policy only applies to resources of type '${pulumiType}'`);
      return finish(outcome);
    }
  }
  for (const validate of validations) {
    const args = resourceArgs(r, engineProps(r.props), settings, options);
    try {
      await Promise.resolve(
        validate(args, (message) => {
          outcome.diagnostics.push({ policyName: policy.name, enforcementLevel: level, message, urn: r.urn, kind: "violation" });
        }),
      );
    } catch (error) {
      if (error instanceof HarnessNotApplicable) outcome.notApplicable.push(error.reason ?? "");
      else if (isUnknownValueError(error)) {
        outcome.diagnostics.push({
          policyName: policy.name,
          enforcementLevel: "advisory",
          message: `can't run ${policyFrom(policy, options)} during preview: ${error.message}`,
          urn: r.urn,
          kind: "preview-unknown",
        });
      } else throw error;
    }
  }
  return finish(outcome);
}

/** What running one policy's remediation produced. */
export interface RemediationOutcome {
  /** The properties the remediation returned, as plain data (unknown values stay sentinels); undefined: no change. */
  props?: Record<string, unknown>;
  /** Reasons given to notApplicable(). */
  notApplicable: string[];
  /** The engine's "can't run remediation ... during preview" message, when the remediation read an unknown value. */
  previewUnknown?: string;
}

/**
 * Runs one policy's `remediateResource` on one resource, as the server's remediate call does at enforcement
 * level "remediate" (the harness runs it whatever the level: tests call it to see what it would change):
 * props behind the unknown-checking proxy, the `__pulumiType` fast path, the result unwrapped from the proxy.
 * The record's own props are never modified.
 */
export async function runResourceRemediation(
  policy: ResourceValidationPolicy,
  record: ResourceRecord,
  options: RunOptions = {},
): Promise<RemediationOutcome> {
  if (!policy.remediateResource) throw new Error(`policy "${policy.name}" has no remediateResource`);
  const outcome: RemediationOutcome = { notApplicable: [] };
  const r = normalize(record);
  const pulumiType = pulumiTypeOf(policy.remediateResource);
  if (pulumiType && pulumiType !== r.type) {
    outcome.notApplicable.push(`Policy only applies to resources of type '${pulumiType}'`);
    return outcome;
  }
  const args = resourceArgs(r, engineProps(structuredClone(r.props)), settingsFor(policy, options), options);
  try {
    const result = await Promise.resolve(policy.remediateResource(args));
    if (result) {
      const target = (result as Record<string, unknown>)[policyProxy.isSpecialProxy]
        ? (result as Record<string, unknown>)[policyProxy.getSpecialProxyTarget]
        : result;
      outcome.props = structuredClone(target) as Record<string, unknown>;
    }
  } catch (error) {
    if (error instanceof HarnessNotApplicable) outcome.notApplicable.push(error.reason ?? "");
    else if (isUnknownValueError(error)) outcome.previewUnknown = `can't run remediation '${policy.name}' during preview: ${error.message}`;
    else throw error;
  }
  return outcome;
}

/** Runs one stack policy against a whole stack of records (their props stand for the resources' outputs). */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  records: readonly ResourceRecord[],
  options: RunOptions = {},
): Promise<Outcome> {
  const outcome = emptyOutcome();
  const settings = settingsFor(policy, options);
  if (settings.enforcementLevel === "disabled") return finish(outcome);
  const level: EnforcementLevel = settings.enforcementLevel === "remediate" ? "mandatory" : settings.enforcementLevel;
  const pulumiType = pulumiTypeOf(policy.validateStack);
  const normalized = records.map(normalize);
  if (pulumiType && !normalized.some((r) => r.type === pulumiType)) {
    outcome.notApplicable.push(`Policy only applies to resources of type '${pulumiType}'`);
    return finish(outcome);
  }
  const resources: PolicyResource[] = normalized.map((r) => {
    const props = engineProps(r.props);
    return {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: r.opts,
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(r.type, resourceClass),
      asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as PolicyResource["asType"],
    };
  });
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  normalized.forEach((r, i) => {
    if (r.parent && byUrn.has(r.parent)) resources[i].parent = byUrn.get(r.parent);
  });
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(Object.entries(options.stackTags ?? {})),
    getConfig: <T extends object>() => structuredClone(settings.config) as T,
    notApplicable: throwNotApplicable,
  };
  try {
    await Promise.resolve(
      policy.validateStack(args, (message, urn) => {
        outcome.diagnostics.push({ policyName: policy.name, enforcementLevel: level, message, urn, kind: "violation" });
      }),
    );
  } catch (error) {
    if (error instanceof HarnessNotApplicable) outcome.notApplicable.push(error.reason ?? "");
    else if (isUnknownValueError(error)) {
      outcome.diagnostics.push({
        policyName: policy.name,
        enforcementLevel: "advisory",
        message: `can't run ${policyFrom(policy, options)} during preview: ${error.message}`,
        kind: "preview-unknown",
      });
    } else throw error;
  }
  return finish(outcome);
}

export function isStackPolicy(policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** Every policy against every record (resource policies per record, stack policies once): a whole preview. */
export async function runPolicies(policies: Policies, records: readonly ResourceRecord[], options: RunOptions = {}): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const policy of policies) {
    if (isStackPolicy(policy)) diagnostics.push(...(await runStackPolicy(policy, records, options)).diagnostics);
    else for (const record of records) diagnostics.push(...(await runResourcePolicy(policy, record, options)).diagnostics);
  }
  return diagnostics;
}

/** The diagnostics that would block `pulumi up`. */
export function mandatoryOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.enforcementLevel === "mandatory");
}

/** Diagnostics as readable lines, for assertion messages. */
export function describeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `[${d.enforcementLevel}] ${d.policyName}: ${d.message}`).join("\n");
}

/**
 * A record from what a Pulumi mock saw: `inputs` (what `pulumi preview` analyzes) overlaid with the mock's
 * computed `state` (ARNs, names: what a stack policy sees as outputs after `pulumi up`).
 *
 * @example
 * const records = recorded.map(recordOf); // recorded: { type, name, inputs, state }[] from the mocks
 */
export function recordOf(r: {
  type: string;
  name: string;
  urn?: string;
  inputs: Record<string, unknown>;
  state?: Record<string, unknown>;
}): ResourceRecord {
  return { type: r.type, name: r.name, urn: r.urn, props: { ...r.inputs, ...(r.state ?? {}) } };
}
