/**
 * Idempotent steps: the step wrapper runs the handler of a task that declares `idempotency` through Powertools
 * Idempotency (`makeIdempotent`). A repeated input with the same key returns the stored result without running the
 * handler; a concurrent duplicate fails with `IdempotencyAlreadyInProgressError` (see contract.ts) while the first is in progress
 * (until it ends, or until its Lambda would have timed out); a failed attempt deletes its record, so a retry runs.
 *
 * In Lambda the records live in the workflow's DynamoDB table, named by the {@link IDEMPOTENCY_TABLE_ENV}
 * environment variable the component sets; locally (tests, `npm start`) the caller injects another
 * persistence layer (see local/idempotency/).
 *
 * Closure serialization: this code is captured by Pulumi into the Lambda archive. Nothing is created at deploy
 * time; the persistence layer and the idempotent function are created at the first invocation, inside Lambda.
 */
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import type { IdempotencyOptions } from "../steps/types";
import { IDEMPOTENCY_KEY_ERROR, IDEMPOTENCY_NOT_CONFIGURED_ERROR, IDEMPOTENCY_STORE_ERROR, IDEMPOTENCY_TABLE_ENV } from "./contract";

/** Creates the persistence layer of an idempotent step; called once per Lambda container, at the first invocation. */
export type PersistenceLayerFactory = () => BasePersistenceLayer;

/** Records are kept (and replayed) this long when the task does not say. */
export const DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS = 3600;

/**
 * The persistence layer in Lambda: Powertools' DynamoDB layer on the table named by {@link IDEMPOTENCY_TABLE_ENV}.
 *
 * The module is `require`d here, at run time, rather than imported: it loads the AWS SDK, which the Lambda runtime
 * provides but a deploying program (or a library user's) may not have, and only idempotent steps need it.
 */
export function dynamoDbPersistenceLayer(): BasePersistenceLayer {
  const tableName = process.env[IDEMPOTENCY_TABLE_ENV];
  if (!tableName) {
    const error = new Error(
      `This step is idempotent but ${IDEMPOTENCY_TABLE_ENV} is not set: the workflow's idempotency table is not configured on the function.`,
    );
    error.name = IDEMPOTENCY_NOT_CONFIGURED_ERROR;
    throw error;
  }
  const dynamodb = require("@aws-lambda-powertools/idempotency/dynamodb") as typeof import("@aws-lambda-powertools/idempotency/dynamodb");
  return new dynamodb.DynamoDBPersistenceLayer({ tableName });
}

/** The invocation facts the idempotent runner needs (a Lambda context has them). */
export interface IdempotentInvocation {
  getRemainingTimeInMillis(): number;
}

/** Runs `run(input)` at most once per key; `replayed` tells whether the result came from the store. */
export type IdempotentRunner = <I, O>(
  run: (input: I) => Promise<O>,
  input: I,
  invocation: IdempotentInvocation,
) => Promise<{ result: O; replayed: boolean }>;

/**
 * An idempotent runner for one step. Records are keyed `<workflow>.<step>#<hash of the key>`: stable across
 * deployments (unlike the function name Powertools would use by default) and distinct per step.
 *
 * @param createLayer the persistence layer factory, called at the first run only
 */
export function idempotentRunner(
  workflowName: string,
  stepName: string,
  options: IdempotencyOptions,
  createLayer: PersistenceLayerFactory,
): IdempotentRunner {
  // A captured object, not a `let`: Pulumi's closure serialization would rebuild a `let` on every call, and with it
  // the persistence layer's client.
  const container: {
    idempotent?: (
      input: unknown,
      invocation: IdempotentInvocation,
      attempt: { ran: boolean },
      run: (input: unknown) => Promise<unknown>,
    ) => Promise<unknown>;
  } = {};
  return async (run, input, invocation) => {
    if (!container.idempotent) {
      // Loaded at the first idempotent invocation of a container, never at deploy time.
      const { IdempotencyConfig, makeIdempotent } =
        require("@aws-lambda-powertools/idempotency") as typeof import("@aws-lambda-powertools/idempotency");
      const config = new IdempotencyConfig({
        eventKeyJmesPath: options.keyPath,
        expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS,
        // A missing key must fail the step, never run it unprotected.
        throwOnNoIdempotencyKey: true,
        ...(options.payloadValidationPath ? { payloadValidationJmesPath: options.payloadValidationPath } : {}),
      });
      container.idempotent = makeIdempotent(
        // Not `async` (one promise fewer per invocation): Powertools awaits what it returns, and catches what it throws.
        (event: unknown, _invocation: IdempotentInvocation, attempt: { ran: boolean }, handler: (input: unknown) => Promise<unknown>) => {
          attempt.ran = true;
          return handler(event);
        },
        { persistenceStore: createLayer(), config, keyPrefix: `${workflowName}.${stepName}` },
      );
    }
    // makeIdempotent registers the second argument as the Lambda context (it has getRemainingTimeInMillis), so the
    // in-progress record expires when this invocation would time out: a crashed attempt blocks no longer than that.
    const attempt = { ran: false };
    try {
      const result = await container.idempotent(input, invocation, attempt, run as (input: unknown) => Promise<unknown>);
      return { result: result as never, replayed: !attempt.ran };
    } catch (error) {
      // Powertools reports a missing key as a store failure (which is retried as transient); it never heals.
      const cause = (error as { cause?: unknown }).cause;
      if ((error as Error).name === IDEMPOTENCY_STORE_ERROR && (cause as Error | undefined)?.name === IDEMPOTENCY_KEY_ERROR) throw cause;
      throw error;
    }
  };
}

/** Tells Pulumi to serialize this module into Lambda archives by value: consumers of the installed package then need no copy of the library inside their functions. */
export const deploymentOnlyModule = true;
