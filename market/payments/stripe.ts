/**
 * The Stripe client, from the environment, and PaymentIntents for orders. Plain module, no Remix.
 *
 *   STRIPE_SECRET_KEY      default sk_test_123 (what stripe-mock accepts)
 *   STRIPE_API_BASE        e.g. http://127.0.0.1:12111 → the client's protocol/host/port (stripe-mock);
 *                          unset = api.stripe.com
 *   STRIPE_WEBHOOK_SECRET  see webhookSecret()
 */
import Stripe from "stripe";
import type { Db } from "../../db/client";
import { getEnv } from "../../core/env";
import { DomainRuleError, NotFoundError } from "../../core/errors";
import { PAYMENT_METHOD_TYPES } from "./methods";
import { getOrderRow } from "../orders/orders";

export type { Stripe };

/** A Stripe client for an API base URL (or api.stripe.com). Tests make one per stripe-mock. */
export function createStripeClient(secretKey: string, apiBase?: string): Stripe {
  const config: Stripe.StripeConfig = { maxNetworkRetries: 2, telemetry: false, timeout: 20_000 };
  if (apiBase) {
    const url = new URL(apiBase);
    config.protocol = url.protocol === "http:" ? "http" : "https";
    config.host = url.hostname;
    config.port = url.port || (url.protocol === "http:" ? 80 : 443);
  }
  return new Stripe(secretKey, config);
}

let cached: { key: string; client: Stripe } | null = null;

/** The process-wide client for the current environment. */
export function getStripe(): Stripe {
  const env = getEnv();
  const key = `${env.STRIPE_SECRET_KEY}|${env.STRIPE_API_BASE ?? ""}`;
  if (cached?.key !== key) cached = { key, client: createStripeClient(env.STRIPE_SECRET_KEY, env.STRIPE_API_BASE) };
  return cached.client;
}

/**
 * The webhook signing secret: STRIPE_WEBHOOK_SECRET, or (stripe-mock, development) the generated
 * one from the secrets file. Production with the real Stripe API does not start without it set.
 */
export function webhookSecret(): string {
  return getEnv().STRIPE_WEBHOOK_SECRET;
}

export function transferGroupFor(orderId: number): string {
  return `order_${orderId}`;
}

export type OrderPaymentIntent = { id: string; clientSecret: string | null; status: Stripe.PaymentIntent.Status; created: boolean };

/**
 * The order's PaymentIntent: CNY, amount = order total, card / Alipay / WeChat Pay, metadata
 * order_id, transfer group order_<id>. Created with the order's idempotency key as Stripe's
 * Idempotency-Key, so a retry after a lost response gets the same intent from Stripe; once the
 * id is stored, later calls retrieve that intent instead of creating one.
 */
export async function createPaymentIntent(db: Db, stripe: Stripe, orderId: number): Promise<OrderPaymentIntent> {
  const order = getOrderRow(db, orderId);
  if (!order) throw new NotFoundError("order");
  if (order.stripePaymentIntentId) {
    const pi = await stripe.paymentIntents.retrieve(order.stripePaymentIntentId);
    return { id: pi.id, clientSecret: pi.client_secret, status: pi.status, created: false };
  }
  if (order.status !== "pending_payment") throw new DomainRuleError("orders.error.notPayable");
  if (!order.idempotencyKey) throw new DomainRuleError("orders.error.notPayable");
  // Catch weight / pay at pickup (W3): 到站付款 orders have no intent; an order with a sold-by-weight
  // line authorises cards only (manual capture of the weighed total later, catch-weight.server.ts).
  const extra = db.$client.prepare(`select capture_method as captureMethod, pay_at_pickup as payAtPickup from orders where id = ?`).get(order.id) as {
    captureMethod: string | null;
    payAtPickup: number;
  };
  if (extra.payAtPickup) throw new DomainRuleError("orders.error.notPayable");
  const pi = await stripe.paymentIntents.create(
    {
      amount: order.totalFen,
      currency: "cny",
      // API 2026-10-28 (the stripe client's pinned version) names the create parameter
      // allowed_payment_method_types; the intent still reports payment_method_types.
      allowed_payment_method_types: [...PAYMENT_METHOD_TYPES],
      metadata: { order_id: String(order.id) },
      transfer_group: transferGroupFor(order.id),
      ...(extra.captureMethod === "manual" ? { payment_method_options: { card: { capture_method: "manual" as const } } } : {}),
    },
    { idempotencyKey: order.idempotencyKey },
  );
  // Guarded: a concurrent call that stored first wins; its id is the one the order keeps.
  const stored = db.$client
    .prepare(`update orders set stripe_payment_intent_id = ? where id = ? and stripe_payment_intent_id is null`)
    .run(pi.id, order.id).changes;
  if (stored === 0) {
    const winner = getOrderRow(db, orderId)!.stripePaymentIntentId!;
    if (winner !== pi.id) {
      const again = await stripe.paymentIntents.retrieve(winner);
      return { id: again.id, clientSecret: again.client_secret, status: again.status, created: false };
    }
  }
  return { id: pi.id, clientSecret: pi.client_secret, status: pi.status, created: true };
}
