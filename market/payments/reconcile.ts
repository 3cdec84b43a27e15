/**
 * `npm run payments:reconcile` (scripts/payments-reconcile.ts): repairs what missed webhooks and
 * crashes leave behind, by asking Stripe. Safe to run any time, as often as wanted (every step is
 * idempotent). Plain module, no Remix.
 *
 *   1. pending_payment orders with a PaymentIntent → paymentIntents.retrieve → the same
 *      settlement as the webhook (settle.server.ts): succeeded → paid (+ transfers),
 *      canceled → cancelled and stock released. This runs BEFORE expiry, so an order paid just
 *      before its reservation ran out is kept, not cancelled.
 *   2. reservations past reserved_until → cancelled, stock released; their intents are cancelled
 *      at Stripe (best effort: a payment that still succeeds is refunded, see settle.server.ts).
 *   3. recently cancelled orders with an intent: a payment that succeeded anyway → refunded.
 *   4. verified producers without a connected account → accounts created.
 *   5. paid orders with shares not transferred → transfers retried (idempotent per sub-order).
 *   6. refunds whose producer part was not reversed from its transfer → reversal retried.
 *   7. orders picked up more than 7 days ago with no dispute pending → completed.
 *   8. recalls (open, or closed within 30 days): recalled lines without a refund → refunded, failed
 *      recall refunds retried (market/orders/recall-refunds.ts; one refund per recall × line).
 *      Runs before 4–6 so that a sub-order refunded in full is not paid out.
 *   9. paid sub-orders whose invoice was not issued (a stop right after the payment) → issued.
 */
import { issueMissingInvoices } from "../invoices/invoices";
import type { Db } from "../../db/client";
import { expireReservations } from "../orders/orders";
import { ensureConnectedAccounts, ordersWithPendingTransfers, payoutOrder } from "./payouts";
import { outcomeOfIntentStatus, refundLatePayment, settlePayment, type SettleAction } from "./settle";
import { completeOrdersPastDisputeWindow } from "../orders/disputes";
import { reverseProducerShare } from "../orders/refunds";
import { recallsToRefund, refundRecall } from "../orders/recall-refunds";
import type { Stripe } from "./stripe";

export type ReconcileReport = {
  checked: number;
  settled: { orderId: number; paymentIntentId: string; stripeStatus: string; action: SettleAction }[];
  expired: number[];
  lateRefunds: number[];
  accountsCreated: number;
  transfers: number;
  /** Fen taken back from producers' transfers for refunds made earlier. */
  reversedFen: number;
  /** Orders moved to completed: picked up more than 7 days ago, no dispute pending. */
  completed: number[];
  /** Invoices issued for paid sub-orders that had none. */
  invoicesIssued: number;
  /** Recall refunds that went through in this run. */
  recallRefunds: number;
  transferFailures: { orderId: number; subOrderId: number; error: string }[];
  errors: { orderId: number; error: string }[];
};

const LATE_PAYMENT_WINDOW_MS = 7 * 86_400_000;

export type ReconcileOptions = {
  now?: number;
  /**
   * How to read an intent; default stripe.paymentIntents.retrieve. Tests wrap the real call to
   * stripe-mock, which answers every intent with status requires_payment_method.
   */
  retrieveIntent?: (id: string) => Promise<Stripe.PaymentIntent>;
};

export async function reconcilePayments(db: Db, stripe: Stripe, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const now = options.now ?? Date.now();
  const retrieve = options.retrieveIntent ?? ((id: string) => stripe.paymentIntents.retrieve(id));
  const sqlite = db.$client;
  const report: ReconcileReport = {
    checked: 0,
    settled: [],
    expired: [],
    lateRefunds: [],
    accountsCreated: 0,
    transfers: 0,
    reversedFen: 0,
    completed: [],
    invoicesIssued: 0,
    recallRefunds: 0,
    transferFailures: [],
    errors: [],
  };

  // 1. missed webhooks
  const pending = sqlite
    .prepare(`select id, stripe_payment_intent_id as pi from orders where status = 'pending_payment' and stripe_payment_intent_id is not null order by id`)
    .all() as { id: number; pi: string }[];
  for (const o of pending) {
    report.checked++;
    try {
      const intent = await retrieve(o.pi);
      const result = await settlePayment(db, stripe, {
        paymentIntentId: intent.id,
        amount: intent.status === "succeeded" ? intent.amount_received || intent.amount : null,
        currency: intent.currency,
        outcome: outcomeOfIntentStatus(intent.status),
        source: "reconcile",
        now,
      });
      report.settled.push({ orderId: o.id, paymentIntentId: intent.id, stripeStatus: intent.status, action: result.action });
      for (const f of result.payout?.failed ?? []) report.transferFailures.push({ orderId: o.id, ...f });
      report.transfers += result.payout?.transferred.length ?? 0;
    } catch (e) {
      report.errors.push({ orderId: o.id, error: e instanceof Error ? e.message : String(e) });
    }
  }

  // 2. expired reservations
  for (const o of expireReservations(db, now)) {
    report.expired.push(o.orderId);
    if (o.paymentIntentId) {
      await stripe.paymentIntents.cancel(o.paymentIntentId).catch(() => undefined);
    }
  }

  // 3. payments that succeeded after their order was cancelled
  const cancelled = sqlite
    .prepare(
      `select id, stripe_payment_intent_id as pi from orders
       where status = 'cancelled' and stripe_payment_intent_id is not null and cancelled_at >= ? order by id`,
    )
    .all(now - LATE_PAYMENT_WINDOW_MS) as { id: number; pi: string }[];
  for (const o of cancelled) {
    try {
      const intent = await retrieve(o.pi);
      if (intent.status === "succeeded") {
        await refundLatePayment(db, stripe, o.id, o.pi, "reconcile", now);
        report.lateRefunds.push(o.id);
      }
    } catch (e) {
      report.errors.push({ orderId: o.id, error: e instanceof Error ? e.message : String(e) });
    }
  }

  // 8. recall refunds (before payouts: a sub-order refunded in full is no longer payable)
  for (const recallId of recallsToRefund(db, now)) {
    try {
      const r = await refundRecall(db, stripe, recallId, now);
      report.recallRefunds += r.succeeded;
    } catch (e) {
      report.errors.push({ orderId: 0, error: `recall #${recallId}: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  // 4. connected accounts, 5. owed transfers
  report.accountsCreated = await ensureConnectedAccounts(db, stripe).catch(() => 0);
  for (const orderId of ordersWithPendingTransfers(db)) {
    const payout = await payoutOrder(db, stripe, orderId, now);
    report.transfers += payout.transferred.length;
    for (const f of payout.failed) report.transferFailures.push({ orderId, ...f });
  }
  // 6. refunds whose producer part was not yet taken back from its transfer
  const unreversed = db.$client
    .prepare(
      `select r.id from refunds r join sub_orders s on s.id = r.sub_order_id
       where r.status = 'succeeded' and r.stripe_transfer_reversal_id is null and r.reason != 'catch_weight'
         and s.stripe_transfer_id is not null`,
    )
    .pluck()
    .all() as number[];
  for (const refundId of unreversed) report.reversedFen += await reverseProducerShare(db, stripe, refundId);
  // 7. picked up, dispute window passed, nothing in dispute → completed
  report.completed = completeOrdersPastDisputeWindow(db, now);
  // 9. invoices due but missing
  report.invoicesIssued = issueMissingInvoices(db, now).length;
  return report;
}
