/** POST /webhooks/stripe: Stripe's events. Thin: raw body + signature → app/payments/webhooks.server.ts. */
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeWebhook, getStripe, webhookSecret } from "~/market.server";
import { getDb } from "~/utils/db.server";

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
  // The exact bytes Stripe signed: never parse before verifying.
  const body = await request.text();
  const result = await handleStripeWebhook(getDb(), getStripe(), body, request.headers.get("stripe-signature"), webhookSecret());
  if (result.status === 400) return new Response(`Webhook signature verification failed: ${result.error}`, { status: 400 });
  return Response.json({ received: true, duplicate: result.duplicate });
}

export function loader() {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}
