/**
 * Refunds of recalled order lines. Plain module, no Remix. The recall itself is opened in
 * traceability/recall.ts (which knows nothing of money); the route that opens it, and
 * reconcile, call refundRecall afterwards, so that the arrows point market → traceability only.
 *
 * One refund per recall × order line (refunds_recall_line_unique), whatever is retried:
 *   1. one IMMEDIATE transaction writes a `pending` refunds row for every line of the lot that has
 *      none yet: `stripe` for a card-paid order (amount = the line's total, at most what is left
 *      refundable on its sub-order), `cash` for a 到站付款 order already paid at the point (due:
 *      the operator pays it out, payOutCashRefund). A 到站付款 order not paid yet whose every line
 *      is recalled is cancelled: nothing was paid, nothing is due. The buyer gets one notice per order.
 *   2. after commit, every pending `stripe` row of the recall goes to Stripe with its own
 *      idempotency key (recall_<recall>_line_<line>[_<attempt>]), so a crash after Stripe answered
 *      and before we wrote it down is repaired by the next run: Stripe returns the same refund.
 *   3. succeeded → completeRefund (sub-order / order refunded when nothing is left, parcels) and the
 *      producer's share is reversed from its transfer (reverseProducerShare, retried by reconcile);
 *      failed → the row is marked failed and the next run retries it under a new attempt key.
 */
import type { Db } from "../../db/client";
import { hasRole, type Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { logger } from "../../core/logger";
import type { Stripe } from "../payments/stripe";
import { completeRefund, refundedFen, reverseProducerShare } from "./refunds";
import { transitionOrder } from "./orders";
import { canTransition, type OrderStatus } from "./state";

const PAID: readonly OrderStatus[] = ["paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed"];

export type RecallRefundReport = {
  /** Refund rows written by this run (lines not refunded before). */
  created: number;
  /** Stripe refunds that went through in this run. */
  succeeded: number;
  failed: { refundId: number; error: string }[];
  /** Cash refunds due at delivery points (created in this run). */
  cashDue: number;
  /** 到站付款 orders not paid yet, cancelled because all their lines are recalled. */
  cancelledOrders: number[];
};

type LineRow = {
  lineId: number;
  subOrderId: number;
  orderId: number;
  buyerId: number;
  amountFen: number;
  orderStatus: OrderStatus;
  subStatus: OrderStatus;
  payAtPickup: number;
  paymentIntentId: string | null;
};

function insertRefundRows(db: Db, recallId: number, now: number): Pick<RecallRefundReport, "created" | "cashDue" | "cancelledOrders"> {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const recall = sqlite.prepare(`select id, batch_id as batchId from recalls where id = ?`).get(recallId) as { id: number; batchId: number } | undefined;
      if (!recall) throw new NotFoundError("recall");
      const lines = sqlite
        .prepare(
          `select ol.id as lineId, ol.sub_order_id as subOrderId, ol.order_id as orderId, o.buyer_id as buyerId,
                  coalesce(ol.weighed_total_fen, ol.quantity * ol.unit_price_fen) as amountFen,
                  o.status as orderStatus, s.status as subStatus, o.pay_at_pickup as payAtPickup, o.stripe_payment_intent_id as paymentIntentId
           from order_lines ol join orders o on o.id = ol.order_id join sub_orders s on s.id = ol.sub_order_id
           where ol.batch_id = ?
             and not exists (select 1 from refunds r where r.recall_id = ? and r.order_line_id = ol.id)
           order by ol.order_id, ol.id`,
        )
        .all(recall.batchId, recallId) as LineRow[];
      const insert = sqlite.prepare(
        `insert into refunds (sub_order_id, amount_fen, reason, note, idempotency_key, status, recall_id, order_line_id, method, created_at)
         values (?, ?, 'recall', ?, ?, 'pending', ?, ?, ?, ?)`,
      );
      const notice = sqlite.prepare(`insert into notifications (user_id, kind, message_key, params, link, created_at) values (?, 'recall_refund', ?, ?, ?, ?)`);
      let created = 0;
      let cashDue = 0;
      const cancelledOrders: number[] = [];
      const perOrder = new Map<number, { buyerId: number; fen: number; cash: boolean }>();
      for (const l of lines) {
        if (l.payAtPickup === 1 && l.orderStatus === "pending_payment") {
          // Nothing paid. When every line of the order is recalled, the order has nothing left to sell.
          const others = sqlite.prepare(`select count(*) from order_lines where order_id = ? and hold_reason is null`).pluck().get(l.orderId) as number;
          if (others === 0 && !cancelledOrders.includes(l.orderId) && canTransition(l.orderStatus, "cancelled")) {
            transitionOrder(db, l.orderId, "cancelled", "system", { now, note: `recall #${recallId}: every line recalled, nothing paid` });
            cancelledOrders.push(l.orderId);
          }
          continue;
        }
        if (!PAID.includes(l.orderStatus) || !PAID.includes(l.subStatus)) continue;
        const cash = l.payAtPickup === 1;
        if (!cash && !l.paymentIntentId) continue;
        const subtotal = sqlite.prepare(`select subtotal_fen from sub_orders where id = ?`).pluck().get(l.subOrderId) as number;
        const fen = Math.min(l.amountFen, subtotal - refundedFen(db, l.subOrderId));
        if (fen <= 0) continue;
        insert.run(l.subOrderId, fen, `recall #${recallId}`, `recall_${recallId}_line_${l.lineId}`, recallId, l.lineId, cash ? "cash" : "stripe", now);
        created++;
        if (cash) cashDue++;
        const o = perOrder.get(l.orderId) ?? { buyerId: l.buyerId, fen: 0, cash };
        o.fen += fen;
        perOrder.set(l.orderId, o);
      }
      for (const [orderId, o] of perOrder) {
        notice.run(
          o.buyerId,
          o.cash ? "recall.notice.cashRefundDue" : "recall.notice.refunded",
          JSON.stringify({ orderId, amount: (o.fen / 100).toFixed(2) }),
          `/orders/${orderId}`,
          now,
        );
      }
      return { created, cashDue, cancelledOrders };
    })
    .immediate();
}

