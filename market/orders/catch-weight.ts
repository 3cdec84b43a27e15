/**
 * Catch weight (sold by weight): a whole chicken or a box of fish priced per kg or 斤 whose exact
 * weight is known only at packing. Plain module, no Remix.
 *
 *   checkout   stock is reserved by pieces; the line is charged an ESTIMATE: per piece
 *              round(estimatedPieceWeightG × price per unit ÷ grams per unit), stored as the line's
 *              unit_price_fen (so quantity × unit price is the estimate, as for any line)
 *   payment    the order's PaymentIntent asks for manual capture on cards (capture_method manual);
 *              Alipay / WeChat Pay cannot defer capture, they charge the estimate
 *   weighing   the producer enters the actual weight per line: weighed_total_fen =
 *              min(estimate, estimate × actual ÷ estimated weight) — never above the estimate
 *   final      once every weighed line of the order has a weight: sub-order subtotals (and their
 *              commission / producer share, app/orders/split.ts) follow the weighed amounts, then
 *              card → capture amount_to_capture = new total; already charged → refund the
 *              difference per sub-order (refunds row, reason catch_weight). Producer transfers
 *              wait for this (app/payments/payouts.server.ts), so they follow the captured amount.
 */
import { paidOrPayAtPickupSql } from "./state";
import type { Db } from "../../db/client";
import { canManageProducer, type Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import type { Stripe } from "../payments/stripe";
import { issueOrderInvoices } from "../invoices/invoices";
import { splitSubtotal } from "./split";

/** Reservation of a 到站付款 order: the buyer pays when collecting, so the stock waits longer. */
export const PAY_AT_PICKUP_RESERVATION_MINUTES = 3 * 24 * 60;

/** Grams per pricing unit of a sold-by-weight listing. */
export const GRAMS_PER_UNIT: Record<string, number> = { kg: 1000, jin: 500 };

/** One piece's estimate in fen, from the listing's price per kg / 斤 and estimated piece weight. */
export function estimatePieceFen(listing: { listingId: number; title: string; unit: string; priceFen: number; estimatedPieceWeightG: number | null }): {
  pieceFen: number;
  pieceWeightG: number;
} {
  const grams = GRAMS_PER_UNIT[listing.unit];
  const w = listing.estimatedPieceWeightG;
  if (!grams || !w || !Number.isSafeInteger(w) || w <= 0) throw new DomainRuleError("orders.error.unavailable");
  return { pieceFen: Math.round((w * listing.priceFen) / grams), pieceWeightG: w };
}

/** What a weighed line costs: proportional to the estimate, clamped to it (never charge more than authorised). */
export function weighedTotalFen(estimateFen: number, estimatedWeightG: number, actualWeightG: number): number {
  if (!Number.isSafeInteger(actualWeightG) || actualWeightG <= 0) throw new RangeError("actual weight must be a positive integer of grams");
  if (estimatedWeightG <= 0) return estimateFen;
  return Math.min(estimateFen, Math.round((estimateFen * actualWeightG) / estimatedWeightG));
}

type WeightLine = {
  id: number;
  orderId: number;
  subOrderId: number;
  producerId: number;
  quantity: number;
  unitPriceFen: number;
  estimatedWeightG: number | null;
  actualWeightG: number | null;
  weighedTotalFen: number | null;
};

/** Statuses in which the producer may still weigh (paid, or a 到站付款 order not yet paid). */
const WEIGHABLE = new Set(["pending_payment", "paid", "in_fulfilment"]);

/**
 * Records the actual weight of one sold-by-weight line (the producer, at packing). Re-weighing is
 * allowed until the order is finalised. Returns whether the order became fully weighed.
 */
export function recordActualWeight(
  db: Db,
  actor: Actor,
  lineId: number,
  actualWeightG: number,
  now = Date.now(),
): { weighedTotalFen: number; estimateFen: number; allWeighed: boolean } {
  if (!Number.isSafeInteger(actualWeightG) || actualWeightG <= 0 || actualWeightG > 1_000_000) throw new DomainRuleError("fulfilment.error.weight");
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const line = sqlite
        .prepare(
          `select ol.id, ol.order_id as orderId, ol.sub_order_id as subOrderId, ol.producer_id as producerId, ol.quantity,
                  ol.unit_price_fen as unitPriceFen, ol.estimated_weight_g as estimatedWeightG, ol.actual_weight_g as actualWeightG,
                  ol.weighed_total_fen as weighedTotalFen, o.status, o.pay_at_pickup as payAtPickup
           from order_lines ol join orders o on o.id = ol.order_id where ol.id = ? and ol.sold_by_weight = 1`,
        )
        .get(lineId) as (WeightLine & { status: string; payAtPickup: number }) | undefined;
      if (!line) throw new NotFoundError("order line");
      if (!canManageProducer(actor, line.producerId)) throw new ForbiddenError();
      if (!WEIGHABLE.has(line.status) || (line.status === "pending_payment" && !line.payAtPickup)) throw new DomainRuleError("fulfilment.error.notWeighable");
      if (isOrderFinalised(db, line.orderId)) throw new DomainRuleError("fulfilment.error.alreadyFinal");
      const estimateFen = line.quantity * line.unitPriceFen;
      const total = weighedTotalFen(estimateFen, line.estimatedWeightG ?? 0, actualWeightG);
      sqlite.prepare(`update order_lines set actual_weight_g = ?, weighed_total_fen = ? where id = ?`).run(actualWeightG, total, lineId);
      void now;
      return { weighedTotalFen: total, estimateFen, allWeighed: unweighedLines(db, line.orderId) === 0 };
    })
    .immediate();
}

