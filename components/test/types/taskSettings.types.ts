/**
 * Per-task settings' types, proven by `tsc` (never run): `context.secrets` has exactly the names the task declares,
 * a secret has one source, environment values are strings. Lines under `@ts-expect-error` must not compile.
 */
import { task } from "../../index";

// The declared secrets are on `context.secrets`, as strings.
export const declared = task("CallApi", {
  handler: async (_input: { id: string }, { secrets }) => ({ length: secrets.API_KEY.length + secrets.DB_PASSWORD.length }),
  timeoutSeconds: 10,
  secrets: { API_KEY: { parameter: "/claims/api-key" }, DB_PASSWORD: { secret: "claims/db" } },
  environment: { API_URL: "https://api.example.com" },
  reservedConcurrency: 5,
  provisionedConcurrency: 2,
});

// A name the task does not declare...
task("Undeclared", {
  // @ts-expect-error OTHER is not one of the task's secrets
  handler: async (_input: unknown, { secrets }) => secrets.OTHER,
  timeoutSeconds: 10,
  secrets: { API_KEY: { parameter: "/claims/api-key" } },
});
// ...or any name on a task without secrets, is a compile error.
task("NoSecrets", {
  // @ts-expect-error a task without secrets has none on context.secrets
  handler: async (_input: unknown, { secrets }) => secrets.API_KEY,
  timeoutSeconds: 10,
});

// A secret comes from Parameter Store or Secrets Manager, not both.
task("BothSources", {
  handler: async () => ({}),
  timeoutSeconds: 10,
  // @ts-expect-error a secret has one source
  secrets: { API_KEY: { parameter: "/claims/api-key", secret: "claims/api-key" } },
});

// Lambda takes string values.
task("NumericEnvironment", {
  handler: async () => ({}),
  timeoutSeconds: 10,
  // @ts-expect-error environment values are strings
  environment: { PORT: 8080 },
});

// Concurrency is a number of executions.
task("TextConcurrency", {
  handler: async () => ({}),
  timeoutSeconds: 10,
  // @ts-expect-error reservedConcurrency is a number
  reservedConcurrency: "5",
});
