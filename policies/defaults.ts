/**
 * The pack's defaults as one document: each policy's own enforcement level and configSchema defaults. The shipped
 * policy-config.json and the README's configuration table are generated from it (`npm run policy-config`), and a
 * test holds both to it, so the file a user starts from is exactly what the pack does with no configuration.
 */
import type { Policies, PolicyConfigSchema } from "@pulumi/policy";
import { policies as packPolicies } from "./registry";

/** One policy's entry in a `--policy-pack-config` document. */
export type PolicyConfigEntry = string | ({ enforcementLevel: string } & Record<string, unknown>);

/** A policy's configuration defaults, as its configSchema declares them. */
function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema?.properties ?? {}).flatMap(([key, definition]) =>
      typeof definition === "object" && definition.default !== undefined ? [[key, definition.default]] : [],
    ),
  );
}

/**
 * The `--policy-pack-config` document equal to the pack's defaults: a bare level for a policy without settings, else
 * `{ enforcementLevel, ...defaults }`.
 *
 * @example
 * defaultPolicyConfig()["sfn-task-timeout"] // { enforcementLevel: "mandatory", maxTimeoutSeconds: 3600, maxCallbackTimeoutSeconds: 604800, maxJobTimeoutSeconds: 172800 }
 */
export function defaultPolicyConfig(policies: Policies = packPolicies): Record<string, PolicyConfigEntry> {
  return Object.fromEntries(
    policies.map((p) => {
      const level = p.enforcementLevel ?? "advisory";
      const defaults = schemaDefaults(p.configSchema);
      return [p.name, Object.keys(defaults).length === 0 ? level : { enforcementLevel: level, ...defaults }];
    }),
  );
}

const cell = (value: unknown): string =>
  Array.isArray(value) ? value.map((v) => `\`${v}\``).join(", ") || "none" : `\`${JSON.stringify(value)}\``;

/** The README's table of the defaults: policy, level, each setting with its default (undeclared defaults: unset). */
export function policyConfigTable(policies: Policies = packPolicies): string {
  const rows = policies.map((p) => {
    const defaults = schemaDefaults(p.configSchema);
    const settings = Object.keys(p.configSchema?.properties ?? {}).map((key) =>
      key in defaults ? `\`${key}\`: ${cell(defaults[key])}` : `\`${key}\`: unset`,
    );
    return `| \`${p.name}\` | ${p.enforcementLevel ?? "advisory"} | ${settings.join("<br>") || "none"} |`;
  });
  return ["| Policy | Default level | Settings (default) |", "|---|---|---|", ...rows].join("\n");
}

/** The markers between which the README holds {@link policyConfigTable}. */
export const TABLE_MARKERS = { start: "<!-- policy-config-table:start -->", end: "<!-- policy-config-table:end -->" } as const;
