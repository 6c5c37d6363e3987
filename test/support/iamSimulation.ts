/**
 * Offline IAM evaluation (@cloud-copilot/iam-simulate): least privilege proven as allow/deny decisions of the
 * generated policies, not as string matches.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../components/index";
import { TEST_ACCOUNT } from "../../local/synthesize";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** The decision for `principal` (a role) calling `action` on `resource`, given its identity policy. */
export async function decide(
  identityPolicy: PolicyDocument,
  action: string,
  resource: string,
  resourcePolicy?: PolicyDocument,
): Promise<Decision> {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: "generated", policy: identityPolicy as never }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy: resourcePolicy as never } : {}),
      request: {
        action,
        principal: `arn:aws:iam::${TEST_ACCOUNT}:role/generated-role`,
        resource: { accountId: TEST_ACCOUNT, resource },
        contextVariables: { "aws:SecureTransport": "true" },
      },
    } as never,
    {},
  );
  if (response.resultType === "error")
    throw new Error(`IAM simulation rejected the request ${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult as Decision;
}
