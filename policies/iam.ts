/**
 * Policy documents for the policy pack (pure): identity policies that grant action patterns or wildcard resources
 * outside the actions AWS only accepts on `Resource: "*"`; resource and trust policies that admit anyone, an
 * unscoped service or another account; queue and topic policies that leave actions usable without TLS.
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
    const wildcardActions = actions.filter(isActionPattern);
    if (wildcardActions.length > 0) {
      findings.push({
        where,
        problem: `allows ${wildcardActions.map((a) => `"${a}"`).join(", ")} (${describeActionPatterns(wildcardActions)})`,
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
    const wildcardResources = strings(raw.Resource).filter(isWildcardResource);
    if (wildcardResources.length > 0) {
      const notAllowlisted = actions.filter((a) => !allowed.has(a.toLowerCase()) && !wildcardActions.includes(a));
      if (notAllowlisted.length > 0) {
        findings.push({
          where,
          problem: `grants ${notAllowlisted.map((a) => `"${a}"`).join(", ")} on Resource ${wildcardResources.map((r) => `"${r}"`).join(", ")}`,
          fix: `name the exact resource ARNs (Resource "*" is accepted only for actions AWS requires it for: ${wildcardResourceActions.join(", ")})`,
        });
      }
    }
  });
  return findings;
}

/**
 * Whether an action is a pattern rather than one action: `"*"`, `"s3:*"`, `"iam:Pass*"`, `"iam:PassRol?"`. IAM
 * expands `*` and `?` anywhere in the name, so a pattern grants today's matching actions and the ones AWS adds later.
 *
 * @example
 * isActionPattern("iam:Pass*") // true
 * isActionPattern("iam:PassRole") // false
 */
export function isActionPattern(action: string): boolean {
  return /[*?]/.test(action);
}

function describeActionPatterns(patterns: readonly string[]): string {
  if (patterns.some((a) => a === "*" || a === "*:*")) return "every action of every service";
  if (patterns.every((a) => /^[a-z0-9-]+:\*+$/i.test(a))) return "every action of the service";
  return "every action the pattern matches, today's and those AWS adds later";
}

/**
 * Whether a Resource covers every resource of a service (or of every service): `"*"`, `"arn:*"`, `"arn:aws:*"`, a
 * service wildcard (`"arn:aws:*:*:*:*"`), or an ARN whose whole resource part is wildcards (`"arn:aws:s3:::*"`,
 * `"arn:aws:sqs:*:*:*"`). A typed wildcard such as `function:*` names one kind of resource and is not counted.
 *
 * @example
 * isWildcardResource("arn:*") // true
 * isWildcardResource("arn:aws:lambda:us-east-1:123456789012:function:*") // false
 */
export function isWildcardResource(resource: string): boolean {
  const onlyWildcards = (s: string | undefined): boolean => s !== undefined && /^[*?]+$/.test(s);
  if (onlyWildcards(resource)) return true;
  const parts = resource.split(":");
  if (parts[0] !== "arn") return false;
  // `arn:*`, `arn:aws:*`, `arn:aws:s3:*`: a wildcard that ends the ARN early swallows the rest of it.
  if (parts.length < 6) return onlyWildcards(parts[parts.length - 1]);
  return onlyWildcards(parts[1]) || onlyWildcards(parts[2]) || onlyWildcards(parts.slice(5).join(":"));
}

/**
 * AWS managed policies that grant whole services (or everything, or read everything) and have no place on a
 * workflow's roles: `…FullAccess`, `…ReadOnlyAccess` (`ReadOnlyAccess` itself reads every service's data),
 * `AdministratorAccess…`, `PowerUserAccess`, `ViewOnlyAccess` and the `job-function/` policies.
 *
 * @example
 * isBroadManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess") // true
 * isBroadManagedPolicy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole") // false
 */
export function isBroadManagedPolicy(arn: string): boolean {
  const match = /^arn:aws[a-zA-Z-]*:iam::aws:policy\/(.*)$/.exec(arn.trim());
  if (!match) return false;
  const path = match[1];
  const name = path.split("/").pop() ?? path;
  return (
    path.startsWith("job-function/") ||
    /(FullAccess|ReadOnlyAccess)(V\d+)?$/.test(name) ||
    /^AdministratorAccess/.test(name) ||
    name === "PowerUserAccess" ||
    name === "ViewOnlyAccess"
  );
}

