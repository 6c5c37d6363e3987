/**
 * The approval endpoint (Lambda time): the function behind the HTTPS Function URL that approval links point at.
 *
 * Opening a link must not decide anything by itself: mail security scanners and link previewers (Outlook Safe
 * Links, Gmail, Slack and Teams unfurlers, antivirus gateways) fetch every link in a message, with GET or HEAD,
 * before a person reads it. So:
 *
 * - HEAD answers 200 and does nothing (no KMS call either);
 * - GET checks the link (403 forged or malformed, 410 expired) and answers a confirmation page with one button;
 * - only POST, the button's form (`confirm=<decision>`), completes the task: SendTaskSuccess with
 *   `{"decision":"approved","decidedAt":ISO}` on approve, SendTaskFailure with error `ApprovalRejected` on reject.
 *   A task that no longer waits (decided already, timed out, execution ended) answers 409.
 *
 * The form has no `action`: the browser posts to the page's own URL, query included, so no page ever holds the
 * link token. Neither the task token nor the link token is ever written to a response or a log: logs carry the
 * decision, the outcome and a short hash of the task token, enough to correlate with the execution.
 */
import {
  APPROVAL_LINK_EXPIRED,
  APPROVAL_LINK_INVALID,
  decodeApprovalToken,
  macFromEnvironment,
  type Decision,
  type MacProvider,
} from "./approvalToken";

/** The Step Functions calls the endpoint makes (the AWS SDK's SFN client answers them). */
export interface ApprovalSfnApi {
  sendTaskSuccess(input: { taskToken: string; output: string }): Promise<unknown>;
  sendTaskFailure(input: { taskToken: string; error: string; cause: string }): Promise<unknown>;
}

/** What {@link approvalEndpointHandler} runs with; everything defaults to what the deployed function uses. */
export interface ApprovalEndpointOptions {
  /** @default macFromEnvironment(), read at the first request */
  mac?: MacProvider;
  /** @default the AWS SDK's SFN client (`@aws-sdk/client-sfn` from the Lambda runtime), created at the first decision */
  sfn?: ApprovalSfnApi;
  /** The clock, in epoch milliseconds (as `Date.now`). @default Date.now */
  now?: () => number;
  /** Where log entries go (one object each, never a token). @default one JSON line on stdout */
  log?: (entry: ApprovalLogEntry) => void;
}

/** One log line of the endpoint. */
export interface ApprovalLogEntry {
  message: string;
  outcome: string;
  decision?: Decision;
  /** The first 12 hex digits of the task token's SHA-256. */
  task?: string;
  /** The name of an error (never its message, which may quote a token). */
  errorName?: string;
}

