/**
 * Credit benchmark (issue 12 §2): the storefront's 信用优先 sort and 信用 ≥ N filter over 100,000
 * listings, against the default newest-first page in the same run on the same database (BASELINE),
 * and the cost of recomputing one producer's stored score (what a rating, dispute decision, refund
 * or dispatch adds to its transaction), against reading the producer page's data; and, reported
 * without a target, the recompute after a lot event, which walks every sold lot's chain.
 * Scores are spread over 0–100 (a third of producers without one) so the sort has work to do.
 *
 *   npx tsx bench/credit.ts    (BENCH_LISTINGS=100000, BENCH_SEARCHES=200)
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/better-sqlite3";
import type { Db } from "../db/client";
import { getProducerPage, searchListings } from "../market/listings/queries";
import { recomputeProducerCredit } from "../market/credit/credit";
import { bulkDatabase } from "./lib/bulk-db";
import { runIfMain } from "./lib/main";
import { setting } from "./lib/settings";
import { formatTable, ms } from "./lib/table";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SETTINGS = {
  listings: setting("BENCH_LISTINGS", 100_000, 1_000_000),
  searches: setting("BENCH_SEARCHES", 200, 10_000),
  warmup: 10,
  /** The credit sort may cost at most this many times the newest-first page. */
  sortRatio: 3,
  /** A recompute may cost at most this many times reading the producer page. */
  recomputeRatio: 5,
};

function p50(fn: () => unknown, n = SETTINGS.searches): number {
  for (let i = 0; i < SETTINGS.warmup; i++) fn();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

export async function run() {
  const source = bulkDatabase(root, SETTINGS.listings);
  // A private copy: the bench writes scores.
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-credit-bench-")), "bench.db");
  const src = new Database(source, { readonly: true, fileMustExist: true });
  await src.backup(copy);
  src.close();
  const sqlite = new Database(copy);
  const db = drizzle(sqlite) as unknown as Db;
  try {
    const listings = sqlite.prepare(`select count(*) from listings where status = 'published'`).pluck().get() as number;
    const producers = sqlite.prepare(`select id from producers order by id`).pluck().all() as number[];
    sqlite
      .prepare(
        `insert into producer_credit (producer_id, score, stale, computed_at) select id, case when id % 3 = 0 then null else abs(random()) % 101 end, 0, 0 from producers
         where true on conflict (producer_id) do update set score = excluded.score, stale = 0`,
      )
      .run();

    const newest = p50(() => searchListings(db, {}));
    const bySort = p50(() => searchListings(db, { sort: "credit" }));
    const filtered = p50(() => searchListings(db, { minCredit: 80 }));
    const filteredSorted = p50(() => searchListings(db, { minCredit: 80, sort: "credit" }));

    // Recompute: the demo producers (with orders, lots, chains) are the expensive ones.
    const busy = sqlite.prepare(`select producer_id from sub_orders group by producer_id order by count(*) desc limit 1`).pluck().get() as number;
    const recompute = p50(() => sqlite.transaction(() => recomputeProducerCredit(db, busy))(), 50);
    // After a lot event or recall (trace_stale): every sold lot's chain is walked again (reported, no target).
    const markTrace = sqlite.prepare(`update producer_credit set trace_stale = 1 where producer_id = ?`);
    const recomputeWithChains = p50(() => sqlite.transaction(() => (markTrace.run(busy), recomputeProducerCredit(db, busy)))(), 50);
    const page = p50(() => getProducerPage(db, busy, 1), 50);

    console.log(`\nCredit over ${listings} published listings, ${producers.length} producers (${os.cpus().length} CPUs)\n`);
    console.log(
      formatTable(
        ["what", "p50"],
        [
          ["newest first (baseline)", ms(newest)],
          ["信用优先", ms(bySort)],
          ["信用 ≥ 80", ms(filtered)],
          ["信用 ≥ 80, 信用优先", ms(filteredSorted)],
          [`producer page data (baseline), producer ${busy}`, ms(page)],
          [`recompute score, producer ${busy}`, ms(recompute)],
          [`recompute after a lot event (chains walked), producer ${busy}`, ms(recomputeWithChains)],
        ],
      ),
    );
    const summary = {
      header: ["benchmark", "value", "baseline", "target", "ok"],
      rows: [
        [
          `credit: 信用优先 page of ${listings}`,
          ms(bySort),
          ms(newest),
          `≤ ${SETTINGS.sortRatio}× baseline`,
          bySort <= SETTINGS.sortRatio * newest ? "yes" : "NO",
        ],
        [`credit: 信用 ≥ 80 page`, ms(filtered), ms(newest), `≤ ${SETTINGS.sortRatio}× baseline`, filtered <= SETTINGS.sortRatio * newest ? "yes" : "NO"],
        [
          `credit: recompute one producer`,
          ms(recompute),
          ms(page),
          `≤ ${SETTINGS.recomputeRatio}× producer page`,
          recompute <= SETTINGS.recomputeRatio * page ? "yes" : "NO",
        ],
      ],
    };
    return {
      name: "credit",
      at: new Date().toISOString(),
      settings: SETTINGS,
      listings,
      results: { newest, bySort, filtered, filteredSorted, recompute, recomputeWithChains, page },
      summary,
    };
  } finally {
    sqlite.close();
    fs.rmSync(path.dirname(copy), { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, "credit", run);
