/**
 * Demo orders, so that a recall has real rows to find and the delivery network has parcels in it:
 * about twenty orders by the demo buyer 王小美 (13800000001) and five generated buyers at the
 * points of the demo network (seeds/logistics.ts, seeded first). Each order line names the listing
 * and the lot (listing_batches) it was sold from. Every order gets its parcels
 * (logistics/order-parcels.ts), whose states are then set directly, as if the network had run:
 * picked-up orders → parcels picked_up; orders ready for pickup → parcels arrived in a best-fit
 * slot with a pickup code and a holding deadline; one old order overdue → return_flagged; two
 * orders dispatched this morning to 赵师傅's points (expected today).
 * Runs after the listings, lots and network exist (seedDemoData calls it last), in one
 * transaction; deterministic for a given `now`, except parcel codes and pickup-code nonces.
 */
import { startOfShanghaiDay } from "../core/clock";
import crypto from "node:crypto";
import type { Db } from "../db/client";
import type { SlotSize } from "../db/schema";
import { splitOrder } from "../market/orders/split";
import { bestFitSlot, type SlotLike } from "../logistics/capacity";
import { createParcelsForOrder } from "../logistics/order-parcels";
import { freeSlots as listFreeSlots } from "../logistics/parcels";
import { XIAN_LOCKER_NAME, ZHAO_OPERATOR_PHONE } from "./logistics";
import { parcelsHeldAt } from "../logistics/occupancy";

/** The platform commission the demo orders were placed under (the default of PLATFORM_COMMISSION_BP). */
const DEMO_COMMISSION_BP = 500;

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const DEMO_BUYER_PHONE = "13800000001";

const GENERATED_BUYERS: { phone: string; displayName: string }[] = [
  { phone: "13700000101", displayName: "周晓敏" },
  { phone: "13700000102", displayName: "吴建华" },
  { phone: "13700000103", displayName: "郑丽娟" },
  { phone: "13700000104", displayName: "孙浩" },
  { phone: "13700000105", displayName: "马婷婷" },
];
/** Buyers with no orders yet (a first checkout; browser journeys use them so they never share a cart). */
const NEW_BUYERS: { phone: string; displayName: string }[] = [{ phone: "13700000106", displayName: "林小雨" }];

export type DemoOrdersResult = { deliveryPoints: number; buyers: number; orders: number; lines: number; parcels: number };

type OrderState = "picked_up" | "ready_for_pickup" | "in_fulfilment";

type PointRow = { id: number; kind: string; holdingDaysFresh: number; holdingDaysOther: number; parcelCapacity: number | null };