// ---------------------------------------------------------------------------------------------------------
// Resource and trust policies: who may act
// ---------------------------------------------------------------------------------------------------------

/** Condition keys that pin a request to an account, organization, source resource or network. */
const SCOPING_CONDITION_KEYS: ReadonlySet<string> = new Set(
  [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "kms:CallerAccount",
    "kms:ViaService",
  ].map((k) => k.toLowerCase()),
);

/**
 * Operators that require the key to be present and to match: `...IfExists` passes when the key is absent,
 * `ForAllValues:` passes on an empty set, and the negated operators admit everything else.
 */
const MATCHING_OPERATOR = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/i;

/** Whether a statement's Condition pins the request to a named account, organization, source or network. */
export function hasScopingCondition(statement: Record<string, unknown>): boolean {
  const condition = statement.Condition;
  if (!isRecord(condition)) return false;
  return Object.entries(condition).some(
    ([operator, block]) =>
      MATCHING_OPERATOR.test(operator) &&
      isRecord(block) &&
      Object.entries(block).some(([key, values]) => {
        const k = key.toLowerCase();
        const scoped = SCOPING_CONDITION_KEYS.has(k) || k.startsWith("kms:encryptioncontext:");
        const list = strings(values);
        return scoped && list.length > 0 && list.every((v) => !/^[*?]+$/.test(v));
      }),
  );
}

/** The principals of a statement by kind (`AWS`, `Service`, ...); `"*"` alone counts as `AWS: "*"`. */
function principalsOf(statement: Record<string, unknown>): Map<string, string[]> {
  const principal = statement.Principal;
  if (principal === "*") return new Map([["AWS", ["*"]]]);
  if (!isRecord(principal)) return new Map();
  return new Map(Object.entries(principal).map(([kind, value]) => [kind, strings(value)]));
}

