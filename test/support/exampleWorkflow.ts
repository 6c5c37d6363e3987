/**
 * Loads the document-ingestion example's workflow module (examples/document-ingestion/workflow.ts) in the
 * repository's tests. The example imports the library by its package name, "event-driven-workflow", as any
 * consumer does; here that one specifier is pointed at the library's source (components/index.ts) for the
 * duration of the `require`, and nothing else is changed. The packaging test proves separately that the same
 * module compiles and deploys against the packed tarball.
 */
import Module from "node:module";
import { join } from "node:path";
import type { EventPattern, Step } from "../../components";
import { REPO_ROOT } from "./packaging";

export const EXAMPLE_DIR = join(REPO_ROOT, "examples", "document-ingestion");
const PACKAGE_NAME = "event-driven-workflow";

type Resolver = { _resolveFilename(request: string, ...rest: unknown[]): string };

/** Requires `file` with the package name resolved to the library's source. */
function requireWithLibrarySource<T>(file: string): T {
  const resolver = Module as unknown as Resolver;
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
    return original.call(this, request === PACKAGE_NAME ? join(REPO_ROOT, "components") : request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as T;
  } finally {
    resolver._resolveFilename = original;
  }
}

/**
 * What the tests use of the example's workflow module. Declared here rather than imported: the repository's
 * type check does not resolve "event-driven-workflow" (the example is type-checked against the packed
 * declarations by the packaging test instead).
 */
export interface DocumentWorkflowModule {
  WORKFLOW_NAME: string;
  DOCUMENT_UPLOADED_PATTERN: EventPattern;
  DOCUMENT_INGESTED_EVENT: { source: string; detailType: string };
  LIMITS: { maxBytes: number; chunkBytes: number; shards: number };
  documentSteps(): Step[];
}

/** The example's workflow module (steps, pattern, names), built from the library's source. */
export const loadDocumentWorkflow = (): DocumentWorkflowModule => requireWithLibrarySource(join(EXAMPLE_DIR, "workflow.ts"));
