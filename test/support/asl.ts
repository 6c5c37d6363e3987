/** Checks shared by the definition tests: asl-validator, plus the Resource rule AWS enforces at deploy time. */
import type { AslDefinition } from "../../components/index";
import { stateMap } from "../../components/asl";

// asl-validator ships CommonJS without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require("asl-validator") as (
  definition: unknown,
  options?: unknown,
) => { isValid: boolean; errorsText: (separator?: string) => string };

export function aslErrors(definition: AslDefinition): string[] {
  const result = aslValidator(definition, { checkPaths: true, checkArn: true });
  return result.isValid ? [] : [result.errorsText("\n")];
}

const LAMBDA_ARN = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+$/;
const INTEGRATION = /^arn:aws:states:::[a-z]+:[A-Za-z]+(\.sync(:2)?|\.waitForTaskToken)?$/;

/** Task states whose Resource is neither a Lambda function ARN nor a Step Functions integration. */
export function badTaskResources(definition: AslDefinition): string[] {
  return [...stateMap(definition)]
    .filter(([, s]) => s.Type === "Task" && !(LAMBDA_ARN.test(String(s.Resource)) || INTEGRATION.test(String(s.Resource))))
    .map(([name, s]) => `${name}: ${s.Resource}`);
}
