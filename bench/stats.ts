/**
 * Statistics benchmark (issue 12 §1): the /admin/stats page's server work over one year among
 * 1,000,000 generated orders, read from the daily roll-ups, against the same figures computed
 * from the raw tables in the same run. Target: under 300 ms. Then a generated mix (orders,
 * payments, cancellations, refunds, weighing, payouts, parcels, recalls, inspections) on a
 * smaller database, after which the trigger-kept roll-ups must equal a full recount.
 *
 *   1. a temp database: 200 producers in 8 villages of 4 counties (2 provinces), 4 producer kinds,
 *      3 categories, 40 lots with signed chains (a quarter failing inspection) and 200 without,
 *      50,000 buyers; N orders over a year (prepaid, 到站付款, cancelled), their lines, parcels
 *      (arrived, picked up, flagged, returned), refunds and payouts, inserted in bulk with the
 *      roll-up triggers off, then `rebuildStatistics` (timed) and the triggers back on
 *   2. time `statisticsPage` (year, by month; all regions; one county; by day) and the baseline
 *   3. the mixed workload through the triggers, then `compareWithRecount`
 *
 *   npx tsx bench/stats.ts            (BENCH_STATS_ORDERS=100000 for a quicker run)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import "../logistics/shipping";
import { createLotWithChain, seedCategories } from "../seeds/factories";
import { compareWithRecount, rebuildStatistics } from "../oversight/rebuild";
import { buyerCountTriggerSql, triggerSql } from "../oversight/trigger-sql";
import * as Q from "../oversight/queries";
import { regionOptions, statisticsPage, statsScope, type StatsFilter, type StatsScope } from "../oversight/queries";
import { cancelledSale, chainCompleteAt, countedRefund, dayOf, everSale, saleAt } from "../oversight/definitions";
import type { Actor } from "../core/permissions";
import { dayOfIsoDate, shanghaiDate } from "../core/clock";
import { rng, runStatsWorkload } from "../tests/helpers/stats-workload";
import { setting } from "./lib/settings";
import { formatTable, ms, ratio } from "./lib/table";
import { runIfMain } from "./lib/main";

const SETTINGS = {
  orders: setting("BENCH_STATS_ORDERS", 1_000_000, 5_000_000),
  mixSteps: setting("BENCH_STATS_MIX", 20_000, 1_000_000),
  producers: 200,
  chainLots: 40,
  buyers: 50_000,
  runs: setting("BENCH_RUNS", 10, 1000),
  warmups: 2,
  baselineRuns: 2,
  targetMs: 300,
};
const DAY = 86_400_000;

type Timing = { median: number; min: number; runs: number };
function time(runs: number, warmups: number, fn: () => unknown): Timing {
  for (let i = 0; i < warmups; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, min: samples[0]!, runs };
}

type World = {
  producers: { id: number; listingId: number; batchId: number; countyId: number }[];
  buyerIds: number[];
  pointId: number;
  counties: number[];
  adminId: number;
};

export function buildWorld(db: ReturnType<typeof openDatabase>, producersN: number, chainLots: number, buyers: number): World {
  const sqlite = db.$client;
  const categoryIds = seedCategories(db);
  const cats = [categoryIds.fruit, categoryIds.vegetables, categoryIds.tea];
  const kinds = ["cooperative", "family_farm", "large_grower", "agribusiness"];
  const region = (code: string, level: string, zh: string, parent: number | null) =>
    Number(
      sqlite.prepare(`insert into regions (code, level, parent_id, name_zh, name_en) values (?, ?, ?, ?, ?)`).run(code, level, parent, zh, zh).lastInsertRowid,
    );
  const villages: { id: number; province: number; county: number }[] = [];
  const counties: number[] = [];
  sqlite.transaction(() => {
    for (const [pcode, pname] of [
      ["610000", "陕西省"],
      ["510000", "四川省"],
    ] as const) {
      const province = region(pcode, "province", pname, null);
      const pref = region(pcode.slice(0, 2) + "0100", "prefecture", `${pname}某市`, province);
      for (let c = 0; c < 2; c++) {
        const county = region(`${pcode.slice(0, 2)}012${c}`, "county", `${pname.slice(0, 2)}第${c + 1}县`, pref);
        counties.push(county);
        const township = region(`${pcode.slice(0, 2)}012${c}001`, "township", `第${c + 1}镇`, county);
        for (let v = 0; v < 2; v++) {
          const id = Number(
            sqlite
              .prepare(
                `insert into villages (province_id, county_id, township_id, name_zh, name_en, signature_product_zh, signature_product_en, lat, lng) values (?, ?, ?, ?, ?, '苹果', 'apples', 35, 109)`,
              )
              .run(province, county, township, `${pname.slice(0, 2)}${c + 1}县${v + 1}村`, `v${v}`).lastInsertRowid,
          );
          villages.push({ id, province, county });
        }
      }
    }
  })();
  const world: World = { producers: [], buyerIds: [], pointId: 0, counties, adminId: 0 };
  sqlite.transaction(() => {
    for (let i = 0; i < producersN; i++) {
      const v = villages[i % villages.length]!;
      const id = Number(
        sqlite
          .prepare(
            `insert into producers (kind, name_zh, credit_code, credit_code_status, address, province_id, county_id, village_id) values (?, ?, ?, 'valid', '某地', ?, ?, ?)`,
          )
          .run(kinds[i % kinds.length], `生产者${i + 1}`, `93610629MA${String(i).padStart(7, "0")}X`, v.province, v.county, v.id).lastInsertRowid,
      );
      const cat = cats[i % cats.length]!;
      const product = Number(
        sqlite.prepare(`insert into products (producer_id, category_id, name_zh) values (?, ?, ?)`).run(id, cat, `产品${i}`).lastInsertRowid,
      );
      const batchId = Number(
        sqlite.prepare(`insert into batches (producer_id, product_id, lot_code, crop, status) values (?, ?, ?, 'apple', 'packed')`).run(id, product, `B${i}`)
          .lastInsertRowid,
      );
      const listingId = Number(
        sqlite
          .prepare(
            `insert into listings (product_id, producer_id, category_id, title, unit, price_fen, stock, status, published_at) values (?, ?, ?, ?, 'jin', 990, 1000000, 'published', 0)`,
          )
          .run(product, id, cat, `商品${i}`).lastInsertRowid,
      );
      world.producers.push({ id, listingId, batchId, countyId: v.county });
    }
    const user = sqlite.prepare(`insert into users (phone, password_hash, display_name) values (?, '!bench', ?)`);
    for (let i = 0; i < buyers; i++) world.buyerIds.push(Number(user.run(`150${String(i).padStart(8, "0")}`, `买家${i}`).lastInsertRowid));
    world.adminId = Number(user.run("13900000000", "管理员").lastInsertRowid);
    sqlite.prepare(`insert into user_roles (user_id, role) values (?, 'platform_admin')`).run(world.adminId);
    world.pointId = Number(
      sqlite
        .prepare(`insert into delivery_points (kind, name, address, county_id, village_id, lat, lng) values ('locker', '快递柜', '某小区', ?, ?, 34.2, 108.9)`)
        .run(counties[0], villages[0]!.id).lastInsertRowid,
    );
  })();
  // Lots with signed chains for the first producers (a quarter fail their inspection).
  for (let i = 0; i < Math.min(chainLots, producersN); i++) {
    const p = world.producers[i]!;
    p.batchId = createLotWithChain(db, { producerId: p.id, inspection: i % 4 === 3 ? "fail" : "pass", pack: false, plot: false }).batchId;
  }
  return world;
}

export function dropTriggers(db: ReturnType<typeof openDatabase>) {
  for (const name of db.$client
    .prepare(`select name from sqlite_master where type = 'trigger' and name like 'stats\\_%' escape '\\'`)
    .pluck()
    .all() as string[])
    db.$client.prepare(`drop trigger ${name}`).run();
}
export function createTriggers(db: ReturnType<typeof openDatabase>) {
  dropTriggers(db); // rebuildStatistics puts the buyer-count ones back itself
  for (const stmt of [triggerSql(), buyerCountTriggerSql()].join("--> statement-breakpoint").split("--> statement-breakpoint"))
    if (stmt.trim()) db.$client.exec(stmt);
}

/** N orders over a year from `start`, in bulk (triggers off). */
export function generateOrders(db: ReturnType<typeof openDatabase>, world: World, n: number, start: number) {
  const sqlite = db.$client;
  const rand = rng(20261203);
  const int = (k: number) => Math.floor(rand() * k);
  const order = sqlite.prepare(
    `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, pay_at_pickup, paid_at, cancelled_at, created_at) values (?, ?, ?, '13800000001', ?, ?, ?, ?, ?)`,
  );
  const sub = sqlite.prepare(
    `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen, stripe_transfer_id, transferred_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const line = sqlite.prepare(
    `insert into order_lines (order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, sub_order_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const parcel = sqlite.prepare(
    `insert into parcels (code, order_id, sub_order_id, producer_id, delivery_point_id, size, volume_cm3, status, arrived_at, picked_up_at, return_flagged_at, returned_at) values (?, ?, ?, ?, ?, 'medium', 6000, ?, ?, ?, ?, ?)`,
  );
  const refund = sqlite.prepare(
    `insert into refunds (sub_order_id, amount_fen, reason, idempotency_key, status, created_at) values (?, ?, 'goodwill', ?, 'succeeded', ?)`,
  );
  const chunk = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const at = start + Math.floor((i / n) * 365 * DAY) + int(DAY);
      const p = world.producers[int(world.producers.length)]!;
      const buyer = world.buyerIds[int(world.buyerIds.length)]!;
      const r = rand();
      const payAtPickup = r < 0.1 ? 1 : 0;
      const cancelled = r > 0.95;
      const lines = 1 + int(2);
      const qty = 1 + int(3);
      const price = 500 + int(4000);
      const subtotal = lines * qty * price;
      const status = cancelled ? "cancelled" : "completed";
      const paidAt = cancelled ? null : at + 300_000;
      const orderId = Number(order.run(buyer, status, subtotal, world.pointId, payAtPickup, paidAt, cancelled ? at + DAY : null, at).lastInsertRowid);
      const commission = Math.floor(subtotal / 20);
      const transferred = !cancelled && rand() < 0.8;
      const subId = Number(
        sub.run(orderId, p.id, status, subtotal, commission, subtotal - commission, transferred ? `tr_${orderId}` : null, transferred ? at + 3 * DAY : null, at)
          .lastInsertRowid,
      );
      for (let l = 0; l < lines; l++) line.run(orderId, p.id, p.listingId, p.batchId, qty, price, subId, at);
      if (cancelled) continue;
      if (rand() < 0.7) {
        const arrived = at + DAY + int(DAY);
        const fate = rand();
        const picked = fate < 0.93 ? arrived + int(72) * 3_600_000 : null;
        const flagged = fate >= 0.93 ? arrived + 3 * DAY : null;
        const returned = fate >= 0.97 ? arrived + 4 * DAY : null;
        parcel.run(
          `P${orderId}`,
          orderId,
          subId,
          p.id,
          world.pointId,
          picked ? "picked_up" : returned ? "returned" : "return_flagged",
          arrived,
          picked,
          flagged,
          returned,
        );
      }
      if (rand() < 0.03) refund.run(subId, 1 + int(subtotal), `bench_${orderId}`, at + 2 * DAY);
    }
  });
  const step = 50_000;
  for (let from = 0; from < n; from += step) chunk(from, Math.min(n, from + step));
}

