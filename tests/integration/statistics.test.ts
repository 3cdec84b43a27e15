/**
 * Statistics roll-ups (issue 12 §1) against real SQLite: after a generated mix of orders,
 * payments, cancellations, refunds, weighing, payouts, parcels, recalls and inspections the
 * trigger-maintained roll-ups equal a full recount from the raw tables; a rebuild agrees too.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { closeDb } from "../../db/client";
import {
  actorFor,
  createListing,
  createLotWithChain,
  createProducer,
  createTestDatabase,
  createUser,
  createVillage,
  ensureRegion,
} from "../../seeds/factories";
import { ForbiddenError } from "../../core/errors";
import { dayOfIsoDate, isoDay, shanghaiDate } from "../../core/clock";
import {
  byRegion,
  deliverySeries,
  periodStart,
  producerReport,
  salesSeries,
  statisticsPage,
  statsScope,
  totals,
  type StatsFilter,
} from "../../oversight/queries";
import { toCsv } from "../../oversight/csv";
import { csvRows } from "~/stats/tables";
import { parseStatsFilter } from "~/stats/filter";
import { messages } from "~/i18n";
import type { MessageKey } from "~/i18n/core";
import { compareWithRecount, rebuildStatistics, recountQueries } from "../../oversight/rebuild";
import { buyerCountTriggerSql, triggerSql } from "../../oversight/trigger-sql";
import { transitionOrder } from "../../market/orders/orders";
import { createBuyer, createMarket, type Market } from "../helpers/orders";
import { runStatsWorkload, type WorkloadWorld } from "../helpers/stats-workload";

let db: Db;
let cleanup: () => void;
let m: Market;
let world: WorkloadWorld;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  m = await createMarket(db, { stockA: 100000, stockB: 100000 });
  const lotA = createLotWithChain(db, { producerId: m.producerA, pack: false, plot: false });
  const lotB = createLotWithChain(db, { producerId: m.producerB, inspection: "fail", pack: false, plot: false });
  const buyers = [m.buyer.id];
  for (let i = 0; i < 5; i++) buyers.push((await createBuyer(db)).id);
  world = {
    producers: [
      { id: m.producerA, listingId: m.apples, batchId: lotA.batchId },
      { id: m.producerB, listingId: m.kiwis, batchId: lotB.batchId },
    ],
    buyerIds: buyers,
    pointId: m.pointId,
  };
});
afterAll(() => {
  closeDb();
  cleanup();
});

const sumOf = (col: string) => db.$client.prepare(`select coalesce(sum(${col}), 0) from stats_producer_daily`).pluck().get() as number;

describe("roll-ups", () => {
  it("the migration's triggers are the ones oversight/trigger-sql.ts writes", () => {
    const dir = path.resolve(__dirname, "../../db/migrations");
    const file = fs.readdirSync(dir).find((f) => f.endsWith("_stats_triggers.sql"))!;
    const migration = fs.readFileSync(path.join(dir, file), "utf8");
    expect(migration).toContain(triggerSql());
    const counts = fs.readdirSync(dir).find((f) => f.endsWith("_stats_buyer_count_triggers.sql"))!;
    expect(fs.readFileSync(path.join(dir, counts), "utf8")).toContain(buyerCountTriggerSql());
  });

  it("a prepaid order counts once it is paid, on the day of payment, with its units and its buyer", () => {
    const before = { sales: sumOf("sales_fen"), orders: sumOf("orders"), units: sumOf("units") };
    const paidAt = Date.UTC(2026, 10, 3, 20, 0); // 04:00 on 4 November in Shanghai
    const orderId = Number(
      db.$client
        .prepare(
          `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, created_at) values (?, 'pending_payment', 3980, '13800000001', ?, ?)`,
        )
        .run(m.buyer.id, m.pointId, paidAt - 3_600_000).lastInsertRowid,
    );
    const sub = Number(
      db.$client
        .prepare(
          `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen) values (?, ?, 'pending_payment', 3980, 199, 3781)`,
        )
        .run(orderId, m.producerA).lastInsertRowid,
    );
    db.$client
      .prepare(`insert into order_lines (order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, sub_order_id) values (?, ?, ?, ?, 2, 1990, ?)`)
      .run(orderId, m.producerA, m.apples, world.producers[0]!.batchId, sub);
    expect(sumOf("sales_fen")).toBe(before.sales); // not paid: no sale
    transitionOrder(db, orderId, "paid", "webhook", { now: paidAt });
    expect(sumOf("sales_fen") - before.sales).toBe(3980);
    expect(sumOf("orders") - before.orders).toBe(1);
    expect(sumOf("units") - before.units).toBe(2);
    const day = Math.floor((paidAt + 8 * 3_600_000) / 86_400_000);
    const row = db.$client.prepare(`select sales_fen, units_verified from stats_producer_daily where day = ? and producer_id = ?`).get(day, m.producerA) as {
      sales_fen: number;
      units_verified: number;
    };
    expect(row.sales_fen).toBe(3980);
    expect(
      db.$client.prepare(`select count(*) from stats_buyer_days where day = ? and producer_id = ? and buyer_id = ?`).pluck().get(day, m.producerA, m.buyer.id),
    ).toBe(1);
    expect(compareWithRecount(db)).toEqual([]);
  });

  it("equal a full recount after a generated mix, and a rebuild changes nothing", () => {
    // Sales after the lots' events were stored (a chain is judged by what was stored at the moment of sale).
    const counts = runStatsWorkload(db, world, { steps: 1500, seed: 7, start: Date.now() + 60_000 });
    for (const k of ["orders", "payments", "cancellations", "refunds", "weighings", "payouts", "parcels", "arrivals", "pickups", "returns", "recalls", "lots"])
      expect(counts[k], k).toBeGreaterThan(0);
    expect(compareWithRecount(db)).toEqual([]);
    const snapshot = db.$client
      .prepare(
        `select * from stats_producer_daily where ${["sales_fen", "orders", "refunds", "parcels_arrived", "recalls", "inspections_passed", "inspections_failed", "payouts"].map((c) => `${c} != 0`).join(" or ")} order by day, producer_id`,
      )
      .all();
    expect(sumOf("inspections_failed")).toBeGreaterThan(0);
    expect(sumOf("parcels_picked_up")).toBeGreaterThan(0);
    expect(sumOf("refund_fen")).toBeGreaterThan(0);
    // Lot A passed its inspection, lot B failed: some units sold come from a complete chain, not all.
    expect(sumOf("units_verified")).toBeGreaterThan(0);
    expect(sumOf("units_verified")).toBeLessThan(sumOf("units"));
    rebuildStatistics(db);
    expect(compareWithRecount(db)).toEqual([]);
    const after = db.$client
      .prepare(
        `select * from stats_producer_daily where ${["sales_fen", "orders", "refunds", "parcels_arrived", "recalls", "inspections_passed", "inspections_failed", "payouts"].map((c) => `${c} != 0`).join(" or ")} order by day, producer_id`,
      )
      .all();
    expect(after).toEqual(snapshot);
  });

  it("distinct buyers (counters for whole periods, a count for cut ones, one walk for totals and regions) equal a recount from the raw sales", async () => {
    expect(db.$client.prepare(`select count(distinct grain || region_level) from stats_buyer_counts`).pluck().get()).toBe(12);
    const admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"] })).id);
    const recount = recountQueries().stats_buyer_days;
    const distinct = (from: number, to: number, region = "") =>
      db.$client.prepare(`select count(distinct buyer_id) from (${recount}) where day between ? and ?${region}`).pluck().get(from, to) as number;
    const [first, last] = db.$client.prepare(`select min(day), max(day) from stats_buyer_days`).raw().get() as [number, number];
    const busiest = db.$client.prepare(`select day from stats_buyer_days group by day order by count(*) desc limit 1`).pluck().get() as number;
    const county = db.$client.prepare(`select county_id from producers where id = ?`).pluck().get(m.producerA) as number;
    // Ranges that cut their first and last week and month, and a few days around the busiest one.
    for (const [from, to] of [
      [first + 3, last - 2],
      [first, last],
      [busiest - 1, busiest + 3],
    ] as const)
      for (const granularity of ["day", "week", "month"] as const)
        for (const countyId of [null, county]) {
          const scope = statsScope(db, admin, { from: isoDay(from), to: isoDay(to), granularity, countyId });
          const region = countyId === null ? "" : ` and county_id = ${county}`;
          const page = statisticsPage(db, scope);
          const label = `${isoDay(from)}..${isoDay(to)} by ${granularity}${countyId ? " in the county" : ""}`;
          expect(page.totals.buyers, label).toBe(distinct(scope.fromDay, scope.toDay, region));
          expect(page.totals.buyers, label).toBeGreaterThan(0);
          for (const point of page.sales) {
            const start = Math.max(scope.fromDay, dayOfIsoDate(point.period));
            const end = Math.min(
              scope.toDay,
              periodStart(dayOfIsoDate(point.period) + (granularity === "month" ? 31 : granularity === "week" ? 7 : 1), granularity) - 1,
            );
            expect(point.buyers, `${label}: ${point.period}`).toBe(distinct(start, end, region));
          }
          const col = countyId === null ? "province_id" : "village_id";
          for (const r of page.regions)
            expect(r.buyers, `${label}: region ${r.regionId}`).toBe(distinct(scope.fromDay, scope.toDay, `${region} and ${col} = ${r.regionId}`));
        }
  });

  it("a recount notices a roll-up that drifted", () => {
    db.$client.prepare(`update stats_buyer_counts set buyers = buyers + 1 where rowid = (select min(rowid) from stats_buyer_counts)`).run();
    expect(compareWithRecount(db).map((d) => d.table)).toEqual(["stats_buyer_counts"]);
    rebuildStatistics(db);
    db.$client.prepare(`update stats_producer_daily set sales_fen = sales_fen + 1 where rowid = (select min(rowid) from stats_producer_daily)`).run();
    const diffs = compareWithRecount(db);
    expect(diffs.map((d) => d.table)).toEqual(["stats_producer_daily"]);
    rebuildStatistics(db);
    expect(compareWithRecount(db)).toEqual([]);
  });
});

describe("who sees what, and the CSV", () => {
  const year: StatsFilter = { from: "2026-01-01", to: shanghaiDate(Date.now() + 400 * 86_400_000), granularity: "month" };
  let pujiang: { countyId: number; villageId: number; producerId: number };
  let luochuanCounty: number;

  beforeAll(async () => {
    // A producer in another province and county (四川 蒲江县), with one paid sale of 5000 fen.
    const province = ensureRegion(db, { code: "510000", level: "province", nameZh: "四川省", nameEn: "Sichuan" });
    const prefecture = ensureRegion(db, { code: "510100", level: "prefecture", nameZh: "成都市", nameEn: "Chengdu", parentId: province });
    const countyId = ensureRegion(db, { code: "510131", level: "county", nameZh: "蒲江县", nameEn: "Pujiang County", parentId: prefecture });
    const township = ensureRegion(db, { code: "510131001", level: "township", nameZh: "鹤山街道", nameEn: "Heshan", parentId: countyId });
    const villageId = createVillage(db, { nameZh: "明月村", provinceId: province, countyId, townshipId: township });
    const farmer = await createUser(db, { roles: ["farmer"] });
    const producerId = createProducer(db, { ownerUserId: farmer.id, villageId, nameZh: "蒲江猕猴桃合作社" });
    const listingId = await createListing(db, { producerId, title: "蒲江猕猴桃", productName: "猕猴桃", priceFen: 2500, stock: 100 });
    const lot = createLotWithChain(db, { producerId, pack: false, plot: false });
    const at = Date.UTC(2026, 10, 20, 2, 0);
    const orderId = Number(
      db.$client
        .prepare(
          `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, created_at) values (?, 'pending_payment', 5000, '13800000001', ?, ?)`,
        )
        .run(m.buyer.id, m.pointId, at).lastInsertRowid,
    );
    const sub = Number(
      db.$client
        .prepare(
          `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen) values (?, ?, 'pending_payment', 5000, 250, 4750)`,
        )
        .run(orderId, producerId).lastInsertRowid,
    );
    db.$client
      .prepare(`insert into order_lines (order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, sub_order_id) values (?, ?, ?, ?, 2, 2500, ?)`)
      .run(orderId, producerId, listingId, lot.batchId, sub);
    transitionOrder(db, orderId, "paid", "webhook", { now: at });
    pujiang = { countyId, villageId, producerId };
    luochuanCounty = db.$client.prepare(`select county_id from producers where id = ?`).pluck().get(m.producerA) as number;
  });

  const userWith = async (role: "platform_admin" | "inspector" | "county_official" | "buyer", countyId?: number) => {
    const u = await createUser(db, { roles: [role] });
    if (countyId) db.$client.prepare(`insert into county_officials (user_id, county_id) values (?, ?)`).run(u.id, countyId);
    return actorFor(db, u.id);
  };

  it("admins and inspectors see every region; a county filter narrows the figures to that county", async () => {
    const admin = await userWith("platform_admin");
    const all = totals(db, statsScope(db, admin, year));
    const inspector = await userWith("inspector");
    expect(totals(db, statsScope(db, inspector, year))).toEqual(all);
    const pj = totals(db, statsScope(db, admin, { ...year, countyId: pujiang.countyId }));
    expect(pj.salesFen).toBe(5000);
    expect(pj.orders).toBe(1);
    expect(pj.buyers).toBe(1);
    const lc = totals(db, statsScope(db, admin, { ...year, countyId: luochuanCounty }));
    expect(lc.salesFen + pj.salesFen).toBe(all.salesFen);
    expect(
      byRegion(db, statsScope(db, admin, year))
        .map((r) => r.nameZh)
        .sort(),
    ).toEqual(["四川省", "陕西省"]);
    // Delivery: the all-regions histogram and the county's agree (every parcel of the mix is in 洛川县).
    const allDelivery = deliverySeries(db, statsScope(db, admin, year)).total;
    const lcDelivery = deliverySeries(db, statsScope(db, admin, { ...year, countyId: luochuanCounty })).total;
    expect(allDelivery.pickedUp).toBeGreaterThan(0);
    expect(lcDelivery).toEqual(allDelivery);
    expect(allDelivery.medianHours).not.toBeNull();
    expect(deliverySeries(db, statsScope(db, admin, { ...year, countyId: pujiang.countyId })).total.pickedUp).toBe(0);
  });

  it("a county official sees its own county only: the filter is forced to it, another county or village is refused", async () => {
    const official = await userWith("county_official", luochuanCounty);
    const admin = await userWith("platform_admin");
    const scope = statsScope(db, official, year);
    expect(scope.countyId).toBe(luochuanCounty);
    expect(totals(db, scope)).toEqual(totals(db, statsScope(db, admin, { ...year, countyId: luochuanCounty })));
    expect(producerReport(db, scope).map((r) => r.producerId)).not.toContain(pujiang.producerId);
    expect(() => statsScope(db, official, { ...year, countyId: pujiang.countyId })).toThrow(ForbiddenError);
    expect(() => statsScope(db, official, { ...year, villageId: pujiang.villageId })).toThrow(ForbiddenError);
    // An official without a county, and a buyer, see nothing.
    const noCounty = actorFor(db, (await createUser(db, { roles: ["county_official"] })).id);
    expect(() => statsScope(db, noCounty, year)).toThrow(ForbiddenError);
    expect(() => statsScope(db, actorFor(db, m.buyer.id), year)).toThrow(ForbiddenError);
  });

  it("the CSV has a BOM, a Chinese header row and the county's figures in yuan", async () => {
    const admin = await userWith("platform_admin");
    const t = (k: MessageKey) => messages.zh[k];
    const rows = salesSeries(db, statsScope(db, admin, { ...year, countyId: pujiang.countyId }));
    const table = csvRows("sales", rows, { locale: "zh", t, has: (k) => k in messages.zh });
    const csv = toCsv(table.header, table.rows);
    expect(csv.startsWith("\uFEFF时间,销售额（元）,退款（元）,净销售额（元）,订单数,件数,买家数\r\n")).toBe(true);
    expect(csv).toContain("2026-11-01,50.00,0.00,50.00,1,2,1\r\n");
    expect(csv.trim().split("\r\n")).toHaveLength(2);
  });
});

describe("the GET filter", () => {
  const HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "2026-02-30",
    "2026-13-45",
    "<script>",
    "' OR 1=1 --",
    "x".repeat(10_000),
  ];

  it("parses a good filter with z.coerce and falls back to the last 12 months on anything else, never throwing", async () => {
    const good = parseStatsFilter(new URL("http://x/admin/stats?from=2026-01-01&to=2026-06-30&granularity=week&countyId=12&villageId="));
    expect(good).toEqual({ filter: { from: "2026-01-01", to: "2026-06-30", granularity: "week", countyId: 12 }, invalid: false });
    const admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"] })).id);
    for (const field of ["from", "to", "granularity", "provinceId", "countyId", "villageId"])
      for (const value of HOSTILE) {
        const { filter, invalid } = parseStatsFilter(new URL(`http://x/admin/stats?${new URLSearchParams({ [field]: value })}`));
        // An empty field means "the default" (or "all regions"); every other value here is refused as a whole.
        expect(invalid, `${field}=${value.slice(0, 20)}`).toBe(value !== "");
        // Whatever came in, the queries run on what came out.
        expect(() => totals(db, statsScope(db, admin, filter))).not.toThrow();
      }
  });

  it("refuses a range whose periods would tie up the server: a year of days, five years of weeks or months", () => {
    const parse = (from: string, to: string, granularity: string) =>
      parseStatsFilter(new URL(`http://x/admin/stats?${new URLSearchParams({ from, to, granularity })}`)).invalid;
    expect(parse("1000-01-01", "9999-12-31", "month")).toBe(true);
    expect(parse("2021-07-01", "2026-06-30", "month")).toBe(false);
    expect(parse("2021-07-01", "2026-06-30", "week")).toBe(false);
    expect(parse("2019-01-01", "2026-06-30", "week")).toBe(true);
    expect(parse("2025-07-01", "2026-06-30", "day")).toBe(false);
    expect(parse("2024-07-01", "2026-06-30", "day")).toBe(true);
    expect(parse("2026-06-30", "2026-06-01", "day")).toBe(true);
    expect(parse("1999-12-01", "2000-01-31", "month")).toBe(true);
  });
});
