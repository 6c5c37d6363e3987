/**
 * `npm run policy-config`: writes the pack's defaults (policies/defaults.ts) into policy-config.json and into the
 * README's configuration table. Run it after changing a policy's level or settings; a test fails until then.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultPolicyConfig, policyConfigTable, TABLE_MARKERS } from "../defaults";

const folder = join(__dirname, "..");
writeFileSync(join(folder, "policy-config.json"), `${JSON.stringify(defaultPolicyConfig(), null, 2)}\n`);
const readmePath = join(folder, "README.md");
const readme = readFileSync(readmePath, "utf8");
const start = readme.indexOf(TABLE_MARKERS.start);
const end = readme.indexOf(TABLE_MARKERS.end);
if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_MARKERS.start} ... ${TABLE_MARKERS.end} markers`);
writeFileSync(readmePath, `${readme.slice(0, start + TABLE_MARKERS.start.length)}\n${policyConfigTable()}\n${readme.slice(end)}`);
process.stdout.write("policy-config.json and the README's table written from the pack's defaults\n");
