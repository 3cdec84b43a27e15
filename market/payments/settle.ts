/**
 * What a payment's outcome does to its order — one function for the webhook and for reconcile,
 * so a missed webhook repaired by reconcile ends exactly where the webhook would have.
 * Plain module, no Remix.
 *
 *   succeeded, order pending_payment → paid (one transaction with the webhook-event row), then,
 *                                      after commit, the producers' transfers (retried by reconcile)
 *   succeeded, order cancelled       → the reservation had expired and the stock was released:
 *                                      the payment is refunded in full (cancelled → refunded)
 *   failed / canceled, pending       → cancelled, stock released
 *   anything else                    → nothing (already settled, or not ours)
 *
 * An event binds to an order only through the PaymentIntent id that order created and stored
 * (createPaymentIntent). The intent's metadata.order_id is never trusted: anyone can create an
 * intent with any metadata, so an unknown intent id settles nothing. Pay-at-pickup (到站付款)
 * orders are paid in cash at the point and never by an event; an authorisation
 * (amount_capturable_updated / requires_capture) moves only a manual-capture (catch weight) order,
 * since an automatic-capture intent is never captured later.
 */
import type { Db } from "../../db/client";
import type { OrderEventSource, OrderStatus } from "../../db/schema";
import { cancelUnpaidOrder, getOrderRow, transitionOrder } from "../orders/orders";
import { issueOrderInvoices } from "../invoices/invoices";
import { logger } from "../../core/logger";
import { payoutOrder, type PayoutResult } from "./payouts";
import type { Stripe } from "./stripe";

/** authorised: a manual-capture card payment awaiting capture (catch weight) — the order is paid. */
export type PaymentOutcome = "succeeded" | "authorised" | "failed" | "none";

/** From a PaymentIntent's status (reconcile). requires_payment_method is "not yet": expiry handles it. */
export function outcomeOfIntentStatus(status: string): PaymentOutcome {
  if (status === "succeeded") return "succeeded";
  if (status === "requires_capture") return "authorised";
  if (status === "canceled") return "failed";
  return "none";
}

/** From a webhook event type. */
export function outcomeOfEventType(type: string): PaymentOutcome {
  if (type === "payment_intent.succeeded") return "succeeded";
  if (type === "payment_intent.amount_capturable_updated") return "authorised";
  if (type === "payment_intent.payment_failed" || type === "payment_intent.canceled") return "failed";
  return "none";
}

export type SettleInput = {
  paymentIntentId: string;
  /** The intent's amount and currency, checked against the order before it is marked paid. */
  amount?: number | null;
  currency?: string | null;
  outcome: PaymentOutcome;
  source: Extract<OrderEventSource, "webhook" | "reconcile">;
  /** The webhook event: recorded in the same transaction, so a replay changes nothing. */
  stripeEvent?: { id: string; type: string } | null;
  now?: number;
};

/** refused: the event names a stored intent but cannot settle that order (pay at pickup; authorisation of an automatic-capture order). */
export type SettleAction = "paid" | "cancelled" | "refund_late_payment" | "amount_mismatch" | "refused" | "none";
export type SettleResult = { duplicate: boolean; orderId: number | null; action: SettleAction; from: OrderStatus | null };

