/** A task's own IAM grants: named actions on named resources, service-wide wildcards only with a reason. */
import type { Report } from "./errors";
import { ACTION_NAME, isServiceWideAction, isServiceWideResource } from "./iamNames";
import { describeValue, isObject } from "./values";

/**
 * One IAM grant of a task: named actions on named resources. A service-wide wildcard (`s3:*`, `arn:aws:s3:::*`)
 * passes only with `acknowledgeWildcard: "<reason>"`, so a broad grant is a decision someone wrote down, not a
 * shortcut; a bare `*` (action or resource) never passes.
 */
export function checkPermission(name: string, grant: unknown, i: number, report: Report): void {
  const where = `permissions[${i}]`;
  if (!isObject(grant)) {
    report(name, `${where} is ${describeValue(grant)}: give a grant such as { actions: ["s3:GetObject"], resources: [objectArn] }.`);
    return;
  }
  const reason = (grant as { acknowledgeWildcard?: unknown }).acknowledgeWildcard;
  const acknowledged = typeof reason === "string" && reason.trim().length > 0;
  if (reason !== undefined && !acknowledged) {
    report(
      name,
      `${where} has \`acknowledgeWildcard: ${describeValue(reason)}\`: give the reason the grant needs a service-wide wildcard as a non-empty string, or remove it.`,
    );
  }
  const { actions, resources } = grant;
  if (!Array.isArray(actions) || actions.length === 0)
    report(name, `${where} has no \`actions\`: list the IAM actions the handler calls, e.g. ["s3:GetObject"].`);
  else if (actions.some((a) => typeof a !== "string" || a === "*" || !ACTION_NAME.test(a)))
    report(
      name,
      `${where} has an action that is "*" or not "service:Action" (${describeValue(actions)}): name each action, e.g. "s3:GetObject".`,
    );
  else if (!acknowledged) {
    const wide = (actions as string[]).filter(isServiceWideAction);
    if (wide.length > 0) {
      report(
        name,
        `${where} grants every action of a service (${wide.map((a) => `"${a}"`).join(", ")}): name the actions the handler calls, e.g. "${wide[0].split(":")[0]}:GetObject"; if it truly needs them all, say why with \`acknowledgeWildcard: "<reason>"\`.`,
      );
    }
  }
  if (!Array.isArray(resources) || resources.length === 0)
    report(name, `${where} has no \`resources\`: name the exact ARNs the actions apply to.`);
  else if (resources.includes("*"))
    report(
      name,
      `${where} grants on Resource "*": name the exact ARNs (least privilege); the only "*" grants are the ones AWS requires, which the component adds itself.`,
    );
  else if (!acknowledged) {
    // Outputs and Promises resolve at deploy time; only the ARNs known now are judged.
    const wide = resources.filter((r): r is string => typeof r === "string" && isServiceWideResource(r));
    if (wide.length > 0) {
      report(
        name,
        `${where} grants on every resource of a service (${wide.map((r) => `"${r}"`).join(", ")}): name the exact resources, e.g. "arn:aws:s3:::my-bucket/*" or a table's ARN; if the handler truly needs them all, say why with \`acknowledgeWildcard: "<reason>"\`.`,
      );
    }
  }
}
