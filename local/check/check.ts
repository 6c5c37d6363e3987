/**
 * `edw-local check` and the test kit's `checkProgram`: the policy pack installed in the user's project
 * (event-driven-workflow-policies) over every resource of their program, synthesized under mocks exactly as the other
 * commands synthesize it, without the Pulumi CLI. The pack's own `checkResources` does the judging (the same engine a
 * test holds to the pack's gRPC server); this file finds the pack, turns the synthesis into resource records and
 * prints the findings the way `pulumi preview --policy-pack` does.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve as resolvePath } from "node:path";
import { RunnerInputError } from "../input/eventInput";
import { forgetPendingPulumiWork, resourceKey, type Synthesis, type SynthesisOptions } from "../program/synthesize";
import { loadSynthesis } from "../runner/runner";

/** The pack's package name, as a user installs it. */
export const POLICY_PACK_PACKAGE = "event-driven-workflow-policies";
/** What to run when the pack is missing. */
export const POLICY_PACK_INSTALL = `npm i -D ${POLICY_PACK_PACKAGE}`;

/** One finding, as the pack's `checkResources` returns it (the pack's `Finding`). */
export interface PolicyFinding {
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  severity?: string;
  urn?: string;
  resourceType?: string;
  resourceName?: string;
  description?: string;
  message: string;
  remediation?: string;
  kind: "violation" | "preview-unknown";
}

/** A resource as the pack's `checkResources` takes it. */
interface PackRecord {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  parent?: string;
}

/** What this file uses of the pack's library entry. */
interface PolicyPackLibrary {
  PACK_NAME: string;
  PACK_VERSION: string;
  checkResources(resources: readonly PackRecord[], options?: { config?: Record<string, unknown> }): Promise<PolicyFinding[]>;
}

/** Options of {@link checkProgram}. */
export interface CheckProgramOptions {
  /** @default "local" */
  stack?: string;
  /** Pulumi config on top of Pulumi.yaml's and Pulumi.<stack>.yaml's, as `--config key=value`. */
  config?: Record<string, string>;
  /** The outputs of each StackReference the program reads, by name (see `SynthesisOptions`). @default none */
  stackReferences?: SynthesisOptions["stackReferences"];
  /** How to supply a missing StackReference stub, for its error. @default the `stackReferences` option */
  stackReferenceHint?: SynthesisOptions["stackReferenceHint"];
  /** A `--policy-pack-config` document, or the path of its JSON file. @default the pack's defaults */
  policyConfig?: Record<string, unknown> | string;
  /** Where to resolve the pack from. @default the program's folder */
  projectFolder?: string;
}

/** What {@link checkProgram} found. */
export interface CheckReport {
  program: string;
  stack: string;
  pack: { name: string; version: string; folder: string };
  /** How many resources the pack judged (the component's children and the program's own). */
  resources: number;
  /** Mandatory findings first. */
  findings: PolicyFinding[];
  mandatory: number;
  advisory: number;
  /** Functions whose code Pulumi could not serialize (`pulumi up` would stop on them). */
  warnings: string[];
}

/** The installed pack's folder and library, resolved from `folder` as Node resolves the user's own imports. */
export function loadPolicyPack(folder: string): { folder: string; library: PolicyPackLibrary } {
  let manifest: string;
  try {
    manifest = require.resolve(`${POLICY_PACK_PACKAGE}/package.json`, { paths: [folder] });
  } catch {
    throw new RunnerInputError(
      `the policy pack ${POLICY_PACK_PACKAGE} is not installed in ${relative(process.cwd(), folder) || "."}: install it with \`${POLICY_PACK_INSTALL}\`.`,
    );
  }
  const library = require(require.resolve(POLICY_PACK_PACKAGE, { paths: [folder] })) as PolicyPackLibrary;
  return { folder: dirname(manifest), library };
}

/** A `--policy-config` file as a config document; RunnerInputError naming the file when it is missing or not JSON. */
export function readPolicyConfig(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new RunnerInputError(`--policy-config ${file}: no such file.`);
  try {
    const config = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (config === null || typeof config !== "object" || Array.isArray(config)) throw new Error("it is not a JSON object");
    return config as Record<string, unknown>;
  } catch (error) {
    throw new RunnerInputError(
      `--policy-config ${file}: ${(error as Error).message}; give a --policy-pack-config document ({ "<policy>": "<level>" | { "enforcementLevel": ..., ... } }).`,
    );
  }
}

/**
 * The URN `pulumi preview` gives each resource: `urn:pulumi:<stack>::<project>::<parent types$>type::name`. The
 * parent's type comes from the synthesis's parent key (`type::name`).
 */
