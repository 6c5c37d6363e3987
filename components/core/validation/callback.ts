/** The waiting rules of a callback task. */
import type { TaskStep } from "../../steps/types";
import type { Report } from "./errors";
import { MAX_ASL_SECONDS, MAX_LAMBDA_TIMEOUT_SECONDS } from "./limits";
import { describeValue, isObject, isWholeNumber } from "./values";

/** The waiting rules of a {@link waitForCallback} step: a bounded wait, heartbeats shorter than it, a short hand-off. */
export function checkCallback(
  name: string,
  step: Pick<TaskStep, "timeoutSeconds" | "idempotency"> & { callback?: unknown; handler?: unknown; queue?: unknown; topic?: unknown },
  report: Report,
): void {
  const targets = (["queue", "topic"] as const).filter((k) => step[k] !== undefined);
  if (step.handler !== undefined && targets.length > 0)
    report(
      name,
      `has a \`handler\` and a \`${targets.join("` and a `")}\`: give waitForCallback exactly one of them (a handler hands the token off in a Lambda; a queue or topic carries it in a message).`,
    );
  const callback = step.callback as unknown;
  if (!isObject(callback)) {
    report(
      name,
      `has \`callback: ${describeValue(callback)}\`: build callback tasks with waitForCallback(name, { handler, timeoutSeconds }).`,
    );
    return;
  }
  const wait = step.timeoutSeconds;
  const heartbeat = callback.heartbeatSeconds;
  if (heartbeat !== undefined) {
    if (!isWholeNumber(heartbeat, 1, MAX_ASL_SECONDS))
      report(name, `has \`heartbeatSeconds: ${describeValue(heartbeat)}\`: use a whole number of seconds from 1 to ${MAX_ASL_SECONDS}.`);
    else if (typeof wait === "number" && (heartbeat as number) >= wait)
      report(
        name,
        `has \`heartbeatSeconds: ${heartbeat}\`, not less than its \`timeoutSeconds: ${wait}\`: a heartbeat must be due before the wait ends (or leave heartbeats out).`,
      );
  }
  const handlerTimeout = callback.handlerTimeoutSeconds;
  if (
    handlerTimeout !== undefined &&
    (!Number.isInteger(handlerTimeout) || (handlerTimeout as number) < 1 || (handlerTimeout as number) > MAX_LAMBDA_TIMEOUT_SECONDS)
  ) {
    report(
      name,
      `has \`handlerTimeoutSeconds: ${describeValue(handlerTimeout)}\`: the hand-off Lambda's timeout is a whole number of seconds from 1 to ${MAX_LAMBDA_TIMEOUT_SECONDS}.`,
    );
  }
  if (step.idempotency !== undefined)
    report(
      name,
      "is a callback task with `idempotency`: the answer, not the hand-off, is the result; make the hand-off idempotent in the system that receives the token.",
    );
}
