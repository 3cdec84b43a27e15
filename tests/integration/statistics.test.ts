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
import { createLotWithChain, createTestDatabase } from "../../seeds/factories";
import { compareWithRecount, rebuildStatistics } from "../../oversight/rebuild";
import { triggerSql } from "../../oversight/trigger-sql";
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
    const counts = runStatsWorkload(db, world, { steps: 1500, seed: 7 });
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
    rebuildStatistics(db);
    expect(compareWithRecount(db)).toEqual([]);
    const after = db.$client
      .prepare(
        `select * from stats_producer_daily where ${["sales_fen", "orders", "refunds", "parcels_arrived", "recalls", "inspections_passed", "inspections_failed", "payouts"].map((c) => `${c} != 0`).join(" or ")} order by day, producer_id`,
      )
      .all();
    expect(after).toEqual(snapshot);
  });

  it("a recount notices a roll-up that drifted", () => {
    db.$client.prepare(`update stats_producer_daily set sales_fen = sales_fen + 1 where rowid = (select min(rowid) from stats_producer_daily)`).run();
    const diffs = compareWithRecount(db);
    expect(diffs.map((d) => d.table)).toEqual(["stats_producer_daily"]);
    rebuildStatistics(db);
    expect(compareWithRecount(db)).toEqual([]);
  });
});