/**
 * Refunds every recalled line of the recall's lot (see the top of this file). Safe to run again
 * and again: a line is refunded once. Any caller with the right to open a recall, or "system".
 */
export async function refundRecall(db: Db, stripe: Stripe, recallId: number, now = Date.now()): Promise<RecallRefundReport> {
  const sqlite = db.$client;
  const made = insertRefundRows(db, recallId, now);
  const report: RecallRefundReport = { ...made, succeeded: 0, failed: [] };
  const pending = sqlite
    .prepare(
      `select r.id, r.amount_fen as amountFen, r.idempotency_key as idempotencyKey, r.sub_order_id as subOrderId, r.order_line_id as lineId,
              o.id as orderId, o.stripe_payment_intent_id as paymentIntentId
       from refunds r join sub_orders s on s.id = r.sub_order_id join orders o on o.id = s.order_id
       where r.recall_id = ? and r.method = 'stripe' and r.status in ('pending', 'failed')
       order by r.id`,
    )
    .all(recallId) as { id: number; amountFen: number; idempotencyKey: string; subOrderId: number; lineId: number; orderId: number; paymentIntentId: string }[];
  for (const row of pending) {
    let key = row.idempotencyKey;
    const status = sqlite.prepare(`select status from refunds where id = ?`).pluck().get(row.id) as string;
    if (status === "failed") {
      // A failed attempt is retried under a fresh key (Stripe would replay the failure for the old one).
      const attempt = Number(/_(\d+)$/.exec(key.replace(`recall_${recallId}_line_${row.lineId}`, ""))?.[1] ?? 1) + 1;
      key = `recall_${recallId}_line_${row.lineId}_${attempt}`;
      sqlite.prepare(`update refunds set status = 'pending', idempotency_key = ? where id = ? and status = 'failed'`).run(key, row.id);
    }
    let stripeRefund: Stripe.Refund;
    try {
      stripeRefund = await stripe.refunds.create(
        {
          payment_intent: row.paymentIntentId,
          amount: row.amountFen,
          reason: "requested_by_customer",
          metadata: {
            order_id: String(row.orderId),
            sub_order_id: String(row.subOrderId),
            refund_id: String(row.id),
            why: "recall",
            recall_id: String(recallId),
          },
        },
        { idempotencyKey: key },
      );
    } catch (error) {
      sqlite.prepare(`update refunds set status = 'failed' where id = ?`).run(row.id);
      logger.error({ err: error, refundId: row.id, recallId }, "recall refund failed; reconcile retries it");
      report.failed.push({ refundId: row.id, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    completeRefund(db, row.id, stripeRefund.id, "system", "recall", now);
    await reverseProducerShare(db, stripe, row.id);
    report.succeeded++;
  }
  return report;
}

/** Recalls whose lines may still need a refund (open, or closed within 30 days): reconcile runs refundRecall on each. */
export function recallsToRefund(db: Db, now = Date.now()): number[] {
  return db.$client
    .prepare(`select id from recalls where closed_at is null or closed_at > ? order by id`)
    .pluck()
    .all(now - 30 * 86_400_000) as number[];
}

// ─── cash refunds at the point (到站付款) ──────────────────────────────────────

export type CashRefundDue = { refundId: number; orderId: number; amountFen: number; buyerName: string; createdAt: number };

function assertOperator(db: Db, actor: Actor, pointId: number) {
  if (!hasRole(actor, "delivery_operator")) throw new ForbiddenError();
  const ok = db.$client.prepare(`select 1 from delivery_point_operators where delivery_point_id = ? and user_id = ?`).get(pointId, actor.id);
  if (!ok) throw new ForbiddenError();
}

/** Cash refunds due to buyers whose order was paid at this point. The point's operators only. */
export function cashRefundsDue(db: Db, actor: Actor, pointId: number): CashRefundDue[] {
  assertOperator(db, actor, pointId);
  return db.$client
    .prepare(
      `select r.id as refundId, o.id as orderId, r.amount_fen as amountFen, u.display_name as buyerName, r.created_at as createdAt
       from refunds r join sub_orders s on s.id = r.sub_order_id join orders o on o.id = s.order_id join users u on u.id = o.buyer_id
       where r.method = 'cash' and r.status = 'pending' and o.delivery_point_id = ?
       order by r.created_at, r.id`,
    )
    .all(pointId) as CashRefundDue[];
}

/** The operator paid a cash refund out to the buyer: recorded once (who, when), then the sub-order follows. */
export function payOutCashRefund(db: Db, actor: Actor, refundId: number, now = Date.now()): { orderId: number; amountFen: number } {
  const sqlite = db.$client;
  const row = sqlite
    .prepare(
      `select r.id, r.method, r.status, r.amount_fen as amountFen, o.id as orderId, o.delivery_point_id as pointId, o.buyer_id as buyerId
       from refunds r join sub_orders s on s.id = r.sub_order_id join orders o on o.id = s.order_id where r.id = ?`,
    )
    .get(refundId) as { id: number; method: string; status: string; amountFen: number; orderId: number; pointId: number | null; buyerId: number } | undefined;
  if (!row || row.method !== "cash" || row.pointId == null) throw new NotFoundError("refund");
  assertOperator(db, actor, row.pointId);
  sqlite
    .transaction(() => {
      const changed = sqlite
        .prepare(`update refunds set paid_out_by = ?, paid_out_at = ? where id = ? and status = 'pending' and paid_out_at is null`)
        .run(actor.id, now, refundId).changes;
      if (changed !== 1) throw new DomainRuleError("refunds.error.alreadyPaidOut");
      completeRefund(db, refundId, null, actor, "recall", now);
      sqlite
        .prepare(
          `insert into notifications (user_id, kind, message_key, params, link, created_at) values (?, 'recall_refund', 'recall.notice.cashRefunded', ?, ?, ?)`,
        )
        .run(row.buyerId, JSON.stringify({ orderId: row.orderId, amount: (row.amountFen / 100).toFixed(2) }), `/orders/${row.orderId}`, now);
    })
    .immediate();
  return { orderId: row.orderId, amountFen: row.amountFen };
}
