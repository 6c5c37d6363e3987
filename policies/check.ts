/**
 * The pack as a library: `checkResources` runs the pack's policies (or a team's own list) over plain resource
 * records without the Pulumi CLI and returns the findings `pulumi preview --policy-pack` would print: policy,
 * enforcement level, resource URN, message and remediation. `edw-local check` and the test kit call it; a team's CI
 * can too.
 */
import type { EnforcementLevel, Policies, PolicyPackConfig } from "@pulumi/policy";
import { normalize, runPolicies, type ResourceRecord } from "./engine";
import { policies as packPolicies } from "./registry";

/** The pack's name, as `pulumi preview` reports it. */
export const PACK_NAME = "event-driven-workflow";
/** The pack's version: its package's (the package refers to itself by name, from source and from dist alike). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PACK_VERSION: string = require("event-driven-workflow-policies/package.json").version;

/** One finding, as `pulumi preview --policy-pack` reports it. */
export interface Finding {
  policy: string;
  /** "mandatory" blocks `pulumi up`; "advisory" only warns. */
  enforcementLevel: Extract<EnforcementLevel, "mandatory" | "advisory">;
  /** The policy's severity ("low" ... "critical"), when it declares one. */
  severity?: string;
  /** The resource it is about (a stack policy names the resource it judged). */
  urn?: string;
  resourceType?: string;
  resourceName?: string;
  /** What the policy requires (`pulumi preview` prints it above the message). */
  description?: string;
  message: string;
  /** The policy's remediation steps. */
  remediation?: string;
  /** "violation": the policy reported it; "preview-unknown": a value was unknown, as during `pulumi preview`. */
  kind: "violation" | "preview-unknown";
}

/** Options of {@link checkResources}. */
export interface CheckOptions {
  /** The policies to run. @default the pack's registry (`policies`) */
  policies?: Policies;
  /** A `--policy-pack-config` document: { "<policy>": level | { enforcementLevel?, ...properties }, "all": level }. @default none: the policies' defaults */
  config?: PolicyPackConfig | Record<string, unknown>;
  stackTags?: Record<string, string>;
}

/** A policy configuration that names an unknown policy or property, or an unknown level. */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

/** Throws a {@link PolicyConfigError} naming each entry of `config` that the policies do not declare. */
export function validatePolicyConfig(config: Record<string, unknown>, policies: Policies = packPolicies): void {
  const byName = new Map(policies.map((p) => [p.name, p]));
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(config)) {
    const policy = byName.get(name);
    if (!policy && name !== "all") {
      problems.push(`"${name}" is not a policy of the pack (policies: ${[...byName.keys()].join(", ")})`);
      continue;
    }
    const { enforcementLevel, ...props } =
      typeof entry === "string" ? { enforcementLevel: entry } : ((entry ?? {}) as Record<string, unknown>);
    if (enforcementLevel !== undefined && !LEVELS.includes(String(enforcementLevel)))
      problems.push(`"${name}": enforcementLevel ${JSON.stringify(enforcementLevel)} is not one of ${LEVELS.join(", ")}`);
    const declared = Object.keys(policy?.configSchema?.properties ?? {});
    for (const key of Object.keys(props))
      if (!declared.includes(key))
        problems.push(`"${name}" sets "${key}", which it does not declare (declared: ${declared.join(", ") || "none"})`);
  }
  if (problems.length > 0) throw new PolicyConfigError(`policy configuration: ${problems.join("; ")}.`);
}

/**
 * Runs the policies over `resources` as `pulumi preview --policy-pack` would (each resource policy on each resource,
 * each stack policy once on all of them) and returns the findings, mandatory ones first.
 *
 * @throws PolicyConfigError when `config` names a policy, level or property the policies do not declare.
 * @example
 * const findings = await checkResources([{ type: "aws:sfn/stateMachine:StateMachine", name: "orders", props: { definition } }]);
 * const blocking = findings.filter((f) => f.enforcementLevel === "mandatory");
 */
export async function checkResources(resources: readonly ResourceRecord[], options: CheckOptions = {}): Promise<Finding[]> {
  const policies = options.policies ?? packPolicies;
  if (options.config) validatePolicyConfig(options.config as Record<string, unknown>, policies);
  const records = resources.map(normalize);
  const byUrn = new Map(records.map((r) => [r.urn, r]));
  const byName = new Map(policies.map((p) => [p.name, p]));
  const diagnostics = await runPolicies(policies, records, {
    config: options.config,
    stackTags: options.stackTags,
    policyPack: `${PACK_NAME}@v${PACK_VERSION}`,
  });
  const findings = diagnostics.map((d): Finding => {
    const policy = byName.get(d.policyName);
    const resource = d.urn ? byUrn.get(d.urn) : undefined;
    return {
      policy: d.policyName,
      enforcementLevel: d.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
      ...(policy?.severity ? { severity: policy.severity } : {}),
      ...(d.urn ? { urn: d.urn } : {}),
      ...(resource ? { resourceType: resource.type, resourceName: resource.name } : {}),
      ...(policy && d.kind === "violation" ? { description: policy.description } : {}),
      message: d.message,
      ...(policy?.remediationSteps ? { remediation: policy.remediationSteps } : {}),
      kind: d.kind,
    };
  });
  // Stable: mandatory first, then in the pack's order.
  return findings.filter((f) => f.enforcementLevel === "mandatory").concat(findings.filter((f) => f.enforcementLevel !== "mandatory"));
}
