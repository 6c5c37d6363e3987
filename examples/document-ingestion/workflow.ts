/**
 * The document-ingestion workflow as plain step data. The Pulumi program (index.ts) deploys it, and the local
 * runner and the tests execute it, so what runs locally is what deploys.
 *
 *   Classify -> RouteDocument (Choice)
 *     too large            -> RejectTooLarge (alert) -> DocumentRejected
 *     needs OCR            -> StartOcrJob -> WaitForOcr (Wait until the job is due) -> IndexParts
 *     otherwise            -> IndexParts
 *   IndexParts (Map: IndexPart per page or chunk) -> CompleteIngestion -> PublishDocumentIngested ("Document Ingested")
 *   invalid/unsupported    -> RejectInvalid (alert) -> DocumentRejected
 *   anything unexpected    -> AlertIngestionFailed (alert) -> IngestionFailed
 *
 * Every handler is inline, so Pulumi serializes it into its step's Lambda with what it captures (the limits and
 * the helpers below); node:crypto comes from the Lambda runtime.
 */
import { createHash } from "node:crypto";
import { choice, fail, map, notify, publishEvent, task, wait, type Retry, type Step } from "event-driven-workflow";

/** The component's name: prefixes every resource, and is the metrics namespace of the step Lambdas. */
export const WORKFLOW_NAME = "document-ingestion";

/** The rule's pattern: non-empty documents announced by the upload service. */
export const DOCUMENT_UPLOADED_PATTERN = {
  source: ["docs.upload"],
  "detail-type": ["Document Uploaded"],
  detail: { sizeBytes: [{ numeric: [">", 0] }] },
};

/** The completion event's source and detail-type. */
export const DOCUMENT_INGESTED_EVENT = { source: "docs.ingestion", detailType: "Document Ingested" } as const;

/** The `detail` of a "Document Uploaded" event. */
export interface UploadedDocument {
  documentId: string;
  bucket: string;
  key: string;
  contentType: string;
  sizeBytes: number;
  /** Pages of a PDF (required for PDFs). */
  pageCount?: number;
  /** A PDF made of page images, without a text layer: it needs OCR. */
  scanned?: boolean;
}

/** A page or a chunk of a document: one Map iteration, carrying what IndexPart needs. */
export interface DocumentPart {
  documentId: string;
  kind: "page" | "chunk";
  index: number;
  /** Byte range of a text chunk. */
  range?: [number, number];
  source: "text" | "ocr";
}

/** Classify's output: the state the rest of the workflow reads. */
export interface ClassifiedDocument {
  document: UploadedDocument;
  route: "text" | "ocr";
  sizeBytes: number;
  parts: DocumentPart[];
}

export const LIMITS = {
  /** Larger documents are rejected by RouteDocument. */
  maxBytes: 50 * 1024 * 1024,
  /** Text documents are indexed in chunks of this size. */
  chunkBytes: 256 * 1024,
  /** Most pages of a PDF: keeps the Map's input and results well under Step Functions' 256 KB state limit. */
  maxPages: 1000,
  /** Index shards; a part's shard is a hash of its key. */
  shards: 16,
  /** Estimated OCR time per page, and the longest we wait for a job. */
  ocrSecondsPerPage: 3,
  maxOcrWaitSeconds: 900,
};

const TEXT_TYPES = ["text/plain", "text/markdown", "text/csv", "application/json"];
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/tiff"];

/** An Error whose `name` is the error Step Functions matches in Catch and Retry rules. */
function stepError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * Routes a document and splits it into the parts IndexParts maps over (none when it is over the size limit, which
 * RouteDocument rejects); throws the errors Classify's Catch routes.
 */
export function classify(document: UploadedDocument): ClassifiedDocument {
  const problems = (["documentId", "bucket", "key", "contentType"] as const)
    .filter((field) => typeof document?.[field] !== "string" || document[field]!.length === 0)
    .map((field) => `${field} is required`);
  if (!Number.isInteger(document?.sizeBytes) || document.sizeBytes <= 0) problems.push("sizeBytes must be a positive integer");
  if (problems.length > 0) throw stepError("InvalidDocumentError", `document ${document?.documentId ?? "<no id>"}: ${problems.join("; ")}`);

  const { documentId, contentType, sizeBytes } = document;
  const within = sizeBytes <= LIMITS.maxBytes;
  const pages = (count: number, source: DocumentPart["source"]) =>
    within ? Array.from({ length: count }, (_, index): DocumentPart => ({ documentId, kind: "page", index, source })) : [];
  if (TEXT_TYPES.includes(contentType)) {
    const chunks = within ? Math.ceil(sizeBytes / LIMITS.chunkBytes) : 0;
    const parts = Array.from(
      { length: chunks },
      (_, index): DocumentPart => ({
        documentId,
        kind: "chunk",
        index,
        range: [index * LIMITS.chunkBytes, Math.min(sizeBytes, (index + 1) * LIMITS.chunkBytes) - 1],
        source: "text",
      }),
    );
    return { document, sizeBytes, route: "text", parts };
  }
  if (contentType === "application/pdf") {
    if (!Number.isInteger(document.pageCount) || document.pageCount! <= 0)
      throw stepError("InvalidDocumentError", `document ${documentId}: a PDF needs a positive integer pageCount`);
    if (within && document.pageCount! > LIMITS.maxPages)
      throw stepError("InvalidDocumentError", `document ${documentId}: ${document.pageCount} pages, more than ${LIMITS.maxPages}`);
    const route = document.scanned === true ? "ocr" : "text";
    return { document, sizeBytes, route, parts: pages(document.pageCount!, route) };
  }
  if (IMAGE_TYPES.includes(contentType)) return { document, sizeBytes, route: "ocr", parts: pages(1, "ocr") };
  throw stepError("UnsupportedContentTypeError", `document ${documentId}: content type ${contentType} is not supported`);
}