export function seedDemoOrders(db: Db, options: { now?: number } = {}): DemoOrdersResult {
  const now = options.now ?? Date.now();
  const sqlite = db.$client;
  return sqlite.transaction((): DemoOrdersResult => {
    const empty = { deliveryPoints: 0, buyers: 0, orders: 0, lines: 0, parcels: 0 };
    const userId = (phone: string) => sqlite.prepare(`select id from users where phone = ?`).pluck().get(phone) as number | undefined;
    const demoBuyer = userId(DEMO_BUYER_PHONE);
    if (!demoBuyer) return empty;

    // Generated buyers share the demo buyer's password hash (cunpin123) — no scrypt here.
    const hash = sqlite.prepare(`select password_hash from users where id = ?`).pluck().get(demoBuyer) as string;
    const buyers: { id: number; phone: string }[] = [{ id: demoBuyer, phone: DEMO_BUYER_PHONE }];
    for (const b of [...GENERATED_BUYERS, ...NEW_BUYERS]) {
      let id = userId(b.phone);
      if (!id) {
        id = Number(
          sqlite.prepare(`insert into users (phone, password_hash, display_name) values (?, ?, ?)`).run(b.phone, hash, b.displayName).lastInsertRowid,
        );
        sqlite.prepare(`insert or ignore into user_roles (user_id, role) values (?, 'buyer')`).run(id);
      }
      buyers.push({ id, phone: b.phone });
    }

    // The network (seeds/logistics.ts): points in the order they were made (village stations and
    // township lockers village by village, then the city points).
    const points = sqlite
      .prepare(
        `select id, kind, holding_days_fresh as holdingDaysFresh, holding_days_other as holdingDaysOther, parcel_capacity as parcelCapacity
         from delivery_points where active = 1 order by id`,
      )
      .all() as PointRow[];
    const xianLocker = sqlite.prepare(`select id from delivery_points where name = ?`).pluck().get(XIAN_LOCKER_NAME) as number | undefined;
    if (points.length === 0 || xianLocker === undefined) return { ...empty, buyers: buyers.length };
    const pointById = new Map(points.map((p) => [p.id, p]));
    const zhaoId = userId(ZHAO_OPERATOR_PHONE);
    const zhaoPoints = (
      zhaoId === undefined
        ? []
        : (sqlite
            .prepare(`select delivery_point_id from delivery_point_operators where user_id = ? order by delivery_point_id`)
            .pluck()
            .all(zhaoId) as number[])
    ).filter((id) => pointById.has(id));
    const operatorOf = (pointId: number) =>
      (sqlite.prepare(`select min(user_id) from delivery_point_operators where delivery_point_id = ?`).pluck().get(pointId) as number | null) ?? null;

    // What can be bought: published listings and the (first) lot each sells from.
    const stock = sqlite
      .prepare(
        `select l.id as listingId, l.producer_id as producerId, l.price_fen as priceFen, l.storage, min(lb.batch_id) as batchId
         from listings l join listing_batches lb on lb.listing_id = l.id
         where l.status = 'published' group by l.id order by l.id`,
      )
      .all() as { listingId: number; producerId: number; priceFen: number; storage: string; batchId: number }[];
    if (stock.length === 0) return { ...empty, deliveryPoints: points.length, buyers: buyers.length };

    const insertOrder = sqlite.prepare(
      `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, delivery_point_chosen_at, commission_bp, paid_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertSubOrder = sqlite.prepare(
      `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen) values (?, ?, ?, ?, ?, ?)`,
    );
    const insertLine = sqlite.prepare(
      `insert into order_lines (order_id, sub_order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, picked_up_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );

    // ── parcels: free slots per point, taken best fit (logistics/capacity.ts) as parcels arrive ──
    type Slot = SlotLike & { code: string };
    const freeSlots = new Map<number, Slot[]>();
    const held = new Map<number, number>();
    const freeOf = (pointId: number): Slot[] => {
      let free = freeSlots.get(pointId);
      if (!free) {
        free = listFreeSlots(sqlite, pointId);
        freeSlots.set(pointId, free);
        held.set(pointId, parcelsHeldAt(sqlite, pointId));
      }
      return free;
    };
    /** A slot for the parcel at its point: best fit; a staffed point also within its parcel capacity. */
    const takeSlot = (point: PointRow, need: { size: SlotSize; chilled: boolean }): number => {
      const free = freeOf(point.id);
      const slot = bestFitSlot(free, need);
      const count = held.get(point.id)!;
      // The demo network is sized for the demo orders: running out means the seed itself is wrong.
      if (!slot || (point.parcelCapacity !== null && count >= point.parcelCapacity)) {
        throw new Error(`seed: delivery point ${point.id} has no free ${need.chilled ? "chilled " : ""}${need.size} slot for a demo parcel`);
      }
      free.splice(free.indexOf(slot), 1);
      held.set(point.id, count + 1);
      return slot.id;
    };
    const parcelsOf = sqlite.prepare(`select id, size, chilled, fresh from parcels where order_id = ? order by id`);
    const updateParcel = sqlite.prepare(
      `update parcels set status = @status, slot_id = @slotId, pickup_code_nonce = @nonce, dispatched_at = @dispatchedAt, arrived_at = @arrivedAt,
              hold_until = @holdUntil, picked_up_at = @pickedUpAt, picked_up_by = @pickedUpBy, return_flagged_at = @returnFlaggedAt
       where id = @id`,
    );
    const insertEvent = sqlite.prepare(`insert into parcel_events (parcel_id, kind, actor_user_id, note, at) values (?, ?, ?, ?, ?)`);
    const nonce = () => crypto.randomBytes(16).toString("hex");

    let orders = 0;
    let lines = 0;
    let parcelCount = 0;
    const place = (
      buyer: { id: number; phone: string },
      items: { s: (typeof stock)[number]; qty: number }[],
      pointId: number,
      at: number,
      state: OrderState,
      overdue = false,
    ) => {
      const point = pointById.get(pointId)!;
      const pickedUpAt = state === "picked_up" ? Math.min(at + 2 * DAY + 5 * HOUR, now - HOUR) : null;
      // The same per-producer split as checkout (app/orders/split.ts), so demo orders look like real ones.
      const split = splitOrder(
        items.map((i) => ({ producerId: i.s.producerId, quantity: i.qty, unitPriceFen: i.s.priceFen })),
        DEMO_COMMISSION_BP,
      );
      const orderId = Number(insertOrder.run(buyer.id, state, split.totalFen, buyer.phone, pointId, at, DEMO_COMMISSION_BP, at + HOUR / 6, at).lastInsertRowid);
      const subOrderIds = new Map<number, number>();
      for (const so of split.subOrders) {
        const id = insertSubOrder.run(orderId, so.producerId, state, so.subtotalFen, so.commissionFen, so.producerShareFen).lastInsertRowid;
        subOrderIds.set(so.producerId, Number(id));
      }
      for (const i of items) {
        insertLine.run(orderId, subOrderIds.get(i.s.producerId), i.s.producerId, i.s.listingId, i.s.batchId, i.qty, i.s.priceFen, pickedUpAt, at);
      }
      orders++;
      lines += items.length;

      // Its parcels, as checkout makes them, then moved along the network.
      createParcelsForOrder(db, orderId, at);
      const operator = operatorOf(pointId);
      for (const p of parcelsOf.all(orderId) as { id: number; size: SlotSize; chilled: number; fresh: number }[]) {
        parcelCount++;
        const holdDays = p.fresh ? point.holdingDaysFresh : point.holdingDaysOther;
        const need = { size: p.size, chilled: p.chilled === 1 };
        const row = {
          id: p.id,
          status: state as string,
          slotId: null as number | null,
          nonce: null as string | null,
          dispatchedAt: null as number | null,
          arrivedAt: null as number | null,
          holdUntil: null as number | null,
          pickedUpAt: null as number | null,
          pickedUpBy: null as number | null,
          returnFlaggedAt: null as number | null,
        };
        if (state === "in_fulfilment") {
          // On this morning's manifest: expected at the point today.
          row.status = "dispatched";
          row.dispatchedAt = Math.max(startOfShanghaiDay(now), now - 3 * HOUR);
          row.slotId = takeSlot(point, need);
        } else if (state === "picked_up") {
          // Collected: the slot is free again, so none is recorded.
          row.pickedUpAt = pickedUpAt;
          row.pickedUpBy = buyer.id;
          row.arrivedAt = Math.max(at + HOUR, pickedUpAt! - 10 * HOUR);
          row.holdUntil = row.arrivedAt + holdDays * DAY;
          row.nonce = nonce();
        } else {
          row.status = overdue ? "return_flagged" : "arrived";
          if (overdue) {
            // Never collected: the holding period ended a day and a half ago and the sweep flagged it.
            row.arrivedAt = now - holdDays * DAY - 36 * HOUR;
            row.returnFlaggedAt = row.arrivedAt + holdDays * DAY + HOUR;
          } else {
            // Arrived a day or so after the order, but late enough that it is still within its holding period.
            row.arrivedAt = Math.min(Math.max(Math.min(at + 30 * HOUR, now - HOUR), now + 12 * HOUR - holdDays * DAY), now - HOUR);
          }
          row.arrivedAt = Math.max(row.arrivedAt, at + HOUR);
          row.holdUntil = row.arrivedAt + holdDays * DAY;
          row.slotId = takeSlot(point, need);
          row.nonce = nonce();
        }
        if (row.arrivedAt !== null) row.dispatchedAt = Math.max(at + HOUR / 2, row.arrivedAt - 8 * HOUR);
        updateParcel.run(row);
        if (row.dispatchedAt !== null) insertEvent.run(p.id, "dispatched", null, null, row.dispatchedAt);
        if (row.arrivedAt !== null) insertEvent.run(p.id, "arrived", operator, null, row.arrivedAt);
        if (row.returnFlaggedAt !== null) insertEvent.run(p.id, "return_flagged", null, null, row.returnFlaggedAt);
        if (row.pickedUpAt !== null) insertEvent.run(p.id, "picked_up", operator, null, row.pickedUpAt);
      }
    };

    // The demo buyer: every listing once (two a order, at most eight orders), at the Xi'an locker;
    // every third order already picked up, the others waiting there.
    const demoItems = stock.slice(0, 16);
    for (let k = 0; k * 2 < demoItems.length; k++) {
      const items = demoItems.slice(k * 2, k * 2 + 2).map((s, j) => ({ s, qty: 1 + ((k + j) % 3) }));
      place(buyers[0], items, xianLocker, now - (k + 1) * 30 * HOUR, k % 3 === 2 ? "picked_up" : "ready_for_pickup");
    }
    // Generated buyers: twelve orders of one or two lines across the network's points.
    for (let k = 0; k < 12; k++) {
      const buyer = buyers[1 + (k % GENERATED_BUYERS.length)];
      const first = stock[(k * 5 + 1) % stock.length];
      const second = stock[(k * 7 + 3) % stock.length];
      const items = [{ s: first, qty: 1 + (k % 4) }];
      if (k % 2 === 0 && second.listingId !== first.listingId) items.push({ s: second, qty: 1 + ((k + 1) % 3) });
      place(buyer, items, points[k % points.length].id, now - (k + 2) * 21 * HOUR, k % 2 === 1 ? "picked_up" : "ready_for_pickup");
    }
    // Chilled goods (fresh meat, crayfish) waiting in the fridges: at the Xi'an locker's chilled
    // compartments and at a city point's fridge.
    const chilled = stock.filter((s) => s.storage === "chilled");
    const cityPoint = points.find((p) => p.kind === "community" || p.kind === "school")?.id ?? xianLocker;
    chilled.slice(0, 2).forEach((s, k) => {
      place(buyers[1 + ((k + 1) % GENERATED_BUYERS.length)], [{ s, qty: 2 }], k === 0 ? xianLocker : cityPoint, now - (30 + 6 * k) * HOUR, "ready_for_pickup");
    });
    // Two orders packed yesterday and dispatched this morning to 赵师傅's points: expected today
    // (a chilled one for the village station's fridge when the seed has chilled goods).
    for (let k = 0; k < Math.min(2, zhaoPoints.length); k++) {
      const pointId = k === 0 ? zhaoPoints[0] : xianLocker;
      const s = k === 0 && chilled.length > 2 ? chilled[2] : stock[(k * 3 + 2) % stock.length];
      place(buyers[1 + ((k + 2) % GENERATED_BUYERS.length)], [{ s, qty: 1 + k }], pointId, now - 20 * HOUR - k * HOUR, "in_fulfilment");
    }
    // Joint delivery (共同配送): three producers' parcels for every point on the route of 赵师傅's
    // village station, dispatched this morning — one manifest, one vehicle (/admin/logistics/manifests
    // shows it against each producer driving alone).
    const routeOf = sqlite.prepare(`select courier_route_id from delivery_points where id = ?`).pluck();
    if (zhaoPoints.length > 0) {
      const route = routeOf.get(zhaoPoints[0]) as number | null;
      const routePoints = points.filter((p) => route !== null && routeOf.get(p.id) === route).map((p) => p.id);
      const seen = new Set<number>();
      const sellers = stock.filter((s) => s.storage !== "chilled" && !seen.has(s.producerId) && seen.add(s.producerId)).slice(0, 3);
      sellers.forEach((s, k) =>
        routePoints.forEach((pointId, j) =>
          place(buyers[1 + ((k + j) % GENERATED_BUYERS.length)], [{ s, qty: 1 }], pointId, now - 18 * HOUR - (2 * k + j) * HOUR, "in_fulfilment"),
        ),
      );
    }
    // One never collected: twelve days old, flagged for return at 赵师傅's township locker (the overdue list).
    const flaggedAt = zhaoPoints.find((id) => id !== xianLocker && pointById.get(id)!.kind === "locker") ?? xianLocker;
    place(buyers[GENERATED_BUYERS.length], [{ s: stock[stock.length - 1], qty: 1 }], flaggedAt, now - 12 * DAY, "ready_for_pickup", true);
    return { deliveryPoints: points.length, buyers: buyers.length, orders, lines, parcels: parcelCount };
  })();
}
