/**
 * Least-privilege IAM, derived as plain policy documents from resolved ARNs. The component feeds ARNs in once
 * they are known; tests evaluate the same documents offline.
 */
import type { CallAwsServiceStep, PublishEventStep, StartWorkflowStep, Step } from "../steps/types";
import type { ServiceCallRoleInput } from "./integrationPatterns";
import { serviceCallIamActions } from "./serviceCalls";
import { childExecutionsArn } from "./childWorkflows";
import { allSteps, isDistributedMap } from "./walk";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, string | string[]> | "*";
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  /** Resource policies (SNS asks for one) name themselves. */
  Id?: string;
  Statement: PolicyStatement[];
}

/**
 * The only actions granted on `Resource: "*"`, each group with the reason AWS gives. Everything else names an
 * exact ARN; the tests and the policy pack hold the generated stack to this list.
 */
export const WILDCARD_RESOURCE_ACTIONS: readonly { actions: readonly string[]; reason: string }[] = [
  {
    actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
    reason: 'X-Ray has no resource-level permissions: AWS documents Resource "*" for tracing.',
  },
  {
    actions: [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ],
    reason: 'Step Functions logging uses CloudWatch Logs vended delivery, whose actions AWS requires on Resource "*".',
  },
  {
    actions: [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ],
    reason:
      'A Lambda in a VPC manages its own network interfaces; AWS grants these on "*" (AWSLambdaVPCAccessExecutionRole) and the Describe actions have no resource-level permissions. Granted only to Lambdas placed in a VPC.',
  },
  {
    actions: ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"],
    reason:
      'Answering a callback task has no resource-level permission or condition key in IAM: AWS requires Resource "*"; the task token itself names the one task it answers.',
  },
  {
    actions: ["batch:DescribeJobs"],
    reason:
      'Watching a Batch job a step waits for (submitJob.sync): IAM defines no resource type for DescribeJobs, so AWS grants it on Resource "*" (granted only to workflows with such a step).',
  },
];

const XRAY_ACTIONS = [...WILDCARD_RESOURCE_ACTIONS[0].actions];
const LOG_DELIVERY_ACTIONS = [...WILDCARD_RESOURCE_ACTIONS[1].actions];
const VPC_ACCESS_ACTIONS = [...WILDCARD_RESOURCE_ACTIONS[2].actions];
const TASK_RESPONSE_ACTIONS = [...WILDCARD_RESOURCE_ACTIONS[3].actions];

/** The item actions Powertools Idempotency's DynamoDB persistence layer uses, and no more. */
export const IDEMPOTENCY_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

/** Where the workflow runs: used to build ARNs and the confused-deputy conditions. */
export interface AccountScope {
  partition: string;
  region: string;
  accountId: string;
}

/**
 * A service trust policy that only that service, acting for this account and for `sourceArn`, may use
 * (the confused-deputy guard AWS recommends).
 *
 * @example
 * serviceTrustPolicy("events.amazonaws.com", { accountId: "123456789012", sourceArn: ruleArn })
 */
export function serviceTrustPolicy(service: string, guard: { accountId: string; sourceArn: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": guard.accountId },
          ArnLike: { "aws:SourceArn": guard.sourceArn },
        },
      },
    ],
  };
}

/** Lambda's trust policy: Lambda does not send SourceArn on AssumeRole, so only the service is named. */
export function lambdaTrustPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  };
}

/** The rule's role may start this state machine and nothing else. */
export function ruleRolePolicy(stateMachineArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "StartThisWorkflowOnly", Effect: "Allow", Action: "states:StartExecution", Resource: stateMachineArn }],
  };
}

/**
 * The schedule's role (EventBridge Scheduler's execution role) may start this state machine and send what it cannot
 * deliver to this workflow's dead-letter queue: Scheduler sends dead letters with the role, not as a service principal.
 *
 * @example
 * schedulerRolePolicy(stateMachineArn, deadLetterQueueArn)
 */
export function schedulerRolePolicy(stateMachineArn: string, deadLetterQueueArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "StartThisWorkflowOnly", Effect: "Allow", Action: "states:StartExecution", Resource: stateMachineArn },
      { Sid: "DeadLettersToThisQueueOnly", Effect: "Allow", Action: "sqs:SendMessage", Resource: deadLetterQueueArn },
    ],
  };
}

