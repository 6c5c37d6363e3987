#!/usr/bin/env node
// The edw-local command. A committed file, so that npm links it at install time, before `prepare` builds dist/:
// it starts the built CLI, or says how to build it.

let cli;
try {
  // Modules compiled by earlier runs come from the code cache (see program/compileCache.ts), unless no cache is wanted.
  if (!process.argv.includes("--no-cache")) require("../dist/program/compileCache.js").enableCompileCache(process.cwd());
  cli = require("../dist/cli/main.js");
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && /dist\/(cli\/main|program\/compileCache)/.test(String(error.message))) {
    process.stderr.write("edw-local: the package is not built (no dist/): run `npm run build` in its folder, or install it from npm.\n");
    process.exit(2);
  }
  throw error;
}
cli.runMain(process.argv.slice(2));
