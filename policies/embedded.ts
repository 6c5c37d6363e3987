/**
 * Resources declared inside another resource, which the engine never shows the pack one by one: the resources of a
 * CloudFormation stack's template (`aws:cloudformation/stack:Stack` `templateBody`, JSON or YAML) and the desired state
 * of a Cloud Control resource (`aws:cloudcontrol/resource:Resource`). Each becomes a resource of the matching aws-native
 * type (CloudFormation's schema, camelCased, as aws-native has it), so every policy judges it like a top-level one.
 * What cannot be read (a template given by URL, an unknown or unparsable body) is reported by
 * `cloudformation-template-readable`.
 *
 * Pure: no Pulumi, no I/O.
 */
import { load as loadYaml, Type, DEFAULT_SCHEMA } from "js-yaml";
import { isRecord, UNKNOWN } from "./values";

/** The resource types that carry other resources. */
export const EMBEDDING_TYPES = {
  cloudFormationStack: "aws:cloudformation/stack:Stack",
  cloudControlResource: "aws:cloudcontrol/resource:Resource",
} as const;

export const EMBEDDING_TYPE_LIST: readonly string[] = Object.values(EMBEDDING_TYPES);

/** A resource inside another: its aws-native type, its logical id and its properties. */
export interface EmbeddedResource {
  type: string;
  /** The CloudFormation type, e.g. AWS::Lambda::Function. */
  cloudFormationType: string;
  /** Its logical id in a stack's template; absent for a Cloud Control resource (it is the resource itself). */
  logicalId?: string;
  props: Record<string, unknown>;
}

export type EmbeddedRead =
  | { status: "ok"; resources: EmbeddedResource[] }
  | { status: "unknown" }
  | { status: "unverifiable"; reason: string; fix: string; url?: string };

/** `AWS::StepFunctions::StateMachine` -> `aws-native:stepfunctions:StateMachine`. */
export function nativeTypeOf(cloudFormationType: string): string | undefined {
  const m = /^AWS::([A-Za-z0-9]+)::([A-Za-z0-9]+)$/.exec(cloudFormationType);
  return m ? `aws-native:${m[1].toLowerCase()}:${m[2]}` : undefined;
}

/** Properties whose value is a document in its own schema (ASL, IAM, event patterns, maps of names): kept as written. */
const VERBATIM = new Set([
  "Definition",
  "DefinitionSubstitutions",
  "PolicyDocument",
  "AssumeRolePolicyDocument",
  "KeyPolicy",
  "EventPattern",
  "Variables",
  "Input",
  "DesiredState",
]);

/** CloudFormation's PascalCase properties as aws-native's camelCase, documents left as written. */
function camelCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCased);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = /^[A-Z]/.test(key) ? key[0].toLowerCase() + key.slice(1) : key;
    Object.defineProperty(out, name, {
      value: VERBATIM.has(key) ? inner : camelCased(inner),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Fills `Ref`s to the template's parameters (the stack's `parameters`, else the parameter's Default) and `Fn::Sub`
 * strings whose `${Name}`s are parameters, as CloudFormation does before creating anything; other intrinsics stay.
 */
function resolveIntrinsics(value: unknown, parameters: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, parameters));
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "Ref" && typeof value.Ref === "string" && Object.hasOwn(parameters, value.Ref))
    return parameters[value.Ref];
  if (keys.length === 1 && keys[0] === "Fn::Sub") {
    const sub = value["Fn::Sub"];
    const [text, vars] = typeof sub === "string" ? [sub, {}] : Array.isArray(sub) ? [sub[0], sub[1]] : [undefined, {}];
    if (typeof text === "string") {
      const scope = { ...parameters, ...(isRecord(vars) ? (resolveIntrinsics(vars, parameters) as Record<string, unknown>) : {}) };
      const filled = text.replace(/\$\{([^}!]+)\}/g, (placeholder, name: string) => {
        const v = scope[name];
        return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : placeholder;
      });
      if (!/\$\{[^}!]+\}/.test(filled)) return filled;
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIntrinsics(v, parameters)]));
}

