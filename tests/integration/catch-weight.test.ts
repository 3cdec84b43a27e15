/**
 * Catch weight, pay at pickup and fulfilment steps (issue 4, W3), against a REAL stripe-mock and a
 * real SQLite file. stripe-mock keeps no state (every intent it returns is requires_payment_method),
 * so the Stripe side is checked by what our code SENDS (a recording wrapper around the real client:
 * capture amount, refund amount, transfer amount, the intent's payment_method_options) and by the
 * ids stripe-mock answers with; payment outcomes come from signed webhook events built as Stripe
 * would send them (see tests/integration/payments.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { closeDb } from "../../db/client";
import { actorFor, createTestDatabase, createUser } from "../../seeds/factories";
import { addToCart } from "../../market/orders/cart";
import { finalizeCatchWeight, recordActualWeight, weighedTotalFen } from "../../market/orders/catch-weight";
import { checkout } from "../../market/orders/checkout";
import { cancelUnpaidOrder } from "../../market/orders/orders";
import { advanceSubOrder } from "../../market/orders/fulfilment";
import { dispatchSubOrder, handOutParcel, markParcelArrived, operatorParcels } from "../../logistics/parcels";
import { pickupCode } from "../../logistics/pickup-code";
import { splitSubtotal } from "../../market/orders/split";
import { payoutOrder } from "../../market/payments/payouts";
import { createPaymentIntent, type Stripe } from "../../market/payments/stripe";
import { handleStripeWebhook } from "../../market/payments/webhooks";
import { createBuyer, createMarket, orderStatus, stockOf, type Market } from "../helpers/orders";
import { signedEvent, testStripe, TEST_WEBHOOK_SECRET } from "../helpers/stripe";

let db: Db;
let cleanup: () => void;
let m: Market;
let stripe: Stripe;
let chicken: number;
let calls: { method: string; params: any; options: any }[];
let operator: { id: number };

/** The real client, with the calls we care about recorded on the way to stripe-mock. */
function recordingStripe(): Stripe {
  const real = testStripe();
  const wrap = <T extends object>(resource: T, name: string, method: string) => {
    const original = (resource as any)[method].bind(resource);
    (resource as any)[method] = (...args: any[]) => {
      calls.push({ method: `${name}.${method}`, params: args[0] && typeof args[0] === "object" ? args[0] : args[1], options: args[args.length - 1] });
      return original(...args);
    };
  };
  wrap(real.paymentIntents, "paymentIntents", "create");
  wrap(real.paymentIntents, "paymentIntents", "capture");
  wrap(real.paymentIntents, "paymentIntents", "cancel");
  wrap(real.refunds, "refunds", "create");
  wrap(real.transfers, "transfers", "create");
  return real;
}

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase(process.env.DATABASE_PATH!));
  m = await createMarket(db, { stockA: 100, stockB: 100 });
  // Producer A also sells whole chickens: 2000 fen per 斤, about 1500 g a bird → 6000 fen a piece.
  chicken = m.apples;
  db.$client.prepare(`update listings set unit = 'jin', price_fen = 2000, sold_by_weight = 1, estimated_piece_weight_g = 1500 where id = ?`).run(chicken);
  const op = await createUser(db, { roles: ["delivery_operator"] });
  operator = op;
  db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(m.pointId, op.id);
  calls = [];
  stripe = recordingStripe();
});
afterAll(() => {
  closeDb();
  cleanup();
});

const ownerOf = (producerId: number) =>
  actorFor(db, db.$client.prepare(`select user_id from producer_members where producer_id = ? and role = 'owner'`).pluck().get(producerId) as number);

async function placeOrder(opts: { chickens?: number; kiwis?: number; payAtPickup?: boolean; pointId?: number } = {}) {
  const b = await createBuyer(db);
  if (opts.chickens ?? 2) addToCart(db, b.id, chicken, opts.chickens ?? 2);
  if (opts.kiwis ?? 1) addToCart(db, b.id, m.kiwis, opts.kiwis ?? 1);
  return checkout(db, b, { contactPhone: b.phone, deliveryPointId: opts.pointId ?? m.pointId, payAtPickup: opts.payAtPickup });
}

