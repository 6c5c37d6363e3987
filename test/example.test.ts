import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileDefinition, validateSteps } from "../components/index";
import { bindTaskSteps, localResources } from "../local/runner/bindSteps";
import { matchEventPattern } from "../local/simulators/eventPattern";
import { messagesTo, publishedEvents } from "../local/simulators/messageRecorder";
import { LocalWorkflow, type LocalExecutionResult } from "../local/runner/execute";
import { EXAMPLE_DIR, loadDocumentWorkflow, type DocumentWorkflowModule } from "./support/exampleWorkflow";

const exampleEvent = (name: string) => JSON.parse(readFileSync(join(EXAMPLE_DIR, "events", `${name}.json`), "utf8"));

describe("the document-ingestion example (examples/document-ingestion), run locally", () => {
  let example: DocumentWorkflowModule;
  let machine: LocalWorkflow;
  before(() => {
    example = loadDocumentWorkflow();
    const steps = example.documentSteps();
    validateSteps(steps);
    const definition = compileDefinition(steps, localResources(example.WORKFLOW_NAME, steps), { timeoutSeconds: 3600 });
    machine = new LocalWorkflow(definition, { taskHandlers: bindTaskSteps(example.WORKFLOW_NAME, steps) });
  });
  const run = async (name: string): Promise<LocalExecutionResult> => {
    const event = exampleEvent(name);
    const match = matchEventPattern(example.DOCUMENT_UPLOADED_PATTERN, event);
    assert.ok(match.matched, `${name} should match the rule: ${match.reasons.join("; ")}`);
    return machine.run(event);
  };

  it("a text note: Choice -> Map over 256 KiB chunks -> Document Ingested, no OCR and no Wait", async () => {
    const result = await run("text-note");
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.path, [
      "Classify",
      "RouteDocument",
      "IndexParts",
      "IndexPart",
      "IndexPart",
      "IndexPart",
      "CompleteIngestion",
      "PublishDocumentIngested",
    ]);
    assert.deepEqual(
      { ...result.output, shards: undefined },
      {
        documentId: "doc-2001",
        location: "s3://acme-documents/notes/2025/meeting-notes.md",
        route: "text",
        parts: 3,
        shards: undefined,
      },
    );
    assert.ok(result.output.shards.every((shard: number) => shard >= 0 && shard < example.LIMITS.shards));
    const [published] = publishedEvents(result.published);
    assert.equal(result.published.length, 1);
    assert.deepEqual({ source: published.Source, type: published.DetailType }, { source: "docs.ingestion", type: "Document Ingested" });
    assert.equal(JSON.parse(published.Detail).documentId, "doc-2001", "Detail is the JSON string PutEvents carries");
    assert.equal(published.detail.documentId, "doc-2001");
  });

  it("a scanned PDF: Choice -> StartOcrJob -> Wait until the job is due -> Map over its 4 pages", async () => {
    const result = await run("scanned-contract");
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.path, [
      "Classify",
      "RouteDocument",
      "StartOcrJob",
      "WaitForOcr",
      "IndexParts",
      ...Array(4).fill("IndexPart"),
      "CompleteIngestion",
      "PublishDocumentIngested",
    ]);
    assert.equal(result.output.route, "ocr");
    assert.equal(result.output.parts, 4);
    assert.match(result.output.ocrJobId, /^ocr-[0-9a-f]{16}$/);
  });

  it("a document over the size limit: Choice -> RejectTooLarge alert -> DocumentRejected, nothing indexed", async () => {
    const result = await run("too-large");
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "DocumentRejected");
    assert.deepEqual(result.path, ["Classify", "RouteDocument", "RejectTooLarge", "DocumentRejected"]);
    assert.deepEqual(
      result.published.map((m) => [m.service, m.service === "sns" ? m.request.Subject : undefined]),
      [["sns", "Document rejected: too large"]],
    );
    assert.equal(messagesTo(result.published, "sns")[0].request.Message.documentId, "doc-2003");
  });

  it("an unsupported content type is caught (not retried) and alerted; an empty file never starts an execution", async () => {
    const result = await run("unsupported");
    assert.equal(result.status, "FAILED");
    assert.deepEqual(result.path, ["Classify", "RejectInvalid", "DocumentRejected"]);
    assert.deepEqual(result.retries, {});
    const [alert] = messagesTo(result.published, "sns");
    assert.equal(alert.request.Message.Error, "UnsupportedContentTypeError");
    assert.match(alert.request.Message.Cause, /application\/zip is not supported/);
    assert.equal(matchEventPattern(example.DOCUMENT_UPLOADED_PATTERN, exampleEvent("empty-file")).matched, false);
  });
});
