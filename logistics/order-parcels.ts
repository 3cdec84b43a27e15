/**
 * An order's parcels: each sub-order's lines are packed (logistics/sizes.ts planParcels) into
 * parcels of its own — one producer per parcel, always, because each producer packs and hands over
 * its own goods. Plain module, no Remix.
 *
 * Unit volume = listings.package_volume_cm3, else the category's default; chilled = listings.storage
 * 'chilled'; fresh = the category is in FRESH_CATEGORIES (the point's shorter holding period).
 */
import crypto from "node:crypto";
import type { Db } from "../db/client";
import type { CategorySlug } from "../db/schema";
import type { ParcelNeed } from "./capacity";
import { DEFAULT_UNIT_VOLUME_CM3, FRESH_CATEGORIES, planParcels, type LineToPack, type ParcelPlan } from "./sizes";

// ─── parcel codes ────────────────────────────────────────────────────────────

/** Crockford base32: no I, L, O, U (never confused with 1, 0 or V when read aloud or typed). */
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_BODY_LENGTH = 9;
const CODE_PATTERN = /^P[0-9A-HJKMNP-TV-Z]{9}$/;

/** "P" + 9 random Crockford base32 characters (45 bits): e.g. "P7K2M9QX4T". */
export function newParcelCode(): string {
  let body = "";
  for (let i = 0; i < CODE_BODY_LENGTH; i++) body += CROCKFORD[crypto.randomInt(CROCKFORD.length)];
  return `P${body}`;
}

/**
 * What an operator typed or scanned → the canonical code, or null when it cannot be one.
 * Case-insensitive; spaces, dashes and dots ignored; Crockford's reading rules (I, L → 1; O → 0);
 * the leading "P" may be left out.
 */
export function normaliseParcelCode(input: string): string | null {
  let s = input.toUpperCase().replace(/[\s\-_.]/g, "");
  if (s.length === CODE_BODY_LENGTH) s = `P${s}`;
  if (s.length !== CODE_BODY_LENGTH + 1 || s[0] !== "P") return null;
  s = "P" + s.slice(1).replace(/[IL]/g, "1").replace(/O/g, "0");
  return CODE_PATTERN.test(s) ? s : null;
}

// ─── packing ─────────────────────────────────────────────────────────────────

type PackRow = { lineId: number; producerId: number; quantity: number; packageVolumeCm3: number | null; storage: string; slug: CategorySlug };

function toLine(r: PackRow): LineToPack {
  return {
    orderLineId: r.lineId,
    quantity: r.quantity,
    unitVolumeCm3: r.packageVolumeCm3 ?? DEFAULT_UNIT_VOLUME_CM3[r.slug],
    chilled: r.storage === "chilled",
    fresh: FRESH_CATEGORIES.has(r.slug),
  };
}

/** Groups rows by a key (producer or sub-order) and plans each group's parcels separately. */
function planPerGroup(rows: PackRow[], groupOf: (r: PackRow) => number): Map<number, ParcelPlan[]> {
  const groups = new Map<number, PackRow[]>();
  for (const r of rows) {
    const k = groupOf(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out = new Map<number, ParcelPlan[]>();
  for (const [k, g] of groups) out.set(k, planParcels(g.map(toLine)));
  return out;
}

/**
 * The parcels the buyer's cart would become (before the order exists), for checkout feasibility:
 * the same packing as createParcelsForOrder (cart lines stand in for order lines, per producer).
 */
export function parcelNeedsForCart(db: Db, buyerId: number): ParcelNeed[] {
  const rows = db.$client
    .prepare(
      `select l.id as lineId, l.producer_id as producerId, c.quantity, l.package_volume_cm3 as packageVolumeCm3, l.storage, cat.slug
       from cart_items c join listings l on l.id = c.listing_id join categories cat on cat.id = l.category_id
       where c.user_id = ? order by l.producer_id, l.id`,
    )
    .all(buyerId) as PackRow[];
  const needs: ParcelNeed[] = [];
  for (const plans of planPerGroup(rows, (r) => r.producerId).values()) for (const p of plans) needs.push({ size: p.size, chilled: p.chilled });
  return needs;
}

/**
 * Inside checkout's transaction: every sub-order of the order becomes its parcels (awaiting_dispatch,
 * at the order's point), with parcel_items for the units of each line and a 'created' event.
 * Idempotent per order: an order that already has parcels gets no more.
 */
export function createParcelsForOrder(db: Db, orderId: number, now: number): { parcelIds: number[] } {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const order = sqlite.prepare(`select id, buyer_id as buyerId, delivery_point_id as pointId from orders where id = ?`).get(orderId) as
        { id: number; buyerId: number; pointId: number | null } | undefined;
      if (!order) throw new Error(`order ${orderId} not found`);
      if (order.pointId === null) throw new Error(`order ${orderId} has no delivery point`);
      const existing = sqlite.prepare(`select id from parcels where order_id = ? order by id`).pluck().all(orderId) as number[];
      if (existing.length) return { parcelIds: existing };

      const rows = sqlite
        .prepare(
          `select ol.id as lineId, ol.sub_order_id as subOrderId, ol.producer_id as producerId, ol.quantity,
                  l.package_volume_cm3 as packageVolumeCm3, l.storage, cat.slug
           from order_lines ol join listings l on l.id = ol.listing_id join categories cat on cat.id = l.category_id
           where ol.order_id = ? and ol.sub_order_id is not null order by ol.sub_order_id, ol.id`,
        )
        .all(orderId) as (PackRow & { subOrderId: number })[];
      const producerOfSub = new Map(rows.map((r) => [r.subOrderId, r.producerId]));

      const codeTaken = sqlite.prepare(`select 1 from parcels where code = ?`).pluck();
      const insertParcel = sqlite.prepare(
        `insert into parcels (code, order_id, sub_order_id, producer_id, delivery_point_id, size, chilled, fresh, volume_cm3, status, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'awaiting_dispatch', ?)`,
      );
      const insertItem = sqlite.prepare(`insert into parcel_items (parcel_id, order_line_id, quantity) values (?, ?, ?)`);
      const insertEvent = sqlite.prepare(`insert into parcel_events (parcel_id, kind, actor_user_id, at) values (?, 'created', ?, ?)`);

      const parcelIds: number[] = [];
      const plansBySub = planPerGroup(rows, (r) => (r as PackRow & { subOrderId: number }).subOrderId);
      for (const [subOrderId, plans] of plansBySub) {
        for (const plan of plans) {
          let code = newParcelCode();
          // 45 random bits: a collision is astronomically rare, but the unique index would abort the checkout.
          while (codeTaken.get(code)) code = newParcelCode();
          const parcelId = Number(
            insertParcel.run(
              code,
              orderId,
              subOrderId,
              producerOfSub.get(subOrderId)!,
              order.pointId,
              plan.size,
              plan.chilled ? 1 : 0,
              plan.fresh ? 1 : 0,
              plan.volumeCm3,
              now,
            ).lastInsertRowid,
          );
          for (const item of plan.items) insertItem.run(parcelId, item.orderLineId, item.quantity);
          insertEvent.run(parcelId, order.buyerId, now);
          parcelIds.push(parcelId);
        }
      }
      return { parcelIds };
    })
    .immediate();
}