async function deliver(type: string, piId: string, orderId: number, amount: number) {
  const pi = await stripe.paymentIntents.retrieve(piId);
  const object = {
    ...pi,
    status: type === "payment_intent.succeeded" ? "succeeded" : "requires_capture",
    amount,
    amount_capturable: type === "payment_intent.succeeded" ? 0 : amount,
    amount_received: type === "payment_intent.succeeded" ? amount : 0,
    currency: "cny",
    metadata: { order_id: String(orderId) },
  };
  const event = {
    id: `evt_cw_${orderId}_${type}_${Date.now()}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
  const { body, signature } = signedEvent(stripe, event, TEST_WEBHOOK_SECRET);
  return handleStripeWebhook(db, stripe, body, signature, TEST_WEBHOOK_SECRET);
}

const lineOf = (orderId: number) =>
  db.$client
    .prepare(
      `select id, quantity, unit_price_fen as unitPriceFen, estimated_weight_g as est, weighed_total_fen as weighed from order_lines where order_id = ? and sold_by_weight = 1`,
    )
    .get(orderId) as {
    id: number;
    quantity: number;
    unitPriceFen: number;
    est: number;
    weighed: number | null;
  };
const subOf = (orderId: number, producerId: number) =>
  db.$client
    .prepare(
      `select id, status, subtotal_fen as subtotalFen, commission_fen as commissionFen, producer_share_fen as producerShareFen, stripe_transfer_id as transferId from sub_orders where order_id = ? and producer_id = ?`,
    )
    .get(orderId, producerId) as {
    id: number;
    status: string;
    subtotalFen: number;
    commissionFen: number;
    producerShareFen: number;
    transferId: string | null;
  };

describe("catch weight", () => {
  it("clamps the weighed amount to the estimate", () => {
    expect(weighedTotalFen(12000, 3000, 2700)).toBe(10800);
    expect(weighedTotalFen(12000, 3000, 3300)).toBe(12000);
    expect(() => weighedTotalFen(12000, 3000, 0)).toThrow(RangeError);
  });

  it("charges an estimate at checkout, reserves by pieces and asks for manual card capture", async () => {
    const before = stockOf(db, chicken);
    const order = await placeOrder({ chickens: 2, kiwis: 1 });
    expect(stockOf(db, chicken)).toBe(before - 2);
    const line = lineOf(order.orderId);
    expect(line).toMatchObject({ quantity: 2, unitPriceFen: 6000, est: 3000, weighed: null });
    expect(order.totalFen).toBe(12000 + 3333);
    expect(db.$client.prepare(`select capture_method from orders where id = ?`).pluck().get(order.orderId)).toBe("manual");
    calls.length = 0;
    await createPaymentIntent(db, stripe, order.orderId);
    const create = calls.find((c) => c.method === "paymentIntents.create")!;
    expect(create.params).toMatchObject({ amount: 15333, payment_method_options: { card: { capture_method: "manual" } } });
  });

  it("card: authorised → paid without transfers; weighing captures the weighed total (≤ authorised) and the split follows it", async () => {
    const order = await placeOrder({ chickens: 2, kiwis: 1 });
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    calls.length = 0;
    const res = await deliver("payment_intent.amount_capturable_updated", pi.id, order.orderId, order.totalFen);
    expect(res.status).toBe(200);
    expect(orderStatus(db, order.orderId)).toBe("paid");
    // Nothing transferred while a weight is unknown (the kiwi producer waits too: the capture is one amount).
    expect(calls.filter((c) => c.method === "transfers.create")).toHaveLength(0);
    expect(subOf(order.orderId, m.producerA).transferId).toBeNull();

    const farmer = ownerOf(m.producerA);
    const stranger = ownerOf(m.producerB);
    const line = lineOf(order.orderId);
    expect(() => recordActualWeight(db, stranger, line.id, 2700)).toThrow(/forbidden/);
    // Heavier than estimated first (clamped), then the real weight: re-weighing is allowed until settled.
    expect(recordActualWeight(db, farmer, line.id, 3400)).toMatchObject({ weighedTotalFen: 12000, estimateFen: 12000, allWeighed: true });
    const r = recordActualWeight(db, farmer, line.id, 2700);
    expect(r.weighedTotalFen).toBe(10800);

    const final = await finalizeCatchWeight(db, stripe, order.orderId);
    expect(final).toMatchObject({ action: "captured", estimateFen: 15333, finalFen: 10800 + 3333 });
    const capture = calls.find((c) => c.method === "paymentIntents.capture")!;
    expect(capture.params.amount_to_capture).toBe(14133);
    expect(capture.params.amount_to_capture).toBeLessThanOrEqual(order.totalFen);
    expect(capture.options).toMatchObject({ idempotencyKey: `capture_order_${order.orderId}` });

    const bp = db.$client.prepare(`select commission_bp from orders where id = ?`).pluck().get(order.orderId) as number;
    const subA = subOf(order.orderId, m.producerA);
    expect(subA).toMatchObject(splitSubtotal(10800, bp));
    expect(subOf(order.orderId, m.producerB)).toMatchObject(splitSubtotal(3333, bp));
    expect(db.$client.prepare(`select total_fen from orders where id = ?`).pluck().get(order.orderId)).toBe(14133);
    expect(() => recordActualWeight(db, farmer, line.id, 2000)).toThrow(/alreadyFinal/);

    // Transfers now run, for the captured amounts' shares.
    const payout = await payoutOrder(db, stripe, order.orderId);
    expect(payout.failed).toEqual([]);
    const amounts = calls
      .filter((c) => c.method === "transfers.create")
      .map((c) => c.params.amount)
      .sort((a, b) => a - b);
    expect(amounts).toEqual([subOf(order.orderId, m.producerB).producerShareFen, subA.producerShareFen].sort((a, b) => a - b));
    // Finalising again does nothing more.
    calls.length = 0;
    expect((await finalizeCatchWeight(db, stripe, order.orderId)).action).toBe("none");
    expect(calls).toHaveLength(0);
  });

  it("Alipay / WeChat Pay: charged the estimate, the difference is refunded (refund row catch_weight)", async () => {
    const order = await placeOrder({ chickens: 1, kiwis: 0 });
    expect(order.totalFen).toBe(6000);
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    await deliver("payment_intent.succeeded", pi.id, order.orderId, order.totalFen);
    expect(orderStatus(db, order.orderId)).toBe("paid");
    expect(db.$client.prepare(`select capture_method from orders where id = ?`).pluck().get(order.orderId)).toBe("automatic");

    const line = lineOf(order.orderId);
    recordActualWeight(db, ownerOf(m.producerA), line.id, 1250); // 6000 × 1250/1500 = 5000
    calls.length = 0;
    const final = await finalizeCatchWeight(db, stripe, order.orderId);
    expect(final.action).toBe("refunded");
    expect(final.finalFen).toBe(5000);
    expect(calls.filter((c) => c.method === "paymentIntents.capture")).toHaveLength(0);
    const refundCall = calls.find((c) => c.method === "refunds.create")!;
    expect(refundCall.params).toMatchObject({ payment_intent: pi.id, amount: 1000 });
    const sub = subOf(order.orderId, m.producerA);
    const row = db.$client
      .prepare(`select amount_fen as amountFen, reason, status, stripe_refund_id as refundId from refunds where sub_order_id = ?`)
      .get(sub.id);
    expect(row).toMatchObject({ amountFen: 1000, reason: "catch_weight", status: "succeeded", refundId: expect.stringMatching(/^re_/) });
    expect(sub.subtotalFen).toBe(5000);
    expect(sub.commissionFen + sub.producerShareFen).toBe(5000);
  });
});

describe("late authorisation", () => {
  it("releases a card authorisation that arrives after the reservation expired (no refund of money never taken)", async () => {
    const order = await placeOrder({ chickens: 1, kiwis: 0 });
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    expect(cancelUnpaidOrder(db, order.orderId, "expiry")).toBe(true);
    calls.length = 0;
    const res = await deliver("payment_intent.amount_capturable_updated", pi.id, order.orderId, order.totalFen);
    expect(res.status === 200 && res.settle?.action).toBe("refund_late_payment");
    expect(calls.map((c) => c.method)).toEqual(["paymentIntents.cancel"]);
    expect(orderStatus(db, order.orderId)).toBe("cancelled");
  });
});

/** The operator checks every parcel of the order in at the point; returns them with their pickup codes. */
function arriveAll(orderId: number) {
  const op = actorFor(db, operator.id);
  const rows = db.$client.prepare(`select id, code from parcels where order_id = ? order by id`).all(orderId) as { id: number; code: string }[];
  for (const r of rows) markParcelArrived(db, op, r.code);
  return rows.map((r) => ({
    ...r,
    pickupCode: pickupCode(r.id, db.$client.prepare(`select pickup_code_nonce from parcels where id = ?`).pluck().get(r.id) as string),
  }));
}

describe("fulfilment", () => {
  it("moves the order only when every producer's sub-order moved; ready needs the weight", async () => {
    const order = await placeOrder({ chickens: 1, kiwis: 1 });
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    await deliver("payment_intent.amount_capturable_updated", pi.id, order.orderId, order.totalFen);
    const a = ownerOf(m.producerA);
    const b = ownerOf(m.producerB);
    const subA = subOf(order.orderId, m.producerA).id;
    const subB = subOf(order.orderId, m.producerB).id;

    expect(() => advanceSubOrder(db, b, subA, "in_fulfilment")).toThrow(/forbidden/);
    expect(() => advanceSubOrder(db, a, subA, "ready_for_pickup")).toThrow(/illegalTransition/);
    expect(advanceSubOrder(db, a, subA, "in_fulfilment").orderStatus).toBe("paid");
    expect(advanceSubOrder(db, b, subB, "in_fulfilment").orderStatus).toBe("in_fulfilment");
    // Parcels drive the rest: the producer dispatches (weighed first), arrival makes the order ready.
    expect(() => advanceSubOrder(db, a, subA, "ready_for_pickup")).toThrow(/readyByArrival/);
    expect(() => dispatchSubOrder(db, a, subA)).toThrow(/notAllWeighed/);
    recordActualWeight(db, a, lineOf(order.orderId).id, 1500);
    await finalizeCatchWeight(db, stripe, order.orderId);
    expect(() => dispatchSubOrder(db, a, subB)).toThrow(/forbidden/);
    expect(dispatchSubOrder(db, b, subB).dispatched.length).toBeGreaterThan(0);
    expect(dispatchSubOrder(db, a, subA).subOrderStatus).toBe("in_fulfilment");
    expect(orderStatus(db, order.orderId)).toBe("in_fulfilment");
    const parcels = arriveAll(order.orderId);
    expect(orderStatus(db, order.orderId)).toBe("ready_for_pickup");

    // The point's operator hands each parcel out against its code; another operator may not.
    const other = await createUser(db, { roles: ["delivery_operator"] });
    expect(operatorParcels(db, actorFor(db, operator.id)).arrived.map((p) => p.orderId)).toContain(order.orderId);
    expect(() => handOutParcel(db, actorFor(db, other.id), { parcelId: parcels[0].id, pickupCode: parcels[0].pickupCode })).toThrow(/forbidden/);
    for (const p of parcels) {
      expect(handOutParcel(db, actorFor(db, operator.id), { parcelId: p.id, pickupCode: p.pickupCode })).toMatchObject({ paidAtPickup: false });
    }
    expect(orderStatus(db, order.orderId)).toBe("picked_up");
    expect(db.$client.prepare(`select count(*) from order_lines where order_id = ? and picked_up_at is null`).pluck().get(order.orderId)).toBe(0);
  });
});

describe("pay at pickup (到站付款)", () => {
  it("skips Stripe, holds the stock longer, and the operator confirms payment at handover", async () => {
    const before = Date.now();
    const order = await placeOrder({ chickens: 0, kiwis: 2, payAtPickup: true });
    const row = db.$client
      .prepare(`select status, pay_at_pickup as p, capture_method as c, reserved_until as r from orders where id = ?`)
      .get(order.orderId) as {
      status: string;
      p: number;
      c: string | null;
      r: number;
    };
    expect(row).toMatchObject({ status: "pending_payment", p: 1, c: null });
    expect(row.r - before).toBeGreaterThan(24 * 3600_000);
    await expect(createPaymentIntent(db, stripe, order.orderId)).rejects.toThrow(/notPayable/);

    // The goods travel before the money: the producer dispatches, the operator checks the parcel in.
    const subB = subOf(order.orderId, m.producerB).id;
    expect(dispatchSubOrder(db, ownerOf(m.producerB), subB).dispatched).toHaveLength(1);
    const [parcel] = arriveAll(order.orderId);
    expect(orderStatus(db, order.orderId)).toBe("pending_payment");
    const op = actorFor(db, operator.id);
    const waiting = operatorParcels(db, op).arrived.find((p) => p.orderId === order.orderId)!;
    expect(waiting).toMatchObject({ payDueFen: 6666 });
    // Payment must be confirmed before the parcel leaves.
    expect(() => handOutParcel(db, op, { parcelId: parcel.id, pickupCode: parcel.pickupCode })).toThrow(/confirmPayment/);
    expect(orderStatus(db, order.orderId)).toBe("pending_payment");
    expect(handOutParcel(db, op, { parcelId: parcel.id, pickupCode: parcel.pickupCode, confirmPayment: true })).toMatchObject({
      paidAtPickup: true,
      orderPickedUp: true,
    });
    expect(orderStatus(db, order.orderId)).toBe("picked_up");
    expect(db.$client.prepare(`select pay_at_pickup_confirmed_by from orders where id = ?`).pluck().get(order.orderId)).toBe(operator.id);
    const history = db.$client.prepare(`select to_status from order_status_history where order_id = ? order by id`).pluck().all(order.orderId);
    expect(history).toEqual(["pending_payment", "paid", "in_fulfilment", "ready_for_pickup", "picked_up"]);
    // No transfer is ever made for money collected at the station.
    calls.length = 0;
    expect((await payoutOrder(db, stripe, order.orderId)).transferred).toEqual([]);
    expect(() => handOutParcel(db, op, { parcelId: parcel.id, pickupCode: parcel.pickupCode, confirmPayment: true })).toThrow(/notAtPoint/);
  });

  it("is refused at a point without an operator (nothing is created)", async () => {
    const bare = Number(
      db.$client.prepare(`insert into delivery_points (kind, name, address, lat, lng) values ('locker', '无人柜', '某处', 34, 108)`).run().lastInsertRowid,
    );
    const before = stockOf(db, m.kiwis);
    await expect(placeOrder({ chickens: 0, kiwis: 1, payAtPickup: true, pointId: bare })).rejects.toThrow(/payAtPickupUnavailable/);
    expect(stockOf(db, m.kiwis)).toBe(before);
  });
});
