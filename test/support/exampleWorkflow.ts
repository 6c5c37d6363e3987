/**
 * Loads the document-ingestion example's workflow module (examples/document-ingestion/workflow.ts) in the
 * repository's tests. The example imports the library by its package name, "event-driven-workflow", as any consumer
 * does; from inside the repository that name resolves to the workspace package (its built dist/).
 */
import { join } from "node:path";
import type { EventPattern, Step } from "event-driven-workflow";

export const EXAMPLE_DIR = join(__dirname, "..", "..", "examples", "document-ingestion");

/** What the tests use of the example's workflow module. */
export interface DocumentWorkflowModule {
  WORKFLOW_NAME: string;
  DOCUMENT_UPLOADED_PATTERN: EventPattern;
  DOCUMENT_INGESTED_EVENT: { source: string; detailType: string };
  LIMITS: { maxBytes: number; chunkBytes: number; shards: number };
  documentSteps(): Step[];
}

/** The example's workflow module (steps, pattern, names). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const loadDocumentWorkflow = (): DocumentWorkflowModule => require(join(EXAMPLE_DIR, "workflow.ts"));
