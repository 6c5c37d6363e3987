/**
 * `callAwsService` through Step Functions' optimized job integrations: the Resource each pattern compiles to (`.sync`
 * for `integrationPattern: "runJob"`, `.waitForTaskToken` for `callback`), asl-validator acceptance, the checks of the
 * pattern and of `passRoles`, the table's IAM action names against AWS's Service Authorization data, and the grants
 * each pattern gets (IAM simulated offline: allowed on what the step names, denied on a neighbour).
 */
import assert from "node:assert/strict";
import {
  callAwsService,
  compileDefinition,
  executionRolePolicy,
  iamActionName,
  integrationNeeds,
  JOB_INTEGRATIONS,
  serviceCallIamActions,
  serviceCallRoleInputs,
  serviceCallResource,
  startWorkflow,
  validateSettings,
  WILDCARD_RESOURCE_ACTIONS,
  WorkflowDefinitionError,
  type CallAwsServiceOptions,
  type ResolvedServiceCall,
  type Step,
} from "../../index";
import { parseIntegrationArn } from "../../asl";
import { aslErrors } from "../../../test/support/asl";
import { decide } from "../../../test/support/iamSimulation";
import { validationProblems as problems, COMPILE_RESOURCES as resources } from "../../../test/support/stepLists";

const scope = { partition: "aws", region: "us-east-1", accountId: "123456789012" };
const TASK_DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/report:3";
const TASK_ROLE = "arn:aws:iam::123456789012:role/report-task";
const GLUE_JOB = "arn:aws:glue:us-east-1:123456789012:job/nightly-etl";
const WORKGROUP = "arn:aws:athena:us-east-1:123456789012:workgroup/analytics";
const JOB_QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/renders";
const JOB_DEFINITION = "arn:aws:batch:us-east-1:123456789012:job-definition/render:*";
const PROJECT = "arn:aws:codebuild:us-east-1:123456789012:project/site";
const QUEUE = "arn:aws:mediaconvert:us-east-1:123456789012:queues/Default";
const MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
const FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:partner-handoff";

const call = (name: string, options: Partial<CallAwsServiceOptions> & Pick<CallAwsServiceOptions, "service" | "action">) =>
  callAwsService(name, { iamResources: ["arn:aws:s3:::x"], timeoutSeconds: 3600, end: true, ...options } as CallAwsServiceOptions & {
    end: true;
  });

describe("callAwsService job integrations: the table", () => {
  it("names only IAM actions AWS's Service Authorization data defines, and a .sync grant for each job", () => {
    for (const [key, row] of Object.entries(JOB_INTEGRATIONS)) {
      const actions = [row.iamAction, ...(row.runJobGrants ?? []).flatMap((g) => g.actions)];
      for (const action of actions) {
        const [prefix, name] = action.split(":");
        assert.equal(iamActionName(prefix, name), action, `${key}: ${action}`);
      }
      if (row.runJob)
        assert.ok(
          (row.runJobGrants ?? []).some((g) => g.purpose === "Watch"),
          `${key} watches its job`,
        );
      // Each row's statements get distinct Sids (purpose + step name).
      const purposes = (row.runJobGrants ?? []).map((g) => g.purpose);
      assert.equal(new Set(purposes).size, purposes.length, key);
    }
  });
});

