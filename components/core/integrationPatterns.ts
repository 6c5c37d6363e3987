/**
 * The optimized Step Functions integrations `callAwsService` runs as jobs (`.sync`) or hands a task token to
 * (`.waitForTaskToken`), and the IAM each integration pattern needs: a pure table, one row per `service:action` as the
 * step names it, read by compilation (the Task `Resource`), IAM derivation (the execution role's grants), validation
 * (which pattern a call may use) and the local runner (which calls need a stand-in).
 *
 * Where the rows come from: AWS's Step Functions developer guide, the page "IAM policies for <service>" of each
 * service integration (ecs-iam, glue-iam, athena-iam, batch-iam, codebuild-iam, mediaconvert-iam, sagemaker-iam),
 * which gives the policy Step Functions generates per pattern; and AWS CDK's aws-stepfunctions-tasks, which grants
 * the same (lib/ecs/run-task.ts, lib/glue/start-job-run.ts, lib/athena/start-query-execution.ts,
 * lib/batch/submit-job.ts, lib/codebuild/start-build.ts, lib/mediaconvert/create-job.ts,
 * lib/sagemaker/create-training-job.ts, lib/bedrock/invoke-model.ts). Every action name is checked against AWS's
 * Service Authorization data by this table's unit test. Deliberate differences: the describe/stop actions CDK grants
 * on `*` for ECS and MediaConvert are granted on the account's tasks and jobs (`task/*`, `jobs/*`, the resource types
 * IAM defines for them); Batch's `DescribeJobs` has no resource type in IAM, so it is the one grant on `*` (as AWS's
 * page has it); what the job itself reads with the caller's rights (an Athena query's S3 output and Glue catalog) is
 * not derived: name it in `iamResources`/`iamActions`.
 */

import type { IntegrationPattern } from "../steps/types";

/** A grant the pattern needs besides the call itself: actions on the step's own resources, or on a derived ARN. */
export interface PatternGrant {
  /** Names the statement (before the step's name), unique in a row: what the grant is for. */
  purpose: "Watch" | "Describe" | "HearFinish";
  actions: readonly string[];
  /**
   * `"named"`: the step's `iamResources`. Otherwise an ARN template in the account (`{partition}`, `{region}`,
   * `{account}` are filled in), e.g. the EventBridge rule Step Functions manages to hear that a job ended.
   */
  on: "named" | string;
}

/** One optimized integration of {@link JOB_INTEGRATIONS}. */
export interface JobIntegration {
  /** The integration's `<service>:<action>` in its Resource (`arn:aws:states:::<service>:<action>[.sync]`). */
  resource: string;
  /** Whether request-response compiles to the optimized integration (else to `aws-sdk:<service>:<action>`, as before). */
  requestResponse: boolean;
  /** The `.sync` suffix, when the integration can run a job and wait. */
  runJob?: ".sync";
  /** Grants `.sync` needs besides the call: describe/stop the job, and the rule that hears it end. */
  runJobGrants?: readonly PatternGrant[];
  /** Whether `.waitForTaskToken` goes through this integration (else through `aws-sdk`, as any call can). */
  waitForTaskToken: boolean;
  /** The IAM action of the call itself (on `iamResources`). */
  iamAction: string;
}

const rule = (name: string) => `arn:{partition}:events:{region}:{account}:rule/${name}`;

/** The grant every `.sync` job needs: Step Functions hears the job finish through its managed rule, `ruleName`. */
const hearFinish = (ruleName: string): PatternGrant => ({
  purpose: "HearFinish",
  actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
  on: rule(ruleName),
});

/**
 * The optimized job integrations, by the `service:action` a step names (the SDK's names, as for `aws-sdk`). Step
 * Functions' `startExecution.sync:2` is `startWorkflow`'s; the request-response DynamoDB, SQS, SNS and EventBridge
 * calls are in `OPTIMIZED_SERVICE_CALLS`.
 */
