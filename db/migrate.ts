/** Applies committed drizzle-kit migrations. `npm run db:migrate`; also called by `npm start` and tests. */
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getDb, type Db } from "./client";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export function migrateDatabase(db: Db = getDb()): void {
  // Some migrations rebuild a table (SQLite cannot drop a column used by a foreign key). That needs
  // foreign keys off, which SQLite ignores inside the migrator's transaction, so they are turned off
  // around it and every reference is checked afterwards.
  const sqlite = db.$client;
  sqlite.pragma("foreign_keys = OFF");
  try {
    migrate(db, { migrationsFolder });
    const broken = sqlite.pragma("foreign_key_check") as unknown[];
    if (broken.length > 0) throw new Error(`migration left ${broken.length} broken foreign key(s): ${JSON.stringify(broken.slice(0, 5))}`);
  } finally {
    sqlite.pragma("foreign_keys = ON");
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  migrateDatabase();
  console.log(`migrated ${process.env.DATABASE_PATH ?? "data/cunpin.db"}`);
}
