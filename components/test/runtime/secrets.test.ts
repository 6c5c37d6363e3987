/**
 * A task's secrets inside its Lambda (runtime/secrets.ts) where no AWS is needed: the values a local run supplies,
 * the error naming the step, the secret and the option when one is missing, and the redactor masking them for the
 * container's life (not only for an invocation, as input values are).
 */
import assert from "node:assert/strict";
import { LATE_OUTPUT_INVOCATIONS, createRedactor } from "../../runtime/redact";
import { LOCAL_SECRETS_ENV, SECRET_UNAVAILABLE_ERROR, SECRETS_ENV } from "../../runtime/contract";
import { readSecrets } from "../../runtime/secrets";

describe("task secrets at run time", () => {
  const env = {
    [SECRETS_ENV]: JSON.stringify({ API_KEY: { parameter: "/claims/api-key" }, DB: { secret: "claims/db" } }),
    [LOCAL_SECRETS_ENV]: JSON.stringify({ API_KEY: "key-1", DB: "pw-2", UNUSED: "x" }),
  };

  it("takes the locally supplied values of exactly the task's secrets, without asking AWS", async () => {
    assert.deepEqual(await readSecrets("CallApi", ["API_KEY", "DB"], env), { API_KEY: "key-1", DB: "pw-2" });
  });

  it("fails as SecretUnavailable naming the step, the missing secrets and how to supply them", async () => {
    await assert.rejects(readSecrets("CallApi", ["API_KEY", "TOKEN"], env), (error: Error) => {
      assert.equal(error.name, SECRET_UNAVAILABLE_ERROR);
      assert.match(
        error.message,
        /step "CallApi" needs the secret TOKEN: supply --secret TOKEN=<value> \(edw-local\) or `secrets: \{ TOKEN: "<value>" \}` \(test kit\)/,
      );
      return true;
    });
  });

  it("masks a secret for the container's life, past the invocations that would forget an input's value", () => {
    const redactor = createRedactor([]);
    redactor.always("pw-2-secret");
    redactor.remember({ detail: { note: "n" } });
    redactor.also("link-secret");
    redactor.forget();
    for (let i = 0; i < LATE_OUTPUT_INVOCATIONS + 1; i++) {
      redactor.remember({});
      redactor.forget();
    }
    assert.equal(redactor.text("pw-2-secret and link-secret"), "[REDACTED] and link-secret");
  });
});