/**
 * The schedule group a schedule belongs to: Scheduler names it as `aws:SourceArn` when it assumes the schedule's
 * role, so the role's trust policy is scoped to it.
 *
 * @example
 * scheduleGroupArn({ partition: "aws", region: "eu-west-1", accountId: "123456789012" }) // ...:schedule-group/default
 */
export function scheduleGroupArn(scope: AccountScope, group = "default"): string {
  return `arn:${scope.partition}:scheduler:${scope.region}:${scope.accountId}:schedule-group/${group}`;
}

/** What a definition's integration states need, read off the steps. */
export interface IntegrationNeeds {
  notify: boolean;
  deadLetterQueue: boolean;
  /** Step name -> the bus it names, for publishEvent steps (undefined: the trigger's bus). */
  publishEventBuses: Record<string, PublishEventStep["eventBusName"]>;
  /** A Map runs distributed (it tolerates failures): the state machine starts child executions of itself. */
  distributedMap: boolean;
  /** The `callAwsService` steps: the IAM actions each needs on its `iamResources` (Outputs until resolved), and its request. */
  serviceCalls: ServiceCallNeeds[];
  /** The `startWorkflow` steps: the child each starts (an Output until resolved) and whether it waits for it. */
  childWorkflows: { step: string; stateMachineArn: StartWorkflowStep["stateMachineArn"]; sync: boolean }[];
}

/** What one `callAwsService` step needs granted, and its request (resolved with it by the component). */
export interface ServiceCallNeeds {
  step: string;
  actions: string[];
  resources: CallAwsServiceStep["iamResources"];
  parameters: CallAwsServiceStep["parameters"];
  /** The KMS key the call's target is encrypted with, when the step names one. */
  kmsKeyArn?: CallAwsServiceStep["kmsKeyArn"];
  /** What its pattern's grants are read from (see `serviceCallPatternGrants`): the call, its pattern, the roles it passes. */
  pattern?: Pick<CallAwsServiceStep, "service" | "action" | "integrationPattern" | "passRoles">;
}

/** Reads which services a step list touches, so the execution role gets no permission it does not use. */
export function integrationNeeds(steps: readonly Step[]): IntegrationNeeds {
  const all = allSteps(steps);
  return {
    notify: all.some((s) => s.kind === "notify"),
    deadLetterQueue: all.some((s) => s.kind === "sendToDeadLetterQueue"),
    publishEventBuses: Object.fromEntries(all.flatMap((s) => (s.kind === "publishEvent" ? [[s.name, s.eventBusName]] : []))),
    distributedMap: all.some(isDistributedMap),
    serviceCalls: all.flatMap((s) =>
      s.kind === "callAwsService"
        ? [
            {
              step: s.name,
              actions: serviceCallIamActions(s) ?? [],
              resources: s.iamResources,
              parameters: s.parameters,
              ...(s.kmsKeyArn !== undefined ? { kmsKeyArn: s.kmsKeyArn } : {}),
              ...(s.integrationPattern !== undefined || s.passRoles !== undefined
                ? { pattern: { service: s.service, action: s.action, integrationPattern: s.integrationPattern, passRoles: s.passRoles } }
                : {}),
            },
          ]
        : [],
    ),
    childWorkflows: all.flatMap((s) =>
      s.kind === "startWorkflow" ? [{ step: s.name, stateMachineArn: s.stateMachineArn, sync: s.mode === "sync" }] : [],
    ),
  };
}

/** An event bus ARN from a name, or the ARN itself when given one (a bus in another account). */
export function eventBusArn(scope: AccountScope, nameOrArn: string): string {
  return nameOrArn.startsWith("arn:")
    ? nameOrArn
    : `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:event-bus/${nameOrArn}`;
}