/** CloudFormation's YAML short forms (`!Ref x`, `!Sub ...`, `!GetAtt a.b`) as their JSON forms. */
const CFN_YAML_SCHEMA = DEFAULT_SCHEMA.extend(
  [
    "Ref",
    "Sub",
    "GetAtt",
    "Join",
    "Select",
    "Split",
    "If",
    "Equals",
    "Not",
    "And",
    "Or",
    "FindInMap",
    "Base64",
    "Cidr",
    "GetAZs",
    "ImportValue",
    "Condition",
    "Transform",
    "ToJsonString",
    "Length",
  ].flatMap((name) =>
    (["scalar", "sequence", "mapping"] as const).map(
      (kind) =>
        new Type(`!${name}`, {
          kind,
          construct: (data: unknown) => {
            const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
            return { [key]: name === "GetAtt" && typeof data === "string" ? data.split(".") : data };
          },
        }),
    ),
  ),
);

/** A template body (JSON or YAML) as an object, or why it cannot be read. */
function parseTemplate(body: string): { template: Record<string, unknown> } | { reason: string } {
  try {
    const parsed = body.trimStart().startsWith("{") ? JSON.parse(body) : loadYaml(body, { schema: CFN_YAML_SCHEMA });
    if (!isRecord(parsed)) return { reason: "its templateBody is not a template object" };
    return { template: parsed };
  } catch (error) {
    return { reason: `its templateBody cannot be parsed (${(error as Error).message.split("\n")[0]})` };
  }
}

function stackResources(props: Record<string, unknown>): EmbeddedRead {
  const body = props.templateBody;
  const url = props.templateUrl;
  if (body === UNKNOWN || props.parameters === UNKNOWN) return { status: "unknown" };
  if (typeof body !== "string" || body.trim() === "") {
    return typeof url === "string"
      ? {
          status: "unverifiable",
          url,
          reason: `its template is given by URL (${url}), which a policy cannot read, so none of its resources (state machines, functions, roles) are checked`,
          fix: "pass the template inline as templateBody (e.g. fs.readFileSync of the file), or declare its resources as Pulumi resources",
        }
      : { status: "ok", resources: [] };
  }
  const parsed = parseTemplate(body);
  if ("reason" in parsed)
    return { status: "unverifiable", reason: parsed.reason, fix: "pass a valid CloudFormation template (JSON or YAML) as templateBody" };
  const given = isRecord(props.parameters) ? props.parameters : {};
  const declared = isRecord(parsed.template.Parameters) ? parsed.template.Parameters : {};
  const parameters: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(declared)) if (isRecord(spec) && spec.Default !== undefined) parameters[name] = spec.Default;
  Object.assign(parameters, given);
  const resources = isRecord(parsed.template.Resources) ? parsed.template.Resources : {};
  return {
    status: "ok",
    resources: Object.entries(resources).flatMap(([logicalId, declaration]) => {
      if (!isRecord(declaration) || typeof declaration.Type !== "string") return [];
      const type = nativeTypeOf(declaration.Type);
      if (!type) return [];
      const resolved = resolveIntrinsics(isRecord(declaration.Properties) ? declaration.Properties : {}, parameters);
      return [{ type, cloudFormationType: declaration.Type, logicalId, props: camelCased(resolved) as Record<string, unknown> }];
    }),
  };
}

function cloudControlResource(props: Record<string, unknown>): EmbeddedRead {
  const typeName = props.typeName;
  const state = props.desiredState;
  if (typeName === UNKNOWN || state === UNKNOWN) return { status: "unknown" };
  const type = typeof typeName === "string" ? nativeTypeOf(typeName) : undefined;
  if (!type || typeof typeName !== "string") return { status: "ok", resources: [] };
  let desired: unknown;
  try {
    desired = typeof state === "string" ? JSON.parse(state) : state;
  } catch (error) {
    return {
      status: "unverifiable",
      reason: `its desiredState is not JSON (${(error as Error).message})`,
      fix: "pass desiredState as JSON.stringify of the resource's CloudFormation properties",
    };
  }
  if (!isRecord(desired)) return { status: "ok", resources: [] };
  return { status: "ok", resources: [{ type, cloudFormationType: typeName, props: camelCased(desired) as Record<string, unknown> }] };
}

/**
 * The resources `props` of a resource of `type` declares inside it; undefined for a type that declares none.
 *
 * @example
 * embeddedResources("aws:cloudformation/stack:Stack", { templateBody: '{"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{"Timeout":10}}}}' })
 * // { status: "ok", resources: [{ type: "aws-native:lambda:Function", logicalId: "Fn", props: { timeout: 10 }, ... }] }
 */
export function embeddedResources(type: string, props: Record<string, unknown>): EmbeddedRead | undefined {
  if (type === EMBEDDING_TYPES.cloudFormationStack) return stackResources(props);
  if (type === EMBEDDING_TYPES.cloudControlResource) return cloudControlResource(props);
  return undefined;
}
