/**
 * A barrier across processes, on files: each child announces it is ready (`<dir>/<name>.ready`) and waits until the
 * parent creates `<dir>/go`, which the parent does once every child is ready. Processes that take different times
 * to start then act at the same moment.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "./waitFor";

const GO = "go";
const readyFile = (name: string) => `${name}.ready`;

/**
 * In a child: announces this process is ready, then waits to be released. Gives up after `timeoutMs`, so that a
 * parent that failed early leaves no child behind.
 */
export async function atBarrier(dir: string, name: string, timeoutMs = 60_000): Promise<void> {
  writeFileSync(join(dir, readyFile(name)), String(process.pid));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(join(dir, GO))) {
    if (Date.now() >= deadline) throw new Error(`barrier ${dir}: ${name} was not released within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** In the parent: waits (up to `timeoutMs`) until every named child is ready, then releases them all. */
export async function releaseWhenReady(dir: string, names: readonly string[], timeoutMs = 45_000): Promise<void> {
  await waitFor(`${names.join(", ")} at the barrier`, () => names.every((name) => existsSync(join(dir, readyFile(name)))), { timeoutMs });
  release(dir);
}

/** Releases every child waiting at the barrier (also on a failure, so that none is left waiting). */
export function release(dir: string): void {
  writeFileSync(join(dir, GO), "");
}
