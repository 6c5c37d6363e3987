/**
 * bench/sampleCoverage.ts on a few small fixture definitions written to a scratch folder (no network): it finds
 * definitions in .asl.json files and in SAM templates (with their DefinitionSubstitutions), deduplicates them
 * (comments aside), and classifies each by the states, resources and fields our builders compile.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { classifyDefinition, measureCoverage } from "../bench/sampleCoverage";

const lambdaFlow = {
  StartAt: "Charge",
  States: {
    Charge: { Type: "Task", Resource: "${ChargeFunctionArn}", Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 2 }], Next: "Review" },
    Review: {
      Type: "Task",
      Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      Parameters: { QueueUrl: "${QueueUrl}", MessageBody: { "token.$": "$$.Task.Token" } },
      End: true,
    },
  },
};

describe("sample coverage (bench/sampleCoverage.ts)", () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "edw-coverage-"));
    const write = (path: string, text: string) => {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write("a/statemachine/statemachine.asl.json", JSON.stringify(lambdaFlow));
    // The same definition with another comment: one distinct definition.
    write("b/statemachine.asl.json", JSON.stringify({ Comment: "copy", ...lambdaFlow }));
    // A SAM template: the substitution names an optimized integration the builders compile.
    write(
      "c/template.yaml",
      [
        "Resources:",
        "  Machine:",
        "    Type: AWS::Serverless::StateMachine",
        "    Properties:",
        "      DefinitionSubstitutions:",
        "        DDBPutItem: !Sub arn:${AWS::Partition}:states:::dynamodb:putItem",
        "      Definition:",
        "        StartAt: Save",
        "        States:",
        "          Save: { Type: Task, Resource: '${DDBPutItem}', Parameters: { TableName: t }, End: true }",
      ].join("\n"),
    );
    write(
      "d/statemachine.asl.json",
      JSON.stringify({
        StartAt: "Later",
        States: {
          Later: { Type: "Wait", Timestamp: "2030-01-01T00:00:00Z", Next: "Query" },
          Query: { Type: "Task", Resource: "arn:aws:states:::elasticmapreduce:addStep.sync", End: true },
        },
      }),
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("counts distinct definitions, the expressible ones, and ranks what blocks the rest", () => {
    const coverage = measureCoverage([root]);
    assert.equal(coverage.distinct, 3);
    assert.equal(coverage.expressible, 2);
    assert.deepEqual(
      coverage.blockers.map((b) => [b.blocker, b.blocks, b.alone]),
      [
        ["Wait.Timestamp", 1, 0],
        ["elasticmapreduce:addStep.sync", 1, 0],
      ],
    );
  });

  it("classifies resources and fields: SDK equivalents apart, JSONata, variables and readers the builders do not compile as blockers", () => {
    const task = (state: Record<string, unknown>) =>
      classifyDefinition({ StartAt: "S", States: { S: { Type: "Task", End: true, ...state } } });
    assert.deepEqual(task({ Resource: "arn:aws:states:::glue:startJobRun" }), {
      expressible: true,
      blockers: [],
      viaSdk: ["glue:startJobRun"],
    });
    assert.deepEqual(task({ Resource: "arn:aws:states:::http:invoke" }).blockers, ["http:invoke"]);
    assert.deepEqual(task({ Resource: "arn:aws:states:::glue:startJobRun.waitForTaskToken" }).viaSdk, [
      "glue:startJobRun.waitForTaskToken",
    ]);
    // The jobs callAwsService runs (integrationPattern "runJob") and ECS's own token integration count directly.
    assert.deepEqual(task({ Resource: "arn:aws:states:::ecs:runTask.sync" }), { expressible: true, blockers: [], viaSdk: [] });
    assert.deepEqual(task({ Resource: "arn:aws:states:::ecs:runTask.waitForTaskToken" }), { expressible: true, blockers: [], viaSdk: [] });
    assert.deepEqual(task({ Resource: "arn:aws:states:::bedrock:invokeModel" }), { expressible: true, blockers: [], viaSdk: [] });
    assert.deepEqual(task({ Resource: "arn:aws:states:::elasticmapreduce:createCluster.sync" }).blockers, [
      "elasticmapreduce:createCluster.sync",
    ]);
    assert.deepEqual(task({ Resource: "arn:aws:states:::aws-sdk:s3:getObject", Assign: { x: 1 } }).blockers, ["variables (Assign)"]);
    assert.deepEqual(task({ Resource: "arn:aws:states:us-east-1:123456789012:activity:review" }).blockers, ["activity"]);
    // A template's Fn::Sub with a region and account in the integration ARN: the same aws-sdk call.
    assert.deepEqual(
      task({ Resource: { "Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:aws-sdk:s3:getObject" } }),
      {
        expressible: true,
        blockers: [],
        viaSdk: [],
      },
    );
    assert.deepEqual(classifyDefinition({ QueryLanguage: "JSONata", StartAt: "P", States: { P: { Type: "Pass", End: true } } }).blockers, [
      "JSONata",
    ]);
    const map = classifyDefinition({
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemReader: { Resource: "arn:aws:states:::s3:getObject" },
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED" },
            StartAt: "W",
            States: { W: { Type: "Wait", Timestamp: "2030-01-01T00:00:00Z", End: true } },
          },
          End: true,
        },
      },
    });
    assert.deepEqual(map.blockers, ["Map.ItemReader", "Wait.Timestamp"]);
  });

  it("counts a Distributed Map over S3 as expressible in the forms map's itemReader, itemBatcher and resultWriter compile", () => {
    const distributed = (io: Record<string, unknown>) =>
      classifyDefinition({
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ...io,
            ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
            End: true,
          },
        },
      }).blockers;
    const csv = {
      Resource: "arn:aws:states:::s3:getObject",
      ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" },
      Parameters: { "Bucket.$": "$.bucket", Key: "rows.csv" },
    };
    const writer = { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "out", Prefix: "runs" } };
    assert.deepEqual(distributed({ ItemReader: csv, ItemBatcher: { MaxItemsPerBatch: 10 }, ResultWriter: writer }), []);
    assert.deepEqual(
      distributed({ ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: "in", Prefix: "a/" } } }),
      [],
    );
    // What the builders do not compile: a prefix read from the input, batch limits read from it, a writer's WriterConfig.
    assert.deepEqual(
      distributed({ ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: "in", "Prefix.$": "$.p" } } }),
      ["Map.ItemReader"],
    );
    assert.deepEqual(distributed({ ItemReader: csv, ItemBatcher: { MaxItemsPerBatchPath: "$.n" } }), ["Map.ItemBatcher"]);
    assert.deepEqual(distributed({ ItemReader: csv, ItemsPath: "$.rows" }), ["Map.ItemsPath with ItemReader"]);
    assert.deepEqual(distributed({ ItemReader: csv, ResultWriter: { ...writer, WriterConfig: { OutputType: "JSONL" } } }), [
      "Map.ResultWriter",
    ]);
  });
});
