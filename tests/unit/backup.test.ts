import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, onTestFinished, test } from "vitest";
import { openDatabase } from "../../db/client";
import { users } from "../../db/schema";
import { backupDatabase, defaultBackupPath, integrityCheck, isCunpinDatabase } from "../../scripts/db-backup";
import { processesUsing, restoreDatabase } from "../../scripts/db-restore";
import { createTestDb, makeTempDir, type TestDb } from "../helpers/db";
import { createTestUser } from "../helpers/factories";

let t: TestDb;
let out: { dir: string; remove: () => void };
beforeEach(() => {
  t = createTestDb();
  out = makeTempDir();
});
afterEach(() => {
  t.close();
  out.remove();
});

function userRows(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("select id, phone, display_name, password_hash from users order by id").all();
  } finally {
    db.close();
  }
}

describe("db:backup and db:restore", () => {
  test("a backup taken while the database is open has every row, and restores elsewhere", async () => {
    await createTestUser(t.db, { phone: "13800000001", displayName: "王小美" });
    await createTestUser(t.db, { phone: "13800000002", displayName: "李建国" });
    // Still open, rows possibly only in the WAL: the online backup must include them.
    const backup = path.join(out.dir, "b.db");
    const result = await backupDatabase(t.file, backup);
    expect(result.bytes).toBeGreaterThan(0);
    expect(integrityCheck(backup)).toBe("ok");
    expect(isCunpinDatabase(backup)).toBe(true);

    const target = path.join(out.dir, "restored", "cunpin.db");
    const restored = await restoreDatabase(backup, target);
    expect(restored.previousBackup).toBeNull();
    expect(userRows(target)).toEqual(userRows(t.file));
    expect(userRows(target)).toHaveLength(2);

    // The app can open and use the restored file.
    const db = openDatabase(target);
    expect(
      db
        .select()
        .from(users)
        .all()
        .map((u) => u.displayName),
    ).toEqual(["王小美", "李建国"]);
    db.$client.close();
  });

  test("restoring over an existing database keeps a copy of it and drops its stale WAL", async () => {
    await createTestUser(t.db, { phone: "13800000001" });
    const backup = path.join(out.dir, "b.db");
    await backupDatabase(t.file, backup);

    // The target: another Cunpin database with different rows, closed (server stopped).
    const target = createTestDb();
    onTestFinished(() => fs.rmSync(target.dir, { recursive: true, force: true }));
    await createTestUser(target.db, { phone: "13800000009" });
    await createTestUser(target.db, { phone: "13800000008" });
    target.db.$client.close();
    fs.writeFileSync(`${target.file}-shm`, "stale");

    const result = await restoreDatabase(backup, target.file);
    expect(fs.existsSync(`${target.file}-shm`)).toBe(false);
    expect(userRows(target.file).map((r) => (r as { phone: string }).phone)).toEqual(["13800000001"]);
    expect(result.previousBackup).not.toBeNull();
    expect(userRows(result.previousBackup!).map((r) => (r as { phone: string }).phone)).toEqual(["13800000009", "13800000008"]);
    expect(fs.readdirSync(target.dir).filter((f) => f.includes(".restore-"))).toEqual([]);
  });

  test("restore refuses a SQLite file that is not a Cunpin database, and leaves the target alone", async () => {
    const foreign = path.join(out.dir, "other.db");
    const db = new Database(foreign);
    db.exec("create table notes (id integer primary key, body text); insert into notes (body) values ('hi');");
    db.close();
    const before = userRows(t.file);
    await expect(restoreDatabase(foreign, path.join(out.dir, "target.db"))).rejects.toThrow(/not a Cunpin database/);
    expect(fs.existsSync(path.join(out.dir, "target.db"))).toBe(false);
    expect(userRows(t.file)).toEqual(before);
  });

  test("restore refuses a file that is not SQLite at all, or missing", async () => {
    const junk = path.join(out.dir, "junk.db");
    fs.writeFileSync(junk, "this is not a database, just text ".repeat(200));
    await expect(restoreDatabase(junk, path.join(out.dir, "target.db"))).rejects.toThrow(/integrity/);
    await expect(restoreDatabase(path.join(out.dir, "missing.db"), path.join(out.dir, "target.db"))).rejects.toThrow(/not found/);
  });

  test("backup never overwrites an existing file", async () => {
    const dest = path.join(out.dir, "exists.db");
    fs.writeFileSync(dest, "keep me");
    await expect(backupDatabase(t.file, dest)).rejects.toThrow(/overwrite/);
    expect(fs.readFileSync(dest, "utf8")).toBe("keep me");
  });

  test("default backup path is backups/ next to the database, with a timestamp", () => {
    const p = defaultBackupPath("data/cunpin.db", new Date("2025-03-01T08:09:10.123Z"));
    expect(p).toBe(path.resolve("data/backups/cunpin-2025-03-01T08-09-10Z.db"));
  });

  test("a database held open by another process is detected (server still running)", async () => {
    // This test process holds t.file open. processesUsing() ignores its caller, so ask from a
    // child process, which must report us — as db:restore would report a running server.
    const { execFileSync } = await import("node:child_process");
    const script = `import(${JSON.stringify(path.resolve("scripts/db-restore.ts"))}).then(m => console.log(JSON.stringify(m.processesUsing(${JSON.stringify(t.file)}))))`;
    const seen = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8" }).trim().split("\n").pop()!) as number[];
    if (process.platform === "linux") expect(seen).toContain(process.pid);
    expect(processesUsing(path.join(out.dir, "nobody.db"))).toEqual([]);
  });
});
