/**
 * IAM policies: identity documents grant exact actions on exact resources, and resource and trust policies admit
 * exact principals. The document analysis itself lives in iam.ts (pure, tested on its own); this file turns its
 * findings into the pack's policies.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { label, NATIVE_TYPES, onTypes, POLICY_HOLDERS, TYPES, unknownDuringPreview } from "./common";
import { arnAccount, DEFAULT_WILDCARD_RESOURCE_ACTIONS, isBroadManagedPolicy, principalFindings, wildcardFindings } from "./iam";
import { asArray, isRecord, parseJsonProperty, prop, UNKNOWN, withDefaults } from "./values";

/** Configuration of {@link iamNoWildcards}. */
export interface IamConfig {
  /** Actions that may be granted on Resource "*". */
  wildcardResourceActions: string[];
  /** Report AWS managed policies that grant whole services (…FullAccess, …ReadOnlyAccess, AdministratorAccess, PowerUserAccess, job functions). */
  reportBroadManagedPolicies: boolean;
}
/** {@link iamNoWildcards}' defaults, also its config schema's. */
export const IAM_DEFAULTS: IamConfig = {
  wildcardResourceActions: [...DEFAULT_WILDCARD_RESOURCE_ACTIONS],
  reportBroadManagedPolicies: true,
};

/** aws-native identity policy resources: their document is `policyDocument` (an object or a JSON string). */
const NATIVE_IDENTITY_POLICIES: Readonly<Record<string, string>> = {
  [NATIVE_TYPES.policy]: "IAM policy",
  [NATIVE_TYPES.managedPolicy]: "IAM managed policy",
  [NATIVE_TYPES.rolePolicy]: "IAM role policy",
  [NATIVE_TYPES.userPolicy]: "IAM user policy",
  [NATIVE_TYPES.groupPolicy]: "IAM group policy",
};

const IAM_TYPES = [
  TYPES.rolePolicy,
  TYPES.policy,
  TYPES.userPolicy,
  TYPES.groupPolicy,
  TYPES.role,
  NATIVE_TYPES.role,
  TYPES.rolePolicyAttachment,
  TYPES.userPolicyAttachment,
  TYPES.groupPolicyAttachment,
  TYPES.policyAttachment,
  TYPES.rolePolicyAttachmentsExclusive,
  TYPES.userPolicyAttachmentsExclusive,
  TYPES.groupPolicyAttachmentsExclusive,
  ...Object.keys(NATIVE_IDENTITY_POLICIES),
];

/** The attachment resources: the property holding the managed policy ARN(s) and how messages name them. */
const ATTACHMENTS: Readonly<Record<string, { key: string; kind: string }>> = {
  [TYPES.rolePolicyAttachment]: { key: "policyArn", kind: "IAM role policy attachment" },
  [TYPES.userPolicyAttachment]: { key: "policyArn", kind: "IAM user policy attachment" },
  [TYPES.groupPolicyAttachment]: { key: "policyArn", kind: "IAM group policy attachment" },
  [TYPES.policyAttachment]: { key: "policyArn", kind: "IAM policy attachment" },
  [TYPES.rolePolicyAttachmentsExclusive]: { key: "policyArns", kind: "IAM role policy attachments" },
  [TYPES.userPolicyAttachmentsExclusive]: { key: "policyArns", kind: "IAM user policy attachments" },
  [TYPES.groupPolicyAttachmentsExclusive]: { key: "policyArns", kind: "IAM group policy attachments" },
};

/**
 * `iam-no-wildcards`: no `*` action or resource outside the allowlist, no whole-service managed policies. No
 * remediation: the exact actions and ARNs are the owner's to name.
 */
