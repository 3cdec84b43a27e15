/**
 * A generated mix of everything that moves the statistics (issue 12 §1): orders placed (prepaid
 * and 到站付款), payments, cancellations, fulfilment, full and partial refunds (some failing),
 * weighing that lowers a subtotal, payouts, parcels arriving / picked up / flagged / returned,
 * recalls, and lots with passing and failing inspections. Status moves go through the order
 * state machine (transitionOrder, cancelUnpaidOrder); the rest are the same UPDATEs the domain
 * makes. Used by tests/integration/statistics.test.ts and bench/stats.ts.
 */
import type { Db } from "../../db/client";
import { cancelUnpaidOrder, transitionOrder } from "../../market/orders/orders";
import { createLotWithChain } from "../../seeds/factories";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type WorkloadWorld = {
  producers: { id: number; listingId: number; batchId: number }[];
  buyerIds: number[];
  pointId: number;
};

/** mulberry32: the same mix for the same seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function runStatsWorkload(db: Db, world: WorkloadWorld, opts: { steps: number; seed?: number; start?: number; lots?: boolean }): Record<string, number> {
  const rand = rng(opts.seed ?? 12);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const sqlite = db.$client;
  const start = opts.start ?? Date.UTC(2026, 9, 1);
  let clock = start;
  const tick = () => (clock += Math.floor(rand() * 3 * HOUR));
  const counts: Record<string, number> = {};
  const did = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);

  const insOrder = sqlite.prepare(
    `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, pay_at_pickup, created_at) values (?, 'pending_payment', ?, '13800000001', ?, ?, ?)`,
  );
  const insSub = sqlite.prepare(
    `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen, created_at) values (?, ?, 'pending_payment', ?, ?, ?, ?)`,
  );
  const insLine = sqlite.prepare(
    `insert into order_lines (order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, sub_order_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const ordersIn = (where: string) => sqlite.prepare(`select id from orders where ${where} order by random() limit 1`).pluck();
  const pendingPrepaid = ordersIn(`status = 'pending_payment' and pay_at_pickup = 0`);
  const pendingAny = ordersIn(`status = 'pending_payment'`);
  const paidOrder = ordersIn(`status in ('paid', 'in_fulfilment')`);
  const liveSub = sqlite.prepare(
    `select s.id, s.subtotal_fen as subtotal, s.order_id as orderId, s.producer_id as producerId from sub_orders s join orders o on o.id = s.order_id
      where s.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') order by random() limit 1`,
  );

  const placeOrder = () => {
    const payAtPickup = rand() < 0.3 ? 1 : 0;
    const at = tick();
    const shops = rand() < 0.3 ? [pick(world.producers), pick(world.producers)] : [pick(world.producers)];
    const unique = [...new Map(shops.map((s) => [s.id, s])).values()];
    const lines = unique.map((p) => ({ p, qty: 1 + Math.floor(rand() * 4), price: 500 + Math.floor(rand() * 5000) }));
    const total = lines.reduce((s, l) => s + l.qty * l.price, 0);
    const orderId = Number(insOrder.run(pick(world.buyerIds), total, world.pointId, payAtPickup, at).lastInsertRowid);
    for (const l of lines) {
      const subtotal = l.qty * l.price;
      const commission = Math.floor(subtotal * 0.05);
      const subId = Number(insSub.run(orderId, l.p.id, subtotal, commission, subtotal - commission, at).lastInsertRowid);
      insLine.run(orderId, l.p.id, l.p.listingId, l.p.batchId, l.qty, l.price, subId, at);
    }
    did("orders");
  };

  for (let i = 0; i < opts.steps; i++) {
    const r = rand();
    sqlite.transaction(() => {
      if (r < 0.35) placeOrder();
      else if (r < 0.5) {
        const id = pendingPrepaid.get() as number | undefined;
        if (id) {
          transitionOrder(db, id, "paid", "webhook", { now: tick() });
          did("payments");
        }
      } else if (r < 0.56) {
        const id = pendingAny.get() as number | undefined;
        if (id && cancelUnpaidOrder(db, id, "expiry", { now: tick() })) did("cancellations");
      } else if (r < 0.62) {
        const id = paidOrder.get() as number | undefined;
        if (id) {
          const { status } = sqlite.prepare(`select status from orders where id = ?`).get(id) as { status: string };
          transitionOrder(db, id, status === "paid" ? "in_fulfilment" : "ready_for_pickup", "producer", { now: tick() });
          did("fulfilment");
        }
      } else if (r < 0.7) {
        const s = liveSub.get() as { id: number; subtotal: number; orderId: number } | undefined;
        if (s && s.subtotal > 1) {
          const full = rand() < 0.3;
          const amount = full ? s.subtotal : 1 + Math.floor(rand() * (s.subtotal - 1));
          const reason = pick(["dispute", "goodwill", "recall", "catch_weight"] as const);
          const id = sqlite
            .prepare(`insert into refunds (sub_order_id, amount_fen, reason, idempotency_key, status, created_at) values (?, ?, ?, ?, 'pending', ?)`)
            .run(s.id, amount, reason, `wl_${i}_${s.id}`, tick()).lastInsertRowid;
          const ok = rand() < 0.85;
          sqlite.prepare(`update refunds set status = ? where id = ?`).run(ok ? "succeeded" : "failed", id);
          if (ok && full) sqlite.prepare(`update sub_orders set status = 'refunded' where id = ?`).run(s.id);
          did("refunds");
        }
      } else if (r < 0.74) {
        // Weighing: the final charge is lower than the estimate.
        const s = sqlite
          .prepare(`select id, subtotal_fen as subtotal from sub_orders where stripe_transfer_id is null and subtotal_fen > 100 order by random() limit 1`)
          .get() as { id: number; subtotal: number } | undefined;
        if (s) {
          const subtotal = s.subtotal - Math.floor(rand() * 100);
          const commission = Math.floor(subtotal * 0.05);
          sqlite
            .prepare(`update sub_orders set subtotal_fen = ?, commission_fen = ?, producer_share_fen = ? where id = ?`)
            .run(subtotal, commission, subtotal - commission, s.id);
          did("weighings");
        }
      } else if (r < 0.8) {
        const s = liveSub.get() as { id: number } | undefined;
        if (s) {
          sqlite
            .prepare(`update sub_orders set stripe_transfer_id = ?, transferred_at = ? where id = ? and stripe_transfer_id is null`)
            .run(`tr_${s.id}`, tick(), s.id);
          did("payouts");
        }
      } else if (r < 0.92) {
        parcelStep(db, world, rand, tick, did);
      } else if (r < 0.96) {
        const p = pick(world.producers);
        sqlite.prepare(`update recalls set closed_at = ? where batch_id = ? and closed_at is null`).run(tick(), p.batchId);
        const opener = world.buyerIds[0];
        sqlite.prepare(`insert into recalls (batch_id, opened_by, reason, opened_at) values (?, ?, '抽检不合格', ?)`).run(p.batchId, opener, tick());
        did("recalls");
      } else if (opts.lots !== false && rand() < 0.25) {
        // A new lot for a producer, its inspection passing or failing; the producer sells from it from now on.
        const p = pick(world.producers);
        const lot = createLotWithChain(db, { producerId: p.id, inspection: rand() < 0.7 ? "pass" : "fail", pack: false, plot: false });
        p.batchId = lot.batchId;
        did("lots");
      } else placeOrder();
    })();
  }
  return counts;
}

function parcelStep(db: Db, world: WorkloadWorld, rand: () => number, tick: () => number, did: (k: string) => void) {
  const sqlite = db.$client;
  const r = rand();
  if (r < 0.35) {
    const s = sqlite
      .prepare(
        `select s.id, s.order_id as orderId, s.producer_id as producerId from sub_orders s where s.status in ('paid', 'in_fulfilment', 'ready_for_pickup')
           and not exists (select 1 from parcels p where p.sub_order_id = s.id) order by random() limit 1`,
      )
      .get() as { id: number; orderId: number; producerId: number } | undefined;
    if (!s) return;
    sqlite
      .prepare(
        `insert into parcels (code, order_id, sub_order_id, producer_id, delivery_point_id, size, volume_cm3, status, dispatched_at) values (?, ?, ?, ?, ?, 'medium', 6000, 'dispatched', ?)`,
      )
      .run(`WL${s.id}`, s.orderId, s.id, s.producerId, world.pointId, tick());
    did("parcels");
  } else if (r < 0.6) {
    const id = sqlite.prepare(`select id from parcels where status = 'dispatched' order by random() limit 1`).pluck().get();
    if (id) {
      sqlite.prepare(`update parcels set status = 'arrived', arrived_at = ? where id = ?`).run(tick(), id);
      did("arrivals");
    }
  } else if (r < 0.85) {
    const p = sqlite.prepare(`select id, arrived_at as arrivedAt from parcels where status = 'arrived' order by random() limit 1`).get() as
      { id: number; arrivedAt: number } | undefined;
    if (p) {
      sqlite.prepare(`update parcels set status = 'picked_up', picked_up_at = ? where id = ?`).run(p.arrivedAt + Math.floor(rand() * 200 * HOUR), p.id);
      did("pickups");
    }
  } else {
    const p = sqlite.prepare(`select id, arrived_at as arrivedAt from parcels where status = 'arrived' order by random() limit 1`).get() as
      { id: number; arrivedAt: number } | undefined;
    if (!p) return;
    sqlite.prepare(`update parcels set status = 'return_flagged', return_flagged_at = ? where id = ?`).run(p.arrivedAt + 3 * DAY, p.id);
    if (rand() < 0.5) sqlite.prepare(`update parcels set status = 'returned', returned_at = ? where id = ?`).run(p.arrivedAt + 4 * DAY, p.id);
    did("returns");
  }
}
