/**
 * `npm run db:backup [-- --out FILE]`: an online backup of DATABASE_PATH (default data/cunpin.db).
 *
 * Uses SQLite's online backup API (better-sqlite3 `db.backup`), so it is safe while the server
 * is running and includes whatever is still in the WAL. The copy is then opened and checked
 * with `PRAGMA integrity_check` before the path is printed. Default destination:
 * <dir of DATABASE_PATH>/backups/cunpin-<UTC timestamp>.db, i.e. data/backups/.
 *
 * Plain TypeScript (no Remix); the functions are shared with db-restore.ts and the tests.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export class BackupError extends Error {}

/** "ok", or the problems SQLite reports (also when the file is not a database at all). */
export function integrityCheck(file: string): string {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma("integrity_check") as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join("; ");
  } catch (error) {
    return `cannot read as SQLite: ${(error as Error).message}`;
  } finally {
    db?.close();
  }
}

/** A Cunpin database has the drizzle migrations journal and the users table. */
export function isCunpinDatabase(file: string): boolean {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const names = new Set((db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((r) => r.name));
    return names.has("__drizzle_migrations") && names.has("users");
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

export function timestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/[:]/g, "-");
}

export function defaultBackupPath(databasePath: string, date = new Date()): string {
  return path.join(path.dirname(path.resolve(databasePath)), "backups", `cunpin-${timestamp(date)}.db`);
}

/** Online backup of `source` into `dest` (which must not exist), verified. Returns the size in bytes. */
export async function backupDatabase(source: string, dest: string): Promise<{ path: string; bytes: number }> {
  if (!fs.existsSync(source)) throw new BackupError(`database not found: ${source}`);
  if (fs.existsSync(dest)) throw new BackupError(`refusing to overwrite ${dest}`);
  fs.mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    await db.backup(dest);
  } finally {
    db.close();
  }
  // The copy inherits WAL mode from the live database; make it one self-contained file
  // (no -wal/-shm beside it) that can be moved, copied or attached to a mail as it is.
  const copy = new Database(dest, { fileMustExist: true });
  let check: string;
  try {
    copy.pragma("journal_mode = DELETE");
    check = (copy.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; ");
  } catch (error) {
    check = `cannot read as SQLite: ${(error as Error).message}`;
  } finally {
    copy.close();
  }
  if (check !== "ok") {
    for (const f of [dest, `${dest}-wal`, `${dest}-shm`]) fs.rmSync(f, { force: true });
    throw new BackupError(`backup failed its integrity check: ${check}`);
  }
  return { path: path.resolve(dest), bytes: fs.statSync(dest).size };
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export { formatBytes };

async function main(argv: string[]): Promise<void> {
  const source = process.env.DATABASE_PATH ?? "data/cunpin.db";
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out" || arg === "-o") out = argv[++i];
    else if (arg.startsWith("--out=")) out = arg.slice("--out=".length);
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: npm run db:backup [-- --out FILE]   (backs up $DATABASE_PATH, default data/cunpin.db)");
      return;
    } else throw new BackupError(`unknown argument: ${arg}`);
  }
  if (out === "") throw new BackupError("--out needs a file name");
  const dest = out ?? defaultBackupPath(source);
  const result = await backupDatabase(source, dest);
  console.log(`backup of ${path.resolve(source)} written to ${result.path} (${formatBytes(result.bytes)}, integrity ok)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`db:backup: ${error instanceof BackupError ? error.message : error}`);
    process.exit(1);
  });
}
