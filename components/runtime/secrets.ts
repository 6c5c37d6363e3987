/**
 * A task's secrets inside its Lambda: read once per container, before the first invocation, with Powertools
 * Parameters (from the Powertools layer; `@aws-sdk` clients from the Lambda runtime), from the sources the component
 * put in `EDW_SECRETS`. Locally the runner supplies the values in `EDW_LOCAL_SECRETS` instead (`--secret NAME=value`,
 * the test kit's `secrets`), and the Parameters package is never loaded.
 *
 * Closure serialization: this code is captured by Pulumi into the Lambda archive, the `require`s included.
 */
import { LOCAL_SECRETS_ENV, SECRET_UNAVAILABLE_ERROR, SECRETS_ENV } from "./contract";

/** A secret that cannot be read: its name says which, its message how to fix it. */
function unavailable(message: string): Error {
  const error = new Error(message);
  error.name = SECRET_UNAVAILABLE_ERROR;
  return error;
}

/**
 * The values of the secrets `names` of step `stepName`, by name.
 *
 * @throws Error named `SecretUnavailable` when a source is missing from `EDW_SECRETS`, a value is not supplied
 * locally, or AWS returns none.
 * @example
 * const secrets = await readSecrets("CallClaimsApi", ["API_KEY"]); // { API_KEY: "..." }
 */
export async function readSecrets(
  stepName: string,
  names: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Promise<Record<string, string>> {
  const local = env[LOCAL_SECRETS_ENV];
  if (local !== undefined) {
    const values = JSON.parse(local) as Record<string, string>;
    const missing = names.filter((name) => typeof values[name] !== "string");
    if (missing.length > 0)
      throw unavailable(
        `step "${stepName}" needs the secret${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: supply ${missing.map((n) => `--secret ${n}=<value>`).join(" ")} (edw-local) or \`secrets: { ${missing.map((n) => `${n}: "<value>"`).join(", ")} }\` (test kit).`,
      );
    return Object.fromEntries(names.map((name) => [name, values[name]]));
  }
  const sources = JSON.parse(env[SECRETS_ENV] ?? "{}") as Record<string, { parameter?: string; secret?: string }>;
  const { getParameter } = require("@aws-lambda-powertools/parameters/ssm") as typeof import("@aws-lambda-powertools/parameters/ssm");
  const { getSecret } = require("@aws-lambda-powertools/parameters/secrets") as typeof import("@aws-lambda-powertools/parameters/secrets");
  const read = async (name: string): Promise<[string, string]> => {
    const source = sources[name];
    if (!source) throw unavailable(`step "${stepName}": the secret ${name} has no source in ${SECRETS_ENV}: redeploy the workflow.`);
    const value =
      source.parameter !== undefined ? await getParameter(source.parameter, { decrypt: true }) : await getSecret(source.secret!);
    if (value === undefined)
      throw unavailable(`step "${stepName}": the secret ${name} (${source.parameter ?? source.secret}) has no value.`);
    return [name, typeof value === "string" ? value : Buffer.from(value as Uint8Array).toString("utf8")];
  };
  return Object.fromEntries(await Promise.all(names.map(read)));
}

/** Tells Pulumi to serialize this module into Lambda archives by value, never as a `require` of the library. */
export const deploymentOnlyModule = true;
