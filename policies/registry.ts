/**
 * The pack's registry: every policy of every service file, listed once, in the order the pack serves them
 * (and the engine reports them): the mandatory timeout policies first, then Step Functions, Lambda,
 * EventBridge, IAM, CloudWatch and messaging. A new policy is added to its service file and here.
 */
import type { Policies } from "@pulumi/policy";
import { cloudformationTemplateReadable } from "./cloudformation";
import { eventbridgeSfnTargetRetryDlq } from "./eventbridge";
import { iamNoWildcards, resourcePoliciesScoped } from "./iamPolicies";
import { lambdaExplicitTimeout, lambdaXrayTracing } from "./lambda";
import { messagingSecureTransport, snsEncrypted, sqsEncrypted } from "./messaging";
import { cloudwatchAlarmActions, cloudwatchAlarmTopicDeliverable, logGroupRetention } from "./observability";
import {
  sfnDefinitionReadable,
  sfnExecutionTimeout,
  sfnFailurePathsObservable,
  sfnLogging,
  sfnRetryBounded,
  sfnRetryTransientOnly,
  sfnCallbackHeartbeat,
  sfnTaskOutlastsLambda,
  sfnTaskResourceIsIntegration,
  sfnTaskTimeout,
  sfnTimeBudget,
  sfnXrayTracing,
} from "./stepfunctions";

/** Every policy of the pack, once, mandatory ones first. */
export const policies: Policies = [
  sfnTaskTimeout,
  sfnExecutionTimeout,
  sfnTimeBudget,
  lambdaExplicitTimeout,
  sfnTaskOutlastsLambda,
  sfnCallbackHeartbeat,
  sfnRetryBounded,
  sfnRetryTransientOnly,
  sfnXrayTracing,
  lambdaXrayTracing,
  sfnLogging,
  sfnFailurePathsObservable,
  sfnDefinitionReadable,
  sfnTaskResourceIsIntegration,
  eventbridgeSfnTargetRetryDlq,
  iamNoWildcards,
  resourcePoliciesScoped,
  cloudwatchAlarmActions,
  cloudwatchAlarmTopicDeliverable,
  sqsEncrypted,
  snsEncrypted,
  messagingSecureTransport,
  logGroupRetention,
  cloudformationTemplateReadable,
];
