/**
 * A task's secrets as deploy-time data (pure): the exact ARNs its Lambda may read (`ssm:GetParameter`,
 * `secretsmanager:GetSecretValue`, `kms:Decrypt` on named keys) and the sources its runtime reads them from
 * (the `EDW_SECRETS` variable). The runtime side is runtime/secrets.ts.
 */
import type { AccountScope } from "./iam";

/** A secret's source with its Outputs resolved: what the runtime asks Parameter Store or Secrets Manager for. */
export type SecretSource = { parameter: string } | { secret: string };

/** A task's secret with its Outputs resolved. */
export type ResolvedTaskSecret = { parameter: string; keyArn?: string } | { secret: string; keyArn?: string };

/**
 * The ARN IAM matches for a parameter given by name or ARN.
 * @example parameterArn(scope, "/claims/api-key") // "arn:aws:ssm:eu-west-1:123456789012:parameter/claims/api-key"
 */
export function parameterArn(scope: AccountScope, nameOrArn: string): string {
  if (nameOrArn.startsWith("arn:")) return nameOrArn;
  const path = nameOrArn.startsWith("/") ? nameOrArn : `/${nameOrArn}`;
  return `arn:${scope.partition}:ssm:${scope.region}:${scope.accountId}:parameter${path}`;
}

/**
 * The ARN IAM matches for a secret given by ARN or name. Secrets Manager appends six random characters to a secret's
 * ARN: a name, or an ARN without them, matches them with `-??????` (exactly six characters, as AWS recommends), so a
 * secret whose name merely starts the same does not match.
 * @example secretArn(scope, "claims/db") // "arn:aws:secretsmanager:eu-west-1:123456789012:secret:claims/db-??????"
 */
export function secretArn(scope: AccountScope, arnOrName: string): string {
  if (arnOrName.startsWith("arn:")) return /-[A-Za-z0-9]{6}$/.test(arnOrName) ? arnOrName : `${arnOrName}-??????`;
  return `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.accountId}:secret:${arnOrName}-??????`;
}

/**
 * What a task's Lambda may do to read its secrets: `ssm:GetParameter` on exactly its parameters,
 * `secretsmanager:GetSecretValue` on exactly its secrets, `kms:Decrypt` on exactly the keys named.
 *
 * @example
 * secretGrants({ API_KEY: { parameter: "/claims/api-key" } }, scope)
 * // [{ actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:...:parameter/claims/api-key"] }]
 */
export function secretGrants(
  secrets: Record<string, ResolvedTaskSecret>,
  scope: AccountScope,
): { actions: string[]; resources: string[] }[] {
  const all = Object.values(secrets);
  const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => v !== undefined))];
  const parameters = unique(all.map((s) => ("parameter" in s ? parameterArn(scope, s.parameter) : undefined)));
  const stored = unique(all.map((s) => ("secret" in s ? secretArn(scope, s.secret) : undefined)));
  const keys = unique(all.map((s) => s.keyArn));
  return [
    ...(parameters.length ? [{ actions: ["ssm:GetParameter"], resources: parameters }] : []),
    ...(stored.length ? [{ actions: ["secretsmanager:GetSecretValue"], resources: stored }] : []),
    ...(keys.length ? [{ actions: ["kms:Decrypt"], resources: keys }] : []),
  ];
}

/** The sources the runtime reads, by secret name (the keys stay out: decryption needs no key id). */
export function secretSources(secrets: Record<string, ResolvedTaskSecret>): Record<string, SecretSource> {
  return Object.fromEntries(
    Object.entries(secrets).map(([name, s]) => [name, "parameter" in s ? { parameter: s.parameter } : { secret: s.secret }]),
  );
}
