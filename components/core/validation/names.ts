/** State names: unique across the workflow, within AWS's length and characters, and free for a Lambda to take. */
import type { Step } from "../../steps/types";
import type { Report } from "./errors";
import { APPROVAL_ENDPOINT_NAME, FORBIDDEN_NAME_CHARACTERS, MAX_STATE_NAME_LENGTH, TASK_NAME } from "./limits";
import { describeValue } from "./values";

export function checkName(step: Step, label: string, seen: Set<string>, report: Report): void {
  const name: unknown = step.name;
  if (typeof name !== "string" || name.length === 0) {
    const what = name === undefined || name === "" ? "has no name" : `has the name ${describeValue(name)}, which is not a string`;
    report(label, `a ${step.kind} step ${what}: give it a unique, non-empty name.`);
    return;
  }
  if (seen.has(name)) report(name, "is declared more than once: step names must be unique across the whole workflow, branches included.");
  seen.add(name);
  if (name.length > MAX_STATE_NAME_LENGTH) report(name, `is ${name.length} characters long: AWS accepts at most ${MAX_STATE_NAME_LENGTH}.`);
  if (FORBIDDEN_NAME_CHARACTERS.test(name))
    report(
      name,
      "contains a character AWS rejects in state names (whitespace, brackets, wildcards or punctuation such as $ & , ; : /): use letters, digits, '-' and '_'.",
    );
  else if (step.kind === "task" && !TASK_NAME.test(name))
    report(name, "names a Lambda function too, so it may use only letters, digits, '-' and '_'.");
  else if (step.kind === "task" && name === APPROVAL_ENDPOINT_NAME)
    report(name, `is the name of the workflow's approval endpoint (its Lambda, role and log group): rename the task.`);
}
