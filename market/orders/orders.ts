/**
 * Orders: applying the state machine (app/orders/state.ts) to the database, releasing
 * reservations, and the reads the order pages need. Plain module, no Remix.
 *
 * Every status change goes through transitionOrder(): a guarded UPDATE (… WHERE status = <from>)
 * so two writers cannot both move the same order, and one order_status_history row.
 */
import type Database from "better-sqlite3";
import type { Db } from "../../db/client";
import type { OrderEventSource, OrderStatus } from "../../db/schema";
import { shipping } from "./shipping";
import { assertTransition, IllegalTransitionError } from "./state";
import { notifyProducerMembers } from "../notices/notices";
import { storefrontChanged } from "../../core/events";
import { addPaidInputsToFarmStock, voidInputStockOf } from "../inputs/stock";

export type TransitionOptions = {
  actorUserId?: number | null;
  stripeEventId?: string | null;
  note?: string | null;
  now?: number;
};

type OrderRow = {
  id: number;
  buyerId: number;
  status: OrderStatus;
  totalFen: number;
  stripePaymentIntentId: string | null;
  idempotencyKey: string | null;
  reservedUntil: number | null;
  commissionBp: number | null;
};

const ORDER_COLUMNS = `id, buyer_id as buyerId, status, total_fen as totalFen, stripe_payment_intent_id as stripePaymentIntentId,
  idempotency_key as idempotencyKey, reserved_until as reservedUntil, commission_bp as commissionBp`;

export function getOrderRow(db: Db, orderId: number): OrderRow | null {
  return (db.$client.prepare(`select ${ORDER_COLUMNS} from orders where id = ?`).get(orderId) as OrderRow | undefined) ?? null;
}

/** Sub-orders move with their order through the payment-level states (paid, cancelled, refunded, …). */
function notifyPaidSubOrders(sqlite: Database.Database, orderId: number, now: number) {
  const prepaid = sqlite.prepare(`select pay_at_pickup from orders where id = ?`).pluck().get(orderId) === 0;
  if (!prepaid) return;
  const subs = sqlite
    .prepare(
      `select s.id, s.producer_id as producerId, (select coalesce(sum(quantity), 0) from order_lines where sub_order_id = s.id) as items from sub_orders s where s.order_id = ?`,
    )
    .all(orderId) as { id: number; producerId: number; items: number }[];
  for (const s of subs)
    notifyProducerMembers(sqlite, s.producerId, "order_paid", "farmNotice.paidOrder", { orderId, subOrderId: s.id, items: s.items }, "/farm/orders", now);
}

function moveSubOrders(sqlite: Database.Database, orderId: number, from: OrderStatus, to: OrderStatus) {
  sqlite.prepare(`update sub_orders set status = ? where order_id = ? and status = ?`).run(to, orderId, from);
}

/**
 * Moves an order from its current status to `to`, or throws IllegalTransitionError (the move is
 * not in the table, or another writer changed the order first). Runs in the caller's transaction
 * when there is one (better-sqlite3 nests it as a savepoint).
 */
