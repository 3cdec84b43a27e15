/**
 * Search benchmark (issue 14 §2): server time of searchListings — the market search page's
 * query, count and cards — for a two-character query matching about 20,000 of 100,000 listings
 * (溯源: in the generated descriptions), a title word (苹果) and a single character (红).
 * BASELINE in the same run, on the same database: the previous search, bm25 over every match
 * (title weighted 10) and an exact count, for the same page. Target: p50 and p99 ≤ 30 ms.
 *
 *   npx tsx bench/search.ts    (BENCH_LISTINGS=100000, BENCH_SEARCHES=200 per query)
 */
import Database from "better-sqlite3";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/better-sqlite3";
import type { Db } from "../db/client";
import { loadListingCards, searchListings } from "../market/listings/queries";
import { buildMatchQuery } from "../market/search/tokenize";
import { bulkDatabase } from "./lib/bulk-db";
import { runIfMain } from "./lib/main";
import { setting } from "./lib/settings";
import { formatTable, ms } from "./lib/table";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SETTINGS = {
  listings: setting("BENCH_LISTINGS", 100_000, 1_000_000),
  searches: setting("BENCH_SEARCHES", 200, 10_000),
  warmup: 10,
  targetMs: 30,
  queries: ["溯源", "苹果", "红"],
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function time(fn: () => unknown): { p50: number; p99: number } {
  for (let i = 0; i < SETTINGS.warmup; i++) fn();
  const xs: number[] = [];
  for (let i = 0; i < SETTINGS.searches; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return { p50: percentile(xs, 50), p99: percentile(xs, 99) };
}

/** The search before issue 14: bm25 over every match and an exact count (market/listings/queries.ts at 41bb9de). */
function bm25Search(db: Db, q: string) {
  const match = buildMatchQuery(q)!;
  const sqlite = db.$client;
  const from = `from listing_search s join listings l on l.id = s.rowid where listing_search match ? and l.status = 'published'`;
  const total = sqlite.prepare(`select count(*) ${from}`).pluck().get(match) as number;
  const ids = sqlite
    .prepare(`select l.id ${from} order by bm25(listing_search, 10.0, 2.0, 1.0), l.published_at desc, l.id desc limit 24 offset 0`)
    .pluck()
    .all(match) as number[];
  return { total, items: loadListingCards(db, ids) };
}

export function run() {
  const file = bulkDatabase(root, SETTINGS.listings);
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  const db = drizzle(sqlite) as unknown as Db;
  const listings = sqlite.prepare(`select count(*) from listings`).pluck().get() as number;
  const results = SETTINGS.queries.map((q) => {
    const now = searchListings(db, { q });
    const before = bm25Search(db, q);
    const fast = time(() => searchListings(db, { q }));
    const baseline = time(() => bm25Search(db, q));
    return {
      q,
      matches: before.total,
      shown: `${now.total}${now.totalCapped ? "+" : ""}`,
      firstTitle: now.items[0]?.title ?? "",
      baselineFirstTitle: before.items[0]?.title ?? "",
      fast,
      baseline,
      meetsTarget: fast.p50 <= SETTINGS.targetMs && fast.p99 <= SETTINGS.targetMs,
    };
  });
  sqlite.close();

  console.log(
    `\nSearch server time over ${listings} listings (${SETTINGS.searches} searches each after ${SETTINGS.warmup} warm-up; ${os.cpus().length} CPUs)\n`,
  );
  console.log(
    formatTable(
      ["query", "published matches", "count shown", "p50", "p99", "bm25 p50", "bm25 p99", "first result"],
      results.map((r) => [r.q, String(r.matches), r.shown, ms(r.fast.p50), ms(r.fast.p99), ms(r.baseline.p50), ms(r.baseline.p99), r.firstTitle]),
    ),
  );
  const summary = {
    header: ["benchmark", "value", "baseline", "target", "ok"],
    rows: results.flatMap((r) => [
      [
        `search: ${r.q} (${r.matches} of ${listings}) p50`,
        ms(r.fast.p50),
        ms(r.baseline.p50),
        `≤ ${SETTINGS.targetMs} ms`,
        r.fast.p50 <= SETTINGS.targetMs ? "yes" : "NO",
      ],
      [
        `search: ${r.q} (${r.matches} of ${listings}) p99`,
        ms(r.fast.p99),
        ms(r.baseline.p99),
        `≤ ${SETTINGS.targetMs} ms`,
        r.fast.p99 <= SETTINGS.targetMs ? "yes" : "NO",
      ],
    ]),
  };
  return { name: "search", at: new Date().toISOString(), settings: SETTINGS, listings, results, summary };
}

runIfMain(import.meta.url, "search", run);
