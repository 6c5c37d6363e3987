/**
 * `edw-local check [program] [--stack <name>] [--config k=v ...] [--policy-config <file>] [--json]`: the installed
 * policy pack over every resource of the program, without the Pulumi CLI (local/check/check.ts). Exit 1 on a
 * mandatory finding, 0 otherwise, 2 on usage errors (a pack that is not installed included).
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { defaultProgram, usageError, PROGRAM_OPTIONS, programSettingsOf } from "./options";
import { checkProgram, formatCheckReport, POLICY_PACK_INSTALL } from "../check/check";

const USAGE = `Usage: edw-local check [program] [--stack <name>] [--config key=value ...] [--policy-config <file>] [--json]

Synthesizes the program (default: Pulumi.yaml's main, else index.ts) under Pulumi mocks and runs the policy pack
installed in the project (${POLICY_PACK_INSTALL}) over every resource, the workflows' children and the program's
own, as \`pulumi preview --policy-pack\` would. --policy-config takes a --policy-pack-config file.
Exit 1 on any mandatory finding, 0 otherwise, 2 on usage errors.
`;

/** `edw-local check ...`: returns the exit code. */
export async function checkCommand(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...PROGRAM_OPTIONS,
        "policy-config": { type: "string" },
        json: { type: "boolean" },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length > 1) {
      process.stderr.write(`edw-local check: one program at most, got ${positionals.join(", ")}.\n${USAGE}`);
      return 2;
    }
    const program = positionals[0] ?? defaultProgram();
    if (!existsSync(program)) {
      process.stderr.write(`edw-local check: no program at ${program}; pass the Pulumi program (e.g. index.ts) first.\n${USAGE}`);
      return 2;
    }
    const report = await checkProgram(program, {
      ...programSettingsOf(values),
      policyConfig: values["policy-config"],
    });
    for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report));
    return report.mandatory > 0 ? 1 : 0;
  } catch (error) {
    if ((error as { code?: string })?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      process.stderr.write(`edw-local check: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    return usageError(error);
  }
}