export function transitionOrder(
  db: Db,
  orderId: number,
  to: OrderStatus,
  source: OrderEventSource,
  options: TransitionOptions = {},
): { from: OrderStatus; to: OrderStatus } {
  const sqlite = db.$client;
  const now = options.now ?? Date.now();
  return sqlite.transaction(() => {
    const row = sqlite.prepare(`select status from orders where id = ?`).get(orderId) as { status: OrderStatus } | undefined;
    if (!row) throw new IllegalTransitionError(orderId, "missing", to);
    const from = row.status;
    assertTransition(orderId, from, to);
    const changed = sqlite
      .prepare(
        `update orders set status = ?,
           paid_at = case when ? = 'paid' then coalesce(paid_at, ?) else paid_at end,
           cancelled_at = case when ? = 'cancelled' then coalesce(cancelled_at, ?) else cancelled_at end
         where id = ? and status = ?`,
      )
      .run(to, to, now, to, now, orderId, from).changes;
    if (changed !== 1) throw new IllegalTransitionError(orderId, from, to);
    moveSubOrders(sqlite, orderId, from, to);
    // A prepaid order is the farmer's cue to pack (到站付款 orders are paid at the counter, after the goods left).
    if (to === "paid") notifyPaidSubOrders(sqlite, orderId, now);
    // Inputs bought by a farm enter its input stock with the payment (issue 12 §4); once per order line.
    if (to === "paid") addPaidInputsToFarmStock(sqlite, orderId, now);
    // Cancelled or refunded before pickup: parcels still at the producer are cancelled; one already
    // on its way or at the point is flagged for return and keeps its slot until the operator sends it back.
    // Money back: what the farm still holds of inputs from this order is voided (the uses stay on their chains).
    if (to === "cancelled" || to === "refunded") voidInputStockOf(sqlite, { orderId }, now);
    if (to === "cancelled" || to === "refunded") shipping().stopParcels(sqlite, { orderId }, now, options.actorUserId ?? null);
    sqlite
      .prepare(
        `insert into order_status_history (order_id, from_status, to_status, source, actor_user_id, stripe_event_id, note, at)
         values (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(orderId, from, to, source, options.actorUserId ?? null, options.stripeEventId ?? null, options.note ?? null, now);
    return { from, to };
  })();
}

/** Puts the order's units back on sale. Only for orders whose stock is still held (pending_payment). */
function releaseStock(db: Db, orderId: number, now: number): number {
  const sqlite: Database.Database = db.$client;
  const lines = sqlite.prepare(`select listing_id as listingId, variant_id as variantId, quantity from order_lines where order_id = ?`).all(orderId) as {
    listingId: number;
    variantId: number | null;
    quantity: number;
  }[];
  const put = sqlite.prepare(`update listings set stock = stock + ?, updated_at = ? where id = ?`);
  const putVariant = sqlite.prepare(`update listing_variants set stock = stock + ? where id = ?`);
  for (const l of lines) {
    put.run(l.quantity, now, l.listingId);
    if (l.variantId != null) putVariant.run(l.quantity, l.variantId);
  }
  // A sold-out listing may be back on sale: cached storefront pages go (in this transaction).
  if (lines.length) storefrontChanged(db, { kind: "listing", listingIds: lines.map((l) => l.listingId), what: "stock" });
  return lines.reduce((s, l) => s + l.quantity, 0);
}

/**
 * Cancels an unpaid order and releases its stock, in one transaction: reservation expired,
 * payment failed or the PaymentIntent was cancelled. Returns false (and changes nothing) when
 * the order is no longer pending_payment — e.g. the payment succeeded meanwhile.
 */
export function cancelUnpaidOrder(db: Db, orderId: number, source: OrderEventSource, options: TransitionOptions = {}): boolean {
  const sqlite = db.$client;
  const now = options.now ?? Date.now();
  return sqlite.transaction(() => {
    const row = sqlite.prepare(`select status from orders where id = ?`).get(orderId) as { status: OrderStatus } | undefined;
    if (row?.status !== "pending_payment") return false;
    transitionOrder(db, orderId, "cancelled", source, { ...options, now });
    releaseStock(db, orderId, now);
    return true;
  })();
}

export type ExpiredOrder = { orderId: number; paymentIntentId: string | null };

/**
 * Unpaid orders whose reservation ran out (reserved_until < now) → cancelled, stock released,
 * all in one (IMMEDIATE) transaction. The caller cancels the returned PaymentIntents at Stripe
 * (scripts/payments-reconcile.ts does), so that a late payment is unlikely; one that still
 * arrives is refunded (app/payments/settle.server.ts).
 */
export function expireReservations(db: Db, now = Date.now()): ExpiredOrder[] {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const due = sqlite
        .prepare(
          `select id as orderId, stripe_payment_intent_id as paymentIntentId from orders
           where status = 'pending_payment' and reserved_until is not null and reserved_until < ? order by id`,
        )
        .all(now) as ExpiredOrder[];
      for (const o of due) cancelUnpaidOrder(db, o.orderId, "expiry", { now, note: "reservation expired" });
      return due;
    })
    .immediate();
}

export type OrderTimelineEntry = {
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus;
  source: OrderEventSource;
  actorUserId: number | null;
  note: string | null;
  at: number;
};

/** The order's status changes, oldest first (the order page's timeline). */
export function getOrderTimeline(db: Db, orderId: number): OrderTimelineEntry[] {
  return db.$client
    .prepare(
      `select from_status as fromStatus, to_status as toStatus, source, actor_user_id as actorUserId, note, at
       from order_status_history where order_id = ? order by at, id`,
    )
    .all(orderId) as OrderTimelineEntry[];
}

export type OrderDetail = {
  id: number;
  buyerId: number;
  status: OrderStatus;
  totalFen: number;
  contactPhone: string;
  deliveryPointId: number | null;
  commissionBp: number | null;
  stripePaymentIntentId: string | null;
  reservedUntil: number | null;
  paidAt: number | null;
  cancelledAt: number | null;
  createdAt: number;
  subOrders: {
    id: number;
    producerId: number;
    producerName: string;
    status: OrderStatus;
    subtotalFen: number;
    commissionFen: number;
    producerShareFen: number;
    stripeTransferId: string | null;
    lines: { id: number; listingId: number; title: string; variantName: string | null; batchId: number; quantity: number; unitPriceFen: number }[];
  }[];
};

/** An order with its sub-orders and lines (no permission check: the caller decides who may see it). */
export function getOrderDetail(db: Db, orderId: number): OrderDetail | null {
  const sqlite = db.$client;
  const order = sqlite
    .prepare(
      `select id, buyer_id as buyerId, status, total_fen as totalFen, contact_phone as contactPhone, delivery_point_id as deliveryPointId,
              commission_bp as commissionBp, stripe_payment_intent_id as stripePaymentIntentId, reserved_until as reservedUntil,
              paid_at as paidAt, cancelled_at as cancelledAt, created_at as createdAt
       from orders where id = ?`,
    )
    .get(orderId) as Omit<OrderDetail, "subOrders"> | undefined;
  if (!order) return null;
  const subs = sqlite
    .prepare(
      `select s.id, s.producer_id as producerId, p.name_zh as producerName, s.status, s.subtotal_fen as subtotalFen,
              s.commission_fen as commissionFen, s.producer_share_fen as producerShareFen, s.stripe_transfer_id as stripeTransferId
       from sub_orders s join producers p on p.id = s.producer_id where s.order_id = ? order by s.id`,
    )
    .all(orderId) as Omit<OrderDetail["subOrders"][number], "lines">[];
  const lines = sqlite
    .prepare(
      `select ol.id, ol.sub_order_id as subOrderId, ol.listing_id as listingId, l.title, v.name as variantName, ol.batch_id as batchId, ol.quantity,
              ol.unit_price_fen as unitPriceFen
       from order_lines ol join listings l on l.id = ol.listing_id left join listing_variants v on v.id = ol.variant_id
       where ol.order_id = ? order by ol.id`,
    )
    .all(orderId) as (OrderDetail["subOrders"][number]["lines"][number] & { subOrderId: number | null })[];
  return {
    ...order,
    subOrders: subs.map((s) => ({
      ...s,
      lines: lines.filter((l) => l.subOrderId === s.id).map(({ subOrderId: _s, ...l }) => l),
    })),
  };
}