/** The part of a Lambda Function URL event (`LambdaFunctionURLEvent`) the endpoint reads. */
export interface ApprovalRequest {
  requestContext?: { http?: { method?: string } };
  rawQueryString?: string;
  queryStringParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** A Function URL response. */
export interface ApprovalResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The error a rejected approval fails its task with: catch it in the step's `catch`. */
export const APPROVAL_REJECTED_ERROR = "ApprovalRejected";

/** What Step Functions answers for a task token that no longer waits. */
export const TASK_NO_LONGER_WAITING_ERRORS: readonly string[] = ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"];

/**
 * The handler of the approval endpoint's Lambda.
 *
 * @example
 * export const handler = approvalEndpointHandler(); // in AWS: KMS from EDW_APPROVAL_KEY_ID, SFN from the runtime's SDK
 * const local = approvalEndpointHandler({ mac: localMac("secret"), sfn: fakeSfn, now: () => clock });
 */
export function approvalEndpointHandler(options: ApprovalEndpointOptions = {}): (event: ApprovalRequest) => Promise<ApprovalResponse> {
  // A captured object, not a `let`: Pulumi's closure serialization would rebuild a `let` on every call. It holds the
  // per-container MAC provider and SFN client.
  const container: { mac?: MacProvider; sfn?: ApprovalSfnApi } = { mac: options.mac, sfn: options.sfn };
  const now = options.now ?? Date.now;
  const log = options.log ?? ((entry: ApprovalLogEntry) => console.log(JSON.stringify(entry)));

  return async (event) => {
    const method = (event.requestContext?.http?.method ?? "GET").toUpperCase();
    if (method === "HEAD") return respond(200, "");
    if (method !== "GET" && method !== "POST") {
      return {
        ...page(405, "Method not allowed", "Open the link from your message in a browser."),
        headers: { ...HEADERS, Allow: "GET, HEAD, POST" },
      };
    }
    const mac = (container.mac ??= macFromEnvironment());
    if (!mac) {
      log({ message: "approval links are not configured", outcome: "NotConfigured" });
      return page(500, "Approval links are not configured", "This endpoint has no signing key. Ask the workflow's owner.");
    }

    const form = method === "POST" ? formOf(event) : new URLSearchParams();
    const token = form.get("token") ?? queryToken(event);
    let claims: { taskToken: string; decision: Decision };
    try {
      claims = await decodeApprovalToken(token ?? "", mac, Math.floor(now() / 1000));
    } catch (error) {
      const name = (error as { name?: unknown })?.name;
      if (name === APPROVAL_LINK_INVALID) {
        log({ message: "approval link refused", outcome: "Invalid" });
        return page(
          403,
          "This link is not valid",
          "It may have been copied incompletely or altered. Use the link exactly as you received it.",
        );
      }
      if (name === APPROVAL_LINK_EXPIRED) {
        log({ message: "approval link refused", outcome: "Expired" });
        return page(410, "This link has expired", "The decision can no longer be made with this link.");
      }
      log({ message: "approval link could not be checked", outcome: "CheckFailed", errorName: errorName(error) });
      return page(503, "The link could not be checked", "Please try again in a moment.");
    }
    const { taskToken, decision } = claims;
    const task = shortHash(taskToken);
    const verb = decision === "approve" ? "Approve" : "Reject";

    if (method === "GET") {
      log({ message: "approval confirmation shown", outcome: "Confirm", decision, task });
      return page(
        200,
        `${verb} this request?`,
        "Nothing has been decided yet. Confirm with the button below.",
        `<form method="post"><input type="hidden" name="confirm" value="${decision}"><button type="submit">${verb}</button></form>`,
      );
    }

    // Only the confirmation page's button posts `confirm=<decision>`; a bare POST decides nothing.
    if (form.get("confirm") !== decision) {
      log({ message: "approval post without confirmation", outcome: "Unconfirmed", decision, task });
      return page(400, "Please confirm", "Open the link from your message and use the button on the page.");
    }
    const sfn = (container.sfn ??= sdkSfnApi());
    const decidedAt = new Date(now()).toISOString();
    try {
      if (decision === "approve") {
        await sfn.sendTaskSuccess({ taskToken, output: JSON.stringify({ decision: "approved", decidedAt }) });
      } else {
        await sfn.sendTaskFailure({
          taskToken,
          error: APPROVAL_REJECTED_ERROR,
          cause: `Rejected through the approval link at ${decidedAt}`,
        });
      }
    } catch (error) {
      const name = errorName(error);
      if (TASK_NO_LONGER_WAITING_ERRORS.includes(name)) {
        log({ message: "approval for a task that no longer waits", outcome: "NoLongerWaiting", decision, task, errorName: name });
        return page(
          409,
          "This request no longer waits for a decision",
          "It was decided already, timed out, or its workflow ended. Nothing was changed.",
        );
      }
      log({ message: "approval could not be recorded", outcome: "SendFailed", decision, task, errorName: name });
      return page(502, "The decision could not be recorded", "Nothing was changed. Please try again in a moment.");
    }
    log({ message: "approval decided", outcome: decision === "approve" ? "Approved" : "Rejected", decision, task });
    return decision === "approve"
      ? page(200, "Approved", "Thank you: the request is approved and the workflow continues.")
      : page(200, "Rejected", "Thank you: the request is rejected.");
  };
}

/** The SFN client of the AWS SDK the Lambda runtime ships, loaded on first use. */
function sdkSfnApi(): ApprovalSfnApi {
  const sdk = require("@aws-sdk/client-sfn") as {
    SFNClient: new (config: object) => { send(command: unknown): Promise<unknown> };
    SendTaskSuccessCommand: new (input: object) => unknown;
    SendTaskFailureCommand: new (input: object) => unknown;
  };
  const client = new sdk.SFNClient({});
  return {
    sendTaskSuccess: (input) => client.send(new sdk.SendTaskSuccessCommand(input)),
    sendTaskFailure: (input) => client.send(new sdk.SendTaskFailureCommand(input)),
  };
}

/** Response headers: an HTML page that no cache keeps, no other site frames, and that leaks no referrer (its URL holds the token). */
const HEADERS: Record<string, string> = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Robots-Tag": "noindex, nofollow",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

function respond(statusCode: number, body: string): ApprovalResponse {
  return { statusCode, headers: { ...HEADERS }, body };
}

/** A small HTML page; `title` and `message` are fixed texts, escaped all the same. */
function page(statusCode: number, title: string, message: string, form = ""): ApprovalResponse {
  const body =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}` +
    "button{font-size:1.1rem;padding:.6rem 1.6rem}</style></head>" +
    `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${form}</body></html>`;
  return respond(statusCode, body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function queryToken(event: ApprovalRequest): string | undefined {
  return event.queryStringParameters?.token ?? new URLSearchParams(event.rawQueryString ?? "").get("token") ?? undefined;
}

/** The url-encoded form of a POST (Function URLs may hand the body over base64-encoded). */
function formOf(event: ApprovalRequest): URLSearchParams {
  const raw = event.body ?? "";
  return new URLSearchParams(event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw);
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown })?.name;
  return typeof name === "string" ? name : "UnknownError";
}

/** A short, non-reversible reference to a task token for logs: the first 12 hex digits of its SHA-256. */
export function shortHash(text: string): string {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/** Tells Pulumi to serialize this module into Lambda archives by value, never as a `require` of the library. */
export const deploymentOnlyModule = true;