export const JOB_INTEGRATIONS: Readonly<Record<string, JobIntegration>> = {
  "ecs:runTask": {
    resource: "ecs:runTask",
    requestResponse: false,
    runJob: ".sync",
    runJobGrants: [
      { purpose: "Watch", actions: ["ecs:StopTask", "ecs:DescribeTasks"], on: "arn:{partition}:ecs:{region}:{account}:task/*" },
      hearFinish("StepFunctionsGetEventsForECSTaskRule"),
    ],
    waitForTaskToken: true,
    iamAction: "ecs:RunTask",
  },
  "glue:startJobRun": {
    resource: "glue:startJobRun",
    requestResponse: false,
    runJob: ".sync",
    // Step Functions polls the run: no rule.
    runJobGrants: [{ purpose: "Watch", actions: ["glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"], on: "named" }],
    waitForTaskToken: false,
    iamAction: "glue:StartJobRun",
  },
  "athena:startQueryExecution": {
    resource: "athena:startQueryExecution",
    requestResponse: true,
    runJob: ".sync",
    runJobGrants: [{ purpose: "Watch", actions: ["athena:GetQueryExecution", "athena:StopQueryExecution"], on: "named" }],
    waitForTaskToken: false,
    iamAction: "athena:StartQueryExecution",
  },
  "athena:getQueryExecution": {
    resource: "athena:getQueryExecution",
    requestResponse: true,
    waitForTaskToken: false,
    iamAction: "athena:GetQueryExecution",
  },
  "athena:getQueryResults": {
    resource: "athena:getQueryResults",
    requestResponse: true,
    waitForTaskToken: false,
    iamAction: "athena:GetQueryResults",
  },
  "athena:stopQueryExecution": {
    resource: "athena:stopQueryExecution",
    requestResponse: true,
    waitForTaskToken: false,
    iamAction: "athena:StopQueryExecution",
  },
  "batch:submitJob": {
    resource: "batch:submitJob",
    requestResponse: false,
    runJob: ".sync",
    runJobGrants: [
      // IAM defines no resource type for DescribeJobs: it is granted on "*" or not at all (AWS's batch-iam page).
      { purpose: "Describe", actions: ["batch:DescribeJobs"], on: "*" },
      { purpose: "Watch", actions: ["batch:TerminateJob"], on: "arn:{partition}:batch:{region}:{account}:job/*" },
      hearFinish("StepFunctionsGetEventsForBatchJobsRule"),
    ],
    waitForTaskToken: false,
    iamAction: "batch:SubmitJob",
  },
  "codebuild:startBuild": {
    resource: "codebuild:startBuild",
    requestResponse: false,
    runJob: ".sync",
    runJobGrants: [
      { purpose: "Watch", actions: ["codebuild:StopBuild", "codebuild:BatchGetBuilds"], on: "named" },
      // Sic: "GetEvent", not "GetEvents", for CodeBuild (AWS's codebuild-iam page and CDK's start-build.ts agree).
      hearFinish("StepFunctionsGetEventForCodeBuildStartBuildRule"),
    ],
    waitForTaskToken: false,
    iamAction: "codebuild:StartBuild",
  },
  "sagemaker:createTrainingJob": {
    resource: "sagemaker:createTrainingJob",
    requestResponse: false,
    runJob: ".sync",
    runJobGrants: [
      { purpose: "Watch", actions: ["sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"], on: "named" },
      hearFinish("StepFunctionsGetEventsForSageMakerTrainingJobsRule"),
    ],
    waitForTaskToken: false,
    iamAction: "sagemaker:CreateTrainingJob",
  },
  "mediaconvert:createJob": {
    resource: "mediaconvert:createJob",
    requestResponse: false,
    runJob: ".sync",
    runJobGrants: [
      {
        purpose: "Watch",
        actions: ["mediaconvert:GetJob", "mediaconvert:CancelJob"],
        on: "arn:{partition}:mediaconvert:{region}:{account}:jobs/*",
      },
      hearFinish("StepFunctionsGetEventsForMediaConvertJobRule"),
    ],
    waitForTaskToken: false,
    iamAction: "mediaconvert:CreateJob",
  },
  // The SDK names the service "bedrockruntime"; Step Functions' optimized integration names it "bedrock".
  "bedrock:invokeModel": {
    resource: "bedrock:invokeModel",
    requestResponse: true,
    waitForTaskToken: false,
    iamAction: "bedrock:InvokeModel",
  },
  // IAM's name for it is InvokeFunction. Both patterns keep aws-sdk's lambda:invoke: its request-response Payload is a
  // string there (switching would change results), and the optimized `lambda:invoke.waitForTaskToken` is
  // waitForCallback's hand-off to the workflow's own Lambda, which readers of the definition (the local runner, the
  // policy pack) take it to be.
  "lambda:invoke": { resource: "lambda:invoke", requestResponse: false, waitForTaskToken: false, iamAction: "lambda:InvokeFunction" },
};

