/**
 * The Amazon States Language's intrinsic functions (JSONPath), as AWS's Step Functions Developer Guide lists them, with
 * their arities, and a check of one call: AWS refuses a definition with an unknown function, a wrong number of
 * arguments, or an argument that is no literal, path or nested call. Shared by every field that takes intrinsics
 * (a Map's itemSelector, Parameters, ResultSelector). Pure.
 */
import { isPath as isReferencePath } from "./validation/paths";

/** Each intrinsic function with the fewest and most arguments it takes (`Infinity`: any number more). */
export const INTRINSIC_FUNCTIONS: Readonly<Record<string, readonly [min: number, max: number]>> = {
  "States.Format": [1, Number.POSITIVE_INFINITY],
  "States.StringToJson": [1, 1],
  "States.JsonToString": [1, 1],
  "States.Array": [0, Number.POSITIVE_INFINITY],
  "States.ArrayPartition": [2, 2],
  "States.ArrayContains": [2, 2],
  "States.ArrayRange": [3, 3],
  "States.ArrayGetItem": [2, 2],
  "States.ArrayLength": [1, 1],
  "States.ArrayUnique": [1, 1],
  "States.Base64Encode": [1, 1],
  "States.Base64Decode": [1, 1],
  "States.Hash": [2, 2],
  "States.JsonMerge": [3, 3],
  "States.MathRandom": [2, 3],
  "States.MathAdd": [2, 2],
  "States.StringSplit": [2, 2],
  "States.UUID": [0, 0],
};

/** Functions whose literal arguments must be whole numbers (a path or a nested call is judged when it runs). */
export const NUMERIC_INTRINSICS: ReadonlySet<string> = new Set(["States.MathAdd"]);

/** Whether a `.$` value is written as an intrinsic call (`States.Name(...)`): then {@link intrinsicProblem} judges it. */
export const looksLikeIntrinsic = (value: string): boolean => /^States\.[A-Za-z0-9]*\(/.test(value);

/**
 * What is wrong with one intrinsic call, or undefined when AWS would take it. Arguments may be string literals in
 * single quotes (escapes `\'`, `\{`, `\}`), whole numbers, true, false, null, paths (judged by `isPath`, by default the
 * JSONPath rule of the rest of validation) and nested calls.
 *
 * @example
 * intrinsicProblem("States.ArrayRange(1, 9)", isPath);
 * // => "States.ArrayRange takes 3 arguments, got 2"
 */
export function intrinsicProblem(expression: string, isPath: (path: string) => boolean = isReferencePath): string | undefined {
  let at = 0;
  const fail = (message: string): never => {
    throw new IntrinsicSyntax(message);
  };
  const skipSpace = () => {
    while (/\s/.test(expression[at] ?? "")) at++;
  };
  const call = (): void => {
    const name = /^States\.[A-Za-z0-9]*/.exec(expression.slice(at))?.[0] ?? "";
    const arity = Object.hasOwn(INTRINSIC_FUNCTIONS, name) ? INTRINSIC_FUNCTIONS[name] : undefined;
    if (!arity)
      fail(
        `"${name || expression.slice(at, at + 20)}" is not an intrinsic function: use one of ${Object.keys(INTRINSIC_FUNCTIONS).join(", ")}`,
      );
    at += name.length;
    if (expression[at] !== "(") fail(`${name} must be followed by "(" directly`);
    at++;
    skipSpace();
    let count = 0;
    if (expression[at] === ")") at++;
    else
      for (;;) {
        argument(name, ++count);
        // asl-validator's grammar refuses a space before a comma after the first argument: never write one.
        if (/^\s+,/.test(expression.slice(at))) fail(`${name}: write each comma right after its argument, without a space before it`);
        skipSpace();
        if (expression[at] === ")") {
          at++;
          break;
        }
        if (expression[at] !== ",") fail(`${name}: expected "," or ")" at character ${at + 1}`);
        at++;
        skipSpace();
      }
    const [min, max] = arity!;
    if (count < min || count > max) {
      const takes = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
      fail(`${name} takes ${takes} argument${takes.endsWith(" 1") || takes === "1" ? "" : "s"}, got ${count}`);
    }
  };
  const argument = (name: string, position: number): void => {
    const rest = expression.slice(at);
    if (rest.startsWith("States.")) {
      call();
      return;
    }
    const literal = /^(?:'(?:[^'\\]|\\['{}])*'|-?\d+|true|false|null)(?=[\s,)])/.exec(rest)?.[0];
    if (literal !== undefined) {
      if (NUMERIC_INTRINSICS.has(name) && !/^-?\d+$/.test(literal))
        fail(`argument ${position} of ${name} is ${literal}: give a whole number or a path`);
      at += literal.length;
      return;
    }
    // A path runs to the next comma, closing parenthesis or space outside its bracketed names.
    const path = /^\$(?:\['(?:[^'\\])*'\]|[^\s,)])*/.exec(rest)?.[0];
    if (path && isPath(path)) {
      at += path.length;
      return;
    }
    fail(
      `argument ${position} of ${name} (${JSON.stringify(rest.split(/[,)]/)[0].trim())}) is not a string in single quotes, a whole number, true, false, null, a path such as $.detail.id, or an intrinsic call`,
    );
  };
  try {
    call();
    if (at !== expression.length) fail(`unexpected text after the call: "${expression.slice(at)}"`);
    return undefined;
  } catch (error) {
    if (error instanceof IntrinsicSyntax) return error.message;
    throw error;
  }
}

class IntrinsicSyntax extends Error {}
