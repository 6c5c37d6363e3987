/**
 * IAM policies: documents grant exact actions on exact resources. The document analysis itself lives in
 * iam.ts (pure, tested on its own); this file turns its findings into the pack's policy.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { label, onTypes, TYPES, unknownDuringPreview } from "./common";
import { DEFAULT_WILDCARD_RESOURCE_ACTIONS, isBroadManagedPolicy, wildcardFindings } from "./iam";
import { asArray, isRecord, parseJsonProperty, prop, UNKNOWN, withDefaults } from "./values";

/** Configuration of {@link iamNoWildcards}. */
export interface IamConfig {
  /** Actions that may be granted on Resource "*". */
  wildcardResourceActions: string[];
  /** Report AWS managed policies that grant whole services (…FullAccess, AdministratorAccess, PowerUserAccess). */
  reportBroadManagedPolicies: boolean;
}
/** {@link iamNoWildcards}' defaults, also its config schema's. */
export const IAM_DEFAULTS: IamConfig = {
  wildcardResourceActions: [...DEFAULT_WILDCARD_RESOURCE_ACTIONS],
  reportBroadManagedPolicies: true,
};

const IAM_TYPES = [TYPES.rolePolicy, TYPES.policy, TYPES.userPolicy, TYPES.groupPolicy, TYPES.role, TYPES.rolePolicyAttachment];

/**
 * `iam-no-wildcards`: no `*` action or resource outside the allowlist, no whole-service managed policies. No
 * remediation: the exact actions and ARNs are the owner's to name.
 */
export const iamNoWildcards: ResourceValidationPolicy = {
  name: "iam-no-wildcards",
  description:
    'IAM policies grant no "*" action and no "*" resource, except for the allowlisted X-Ray and log-delivery actions AWS requires it for.',
  enforcementLevel: "advisory",
  severity: "high",
  tags: ["iam", "least-privilege"],
  remediationSteps:
    'In each reported statement, list the exact actions (no "*" or "service:*", no NotAction/NotResource in an Allow) and the exact resource ARNs; keep Resource "*" only for the actions in wildcardResourceActions (X-Ray, CloudWatch Logs delivery, VPC network interfaces). Replace attached …FullAccess, AdministratorAccess or PowerUserAccess policies with an inline least-privilege policy.',
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
        description: "Report AWS managed policies that grant whole services (…FullAccess, AdministratorAccess, PowerUserAccess).",
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
        return checkManaged(label("IAM role policy attachment", args.name), prop(args.props, "policyArn"));
      case TYPES.role: {
        const role = label("IAM role", args.name);
        const inline = prop(args.props, "inlinePolicies");
        if (inline === UNKNOWN) return unknownDuringPreview(args, "inlinePolicies", `${role}'s inline policies`);
        asArray(inline).forEach((entry, i) => {
          if (!isRecord(entry)) return;
          const name = typeof entry.name === "string" ? entry.name : `#${i}`;
          checkDocument(`${role}, inline policy "${name}"`, "inlinePolicies", entry.policy);
        });
        const managed = prop(args.props, "managedPolicyArns");
        if (managed !== UNKNOWN) for (const arn of asArray(managed)) checkManaged(role, arn);
        return;
      }
    }
  }),
};
