/**
 * Issue 11 §2: a webhook settles only what it matches. Signed events (as Stripe would send them,
 * signed with generateTestHeaderString) against a real stripe-mock and a real SQLite file, through
 * the POST /webhooks/stripe route. An event binds to an order only by the PaymentIntent id the
 * order created and stored; metadata.order_id never binds; pay-at-pickup orders are not paid by
 * events; an authorisation (amount_capturable_updated) moves only manual-capture orders.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { closeDb } from "../../db/client";
import { action as webhookAction } from "~/routes/webhooks.stripe";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { getOrderDetail, getOrderTimeline } from "../../market/orders/orders";
import { reconcilePayments } from "../../market/payments/reconcile";
import { createPaymentIntent, webhookSecret, type Stripe } from "../../market/payments/stripe";
import { createTestDatabase, createUser } from "../../seeds/factories";
import { createBuyer, createMarket, orderStatus, type Market } from "../helpers/orders";
import { signedEvent, testStripe } from "../helpers/stripe";

let db: Db;
let cleanup: () => void;
let m: Market;
let stripe: Stripe;
let chicken: number;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase(process.env.DATABASE_PATH!));
  m = await createMarket(db, { stockA: 100, stockB: 100 });
  stripe = testStripe();
  // A staffed point, so buyers may choose to pay at pickup (到站付款).
  const op = await createUser(db, { roles: ["delivery_operator"] });
  db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(m.pointId, op.id);
  // Producer A's listing sold by weight: orders with it authorise cards (manual capture).
  chicken = m.apples;
  db.$client.prepare(`update listings set unit = 'jin', price_fen = 2000, sold_by_weight = 1, estimated_piece_weight_g = 1500 where id = ?`).run(chicken);
});
afterAll(() => {
  closeDb();
  cleanup();
});

async function placeOrder(opts: { chickens?: number; kiwis?: number; payAtPickup?: boolean } = {}) {
  const b = await createBuyer(db);
  if (opts.chickens) addToCart(db, b.id, chicken, opts.chickens);
  if (opts.kiwis ?? 1) addToCart(db, b.id, m.kiwis, opts.kiwis ?? 1);
  return checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId, payAtPickup: opts.payAtPickup });
}

let seq = 0;
/** A signed event for an intent object (a real stripe-mock intent with the state Stripe would report). */
async function deliver(type: string, intent: Partial<Stripe.PaymentIntent> & { id: string }) {
  const base = await stripe.paymentIntents.retrieve(intent.id);
  const object = { ...base, ...intent };
  const event = {
    id: `evt_match_${++seq}_${Date.now()}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
  const { body, signature } = signedEvent(stripe, event, webhookSecret());
  const headers = new Headers({ "content-type": "application/json", "stripe-signature": signature });
  const res = (await webhookAction({
    request: new Request("http://localhost/webhooks/stripe", { method: "POST", body, headers }),
    params: {},
    context: {},
  })) as Response;
  return { res, eventId: event.id };
}

const snapshot = (orderId: number) =>
  JSON.stringify([
    getOrderDetail(db, orderId),
    db.$client.prepare(`select count(*) from order_status_history where order_id = ? and from_status != to_status`).pluck().get(orderId),
    db.$client.prepare(`select count(*) from invoices`).pluck().get(),
  ]);

describe("an event binds only by the PaymentIntent id the order stored", () => {
  it("an intent the order never created, with metadata.order_id pointing at it, neither attaches to nor pays the order", async () => {
    for (const payAtPickup of [false, true]) {
      const order = await placeOrder({ payAtPickup });
      const before = snapshot(order.orderId);
      const { res } = await deliver("payment_intent.succeeded", {
        id: "pi_attacker_made_up",
        status: "succeeded",
        amount: order.totalFen,
        amount_received: order.totalFen,
        currency: "cny",
        metadata: { order_id: String(order.orderId) },
      });
      // Acknowledged (Stripe must not retry it forever), and nothing about the order changed.
      expect(res.status).toBe(200);
      expect(orderStatus(db, order.orderId)).toBe("pending_payment");
      expect(getOrderDetail(db, order.orderId)!.stripePaymentIntentId).toBeNull();
      expect(snapshot(order.orderId)).toBe(before);
      // The operator still asks for cash at pickup (the order is still unpaid, pay-at-pickup).
      if (payAtPickup) expect(db.$client.prepare(`select pay_at_pickup from orders where id = ?`).pluck().get(order.orderId)).toBe(1);
    }
  });

  it("an intent stored on another order pays that order, not the one metadata names", async () => {
    const mine = await placeOrder();
    const target = await placeOrder();
    const pi = await createPaymentIntent(db, stripe, mine.orderId);
    const { res } = await deliver("payment_intent.succeeded", {
      id: pi.id,
      status: "succeeded",
      amount: mine.totalFen,
      amount_received: mine.totalFen,
      currency: "cny",
      metadata: { order_id: String(target.orderId) },
    });
    expect(res.status).toBe(200);
    expect(orderStatus(db, mine.orderId)).toBe("paid");
    expect(orderStatus(db, target.orderId)).toBe("pending_payment");
    expect(getOrderDetail(db, target.orderId)!.stripePaymentIntentId).toBeNull();
  });

  it("a pay-at-pickup order is never paid or cancelled by an event, even one naming an intent stored on it", async () => {
    const order = await placeOrder({ payAtPickup: true });
    // No intent can be created for it…
    await expect(createPaymentIntent(db, stripe, order.orderId)).rejects.toThrow(/orders.error.notPayable/);
    // …and if one were ever stored on it (a bug, an old row), the event still does not pay it.
    db.$client.prepare(`update orders set stripe_payment_intent_id = 'pi_stored_on_pickup_order' where id = ?`).run(order.orderId);
    for (const [type, status] of [
      ["payment_intent.succeeded", "succeeded"],
      ["payment_intent.amount_capturable_updated", "requires_capture"],
      ["payment_intent.payment_failed", "requires_payment_method"],
    ] as const) {
      const { res } = await deliver(type, {
        id: "pi_stored_on_pickup_order",
        status,
        amount: order.totalFen,
        amount_received: status === "succeeded" ? order.totalFen : 0,
        amount_capturable: status === "requires_capture" ? order.totalFen : 0,
        currency: "cny",
      });
      expect(res.status).toBe(200);
      expect(orderStatus(db, order.orderId)).toBe("pending_payment");
    }
    // The admin sees why on the timeline.
    expect(getOrderTimeline(db, order.orderId).filter((t) => t.note?.includes("pay-at-pickup"))).toHaveLength(3);
  });
});

describe("payment_intent.amount_capturable_updated", () => {
  it("never marks an automatic-capture order paid", async () => {
    const order = await placeOrder({ kiwis: 2 });
    expect(db.$client.prepare(`select capture_method from orders where id = ?`).pluck().get(order.orderId)).toBe("automatic");
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    const before = snapshot(order.orderId);
    const { res } = await deliver("payment_intent.amount_capturable_updated", {
      id: pi.id,
      status: "requires_capture",
      amount: order.totalFen,
      amount_capturable: order.totalFen,
      amount_received: 0,
      currency: "cny",
    });
    expect(res.status).toBe(200);
    expect(orderStatus(db, order.orderId)).toBe("pending_payment");
    expect(snapshot(order.orderId)).toBe(before);
    // No transfer to producers for money never captured.
    expect(getOrderDetail(db, order.orderId)!.subOrders.every((s) => s.stripeTransferId === null)).toBe(true);

    // Reconcile reading the same authorisation from Stripe does not pay it either.
    const report = await reconcilePayments(db, stripe, {
      retrieveIntent: async (id) => ({
        ...(await stripe.paymentIntents.retrieve(id)),
        id,
        status: "requires_capture",
        amount: order.totalFen,
        currency: "cny",
      }),
    });
    expect(report.settled.find((s) => s.orderId === order.orderId)).toMatchObject({ action: "refused" });
    expect(orderStatus(db, order.orderId)).toBe("pending_payment");

    // The real payment, when it succeeds, still pays it.
    await deliver("payment_intent.succeeded", { id: pi.id, status: "succeeded", amount: order.totalFen, amount_received: order.totalFen, currency: "cny" });
    expect(orderStatus(db, order.orderId)).toBe("paid");
  });

  it("moves a manual-capture (catch weight) order to paid", async () => {
    const order = await placeOrder({ chickens: 1, kiwis: 1 });
    expect(db.$client.prepare(`select capture_method from orders where id = ?`).pluck().get(order.orderId)).toBe("manual");
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    const { res } = await deliver("payment_intent.amount_capturable_updated", {
      id: pi.id,
      status: "requires_capture",
      amount: order.totalFen,
      amount_capturable: order.totalFen,
      amount_received: 0,
      currency: "cny",
    });
    expect(res.status).toBe(200);
    expect(orderStatus(db, order.orderId)).toBe("paid");
  });
});
