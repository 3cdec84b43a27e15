/**
 * `npm run db:restore -- FILE [--force]`: replaces DATABASE_PATH (default data/cunpin.db)
 * with a backup made by `npm run db:backup`.
 *
 * STOP THE SERVER FIRST. A running server keeps the old database open and would keep
 * writing to it (or read a file swapped under it). On Linux the restore refuses while
 * another process has the database open (found through /proc); --force skips that check.
 *
 * Steps: FILE must pass `PRAGMA integrity_check` and be a Cunpin database (it has
 * __drizzle_migrations and users). The current database is first backed up to
 * backups/pre-restore-<timestamp>.db, and its WAL checkpointed. FILE is copied (SQLite
 * backup API) to a temp file next to the target, the stale -wal/-shm are removed, and the
 * temp file is renamed over the target, which is atomic on one file system.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BackupError, backupDatabase, integrityCheck, isCunpinDatabase, timestamp } from "./db-backup";

export class RestoreError extends Error {}

/** Process ids (other than ours) that have `file` or its -wal/-shm open. Linux only; [] elsewhere. */
export function processesUsing(file: string): number[] {
  const targets = new Set([file, `${file}-wal`, `${file}-shm`].map((f) => path.resolve(f)));
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to inspect
    }
    for (const fd of fds) {
      try {
        if (targets.has(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))) {
          found.push(Number(pid));
          break;
        }
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return found;
}

export type RestoreResult = { target: string; previousBackup: string | null; bytes: number };

export async function restoreDatabase(file: string, target: string, opts: { force?: boolean; keepPrevious?: boolean } = {}): Promise<RestoreResult> {
  const source = path.resolve(file);
  const dest = path.resolve(target);
  if (!fs.existsSync(source)) throw new RestoreError(`backup file not found: ${file}`);
  if (source === dest) throw new RestoreError("the backup file is the database itself");
  const check = integrityCheck(source);
  if (check !== "ok") throw new RestoreError(`${file} failed its integrity check: ${check}`);
  if (!isCunpinDatabase(source)) {
    throw new RestoreError(`${file} is not a Cunpin database (no __drizzle_migrations and users tables)`);
  }
  if (!opts.force) {
    const pids = processesUsing(dest);
    if (pids.length) {
      throw new RestoreError(`${target} is open in process ${pids.join(", ")}: stop the server first (or pass --force if you are sure)`);
    }
  }

  fs.mkdirSync(path.dirname(dest), { recursive: true });
  let previousBackup: string | null = null;
  if (fs.existsSync(dest)) {
    if (opts.keepPrevious !== false) {
      previousBackup = path.join(path.dirname(dest), "backups", `pre-restore-${timestamp()}.db`);
      await backupDatabase(dest, previousBackup);
    }
    // Fold the WAL into the old file, so nothing stale is left to be replayed onto the new one.
    const old = new Database(dest, { fileMustExist: true });
    try {
      old.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      old.close();
    }
  }

  const tmp = `${dest}.restore-${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  try {
    await backupDatabase(source, tmp);
    for (const suffix of ["-wal", "-shm"]) fs.rmSync(`${dest}${suffix}`, { force: true });
    fs.renameSync(tmp, dest);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  return { target: dest, previousBackup, bytes: fs.statSync(dest).size };
}

async function main(argv: string[]): Promise<void> {
  const target = process.env.DATABASE_PATH ?? "data/cunpin.db";
  let file: string | undefined;
  let force = false;
  for (const arg of argv) {
    if (arg === "--force") force = true;
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: npm run db:restore -- FILE [--force]   (replaces $DATABASE_PATH, default data/cunpin.db)");
      console.log("Stop the server first.");
      return;
    } else if (arg.startsWith("-")) throw new RestoreError(`unknown option: ${arg}`);
    else if (file) throw new RestoreError("give exactly one backup file");
    else file = arg;
  }
  if (!file) throw new RestoreError("usage: npm run db:restore -- FILE   (stop the server first)");
  const result = await restoreDatabase(file, target, { force });
  if (result.previousBackup) console.log(`previous database saved as ${result.previousBackup}`);
  console.log(`restored ${path.resolve(file)} into ${result.target}; start the server again (npm start)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((error) => {
    const known = error instanceof RestoreError || error instanceof BackupError;
    console.error(`db:restore: ${known ? error.message : error}`);
    process.exit(1);
  });
}
