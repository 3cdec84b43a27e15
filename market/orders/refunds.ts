/**
 * Refunds of (part of) a sub-order through Stripe, recorded with who asked and why.
 * Plain module, no Remix.
 *
 * Order of work, so that money is never refunded twice nor lost track of:
 *   1. one IMMEDIATE transaction: check the amount against what is left refundable (subtotal minus
 *      every pending or succeeded refund) and insert a `pending` refund row with its own
 *      idempotency key — a concurrent refund sees that row and cannot overdraw;
 *   2. after commit: stripe.refunds.create(payment_intent, amount) with that key;
 *   3. the row becomes `succeeded` (with Stripe's id) or `failed` (and no longer counts).
 * When every sub-order of the order is refunded in full, the order moves to `refunded`
 * through the state machine.
 */
import { randomUUID } from "node:crypto";
import { logger } from "../../core/logger";
import type { Db } from "../../db/client";
import { hasRole, type Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import type { Stripe } from "../payments/stripe";
import { shipping } from "./shipping";
import { recomputeProducerCredit } from "../credit/credit";
import { transitionOrder } from "./orders";
import { voidInputStockOf } from "../inputs/stock";
import { canTransition, type OrderStatus } from "./state";

export type RefundReason = "dispute" | "catch_weight" | "cancelled" | "goodwill" | "recall" | "other";
/** A platform admin, or the platform itself (catch weight, a dispute decision already authorised). */
export type RefundActor = Actor | "system";

/** Statuses in which the buyer's money is with us and may be (partly) given back. */
const REFUNDABLE: readonly OrderStatus[] = ["paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed"];

type SubOrderForRefund = {
  id: number;
  orderId: number;
  status: OrderStatus;
  subtotalFen: number;
  paymentIntentId: string | null;
  payAtPickup: number;
};

function getSubOrderForRefund(db: Db, subOrderId: number): SubOrderForRefund | null {
  return (
    (db.$client
      .prepare(
        `select s.id, s.order_id as orderId, s.status, s.subtotal_fen as subtotalFen,
                o.stripe_payment_intent_id as paymentIntentId, o.pay_at_pickup as payAtPickup
         from sub_orders s join orders o on o.id = s.order_id where s.id = ?`,
      )
      .get(subOrderId) as SubOrderForRefund | undefined) ?? null
  );
}

/**
 * Catch-weight refunds are left out: settling a weighed order already lowers the sub-order's
 * subtotal to what was finally charged, so counting them again would refund less than is due.
 */
const COUNTS_AGAINST_SUBTOTAL = "reason != 'catch_weight'";

/** Fen refunded or being refunded (pending rows count: they may still succeed). */

export function refundedFen(db: Db, subOrderId: number): number {
  return db.$client
    .prepare(`select coalesce(sum(amount_fen), 0) from refunds where sub_order_id = ? and status in ('pending', 'succeeded') and ${COUNTS_AGAINST_SUBTOTAL}`)
    .pluck()
    .get(subOrderId) as number;
}

/** What may still be refunded on a sub-order, in fen. */
export function refundableFen(db: Db, subOrderId: number): number {
  const sub = getSubOrderForRefund(db, subOrderId);
  if (!sub) return 0;
  return Math.max(0, sub.subtotalFen - refundedFen(db, subOrderId));
}

export type RefundRow = {
  id: number;
  subOrderId: number;
  amountFen: number;
  reason: RefundReason;
  note: string;
  requestedBy: number | null;
  disputeId: number | null;
  stripeRefundId: string | null;
  status: "pending" | "succeeded" | "failed";
  createdAt: number;
};

export function listRefunds(db: Db, subOrderId: number): RefundRow[] {
  return db.$client
    .prepare(
      `select id, sub_order_id as subOrderId, amount_fen as amountFen, reason, note, requested_by as requestedBy, dispute_id as disputeId,
              stripe_refund_id as stripeRefundId, status, created_at as createdAt
       from refunds where sub_order_id = ? order by id`,
    )
    .all(subOrderId) as RefundRow[];
}

export type RefundOptions = { disputeId?: number | null; now?: number };
export type RefundResult = { refundId: number; stripeRefundId: string; subOrderRefunded: boolean; orderRefunded: boolean };

/**
 * Refunds `amountFen` of a sub-order. Platform admins only, or "system" (catch weight, dispute
 * decisions made by an admin). Throws DomainRuleError for amounts that are not a positive whole
 * number of fen or exceed what is left, and for orders that were not paid through Stripe.
 */
export async function refundSubOrder(
  db: Db,
  stripe: Stripe,
  actor: RefundActor,
  subOrderId: number,
  amountFen: number,
  reason: RefundReason,
  note = "",
  options: RefundOptions = {},
): Promise<RefundResult> {
  if (actor !== "system" && !hasRole(actor, "platform_admin")) throw new ForbiddenError();
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new DomainRuleError("refunds.error.amount");
  const sqlite = db.$client;
  const now = options.now ?? Date.now();
  const idempotencyKey = `refund_${subOrderId}_${randomUUID()}`;

  const pending = sqlite
    .transaction(() => {
      const sub = getSubOrderForRefund(db, subOrderId);
      if (!sub) throw new NotFoundError("sub_order");
      if (!REFUNDABLE.includes(sub.status)) throw new DomainRuleError("refunds.error.notRefundable");
      if (!sub.paymentIntentId || sub.payAtPickup) throw new DomainRuleError("refunds.error.noPayment");
      if (amountFen > sub.subtotalFen - refundedFen(db, subOrderId)) throw new DomainRuleError("refunds.error.tooMuch");
      const id = Number(
        sqlite
          .prepare(
            `insert into refunds (sub_order_id, amount_fen, reason, note, requested_by, dispute_id, idempotency_key, status, created_at)
             values (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
          )
          .run(subOrderId, amountFen, reason, note, actor === "system" ? null : actor.id, options.disputeId ?? null, idempotencyKey, now).lastInsertRowid,
      );
      return { id, sub };
    })
    .immediate();

  let stripeRefund: Stripe.Refund;
  try {
    stripeRefund = await stripe.refunds.create(
      {
        payment_intent: pending.sub.paymentIntentId!,
        amount: amountFen,
        reason: "requested_by_customer",
        metadata: { order_id: String(pending.sub.orderId), sub_order_id: String(subOrderId), refund_id: String(pending.id), why: reason },
      },
      { idempotencyKey },
    );
  } catch (error) {
    // Not refunded: the row stops counting against what is left, and the caller sees the error.
    sqlite.prepare(`update refunds set status = 'failed' where id = ?`).run(pending.id);
    throw error;
  }

  const result = completeRefund(db, pending.id, stripeRefund.id, actor, reason, now);
  await reverseProducerShare(db, stripe, pending.id);
  return result;
}

/**
 * A pending refund went through (Stripe answered, or the cash was paid out at the point): the row
 * becomes `succeeded`, and a sub-order refunded in full leaves the order (its parcels not yet
 * handed out are cancelled), the order following when every sub-order is refunded. Idempotent:
 * a row already succeeded changes nothing.
 */
export function completeRefund(
  db: Db,
  refundId: number,
  stripeRefundId: string | null,
  actor: RefundActor,
  reason: RefundReason,
  now = Date.now(),
): RefundResult {
  const sqlite = db.$client;
  const subOrderId = sqlite.prepare(`select sub_order_id from refunds where id = ?`).pluck().get(refundId) as number;
  return sqlite
    .transaction((): RefundResult => {
      const changed = sqlite
        .prepare(`update refunds set status = 'succeeded', stripe_refund_id = coalesce(?, stripe_refund_id) where id = ? and status != 'succeeded'`)
        .run(stripeRefundId, refundId).changes;
      // The buyer hears of it (the order page lists it with the refunded total); a recall tells its buyers once per order itself.
      if (changed === 1 && reason !== "recall") {
        const r = sqlite
          .prepare(
            `select o.id as orderId, o.buyer_id as buyerId, f.amount_fen as amountFen from refunds f join sub_orders s on s.id = f.sub_order_id join orders o on o.id = s.order_id where f.id = ?`,
          )
          .get(refundId) as { orderId: number; buyerId: number; amountFen: number };
        sqlite
          .prepare(`insert into notifications (user_id, kind, message_key, params, link, created_at) values (?, 'refund', 'notices.refunded', ?, ?, ?)`)
          .run(r.buyerId, JSON.stringify({ order: r.orderId, amount: (r.amountFen / 100).toFixed(2) }), `/orders/${r.orderId}`, now);
      }
      // A recall refunds one order line: an input bought on it leaves the farm's usable stock with the money.
      const refundedLine = sqlite.prepare(`select order_line_id from refunds where id = ?`).pluck().get(refundId) as number | null;
      if (changed === 1 && refundedLine !== null) voidInputStockOf(sqlite, { orderLineId: refundedLine }, now);
      const refunded = sqlite
        .prepare(`select coalesce(sum(amount_fen), 0) from refunds where sub_order_id = ? and status = 'succeeded' and ${COUNTS_AGAINST_SUBTOTAL}`)
        .pluck()
        .get(subOrderId) as number;
      const sub = getSubOrderForRefund(db, subOrderId)!;
      let subOrderRefunded = false;
      let orderRefunded = false;
      if (refunded >= sub.subtotalFen && sub.status !== "refunded") {
        // Sub-order level: it leaves the order's status moves (transitionOrder moves sub-orders by `from`).
        sqlite.prepare(`update sub_orders set status = 'refunded' where id = ?`).run(subOrderId);
        // Its parcels: cancelled while still at the producer, flagged for return (keeping their slot) once dispatched.
        shipping().stopParcels(sqlite, { subOrderId }, now, actor === "system" ? null : actor.id);
        subOrderRefunded = true;
        voidInputStockOf(sqlite, { subOrderId }, now);
        const left = sqlite.prepare(`select count(*) from sub_orders where order_id = ? and status != 'refunded'`).pluck().get(sub.orderId) as number;
        const orderStatus = sqlite.prepare(`select status from orders where id = ?`).pluck().get(sub.orderId) as OrderStatus;
        if (left === 0 && canTransition(orderStatus, "refunded")) {
          transitionOrder(db, sub.orderId, "refunded", actor === "system" ? "system" : "admin", {
            actorUserId: actor === "system" ? null : actor.id,
            note: `refunded in full (${reason})`,
            now,
          });
          orderRefunded = true;
        }
      }
      // The refunded share of sales is part of the producer's credit score. A recall refunds one
      // line at a time and is counted as a recall, not here: the trigger marks the score stale instead.
      if (changed === 1 && reason !== "recall")
        recomputeProducerCredit(db, sqlite.prepare(`select producer_id from sub_orders where id = ?`).pluck().get(subOrderId) as number, now);
      return { refundId, stripeRefundId: stripeRefundId ?? "", subOrderRefunded, orderRefunded };
    })
    .immediate();
}

/**
 * The producer's part of a refund is taken back from the transfer it was paid, pro rata to its
 * share of the sub-order (the platform keeps refunding its commission part). Idempotent per refund;
 * a sub-order not yet paid out (no transfer) has nothing to reverse. A Stripe failure is logged and
 * left for a retry: the refund itself already stands.
 */
export async function reverseProducerShare(db: Db, stripe: Stripe, refundId: number): Promise<number> {
  const row = db.$client
    .prepare(
      `select r.amount_fen as amountFen, r.reason, r.stripe_transfer_reversal_id as reversalId, s.stripe_transfer_id as transferId,
              s.subtotal_fen as subtotalFen, s.producer_share_fen as shareFen
       from refunds r join sub_orders s on s.id = r.sub_order_id where r.id = ? and r.status = 'succeeded'`,
    )
    .get(refundId) as
    { amountFen: number; reason: RefundReason; reversalId: string | null; transferId: string | null; subtotalFen: number; shareFen: number } | undefined;
  // Catch-weight refunds happen before any payout, which already follows the weighed amount.
  if (!row || row.reversalId || !row.transferId || row.reason === "catch_weight" || row.subtotalFen <= 0) return 0;
  const reversedFen = Math.floor((row.amountFen * row.shareFen) / row.subtotalFen);
  if (reversedFen <= 0) return 0;
  try {
    const reversal = await stripe.transfers.createReversal(
      row.transferId,
      { amount: reversedFen, metadata: { refund_id: String(refundId) } },
      { idempotencyKey: `reversal_${refundId}` },
    );
    db.$client.prepare(`update refunds set reversed_fen = ?, stripe_transfer_reversal_id = ? where id = ?`).run(reversedFen, reversal.id, refundId);
    return reversedFen;
  } catch (error) {
    logger.error({ err: error, refundId }, "transfer reversal failed; retry with reverseProducerShare");
    return 0;
  }
}