/**
 * The page's distinct-buyer figures (totals, series, regions) against count(distinct) over the
 * stats_buyer_days rows of the same days and region, period by period.
 */
function buyerFiguresAgree(db: ReturnType<typeof openDatabase>, scope: StatsScope): boolean {
  const figures = statisticsPage(db, scope);
  const region = [
    ["province_id", scope.provinceId],
    ["county_id", scope.countyId],
    ["village_id", scope.villageId],
  ]
    .filter(([, v]) => v !== null)
    .map(([c, v]) => ` and ${c} = ${Number(v)}`)
    .join("");
  const count = (from: number, to: number, extra = "") =>
    db.$client.prepare(`select count(distinct buyer_id) from stats_buyer_days where day between ? and ?${region}${extra}`).pluck().get(from, to) as number;
  if (figures.totals.buyers !== count(scope.fromDay, scope.toDay)) return false;
  const starts = figures.sales.map((p) => dayOfIsoDate(p.period));
  for (let i = 0; i < starts.length; i++) {
    const from = Math.max(scope.fromDay, starts[i]!);
    const next = Q.periodStart(scope.granularity === "month" ? starts[i]! + 31 : starts[i]! + (scope.granularity === "week" ? 7 : 1), scope.granularity);
    if (figures.sales[i]!.buyers !== count(from, Math.min(scope.toDay, next - 1))) return false;
  }
  const col = scope.villageId !== null || scope.countyId !== null ? "village_id" : scope.provinceId !== null ? "county_id" : "province_id";
  return figures.regions.every((r) => r.buyers === count(scope.fromDay, scope.toDay, ` and ${col} = ${r.regionId}`));
}

