/**
 * The intrinsic functions of the Amazon States Language (`States.Format('{}', $.id)` in a `.$` field of a payload
 * template) with the number of arguments AWS accepts for each, and a reader that checks a call's name and arity, its
 * nested calls included, as Step Functions does when it validates a definition: a misspelled or mis-counted intrinsic
 * is refused here instead of at deploy time.
 */

/** Each intrinsic function's argument count: `[min, max]` (max `Infinity` for a variadic one). */
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

/** Whether a `.$` value is written as an intrinsic function call rather than a path. */
export function isIntrinsicCall(expression: string): boolean {
  return /^States\.[A-Za-z0-9]+\(/.test(expression.trim());
}

/**
 * What is wrong with an intrinsic function call, or undefined when AWS would accept it: an unknown function, a wrong
 * number of arguments, an unterminated string or parenthesis, an argument that is neither a literal, a path nor a call.
 *
 * @example
 * intrinsicProblem("States.Format('order {}', $.id)") // undefined
 * intrinsicProblem("States.Formatt('{}', $.id)") // 'calls "States.Formatt", which is not an intrinsic function: use one of ...'
 * intrinsicProblem("States.MathAdd($.a)") // '"States.MathAdd" takes 2 arguments, given 1'
 */
export function intrinsicProblem(expression: string): string | undefined {
  try {
    const reader = new Reader(expression.trim());
    reader.call();
    if (!reader.done()) return `has text after the call's closing parenthesis: "${reader.rest()}"`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A one-pass reader of a call: name '(' argument (',' argument)* ')'. */
class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    this.skipSpace();
    return this.at === this.text.length;
  }

  rest(): string {
    return this.text.slice(this.at);
  }

  call(): void {
    const name = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.at))?.[0];
    if (!name) throw new Error(`is not an intrinsic function call: write "States.<Function>(<arguments>)"`);
    this.at += name.length;
    const arity = INTRINSIC_FUNCTIONS[name];
    if (arity === undefined)
      throw new Error(`calls "${name}", which is not an intrinsic function: use one of ${Object.keys(INTRINSIC_FUNCTIONS).join(", ")}`);
    this.expect("(");
    let count = 0;
    this.skipSpace();
    if (this.peek() === ")") this.at++;
    else {
      for (;;) {
        this.argument();
        count++;
        this.skipSpace();
        const c = this.text[this.at++];
        if (c === ")") break;
        if (c !== ",")
          throw new Error(
            `has ${c === undefined ? "no closing parenthesis" : `"${c}" where "," or ")" belongs`} in the arguments of "${name}"`,
          );
      }
    }
    const [min, max] = arity;
    if (count < min || count > max) {
      const wanted = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
      throw new Error(`"${name}" takes ${wanted} argument${wanted === "1" ? "" : "s"}, given ${count}`);
    }
  }

  private argument(): void {
    this.skipSpace();
    const c = this.peek();
    if (c === "'") this.string();
    else if (c === "$") this.path();
    else if (this.text.startsWith("States.", this.at)) this.call();
    else this.literal();
  }

  /** A number, true, false or null, ended by the next `,` or `)`. */
  private literal(): void {
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)(?=\s*[,)])/.exec(this.text.slice(this.at))?.[0];
    if (literal === undefined)
      throw new Error(
        `has an argument at "${this.text.slice(this.at, this.at + 20)}" that is not a 'string', a number, true, false, null, a path ($.x) or an intrinsic call`,
      );
    this.at += literal.length;
  }

  /** A single-quoted string; `\\'`, `\\{`, `\\}` and `\\\\` are its escapes. */
  private string(): void {
    this.at++;
    while (this.at < this.text.length && this.text[this.at] !== "'") this.at += this.text[this.at] === "\\" ? 2 : 1;
    if (this.at >= this.text.length) throw new Error("has a string argument without its closing quote (')");
    this.at++;
  }

  /** A path runs to the next top-level `,` or `)`; brackets and quotes inside it are skipped over. */
  private path(): void {
    let depth = 0;
    while (this.at < this.text.length) {
      const c = this.text[this.at];
      if (depth === 0 && (c === "," || c === ")")) break;
      if (c === "[" || c === "(") depth++;
      if (c === "]" || c === ")") depth--;
      this.at++;
    }
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.at] !== c) throw new Error(`expects "${c}" at "${this.text.slice(this.at, this.at + 20)}"`);
    this.at++;
  }

  private skipSpace(): void {
    while (this.text[this.at] === " ") this.at++;
  }
}
