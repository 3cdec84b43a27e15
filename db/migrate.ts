/** Applies committed drizzle-kit migrations. `npm run db:migrate`; also called by `npm start` and tests. */
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getDb, type Db } from "./client";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export function migrateDatabase(db: Db = getDb()): void {
  migrate(db, { migrationsFolder });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  migrateDatabase();
  console.log(`migrated ${process.env.DATABASE_PATH ?? "data/cunpin.db"}`);
}
