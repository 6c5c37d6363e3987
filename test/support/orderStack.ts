/** The order program (index.ts) synthesized once per test process under Pulumi mocks, shared by the specs. */
import { join } from "node:path";
import { synthesizeProgram, type RecordedResource, type Synthesis } from "../../local/program/synthesize";

let synthesized: Promise<Synthesis> | undefined;

/** The whole synthesis (resources, outputs, callbacks, serialization failures), as the local runner uses it. */
export function synthesizeOrderProgram(): Promise<Synthesis> {
  synthesized ??= synthesizeProgram(join(__dirname, "..", "..", "index.ts"), {
    stack: "test",
    config: { alertEmails: "oncall@example.com" },
  });
  return synthesized;
}

export async function synthesizeOrderStack(): Promise<{ resources: RecordedResource[]; outputs: Record<string, unknown> }> {
  const { resources, outputs } = await synthesizeOrderProgram();
  return { resources, outputs };
}
