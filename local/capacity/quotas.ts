/**
 * THE table of default AWS quotas `edw-local capacity` checks a load against: per quota, its value per region (or
 * region class), the page it comes from and the day it was checked, and the Service Quotas code to ask for an
 * increase with, where one is known. Values change and accounts differ (new accounts start lower; AWS raises some
 * automatically): an account's own values go in a `--quotas` file (./quotaFile.ts).
 *
 * How each value was checked on 2026-12-07 (no AWS account here: from AWS documentation text only):
 * - Step Functions: the quota tables of the Step Functions developer guide, read from the guide's Markdown source as
 *   published on GitHub (awsdocs/aws-step-functions-developer-guide, doc_source/limits-overview.md, archived in 2023);
 *   the live page adds that new accounts have reduced state-transition quotas. Service Quotas lists these quotas
 *   ("StartExecution throttle token bucket size", "... refill rate per second") but their L- codes were not confirmed.
 * - Lambda: the concurrency quota page and the scaling-behavior page (1,000 environments per 10 s per function).
 * - EventBridge: the quota table of the EventBridge user guide, with its Service Quotas console links (the codes).
 * - KMS: the request-quotas page of the KMS developer guide (values per region); the code L-6E3AF000 is the one
 *   public Service Quotas tooling uses for "Cryptographic operations (symmetric) request rate".
 * - DynamoDB: the quotas page of the DynamoDB developer guide (40,000 read and write request units per table for
 *   on-demand tables); codes as public Service Quotas listings give them.
 * Not in the table: SNS Publish (its per-region values could not be confirmed here), SQS standard queues (AWS
 * documents nearly unlimited API calls per second for them).
 */

/** How a quota limits: a token bucket (a rate with a burst allowance), a concurrency, or a per-function scaling rate. */
export type QuotaKind = "tokenBucket" | "concurrency" | "scaling";

/** A quota's value in one region: `limit` is the rate (per second) or the count; `bucket` the burst allowance of a token bucket. */
export interface QuotaValue {
  limit: number;
  bucket?: number;
}

/** One default quota: what it limits, its values, where they come from and how to raise it. */
export interface QuotaDefinition {
  /** The key of this quota in a `--quotas` file. */
  id: string;
  name: string;
  kind: QuotaKind;
  /** The workflow types it applies to. */
  appliesTo: readonly ("STANDARD" | "EXPRESS")[];
  /** Values by region; `otherRegions` for every region not listed. */
  values: { regions: Record<string, QuotaValue>; otherRegions: QuotaValue };
  /** The Service Quotas code (L-xxxxxxxx) to request an increase with, when it is known. */
  quotaCode?: string;
  /** Why there is no code, or what else to know about raising it. */
  raise: string;
  source: { url: string; checkedOn: string };
}

const CHECKED_ON = "2026-12-07";
const STEP_FUNCTIONS_QUOTAS = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html";
const EVENTBRIDGE_QUOTAS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html";
/** The regions Step Functions names for its larger defaults. */
const LARGE_STEP_FUNCTIONS_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];
const inRegions = (regions: readonly string[], value: QuotaValue) => Object.fromEntries(regions.map((r) => [r, value]));
/** EventBridge lists one value per named region. */
const perRegion = (values: Record<string, number>) =>
  Object.fromEntries(Object.entries(values).map(([region, limit]) => [region, { limit, bucket: limit }]));