export const iamNoWildcards: ResourceValidationPolicy = {
  name: "iam-no-wildcards",
  description:
    'IAM policies grant no action pattern ("*", "s3:*", "iam:Pass*") and no wildcard resource ("*", "arn:*", "arn:aws:s3:::*"), except for the allowlisted X-Ray and log-delivery actions AWS requires it for; no whole-service AWS managed policy is attached (roles, users, groups, exclusive attachments of each, aws-native roles and identity policies).',
  enforcementLevel: "advisory",
  severity: "high",
  tags: ["iam", "least-privilege"],
  remediationSteps:
    'In each reported statement, list the exact actions (no "*", "service:*" or other pattern such as "iam:Pass*"; no NotAction/NotResource in an Allow) and the exact resource ARNs (no "*", "arn:*" or "arn:aws:<service>:::*"); keep Resource "*" only for the actions in wildcardResourceActions (X-Ray, CloudWatch Logs delivery, VPC network interfaces). Replace attached …FullAccess, …ReadOnlyAccess, AdministratorAccess, PowerUserAccess, ViewOnlyAccess or job-function policies with an inline least-privilege policy.',
  configSchema: {
    properties: {
      wildcardResourceActions: {
        type: "array",
        items: { type: "string" },
        default: IAM_DEFAULTS.wildcardResourceActions,
        description: 'Actions that may be granted on Resource "*".',
      },
      reportBroadManagedPolicies: {
        type: "boolean",
        default: IAM_DEFAULTS.reportBroadManagedPolicies,
        description:
          "Report AWS managed policies that grant whole services (…FullAccess, …ReadOnlyAccess, AdministratorAccess, PowerUserAccess, ViewOnlyAccess, job-function/…).",
      },
    },
  },
  validateResource: onTypes(IAM_TYPES, (args, report) => {
    const { wildcardResourceActions, reportBroadManagedPolicies } = withDefaults(args, IAM_DEFAULTS);
    const checkDocument = (owner: string, key: string, value: unknown): void => {
      const parsed = parseJsonProperty(value);
      if (parsed.status === "absent") return;
      if (parsed.status === "unknown") unknownDuringPreview(args, key, `${owner}'s policy document`);
      if (parsed.status === "invalid") {
        report(
          `${owner}: the policy document cannot be read: ${parsed.reason}. Fix: pass a valid IAM policy document (JSON string or object with Version and Statement).`,
        );
        return;
      }
      for (const f of wildcardFindings(parsed.value, wildcardResourceActions)) {
        report(`${owner}: ${f.where} ${f.problem}. Fix: ${f.fix}.`);
      }
    };
    const checkManaged = (owner: string, arn: unknown): void => {
      if (reportBroadManagedPolicies && typeof arn === "string" && isBroadManagedPolicy(arn)) {
        report(
          `${owner} attaches the AWS managed policy ${arn}, which grants a whole service (or everything). Fix: replace it with an inline policy listing the exact actions and resources (an aws.lambda.CallbackFunction given neither \`role\` nor \`policies\` attaches nine such policies: pass a least-privilege role).`,
        );
      }
    };
    // A role's inline policies (classic `inlinePolicies[].policy`, aws-native `policies[].policyDocument`) and managed ARNs.
    const checkRole = (keys: { list: string; name: string; document: string }): void => {
      const role = label("IAM role", args.name);
      const inline = prop(args.props, keys.list);
      if (inline === UNKNOWN) unknownDuringPreview(args, keys.list, `${role}'s inline policies`);
      asArray(inline).forEach((entry, i) => {
        if (!isRecord(entry)) return;
        const name = typeof entry[keys.name] === "string" ? entry[keys.name] : `#${i}`;
        checkDocument(`${role}, inline policy "${name}"`, keys.list, entry[keys.document]);
      });
      const managed = prop(args.props, "managedPolicyArns");
      if (managed !== UNKNOWN) for (const arn of asArray(managed)) checkManaged(role, arn);
    };
    switch (args.type) {
      case TYPES.rolePolicy:
        return checkDocument(label("IAM role policy", args.name), "policy", prop(args.props, "policy"));
      case TYPES.policy:
        return checkDocument(label("IAM policy", args.name), "policy", prop(args.props, "policy"));
      case TYPES.userPolicy:
        return checkDocument(label("IAM user policy", args.name), "policy", prop(args.props, "policy"));
      case TYPES.groupPolicy:
        return checkDocument(label("IAM group policy", args.name), "policy", prop(args.props, "policy"));
      case TYPES.rolePolicyAttachment:
      case TYPES.userPolicyAttachment:
      case TYPES.groupPolicyAttachment:
      case TYPES.policyAttachment:
      case TYPES.rolePolicyAttachmentsExclusive:
      case TYPES.userPolicyAttachmentsExclusive:
      case TYPES.groupPolicyAttachmentsExclusive: {
        const { key, kind } = ATTACHMENTS[args.type];
        const arns = prop(args.props, key);
        if (arns === UNKNOWN) return unknownDuringPreview(args, key, `${label(kind, args.name)}'s ${key}`);
        for (const arn of asArray(arns)) checkManaged(label(kind, args.name), arn);
        return;
      }
      case TYPES.role:
        return checkRole({ list: "inlinePolicies", name: "name", document: "policy" });
      case NATIVE_TYPES.role:
        return checkRole({ list: "policies", name: "policyName", document: "policyDocument" });
      default: {
        const kind = NATIVE_IDENTITY_POLICIES[args.type];
        if (kind) checkDocument(label(kind, args.name), "policyDocument", prop(args.props, "policyDocument"));
        return;
      }
    }
  }),
};

