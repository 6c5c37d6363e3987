/**
 * The embedded ON-DISK idempotency store, for `npm start` and anything that must survive a process restart: one JSON
 * file per record in a folder, no native dependency.
 *
 * Semantics match the DynamoDB table's: a put succeeds only if no live record holds the key (see
 * `admitsNewRecord`), records expire, INPROGRESS records stop blocking when their invocation's time is up.
 * Atomicity across processes:
 * - every check-then-write (conditional put, update, delete) runs under a per-key lock file created with O_EXCL
 *   (`wx`): only one process at a time holds it;
 * - every write goes to a temporary file renamed over the record, so a reader sees the old or the new record,
 *   never half of one;
 * - a lock left behind by a crashed process is broken once older than `staleLockMs` (operations hold it for
 *   milliseconds).
 */
import { createHash, randomUUID } from "node:crypto";
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { StoragePersistenceLayer, type RecordStorage, type StoredRecord } from "./storage";
import type { LocalIdempotencyStore } from "./store";

/** Where the records are kept by default: `.local-state/idempotency` in the working directory (git-ignore it). */
export const DEFAULT_LOCAL_STATE_DIR = join(process.cwd(), ".local-state", "idempotency");

export interface FileStoreOptions {
  /** A lock older than this is taken to be left by a crashed process and is broken. @default 10000 */
  staleLockMs?: number;
  /** How long an operation waits for a key's lock before failing. @default 5000 */
  lockTimeoutMs?: number;
}

class FileRecordStorage implements RecordStorage {
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly directory: string,
    private readonly options: Required<FileStoreOptions>,
  ) {}

  async get(key: string) {
    await this.ensureDirectory();
    return readRecord(this.pathOf(key));
  }

  async putIf(record: StoredRecord, admit: (current: StoredRecord | undefined) => boolean) {
    return this.locked(record.idempotencyKey, async (path) => {
      const current = await readRecord(path);
      if (!admit(current)) return { stored: false as const, existing: current! };
      await writeAtomically(path, record);
      return { stored: true as const };
    });
  }

  async update(key: string, change: (current: StoredRecord | undefined) => StoredRecord) {
    await this.locked(key, async (path) => writeAtomically(path, change(await readRecord(path))));
  }

  async delete(key: string) {
    await this.locked(key, (path) => rm(path, { force: true }));
  }

  async list() {
    await this.ensureDirectory();
    const files = (await readdir(this.directory)).filter((f) => /^[0-9a-f]{64}\.json$/.test(f));
    const records = await Promise.all(files.map((f) => readRecord(join(this.directory, f))));
    return records.filter((r): r is StoredRecord => r !== undefined);
  }

  private pathOf(key: string): string {
    // Keys hold '#', '/', '+' (base64): the file is named by the key's SHA-256, the key itself is inside.
    return join(this.directory, `${createHash("sha256").update(key).digest("hex")}.json`);
  }

  private ensureDirectory() {
    this.ready ??= mkdir(this.directory, { recursive: true });
    return this.ready;
  }

  private async locked<T>(key: string, work: (path: string) => Promise<T>): Promise<T> {
    await this.ensureDirectory();
    const path = this.pathOf(key);
    const lock = `${path}.lock`;
    const token = `${process.pid}:${randomUUID()}`;
    const deadline = Date.now() + this.options.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await writeFile(lock, token, { flag: "wx" });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        await breakIfStale(lock, this.options.staleLockMs);
        if (Date.now() > deadline)
          throw new Error(`Timed out after ${this.options.lockTimeoutMs} ms waiting for the idempotency record lock ${lock}`);
        await sleep(Math.min(2 ** attempt, 20) + Math.random() * 5);
      }
    }
    try {
      return await work(path);
    } finally {
      // Release only our own lock (if ours was broken as stale, someone else's is there now).
      if ((await readText(lock)) === token) await rm(lock, { force: true });
    }
  }
}

async function readRecord(path: string): Promise<StoredRecord | undefined> {
  const text = await readText(path);
  return text === undefined ? undefined : (JSON.parse(text) as StoredRecord);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function writeAtomically(path: string, record: StoredRecord): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temporary, path);
}

/**
 * Breaks `lock` if it is older than `staleMs`. The lock is first renamed aside (atomic: one breaker wins), then its
 * content is checked: if it is not the stale lock that was seen (it was released and re-taken meanwhile), it is put
 * back.
 */
async function breakIfStale(lock: string, staleMs: number): Promise<void> {
  let seen: string | undefined;
  try {
    if (Date.now() - (await stat(lock)).mtimeMs <= staleMs) return;
    seen = await readText(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const aside = `${lock}.${randomUUID()}.stale`;
  try {
    await rename(lock, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if ((await readText(aside)) !== seen) await link(aside, lock).catch(() => undefined);
  await rm(aside, { force: true });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Idempotency records on disk, one JSON file per record under `directory`: they survive process restarts, so a
 * replayed order is recognised by a later run. Several processes may share the folder.
 *
 * @example
 * const store = new FileIdempotencyStore(".local-state/idempotency");
 * bindTaskSteps("order-processing", steps, { idempotencyStore: store });
 */
export class FileIdempotencyStore implements LocalIdempotencyStore {
  private readonly storage: FileRecordStorage;

  constructor(
    readonly directory: string = DEFAULT_LOCAL_STATE_DIR,
    options: FileStoreOptions = {},
  ) {
    this.storage = new FileRecordStorage(directory, { staleLockMs: 10_000, lockTimeoutMs: 5_000, ...options });
  }

  persistenceLayer(): BasePersistenceLayer {
    return new StoragePersistenceLayer(this.storage);
  }

  records(): Promise<StoredRecord[]> {
    return this.storage.list();
  }
}
