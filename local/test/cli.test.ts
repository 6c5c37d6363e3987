/** The command line's pure parts: `--callback` answers and the defaults a consumer's folder gives. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultProgram, parseCallbackAnswers } from "../cli/options";
import { parseCommandLine } from "../cli/run";
import { RunnerInputError } from "../input/eventInput";

describe("edw-local's command line", () => {
  it("reads --callback answers: success with JSON output, failure with an error name and an optional cause", () => {
    assert.deepEqual(
      parseCallbackAnswers([
        'Approve=success:{"decision":"approved"}',
        "Settle=failure:OutOfStock:the warehouse is empty",
        "Ship=failure:Lost",
      ]),
      {
        Approve: { success: { decision: "approved" } },
        Settle: { failure: "OutOfStock", cause: "the warehouse is empty" },
        Ship: { failure: "Lost" },
      },
    );
    assert.deepEqual(parseCommandLine(["index.ts", "e.json", "--callback", "A=success:1"])?.runner.callbacks, { A: { success: 1 } });
  });

  it("reads --clock (virtual, fast, real; --real-time is real), fast by default, and refuses anything else", () => {
    const clock = (...flags: string[]) => parseCommandLine(["index.ts", "e.json", ...flags])?.runner.clock;
    assert.equal(clock(), "fast");
    assert.equal(clock("--clock", "virtual"), "virtual");
    assert.equal(clock("--clock", "real"), "real");
    assert.equal(clock("--real-time"), "real");
    assert.equal(clock("--real-time", "--clock", "real"), "real");
    assert.throws(
      () => clock("--clock", "slow"),
      (error: Error) => error instanceof RunnerInputError && /--clock takes virtual, fast, real/.test(error.message),
    );
    assert.throws(
      () => clock("--clock", "virtual", "--real-time"),
      (error: Error) => error instanceof RunnerInputError && /contradicts/.test(error.message),
    );
  });

  it("refuses a malformed answer as a usage error naming it and the accepted forms", () => {
    for (const entry of ["Approve", "Approve=maybe:1", "Approve=success:{not json", "Approve=failure:", "Approve=failure:9lives"]) {
      assert.throws(
        () => parseCallbackAnswers([entry]),
        (error: Error) =>
          error instanceof RunnerInputError &&
          error.message.includes(`--callback "${entry}"`) &&
          /State=success:<json>/.test(error.message),
      );
    }
  });

  it("runs the program Pulumi.yaml names, else index.ts", () => {
    const folder = mkdtempSync(join(tmpdir(), "edw-cli-"));
    try {
      assert.equal(defaultProgram(folder), "index.ts");
      writeFileSync(join(folder, "Pulumi.yaml"), "name: claims\nmain: src/program.ts # the entry\nruntime: nodejs\n");
      assert.equal(defaultProgram(folder), "src/program.ts");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