/** Configuration of {@link resourcePoliciesScoped}. */
export interface ResourcePolicyConfig {
  /** Accounts (12 digits) other than a resource's own that its policies may name as principals. */
  trustedAccounts: string[];
}
/** {@link resourcePoliciesScoped}'s defaults: no other account is trusted. */
export const RESOURCE_POLICY_DEFAULTS: ResourcePolicyConfig = { trustedAccounts: [] };

/** Lambda permission conditions that pin who may invoke through a principal. */
const PERMISSION_SCOPES = ["sourceArn", "sourceAccount", "principalOrgId"];

/**
 * `resource-policies-scoped`: resource policies (SQS, SNS, KMS, Lambda permissions) and role trust policies admit
 * no anyone-principal without a condition, and AWS services only for a named source. No remediation: which
 * accounts, organizations or rules to admit is the owner's decision.
 */
export const resourcePoliciesScoped: ResourceValidationPolicy = {
  name: "resource-policies-scoped",
  description:
    'Queue, topic and key policies, Lambda permissions and role trust policies admit no "*" principal without a condition pinning the caller, AWS services only for a named source (aws:SourceArn / aws:SourceAccount), and no other account unless trusted.',
  enforcementLevel: "advisory",
  severity: "high",
  tags: ["iam", "sqs", "sns", "kms", "lambda", "least-privilege"],
  remediationSteps:
    'In each reported Allow statement, replace Principal "*" (or {"AWS": "*"}, or NotPrincipal) with the exact principals, or add a Condition that pins the caller ("aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:SourceVpce", ...); give every service principal a Condition on "aws:SourceArn" (the rule, alarm or resource that sends) or "aws:SourceAccount". Remove principals of other accounts, or list those accounts in trustedAccounts. On an aws.lambda.Permission, set sourceArn (or sourceAccount / principalOrgId).',
  configSchema: {
    properties: {
      trustedAccounts: {
        type: "array",
        items: { type: "string", pattern: "^\\d{12}$" },
        default: RESOURCE_POLICY_DEFAULTS.trustedAccounts,
        description: "Accounts (12 digits) other than a resource's own that its resource or trust policies may name as principals.",
      },
    },
  },
  validateResource: onTypes([...Object.keys(POLICY_HOLDERS), TYPES.lambdaPermission], (args, report) => {
    if (args.type === TYPES.lambdaPermission) {
      const principal = prop(args.props, "principal");
      const scopes = PERMISSION_SCOPES.map((k) => prop(args.props, k));
      if (principal === UNKNOWN || scopes.includes(UNKNOWN)) return unknownDuringPreview(args, "principal", "The permission's principal");
      if (typeof principal !== "string" || scopes.some((v) => typeof v === "string" && v.trim() !== "")) return;
      const permission = label("Lambda permission", args.name);
      if (principal.trim() === "*") {
        report(
          `${permission} lets anyone invoke the function (principal "*") with no sourceArn, sourceAccount or principalOrgId. Fix: name the invoking principal and set sourceArn (or sourceAccount / principalOrgId).`,
        );
      } else if (principal.endsWith(".amazonaws.com")) {
        report(
          `${permission} lets the service "${principal}" invoke the function with no sourceArn or sourceAccount, so any AWS customer's ${principal} resources can invoke it (the confused deputy). Fix: set sourceArn to the rule, topic or bucket that invokes it (or sourceAccount).`,
        );
      }
      return;
    }
    const { trustedAccounts } = withDefaults(args, RESOURCE_POLICY_DEFAULTS);
    const holder = POLICY_HOLDERS[args.type];
    const owner = label(holder.owner, args.name);
    const parsed = parseJsonProperty(prop(args.props, holder.key));
    if (parsed.status === "absent") return;
    if (parsed.status === "unknown") return unknownDuringPreview(args, holder.key, `${owner}'s ${holder.key}`);
    if (parsed.status === "invalid") {
      report(
        `${owner}: its ${holder.key} cannot be read: ${parsed.reason}. Fix: pass a valid policy document (JSON string or object with Version and Statement).`,
      );
      return;
    }
    // The resource's own account, once its ARN is known, for statements whose Resource names none (a key policy's "*").
    const account = arnAccount(prop(args.props, "arn"));
    for (const f of principalFindings(parsed.value, holder.kind, { owner: account, trusted: trustedAccounts }))
      report(`${owner}: ${holder.key} ${f.where} ${f.problem}. Fix: ${f.fix}.`);
  }),
};
