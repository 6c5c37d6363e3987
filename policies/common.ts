/**
 * What every service file of the pack shares: the resource types it judges, Lambda's timeout facts, and the
 * small helpers that keep policies uniform (type filtering, preview-unknown handling, message labels, config
 * schemas, reading a state machine's definition, remediating a property).
 */
import type { PolicyConfigSchema, ReportViolation, ResourceRemediation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { LAMBDA_FUNCTION_TYPE } from "event-driven-workflow/asl";
import { type AslObject, type DefinitionRead, readDefinition } from "./asl";
import { EMBEDDING_TYPE_LIST, embeddedResources, type EmbeddedRead } from "./embedded";
import { isRecord, prop, UNKNOWN } from "./values";

/** The Pulumi types of the resources the pack judges. */
export const TYPES = {
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  lambdaFunction: LAMBDA_FUNCTION_TYPE,
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  queue: "aws:sqs/queue:Queue",
  topic: "aws:sns/topic:Topic",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  rolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  userPolicyAttachmentsExclusive: "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
  groupPolicyAttachmentsExclusive: "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  kmsKey: "aws:kms/key:Key",
  lambdaPermission: "aws:lambda/permission:Permission",
  schedule: "aws:scheduler/schedule:Schedule",
  pipe: "aws:pipes/pipe:Pipe",
} as const;

/**
 * The same services through the aws-native provider (CloudFormation's schema, camelCased): a stack written with
 * them is judged like one written with the classic provider.
 */
export const NATIVE_TYPES = {
  stateMachine: "aws-native:stepfunctions:StateMachine",
  lambdaFunction: "aws-native:lambda:Function",
  rule: "aws-native:events:Rule",
  queue: "aws-native:sqs:Queue",
  topic: "aws-native:sns:Topic",
  queuePolicy: "aws-native:sqs:QueuePolicy",
  topicPolicy: "aws-native:sns:TopicPolicy",
  kmsKey: "aws-native:kms:Key",
  role: "aws-native:iam:Role",
  alarm: "aws-native:cloudwatch:Alarm",
  schedule: "aws-native:scheduler:Schedule",
  pipe: "aws-native:pipes:Pipe",
  policy: "aws-native:iam:Policy",
  managedPolicy: "aws-native:iam:ManagedPolicy",
  rolePolicy: "aws-native:iam:RolePolicy",
  userPolicy: "aws-native:iam:UserPolicy",
  groupPolicy: "aws-native:iam:GroupPolicy",
} as const;

/** State machines of either provider. */
export const STATE_MACHINE_TYPES: readonly string[] = [TYPES.stateMachine, NATIVE_TYPES.stateMachine];
/** Lambda functions of either provider. */
export const LAMBDA_FUNCTION_TYPES: readonly string[] = [TYPES.lambdaFunction, NATIVE_TYPES.lambdaFunction];

/** Lambda's own timeout when `timeout` is not set. */
export const LAMBDA_DEFAULT_TIMEOUT = 3;

/** Marks a callback with the one type it handles: the engine's fast path then skips other resources. */
function tagPulumiType<T extends object>(fn: T, type: string): T {
  (fn as T & { __pulumiType?: string }).__pulumiType = type;
  return fn;
}

const onlyTypesReason = (types: readonly string[]): string =>
  `Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(", ")}`;

/**
 * A validation that applies only to `types`; other types are reported as not applicable. With one type the
 * engine's fast path (`__pulumiType`) skips other resources without calling us.
 */
export function onTypes(types: string | readonly string[], validate: ResourceValidation): ResourceValidation {
  const list: readonly string[] = typeof types === "string" ? [types] : types;
  // Resources of these types may also sit inside a CloudFormation stack or a Cloud Control resource (embedded.ts).
  const embeddable = list.some((t) => t.startsWith("aws-native:"));
  const fn: ResourceValidation = (args, report) => {
    if (embeddable && EMBEDDING_TYPE_LIST.includes(args.type)) return validateEmbedded(args, report, list, validate);
    if (!list.includes(args.type)) return args.notApplicable(onlyTypesReason(list));
    return validate(args, report);
  };
  return list.length === 1 ? tagPulumiType(fn, list[0]) : fn;
}

class EmbeddedNotApplicable extends Error {}

/** The resources a CloudFormation stack or Cloud Control resource declares, read from the engine's props. */
export function embeddedOf(args: { type: string; props: Record<string, unknown> }): EmbeddedRead | undefined {
  const keys = ["templateBody", "templateUrl", "parameters", "typeName", "desiredState"];
  return embeddedResources(args.type, Object.fromEntries(keys.map((k) => [k, prop(args.props, k)])));
}

/**
 * Runs `validate` on each resource of `list`'s types that a CloudFormation stack or Cloud Control resource declares,
 * named `<owner>/<logical id>` (a Cloud Control resource keeps its own name). What cannot be read is left to
 * `cloudformation-template-readable`.
 */
async function validateEmbedded(
  args: ResourceValidationArgs,
  report: ReportViolation,
  list: readonly string[],
  validate: ResourceValidation,
): Promise<void> {
  const read = embeddedOf(args);
  const inside = read?.status === "ok" ? read.resources.filter((r) => list.includes(r.type)) : [];
  if (inside.length === 0) return args.notApplicable(onlyTypesReason(list));
  for (const resource of inside) {
    const name = resource.logicalId === undefined ? args.name : `${args.name}/${resource.logicalId}`;
    const inner: ResourceValidationArgs = {
      ...args,
      type: resource.type,
      name,
      props: resource.props,
      notApplicable: (reason?: string): never => {
        throw new EmbeddedNotApplicable(reason);
      },
    };
    try {
      await validate(inner, report);
    } catch (error) {
      if (!(error instanceof EmbeddedNotApplicable)) throw error;
    }
  }
}

/** {@link onTypes} for a remediation: it applies only to resources of `type`. */
export function remediateOnType(type: string, remediate: ResourceRemediation): ResourceRemediation {
  const fn: ResourceRemediation = (args) => {
    if (args.type !== type) return args.notApplicable(onlyTypesReason([type]));
    return remediate(args);
  };
  return tagPulumiType(fn, type);
}

/**
 * The resource's properties with `key` set to `value`, for a remediation to return. It assigns through the
 * engine's unknown-checking proxy on purpose: assignment is not checked, and the engine unwraps the proxy when
 * it serializes the result, so other properties unknown during preview stay unknown instead of failing the
 * remediation (copying them would read them).
 */
export function withProperty(args: ResourceValidationArgs, key: string, value: unknown): Record<string, unknown> {
  args.props[key] = value;
  return args.props;
}

/**
 * A value the engine marked unknown during preview: touch it through the engine's proxy (which raises the
 * engine's own "can't run policy during preview" advisory), else mark the policy not applicable.
 */
export function unknownDuringPreview(args: ResourceValidationArgs, key: string, what: string): never {
  void args.props[key];
  return args.notApplicable(`${what} is not known yet during preview; it is checked on \`pulumi up\``);
}

/** `<Kind> "<name>"`, the way every message starts. */
export const label = (kind: string, name: string): string => `${kind} "${name}"`;

/** Whether `value` is a whole number of at least 1. */
export const isPositiveInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value > 0;

/** `"a", "b"`: names quoted for messages. */
export const quoteList = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(", ");

/** The config schema of an integer threshold, with its default when it has one. */
export function integerSchema(description: string, defaultValue?: number, minimum = 1): PolicyConfigSchema["properties"][string] {
  return { type: "integer", minimum, description, ...(defaultValue !== undefined ? { default: defaultValue } : {}) };
}

/**
 * Reads the definition of a state machine under validation. When it cannot be read (unknown during preview,
 * not JSON), the policy is not applicable to this resource: `sfn-definition-readable` reports why, once.
 */
export function definitionOf(args: ResourceValidationArgs): AslObject {
  const read = readStateMachineDefinition(args.type, args.props);
  if (read.status !== "ok") return args.notApplicable(`${label("State machine", args.name)}: ${read.message}`);
  return read.definition;
}

/**
 * A definitionString with its `${name}` placeholders replaced by `definitionSubstitutions`, as CloudFormation does
 * before Step Functions sees it: `"TimeoutSeconds": ${ChargeTimeout}` is judged by the value it becomes. A
 * substitution unknown during preview leaves the whole definition unknown.
 */
function substituted(text: string, substitutions: unknown): unknown {
  if (substitutions === UNKNOWN) return UNKNOWN;
  if (!isRecord(substitutions)) return text;
  return text.replace(/\$\{([^}]+)\}/g, (placeholder, name: string) =>
    Object.hasOwn(substitutions, name) ? String(substitutions[name]) : placeholder,
  );
}

