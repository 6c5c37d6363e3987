/**
 * IAM policy documents for the policy pack: read a document (JSON string or object) and find statements that
 * grant `*` actions or `*` resources outside the actions AWS only accepts on `Resource: "*"`.
 */
import { WILDCARD_RESOURCE_ACTIONS } from "event-driven-workflow/core";
import { asArray, isRecord } from "./values";

/**
 * The only actions that may be granted on `Resource: "*"`, each group with the reason AWS gives: the component's
 * own list, so the pack and the generated stack agree by construction.
 */
export const WILDCARD_RESOURCE_ACTION_GROUPS = WILDCARD_RESOURCE_ACTIONS;

/** {@link WILDCARD_RESOURCE_ACTION_GROUPS}, flattened: the default of `iam-no-wildcards`' `wildcardResourceActions`. */
export const DEFAULT_WILDCARD_RESOURCE_ACTIONS: readonly string[] = WILDCARD_RESOURCE_ACTION_GROUPS.flatMap((g) => [...g.actions]);

/** One problem found in a document. */
export interface StatementFinding {
  /** `Statement[0]` or `Statement[0] (Sid "Invoke")`. */
  where: string;
  problem: string;
  fix: string;
}

function describe(statement: Record<string, unknown>, index: number): string {
  return typeof statement.Sid === "string" && statement.Sid ? `Statement[${index}] (Sid "${statement.Sid}")` : `Statement[${index}]`;
}

const strings = (value: unknown): string[] => asArray(value).filter((v): v is string => typeof v === "string");

/**
 * Findings of one identity policy document: Allow statements with `Action: "*"` or `"service:*"`, with
 * `NotAction` or `NotResource`, or with `Resource: "*"` for an action outside `wildcardResourceActions`.
 * Deny statements are never findings. Action names are compared case-insensitively, as IAM does.
 *
 * @example
 * wildcardFindings({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }, []).length // 2
 */
export function wildcardFindings(document: unknown, wildcardResourceActions: readonly string[]): StatementFinding[] {
  if (!isRecord(document))
    return [{ where: "document", problem: "is not a JSON object", fix: "pass an IAM policy document ({ Version, Statement })" }];
  const allowed = new Set(wildcardResourceActions.map((a) => a.toLowerCase()));
  const findings: StatementFinding[] = [];
  asArray(document.Statement).forEach((raw, index) => {
    if (!isRecord(raw)) return;
    if (raw.Effect === "Deny") return;
    const where = describe(raw, index);
    const actions = strings(raw.Action);
    const wildcardActions = actions.filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
    if (wildcardActions.length > 0) {
      findings.push({
        where,
        problem: `allows ${wildcardActions.map((a) => `"${a}"`).join(", ")} (every action${wildcardActions.includes("*") ? " of every service" : " of the service"})`,
        fix: 'list the exact actions the role needs, e.g. "states:StartExecution"',
      });
    }
    if (raw.NotAction !== undefined) {
      findings.push({
        where,
        problem: "allows everything except its NotAction list",
        fix: "replace NotAction with an explicit Action list",
      });
    }
    if (raw.NotResource !== undefined) {
      findings.push({
        where,
        problem: "allows every resource except its NotResource list",
        fix: "replace NotResource with the exact resource ARNs",
      });
    }
    if (strings(raw.Resource).includes("*")) {
      const notAllowlisted = actions.filter((a) => !allowed.has(a.toLowerCase()) && !wildcardActions.includes(a));
      if (notAllowlisted.length > 0) {
        findings.push({
          where,
          problem: `grants ${notAllowlisted.map((a) => `"${a}"`).join(", ")} on Resource "*"`,
          fix: `name the exact resource ARNs (Resource "*" is accepted only for actions AWS requires it for: ${wildcardResourceActions.join(", ")})`,
        });
      }
    }
  });
  return findings;
}

/** Managed policies that grant whole services (or everything) and have no place on a workflow's roles. */
export function isBroadManagedPolicy(arn: string): boolean {
  const name = arn.split("/").pop() ?? arn;
  return (
    /^arn:aws[a-zA-Z-]*:iam::aws:policy\//.test(arn) &&
    (/FullAccess(V\d+)?$/.test(name) || name === "AdministratorAccess" || name === "PowerUserAccess")
  );
}
