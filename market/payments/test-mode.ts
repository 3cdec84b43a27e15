/**
 * TEST-MODE payment, for development and tests against stripe-mock only. Plain module, no Remix.
 *
 * stripe-mock has no payment page, no Stripe.js and never delivers webhooks; its PaymentIntents
 * always stay requires_payment_method. So "paying" in test mode does what `stripe trigger
 * payment_intent.succeeded` does against real Stripe: it takes the order's REAL PaymentIntent
 * (retrieved from stripe-mock), sets the fields Stripe would hold once it is paid (status
 * succeeded, amount / amount_received = the order total, currency cny, metadata.order_id), wraps
 * it in a payment_intent.succeeded event, SIGNS it with stripe.webhooks.generateTestHeaderString
 * and the configured webhook secret, and hands the raw body + signature to handleStripeWebhook —
 * the very code path POST /webhooks/stripe runs, signature verification included. Nothing here
 * marks an order paid directly.
 *
 * It refuses to run unless the Stripe API base is a local stripe-mock (isStripeTestMode()).
 */
import type { Db } from "../../db/client";
import { getEnv } from "../../core/env";
import { DomainRuleError, NotFoundError } from "../../core/errors";
import { getOrderRow } from "../orders/orders";
import type { Stripe } from "./stripe";
import { handleStripeWebhook, type WebhookResult } from "./webhooks";

/** True when the app talks to stripe-mock (STRIPE_API_BASE set, not a stripe.com host, test key). */
export function isStripeTestMode(): boolean {
  const env = getEnv();
  if (!env.STRIPE_API_BASE) return false;
  let host: string;
  try {
    host = new URL(env.STRIPE_API_BASE).hostname;
  } catch {
    return false;
  }
  if (host === "stripe.com" || host.endsWith(".stripe.com")) return false;
  return env.STRIPE_SECRET_KEY.startsWith("sk_test_");
}

export async function simulateTestPayment(db: Db, stripe: Stripe, orderId: number, secret: string, now = Date.now()): Promise<WebhookResult> {
  if (!isStripeTestMode()) throw new Error("test-mode payments only run against stripe-mock");
  const order = getOrderRow(db, orderId);
  if (!order) throw new NotFoundError("order");
  if (order.status !== "pending_payment" || !order.stripePaymentIntentId) throw new DomainRuleError("orders.error.notPayable");
  const pi = await stripe.paymentIntents.retrieve(order.stripePaymentIntentId);
  const object = {
    ...pi,
    id: order.stripePaymentIntentId,
    status: "succeeded",
    amount: order.totalFen,
    amount_received: order.totalFen,
    currency: "cny",
    metadata: { ...(pi.metadata ?? {}), order_id: String(order.id) },
  };
  const event = {
    id: `evt_testmode_${order.id}_${now}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(now / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "payment_intent.succeeded",
    data: { object },
  };
  const body = JSON.stringify(event, null, 2);
  const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
  return handleStripeWebhook(db, stripe, body, signature, secret, now);
}
