/**
 * One synthesis-bench sample, in a process of its own (Pulumi's runtime state is per process): constructs the
 * generated workflow of argv[2] tasks under mocks and waits until every resource is registered and resolved (ours),
 * then registers the same resources with the inputs ours produced, literally, with the @pulumi/aws classes (the
 * hand-written baseline: what a program declaring those resources by hand asks of Pulumi; a type token with no such
 * class is registered by token). Alternates the two `argv[3]` times;
 * prints `@@RESULT@@{ ours: ms[], baseline: ms[], resources }`.
 */
import { performance } from "node:perf_hooks";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EventDrivenWorkflow } from "event-driven-workflow";
import { installMocks, type RecordedResource, settle } from "../local/program/synthesize";
import { generatedSteps } from "./generatedWorkflow";

const taskCount = Number(process.argv[2]);
const samples = Number(process.argv[3] ?? 3);

/** A resource declared by its type token and literal inputs, as a hand-written `new aws.x.Y(name, inputs)` registers it. */
class HandWritten extends pulumi.CustomResource {
  // Public: CustomResource's own constructor is protected.
  constructor(type: string, name: string, inputs: pulumi.Inputs) {
    super(type, name, inputs);
  }
}

/** The @pulumi/aws class of a type token (`aws:lambda/function:Function` is `aws.lambda.Function`), as a program writes it. */
function awsClassOf(type: string): (new (name: string, args: pulumi.Inputs) => pulumi.CustomResource) | undefined {
  const match = /^aws:([a-zA-Z0-9]+)\/[a-zA-Z0-9]+:([A-Za-z0-9]+)$/.exec(type);
  return match ? (aws as unknown as Record<string, Record<string, never>>)[match[1]]?.[match[2]] : undefined;
}

async function resolved(resources: RecordedResource[]): Promise<void> {
  await settle(resources);
}

async function ours(run: number | string, tasks = taskCount): Promise<{ ms: number; resources: RecordedResource[] }> {
  const resources = installMocks("bench", `ours${run}`);
  const started = performance.now();
  new EventDrivenWorkflow(`gen${run}`, {
    trigger: { pattern: { source: ["bench"] } },
    steps: generatedSteps(tasks),
    timeoutSeconds: 300,
    // Generated blocks of tasks with Maps of any size: their worst case is not the point of a synthesis bench.
    timeBudget: { acknowledgeOverrun: "a synthesis benchmark, never deployed" },
  });
  await resolved(resources);
  return { ms: performance.now() - started, resources };
}

async function baseline(run: number | string, recorded: RecordedResource[]): Promise<number> {
  const resources = installMocks("bench", `baseline${run}`);
  const started = performance.now();
  for (const r of recorded) {
    if (r.type.startsWith("event-driven-workflow")) continue; // the component itself: a hand-written program has none
    const Declared = awsClassOf(r.type);
    if (Declared) new Declared(`${r.name}-hand${run}`, r.inputs);
    else new HandWritten(r.type, `${r.name}-hand${run}`, r.inputs);
  }
  await resolved(resources);
  return performance.now() - started;
}

(async () => {
  const result = { ours: [] as number[], baseline: [] as number[], resources: 0 };
  // Unmeasured: the first synthesis in a process loads and compiles the code both sides share (Pulumi's runtime and
  // resource classes); whichever ran first would pay for it.
  await baseline("warm", (await ours("warm", 5)).resources);
  for (let i = 0; i < samples; i++) {
    const run = await ours(i);
    result.ours.push(run.ms);
    result.resources = run.resources.length;
    result.baseline.push(await baseline(i, run.resources));
  }
  process.stdout.write(`@@RESULT@@${JSON.stringify(result)}\n`);
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
