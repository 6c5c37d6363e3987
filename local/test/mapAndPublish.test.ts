/**
 * Map `itemSelector`, Map failure tolerance and publishEvent `detailPath`, executed in-process by
 * aws-local-stepfunctions through LocalWorkflow, with the step handlers bound as the local runner binds them.
 *
 * aws-local-stepfunctions 3.0.0 evaluates ItemSelector (with `$$.Map.Item.Value`/`Index`) and PutEvents
 * `"Detail.$"`, and accepts a Distributed Map's ProcessorConfig, but runs its items inline and ignores
 * ToleratedFailurePercentage/ToleratedFailureCount: a failed item fails the Map locally even where AWS would
 * tolerate it. The tolerance spec below pins that gap, so a later interpreter that honours it shows up here.
 */
import { strict as assert } from "node:assert";
import { compileDefinition, map, publishEvent, task } from "event-driven-workflow";
import type { Step } from "event-driven-workflow";
import { bindTaskSteps, localResources } from "../runner/bindSteps";
import { LocalWorkflow } from "../runner/execute";
import { toMermaid } from "../graph/graph";
import { formatPath } from "../runner/report";
import { publishedEvents } from "../simulators/messageRecorder";

const WORKFLOW = "claims";

function machineOf(steps: Step[]): LocalWorkflow {
  const definition = compileDefinition(steps, localResources(WORKFLOW, steps), { timeoutSeconds: 60 });
  return new LocalWorkflow(definition, { taskHandlers: bindTaskSteps(WORKFLOW, steps) });
}

const claimEvent = {
  source: "claims.service",
  "detail-type": "Claim Filed",
  detail: { claimId: "c-42", documents: ["photo.jpg", "invoice.pdf", "broken.bin", "report.pdf"] },
};

/** Scans one document: fails with DocumentUnreadable on "broken.bin". */
const scanDocument = () =>
  task("ScanDocument", {
    handler: async (input: { claimId: string; document: string; index: number }) => {
      if (input.document === "broken.bin") {
        const error = new Error(`document ${input.index} of claim ${input.claimId} is unreadable`);
        error.name = "DocumentUnreadable";
        throw error;
      }
      return { claimId: input.claimId, document: input.document, index: input.index, scanned: true };
    },
    timeoutSeconds: 10,
    end: true,
  });

describe("local execution: Map itemSelector, Map failure tolerance, publishEvent detailPath", () => {
  it("gives each iteration the claim id, its item and its index through itemSelector", async () => {
    const steps: Step[] = [
      map("ScanDocuments", {
        itemsPath: "$.detail.documents",
        itemSelector: { "claimId.$": "$.detail.claimId", "document.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
        steps: [
          task("ScanDocument", {
            handler: async (input: { claimId: string; document: string; index: number }) => ({ ...input, scanned: true }),
            timeoutSeconds: 10,
            end: true,
          }),
        ],
        resultPath: "$.scans",
        maxConcurrency: 2,
        end: true,
      }),
    ];
    const result = await machineOf(steps).run(claimEvent);
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(
      result.output.scans,
      claimEvent.detail.documents.map((document, index) => ({ claimId: "c-42", document, index, scanned: true })),
    );
    assert.deepEqual(result.output.detail, claimEvent.detail, "resultPath keeps the input beside the scans");
  });

  it("runs a distributed Map (one failed item in four tolerated) — locally the failed item still fails the Map", async () => {
    const steps: Step[] = [
      map("ScanDocuments", {
        itemsPath: "$.detail.documents",
        itemSelector: { "claimId.$": "$.detail.claimId", "document.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
        steps: [scanDocument()],
        toleratedFailureCount: 1,
        toleratedFailurePercentage: 25,
        resultPath: "$.scans",
        end: true,
      }),
    ];
    const machine = machineOf(steps);
    // The distributed definition is accepted and its items run (inline, in-process)...
    const clean = await machine.run({ ...claimEvent, detail: { ...claimEvent.detail, documents: ["a.pdf", "b.pdf"] } });
    assert.equal(clean.status, "SUCCEEDED", `${clean.error}: ${clean.cause}`);
    assert.equal(clean.output.scans.length, 2);
    // ...but aws-local-stepfunctions 3.0.0 ignores ToleratedFailureCount/Percentage: AWS would tolerate this
    // failure (1 of 4 = 25%) and go on; the local run fails with the item's error. See local/README.md.
    const tolerated = await machine.run(claimEvent);
    assert.equal(tolerated.status, "FAILED");
    assert.equal(tolerated.error, "DocumentUnreadable");
    assert.match(String(tolerated.cause), /document 2 of claim c-42 is unreadable/);
  });

  it("publishes only $.detail as the event's Detail with detailPath, and passes the whole input on", async () => {
    const steps: Step[] = [
      task("AssessClaim", {
        handler: async (input: typeof claimEvent) => ({ ...input, assessment: { risk: "low", reviewer: "internal-only" } }),
        timeoutSeconds: 10,
      }),
      publishEvent("AnnounceClaim", { source: "claims.processor", detailType: "Claim Assessed", detailPath: "$.detail", end: true }),
    ];
    const result = await machineOf(steps).run(claimEvent);
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.equal(result.published.length, 1);
    const [entry] = publishedEvents(result.published);
    assert.deepEqual(entry, {
      Source: "claims.processor",
      DetailType: "Claim Assessed",
      // The JSON string PutEvents carries, and its value beside it.
      Detail: JSON.stringify(claimEvent.detail),
      detail: claimEvent.detail,
      EventBusName: "default",
    });
    assert.equal(result.output.assessment.risk, "low", "the step's output is its input, unchanged");
  });

  it("shows a Map's item selector and tolerance in the graph", () => {
    const steps: Step[] = [
      map("ScanDocuments", {
        itemsPath: "$.detail.documents",
        itemSelector: { "claimId.$": "$.detail.claimId", "document.$": "$$.Map.Item.Value" },
        steps: [scanDocument()],
        toleratedFailurePercentage: 25,
        end: true,
      }),
    ];
    const chart = toMermaid(compileDefinition(steps, localResources(WORKFLOW, steps)));
    assert.match(
      chart,
      /ScanDocuments \(distributed map over \$\.detail\.documents; item as \{claimId, document\}; tolerates 25% failed\)/,
    );
  });

  it("marks as retried only the Map iteration that retried, not every visit of the state", async () => {
    let flaky = 0;
    const steps: Step[] = [
      map("ScanDocuments", {
        itemsPath: "$.detail.documents",
        steps: [
          task("ScanDocument", {
            handler: async (document: string) => {
              if (document === "invoice.pdf" && flaky++ === 0) throw Object.assign(new Error("busy"), { name: "ScannerBusy" });
              return document;
            },
            retry: [{ errors: ["ScannerBusy"], intervalSeconds: 1, maxAttempts: 2 }],
            timeoutSeconds: 10,
            end: true,
          }),
        ],
        maxConcurrency: 1,
        end: true,
      }),
    ];
    const result = await machineOf(steps).run(claimEvent);
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.retries, { ScanDocument: 1 });
    assert.equal(formatPath(result), "ScanDocuments → ScanDocument → ScanDocument (retried 1×) → ScanDocument → ScanDocument");
  });
});
