/** How wide an IAM action or resource ARN is: the service-wide wildcards a grant must acknowledge. */

/** IAM action names: `service:Action`, where the action part may hold `*` wildcards (`s3:Get*`). */
export const ACTION_NAME = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;
/** Services whose ARNs name the resource directly (a bucket, a queue, a topic, an API), without a resource type. */
const UNTYPED_ARN_SERVICES = new Set(["s3", "sqs", "sns", "execute-api", "apigateway"]);

/**
 * Whether an IAM action grants every action of a service (`s3:*`). The bare `"*"` and `"*:*"` (every action of every
 * service) are refused outright by {@link validateSteps}, not by this check.
 *
 * @example
 * isServiceWideAction("s3:*") // true
 * isServiceWideAction("s3:Get*") // false
 */
export function isServiceWideAction(action: string): boolean {
  return /^[a-z0-9-]+:\*+$/i.test(action);
}

/**
 * Whether a resource ARN covers every resource of its service (or more): its resource part, after the resource type
 * where the service has one, begins with a segment that is only `*`. Object- or path-level wildcards stay narrow.
 *
 * @example
 * isServiceWideResource("arn:aws:s3:::*") // true: every bucket
 * isServiceWideResource("arn:aws:dynamodb:*:*:table/*") // true: every table
 * isServiceWideResource("arn:*") // true
 * isServiceWideResource("arn:aws:s3:::my-bucket/*") // false: the objects of one bucket
 * isServiceWideResource("arn:aws:logs:us-east-1:123:log-group:/aws/x:*") // false: the streams of one log group
 */
export function isServiceWideResource(arn: string): boolean {
  const parts = arn.split(":");
  if (parts[0] !== "arn") return false;
  const onlyWildcards = (s: string | undefined) => s !== undefined && /^\*+$/.test(s);
  // `arn:*`, `arn:aws:*`, `arn:aws:s3:*`: a wildcard that ends the ARN early swallows the rest of it.
  if (parts.length < 6) return onlyWildcards(parts[parts.length - 1]);
  const service = parts[2];
  if (onlyWildcards(service)) return true;
  const resource = parts.slice(5).join(":");
  const name = UNTYPED_ARN_SERVICES.has(service) ? resource : resource.replace(/^[A-Za-z][A-Za-z0-9-]*[:/]/, "");
  return onlyWildcards(name.split(/[/:]/)[0]);
}
