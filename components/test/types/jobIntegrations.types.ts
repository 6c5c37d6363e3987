/**
 * Compile-time checks of `callAwsService` jobs (type-checked by `npm run typecheck`, never run): `integrationPattern`
 * takes our two patterns ("requestResponse", "runJob"), not CDK's enum spellings or a token wait (that is `callback`),
 * and `passRoles` takes role ARNs. Lines under `@ts-expect-error` must not compile.
 */
import type * as aws from "@pulumi/aws";
import { callAwsService, defineSteps } from "../../index";

declare const taskRole: aws.iam.Role;
const job = {
  service: "ecs",
  action: "runTask",
  parameters: { Cluster: "reports", TaskDefinition: "report:3" },
  iamResources: ["arn:aws:ecs:us-east-1:123456789012:task-definition/report:3"],
  timeoutSeconds: 3600,
};

// A job the step waits for, with the role it passes as a Pulumi Output; routed and checked like any other step.
export const routed = defineSteps([
  callAwsService("RunReport", { ...job, integrationPattern: "runJob", passRoles: [taskRole.arn], next: "Query" }),
  callAwsService("Query", { ...job, integrationPattern: "requestResponse", end: true }),
]);
// @ts-expect-error CDK's enum value: write "runJob"
callAwsService("Cdk", { ...job, integrationPattern: "RUN_JOB", end: true });
// @ts-expect-error ASL's suffix: write "runJob"
callAwsService("Asl", { ...job, integrationPattern: ".sync", end: true });
// @ts-expect-error a token wait is `callback`, not a pattern
callAwsService("Token", { ...job, integrationPattern: "waitForTaskToken", end: true });
// @ts-expect-error passRoles lists ARNs, not roles
callAwsService("Roles", { ...job, passRoles: [taskRole], end: true });