/** The account of an AWS principal (`123456789012`, `arn:aws:iam::123456789012:root`, a role or user ARN). */
function principalAccount(principal: string): string | undefined {
  return /^(\d{12})$/.exec(principal)?.[1] ?? /^arn:aws[a-zA-Z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/**
 * The account in an ARN, when it names one.
 *
 * @example
 * arnAccount("arn:aws:sqs:us-east-1:123456789012:order-dlq") // "123456789012"
 */
export function arnAccount(arn: unknown): string | undefined {
  return typeof arn === "string" ? /^arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(arn)?.[1] : undefined;
}

/** The account that owns the resources a statement is about, read from its Resource ARNs when they name one. */
function ownerAccountOf(statement: Record<string, unknown>): string | undefined {
  return strings(statement.Resource)
    .map(arnAccount)
    .find((account) => account !== undefined);
}

/** An AWS principal that means every account: `"*"` or an ARN with a wildcard account (`arn:aws:iam::*:root`). */
const isAnyone = (principal: string): boolean => /^[*?]+$/.test(principal) || /^arn:aws[a-zA-Z-]*:iam::[*?]+:/.test(principal);

/**
 * Findings of a resource policy (queue, topic, key: `"resource"`) or a role's trust policy (`"trust"`): an Allow
 * statement that admits anyone (`Principal: "*"`, `{"AWS": "*"}`, `NotPrincipal`) without a condition pinning the
 * account, organization, source or network; and, in a resource policy, an AWS service principal without
 * `aws:SourceArn`/`aws:SourceAccount` (any customer's rule, alarm or bucket could then use the resource through
 * the service: the confused deputy); and a principal of another account than the resource's own (`accounts.owner`,
 * or the account in the statement's Resource ARNs) unless it is in `accounts.trusted`. Deny statements are never
 * findings.
 *
 * @example
 * principalFindings({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:q" }] }, "resource").length // 1
 */
export function principalFindings(
  document: unknown,
  kind: "resource" | "trust",
  accounts: { owner?: string; trusted?: readonly string[] } = {},
): StatementFinding[] {
  if (!isRecord(document))
    return [{ where: "document", problem: "is not a JSON object", fix: "pass a policy document ({ Version, Statement })" }];
  const findings: StatementFinding[] = [];
  asArray(document.Statement).forEach((raw, index) => {
    if (!isRecord(raw) || raw.Effect === "Deny") return;
    const where = describe(raw, index);
    const scoped = hasScopingCondition(raw);
    const pin =
      'add a Condition that pins the caller, e.g. "StringEquals": { "aws:PrincipalAccount": "<account id>" } or { "aws:PrincipalOrgID": "<org id>" }, or name the principals\' ARNs';
    if (raw.NotPrincipal !== undefined) {
      findings.push({
        where,
        problem: "allows every principal except its NotPrincipal list",
        fix: "replace NotPrincipal with the exact principals",
      });
      return;
    }
    const principals = principalsOf(raw);
    const anyone = (principals.get("AWS") ?? []).filter(isAnyone);
    if (anyone.length > 0 && !scoped) {
      findings.push({
        where,
        problem: `${kind === "trust" ? "lets anyone in any AWS account assume the role" : "allows anyone in any AWS account"} (Principal ${anyone.map((p) => `"${p}"`).join(", ")}) with no condition pinning the caller`,
        fix: pin,
      });
    }
    const owner = ownerAccountOf(raw) ?? accounts.owner;
    const foreign = owner
      ? (principals.get("AWS") ?? []).filter((p) => {
          const account = principalAccount(p);
          return account !== undefined && account !== owner && !(accounts.trusted ?? []).includes(account);
        })
      : [];
    if (foreign.length > 0) {
      findings.push({
        where,
        problem: `admits ${foreign.map((p) => `"${p}"`).join(", ")}, outside the resource's own account ${owner}`,
        fix: "remove the other account's principal, or list its account in this policy's trustedAccounts if the grant is intended",
      });
    }
    if (kind === "resource" && !scoped) {
      const services = principals.get("Service") ?? [];
      if (services.length > 0) {
        findings.push({
          where,
          problem: `allows the service principal ${services.map((p) => `"${p}"`).join(", ")} with no aws:SourceArn or aws:SourceAccount condition, so any AWS customer's resources can use it through that service (the confused deputy)`,
          fix: 'add "Condition": { "ArnEquals": { "aws:SourceArn": "<the rule, alarm or resource ARN>" } } (or "StringEquals": { "aws:SourceAccount": "<account id>" })',
        });
      }
    }
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// Encryption in transit: the aws:SecureTransport deny
// ---------------------------------------------------------------------------------------------------------

/** An IAM action glob as a case-insensitive regular expression (`*` any run, `?` one character). */
function actionGlob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** Whether a statement is a Deny for everyone on requests that do not use TLS. */
function deniesInsecureTransport(statement: Record<string, unknown>): boolean {
  if (statement.Effect !== "Deny") return false;
  const anyone = statement.Principal === "*" || (isRecord(statement.Principal) && strings(statement.Principal.AWS).includes("*"));
  const condition = isRecord(statement.Condition) ? statement.Condition.Bool : undefined;
  const secure = isRecord(condition) ? asArray(condition["aws:SecureTransport"]).map(String) : [];
  return anyone && secure.includes("false");
}

/**
 * The actions a queue or topic policy allows that its `aws:SecureTransport: "false"` Deny does not cover: those
 * can be used over plain HTTP. Without such a Deny, every allowed action is a gap. An allowed pattern (`sqs:*`)
 * counts as covered only by a Deny pattern that matches it as written (`sqs:*`, `*`).
 *
 * @example
 * insecureTransportGaps({ Statement: [
 *   { Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Condition: { Bool: { "aws:SecureTransport": "false" } } },
 *   { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: ["sqs:SendMessage", "sqs:ReceiveMessage"] },
 * ] }) // ["sqs:ReceiveMessage"]
 */
export function insecureTransportGaps(document: unknown): string[] {
  if (!isRecord(document)) return [];
  const statements = asArray(document.Statement).filter(isRecord);
  const denied = statements.filter(deniesInsecureTransport).flatMap((s) => strings(s.Action).map(actionGlob));
  const allowed = [...new Set(statements.filter((s) => s.Effect !== "Deny").flatMap((s) => strings(s.Action)))];
  return allowed.filter((action) => !denied.some((glob) => glob.test(action)));
}
