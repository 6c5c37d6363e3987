/**
 * The one package-closure walk (components/packageClosure.ts), over a node_modules tree written for the test: nested
 * dependencies travel with their parent, optional ones may be missing, a missing required one follows the policy.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPackageFolder, MissingPackageError, packageClosure } from "../packageClosure";

describe("packageClosure", () => {
  let root: string;
  const install = (at: string, name: string, manifest: object = {}) => {
    mkdirSync(join(at, "node_modules", name), { recursive: true });
    writeFileSync(join(at, "node_modules", name, "package.json"), JSON.stringify({ name, version: "1.0.0", ...manifest }));
    return join(at, "node_modules", name);
  };
  const folder = (name: string) => findPackageFolder(name, root)!;

  before(() => {
    root = mkdtempSync(join(tmpdir(), "edw-closure-"));
    const app = install(root, "app", {
      dependencies: { lib: "1", "@scope/util": "1" },
      optionalDependencies: { "native-extra": "1" },
    });
    install(app, "nested", {}); // app's own copy: travels inside app
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({
        name: "app",
        dependencies: { lib: "1", "@scope/util": "1", nested: "1" },
        optionalDependencies: { "native-extra": "1" },
      }),
    );
    install(root, "lib", { dependencies: { "@scope/util": "1" } });
    install(root, "@scope/util");
    install(root, "broken", { dependencies: { absent: "1" } });
    install(root, "layered", { dependencies: { "@aws-lambda-powertools/logger": "2" } });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("lists the roots and their dependencies once each, sorted; a nested copy and a missing optional one are not listed", () => {
    assert.deepEqual([...packageClosure(new Map([["app", folder("app")]])).keys()], ["@scope/util", "app", "lib"]);
  });

  it("refuses a missing required dependency by default, naming it and who needs it; `skip` leaves it out", () => {
    const roots = new Map([["broken", folder("broken")]]);
    assert.throws(
      () => packageClosure(roots),
      (error: unknown) => error instanceof MissingPackageError && error.packageName === "absent" && error.requiredBy === "broken",
    );
    assert.deepEqual([...packageClosure(roots, { missing: "skip" }).keys()], ["broken"]);
  });

  it("leaves excluded packages out without looking for them", () => {
    const closure = packageClosure(new Map([["layered", folder("layered")]]), { exclude: ["@aws-lambda-powertools/logger"] });
    assert.deepEqual([...closure.keys()], ["layered"]);
  });
});
