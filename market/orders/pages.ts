/**
 * Reads for the order pages (cart/checkout/orders/farm inbox) that the core does not already
 * have. Plain module, no Remix; the caller decides who may see what.
 */
import type { Db } from "../../db/client";
import type { OrderStatus } from "../../db/schema";

export type DeliveryPointOption = { id: number; kind: string; name: string; address: string };

/** Pickup points for checkout, sorted by name (the logistics issue replaces this with a map). */
export function listDeliveryPoints(db: Db): DeliveryPointOption[] {
  return db.$client.prepare(`select id, kind, name, address from delivery_points order by name, id`).all() as DeliveryPointOption[];
}

export function getDeliveryPoint(db: Db, id: number | null): DeliveryPointOption | null {
  if (id == null) return null;
  return (db.$client.prepare(`select id, kind, name, address from delivery_points where id = ?`).get(id) as DeliveryPointOption | undefined) ?? null;
}

export type BuyerOrderSummary = { id: number; status: OrderStatus; totalFen: number; createdAt: number; subOrderCount: number };

/** The buyer's orders, newest first. */
export function listBuyerOrders(db: Db, buyerId: number, limit = 100): BuyerOrderSummary[] {
  return db.$client
    .prepare(
      `select o.id, o.status, o.total_fen as totalFen, o.created_at as createdAt,
              (select count(*) from sub_orders s where s.order_id = o.id) as subOrderCount
       from orders o where o.buyer_id = ? order by o.created_at desc, o.id desc limit ?`,
    )
    .all(buyerId, limit) as BuyerOrderSummary[];
}

/** Lot codes of the given batches (order lines name the lot their units come from). */
export function lotCodes(db: Db, batchIds: number[]): Record<number, string> {
  if (!batchIds.length) return {};
  const unique = [...new Set(batchIds)];
  const rows = db.$client.prepare(`select id, lot_code as lotCode from batches where id in (${unique.map(() => "?").join(",")})`).all(...unique) as {
    id: number;
    lotCode: string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.id, r.lotCode]));
}

export type InboxSubOrder = {
  id: number;
  orderId: number;
  producerId: number;
  producerName: string;
  status: OrderStatus;
  subtotalFen: number;
  producerShareFen: number;
  createdAt: number;
  deliveryPointName: string | null;
  itemCount: number;
};

/** Sub-orders of the given producers, newest first. */
export function listProducerSubOrders(db: Db, producerIds: readonly number[], limit = 100): InboxSubOrder[] {
  if (!producerIds.length) return [];
  return db.$client
    .prepare(
      `select s.id, s.order_id as orderId, s.producer_id as producerId, p.name_zh as producerName, s.status,
              s.subtotal_fen as subtotalFen, s.producer_share_fen as producerShareFen, s.created_at as createdAt,
              dp.name as deliveryPointName,
              (select coalesce(sum(ol.quantity), 0) from order_lines ol where ol.sub_order_id = s.id) as itemCount
       from sub_orders s join producers p on p.id = s.producer_id join orders o on o.id = s.order_id
       left join delivery_points dp on dp.id = o.delivery_point_id
       where s.producer_id in (${producerIds.map(() => "?").join(",")})
       order by s.created_at desc, s.id desc limit ?`,
    )
    .all(...producerIds, limit) as InboxSubOrder[];
}

export type PackingGroup = {
  deliveryPointId: number | null;
  deliveryPointName: string | null;
  lines: { listingId: number; title: string; lotCode: string; quantity: number; subOrderIds: number[] }[];
};

/**
 * What to pack: lines of paid / in-fulfilment sub-orders of the given producers, summed per
 * listing and lot, grouped by the delivery point the order goes to.
 */
export function packingList(db: Db, producerIds: readonly number[]): PackingGroup[] {
  if (!producerIds.length) return [];
  const rows = db.$client
    .prepare(
      `select o.delivery_point_id as deliveryPointId, dp.name as deliveryPointName, ol.listing_id as listingId,
              -- The size is part of what to pack: 75 mm and 85 mm apples are separate lines.
              l.title || coalesce(' ' || v.name, '') as title,
              b.lot_code as lotCode, ol.quantity, ol.sub_order_id as subOrderId
       from order_lines ol join sub_orders s on s.id = ol.sub_order_id join orders o on o.id = ol.order_id
       join listings l on l.id = ol.listing_id join batches b on b.id = ol.batch_id
       left join listing_variants v on v.id = ol.variant_id
       left join delivery_points dp on dp.id = o.delivery_point_id
       where s.producer_id in (${producerIds.map(() => "?").join(",")}) and s.status in ('paid', 'in_fulfilment')
         -- 发货 done: a sub-order whose parcels all left the farm is no longer to pack.
         and not (exists (select 1 from parcels x where x.sub_order_id = s.id)
                  and not exists (select 1 from parcels x where x.sub_order_id = s.id and x.status = 'awaiting_dispatch'))
       order by dp.name, l.title, b.lot_code, ol.id`,
    )
    .all(...producerIds) as {
    deliveryPointId: number | null;
    deliveryPointName: string | null;
    listingId: number;
    title: string;
    lotCode: string;
    quantity: number;
    subOrderId: number;
  }[];
  const groups = new Map<string, PackingGroup>();
  for (const r of rows) {
    const key = String(r.deliveryPointId);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { deliveryPointId: r.deliveryPointId, deliveryPointName: r.deliveryPointName, lines: [] }));
    const line = g.lines.find((l) => l.listingId === r.listingId && l.lotCode === r.lotCode && l.title === r.title);
    if (line) {
      line.quantity += r.quantity;
      if (!line.subOrderIds.includes(r.subOrderId)) line.subOrderIds.push(r.subOrderId);
    } else g.lines.push({ listingId: r.listingId, title: r.title, lotCode: r.lotCode, quantity: r.quantity, subOrderIds: [r.subOrderId] });
  }
  return [...groups.values()];
}
