/**
 * Test databases: every test file gets its own SQLite file in a temp directory, migrated
 * with the real migrations, so tests never touch data/ and can run in parallel.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type Db } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";

export type TestDb = { db: Db; file: string; dir: string; close: () => void };

/** A fresh temp directory, removed by the returned function. */
export function makeTempDir(prefix = "cunpin-test-"): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A migrated database on a temp file (WAL, foreign keys on — exactly like production). */
export function createTestDb(): TestDb {
  const { dir, remove } = makeTempDir();
  const file = path.join(dir, "test.db");
  const db = openDatabase(file);
  migrateDatabase(db);
  let closed = false;
  return {
    db,
    file,
    dir,
    close: () => {
      if (!closed) db.$client.close();
      closed = true;
      remove();
    },
  };
}
