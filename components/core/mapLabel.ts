/**
 * A Map's `label` (ASL `Label`): the name Step Functions gives the Map Runs of a Distributed Map (in their ARNs and the
 * console). AWS takes up to 40 characters, none of those it refuses in state names.
 */
import type { Report } from "./validation/errors";

/** The longest label AWS accepts. */
export const MAX_MAP_LABEL_LENGTH = 40;

/** Reports a label AWS would refuse; `forbidden` is the character class AWS refuses in state names (validate.ts's). */
export function checkMapLabel(label: unknown, name: string, report: Report, forbidden: RegExp): void {
  if (label === undefined) return;
  if (typeof label !== "string" || label.length === 0 || label.length > MAX_MAP_LABEL_LENGTH || forbidden.test(label))
    report(
      name,
      `has \`label: ${JSON.stringify(label)}\`: give 1 to ${MAX_MAP_LABEL_LENGTH} characters without whitespace, brackets, wildcards or punctuation such as $ & , ; : / (letters, digits, '-' and '_' are safe), e.g. "scan-documents".`,
    );
}
