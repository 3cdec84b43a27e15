/**
 * Recall report benchmark (issue 3): the CSV report of ONE lot among 1,000,000 order lines.
 * Target: under 50 ms. Baselines in the same run, on the same database:
 *   - count: `select count(*) from order_lines where batch_id = ?` (the index lookup alone);
 *   - full scan: the same report with `order_lines NOT INDEXED` (what it would cost without
 *     order_lines_batch_idx).
 *
 *   1. a temp database: 50 producers, 3,000 lots (each sold by one listing), 20,000 buyers,
 *      200 delivery points, 500,000 orders of two lines = 1,000,000 order lines spread evenly
 *      over the lots (≈ 333 per lot); prepared statements, 100,000 lines per transaction
 *   2. time recallReportCsv for one lot: median and p95 of 30 runs after 5 warm-ups
 *   3. table on stdout, JSON in .cache/bench/recall-report.json; temp database removed
 *
 *   npx tsx bench/recall-report.ts        (BENCH_ORDER_LINES=200000 for a quicker run)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { seedCategories } from "../seeds/factories";
import { gs1CheckDigit } from "../traceability/gtin";
import { recallReportCsv } from "../traceability/recall";
import { setting } from "./lib/settings";
import { formatTable, ms, ratio } from "./lib/table";
import { runIfMain } from "./lib/main";

const SETTINGS = {
  orderLines: setting("BENCH_ORDER_LINES", 1_000_000, 5_000_000),
  lots: setting("BENCH_LOTS", 3000, 100_000),
  producers: 50,
  buyers: 20_000,
  deliveryPoints: 200,
  linesPerOrder: 2,
  linesPerTransaction: 100_000,
  runs: setting("BENCH_RUNS", 30, 1000),
  warmups: 5,
  fullScanRuns: 5,
  targetMs: 50,
};

type Timing = { median: number; p95: number; min: number; runs: number };

function time(runs: number, warmups: number, fn: () => unknown): Timing {
  for (let i = 0; i < warmups; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)],
    p95: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))],
    min: samples[0],
    runs,
  };
}

/** Deterministic pseudo-random numbers (xorshift32), so every run builds the same data. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** A valid GTIN-14 from the demo platform prefix 6975000 (item reference = lot index). */
function gtinOf(i: number): string {
  const body = `06975000${String(i % 100000).padStart(5, "0")}`;
  return body + gs1CheckDigit(body);
}

export function generate(db: ReturnType<typeof openDatabase>, s = SETTINGS): { lotIds: number[]; ms: number } {
  const started = Date.now();
  const sqlite = db.$client;
  const rand = rng(20260301);
  const categoryIds = seedCategories(db);
  // Generated rows are consistent by construction; checking every foreign key would only slow this down.
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("foreign_keys = OFF");
  const regionId = (code: string, level: string, zh: string, parent: number | null) =>
    Number(
      sqlite.prepare(`insert into regions (code, level, parent_id, name_zh, name_en) values (?, ?, ?, ?, ?)`).run(code, level, parent, zh, zh).lastInsertRowid,
    );
  const lotIds: number[] = [];
  sqlite.transaction(() => {
    const province = regionId("610000", "province", "陕西省", null);
    const prefecture = regionId("610600", "prefecture", "延安市", province);
    const county = regionId("610629", "county", "洛川县", prefecture);
    const township = regionId("610629001", "township", "凤栖街道", county);
    const village = Number(
      sqlite
        .prepare(
          `insert into villages (province_id, county_id, township_id, name_zh, name_en, signature_product_zh, signature_product_en, lat, lng)
           values (?, ?, ?, '谷咀村', 'Guju', '苹果', 'apples', 35.78, 109.45)`,
        )
        .run(province, county, township).lastInsertRowid,
    );
    const producer = sqlite.prepare(
      `insert into producers (kind, name_zh, credit_code, credit_code_status, address, province_id, county_id, village_id)
       values ('cooperative', ?, ?, 'valid', '洛川县', ?, ?, ?)`,
    );
    const product = sqlite.prepare(`insert into products (producer_id, category_id, name_zh, name_en) values (?, ?, ?, ?)`);
    const producers: { id: number; product: number }[] = [];
    for (let i = 0; i < s.producers; i++) {
      const id = Number(producer.run(`洛川第${i + 1}苹果合作社`, `93610629MA${String(i).padStart(7, "0")}X`, province, county, village).lastInsertRowid);
      producers.push({ id, product: Number(product.run(id, categoryIds.fruit, "红富士苹果", "Red Fuji apples").lastInsertRowid) });
    }
    const batch = sqlite.prepare(
      `insert into batches (producer_id, product_id, lot_code, gtin, crop, status, harvested_at, quantity, unit) values (?, ?, ?, ?, 'apple', 'packed', ?, 5000, 'jin')`,
    );
    const listing = sqlite.prepare(
      `insert into listings (product_id, producer_id, category_id, title, unit, price_fen, stock, status, published_at)
       values (?, ?, ?, ?, 'jin', 650, 1000, 'published', ?)`,
    );
    const link = sqlite.prepare(`insert into listing_batches (listing_id, batch_id) values (?, ?)`);
    const t0 = Date.UTC(2026, 9, 1);
    for (let i = 0; i < s.lots; i++) {
      const p = producers[i % producers.length];
      const id = Number(batch.run(p.id, p.product, `LC2026-${String(i).padStart(6, "0")}`, gtinOf(i), t0 + (i % 60) * 86_400_000).lastInsertRowid);
      const l = Number(listing.run(p.product, p.id, categoryIds.fruit, `洛川红富士苹果 第${i}批`, t0).lastInsertRowid);
      link.run(l, id);
      lotIds.push(id);
    }
    const user = sqlite.prepare(`insert into users (phone, password_hash, display_name) values (?, '!bench', ?)`);
    for (let i = 0; i < s.buyers; i++) user.run(`150${String(i).padStart(8, "0")}`, `买家${i}`);
    const point = sqlite.prepare(
      `insert into delivery_points (kind, name, address, county_id, village_id, lat, lng) values ('locker', ?, ?, ?, ?, 34.2, 108.9)`,
    );
    for (let i = 0; i < s.deliveryPoints; i++) point.run(`第${i + 1}号快递柜`, `西安市雁塔区第${i + 1}小区`, county, village);
  })();
  // Listing id = lot index + 1, batch id = lot index + 1 (fresh database, autoincrement from 1).
  const order = sqlite.prepare(
    `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, created_at) values (?, 'picked_up', ?, ?, ?, ?)`,
  );
  const line = sqlite.prepare(
    `insert into order_lines (order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, picked_up_at, created_at)
     values (?, ?, ?, ?, ?, 650, ?, ?)`,
  );
  const insertChunk = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n += s.linesPerOrder) {
      const buyer = 1 + rand(s.buyers);
      const at = Date.UTC(2026, 9, 15) + n * 1000;
      const orderId = Number(order.run(buyer, 1300, `150${String(buyer - 1).padStart(8, "0")}`, 1 + rand(s.deliveryPoints), at).lastInsertRowid);
      for (let k = 0; k < s.linesPerOrder && n + k < to; k++) {
        const lot = rand(s.lots);
        const picked = rand(3) !== 0 ? at + 86_400_000 : null;
        line.run(orderId, 1 + (lot % s.producers), lot + 1, lotIds[lot], 1 + rand(5), picked, at);
      }
    }
  });
  for (let from = 0; from < s.orderLines; from += s.linesPerTransaction) {
    insertChunk(from, Math.min(s.orderLines, from + s.linesPerTransaction));
    process.stdout.write(`\rbench: ${Math.min(s.orderLines, from + s.linesPerTransaction).toLocaleString("en")} order lines`);
  }
  process.stdout.write("\n");
  sqlite.exec("analyze");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  return { lotIds, ms: Date.now() - started };
}