/** The row of {@link JOB_INTEGRATIONS} for a call, if any. */
export function jobIntegrationOf(service: string, action: string): JobIntegration | undefined {
  const key = `${service}:${action}`;
  return Object.hasOwn(JOB_INTEGRATIONS, key) ? JOB_INTEGRATIONS[key] : undefined;
}

/** The calls that can run as a job (`integrationPattern: "runJob"`), as `service:action`, for error messages. */
export function runJobCalls(): string[] {
  return Object.entries(JOB_INTEGRATIONS).flatMap(([key, row]) => (row.runJob ? [key] : []));
}

/** A grant with its ARNs filled in, as {@link serviceCallPatternGrants} returns it. */
export interface ResolvedPatternGrant {
  purpose: PatternGrant["purpose"] | "PassRole";
  actions: string[];
  resources: string[];
}

/**
 * The grants a call's pattern needs besides the call itself: for `.sync`, describing and stopping the job and the
 * managed rule that hears it end; `iam:PassRole` on exactly the roles it names. The call's own action on its
 * `iamResources` is `serviceCallIamActions`'.
 *
 * @example
 * serviceCallPatternGrants({ service: "glue", action: "startJobRun", integrationPattern: "runJob" }, ["arn:aws:glue:us-east-1:123456789012:job/etl"], scope)
 * // [{ purpose: "Watch", actions: ["glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"], resources: ["arn:aws:glue:us-east-1:123456789012:job/etl"] }]
 */
export function serviceCallPatternGrants(
  step: { service: string; action: string; integrationPattern?: IntegrationPattern; passRoles?: readonly string[] },
  named: readonly string[],
  scope: { partition: string; region: string; accountId: string },
): ResolvedPatternGrant[] {
  const row = jobIntegrationOf(step.service, step.action);
  const grants: ResolvedPatternGrant[] = [];
  if (row && step.integrationPattern === "runJob")
    for (const g of row.runJobGrants ?? [])
      grants.push({
        purpose: g.purpose,
        actions: [...g.actions],
        resources:
          g.on === "named"
            ? [...named]
            : [g.on.replace("{partition}", scope.partition).replace("{region}", scope.region).replace("{account}", scope.accountId)],
      });
  if (step.passRoles && step.passRoles.length > 0)
    grants.push({ purpose: "PassRole", actions: ["iam:PassRole"], resources: [...step.passRoles] });
  return grants;
}

/** A `callAwsService` step's needs with its Outputs resolved: what its statements in the execution role come from. */
export interface ResolvedServiceCall {
  step: string;
  actions: string[];
  resources: string[];
  kmsKeyArn?: string;
  pattern?: Parameters<typeof serviceCallPatternGrants>[0];
}

/** One service call's statements in the execution role: its actions on its resources, its key, its pattern's grants. */
export interface ServiceCallRoleInput {
  step: string;
  actions: string[];
  resources: string[];
  kmsKeyArn?: string;
  grants?: ResolvedPatternGrant[];
}

/**
 * The execution role's inputs for the service calls: each call's actions on exactly its resources, its key, and the
 * grants its pattern needs (what the component deploys, and what the IAM specs simulate).
 *
 * @example
 * executionRolePolicy({ functionArns: [], eventBusArns: [], serviceCalls: serviceCallRoleInputs(calls, scope) })
 */
export function serviceCallRoleInputs(
  calls: readonly ResolvedServiceCall[],
  scope: { partition: string; region: string; accountId: string },
): ServiceCallRoleInput[] {
  return calls.map(({ step, actions, resources, kmsKeyArn, pattern }) => ({
    step,
    actions,
    resources,
    kmsKeyArn,
    ...(pattern ? { grants: serviceCallPatternGrants(pattern, resources, scope) } : {}),
  }));
}
