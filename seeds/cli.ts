/**
 * `npm run seed [-- flags]`: migrates, then seeds DATABASE_PATH (default data/cunpin.db),
 * storing photos under UPLOAD_DIR (default data/uploads).
 *
 *   (no flags)     seed the demo data set; refuses if the database already has users
 *   --if-empty     seed only when there are no users, else do nothing (used by `npm start`)
 *   --small        the small data set (CI); also SEED_MODE=small
 *   --reset        wipe all data (keeping the schema) and seed again
 *   --listings N   also generate N listings for benchmarks (on top of the demo data)
 */
import "../logistics/shipping"; // logistics as the market's shipping provider (checkout's parcels)
import cliProgress from "cli-progress";
import { openDatabase, type Db } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { seedBulkData } from "./bulk-data";
import { seedDemoData } from "./demo-data";

type Args = { ifEmpty: boolean; small: boolean; reset: boolean; listings: number };

function parseArgs(argv: string[]): Args {
  const args: Args = { ifEmpty: false, small: process.env.SEED_MODE === "small", reset: false, listings: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--if-empty") args.ifEmpty = true;
    else if (a === "--small") args.small = true;
    else if (a === "--reset") args.reset = true;
    else if (a === "--listings" || a.startsWith("--listings=")) {
      const value = a.includes("=") ? a.split("=")[1] : argv[++i];
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) fail(`--listings needs a whole number, got ${value}`);
      args.listings = n;
    } else if (a === "--help" || a === "-h") {
      console.log("usage: tsx seeds/cli.ts [--if-empty] [--small] [--reset] [--listings N]");
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  return args;
}

function fail(message: string): never {
  console.error(`seed: ${message}`);
  process.exit(1);
}

/** Deletes every row of every table except the migration journal; the schema stays. */
export function wipeDatabase(db: Db): void {
  const sqlite = db.$client;
  const tables = sqlite
    .prepare(
      `select name from sqlite_master where type = 'table'
         and name not like 'sqlite_%' and name not like '__drizzle%' and name not like 'listing_search_%'`,
    )
    .pluck()
    .all() as string[];
  // Append-only triggers (trace_events) would refuse the wipe: drop them and put them back after.
  const triggers = sqlite.prepare(`select name, sql from sqlite_master where type = 'trigger' and sql is not null`).all() as { name: string; sql: string }[];
  sqlite.pragma("foreign_keys = OFF");
  try {
    sqlite.transaction(() => {
      for (const tr of triggers) sqlite.prepare(`drop trigger "${tr.name}"`).run();
      for (const t of tables) sqlite.prepare(`delete from "${t}"`).run();
      sqlite.prepare("delete from sqlite_sequence").run();
      for (const tr of triggers) sqlite.exec(tr.sql);
    })();
  } finally {
    sqlite.pragma("foreign_keys = ON");
  }
}

function userCount(db: Db): number {
  return db.$client.prepare("select count(*) from users").pluck().get() as number;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const file = process.env.DATABASE_PATH ?? "data/cunpin.db";
  const uploadDir = process.env.UPLOAD_DIR ?? "data/uploads";
  const db = openDatabase(file);
  try {
    migrateDatabase(db);
    if (args.reset) {
      wipeDatabase(db);
      console.log(`seed: wiped ${file}`);
    }
    const empty = userCount(db) === 0;
    if (!empty && args.ifEmpty) {
      console.log(`seed: ${file} already has data; nothing to do`);
      return;
    }
    if (!empty && !args.listings) {
      fail(`${file} already has data; use --reset to wipe and reseed, or --if-empty`);
    }
    if (empty) {
      const r = await seedDemoData(db, { small: args.small, uploadDir });
      console.log(
        `seed: ${args.small ? "small" : "demo"} data: ${r.users} users, ${r.villages} villages, ${r.producers} producers, ` +
          `${r.listings} listings, ${r.photos} photos in ${r.ms} ms (password for all accounts: cunpin123)`,
      );
    }
    if (args.listings) {
      const bar = new cliProgress.SingleBar(
        { format: "seed: listings [{bar}] {percentage}% | {value}/{total} | {rate} rows/s | eta {eta}s", hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      const t0 = Date.now();
      bar.start(args.listings, 0, { rate: 0 });
      const r = await seedBulkData(db, {
        count: args.listings,
        uploadDir,
        onProgress: (done) => bar.update(done, { rate: Math.round(done / Math.max(0.001, (Date.now() - t0) / 1000)) }),
      });
      bar.stop();
      const seconds = r.ms / 1000;
      console.log(
        `seed: generated ${r.listings} listings (${r.producers} producers, ${r.villages} villages) in ${seconds.toFixed(1)} s — ` +
          `${Math.round(r.listings / seconds)} rows/s`,
      );
      db.$client.pragma("optimize");
    }
  } finally {
    db.$client.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