/** The same figures as the page's sales, category and delivery parts, computed from the raw tables. */
function rawFigures(db: ReturnType<typeof openDatabase>, scope: StatsScope) {
  const sqlite = db.$client;
  const region = scope.countyId !== null ? `and p.county_id = ${Number(scope.countyId)}` : "";
  const month = (day: string) => `date(${day} * 86400, 'unixepoch', 'start of month')`;
  const events = `select s.id as sid, s.producer_id as pid, o.buyer_id as buyer, s.subtotal_fen as subtotal, 1 as sign, ${dayOf(saleAt("o"))} as day, ${saleAt("o")} as at
      from sub_orders s join orders o on o.id = s.order_id where ${everSale("s.status", "o")}
    union all select s.id, s.producer_id, o.buyer_id, s.subtotal_fen, -1, ${dayOf(`coalesce(o.cancelled_at, ${saleAt("o")})`)}, ${saleAt("o")}
      from sub_orders s join orders o on o.id = s.order_id where ${cancelledSale("s.status", "o")}`;
  const range = `e.day between ${scope.fromDay} and ${scope.toDay}`;
  const sales = sqlite
    .prepare(
      `select ${month("e.day")} as period, sum(e.sign * e.subtotal) as sales, sum(e.sign) as orders, count(distinct e.buyer) as buyers,
              sum(e.sign * (select sum(l.quantity) from order_lines l where l.sub_order_id = e.sid)) as units,
              sum(e.sign * (select coalesce(sum(l.quantity), 0) from order_lines l where l.sub_order_id = e.sid and ${chainCompleteAt("l.batch_id", "e.at")})) as verified
         from (${events}) e join producers p on p.id = e.pid where ${range} ${region} group by 1`,
    )
    .all();
  const refunds = sqlite
    .prepare(
      `select ${month(dayOf("r.created_at"))}, sum(r.amount_fen) from refunds r join sub_orders s on s.id = r.sub_order_id join producers p on p.id = s.producer_id
        where ${countedRefund("r")} and ${dayOf("r.created_at")} between ${scope.fromDay} and ${scope.toDay} ${region} group by 1`,
    )
    .all();
  const categories = sqlite
    .prepare(
      `select li.category_id, sum(e.sign * l.quantity * l.unit_price_fen) from (${events}) e join order_lines l on l.sub_order_id = e.sid join listings li on li.id = l.listing_id
         join producers p on p.id = e.pid where ${range} ${region} group by 1`,
    )
    .all();
  const regions = sqlite
    .prepare(
      `select p.province_id, sum(e.sign * e.subtotal), count(distinct e.buyer) from (${events}) e join producers p on p.id = e.pid where ${range} ${region} group by 1`,
    )
    .all();
  const delivery = sqlite
    .prepare(
      `select ${month(dayOf("x.at"))}, x.kind, count(*) from (select arrived_at as at, 'arrived' as kind, producer_id from parcels where arrived_at is not null
         union all select picked_up_at, 'picked', producer_id from parcels where picked_up_at is not null
         union all select returned_at, 'returned', producer_id from parcels where returned_at is not null) x join producers p on p.id = x.producer_id
        where ${dayOf("x.at")} between ${scope.fromDay} and ${scope.toDay} ${region} group by 1, 2`,
    )
    .all();
  const hours = sqlite
    .prepare(
      `select (x.picked_up_at - x.arrived_at) / 3600000 from parcels x join producers p on p.id = x.producer_id where x.picked_up_at is not null and x.arrived_at is not null
         and ${dayOf("x.picked_up_at")} between ${scope.fromDay} and ${scope.toDay} ${region} order by 1`,
    )
    .pluck()
    .all();
  return { sales, refunds, categories, regions, delivery, median: hours[Math.floor(hours.length / 2)] };
}