export function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cunpin-bench-recall-${process.pid}-`));
  const db = openDatabase(path.join(dir, "recall.db"));
  try {
    migrateDatabase(db);
    const { lotIds, ms: genMs } = generate(db);
    const sqlite = db.$client;
    const total = sqlite.prepare(`select count(*) from order_lines`).pluck().get() as number;
    const lot = lotIds[Math.floor(lotIds.length / 2)];
    const count = sqlite.prepare(`select count(*) from order_lines where batch_id = ?`).pluck();
    const lotLines = count.get(lot) as number;

    const csv = recallReportCsv(db, lot);
    const rows = csv.trimEnd().split("\r\n").length - 1;
    if (rows !== lotLines) throw new Error(`report has ${rows} rows, the lot has ${lotLines} order lines`);
    // Different lots each run would be fairer to caches; the median over one lot is what the target names.
    const report = time(SETTINGS.runs, SETTINGS.warmups, () => recallReportCsv(db, lot));
    const countOnly = time(SETTINGS.runs, SETTINGS.warmups, () => count.get(lot));
    const fullScan = time(SETTINGS.fullScanRuns, 1, () => recallReportCsv(db, lot, { indexed: false }));
    const plan = (sqlite.prepare(`explain query plan select * from order_lines where batch_id = ? order by order_id, id`).all(lot) as { detail: string }[])
      .map((r) => r.detail)
      .join("; ");

    console.log(
      `\nRecall report of one lot (${lotLines} order lines, ${(csv.length / 1024).toFixed(1)} KB CSV) among ${total.toLocaleString("en")} order lines ` +
        `(generated in ${(genMs / 1000).toFixed(1)} s; plan: ${plan})\n`,
    );
    const table: string[][] = [
      ["recallReportCsv (indexed)", ms(report.median), ms(report.p95), ms(report.min), String(report.runs)],
      ["baseline: count(*) by batch_id", ms(countOnly.median), ms(countOnly.p95), ms(countOnly.min), String(countOnly.runs)],
      ["baseline: report, full table scan", ms(fullScan.median), ms(fullScan.p95), ms(fullScan.min), String(fullScan.runs)],
    ];
    console.log(formatTable(["query", "median", "p95", "min", "runs"], table));
    const met = report.median < SETTINGS.targetMs;
    console.log(
      `\nreport / count(*): ${ratio(report.median / countOnly.median)}; full scan / report: ${ratio(fullScan.median / report.median)}; ` +
        `target < ${SETTINGS.targetMs} ms: ${met ? "met" : "NOT met"}`,
    );
    const summary = {
      header: ["benchmark", "result", "baseline", "ratio", "target"],
      rows: [
        [
          `recall-report: 1 lot of ${(total / 1e6).toFixed(1)}M lines`,
          ms(report.median),
          `full scan ${ms(fullScan.median)}`,
          `${ratio(fullScan.median / report.median)} faster`,
          `< ${SETTINGS.targetMs} ms ${met ? "met" : "NOT met"}`,
        ],
      ],
    };
    return {
      name: "recall-report",
      at: new Date().toISOString(),
      machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavg: os.loadavg() },
      settings: SETTINGS,
      data: { orderLines: total, lotLines, csvBytes: Buffer.byteLength(csv), generateMs: genMs, plan },
      timings: { report, countOnly, fullScan },
      met,
      summary,
    };
  } finally {
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, "recall-report", run);
