/**
 * POST /webhooks/stripe, the domain half (app/routes/webhooks.stripe.ts is the thin route).
 * The raw body and the Stripe-Signature header are verified with stripe.webhooks.constructEvent;
 * a bad signature is a 400 and nothing is read or written. The event id is recorded in the same
 * transaction as the state change (settle.server.ts), so a replay is a 200 that changes nothing.
 * A database error leaves the event unrecorded and answers 500: Stripe retries it.
 */
import type { Db } from "../../db/client";
import { outcomeOfEventType, settlePayment, type SettleOutcome } from "./settle";
import type { Stripe } from "./stripe";

export type WebhookResult = { status: 400; error: string } | { status: 200; eventId: string; type: string; duplicate: boolean; settle: SettleOutcome | null };

export async function handleStripeWebhook(
  db: Db,
  stripe: Stripe,
  rawBody: string,
  signature: string | null,
  secret: string,
  now = Date.now(),
): Promise<WebhookResult> {
  let event: Stripe.Event;
  try {
    if (!signature) throw new Error("missing Stripe-Signature header");
    event = stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch (e) {
    return { status: 400, error: e instanceof Error ? e.message : "bad signature" };
  }
  if (event.type.startsWith("payment_intent.")) {
    const pi = event.data.object as Stripe.PaymentIntent;
    // Matched by pi.id alone (settle.ts): metadata.order_id is whatever the intent's creator wrote.
    const settle = await settlePayment(db, stripe, {
      paymentIntentId: pi.id,
      amount:
        event.type === "payment_intent.succeeded"
          ? pi.amount_received || pi.amount
          : event.type === "payment_intent.amount_capturable_updated"
            ? pi.amount_capturable || pi.amount
            : null,
      currency: pi.currency ?? null,
      outcome: outcomeOfEventType(event.type),
      source: "webhook",
      stripeEvent: { id: event.id, type: event.type },
      now,
    });
    return { status: 200, eventId: event.id, type: event.type, duplicate: settle.duplicate, settle };
  }
  // Other events are acknowledged and remembered (idempotency), nothing else yet.
  const fresh = db.$client
    .prepare(`insert or ignore into stripe_webhook_events (id, type, received_at, processed_at) values (?, ?, ?, ?)`)
    .run(event.id, event.type, now, now).changes;
  return { status: 200, eventId: event.id, type: event.type, duplicate: fresh === 0, settle: null };
}
