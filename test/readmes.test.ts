/**
 * The READMEs' commands work as written on a fresh clone (every `npm run X` names a script of the package.json it
 * runs in, every `npx` is the no-install form, which cannot fetch a stranger's package), and the published READMEs
 * stand alone: no repository paths, no relative links, no links to sections that do not exist, no npm pages of
 * packages that are not published. `.ci/run` runs the README commands themselves after the tests.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const ROOT = join(__dirname, "..");
const PUBLISHED = ["components/README.md", "local/README.md", "policies/README.md"];
const readmes = [
  "README.md",
  ...PUBLISHED,
  ...readdirSync(join(ROOT, "examples")).map((example) => `examples/${example}/README.md`),
].filter((file) => existsSync(join(ROOT, file)));
const text = (file: string) => readFileSync(join(ROOT, file), "utf8");
/** Folders of this repository that a published package does not ship (`test/` and `docs/` alone are a user's own). */
const REPOSITORY_PATH =
  /(?<![\w@./-])(?:\.{1,2}\/)?(?:(?:components|local|policies|examples|bench|handlers|workflows|demo|\.ci|test\/(?:support|fixtures|core|runtime|resources))\/[\w*]|docs\/order-workflow)/g;
/** What a reader runs: the lines of fenced code blocks and the inline code spans. */
const codeOf = (readme: string) => [
  ...[...readme.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].flatMap(([, block]) => block.split("\n")),
  ...[...readme.replace(/^```[\s\S]*?^```/gm, "").matchAll(/`([^`\n]+)`/g)].map(([, span]) => span),
];

/** The package.json an `npm run` in this README runs in: the README's own folder's, else the repository root's. */
function scriptsFor(file: string): Record<string, string> {
  const own = join(ROOT, dirname(file), "package.json");
  return JSON.parse(readFileSync(existsSync(own) ? own : join(ROOT, "package.json"), "utf8")).scripts ?? {};
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

describe("READMEs", () => {
  it("name only npm scripts that exist", () => {
    for (const file of readmes) {
      const scripts = scriptsFor(file);
      for (const [, script] of text(file).matchAll(/npm run ([\w:-]+)/g))
        assert.ok(Object.hasOwn(scripts, script), `${file}: "npm run ${script}" is not a script of its package.json`);
    }
  });

  it("use npx only in its no-install form", () => {
    for (const file of readmes) {
      for (const code of codeOf(text(file)))
        for (const [use] of code.matchAll(/\bnpx\b(?: [^\s`]+)?/g))
          assert.equal(use, "npx --no-install", `${file}: "${code.trim()}" lets npx fetch a package from the registry`);
    }
  });

  for (const file of PUBLISHED) {
    it(`${file} stands alone: no repository paths, relative links, missing sections or unpublished npm pages`, () => {
      const readme = text(file);
      const paths = [...readme.matchAll(REPOSITORY_PATH)].map((m) => readme.slice(m.index, m.index + 40).split(/[\s`)]/)[0]);
      assert.deepEqual(paths, [], `${file} cites repository paths`);
      assert.doesNotMatch(readme, /main README|root README|repository root|this repository/i);
      const headings = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map(([, heading]) => anchorOf(heading)));
      const workspaces = ["event-driven-workflow", "event-driven-workflow-local", "event-driven-workflow-policies"];
      for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (target.startsWith("#")) assert.ok(headings.has(target.slice(1)), `${file}: no section for the link ${target}`);
        else assert.match(target, /^https:\/\//, `${file}: the relative link ${target} leads nowhere once published`);
        const npm = /^https:\/\/www\.npmjs\.com\/package\/([^/#?]+)/.exec(target)?.[1];
        assert.ok(!npm || !workspaces.includes(npm), `${file}: ${target} is the npm page of an unpublished package`);
      }
    });
  }

  it("checks every README of the repository", () => {
    assert.ok(readmes.length >= 5, readmes.map((f) => relative(ROOT, join(ROOT, f))).join(", "));
  });
});
