/**
 * Domain events the page caches listen to (issue 14): a change a storefront page shows (price,
 * stock, status, photos, a rating, a recall, a producer's review) or a change on a lot's chain.
 *
 * Two channels, both needed:
 * - in this process: an EventEmitter on globalThis (server.js and the Remix bundle load this
 *   module separately and must share it), so the process that made the change drops its pages
 *   before it answers the next request;
 * - across processes: the `cache_generations` row of the cache is bumped on the same connection,
 *   inside the caller's transaction when there is one, so it commits (or rolls back) with the
 *   change; server.js in every process compares it before serving from cache (server/shared-state.js).
 */
import { EventEmitter } from "node:events";
import type { Db } from "../db/client";

export type CacheName = "storefront" | "trace";

export type StorefrontChange =
  | { kind: "listing"; listingIds: number[]; what: "created" | "edited" | "status" | "stock" }
  | { kind: "rating"; producerId: number }
  | { kind: "recall"; batchId: number; listingIds: number[] }
  | { kind: "producer"; producerId: number }
  | { kind: "lot"; batchId: number };

const g = globalThis as unknown as { __cunpinDomainBus?: EventEmitter };
const bus = (g.__cunpinDomainBus ??= new EventEmitter());
bus.setMaxListeners(0);

/** Bumps a cache's generation on `db`'s connection (inside the caller's transaction, if any). */
export function bumpCacheGeneration(db: Db, name: CacheName): void {
  db.$client.prepare("insert into cache_generations (name, generation) values (?, 1) on conflict (name) do update set generation = generation + 1").run(name);
}

/** A storefront page may have changed: every process drops its cached storefront documents. */
export function storefrontChanged(db: Db, change: StorefrontChange): void {
  bumpCacheGeneration(db, "storefront");
  try {
    bus.emit("storefront", change);
  } catch {
    // A listener's failure must not fail the change itself.
  }
}

/** Listens to storefront changes in this process (server.js's cache; tests). */
export function onStorefrontChanged(listener: (change: StorefrontChange) => void): () => void {
  bus.on("storefront", listener);
  return () => {
    bus.off("storefront", listener);
  };
}
