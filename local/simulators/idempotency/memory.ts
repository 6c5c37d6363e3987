/** The in-process idempotency store, for unit tests and single-process runs: records in a Map, gone with the process. */
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { StoragePersistenceLayer, type RecordStorage, type StoredRecord } from "./storage";
import type { LocalIdempotencyStore } from "./store";

/** A {@link RecordStorage} in memory. Each operation runs without an `await` in between, so it is atomic. */
class MemoryRecordStorage implements RecordStorage {
  private readonly records = new Map<string, StoredRecord>();

  async get(key: string) {
    return copy(this.records.get(key));
  }

  async putIf(record: StoredRecord, admit: (current: StoredRecord | undefined) => boolean) {
    const current = this.records.get(record.idempotencyKey);
    if (!admit(current)) return { stored: false as const, existing: copy(current)! };
    this.records.set(record.idempotencyKey, copy(record)!);
    return { stored: true as const };
  }

  async update(key: string, change: (current: StoredRecord | undefined) => StoredRecord) {
    this.records.set(key, copy(change(copy(this.records.get(key))))!);
  }

  async delete(key: string) {
    this.records.delete(key);
  }

  async list() {
    return [...this.records.values()].map((r) => copy(r)!);
  }
}

/**
 * Records are copied in and out, as a real store would: a caller never holds the stored object. Through JSON, as the
 * file store and DynamoDB keep them (a record is JSON by type), and several times faster than `structuredClone`.
 */
function copy(record: StoredRecord | undefined): StoredRecord | undefined {
  return record && JSON.parse(JSON.stringify(record));
}

/**
 * Idempotency records in this process's memory. One store is one table: every step's persistence layer made from
 * it shares the records (keys are prefixed by workflow and step).
 *
 * @example
 * const store = new InMemoryIdempotencyStore();
 * const lambda = instrumentStep("orders", "ChargeCard", charge, { idempotency: { keyPath: "orderId" }, persistenceLayer: () => store.persistenceLayer() });
 */
export class InMemoryIdempotencyStore implements LocalIdempotencyStore {
  private readonly storage = new MemoryRecordStorage();

  persistenceLayer(): BasePersistenceLayer {
    return new StoragePersistenceLayer(this.storage);
  }

  records(): Promise<StoredRecord[]> {
    return this.storage.list();
  }
}