function urnsOf(synthesis: Synthesis): Map<string, string> {
  const qualified = new Map<string, string>();
  const byKey = new Map(synthesis.resources.map((r) => [resourceKey(r), r]));
  const typeChain = (key: string): string => {
    const known = qualified.get(key);
    if (known) return known;
    const resource = byKey.get(key);
    const type = key.slice(0, key.lastIndexOf("::"));
    const chain = resource?.parent ? `${typeChain(resource.parent)}$${type}` : type;
    qualified.set(key, chain);
    return chain;
  };
  return new Map(
    synthesis.resources.map((r) => [
      resourceKey(r),
      `urn:pulumi:${synthesis.stack}::${synthesis.project}::${typeChain(resourceKey(r))}::${r.name}`,
    ]),
  );
}

/**
 * The resources of a synthesized program as the pack judges them: inputs (what `pulumi preview` analyzes) with the
 * outputs the mocks computed (ARNs, names: what the stack policy pairs Tasks with Lambdas by).
 */
export function packRecordsOf(synthesis: Synthesis): PackRecord[] {
  const urns = urnsOf(synthesis);
  return synthesis.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: urns.get(resourceKey(r))!,
    props: { ...r.inputs, ...r.state },
    ...(r.parent && urns.has(r.parent) ? { parent: urns.get(r.parent) } : {}),
  }));
}

/**
 * Synthesizes `program` under mocks (as `edw-local` runs it) and runs the installed policy pack over every resource.
 *
 * @throws RunnerInputError when the pack is not installed (naming the install command) or the policy config is bad.
 * @example
 * const report = await checkProgram("index.ts", { stack: "prod" });
 * assert.deepEqual(report.findings.filter((f) => f.enforcementLevel === "mandatory"), []);
 */
export async function checkProgram(program: string, options: CheckProgramOptions = {}): Promise<CheckReport> {
  const pack = loadPolicyPack(options.projectFolder ?? dirname(resolvePath(program)));
  const policyConfig = typeof options.policyConfig === "string" ? readPolicyConfig(options.policyConfig) : options.policyConfig;
  const synthesis = await loadSynthesis(program, {
    stack: options.stack,
    config: options.config,
    stackReferences: options.stackReferences,
    stackReferenceHint: options.stackReferenceHint,
  });
  forgetPendingPulumiWork();
  const records = packRecordsOf(synthesis);
  let findings: PolicyFinding[];
  try {
    findings = await pack.library.checkResources(records, policyConfig ? { config: policyConfig } : {});
  } catch (error) {
    if ((error as Error)?.name === "PolicyConfigError") throw new RunnerInputError((error as Error).message);
    throw error;
  }
  const mandatory = findings.filter((f) => f.enforcementLevel === "mandatory").length;
  return {
    program,
    stack: synthesis.stack,
    pack: { name: pack.library.PACK_NAME, version: pack.library.PACK_VERSION, folder: pack.folder },
    resources: records.length,
    findings,
    mandatory,
    advisory: findings.length - mandatory,
    warnings: [
      ...synthesis.warnings,
      ...synthesis.serializationFailures.map(
        (f) => `${f.resource}: its code cannot be serialized, so \`pulumi up\` would stop: ${f.message}`,
      ),
    ],
  };
}

/**
 * The report as `pulumi preview --policy-pack` prints it: per finding the level, policy and resource, then the
 * policy's description, the message, the remediation and the URN; then a one-line summary.
 */
export function formatCheckReport(report: CheckReport): string {
  const { pack } = report;
  const location = relative(process.cwd(), pack.folder) || ".";
  const lines = ["Policies:", `    ${report.mandatory > 0 ? "❌" : "✅"} ${pack.name}@v${pack.version} (local: ${location})`];
  for (const f of report.findings) {
    const resource = f.resourceType ? `  (${f.resourceType}: ${f.resourceName})` : "";
    lines.push(`        - [${f.enforcementLevel}]  ${f.policy}${resource}`);
    if (f.description) lines.push(`          ${f.description}`);
    lines.push(...f.message.split("\n").map((l) => `          ${l}`));
    if (f.remediation) lines.push(`          Remediation: ${f.remediation}`);
    if (f.urn) lines.push(`          ${f.urn}`);
  }
  lines.push(
    "",
    `${report.resources} resources of ${report.program} (stack ${report.stack}) checked: ${report.mandatory} mandatory, ${report.advisory} advisory finding(s).`,
  );
  return `${lines.join("\n")}\n`;
}
