/**
 * CloudFormation policy: a resource that declares other resources (a CloudFormation stack, a Cloud Control resource)
 * is judged through what it declares (embedded.ts); one whose declarations the pack cannot read is reported here as
 * unverifiable, so it cannot carry a state machine without timeouts past the pack unseen.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { embeddedOf, label, unknownDuringPreview } from "./common";
import { EMBEDDING_TYPE_LIST, EMBEDDING_TYPES } from "./embedded";
import { withDefaults } from "./values";

/** Configuration of {@link cloudformationTemplateReadable}. */
export interface TemplateReadableConfig {
  /** Template URL prefixes whose templates are reviewed elsewhere (e.g. your own, policy-checked bucket): not reported. */
  trustedTemplateUrlPrefixes: string[];
}
/** {@link cloudformationTemplateReadable}'s defaults: no URL is trusted. */
export const TEMPLATE_READABLE_DEFAULTS: TemplateReadableConfig = { trustedTemplateUrlPrefixes: [] };

/** `cloudformation-template-readable`: the pack can read what a CloudFormation stack or Cloud Control resource declares. */
export const cloudformationTemplateReadable: ResourceValidationPolicy = {
  name: "cloudformation-template-readable",
  description:
    "CloudFormation stacks and Cloud Control resources declare what the pack can read (an inline templateBody, a JSON desiredState), so the resources inside them are checked like any other; a template given by URL is unverifiable.",
  enforcementLevel: "advisory",
  severity: "medium",
  tags: ["cloudformation", "verifiability"],
  remediationSteps:
    "Pass the CloudFormation template inline as templateBody (JSON or YAML; e.g. fs.readFileSync of the file you upload) instead of templateUrl, or declare its resources as Pulumi resources; give a Cloud Control resource's desiredState as JSON. A template URL under a prefix you review elsewhere can be listed in trustedTemplateUrlPrefixes.",
  configSchema: {
    properties: {
      trustedTemplateUrlPrefixes: {
        type: "array",
        items: { type: "string" },
        default: TEMPLATE_READABLE_DEFAULTS.trustedTemplateUrlPrefixes,
        description: "Template URL prefixes whose templates are reviewed elsewhere: not reported.",
      },
    },
  },
  validateResource: (args, report) => {
    if (!EMBEDDING_TYPE_LIST.includes(args.type))
      return args.notApplicable(`Policy only applies to resources of type ${EMBEDDING_TYPE_LIST.map((t) => `'${t}'`).join(", ")}`);
    const { trustedTemplateUrlPrefixes } = withDefaults(args, TEMPLATE_READABLE_DEFAULTS);
    const read = embeddedOf(args);
    if (read?.status === "unknown")
      return unknownDuringPreview(
        args,
        args.type === EMBEDDING_TYPES.cloudFormationStack ? "templateBody" : "desiredState",
        "The declared resources",
      );
    if (read?.status !== "unverifiable") return;
    if (read.url !== undefined && trustedTemplateUrlPrefixes.some((prefix) => read.url!.startsWith(prefix))) return;
    const owner = label(args.type === EMBEDDING_TYPES.cloudFormationStack ? "CloudFormation stack" : "Cloud Control resource", args.name);
    report(`${owner}: ${read.reason}. Fix: ${read.fix}.`);
  },
};