/** Inputs of {@link executionRolePolicy}: exact ARNs of what the definition uses; omit what it does not use. */
export interface ExecutionPolicyInputs {
  functionArns: string[];
  alertTopic?: { arn: string; keyArn: string };
  deadLetterQueueArn?: string;
  eventBusArns: string[];
  /**
   * The state machine's own ARN, when a Map runs distributed: each item is a child execution of this state machine,
   * so the role may start it, and describe and stop the child executions (`execution:<name>/*`), as AWS documents
   * for a Distributed Map.
   */
  distributedMapStateMachineArn?: string;
  /** The S3 grants of the Maps' item readers and result writers (see `mapIoStatements`). @default none */
  distributedMapS3?: PolicyStatement[];
  /**
   * Each `callAwsService` step's IAM actions on exactly its resolved `iamResources`, and the data-key use of the KMS key
   * its target is encrypted with, if any. @default none
   */
  serviceCalls?: ServiceCallRoleInput[];
  /** Each `startWorkflow` step's resolved child ARN and whether it waits (`sync`). @default none */
  childWorkflows?: { step: string; stateMachineArn: string; sync: boolean }[];
  /**
   * The EventBridge rule Step Functions manages for `.sync` children (see `stepFunctionsSyncRuleArn`); required when a
   * child is started with `sync`.
   */
  syncRuleArn?: string;
}

/**
 * The state machine's execution role: invoke only this workflow's functions, publish only to its topic (with
 * the topic key's data-key rights), send only to its DLQ, put events only on the named buses; plus the X-Ray
 * and log-delivery actions AWS requires on `*`.
 */
export function executionRolePolicy(inputs: ExecutionPolicyInputs): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (inputs.functionArns.length > 0) {
    statements.push({
      Sid: "InvokeThisWorkflowsFunctions",
      Effect: "Allow",
      Action: "lambda:InvokeFunction",
      // The ARNs the definition names: unqualified, or the `live` alias of a task with provisioned concurrency; no other.
      Resource: inputs.functionArns,
    });
  }
  if (inputs.alertTopic) {
    statements.push({ Sid: "PublishToAlertTopic", Effect: "Allow", Action: "sns:Publish", Resource: inputs.alertTopic.arn });
    statements.push({
      Sid: "EncryptForAlertTopic",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: inputs.alertTopic.keyArn,
    });
  }
  if (inputs.deadLetterQueueArn) {
    statements.push({ Sid: "SendToDeadLetterQueue", Effect: "Allow", Action: "sqs:SendMessage", Resource: inputs.deadLetterQueueArn });
  }
  if (inputs.eventBusArns.length > 0) {
    statements.push({
      Sid: "PutCompletionEvents",
      Effect: "Allow",
      Action: "events:PutEvents",
      Resource: [...new Set(inputs.eventBusArns)],
    });
  }
  if (inputs.distributedMapStateMachineArn) {
    statements.push({
      Sid: "RunDistributedMapItems",
      Effect: "Allow",
      Action: "states:StartExecution",
      Resource: inputs.distributedMapStateMachineArn,
    });
    statements.push({
      Sid: "ManageDistributedMapItems",
      Effect: "Allow",
      Action: ["states:DescribeExecution", "states:StopExecution"],
      Resource: distributedMapExecutionsArn(inputs.distributedMapStateMachineArn),
    });
  }
  statements.push(...(inputs.distributedMapS3 ?? []));
  for (const call of inputs.serviceCalls ?? []) {
    // One statement per step, named after it: a reviewer sees which step needs which grant.
    statements.push({
      Sid: `Call${call.step.replace(/[^A-Za-z0-9]/g, "")}`,
      Effect: "Allow",
      Action: call.actions,
      Resource: call.resources,
    });
    // Sending to an encrypted queue or publishing to an encrypted topic makes a data key with the target's key.
    if (call.kmsKeyArn)
      statements.push({
        Sid: `Encrypt${call.step.replace(/[^A-Za-z0-9]/g, "")}`,
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: call.kmsKeyArn,
      });
    // What the call's integration pattern needs besides the call: watching a job, hearing it end, passing roles.
    for (const grant of call.grants ?? [])
      statements.push({
        Sid: `${grant.purpose}${call.step.replace(/[^A-Za-z0-9]/g, "")}`,
        Effect: "Allow",
        Action: grant.actions,
        Resource: grant.resources,
      });
  }
  for (const child of inputs.childWorkflows ?? []) {
    const sid = child.step.replace(/[^A-Za-z0-9]/g, "");
    statements.push({ Sid: `Start${sid}`, Effect: "Allow", Action: "states:StartExecution", Resource: child.stateMachineArn });
    // Waiting for a child is polling and, on timeout, stopping its execution: AWS documents both for `.sync`.
    if (child.sync)
      statements.push({
        Sid: `Watch${sid}`,
        Effect: "Allow",
        Action: ["states:DescribeExecution", "states:StopExecution"],
        Resource: childExecutionsArn(child.stateMachineArn),
      });
  }
  if (inputs.childWorkflows?.some((c) => c.sync)) {
    if (!inputs.syncRuleArn)
      throw new Error("executionRolePolicy: a sync child workflow needs syncRuleArn (see stepFunctionsSyncRuleArn).");
    statements.push({
      Sid: "HearChildWorkflowsFinish",
      Effect: "Allow",
      Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      Resource: inputs.syncRuleArn,
    });
  }
  statements.push({ Sid: "XRayTracing", Effect: "Allow", Action: XRAY_ACTIONS, Resource: "*" });
  statements.push({ Sid: "LogDelivery", Effect: "Allow", Action: LOG_DELIVERY_ACTIONS, Resource: "*" });
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The ARN pattern of the child executions a Distributed Map of this state machine starts
 * (`arn:aws:states:<region>:<account>:execution:<stateMachineName>/<mapRunLabel>:<id>`).
 *
 * @example
 * distributedMapExecutionsArn("arn:aws:states:us-east-1:123456789012:stateMachine:claims")
 * // "arn:aws:states:us-east-1:123456789012:execution:claims/*"
 */
