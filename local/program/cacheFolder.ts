/**
 * Where the local loop's caches live (the synthesis cache, the parses Pulumi's serializer shares): one folder per
 * project, beside its packages, so that deleting node_modules deletes them too.
 */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The folder entries are kept in: `node_modules/.cache/edw-local` of the nearest folder above the program that has node_modules. */
export function defaultCacheFolder(program: string): string {
  for (let folder = dirname(program); ; folder = dirname(folder)) {
    if (fs.existsSync(join(folder, "node_modules"))) return join(folder, "node_modules", ".cache", "edw-local");
    if (dirname(folder) === folder) return join(tmpdir(), "edw-local-cache");
  }
}
