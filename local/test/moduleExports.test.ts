/**
 * A CommonJS TypeScript program as the loader transpiles it (esbuild) exports like TypeScript's output, which Pulumi's
 * host runs: a handler serialized from it carries only the exports it reads (one function of a module, one entry of
 * an exported object), not the whole module, while a `let` export stays a live binding.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadProgram } from "../program/loader";

const LIBRARY = `
export const CATALOGUE = { used: { name: "UsedEntry" }, unused: { name: "UnusedEntry" } };
export function usedHelper() { return "used-helper"; }
export function unusedHelper() { return "unused-helper"; }
export class UnusedError extends Error { readonly kind = "unused-error"; }
export let counter = 0;
export function bump() { counter += 1; }
`;
const PROGRAM = `
import { CATALOGUE, bump, counter, usedHelper } from "./library";
export const handler = async () => [usedHelper(), CATALOGUE.used.name];
export const count = () => { bump(); return counter; };
`;

describe("program loader: module exports as TypeScript emits them", () => {
  let folder: string;
  let program: Record<string, unknown>;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), "edw-exports-"));
    writeFileSync(join(folder, "library.ts"), LIBRARY);
    writeFileSync(join(folder, "index.ts"), PROGRAM);
    program = await loadProgram(join(folder, "index.ts"));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("a serialized handler carries the function and the object entry it reads, not the module's other exports", async () => {
    const handler = program.handler as () => Promise<string[]>;
    const { text } = await pulumi.runtime.serializeFunction(handler);
    assert.match(text, /used-helper/);
    assert.match(text, /UsedEntry/);
    for (const unused of ["unused-helper", "UnusedEntry", "unused-error"]) assert.doesNotMatch(text, new RegExp(unused), text);
    const module = { exports: {} as Record<string, () => Promise<string[]>> };
    new Function("module", "exports", "require", text)(module, module.exports, require);
    assert.deepEqual(await module.exports.handler(), ["used-helper", "UsedEntry"]);
  });

  it("a `let` export stays live for its importers", () => {
    const count = program.count as () => number;
    assert.equal(count(), 1);
    assert.equal(count(), 2);
  });
});