describe("callAwsService job integrations: the Resource", () => {
  const cases: [Partial<CallAwsServiceOptions> & Pick<CallAwsServiceOptions, "service" | "action">, string][] = [
    [{ service: "ecs", action: "runTask", integrationPattern: "runJob" }, "arn:aws:states:::ecs:runTask.sync"],
    [{ service: "ecs", action: "runTask", callback: {} }, "arn:aws:states:::ecs:runTask.waitForTaskToken"],
    // Request-response keeps the aws-sdk integration a call compiled to before (same response).
    [{ service: "ecs", action: "runTask" }, "arn:aws:states:::aws-sdk:ecs:runTask"],
    [{ service: "ecs", action: "runTask", integrationPattern: "requestResponse" }, "arn:aws:states:::aws-sdk:ecs:runTask"],
    [{ service: "glue", action: "startJobRun", integrationPattern: "runJob" }, "arn:aws:states:::glue:startJobRun.sync"],
    [
      { service: "athena", action: "startQueryExecution", integrationPattern: "runJob" },
      "arn:aws:states:::athena:startQueryExecution.sync",
    ],
    [{ service: "athena", action: "startQueryExecution" }, "arn:aws:states:::athena:startQueryExecution"],
    [{ service: "athena", action: "getQueryResults" }, "arn:aws:states:::athena:getQueryResults"],
    [{ service: "batch", action: "submitJob", integrationPattern: "runJob" }, "arn:aws:states:::batch:submitJob.sync"],
    [{ service: "codebuild", action: "startBuild", integrationPattern: "runJob" }, "arn:aws:states:::codebuild:startBuild.sync"],
    [
      { service: "sagemaker", action: "createTrainingJob", integrationPattern: "runJob" },
      "arn:aws:states:::sagemaker:createTrainingJob.sync",
    ],
    [{ service: "mediaconvert", action: "createJob", integrationPattern: "runJob" }, "arn:aws:states:::mediaconvert:createJob.sync"],
    [{ service: "bedrock", action: "invokeModel" }, "arn:aws:states:::bedrock:invokeModel"],
    [{ service: "lambda", action: "invoke", callback: {} }, "arn:aws:states:::aws-sdk:lambda:invoke.waitForTaskToken"],
    [{ service: "lambda", action: "invoke" }, "arn:aws:states:::aws-sdk:lambda:invoke"],
    // A callback on a call without its own token integration goes through aws-sdk, as before.
    [{ service: "glue", action: "startJobRun", callback: {} }, "arn:aws:states:::aws-sdk:glue:startJobRun.waitForTaskToken"],
  ];
  for (const [step, expected] of cases)
    it(`${step.service}:${step.action} ${step.integrationPattern ?? (step.callback ? "callback" : "default")} -> ${expected}`, () => {
      assert.equal(serviceCallResource(step as CallAwsServiceOptions), expected);
      assert.equal(
        serviceCallResource(step as CallAwsServiceOptions, "aws-cn"),
        expected.replace("arn:aws:", "arn:aws-cn:"),
        "partition follows the account",
      );
      // The policy pack and the local runner read it back.
      assert.equal(parseIntegrationArn(expected)?.action, step.action);
    });

  it("compiles a .sync ECS task with the shared path order, and asl-validator accepts it", () => {
    const definition = compileDefinition(
      [
        call("RunReport", {
          service: "ecs",
          action: "runTask",
          integrationPattern: "runJob",
          parameters: { Cluster: "reports", TaskDefinition: "report:3", LaunchType: "FARGATE" },
          iamResources: [TASK_DEFINITION],
          passRoles: [TASK_ROLE],
          inputPath: "$.detail",
          outputPath: "$.report",
          resultPath: "$.report",
        }),
      ],
      resources,
    );
    const state = definition.States.RunReport as Record<string, unknown>;
    assert.equal(state.Resource, "arn:aws:states:::ecs:runTask.sync");
    assert.deepEqual(Object.keys(state), [
      "Type",
      "Resource",
      "Parameters",
      "TimeoutSeconds",
      "InputPath",
      "OutputPath",
      "ResultPath",
      "End",
    ]);
    assert.deepEqual(aslErrors(definition), []);
  });

  it("takes the call's own IAM action from the table", () => {
    assert.deepEqual(serviceCallIamActions({ service: "bedrock", action: "invokeModel" }), ["bedrock:InvokeModel"]);
    assert.deepEqual(serviceCallIamActions({ service: "lambda", action: "invoke" }), ["lambda:InvokeFunction"]);
    assert.deepEqual(serviceCallIamActions({ service: "ecs", action: "runTask" }), ["ecs:RunTask"]);
  });
});