/** Every quota the command checks, in the order it prints them. */
export const DEFAULT_QUOTAS: readonly QuotaDefinition[] = [
  {
    id: "stepFunctions.standard.startExecution",
    name: "Step Functions StartExecution (STANDARD)",
    kind: "tokenBucket",
    appliesTo: ["STANDARD"],
    values: { regions: inRegions(LARGE_STEP_FUNCTIONS_REGIONS, { limit: 300, bucket: 1300 }), otherRegions: { limit: 150, bucket: 800 } },
    raise: 'Service Quotas: "StartExecution throttle token refill rate per second" (code not confirmed here; look it up in the console)',
    source: { url: STEP_FUNCTIONS_QUOTAS, checkedOn: CHECKED_ON },
  },
  {
    id: "stepFunctions.standard.stateTransition",
    name: "Step Functions StateTransition (STANDARD)",
    kind: "tokenBucket",
    appliesTo: ["STANDARD"],
    values: { regions: inRegions(LARGE_STEP_FUNCTIONS_REGIONS, { limit: 1500, bucket: 5000 }), otherRegions: { limit: 500, bucket: 800 } },
    raise:
      "Service Quotas: the state transition refill rate (code not confirmed here); new accounts start lower and AWS raises it with use",
    source: { url: STEP_FUNCTIONS_QUOTAS, checkedOn: CHECKED_ON },
  },
  {
    id: "stepFunctions.standard.openExecutions",
    name: "Step Functions open executions (STANDARD)",
    kind: "concurrency",
    appliesTo: ["STANDARD"],
    values: { regions: {}, otherRegions: { limit: 1_000_000 } },
    raise: "Service Quotas: maximum open executions (code not confirmed here)",
    source: { url: STEP_FUNCTIONS_QUOTAS, checkedOn: CHECKED_ON },
  },
  {
    id: "stepFunctions.express.startExecution",
    name: "Step Functions StartExecution (EXPRESS)",
    kind: "tokenBucket",
    appliesTo: ["EXPRESS"],
    values: { regions: {}, otherRegions: { limit: 6000, bucket: 6000 } },
    raise: 'Service Quotas: "StartExecution throttle token refill rate per second" for Express (code not confirmed here)',
    source: { url: STEP_FUNCTIONS_QUOTAS, checkedOn: CHECKED_ON },
  },
  {
    id: "lambda.concurrentExecutions",
    name: "Lambda concurrent executions (account)",
    kind: "concurrency",
    appliesTo: ["STANDARD", "EXPRESS"],
    values: { regions: {}, otherRegions: { limit: 1000 } },
    quotaCode: "L-B99A9384",
    raise: "new accounts start lower; AWS raises it with use",
    source: { url: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html", checkedOn: CHECKED_ON },
  },
  {
    id: "lambda.scalingRate",
    name: "Lambda scaling rate (new environments per 10 s, per function)",
    kind: "scaling",
    appliesTo: ["STANDARD", "EXPRESS"],
    values: { regions: {}, otherRegions: { limit: 1000 } },
    raise: "not adjustable: provisioned concurrency on the function keeps environments ready instead",
    source: { url: "https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html", checkedOn: CHECKED_ON },
  },
  {
    id: "eventBridge.putEvents",
    name: "EventBridge PutEvents",
    kind: "tokenBucket",
    appliesTo: ["STANDARD", "EXPRESS"],
    values: {
      regions: perRegion({
        "us-east-1": 10_000,
        "us-east-2": 2400,
        "us-west-1": 1200,
        "us-west-2": 10_000,
        "ap-east-1": 600,
        "ap-northeast-1": 1200,
        "ap-northeast-2": 600,
        "ap-south-1": 600,
        "ap-southeast-1": 1200,
        "ap-southeast-2": 1200,
        "ca-central-1": 600,
        "eu-central-1": 2400,
        "eu-north-1": 600,
        "eu-south-2": 2400,
        "eu-west-1": 10_000,
        "eu-west-2": 1200,
        "eu-west-3": 600,
        "sa-east-1": 600,
      }),
      otherRegions: { limit: 400, bucket: 400 },
    },
    quotaCode: "L-9B653E91",
    raise: "per account and region, all buses together",
    source: { url: EVENTBRIDGE_QUOTAS, checkedOn: CHECKED_ON },
  },
  {
    id: "eventBridge.invocations",
    name: "EventBridge invocations (rule targets)",
    kind: "tokenBucket",
    appliesTo: ["STANDARD", "EXPRESS"],
    values: {
      regions: perRegion({
        "us-east-1": 18_750,
        "us-east-2": 4500,
        "us-west-1": 2250,
        "us-west-2": 18_750,
        "ap-east-1": 1100,
        "ap-northeast-1": 2250,
        "ap-northeast-2": 1100,
        "ap-south-1": 1100,
        "ap-southeast-1": 2250,
        "ap-southeast-2": 2250,
        "ca-central-1": 1100,
        "eu-central-1": 4500,
        "eu-north-1": 1100,
        "eu-south-2": 4500,
        "eu-west-1": 18_750,
        "eu-west-2": 2250,
        "eu-west-3": 1100,
        "sa-east-1": 1100,
      }),
      otherRegions: { limit: 750, bucket: 750 },
    },
    quotaCode: "L-5540C5E3",
    raise: "throttled invocations are delayed, not lost",
    source: { url: EVENTBRIDGE_QUOTAS, checkedOn: CHECKED_ON },
  },
  {
    id: "kms.symmetricCryptographicOperations",
    name: "KMS cryptographic operations (symmetric)",
    kind: "tokenBucket",
    appliesTo: ["STANDARD", "EXPRESS"],
    values: {
      regions: {
        ...inRegions(["us-east-1", "us-west-2", "eu-west-1"], { limit: 100_000, bucket: 100_000 }),
        ...inRegions(["us-east-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "eu-central-1", "eu-west-2"], {
          limit: 20_000,
          bucket: 20_000,
        }),
      },
      otherRegions: { limit: 10_000, bucket: 10_000 },
    },
    quotaCode: "L-6E3AF000",
    raise: "shared by every symmetric key of the account in the region, including calls AWS services make on its behalf",
    source: { url: "https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html", checkedOn: CHECKED_ON },
  },
  {
    id: "dynamoDb.tableWriteUnits",
    name: "DynamoDB on-demand write request units (per table)",
    kind: "tokenBucket",
    appliesTo: ["STANDARD", "EXPRESS"],
    values: { regions: {}, otherRegions: { limit: 40_000, bucket: 40_000 } },
    quotaCode: "L-AB614373",
    raise: "the table-level write throughput limit",
    source: { url: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html", checkedOn: CHECKED_ON },
  },
  {
    id: "dynamoDb.tableReadUnits",
    name: "DynamoDB on-demand read request units (per table)",
    kind: "tokenBucket",
    appliesTo: ["STANDARD", "EXPRESS"],
    values: { regions: {}, otherRegions: { limit: 40_000, bucket: 40_000 } },
    quotaCode: "L-CF0CBE56",
    raise: "the table-level read throughput limit",
    source: { url: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html", checkedOn: CHECKED_ON },
  },
];

/** The commercial regions the table knows (a region not listed under a quota gets its `otherRegions` value). */
export const KNOWN_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
] as const;

/** A quota as it applies to one region and workflow type. */
export interface ResolvedQuota extends Omit<QuotaDefinition, "values">, QuotaValue {
  /** Whether the value comes from a `--quotas` file rather than the default table. */
  overridden: boolean;
}

/**
 * The quotas that apply to `type` in `region`, with `overrides` (by quota id) in place of the defaults.
 *
 * @example
 * const quotas = quotasFor("us-east-1", "STANDARD");
 * quotas.find((q) => q.id === "stepFunctions.standard.startExecution"); // { limit: 300, bucket: 1300, ... }
 */
export function quotasFor(
  region: string,
  type: "STANDARD" | "EXPRESS",
  overrides: Readonly<Record<string, QuotaValue>> = {},
  table: readonly QuotaDefinition[] = DEFAULT_QUOTAS,
): ResolvedQuota[] {
  return table
    .filter((q) => q.appliesTo.includes(type))
    .map(({ values, ...quota }) => {
      const base = values.regions[region] ?? values.otherRegions;
      const raised = overrides[quota.id];
      // A raised rate without its own bucket keeps the default burst allowance, at least one second of the new rate.
      const value = raised
        ? { limit: raised.limit, bucket: raised.bucket ?? (base.bucket === undefined ? undefined : Math.max(base.bucket, raised.limit)) }
        : base;
      return { ...quota, ...value, overridden: raised !== undefined };
    });
}
