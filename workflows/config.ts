/**
 * The order stack's settings, read from Pulumi config. Parsing is pure (it takes a lookup function) so that a bad
 * value fails with the key's name and the accepted values, in tests as in `pulumi up`.
 */
import { DEFAULTS, RETENTION_DAYS, type Architecture, type LogLevel, type WorkflowType } from "event-driven-workflow";
import { orderTimeBudget } from "./orderBudget";
import { ORDER_IDEMPOTENCY_SECONDS } from "./order";
import { chargeRecordProblems } from "./chargeRecords";

export interface OrderStackSettings {
  alertEmails: string[];
  timeoutSeconds: number;
  workflowType: WorkflowType;
  logLevel: LogLevel;
  includeExecutionData: boolean;
  retentionInDays: number;
  lambdaMemorySize: number;
  lambdaArchitecture: Architecture;
  /** Put the step Lambdas in private subnets of a VPC the stack creates (regulated environments). */
  lambdasInVpc: boolean;
  /** How long the payment gateway keeps idempotency keys, in hours (the sandbox gateway's setting; Stripe: 24). */
  paymentKeyRetentionHours: number;
}

/** The dead-letter queue's retention (the component's, 14 days): how long an order may be replayed. */
const REPLAY_WINDOW_SECONDS = 14 * 24 * 3600;

/** Raised for a config value the stack cannot use; the message names `<project>:<key>`. */
export class StackConfigError extends Error {
  constructor(key: string, value: string, expected: string) {
    super(`Config "${key}" is ${JSON.stringify(value)}: ${expected}. Set it with \`pulumi config set ${key} <value>\`.`);
    this.name = "StackConfigError";
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/**
 * The execution timeout when none is set (Pulumi.yaml declares the same): an hour, above the order workflow's worst
 * case (see orderBudget.ts) with room to spare.
 */
export const DEFAULT_TIMEOUT_SECONDS = 3600;
/** EXPRESS executions may run 5 minutes, STANDARD ones a year. */
const MAX_EXECUTION_SECONDS: Record<WorkflowType, number> = { STANDARD: 31_536_000, EXPRESS: 300 };

/**
 * Reads the settings through `get(key)` (undefined when unset), applying the defaults declared in Pulumi.yaml.
 *
 * @example
 * const settings = parseOrderStackSettings((key) => new pulumi.Config().get(key), "order-processing");
 */
export function parseOrderStackSettings(get: (key: string) => string | undefined, project = "order-processing"): OrderStackSettings {
  const read = <T>(key: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = get(key);
    if (raw === undefined || raw === "") return fallback;
    const parsed = parse(raw.trim());
    if (parsed === undefined) throw new StackConfigError(`${project}:${key}`, raw, expected);
    return parsed;
  };
  const oneOf =
    <T extends string>(values: readonly T[]) =>
    (raw: string) =>
      (values as readonly string[]).includes(raw) ? (raw as T) : undefined;
  const boolean = (raw: string) => (raw === "true" ? true : raw === "false" ? false : undefined);
  const integer = (min: number, max: number) => (raw: string) => (/^\d+$/.test(raw) && +raw >= min && +raw <= max ? +raw : undefined);

  const workflowType = read("workflowType", DEFAULTS.workflowType, oneOf(["STANDARD", "EXPRESS"] as const), "expected STANDARD or EXPRESS");
  // The execution timeout must outlast the workflow's worst case (its time budget): a longer path would end TIMED_OUT,
  // which no Catch sees, possibly after the card was charged.
  const { worst } = orderTimeBudget();
  const fewestSeconds = Math.ceil(worst.seconds);
  const maxSeconds = MAX_EXECUTION_SECONDS[workflowType];
  const why = `the order workflow's worst case is ${fewestSeconds} s, on the path ${worst.states.join(" > ")}, where ${worst.dominant} takes the most`;
  if (fewestSeconds > maxSeconds)
    throw new StackConfigError(
      `${project}:workflowType`,
      workflowType,
      `an ${workflowType} execution runs at most ${maxSeconds} s, and ${why}; use STANDARD`,
    );
  const timeoutSeconds = read(
    "timeoutSeconds",
    DEFAULT_TIMEOUT_SECONDS,
    integer(fewestSeconds, maxSeconds),
    `expected whole seconds from ${fewestSeconds} (${why}) to ${maxSeconds} (the ${workflowType} maximum)`,
  );

  return {
    alertEmails: read(
      "alertEmails",
      [] as string[],
      (raw) => {
        const emails = raw
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean);
        // Only separators (",,,") would subscribe nobody while looking configured.
        return emails.length > 0 && emails.every((e) => EMAIL.test(e)) ? emails : undefined;
      },
      "expected a comma-separated list of email addresses",
    ),
    timeoutSeconds,
    workflowType,
    logLevel: read("logLevel", DEFAULTS.stateMachineLogLevel, oneOf(["ALL", "ERROR", "FATAL"] as const), "expected ALL, ERROR or FATAL"),
    includeExecutionData: read("includeExecutionData", DEFAULTS.includeExecutionData, boolean, "expected true or false"),
    retentionInDays: read(
      "retentionInDays",
      DEFAULTS.retentionInDays,
      (raw) => (RETENTION_DAYS.includes(+raw) ? +raw : undefined),
      `expected one of ${RETENTION_DAYS.join(", ")}`,
    ),
    lambdaMemorySize: read("lambdaMemorySize", DEFAULTS.memorySize, integer(128, 10_240), "expected whole megabytes from 128 to 10240"),
    lambdaArchitecture: read("lambdaArchitecture", DEFAULTS.architecture, oneOf(["arm64", "x86_64"] as const), "expected arm64 or x86_64"),
    lambdasInVpc: read("lambdasInVpc", false, boolean, "expected true or false"),
    paymentKeyRetentionHours: checkedKeyRetention(
      read("paymentKeyRetentionHours", 24, integer(1, 8760), "expected whole hours from 1 to 8760"),
      timeoutSeconds,
      `${project}:paymentKeyRetentionHours`,
    ),
  };
}

/** The gateway's key retention, once the charge records' lifetimes are known to fit it (workflows/chargeRecords.ts). */
function checkedKeyRetention(hours: number, timeoutSeconds: number, key: string): number {
  const problems = chargeRecordProblems({
    gatewayKeyRetentionSeconds: hours * 3600,
    executionTimeoutSeconds: timeoutSeconds,
    replayWindowSeconds: REPLAY_WINDOW_SECONDS,
    chargeLedgerRetentionSeconds: Number.POSITIVE_INFINITY, // the sandbox ledger never expires
    idempotencyRecordSeconds: ORDER_IDEMPOTENCY_SECONDS,
  });
  if (problems.length > 0) throw new StackConfigError(key, String(hours), problems.join("; "));
  return hours;
}
