import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EventDrivenWorkflow, task, WorkflowDefinitionError } from "../index";
import { installMocks, ofType, settle, outputValue, type RecordedResource } from "../../local/program/synthesize";
import { decide } from "../../test/support/iamSimulation";

describe("EventDrivenWorkflow with a step that calls AWS itself (task permissions), under mocks", () => {
  let resources: RecordedResource[];
  let bucketArn: string;
  before(async () => {
    resources = installMocks("permissions-fixture", "test");
    const bucket = new aws.s3.Bucket("reports");
    const workflow = new EventDrivenWorkflow("reports", {
      trigger: { pattern: { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: [bucket.bucket] } } } },
      timeoutSeconds: 60,
      steps: [
        task("ReadReport", {
          handler: async (event: { key: string }) => ({ key: event.key }),
          timeoutSeconds: 10,
          permissions: [{ actions: ["s3:GetObject"], resources: [pulumi.interpolate`${bucket.arn}/reports/*`] }],
          end: true,
        }),
      ],
    });
    bucketArn = await outputValue(bucket.arn);
    await outputValue(workflow.stateMachineArn);
    await settle(resources);
  });

  it("grants exactly the declared actions on the declared (Output) resources, and no more", async () => {
    const policy = JSON.parse(
      ofType(resources, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "reports-ReadReport")!.inputs.policy,
    );
    assert.deepEqual(
      policy.Statement.find((s: { Sid: string }) => s.Sid === "StepPermission0"),
      {
        Sid: "StepPermission0",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [`${bucketArn}/reports/*`],
      },
    );
    assert.match(bucketArn, /^arn:aws:s3:::/);
    assert.equal(await decide(policy, "s3:GetObject", `${bucketArn}/reports/2025.csv`), "Allowed");
    assert.equal(await decide(policy, "s3:GetObject", `${bucketArn}/private/salaries.csv`), "ImplicitlyDenied");
    assert.equal(await decide(policy, "s3:PutObject", `${bucketArn}/reports/2025.csv`), "ImplicitlyDenied");
  });

  it("resolves Outputs inside the trigger's pattern", () => {
    const [rule] = ofType(resources, "aws:cloudwatch/eventRule:EventRule");
    assert.deepEqual(JSON.parse(rule.inputs.eventPattern), {
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: { bucket: { name: [bucketArn.split(":::")[1]] } },
    });
  });

  it("creates no idempotency table when no task asks for one", () => {
    assert.equal(ofType(resources, "aws:dynamodb/table:Table").length, 0);
  });

  it("refuses a '*' grant before creating anything", () => {
    assert.throws(
      () =>
        new EventDrivenWorkflow("greedy", {
          trigger: { pattern: { source: ["x"] } },
          timeoutSeconds: 60,
          steps: [
            task("Greedy", { handler: () => 1, timeoutSeconds: 5, permissions: [{ actions: ["s3:*"], resources: ["*"] }], end: true }),
          ],
        }),
      (error: Error) => error instanceof WorkflowDefinitionError && /permissions\[0\] grants on Resource "\*"/.test(error.message),
    );
  });
});

describe("EventDrivenWorkflow's lambda.minify, under mocks", () => {
  const indexOf = async (minify: boolean | undefined): Promise<string> => {
    const resources = installMocks("minify-fixture", "test");
    const workflow = new EventDrivenWorkflow("claims", {
      trigger: { pattern: { source: ["claims.service"] } },
      timeoutSeconds: 60,
      lambda: minify === undefined ? {} : { minify },
      steps: [
        task("Assess", {
          handler: async (claim: { amount: number }) => {
            // Claims above the threshold go to a person.
            return { ...claim, review: claim.amount > 1000 };
          },
          timeoutSeconds: 10,
          end: true,
        }),
      ],
    });
    await outputValue(workflow.stateMachineArn);
    await settle(resources);
    const [fn] = ofType(resources, "aws:lambda/function:Function");
    return (await (
      await fn.inputs.code.assets
    )["__index.js"].text) as string;
  };

  it("ships each step's __index.js minified by default, and as serialized (comments kept) with minify: false", async () => {
    const [byDefault, serialized] = [await indexOf(undefined), await indexOf(false)];
    assert.match(serialized, /Claims above the threshold go to a person/);
    assert.doesNotMatch(byDefault, /Claims above the threshold/);
    assert.ok(byDefault.length < serialized.length, `${byDefault.length} vs ${serialized.length} bytes`);
    assert.match(byDefault, /review:.*>\s*1e3|review:.*>\s*1000/);
  });
});
