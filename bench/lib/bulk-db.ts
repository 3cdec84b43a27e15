/**
 * A database with the demo data plus N generated listings (seeds/bulk-data.ts), kept in
 * .cache/bench-data/listings-<N>.db between runs: seeding 100,000 listings takes about a minute.
 * Reseeded when missing or when the seed sources are newer than the file.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { runStep } from "./procs";

export function bulkDatabase(root: string, listings: number): string {
  const dir = path.join(root, ".cache/bench-data");
  const file = path.join(dir, `listings-${listings}.db`);
  const sources = ["seeds/bulk-data.ts", "seeds/demo-data.ts", "market/search/tokenize.ts", "db/migrations"].map((f) => path.join(root, f));
  const newest = Math.max(...sources.map((f) => newestMtime(f)));
  if (fs.existsSync(file) && fs.statSync(file).mtimeMs > newest) {
    process.stderr.write(`bench: reusing ${path.relative(root, file)}\n`);
    return file;
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  const env = {
    ...process.env,
    DATABASE_PATH: file,
    UPLOAD_DIR: path.join(dir, `uploads-${listings}`),
    SESSION_SECRET: crypto.randomBytes(24).toString("hex"),
    TRACE_KEY_SECRET: crypto.randomBytes(24).toString("hex"),
  };
  runStep(
    `seed the demo data and ${listings} generated listings into ${path.relative(root, file)}`,
    "npx",
    ["tsx", "seeds/cli.ts", "--listings", String(listings)],
    env,
  );
  return file;
}

function newestMtime(f: string): number {
  const st = fs.statSync(f);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(f).map((e) => newestMtime(path.join(f, e))));
}
