/**
 * The one database client. SQLite in WAL mode, foreign keys enforced.
 * Plain module (no Remix): used by the app, seeds, scripts, tests and benchmarks.
 */
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export function openDatabase(file: string): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return drizzle(sqlite, { schema }) as Db;
}

const globalForDb = globalThis as unknown as { __cunpinDb?: Db };

/** Process-wide client for DATABASE_PATH (kept across dev-server rebuilds). */
export function getDb(): Db {
  if (!globalForDb.__cunpinDb) {
    globalForDb.__cunpinDb = openDatabase(process.env.DATABASE_PATH ?? "data/cunpin.db");
  }
  return globalForDb.__cunpinDb;
}

/** Close and forget the process-wide client (tests, backup restore). */
export function closeDb(): void {
  globalForDb.__cunpinDb?.$client.close();
  globalForDb.__cunpinDb = undefined;
}

export { schema };
