/**
 * Loading a TypeScript Pulumi program in-process, as Pulumi's Node.js host does: through ts-node, which every
 * Pulumi TypeScript project has (it is a peer dependency of @pulumi/pulumi), resolved from the program's own folder
 * so that its version and tsconfig are the program's.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { RunnerInputError } from "../input/eventInput";

const TS_NODE_INSTANCE = Symbol.for("ts-node.register.instance");

/** Registers ts-node for `program` when it is TypeScript and no ts-node is registered yet (mocha with ts-node, say). */
export function ensureTypeScript(program: string): void {
  if (!/\.[cm]?tsx?$/.test(program) || (process as unknown as Record<symbol, unknown>)[TS_NODE_INSTANCE]) return;
  const path = resolve(program);
  let tsNode: { register(options: object): unknown };
  try {
    tsNode = createRequire(path)("ts-node");
  } catch {
    throw new RunnerInputError(
      `${program} is TypeScript, and ts-node cannot be found from its folder: run \`npm install -D ts-node typescript\` there ` +
        "(Pulumi TypeScript programs have both), or pass the compiled JavaScript program instead.",
    );
  }
  const project = findUp(dirname(path), "tsconfig.json");
  tsNode.register({ transpileOnly: true, ...(project ? { project } : { skipProject: true }), compilerOptions: { module: "commonjs" } });
}

function findUp(start: string, file: string): string | undefined {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, file))) return join(folder, file);
    if (dirname(folder) === folder) return undefined;
  }
}
