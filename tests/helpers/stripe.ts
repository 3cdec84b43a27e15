/** The real stripe client pointed at the run's stripe-mock (tests/helpers/stripe-mock.ts). */
import crypto from "node:crypto";
import { inject } from "vitest";
import { createStripeClient, type Stripe } from "../../market/payments/stripe";

/** The secret tests hand to handleStripeWebhook themselves: random per run, like every other secret. */
export const TEST_WEBHOOK_SECRET = `whsec_${crypto.randomBytes(24).toString("base64url")}`;

export function stripeApiBase(): string {
  const base = inject("stripeApiBase");
  if (!base) throw new Error("stripe-mock is not running (vitest globalSetup tests/helpers/stripe-mock.ts)");
  return base;
}

export function testStripe(): Stripe {
  return createStripeClient("sk_test_123", stripeApiBase());
}

/** A signed webhook request body + header, as Stripe would send it. */
export function signedEvent(stripe: Stripe, event: object, secret = TEST_WEBHOOK_SECRET): { body: string; signature: string } {
  const body = JSON.stringify(event, null, 2);
  return { body, signature: stripe.webhooks.generateTestHeaderString({ payload: body, secret }) };
}
