/**
 * Imported for its effect, before aws-local-stepfunctions: the engine requires the ASL validator (whose JSON schemas
 * compile as it loads) and the AWS Lambda client at load time, but a local run uses the validator only for a
 * definition it has not validated already (execute.ts passes `noValidate` otherwise) and never calls AWS Lambda
 * (every task is bound to a local handler). Both load on their first use instead (see deferRequire.ts).
 */
import { deferRequires } from "../program/deferRequire";

deferRequires(
  "aws-local-stepfunctions",
  { "asl-validator": "function", "@aws-sdk/client-lambda": "object", "@aws-sdk/credential-providers": "object" },
  [__dirname],
);