/** The shard of an index key: stable across runs and Lambdas. */
export function shardOf(key: string): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) % LIMITS.shards;
}

/** Throttling by the OCR or search service: worth retrying, unlike a bad document. */
const TRANSIENT: Retry[] = [
  { errors: ["ThrottlingException", "ServiceUnavailableException"], intervalSeconds: 2, maxAttempts: 3, backoffRate: 2, jitter: "FULL" },
];
const toError = "$.error";
const unexpected = { errors: ["States.ALL"], next: "AlertIngestionFailed", resultPath: toError };

/**
 * The workflow's steps.
 *
 * @example
 * new EventDrivenWorkflow(WORKFLOW_NAME, { trigger: { pattern: DOCUMENT_UPLOADED_PATTERN }, steps: documentSteps(), timeoutSeconds: 3600 });
 */
export function documentSteps(): Step[] {
  return [
    task<{ detail: UploadedDocument }, ClassifiedDocument>("Classify", {
      handler: (event, context) => {
        const classified = classify(event.detail);
        context.metrics.addMetric(classified.route === "ocr" ? "DocumentsNeedingOcr" : "TextDocuments", "Count", 1);
        return classified;
      },
      timeoutSeconds: 10,
      catch: [{ errors: ["InvalidDocumentError", "UnsupportedContentTypeError"], next: "RejectInvalid", resultPath: toError }, unexpected],
    }),
    choice("RouteDocument", {
      choices: [
        { condition: { variable: "$.sizeBytes", numericGreaterThan: LIMITS.maxBytes }, next: "RejectTooLarge" },
        { condition: { variable: "$.route", stringEquals: "ocr" }, next: "StartOcrJob" },
      ],
      otherwise: "IndexParts",
    }),
    task<ClassifiedDocument, { jobId: string; pages: number; readyAt: string }>("StartOcrJob", {
      // Stands in for your OCR service's "start job" call: names the job and says when its result is due.
      handler: (state) => {
        const pages = state.parts.length;
        const seconds = Math.min(LIMITS.maxOcrWaitSeconds, 5 + LIMITS.ocrSecondsPerPage * pages);
        return {
          jobId: `ocr-${createHash("sha256").update(`${state.document.bucket}/${state.document.key}`).digest("hex").slice(0, 16)}`,
          pages,
          readyAt: new Date(Date.now() + seconds * 1000).toISOString(),
        };
      },
      timeoutSeconds: 30,
      resultPath: "$.ocr",
      retry: TRANSIENT,
      catch: [unexpected],
    }),
    // The bounds below are declarations for the time budget (ASL cannot bound a timestamp or an array).
    wait("WaitForOcr", { timestampPath: "$.ocr.readyAt", maxSeconds: LIMITS.maxOcrWaitSeconds }),
    map("IndexParts", {
      itemsPath: "$.parts",
      maxConcurrency: 8,
      maxItems: LIMITS.maxPages,
      resultPath: "$.indexed",
      steps: [
        task<DocumentPart, { indexKey: string; shard: number; source: string; bytes?: number }>("IndexPart", {
          handler: (part) => {
            const indexKey = `${part.documentId}#${part.kind}-${String(part.index).padStart(4, "0")}`;
            return {
              indexKey,
              shard: shardOf(indexKey),
              source: part.source,
              ...(part.range ? { bytes: part.range[1] - part.range[0] + 1 } : {}),
            };
          },
          timeoutSeconds: 15,
          retry: TRANSIENT,
          end: true,
        }),
      ],
      catch: [unexpected],
    }),
    task<ClassifiedDocument & { indexed: { shard: number }[]; ocr?: { jobId: string } }, object>("CompleteIngestion", {
      handler: (state, context) => {
        context.metrics.addMetric("PartsIndexed", "Count", state.indexed.length);
        return {
          documentId: state.document.documentId,
          location: `s3://${state.document.bucket}/${state.document.key}`,
          route: state.route,
          parts: state.indexed.length,
          shards: [...new Set(state.indexed.map((part) => part.shard))].sort((a, b) => a - b),
          ...(state.ocr ? { ocrJobId: state.ocr.jobId } : {}),
        };
      },
      timeoutSeconds: 10,
      catch: [unexpected],
    }),
    publishEvent("PublishDocumentIngested", { ...DOCUMENT_INGESTED_EVENT, end: true }),

    notify("RejectTooLarge", { subject: "Document rejected: too large", messagePath: "$.document", next: "DocumentRejected" }),
    notify("RejectInvalid", { subject: "Document rejected", messagePath: toError }),
    fail("DocumentRejected", { error: "DocumentRejected", cause: "The document cannot be ingested; the alert says why." }),

    notify("AlertIngestionFailed", { subject: "Document ingestion failed", messagePath: toError }),
    fail("IngestionFailed", { error: "IngestionFailed", cause: "An unexpected error stopped the ingestion; the alert has the error." }),
  ];
}
