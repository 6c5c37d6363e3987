/**
 * `edw-local package [program] --out <dir> [--json]`: writes each Lambda function's archive of a program as it would
 * deploy (unzipped, and the zip) with a manifest, so that a user sees what ships without reaching into synthesis.
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { RunnerInputError } from "../input/eventInput";
import { writeFunctionArchives } from "../packaging/archives";
import { forgetPendingPulumiWork } from "../program/synthesize";
import { loadSynthesis } from "../runner/runner";
import { defaultProgram, usageError, PROGRAM_OPTIONS, programSettingsOf } from "./options";

const USAGE = `Usage: edw-local package [program] --out <dir> [--json] [--stack <name>] [--config key=value ...]

Writes each Lambda function of the program (default: Pulumi.yaml's main, else index.ts) into <dir>: its files
(<dir>/<function>/), the zip that would deploy (<dir>/<function>.zip) and <dir>/manifest.json: handler, files and
sizes, bundled packages and their versions, layers, and the modules the Lambda runtime or the layer must provide.
`;

/** `edw-local package ...`: returns the exit code. */
export async function packageCommand(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        json: { type: "boolean" },
        ...PROGRAM_OPTIONS,
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (!values.out) throw new RunnerInputError("--out <dir> is required: the folder to write the archives into.");
    const program = positionals[0] ?? defaultProgram();
    const synthesis = await loadSynthesis(program, programSettingsOf(values));
    const functions = await writeFunctionArchives(synthesis, values.out);
    forgetPendingPulumiWork();
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ out: values.out, functions }, null, 2)}\n`);
    } else {
      for (const f of functions) {
        const packages = f.packages.map((p) => `${p.name}@${p.version}`).join(", ") || "none";
        process.stdout.write(
          `${relative(process.cwd(), values.out) || "."}/${f.zip}: ${f.files.length} files, ${f.unzippedBytes} B unzipped, ${f.zippedBytes} B zipped; ` +
            `packages: ${packages}; from the runtime or layer: ${f.externalRequires.join(", ") || "nothing"}\n`,
        );
      }
    }
    return 0;
  } catch (error) {
    return usageError(error);
  }
}