describe("callAwsService job integrations: validation", () => {
  it("accepts each job with its pattern", () => {
    assert.deepEqual(
      problems([call("A", { service: "glue", action: "startJobRun", integrationPattern: "runJob", iamResources: [GLUE_JOB] })]),
      [],
    );
    assert.deepEqual(
      problems([
        call("B", {
          service: "ecs",
          action: "runTask",
          integrationPattern: "runJob",
          iamResources: [TASK_DEFINITION],
          passRoles: [TASK_ROLE],
        }),
      ]),
      [],
    );
  });

  it("refuses runJob on a call with no .sync integration, naming the calls that have one", () => {
    const [found] = problems([call("Get", { service: "s3", action: "getObject", integrationPattern: "runJob" })]);
    assert.match(found, /^Get: has `integrationPattern: "runJob"`, and Step Functions has no `.sync` integration for s3:getObject/);
    assert.match(found, /ecs:runTask, glue:startJobRun/);
  });

  it("sends a child workflow that waits to startWorkflow", () => {
    const found = problems([
      call("Child", { service: "sfn", action: "startExecution", integrationPattern: "runJob", iamActions: ["states:StartExecution"] }),
    ]);
    assert.ok(
      found.some((p) => /startWorkflow\(name, \{ stateMachineArn, mode: "sync"/.test(p)),
      found.join("\n"),
    );
  });

  it("refuses runJob with a callback", () => {
    const found = problems([
      call("Both", {
        service: "ecs",
        action: "runTask",
        integrationPattern: "runJob",
        callback: {},
        parameters: { Overrides: { ContainerOverrides: [{ Environment: [{ Name: "TOKEN", "Value.$": "$$.Task.Token" }] }] } },
      }),
    ]);
    assert.ok(
      found.some((p) => /has both `integrationPattern: "runJob"` and `callback`/.test(p)),
      found.join("\n"),
    );
  });

  it("points CDK and ASL spellings of a pattern to ours", () => {
    const of = (integrationPattern: unknown) =>
      problems([call("P", { service: "glue", action: "startJobRun", integrationPattern: integrationPattern as "runJob" })]).join("\n");
    assert.match(of("WAIT_FOR_TASK_TOKEN"), /give `callback: \{\}`/);
    assert.match(of("RUN_JOB"), /write `integrationPattern: "runJob"`/);
    assert.match(of(".sync"), /write `integrationPattern: "runJob"`/);
    assert.match(of("fast"), /use "requestResponse" \(the default\) or "runJob"/);
  });

  it("refuses a .sync wait in an EXPRESS workflow (a job, and a child workflow in sync mode), not in a STANDARD one", () => {
    const steps = (): Step[] => [
      call("Etl", {
        service: "glue",
        action: "startJobRun",
        integrationPattern: "runJob",
        iamResources: [GLUE_JOB],
        end: undefined,
        next: "Child",
      } as never),
      startWorkflow("Child", {
        stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:child",
        mode: "sync",
        timeoutSeconds: 600,
        end: true,
      }),
    ];
    const refused = (workflowType: "STANDARD" | "EXPRESS") => {
      try {
        validateSettings({ timeoutSeconds: 300, workflowType }, steps());
        return [];
      } catch (error) {
        assert.ok(error instanceof WorkflowDefinitionError, String(error));
        return error.problems.map((p) => `${p.step}: ${p.message}`);
      }
    };
    assert.deepEqual(refused("STANDARD"), []);
    assert.deepEqual(refused("EXPRESS"), [
      'Etl: waits for a job (integrationPattern: "runJob") in the EXPRESS workflow: AWS refuses .sync integrations in EXPRESS executions. Use a STANDARD workflow, or start it without waiting.',
      'Child: waits for a child workflow (mode: "sync") in the EXPRESS workflow: AWS refuses .sync integrations in EXPRESS executions. Use a STANDARD workflow, or start it without waiting.',
    ]);
  });

  it("refuses passRoles that are not role ARNs", () => {
    const found = problems([
      call("Pass", {
        service: "ecs",
        action: "runTask",
        iamResources: [TASK_DEFINITION],
        passRoles: ["arn:aws:iam::123456789012:role/*", "report-task"],
      }),
      call("Empty", { service: "ecs", action: "runTask", iamResources: [TASK_DEFINITION], passRoles: [] }),
    ]);
    assert.ok(
      found.some((p) => /^Pass: has "arn:aws:iam::123456789012:role\/\*" in `passRoles`, not an IAM role ARN/.test(p)),
      found.join("\n"),
    );
    assert.ok(
      found.some((p) => /^Pass: has "report-task" in `passRoles`/.test(p)),
      found.join("\n"),
    );
    assert.ok(
      found.some((p) => /^Empty: has `passRoles: \[\]`/.test(p)),
      found.join("\n"),
    );
  });
});

describe("callAwsService job integrations: the execution role (IAM simulated offline)", () => {
  const steps = [
    call("RunReport", {
      service: "ecs",
      action: "runTask",
      integrationPattern: "runJob",
      iamResources: [TASK_DEFINITION],
      passRoles: [TASK_ROLE],
    }),
    call("Etl", { service: "glue", action: "startJobRun", integrationPattern: "runJob", iamResources: [GLUE_JOB] }),
    call("Query", { service: "athena", action: "startQueryExecution", integrationPattern: "runJob", iamResources: [WORKGROUP] }),
    call("Render", { service: "batch", action: "submitJob", integrationPattern: "runJob", iamResources: [JOB_QUEUE, JOB_DEFINITION] }),
    call("Build", { service: "codebuild", action: "startBuild", integrationPattern: "runJob", iamResources: [PROJECT] }),
    call("Transcode", { service: "mediaconvert", action: "createJob", integrationPattern: "runJob", iamResources: [QUEUE] }),
    call("Summarize", { service: "bedrock", action: "invokeModel", iamResources: [MODEL] }),
    call("HandOff", {
      service: "lambda",
      action: "invoke",
      callback: {},
      iamResources: [FUNCTION],
      parameters: { "t.$": "$$.Task.Token" },
    }),
  ];
  const needs = integrationNeeds(steps);
  const policy = executionRolePolicy({
    functionArns: [],
    eventBusArns: [],
    serviceCalls: serviceCallRoleInputs(needs.serviceCalls as ResolvedServiceCall[], scope),
  });
  const rule = (name: string) => `arn:aws:events:us-east-1:123456789012:rule/${name}`;
  const ECS_TASK = "arn:aws:ecs:us-east-1:123456789012:task/reports/0123456789abcdef";

  it("has unique statement ids", () => {
    const sids = policy.Statement.map((s) => s.Sid);
    assert.equal(new Set(sids).size, sids.length, JSON.stringify(sids));
  });

  it('grants on Resource "*" only actions of the one allowlist (the policy pack\'s iam-no-wildcards default)', () => {
    const allowlisted = new Set(WILDCARD_RESOURCE_ACTIONS.flatMap((g) => g.actions));
    const wide = policy.Statement.filter((s) => [s.Resource].flat().includes("*")).flatMap((s) => [s.Action].flat());
    assert.ok(wide.includes("batch:DescribeJobs"), JSON.stringify(wide));
    assert.deepEqual(
      wide.filter((a) => !allowlisted.has(a)),
      [],
    );
  });

  it("grants no pattern extras to a request-response call without roles", () => {
    assert.deepEqual(needs.serviceCalls.find((c) => c.step === "Summarize")?.pattern, undefined);
  });

  it("allows what each pattern needs on what is named, and denies a neighbour", async () => {
    const rows: [string, string, string][] = [
      // ECS .sync: run the named task definition, pass the named role, watch tasks, the ECS rule.
      ["ecs:RunTask", TASK_DEFINITION, "Allowed"],
      ["ecs:RunTask", TASK_DEFINITION.replace("report", "payroll"), "ImplicitlyDenied"],
      ["iam:PassRole", TASK_ROLE, "Allowed"],
      ["iam:PassRole", TASK_ROLE.replace("report-task", "admin"), "ImplicitlyDenied"],
      ["ecs:DescribeTasks", ECS_TASK, "Allowed"],
      ["ecs:StopTask", ECS_TASK, "Allowed"],
      ["ecs:StopTask", ECS_TASK.replace("123456789012", "210987654321"), "ImplicitlyDenied"],
      ["events:PutRule", rule("StepFunctionsGetEventsForECSTaskRule"), "Allowed"],
      ["events:PutTargets", rule("StepFunctionsGetEventsForECSTaskRule"), "Allowed"],
      ["events:DescribeRule", rule("StepFunctionsGetEventsForECSTaskRule"), "Allowed"],
      ["events:PutRule", rule("SomeoneElsesRule"), "ImplicitlyDenied"],
      ["events:DeleteRule", rule("StepFunctionsGetEventsForECSTaskRule"), "ImplicitlyDenied"],
      // Glue .sync: start, poll and stop the named job only.
      ["glue:StartJobRun", GLUE_JOB, "Allowed"],
      ["glue:GetJobRun", GLUE_JOB, "Allowed"],
      ["glue:BatchStopJobRun", GLUE_JOB, "Allowed"],
      ["glue:GetJobRun", GLUE_JOB.replace("nightly-etl", "other"), "ImplicitlyDenied"],
      ["glue:DeleteJob", GLUE_JOB, "ImplicitlyDenied"],
      // Athena .sync: the named workgroup.
      ["athena:StartQueryExecution", WORKGROUP, "Allowed"],
      ["athena:GetQueryExecution", WORKGROUP, "Allowed"],
      ["athena:StopQueryExecution", WORKGROUP, "Allowed"],
      ["athena:StartQueryExecution", WORKGROUP.replace("analytics", "primary"), "ImplicitlyDenied"],
      // Batch .sync: submit to the named queue and definition; DescribeJobs has no resource type (on "*").
      ["batch:SubmitJob", JOB_QUEUE, "Allowed"],
      ["batch:SubmitJob", JOB_QUEUE.replace("renders", "other"), "ImplicitlyDenied"],
      ["batch:TerminateJob", "arn:aws:batch:us-east-1:123456789012:job/abc", "Allowed"],
      ["batch:DescribeJobs", "*", "Allowed"],
      ["events:PutRule", rule("StepFunctionsGetEventsForBatchJobsRule"), "Allowed"],
      // CodeBuild .sync: the named project.
      ["codebuild:StartBuild", PROJECT, "Allowed"],
      ["codebuild:BatchGetBuilds", PROJECT, "Allowed"],
      ["codebuild:StopBuild", PROJECT, "Allowed"],
      ["codebuild:StartBuild", PROJECT.replace("site", "infra"), "ImplicitlyDenied"],
      ["events:PutTargets", rule("StepFunctionsGetEventForCodeBuildStartBuildRule"), "Allowed"],
      // MediaConvert .sync: create on the named queue; watch the account's jobs.
      ["mediaconvert:CreateJob", QUEUE, "Allowed"],
      ["mediaconvert:CreateJob", QUEUE.replace("Default", "Priority"), "ImplicitlyDenied"],
      ["mediaconvert:GetJob", "arn:aws:mediaconvert:us-east-1:123456789012:jobs/1700000000000-abc", "Allowed"],
      ["mediaconvert:CancelJob", "arn:aws:mediaconvert:us-east-1:123456789012:jobs/1700000000000-abc", "Allowed"],
      ["events:PutRule", rule("StepFunctionsGetEventsForMediaConvertJobRule"), "Allowed"],
      // Bedrock and a Lambda waiting for its token: the named model and function.
      ["bedrock:InvokeModel", MODEL, "Allowed"],
      ["bedrock:InvokeModel", MODEL.replace("haiku", "opus"), "ImplicitlyDenied"],
      ["lambda:InvokeFunction", FUNCTION, "Allowed"],
      ["lambda:InvokeFunction", FUNCTION.replace("partner-handoff", "payroll"), "ImplicitlyDenied"],
    ];
    const actual = await Promise.all(rows.map(async ([action, resource]) => decide(policy, action, resource)));
    assert.deepEqual(
      actual,
      rows.map(([, , expected]) => expected),
      JSON.stringify(rows.map((r, i) => [...r, actual[i]]).filter((r) => r[2] !== r[3])),
    );
  });
});
