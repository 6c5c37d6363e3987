/**
 * Compile-time checks of `waitForCallback` with a queue or a topic (type-checked by `npm run typecheck`, never run):
 * exactly one of `handler`, `queue` and `topic`, a queue with its URL and ARN. Lines under `@ts-expect-error` must not
 * compile.
 */
import type * as aws from "@pulumi/aws";
import { defineSteps, waitForCallback } from "../../index";

declare const reviews: aws.sqs.Queue;
declare const partners: aws.sns.Topic;
const handOff = async (_: unknown, { taskToken }: { taskToken?: string }) => taskToken;

// A Pulumi queue or topic fits as it is, as do plain ARNs; the step is routed and checked like any other.
export const routed = defineSteps([
  waitForCallback("AwaitReview", { queue: reviews, timeoutSeconds: 3600, next: "AwaitPartner" }),
  waitForCallback("AwaitPartner", { topic: { arn: partners.arn }, message: { "t.$": "$$.Task.Token" }, timeoutSeconds: 60, end: true }),
]);
// @ts-expect-error a queue and a topic: give exactly one
waitForCallback("Both", { queue: reviews, topic: partners, timeoutSeconds: 60, end: true });
// @ts-expect-error a handler and a queue: give exactly one
waitForCallback("Mixed", { handler: handOff, queue: reviews, timeoutSeconds: 60, end: true });
// @ts-expect-error a queue needs its URL as well as its ARN
waitForCallback("NoUrl", { queue: { arn: "arn:aws:sqs:us-east-1:123456789012:q" }, timeoutSeconds: 60, end: true });
defineSteps([
  // @ts-expect-error reference: "Nowhere" is not a step of the list
  waitForCallback("AwaitReview", { queue: reviews, timeoutSeconds: 3600, next: "Nowhere" }),
]);
