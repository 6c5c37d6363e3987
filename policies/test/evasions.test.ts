/**
 * Issue 11's policy-pack evasions (fixtures/evasions.ts): each violating fixture is reported by its policy with the
 * expected messages and by no other policy; each fixed twin passes the whole pack.
 */
import assert from "node:assert/strict";
import { policies } from "../policies";
import {
  describeDiagnostics,
  isStackPolicy,
  runPolicies,
  runResourcePolicy,
  runStackPolicy,
  type Outcome,
} from "../../test/support/policyHarness";
import { EVASIONS, type Evasion } from "./fixtures/evasions";
import { HOLES } from "./fixtures/holes";

async function runNamed(evasion: Evasion, records: Evasion["violating"]): Promise<string[]> {
  const policy = policies.find((p) => p.name === evasion.policy);
  if (!policy) throw new Error(`evasion ${evasion.id}: no policy named ${evasion.policy}`);
  if (isStackPolicy(policy)) return (await runStackPolicy(policy, records)).violations;
  const outcomes: Outcome[] = await Promise.all(records.map((r) => runResourcePolicy(policy, r)));
  return outcomes.flatMap((o) => o.violations);
}

describe("policy pack: issue 11's evasions and issue 20's holes are reported, their fixed twins are not", () => {
  it("lists at least 21 evasions, each with a unique id", () => {
    assert.ok(EVASIONS.length >= 21, `only ${EVASIONS.length} evasions`);
    assert.equal(new Set(EVASIONS.map((e) => e.id)).size, EVASIONS.length);
  });

  it("lists issue 20's holes, each id unique across both lists", () => {
    assert.ok(HOLES.length >= 13, `only ${HOLES.length} holes`);
    assert.equal(new Set([...EVASIONS, ...HOLES].map((e) => e.id)).size, EVASIONS.length + HOLES.length);
  });

  for (const evasion of [...EVASIONS, ...HOLES]) {
    describe(`${evasion.id} (${evasion.policy}): ${evasion.title}`, () => {
      it("the named policy reports the violating fixture with the expected messages", async () => {
        const violations = await runNamed(evasion, evasion.violating);
        assert.equal(
          violations.length,
          evasion.expect.length,
          `expected ${evasion.expect.length} violation(s), got:\n${violations.join("\n")}`,
        );
        const unmatched = [...violations];
        for (const pattern of evasion.expect) {
          const i = unmatched.findIndex((m) => pattern.test(m));
          assert.ok(i >= 0, `no violation matches ${pattern}; got:\n${violations.join("\n")}`);
          unmatched.splice(i, 1);
        }
      });

      const also = evasion.alsoReportedBy ?? [];
      it(`no other policy reports the violating fixture (it breaks ${also.length === 0 ? "one rule only" : `only the rules it implies: ${also.join(", ")}`})`, async () => {
        const others = (await runPolicies(policies, evasion.violating)).filter((d) => d.policyName !== evasion.policy);
        assert.deepEqual([...new Set(others.map((d) => d.policyName))].sort(), [...also].sort(), describeDiagnostics(others));
      });

      it("the whole pack passes the fixed twin", async () => {
        const diagnostics = await runPolicies(policies, evasion.fixed);
        assert.deepEqual(diagnostics, [], describeDiagnostics(diagnostics));
      });
    });
  }
});
