/**
 * Refunds over a threshold wait for a manager's decision; every refund then waits for the card network to confirm
 * settlement, which heartbeats while it works. Both waits are callback tasks (waitForCallback): their handlers hand
 * the task token off (here to a SANDBOX inbox: a local simulation), and the execution waits for the answer.
 */
import { choice, fail, notify, pass, publishEvent, task, waitForCallback, type EventPattern, type Step } from "event-driven-workflow";

export const WORKFLOW_NAME = "refund-approval";
export const REFUND_REQUESTED: EventPattern = { source: ["payments.refunds"], "detail-type": ["Refund Requested"] };
/** Refunds above this many units of their currency need a manager's approval. */
export const APPROVAL_THRESHOLD = 100;

export interface RefundRequested {
  detail: { refundId: string; orderId: string; amount: number; currency: string; reason: string };
}

export function refundSteps(): Step[] {
  return [
    choice("NeedsApproval", {
      choices: [{ condition: { variable: "$.detail.amount", numericGreaterThan: APPROVAL_THRESHOLD }, next: "ManagerApproval" }],
      otherwise: "AutoApprove",
    }),
    waitForCallback<RefundRequested>("ManagerApproval", {
      // Emails the manager the two links (SANDBOX: the email is logged without them, since they carry the token).
      handler: async ({ detail }, { approvalLinks, logger }) => {
        if (!approvalLinks) throw Object.assign(new Error("no approval links"), { name: "ApprovalLinkNotConfigured" });
        logger.info("approval requested", { refundId: detail.refundId, amount: detail.amount, links: Object.keys(approvalLinks) });
      },
      approvalLink: { expiresAfterSeconds: 86_400 },
      timeoutSeconds: 86_400,
      resultPath: "$.approval",
      catch: [
        { errors: ["ApprovalRejected"], next: "AnnounceDeclined", resultPath: "$.error" },
        { errors: ["States.Timeout"], next: "ApprovalExpired", resultPath: "$.error" },
      ],
      next: "IssueRefund",
    }),
    pass("AutoApprove", { result: { decision: "approved", by: "policy" }, resultPath: "$.approval", next: "IssueRefund" }),
    task<RefundRequested & { approval: unknown }, { refundId: string; issued: true }>("IssueRefund", {
      handler: async ({ detail }) => ({ refundId: detail.refundId, issued: true }),
      timeoutSeconds: 30,
      resultPath: "$.refund",
      next: "AwaitSettlement",
    }),
    waitForCallback("AwaitSettlement", {
      // The card network confirms within two hours and heartbeats every ten minutes while it works.
      handler: async (refund: RefundRequested, { logger }) => {
        logger.info("settlement requested", { refundId: refund.detail.refundId });
      },
      timeoutSeconds: 7_200,
      heartbeatSeconds: 600,
      resultPath: "$.settlement",
      catch: [{ errors: ["States.HeartbeatTimeout", "States.Timeout"], next: "SettlementStalled", resultPath: "$.error" }],
      next: "AnnounceRefund",
    }),
    publishEvent("AnnounceRefund", { source: "payments.refunds", detailType: "Refund Issued", end: true }),
    publishEvent("AnnounceDeclined", { source: "payments.refunds", detailType: "Refund Declined", end: true }),
    notify("ApprovalExpired", { subject: "A refund approval expired", messagePath: "$.detail", next: "ExpiredEnd" }),
    fail("ExpiredEnd", { error: "ApprovalExpired", cause: "Nobody approved or rejected the refund in time" }),
    notify("SettlementStalled", { subject: "A refund settlement stalled", messagePath: "$.detail", next: "StalledEnd" }),
    fail("StalledEnd", { error: "SettlementStalled", cause: "The card network stopped reporting on the settlement" }),
  ];
}
