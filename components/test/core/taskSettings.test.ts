/**
 * Per-task settings as pure data: the validation of `environment`, `secrets`, `reservedConcurrency` and
 * `provisionedConcurrency` (core/validation/taskSettings.ts, through validateSteps), and the exact ARNs a task's
 * secrets grant (core/taskSecrets.ts).
 */
import assert from "node:assert/strict";
import { parameterArn, secretArn, secretGrants, secretSources } from "../../core/taskSecrets";
import { validateSteps, WorkflowDefinitionError } from "../../core/validate";
import { task } from "../../steps/builders";
import type { TaskOptions } from "../../steps/types";

const scope = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
const handler = async () => ({});

/** The validation messages of one task with `settings`, or [] when it is accepted. */
function problems(settings: Partial<TaskOptions<unknown, unknown>>): string[] {
  try {
    validateSteps([task("Call", { handler, timeoutSeconds: 10, end: true, ...(settings as object) })]);
    return [];
  } catch (error) {
    assert.ok(error instanceof WorkflowDefinitionError);
    return error.problems.map((p) => p.message);
  }
}

describe("per-task settings", () => {
  it("accepts an environment, secrets and concurrency AWS would", () => {
    assert.deepEqual(
      problems({
        environment: { API_URL: "https://api.example.com", Table_2: "t" },
        secrets: {
          API_KEY: { parameter: "/claims/api-key", keyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
          DB: { secret: "claims/db" },
          OTHER: { parameter: "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/token" },
        },
        reservedConcurrency: 10,
        provisionedConcurrency: 10,
      }),
      [],
    );
  });

  it("refuses environment names Lambda refuses, reserves or the library owns, non-string values and more than 4 KB", () => {
    const messages = problems({
      environment: { AWS_REGION: "x", _HANDLER: "x", EDW_SECRETS: "x", POWERTOOLS_SERVICE_NAME: "x", "1X": "x", A: "x" },
    }).join("\n");
    assert.match(messages, /`environment\.AWS_REGION`, which cannot be set: Lambda reserves it/);
    assert.match(messages, /`environment\._HANDLER`, which cannot be set: Lambda takes names .*a letter/);
    assert.match(messages, /`environment\.EDW_SECRETS`, which cannot be set: the workflow sets it itself/);
    assert.match(messages, /`environment\.POWERTOOLS_SERVICE_NAME`, which cannot be set: the workflow sets it itself/);
    assert.match(messages, /`environment\.1X`, which cannot be set: Lambda takes names of at least two characters/);
    assert.match(messages, /`environment\.A`, which cannot be set/);
    assert.match(
      problems({ environment: { PORT: 8080 as unknown as string } }).join(),
      /Lambda takes string values; write it as a string \(e\.g\. `"8080"`\)/,
    );
    assert.match(problems({ environment: { BIG: "x".repeat(4100) } }).join(), /an `environment` of 4103 bytes; Lambda takes at most 4096/);
    assert.deepEqual(problems({ environment: { BIG: "x".repeat(4090) } }), []);
  });

  it("refuses a secret without exactly one source, a bad parameter name, a bad key ARN or a non-identifier name", () => {
    assert.match(
      problems({ secrets: { A_KEY: {} as never } }).join(),
      /`secrets\.A_KEY`: .*give exactly one of `\{ parameter: "\/path" \}`/,
    );
    assert.match(problems({ secrets: { A_KEY: { parameter: "/p", secret: "s" } as never } }).join(), /`secrets\.A_KEY`: .*exactly one of/);
    assert.match(
      problems({ secrets: { A_KEY: { parameter: "no spaces allowed" } } }).join(),
      /`secrets\.A_KEY`\.parameter .*give a parameter name such as "\/claims\/api-key"/,
    );
    assert.match(problems({ secrets: { A_KEY: { secret: "" } } }).join(), /`secrets\.A_KEY`\.secret .*give the secret's ARN/);
    assert.match(
      problems({ secrets: { A_KEY: { parameter: "/p", keyArn: "alias/mine" } } }).join(),
      /`secrets\.A_KEY`\.keyArn .*give the KMS key's ARN/,
    );
    assert.match(problems({ secrets: { "api-key": { parameter: "/p" } } }).join(), /name it as an identifier .*context\.secrets\.api_key/);
  });

  it("refuses concurrency Lambda refuses: zero or fractional, or more provisioned than reserved", () => {
    assert.match(
      problems({ reservedConcurrency: 0 }).join(),
      /`reservedConcurrency: 0`: give a whole number of at least 1 \(0 would stop the function/,
    );
    assert.match(problems({ provisionedConcurrency: 1.5 }).join(), /`provisionedConcurrency: 1\.5`: give a whole number of at least 1/);
    assert.match(
      problems({ reservedConcurrency: 2, provisionedConcurrency: 3 }).join(),
      /`provisionedConcurrency: 3` above its `reservedConcurrency: 2`: Lambda refuses more provisioned than reserved/,
    );
  });

  it("grants reading exactly the parameters and secrets named, and decrypting with exactly the keys named", () => {
    assert.equal(parameterArn(scope, "/claims/api-key"), "arn:aws:ssm:eu-west-1:123456789012:parameter/claims/api-key");
    assert.equal(parameterArn(scope, "plain"), "arn:aws:ssm:eu-west-1:123456789012:parameter/plain");
    assert.equal(secretArn(scope, "claims/db"), "arn:aws:secretsmanager:eu-west-1:123456789012:secret:claims/db-??????");
    const full = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:claims/db-AbC123";
    assert.equal(secretArn(scope, full), full);
    assert.equal(secretArn(scope, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:claims/db"), `${full.slice(0, -6)}??????`);
    const key = "arn:aws:kms:eu-west-1:123456789012:key/k-1";
    const secrets = { A: { parameter: "/a", keyArn: key }, B: { secret: full, keyArn: key }, C: { parameter: "/a" } };
    assert.deepEqual(secretGrants(secrets, scope), [
      { actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:eu-west-1:123456789012:parameter/a"] },
      { actions: ["secretsmanager:GetSecretValue"], resources: [full] },
      { actions: ["kms:Decrypt"], resources: [key] },
    ]);
    assert.deepEqual(secretGrants({}, scope), []);
    assert.deepEqual(secretSources(secrets), { A: { parameter: "/a" }, B: { secret: full }, C: { parameter: "/a" } });
  });
});
