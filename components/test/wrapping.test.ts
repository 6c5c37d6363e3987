/**
 * The README's wrapper pattern ("Wrapping the component") is the one `tsc` proves in test/types/wrapping.types.ts:
 * the README's code block holds the fixture's wrapper word for word, so the documented pattern is the checked one.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

describe("The README's wrapper pattern", () => {
  it("is the wrapper the type tests compile", () => {
    const fixture = readFileSync(join(__dirname, "types/wrapping.types.ts"), "utf8");
    const wrapper = fixture.split("// wrapper-pattern-start\n")[1]?.split("// wrapper-pattern-end\n")[0] ?? "";
    assert.ok(wrapper.includes("class AcmeWorkflow"), "the fixture marks its wrapper");
    const readme = readFileSync(join(__dirname, "../README.md"), "utf8");
    const section = readme.split("\n## Wrapping the component\n")[1]?.split("\n## ")[0] ?? "";
    assert.ok(section.includes(wrapper), 'components/README.md "Wrapping the component" should show the fixture\'s wrapper as it is');
  });
});