/** The database half: one IMMEDIATE transaction. No Stripe calls. */
export function applyPaymentOutcome(db: Db, input: SettleInput): SettleResult {
  const sqlite = db.$client;
  const now = input.now ?? Date.now();
  return sqlite
    .transaction((): SettleResult => {
      const match = sqlite
        .prepare(`select id, pay_at_pickup as payAtPickup, capture_method as captureMethod from orders where stripe_payment_intent_id = ?`)
        .get(input.paymentIntentId) as { id: number; payAtPickup: number; captureMethod: string | null } | undefined;
      const order = match?.id ?? null;
      if (input.stripeEvent) {
        const fresh = sqlite
          .prepare(`insert or ignore into stripe_webhook_events (id, type, order_id, received_at, processed_at) values (?, ?, ?, ?, ?)`)
          .run(input.stripeEvent.id, input.stripeEvent.type, order, now, now).changes;
        if (fresh === 0) return { duplicate: true, orderId: order, action: "none", from: null };
      }
      if (match === undefined || order === null) return { duplicate: false, orderId: null, action: "none", from: null };
      const row = getOrderRow(db, order)!;
      const opts = { stripeEventId: input.stripeEvent?.id ?? null, now };
      const refusal = match.payAtPickup
        ? "pay-at-pickup order: paid in cash at the point, not by a payment event"
        : input.outcome === "authorised" && match.captureMethod !== "manual"
          ? "authorisation of an automatic-capture order: it is never captured, so it does not pay the order"
          : null;
      if (refusal !== null) {
        // Left as it is, with a note the admin can see on the order's timeline.
        sqlite
          .prepare(`insert into order_status_history (order_id, from_status, to_status, source, stripe_event_id, note, at) values (?, ?, ?, ?, ?, ?, ?)`)
          .run(order, row.status, row.status, input.source, opts.stripeEventId, `ignored ${input.stripeEvent?.type ?? input.outcome}: ${refusal}`, now);
        return { duplicate: false, orderId: order, action: "refused", from: row.status };
      }
      if (input.outcome === "succeeded" || input.outcome === "authorised") {
        // Catch weight: a payment that succeeded outright (Alipay / WeChat Pay) charged the estimate;
        // the difference is refunded after weighing instead of captured (catch-weight.server.ts).
        if (input.outcome === "succeeded")
          sqlite.prepare(`update orders set capture_method = 'automatic' where id = ? and capture_method = 'manual'`).run(order);
        if (row.status === "pending_payment") {
          if ((input.amount != null && input.amount !== row.totalFen) || (input.currency != null && input.currency.toLowerCase() !== "cny")) {
            // Never mark an order paid for a different amount; the admin looks at it (history note).
            sqlite
              .prepare(`insert into order_status_history (order_id, from_status, to_status, source, stripe_event_id, note, at) values (?, ?, ?, ?, ?, ?, ?)`)
              .run(order, row.status, row.status, input.source, opts.stripeEventId, `amount mismatch: ${input.amount} ${input.currency}`, now);
            return { duplicate: false, orderId: order, action: "amount_mismatch", from: row.status };
          }
          transitionOrder(db, order, "paid", input.source, opts);
          return { duplicate: false, orderId: order, action: "paid", from: row.status };
        }
        if (row.status === "cancelled") return { duplicate: false, orderId: order, action: "refund_late_payment", from: row.status };
        return { duplicate: false, orderId: order, action: "none", from: row.status };
      }
      if (input.outcome === "failed" && row.status === "pending_payment") {
        cancelUnpaidOrder(db, order, input.source, { ...opts, note: "payment failed or cancelled" });
        return { duplicate: false, orderId: order, action: "cancelled", from: row.status };
      }
      return { duplicate: false, orderId: order, action: "none", from: row.status };
    })
    .immediate();
}

/** Refunds a payment that arrived for an order already cancelled, then marks it refunded. */
export async function refundLatePayment(db: Db, stripe: Stripe, orderId: number, paymentIntentId: string, source: SettleInput["source"], now = Date.now()) {
  const refund = await stripe.refunds.create(
    { payment_intent: paymentIntentId, reason: "requested_by_customer", metadata: { order_id: String(orderId), why: "reservation_expired" } },
    { idempotencyKey: `refund_late_order_${orderId}` },
  );
  transitionOrder(db, orderId, "refunded", source, { now, note: `late payment refunded (${refund.id})` });
  return refund.id;
}

export type SettleOutcome = SettleResult & { payout?: PayoutResult; refundId?: string };

/** Both halves: the transaction, then (after commit) the Stripe calls it calls for. */
export async function settlePayment(db: Db, stripe: Stripe, input: SettleInput): Promise<SettleOutcome> {
  const result = applyPaymentOutcome(db, input);
  if (result.duplicate || result.orderId === null) return result;
  if (result.action === "paid") {
    // Invoices (W2): after the commit, idempotent; a failure must not lose the payment's webhook.
    try {
      issueOrderInvoices(db, result.orderId, input.now);
    } catch (e) {
      // Safe to call again: reconcile issues the invoices of paid sub-orders that have none.
      logger.error({ err: e, orderId: result.orderId }, "invoice issue failed");
    }
    // Failures stay recorded as sub-orders without transfer id; reconcile retries them.
    return { ...result, payout: await payoutOrder(db, stripe, result.orderId, input.now) };
  }
  if (result.action === "refund_late_payment" && input.outcome === "authorised") {
    // A card authorisation (catch weight) for an order already cancelled: nothing was captured, so
    // the authorisation is released instead of refunded; the order stays cancelled.
    await stripe.paymentIntents.cancel(input.paymentIntentId, {}, { idempotencyKey: `cancel_late_auth_${result.orderId}` });
    return result;
  }
  if (result.action === "refund_late_payment") {
    return { ...result, refundId: await refundLatePayment(db, stripe, result.orderId, input.paymentIntentId, input.source, input.now) };
  }
  return result;
}
