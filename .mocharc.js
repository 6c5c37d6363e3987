// Node 22.6+ strips TypeScript types natively and would load the specs as ES modules, bypassing ts-node;
// keep ts-node (CommonJS, type-aware transpilation) in charge on every Node version.
const stripTypesFlag = "--no-experimental-strip-types";
module.exports = {
  require: ["ts-node/register/transpile-only"],
  extension: ["ts"],
  timeout: 120000,
  recursive: true,
  ...(process.allowedNodeEnvironmentFlags.has(stripTypesFlag) ? { "node-option": [stripTypesFlag.slice(2)] } : {}),
};