export function distributedMapExecutionsArn(stateMachineArn: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}/*`;
}

/** What a step Lambda may touch besides its own log group and X-Ray. */
export interface LambdaAccess {
  /** The workflow's idempotency table, for idempotent steps only. */
  idempotencyTableArn?: string;
  /** The Lambda runs in a VPC and manages its network interfaces. */
  vpcAccess?: boolean;
  /** What the handler itself calls, as the task declares it in `permissions`. */
  grants?: { actions: string[]; resources: string[] }[];
}

/** A step Lambda's role: write its own log group only, plus X-Ray; the idempotency table's items and VPC access only when it needs them. */
export function lambdaRolePolicy(logGroupArn: string, access: LambdaAccess = {}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "WriteOwnLogGroup", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` },
      { Sid: "XRayTracing", Effect: "Allow", Action: XRAY_ACTIONS, Resource: "*" },
      ...(access.idempotencyTableArn
        ? [{ Sid: "IdempotencyRecords", Effect: "Allow" as const, Action: IDEMPOTENCY_TABLE_ACTIONS, Resource: access.idempotencyTableArn }]
        : []),
      ...(access.vpcAccess ? [{ Sid: "VpcNetworkInterfaces", Effect: "Allow" as const, Action: VPC_ACCESS_ACTIONS, Resource: "*" }] : []),
      ...(access.grants ?? []).map((grant, i) => ({
        Sid: `StepPermission${i}`,
        Effect: "Allow" as const,
        Action: grant.actions,
        Resource: grant.resources,
      })),
    ],
  };
}

/**
 * Every action an SNS topic policy can name (the SNS developer guide's list of valid topic-policy actions). SNS refuses
 * `sns:*` in a topic policy (the topic then fails to deploy: cdklabs/cdk-nag#676), so the TLS deny lists them all.
 */
export const SNS_TOPIC_POLICY_ACTIONS = [
  "sns:AddPermission",
  "sns:DeleteTopic",
  "sns:GetDataProtectionPolicy",
  "sns:GetTopicAttributes",
  "sns:ListSubscriptionsByTopic",
  "sns:ListTagsForResource",
  "sns:Publish",
  "sns:PutDataProtectionPolicy",
  "sns:RemovePermission",
  "sns:SetTopicAttributes",
  "sns:Subscribe",
];

/**
 * Denies every request that does not use TLS, whoever makes it: `actions` must cover every action the resource takes
 * (`sqs:*` for a queue, {@link SNS_TOPIC_POLICY_ACTIONS} for a topic, `kms:*` for a key), not only the allowed ones.
 *
 * @example
 * denyInsecureTransport(queueArn, "sqs:*")
 */
export function denyInsecureTransport(resourceArn: string, actions: string | string[]): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: actions,
    Resource: resourceArn,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/**
 * The DLQ's policy: TLS only; the service that starts executions may send to it only for this workflow's trigger:
 * EventBridge for this rule, or (for a `scheduler` ARN) EventBridge Scheduler for this schedule.
 */
export function deadLetterQueuePolicy(queueArn: string, senderArn: string): PolicyDocument {
  const scheduler = /^arn:[^:]+:scheduler:/.test(senderArn);
  return {
    Version: "2012-10-17",
    Id: "DeadLetterQueuePolicy",
    Statement: [
      denyInsecureTransport(queueArn, "sqs:*"),
      {
        Sid: scheduler ? "SchedulerDeadLetters" : "EventBridgeRuleDeadLetters",
        Effect: "Allow",
        Principal: { Service: scheduler ? "scheduler.amazonaws.com" : "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": senderArn } },
      },
    ],
  };
}

/** The alert topic's policy: TLS only for every topic action (Subscribe included); this account's CloudWatch alarms may publish. */
export function alertTopicPolicy(topicArn: string, accountId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Id: "AlertTopicPolicy",
    Statement: [
      denyInsecureTransport(topicArn, [...SNS_TOPIC_POLICY_ACTIONS]),
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/**
 * The key-policy statement that lets the account administer a customer managed key, so that IAM policies (the roles'
 * grants) decide who uses it.
 */
export function accountAdministersKey(scope: AccountScope): PolicyStatement {
  return {
    Sid: "AccountAdministersKey",
    Effect: "Allow",
    Principal: { AWS: `arn:${scope.partition}:iam::${scope.accountId}:root` },
    Action: "kms:*",
    Resource: "*",
  };
}

/**
 * The alert topic's customer managed key: the account administers it (and so may delegate to IAM roles, such
 * as the execution role's data-key grant); CloudWatch alarms of this account may use it, which the AWS
 * managed `alias/aws/sns` key does not allow. Requests without TLS are denied.
 */
export function alertKeyPolicy(scope: AccountScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      accountAdministersKey(scope),
      // KMS answers over TLS only; the deny keeps the key's policy saying so, as the topic's and the queue's do.
      denyInsecureTransport("*", "kms:*"),
      {
        Sid: "CloudWatchAlarmsEncrypt",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": scope.accountId } },
      },
    ],
  };
}

/**
 * The grant a system (or person's tooling) needs to answer callback tasks: `SendTaskSuccess`, `SendTaskFailure` and
 * `SendTaskHeartbeat`, the tightest IAM allows (no resource or condition scoping exists for these actions; the token is
 * the capability). Attach it only to the roles that answer.
 *
 * @example
 * new aws.iam.RolePolicy("approvals-answer", { role: approvalsRole.name, policy: JSON.stringify(taskResponsePolicy()) });
 */
export function taskResponsePolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "AnswerCallbackTasks", Effect: "Allow", Action: [...TASK_RESPONSE_ACTIONS], Resource: "*" }],
  };
}

/** Inputs of {@link dlqReplayPolicy}: the exact queue and bus, and the queue's customer managed key if it has one. */
export interface DlqReplayTarget {
  /** The dead-letter queue the operator reads and deletes from. */
  queueArn: string;
  /** The bus the events are put back on (the trigger's bus). */
  busArn: string;
  /** The queue's customer managed KMS key; omit for SQS-managed encryption (the component's default), which needs no KMS grant. */
  keyArn?: string;
}

/**
 * The replay operator's policy (`edw-local replay`): read, inspect and delete messages of this DLQ only, and put events on
 * this bus only; `kms:Decrypt` on the queue's key only when the queue uses a customer managed key. It may not send to the
 * queue, purge it, or start the state machine itself: a replay goes through the rule like any event.
 *
 * @example
 * new aws.iam.RolePolicy("dlq-replay", { role: operator.name, policy: JSON.stringify(dlqReplayPolicy({ queueArn, busArn })) });
 */
export function dlqReplayPolicy(target: DlqReplayTarget): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadDeadLetters",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        Resource: target.queueArn,
      },
      { Sid: "RepublishEvents", Effect: "Allow", Action: "events:PutEvents", Resource: target.busArn },
      ...(target.keyArn ? [{ Sid: "DecryptDeadLetters", Effect: "Allow" as const, Action: "kms:Decrypt", Resource: target.keyArn }] : []),
    ],
  };
}
