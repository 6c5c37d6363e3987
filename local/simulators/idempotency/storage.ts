/**
 * The part every local idempotency store shares: the record as stored (plain JSON), DynamoDB's conditional-put rule,
 * and a Powertools persistence layer over any storage that can do a conditional put atomically.
 */
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from "@aws-lambda-powertools/idempotency";
import { BasePersistenceLayer, IdempotencyRecord } from "@aws-lambda-powertools/idempotency/persistence";
import type { JSONValue } from "@aws-lambda-powertools/commons/types";

/** An idempotency record as a store keeps it: the fields of Powertools' DynamoDB item, as plain JSON. */
export interface StoredRecord {
  /** `<workflow>.<step>#<hash of the key>`. */
  idempotencyKey: string;
  status: "INPROGRESS" | "COMPLETED";
  /** Seconds since the epoch after which the record no longer counts (DynamoDB's TTL attribute). */
  expiryTimestamp?: number;
  /** Milliseconds since the epoch after which an INPROGRESS record no longer blocks (its Lambda timed out). */
  inProgressExpiryTimestamp?: number;
  /** The stored result, replayed to repeated invocations. */
  responseData?: JSONValue;
  payloadHash?: string;
}

/** A key-value store of records whose conditional put is atomic (no other writer between the check and the write). */
export interface RecordStorage {
  get(key: string): Promise<StoredRecord | undefined>;
  /** Stores `record` if `admit(current)` holds, atomically; otherwise leaves the current record and returns it. */
  putIf(
    record: StoredRecord,
    admit: (current: StoredRecord | undefined) => boolean,
  ): Promise<{ stored: true } | { stored: false; existing: StoredRecord }>;
  /** Replaces the record with `change(current)` (creating it when absent), atomically. */
  update(key: string, change: (current: StoredRecord | undefined) => StoredRecord): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every record held, expired ones included (as a DynamoDB table holds them until TTL deletes them). */
  list(): Promise<StoredRecord[]>;
}

/**
 * DynamoDB's condition for putting a new record (Powertools' `_putRecord`): no record, or an expired one, or an
 * INPROGRESS one whose invocation has run out of time. Anything else means another invocation owns the key.
 */
export function admitsNewRecord(current: StoredRecord | undefined, nowMs: number): boolean {
  if (!current) return true;
  if (current.expiryTimestamp !== undefined && current.expiryTimestamp < nowMs / 1000) return true;
  return (
    current.status === IdempotencyRecordStatus.INPROGRESS &&
    current.inProgressExpiryTimestamp !== undefined &&
    current.inProgressExpiryTimestamp < nowMs
  );
}

/**
 * A Powertools persistence layer over a {@link RecordStorage}: the same semantics as the DynamoDB layer (conditional
 * put with expiry and in-progress expiry, upserting update, delete on failure), another place to keep records.
 */
export class StoragePersistenceLayer extends BasePersistenceLayer {
  constructor(private readonly storage: RecordStorage) {
    super();
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const stored = await this.storage.get(idempotencyKey);
    if (!stored) throw new IdempotencyItemNotFoundError(`No idempotency record for ${idempotencyKey}`);
    return toIdempotencyRecord(stored);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const outcome = await this.storage.putIf(toStoredRecord(record), (current) => admitsNewRecord(current, Date.now()));
    if (!outcome.stored) {
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        toIdempotencyRecord(outcome.existing),
      );
    }
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    // As DynamoDB's UpdateItem: sets status, expiry and result; keeps the in-progress expiry; creates if absent.
    await this.storage.update(record.idempotencyKey, (current) => ({
      ...current,
      ...toStoredRecord(record),
      inProgressExpiryTimestamp: current?.inProgressExpiryTimestamp,
    }));
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.storage.delete(record.idempotencyKey);
  }
}

function toStoredRecord(record: IdempotencyRecord): StoredRecord {
  return withoutUndefined({
    idempotencyKey: record.idempotencyKey,
    status: record.getStatus() as StoredRecord["status"],
    expiryTimestamp: record.expiryTimestamp,
    inProgressExpiryTimestamp: record.inProgressExpiryTimestamp,
    responseData: record.responseData,
    payloadHash: record.payloadHash || undefined,
  });
}

function toIdempotencyRecord(stored: StoredRecord): IdempotencyRecord {
  return new IdempotencyRecord({ ...stored, status: stored.status as never });
}

/** `value` without its undefined properties, removed in place (it is always a fresh literal). */
function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
