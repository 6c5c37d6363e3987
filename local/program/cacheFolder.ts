/**
 * Where the local loop's caches live (the synthesis cache, the parses Pulumi's serializer shares, the command's code
 * cache), one folder per project beside its packages, so that deleting node_modules deletes them too; and how an entry
 * is written there, whole or not at all, since several processes may read and write the folder at once.
 */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** `node_modules/.cache/edw-local` of the nearest folder at or above `from` that has node_modules; undefined if none. */
export function projectCacheFolder(from: string): string | undefined {
  for (let folder = from; ; folder = dirname(folder)) {
    if (fs.existsSync(join(folder, "node_modules"))) return join(folder, "node_modules", ".cache", "edw-local");
    if (dirname(folder) === folder) return undefined;
  }
}

/** The folder `program`'s cache entries are kept in: its project's ({@link projectCacheFolder}), else one in the OS temp folder. */
export function defaultCacheFolder(program: string): string {
  return projectCacheFolder(dirname(program)) ?? join(tmpdir(), "edw-local-cache");
}

/** Writes `data` to `file` (its folder created) through a file of this process renamed over it: a reader sees all or nothing. */
export function writeCacheFile(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(staging, data);
  fs.renameSync(staging, file);
}
