/**
 * A stand-in X-Ray daemon: a UDP listener collecting the segment documents the X-Ray SDK sends, so a test can read
 * the traces a process produced. Point the process at it with the environment of {@link XRayCapture.environment},
 * which also makes Powertools Tracer believe it runs in Lambda (tracing on), inside the trace `TRACE_ID`.
 */
import { createSocket } from "node:dgram";

/** The trace the captured process runs in, as Step Functions would pass it to a Lambda. */
export const TRACE_ID = "1-5759e988-bd862e3fe1be46a994272793";
export const PARENT_ID = "53995c3f42cd8ad8";

export interface XRayDocument {
  id: string;
  name: string;
  trace_id: string;
  parent_id?: string;
  annotations?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface XRayCapture {
  /** Environment variables that enable tracing (Lambda-like) and send it here. */
  environment: Record<string, string>;
  /** The raw datagrams received so far. */
  raw(): string[];
  /** The segment documents received so far. */
  documents(): XRayDocument[];
  close(): void;
}

export async function startXRayCapture(): Promise<XRayCapture> {
  const socket = createSocket("udp4");
  const datagrams: string[] = [];
  socket.on("message", (message) => datagrams.push(message.toString("utf8")));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  return {
    environment: {
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      AWS_LAMBDA_FUNCTION_NAME: "order-processing-local",
      LAMBDA_TASK_ROOT: process.cwd(),
      _X_AMZN_TRACE_ID: `Root=${TRACE_ID};Parent=${PARENT_ID};Sampled=1`,
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}`,
      AWS_XRAY_CONTEXT_MISSING: "IGNORE_ERROR",
    },
    raw: () => [...datagrams],
    // Each datagram is a header line and a document.
    documents: () => datagrams.map((d) => JSON.parse(d.split("\n")[1] ?? "{}") as XRayDocument).filter((d) => d.id !== undefined),
    close: () => socket.close(),
  };
}