function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-stats-bench-"));
  try {
    // 1. The big database.
    const db = openDatabase(path.join(dir, "stats.db"));
    migrateDatabase(db);
    db.$client.pragma("synchronous = OFF");
    const world = buildWorld(db, SETTINGS.producers, SETTINGS.chainLots, SETTINGS.buyers);
    db.$client.pragma("foreign_keys = OFF");
    const start = Date.now() + DAY; // after the lots' events were stored
    let t = Date.now();
    dropTriggers(db);
    generateOrders(db, world, SETTINGS.orders, start);
    const genMs = Date.now() - t;
    t = Date.now();
    const written = rebuildStatistics(db);
    const rebuildMs = Date.now() - t;
    createTriggers(db);
    db.$client.pragma("analysis_limit = 1000");
    db.$client.exec("analyze");
    console.log(
      `\n${SETTINGS.orders.toLocaleString("en")} orders generated in ${(genMs / 1000).toFixed(1)} s; roll-ups rebuilt in ${(rebuildMs / 1000).toFixed(1)} s ` +
        `(${Object.entries(written)
          .map(([k, v]) => `${k} ${v.toLocaleString("en")}`)
          .join(", ")})`,
    );

    // 2. The page's server work vs the raw tables.
    const admin: Actor = { id: world.adminId, roles: ["platform_admin"], producerIds: [] };
    const year: StatsFilter = { from: shanghaiDate(start), to: shanghaiDate(start + 364 * DAY), granularity: "month" };
    const all = statsScope(db, admin, year);
    const county = statsScope(db, admin, { ...year, countyId: world.counties[0] });
    const daily = statsScope(db, admin, { ...year, granularity: "day" });
    const weekly = statsScope(db, admin, { ...year, granularity: "week" });
    // What the /admin/stats loader asks of the domain: the filter's choices and the page's figures.
    const loaderWork = (scope: StatsScope) => ({ options: regionOptions(db, scope), ...statisticsPage(db, scope) });
    const page = time(SETTINGS.runs, SETTINGS.warmups, () => loaderWork(all));
    // Where the page's time goes, part by part.
    const parts = {
      // As the page does it: the distinct buyers overall and per region in one walk, the rest from the daily sums.
      buyers: (d: typeof db, s: StatsScope) => {
        const sums = Q.regionSums(d, s);
        return Q.buyerReach(
          d,
          s,
          sums.col,
          sums.rows.map((r) => r.regionId),
        );
      },
      // One pass by period that the page shares between the totals and the sales, delivery and quality series (each below also makes its own when called alone).
      periodSums: Q.periodSums,
      totals: (d: typeof db, s: StatsScope) => Q.totals(d, s, 0),
      sales: Q.salesSeries,
      regions: (d: typeof db, s: StatsScope) => Q.byRegion(d, s, Q.regionSums(d, s), new Map()),
      categories: Q.byCategory,
      kinds: Q.byProducerKind,
      delivery: Q.deliverySeries,
      quality: Q.qualitySeries,
    };
    for (const [label, scope] of [
      ["all regions, by month", all],
      ["all regions, by day", daily],
      ["one county, by month", county],
    ] as const)
      console.log(
        `${label}: ` +
          Object.entries(parts)
            .map(([k, f]) => `${k} ${ms(time(3, 1, () => f(db, scope)).median)}`)
            .join(", "),
      );
    const pageCounty = time(SETTINGS.runs, SETTINGS.warmups, () => loaderWork(county));
    const pageDaily = time(SETTINGS.runs, SETTINGS.warmups, () => loaderWork(daily));
    const pageWeekly = time(SETTINGS.runs, SETTINGS.warmups, () => loaderWork(weekly));
    // The buyer figures (counters and one-walk counts) against a plain count over the buyer-days.
    const buyersAgree = [all, weekly, daily, county].every((scope) => buyerFiguresAgree(db, scope));
    const raw = time(SETTINGS.baselineRuns, 0, () => rawFigures(db, all));
    const rawCounty = time(SETTINGS.baselineRuns, 0, () => rawFigures(db, county));
    const figures = statisticsPage(db, all);
    const rawCheck = rawFigures(db, all) as { sales: { sales: number; buyers: number }[] };
    const rollupSales = figures.sales.reduce((s, r) => s + r.salesFen, 0);
    const rawSales = rawCheck.sales.reduce((s, r) => s + r.sales, 0);
    db.$client.close();

    // 3. The mixed workload through the triggers, then a recount.
    const mixDb = openDatabase(path.join(dir, "mix.db"));
    migrateDatabase(mixDb);
    mixDb.$client.pragma("synchronous = OFF");
    const mixWorld = buildWorld(mixDb, 20, 8, 2000);
    t = Date.now();
    const counts = runStatsWorkload(mixDb, mixWorld, { steps: SETTINGS.mixSteps, seed: 12, start: Date.now() + 60_000, lots: false });
    const mixMs = Date.now() - t;
    t = Date.now();
    const diffs = compareWithRecount(mixDb);
    const compareMs = Date.now() - t;
    mixDb.$client.close();

    const worst = Math.max(page.median, pageWeekly.median, pageDaily.median, pageCounty.median);
    const met = worst < SETTINGS.targetMs;
    const table = [
      ["statisticsPage: year by month, all regions", ms(page.median), ms(page.min), String(page.runs)],
      ["statisticsPage: year by month, one county", ms(pageCounty.median), ms(pageCounty.min), String(pageCounty.runs)],
      ["statisticsPage: year by week, all regions", ms(pageWeekly.median), ms(pageWeekly.min), String(pageWeekly.runs)],
      ["statisticsPage: year by day, all regions", ms(pageDaily.median), ms(pageDaily.min), String(pageDaily.runs)],
      ["baseline: same figures from raw tables, all regions", ms(raw.median), ms(raw.min), String(raw.runs)],
      ["baseline: same figures from raw tables, one county", ms(rawCounty.median), ms(rawCounty.min), String(rawCounty.runs)],
    ];
    console.log(formatTable(["query", "median", "min", "runs"], table));
    console.log(
      `\nraw / roll-ups: ${ratio(raw.median / page.median)}; target < ${SETTINGS.targetMs} ms (slowest view ${ms(worst)}): ${met ? "met" : "NOT met"}; ` +
        `sales agree with the raw tables: ${rollupSales === rawSales ? "yes" : `NO (${rollupSales} vs ${rawSales})`}; ` +
        `buyer figures equal a count over stats_buyer_days: ${buyersAgree ? "yes" : "NO"}; load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
    );
    console.log(
      `mixed workload: ${SETTINGS.mixSteps.toLocaleString("en")} steps in ${(mixMs / 1000).toFixed(1)} s (${JSON.stringify(counts)}); ` +
        `recount in ${ms(compareMs)}: ${diffs.length === 0 ? "roll-ups equal the recount" : `DIFFER ${JSON.stringify(diffs)}`}`,
    );
    const summary = {
      header: ["benchmark", "result", "baseline", "ratio", "target"],
      rows: [
        [
          `stats page: 1 year of ${(SETTINGS.orders / 1e6).toFixed(1)}M orders (slowest of month/week/day/county)`,
          ms(worst),
          `raw tables ${ms(raw.median)}`,
          `${ratio(raw.median / worst)} faster`,
          `< ${SETTINGS.targetMs} ms ${met ? "met" : "NOT met"}`,
        ],
        [
          `stats roll-ups after ${SETTINGS.mixSteps.toLocaleString("en")}-step mix`,
          diffs.length === 0 ? "equal recount" : "DIFFER",
          "full recount",
          "",
          "equal",
        ],
      ],
    };
    return {
      name: "stats",
      at: new Date().toISOString(),
      machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavg: os.loadavg() },
      settings: SETTINGS,
      data: { generateMs: genMs, rebuildMs, written, mixMs, compareMs, counts, rollupSales, rawSales },
      timings: { page, pageCounty, pageWeekly, pageDaily, raw, rawCounty },
      met,
      agree: diffs.length === 0 && rollupSales === rawSales && buyersAgree,
      summary,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, "stats", run, (r) => !r.agree);