export function unweighedLines(db: Db, orderId: number): number {
  return db.$client
    .prepare(`select count(*) from order_lines where order_id = ? and sold_by_weight = 1 and weighed_total_fen is null`)
    .pluck()
    .get(orderId) as number;
}

/** Finalised = a catch_weight settlement was recorded in the history (capture or refund done). */
export function isOrderFinalised(db: Db, orderId: number): boolean {
  return db.$client.prepare(`select 1 from order_status_history where order_id = ? and note like 'catch weight final%' limit 1`).get(orderId) !== undefined;
}

export type CatchWeightFinal = {
  orderId: number;
  estimateFen: number;
  finalFen: number;
  action: "captured" | "refunded" | "none" | "pay_at_pickup";
  refunds: { subOrderId: number; amountFen: number; stripeRefundId: string }[];
};

/**
 * Settles a fully weighed order: new split per sub-order, then capture (card) or refund of the
 * difference (Alipay / WeChat Pay), idempotent (Stripe idempotency keys per order / sub-order, and
 * a history note marks it done). Throws if a weighed line is still missing.
 */
export async function finalizeCatchWeight(db: Db, stripe: Stripe, orderId: number, now = Date.now()): Promise<CatchWeightFinal> {
  const sqlite = db.$client;
  const order = sqlite
    .prepare(
      `select id, status, total_fen as totalFen, commission_bp as commissionBp, capture_method as captureMethod,
              pay_at_pickup as payAtPickup, stripe_payment_intent_id as pi from orders where id = ?`,
    )
    .get(orderId) as
    | { id: number; status: string; totalFen: number; commissionBp: number | null; captureMethod: string | null; payAtPickup: number; pi: string | null }
    | undefined;
  if (!order) throw new NotFoundError("order");
  if (unweighedLines(db, orderId) > 0) throw new DomainRuleError("fulfilment.error.notAllWeighed");
  const subs = sqlite.prepare(`select id, subtotal_fen as subtotalFen from sub_orders where order_id = ? order by id`).all(orderId) as {
    id: number;
    subtotalFen: number;
  }[];
  const newSubtotal = (subId: number) =>
    sqlite
      .prepare(
        `select coalesce(sum(case when sold_by_weight = 1 then weighed_total_fen else quantity * unit_price_fen end), 0) from order_lines where sub_order_id = ?`,
      )
      .pluck()
      .get(subId) as number;
  const estimateFen = subs.reduce((s, x) => s + x.subtotalFen, 0);
  if (isOrderFinalised(db, orderId)) return { orderId, estimateFen: order.totalFen, finalFen: order.totalFen, action: "none", refunds: [] };

  const plan = subs.map((s) => ({ ...s, finalFen: newSubtotal(s.id) }));
  const finalFen = plan.reduce((s, x) => s + x.finalFen, 0);
  const bp = order.commissionBp ?? 0;

  // Stripe first (idempotent keys: a retry after a crash repeats the same request), then the database.
  let action: CatchWeightFinal["action"];
  const refunds: CatchWeightFinal["refunds"] = [];
  if (order.payAtPickup) {
    action = "pay_at_pickup"; // the operator collects the weighed total; nothing at Stripe
  } else {
    if (!order.pi || !["paid", "in_fulfilment", "ready_for_pickup"].includes(order.status)) throw new DomainRuleError("fulfilment.error.notWeighable");
    if (order.captureMethod === "manual") {
      await stripe.paymentIntents.capture(order.pi, { amount_to_capture: finalFen }, { idempotencyKey: `capture_order_${orderId}` });
      action = "captured";
    } else {
      action = "refunded";
      for (const p of plan) {
        const diff = p.subtotalFen - p.finalFen;
        if (diff <= 0) continue;
        const key = `catch_weight_sub_${p.id}`;
        sqlite
          .prepare(
            `insert or ignore into refunds (sub_order_id, amount_fen, reason, note, idempotency_key, status, created_at) values (?, ?, 'catch_weight', ?, ?, 'pending', ?)`,
          )
          .run(p.id, diff, `estimate ${p.subtotalFen}, weighed ${p.finalFen}`, key, now);
        const refund = await stripe.refunds.create(
          { payment_intent: order.pi, amount: diff, metadata: { order_id: String(orderId), sub_order_id: String(p.id), why: "catch_weight" } },
          { idempotencyKey: key },
        );
        sqlite.prepare(`update refunds set stripe_refund_id = ?, status = 'succeeded' where idempotency_key = ?`).run(refund.id, key);
        refunds.push({ subOrderId: p.id, amountFen: diff, stripeRefundId: refund.id });
      }
    }
  }

  sqlite
    .transaction(() => {
      for (const p of plan) {
        const split = splitSubtotal(p.finalFen, bp);
        sqlite
          .prepare(`update sub_orders set subtotal_fen = ?, commission_fen = ?, producer_share_fen = ? where id = ? and stripe_transfer_id is null`)
          .run(split.subtotalFen, split.commissionFen, split.producerShareFen, p.id);
      }
      sqlite.prepare(`update orders set total_fen = ? where id = ?`).run(finalFen, orderId);
      sqlite
        .prepare(`insert into order_status_history (order_id, from_status, to_status, source, note, at) values (?, ?, ?, 'system', ?, ?)`)
        .run(orderId, order.status, order.status, `catch weight final: ${action}, estimate ${estimateFen} → ${finalFen} fen`, now);
    })
    .immediate();
  // The invoices can be issued now that the amounts are final (they wait for the weighing).
  issueOrderInvoices(db, orderId, now);
  return { orderId, estimateFen, finalFen, action, refunds };
}

/** Weight lines of sub-orders the actor's producers own, for the weigh forms in /farm/orders. */
export function listWeightLines(db: Db, producerIds: readonly number[]) {
  if (producerIds.length === 0) return [];
  return db.$client
    .prepare(
      `select ol.id, ol.sub_order_id as subOrderId, ol.order_id as orderId, l.title, l.unit, ol.quantity, ol.estimated_weight_g as estimatedWeightG,
              ol.actual_weight_g as actualWeightG, ol.quantity * ol.unit_price_fen as estimateFen, ol.weighed_total_fen as weighedTotalFen
       from order_lines ol join listings l on l.id = ol.listing_id join orders o on o.id = ol.order_id
       where ol.sold_by_weight = 1 and ol.producer_id in (${producerIds.map(() => "?").join(",")})
         and ${paidOrPayAtPickupSql()}
       order by ol.order_id desc, ol.id`,
    )
    .all(...producerIds) as {
    id: number;
    subOrderId: number;
    orderId: number;
    title: string;
    unit: string;
    quantity: number;
    estimatedWeightG: number | null;
    actualWeightG: number | null;
    estimateFen: number;
    weighedTotalFen: number | null;
  }[];
}