/**
 * The definition of a state machine of either provider: classic `definition` (a JSON string); aws-native
 * `definitionString` (with its `definitionSubstitutions`), else `definition` (an object). A definition kept only in S3 (`definitionS3Location`) cannot
 * be read by a policy, and says so.
 */
export function readStateMachineDefinition(type: string, props: Record<string, unknown>): DefinitionRead {
  if (type !== NATIVE_TYPES.stateMachine) return readDefinition(prop(props, "definition"));
  const text = prop(props, "definitionString");
  if (typeof text === "string") return readDefinition(substituted(text, prop(props, "definitionSubstitutions")));
  if (text !== undefined) return readDefinition(text);
  const object = prop(props, "definition");
  if (object === undefined && prop(props, "definitionS3Location") !== undefined) {
    return {
      status: "invalid",
      message:
        "its definition is in S3 (definitionS3Location), which a policy cannot read, so none of its states can be checked. Fix: pass the definition inline as definitionString (or definition)",
    };
  }
  return readDefinition(object);
}

/** The resources that carry a resource or trust policy: the property holding it, its kind, and how messages name them. */
export const POLICY_HOLDERS: Readonly<
  Record<string, { key: string; service: "sqs" | "sns" | "kms" | "iam"; kind: "resource" | "trust"; owner: string }>
> = {
  [TYPES.queuePolicy]: { key: "policy", service: "sqs", kind: "resource", owner: "SQS queue policy" },
  [TYPES.queue]: { key: "policy", service: "sqs", kind: "resource", owner: "SQS queue" },
  [TYPES.topicPolicy]: { key: "policy", service: "sns", kind: "resource", owner: "SNS topic policy" },
  [TYPES.topic]: { key: "policy", service: "sns", kind: "resource", owner: "SNS topic" },
  [TYPES.kmsKey]: { key: "policy", service: "kms", kind: "resource", owner: "KMS key" },
  [TYPES.role]: { key: "assumeRolePolicy", service: "iam", kind: "trust", owner: "IAM role" },
  [NATIVE_TYPES.queuePolicy]: { key: "policyDocument", service: "sqs", kind: "resource", owner: "SQS queue policy" },
  [NATIVE_TYPES.topicPolicy]: { key: "policyDocument", service: "sns", kind: "resource", owner: "SNS topic policy" },
  [NATIVE_TYPES.kmsKey]: { key: "keyPolicy", service: "kms", kind: "resource", owner: "KMS key" },
  [NATIVE_TYPES.role]: { key: "assumeRolePolicyDocument", service: "iam", kind: "trust", owner: "IAM role" },
};
