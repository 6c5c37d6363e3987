/**
 * Local idempotency stores: real persistence layers for Powertools Idempotency (subclasses of its
 * `BasePersistenceLayer`, with DynamoDB's conditional-write semantics) that stand in for the workflow's DynamoDB
 * table where there is no AWS: in memory for unit tests, on disk for `npm start`.
 */
export { InMemoryIdempotencyStore } from "./memory";
export { FileIdempotencyStore, DEFAULT_LOCAL_STATE_DIR, type FileStoreOptions } from "./file";
export { admitsNewRecord, StoragePersistenceLayer, type RecordStorage, type StoredRecord } from "./storage";
export type { LocalIdempotencyStore } from "./store";
