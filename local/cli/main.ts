#!/usr/bin/env node
/**
 * The edw-local command line: dispatches to one command per file in this folder (run, graph, replay, cost, check,
 * capacity, package), each loaded on demand so that a command loads only what it uses. bin/edw-local.js calls `main`.
 */

/**
 * The command line: `graph` draws the workflows, `replay` replays a dead-letter queue, `cost` prices each path, `check`
 * runs the installed policy pack over the program, `capacity` finds the quota that binds first at a rate, anything
 * else runs events through them.
 */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "graph") return (await import("./graph")).graphCommand(argv.slice(1));
  // Loaded on demand: only a replay needs the SQS and EventBridge clients.
  if (argv[0] === "replay") return (await import("./replay")).replayCommand(argv.slice(1));
  if (argv[0] === "cost") return (await import("./cost")).costCommand(argv.slice(1));
  if (argv[0] === "check") return (await import("./check")).checkCommand(argv.slice(1));
  if (argv[0] === "capacity") return (await import("./capacity")).capacityCommand(argv.slice(1));
  if (argv[0] === "package") return (await import("./package")).packageCommand(argv.slice(1));
  return (await import("./run")).runCommand(argv);
}

/** Runs the command line and exits with its code: 2 for usage errors, 1 for anything unexpected. */
export function runMain(argv: string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(error?.name === "RunnerInputError" || error?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? 2 : 1);
    },
  );
}

if (require.main === module) runMain();
