/** The order program (index.ts) synthesized once per test process under Pulumi mocks, shared by the specs. */
import { installMocks, settle, valueOf, type RecordedResource } from "./pulumiMocks";

let synthesized: Promise<{ resources: RecordedResource[]; outputs: Record<string, unknown> }> | undefined;

export function synthesizeOrderStack(): Promise<{ resources: RecordedResource[]; outputs: Record<string, unknown> }> {
  synthesized ??= (async () => {
    const resources = installMocks("order-processing", "test", { "order-processing:alertEmails": "oncall@example.com" });
    const program = await import("../../index");
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) outputs[key] = await valueOf(value as never);
    await settle(resources);
    return { resources, outputs };
  })();
  return synthesized;
}
