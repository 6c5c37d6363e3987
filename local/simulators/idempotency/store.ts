/** What the local runner needs from an idempotency store. */
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import type { StoredRecord } from "./storage";

/** A local stand-in for the workflow's idempotency table. */
export interface LocalIdempotencyStore {
  /** A new Powertools persistence layer over this store (one per step: Powertools configures a layer once). */
  persistenceLayer(): BasePersistenceLayer;
  /** Every record held, expired ones included. */
  records(): Promise<StoredRecord[]>;
}
