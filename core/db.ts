/**
 * The database handle every domain function takes. One better-sqlite3 connection per process
 * (db/client.ts), used synchronously: a domain function that must be atomic opens
 * `db.transaction(() => …)` on the handle it was given and keeps passing that same handle down.
 * better-sqlite3 nests transactions as savepoints, so a caller may wrap several domain calls in
 * its own transaction (all or nothing) without handing around drizzle's transaction object.
 */
export type { Db } from "../db/client";
