/**
 * Refunds, disputes and ratings against a REAL stripe-mock and a real SQLite file (issue 4 §6, §8, §9).
 * stripe-mock keeps no state: a refund of any amount on a real intent id is accepted; what we test
 * is what we send (payment_intent, amount, idempotency key) and what we record and refuse.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../../db/client";
import { loadAuthUser } from "../../market/accounts/accounts";
import type { Actor } from "../../core/permissions";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import {
  answerDispute,
  completeOrdersPastDisputeWindow,
  decideDispute,
  getDispute,
  getDisputeForViewer,
  listDisputesForAdmin,
  openDispute,
  DISPUTE_WINDOW_MS,
} from "../../market/orders/disputes";
import { transitionOrder } from "../../market/orders/orders";
import { producerRating, rateSubOrder } from "../../market/orders/ratings";
import { listRefunds, refundableFen, refundSubOrder } from "../../market/orders/refunds";
import { createPaymentIntent, type Stripe } from "../../market/payments/stripe";
import { ensureConnectedAccounts, payoutOrder } from "../../market/payments/payouts";
import { reconcilePayments } from "../../market/payments/reconcile";
import { applyPaymentOutcome } from "../../market/payments/settle";
import { DomainRuleError, ForbiddenError } from "../../core/errors";
import { cachedPasswordHash, createTestDatabase, createUser } from "../../seeds/factories";
import { createBuyer, createMarket, orderStatus, type Market } from "../helpers/orders";
import { signedEvent, testStripe, TEST_WEBHOOK_SECRET } from "../helpers/stripe";
import { handleStripeWebhook } from "../../market/payments/webhooks";
import { markReturned } from "../../logistics/holding";
import { dispatchSubOrder, handOutParcel, markParcelArrived } from "../../logistics/parcels";
import { pickupCode } from "../../logistics/pickup-code";

let db: Db;
let cleanup: () => void;
let m: Market;
let stripe: Stripe;
let admin: Actor;
let farmerA: Actor;
let farmerB: Actor;

function actorOf(userId: number): Actor {
  const u = loadAuthUser(db, userId);
  if (!u) throw new Error("no user");
  return u;
}

function ownerOf(producerId: number): number {
  return db.$client.prepare(`select user_id from producer_members where producer_id = ? order by user_id limit 1`).pluck().get(producerId) as number;
}

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  m = await createMarket(db);
  stripe = testStripe();
  admin = actorOf((await createUser(db, { roles: ["platform_admin"], passwordHash: await cachedPasswordHash() })).id);
  farmerA = actorOf(ownerOf(m.producerA));
  farmerB = actorOf(ownerOf(m.producerB));
});
afterAll(() => cleanup());

/** A paid order (apples from A, kiwis from B) with a real stripe-mock PaymentIntent, moved on to `until`. */
async function paidOrder(until: "paid" | "picked_up" = "paid", pickedUpAt = Date.now()) {
  const b = await createBuyer(db);
  addToCart(db, b.id, m.apples, 2); // 3980
  addToCart(db, b.id, m.kiwis, 1); // 3333
  const order = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
  const pi = await createPaymentIntent(db, stripe, order.orderId);
  expect(applyPaymentOutcome(db, { paymentIntentId: pi.id, outcome: "succeeded", amount: order.totalFen, currency: "cny", source: "webhook" }).action).toBe(
    "paid",
  );
  if (until === "picked_up") {
    transitionOrder(db, order.orderId, "in_fulfilment", "producer");
    transitionOrder(db, order.orderId, "ready_for_pickup", "producer");
    transitionOrder(db, order.orderId, "picked_up", "operator", { now: pickedUpAt });
  }
  const subA = order.subOrders.find((s) => s.producerId === m.producerA)!;
  const subB = order.subOrders.find((s) => s.producerId === m.producerB)!;
  return { buyer: actorOf(b.id), order, piId: pi.id, subA, subB };
}

describe("refundSubOrder", () => {
  it("refunds part of a sub-order through Stripe with the payment intent, amount and an idempotency key, and records who and why", async () => {
    const { order, piId, subA } = await paidOrder();
    const spy = vi.spyOn(stripe.refunds, "create");
    const r = await refundSubOrder(db, stripe, admin, subA.id, 1000, "goodwill", "bruised apples");
    expect(spy).toHaveBeenCalledTimes(1);
    const [params, opts] = spy.mock.calls[0]!;
    expect(params).toMatchObject({ payment_intent: piId, amount: 1000 });
    expect((opts as { idempotencyKey: string }).idempotencyKey).toMatch(/^refund_\d+_/);
    spy.mockRestore();
    expect(r.stripeRefundId).toMatch(/^re_/);
    expect(r.subOrderRefunded).toBe(false);
    const rows = listRefunds(db, subA.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amountFen: 1000, reason: "goodwill", note: "bruised apples", requestedBy: admin.id, status: "succeeded" });
    expect(refundableFen(db, subA.id)).toBe(3980 - 1000);
    expect(orderStatus(db, order.orderId)).toBe("paid"); // a partial refund keeps the status
  });

  it("refuses more than what is left, non-positive amounts, and anyone but an admin (or the system)", async () => {
    const { subA } = await paidOrder();
    await expect(refundSubOrder(db, stripe, admin, subA.id, 3981, "other")).rejects.toMatchObject({ messageKey: "refunds.error.tooMuch" });
    await expect(refundSubOrder(db, stripe, admin, subA.id, 0, "other")).rejects.toBeInstanceOf(DomainRuleError);
    await expect(refundSubOrder(db, stripe, admin, subA.id, 12.5, "other")).rejects.toBeInstanceOf(DomainRuleError);
    await expect(refundSubOrder(db, stripe, farmerA, subA.id, 100, "other")).rejects.toBeInstanceOf(ForbiddenError);
    await refundSubOrder(db, stripe, "system", subA.id, 3000, "other");
    await expect(refundSubOrder(db, stripe, admin, subA.id, 981, "other")).rejects.toMatchObject({ messageKey: "refunds.error.tooMuch" });
    expect(listRefunds(db, subA.id)).toHaveLength(1);
  });

  it("takes the producer's part of a refund back from its transfer, pro rata to its share", async () => {
    const { order, subA } = await paidOrder();
    await ensureConnectedAccounts(db, stripe);
    const payout = await payoutOrder(db, stripe, order.orderId);
    expect(payout.transferred.length).toBe(2);
    const spy = vi.spyOn(stripe.transfers, "createReversal");
    const r = await refundSubOrder(db, stripe, admin, subA.id, 1000, "goodwill");
    const share = db.$client
      .prepare(`select producer_share_fen as share, subtotal_fen as subtotal, stripe_transfer_id as tr from sub_orders where id = ?`)
      .get(subA.id) as { share: number; subtotal: number; tr: string };
    const expected = Math.floor((1000 * share.share) / share.subtotal);
    expect(spy).toHaveBeenCalledWith(share.tr, expect.objectContaining({ amount: expected }), { idempotencyKey: `reversal_${r.refundId}` });
    spy.mockRestore();
    const row = db.$client.prepare(`select reversed_fen as reversed, stripe_transfer_reversal_id as id from refunds where id = ?`).get(r.refundId) as {
      reversed: number;
      id: string;
    };
    expect(row.reversed).toBe(expected);
    expect(row.id).toMatch(/^trr_/);
    // Reconcile does not reverse this refund a second time.
    const again = vi.spyOn(stripe.transfers, "createReversal");
    await reconcilePayments(db, stripe);
    expect(again.mock.calls.filter(([transfer]) => transfer === share.tr)).toHaveLength(0);
    again.mockRestore();
  });

  it("concurrent refunds never add up to more than the sub-order", async () => {
    const { subB } = await paidOrder();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => refundSubOrder(db, stripe, admin, subB.id, 2000, "other")));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(refundableFen(db, subB.id)).toBe(3333 - 2000);
  });

  it("a failed Stripe refund is recorded as failed and does not count", async () => {
    const { subA } = await paidOrder();
    const spy = vi.spyOn(stripe.refunds, "create").mockRejectedValueOnce(new Error("stripe down"));
    await expect(refundSubOrder(db, stripe, admin, subA.id, 500, "other")).rejects.toThrow("stripe down");
    spy.mockRestore();
    expect(listRefunds(db, subA.id)[0]!.status).toBe("failed");
    expect(refundableFen(db, subA.id)).toBe(3980);
  });

  it("refunding every sub-order in full moves the order to refunded through the state machine", async () => {
    const { order, subA, subB } = await paidOrder();
    const a = await refundSubOrder(db, stripe, admin, subA.id, 3980, "cancelled");
    expect(a).toMatchObject({ subOrderRefunded: true, orderRefunded: false });
    expect(orderStatus(db, order.orderId)).toBe("paid");
    const b = await refundSubOrder(db, stripe, admin, subB.id, 1333, "cancelled");
    expect(b.subOrderRefunded).toBe(false);
    const c = await refundSubOrder(db, stripe, admin, subB.id, 2000, "cancelled");
    expect(c).toMatchObject({ subOrderRefunded: true, orderRefunded: true });
    expect(orderStatus(db, order.orderId)).toBe("refunded");
    const last = db.$client
      .prepare(`select from_status, to_status, source from order_status_history where order_id = ? order by id desc limit 1`)
      .get(order.orderId);
    expect(last).toEqual({ from_status: "paid", to_status: "refunded", source: "admin" });
    await expect(refundSubOrder(db, stripe, admin, subB.id, 1, "other")).rejects.toBeInstanceOf(DomainRuleError);
  });

  it("an unpaid order cannot be refunded", async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.apples, 1);
    const o = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
    await expect(refundSubOrder(db, stripe, admin, o.subOrders[0]!.id, 100, "other")).rejects.toMatchObject({ messageKey: "refunds.error.notRefundable" });
  });
});

describe("a full refund stops the sub-order's parcels", () => {
  let operator: Actor;
  beforeAll(async () => {
    const op = await createUser(db, { roles: ["delivery_operator"], displayName: "退款测试站长" });
    db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(m.pointId, op.id);
    operator = actorOf(op.id);
  });

  type ParcelRow = { id: number; code: string; status: string; slotId: number | null; subOrderId: number };
  const parcelsOf = (orderId: number) =>
    db.$client
      .prepare(`select id, code, status, slot_id as slotId, sub_order_id as subOrderId from parcels where order_id = ? order by id`)
      .all(orderId) as ParcelRow[];
  const parcelOf = (orderId: number, subOrderId: number) => parcelsOf(orderId).find((p) => p.subOrderId === subOrderId)!;
  const occupying = (slotId: number) =>
    db.$client
      .prepare(`select count(*) from parcels where slot_id = ? and status in ('dispatched', 'arrived', 'return_flagged')`)
      .pluck()
      .get(slotId) as number;
  const eventsOf = (parcelId: number) => db.$client.prepare(`select kind from parcel_events where parcel_id = ? order by id`).pluck().all(parcelId) as string[];

  /** Checkout, then paid the way Stripe pays: a signed payment_intent.succeeded through the webhook handler. */
  async function paidThroughWebhook() {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.apples, 2); // 3980
    addToCart(db, b.id, m.kiwis, 1); // 3333
    const order = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    const object = {
      ...(await stripe.paymentIntents.retrieve(pi.id)),
      status: "succeeded",
      amount: order.totalFen,
      amount_received: order.totalFen,
      currency: "cny",
      metadata: { order_id: String(order.orderId) },
    };
    const event = {
      id: `evt_refund_parcels_${order.orderId}`,
      object: "event",
      api_version: "2026-10-28.endive",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "payment_intent.succeeded",
      data: { object },
    };
    const { body, signature } = signedEvent(stripe, event, TEST_WEBHOOK_SECRET);
    expect(await handleStripeWebhook(db, stripe, body, signature, TEST_WEBHOOK_SECRET)).toMatchObject({ status: 200, duplicate: false });
    expect(orderStatus(db, order.orderId)).toBe("paid");
    const subA = order.subOrders.find((s) => s.producerId === m.producerA)!;
    const subB = order.subOrders.find((s) => s.producerId === m.producerB)!;
    return { order, subA, subB };
  }

  it("a dispatched parcel is flagged for return and keeps its slot; one still at the producer is cancelled; the return frees the slot", async () => {
    const { order, subA, subB } = await paidThroughWebhook();
    expect(parcelsOf(order.orderId).map((p) => p.status)).toEqual(["awaiting_dispatch", "awaiting_dispatch"]);
    // Producer A sends its box; producer B has not yet.
    expect(dispatchSubOrder(db, farmerA, subA.id).dispatched).toHaveLength(1);
    const dispatched = parcelOf(order.orderId, subA.id);
    expect(dispatched).toMatchObject({ status: "dispatched" });
    const slotId = dispatched.slotId!;
    expect(slotId).not.toBeNull();
    expect(occupying(slotId)).toBe(1);

    const a = await refundSubOrder(db, stripe, admin, subA.id, 3980, "cancelled");
    expect(a).toMatchObject({ subOrderRefunded: true, orderRefunded: false });
    // The box exists and is on its way: flagged for return, its slot still taken.
    expect(parcelOf(order.orderId, subA.id)).toMatchObject({ status: "return_flagged", slotId });
    expect(occupying(slotId)).toBe(1);
    expect(eventsOf(dispatched.id)).toContain("return_flagged");
    expect(parcelOf(order.orderId, subB.id).status).toBe("awaiting_dispatch"); // the other producer's part goes on

    const b = await refundSubOrder(db, stripe, admin, subB.id, 3333, "cancelled");
    expect(b).toMatchObject({ subOrderRefunded: true, orderRefunded: true });
    expect(orderStatus(db, order.orderId)).toBe("refunded");
    // B's box never left the producer: cancelled, no slot.
    expect(parcelOf(order.orderId, subB.id)).toMatchObject({ status: "cancelled", slotId: null });
    expect(() => dispatchSubOrder(db, farmerB, subB.id)).toThrow();

    // It cannot reach the buyer: not at the point (never arrived), nor arrive now.
    expect(() => handOutParcel(db, operator, { parcelId: dispatched.id, pickupCode: "000000" })).toThrow(/notAtPoint/);
    expect(() => markParcelArrived(db, operator, dispatched.code)).toThrow(/notDispatched/);
    // The operator sends it back: the slot is free again.
    markReturned(db, operator, dispatched.id);
    expect(parcelOf(order.orderId, subA.id)).toMatchObject({ status: "returned", slotId });
    expect(occupying(slotId)).toBe(0);
  });

  it("a parcel waiting at the point is not handed out, even with its right code, once its sub-order is refunded in full", async () => {
    const { order, subA } = await paidThroughWebhook();
    dispatchSubOrder(db, farmerA, subA.id);
    const p = parcelOf(order.orderId, subA.id);
    markParcelArrived(db, operator, p.code);
    expect(parcelOf(order.orderId, subA.id).status).toBe("arrived");
    const code = pickupCode(p.id, db.$client.prepare(`select pickup_code_nonce from parcels where id = ?`).pluck().get(p.id) as string);

    await refundSubOrder(db, stripe, admin, subA.id, 3980, "goodwill");
    expect(parcelOf(order.orderId, subA.id)).toMatchObject({ status: "return_flagged", slotId: p.slotId });
    expect(() => handOutParcel(db, operator, { parcelId: p.id, pickupCode: code })).toThrow(/orderCancelled/);
    expect(parcelOf(order.orderId, subA.id).status).toBe("return_flagged");
    markReturned(db, operator, p.id);
    expect(occupying(p.slotId!)).toBe(0);
  });
});

describe("disputes", () => {
  it("buyer opens, producer answers, admin refunds in full through Stripe; every step visible to both sides", async () => {
    const { buyer, subA, order } = await paidOrder("picked_up");
    const id = openDispute(db, buyer, subA.id, { kind: "quality", body: "苹果有一半烂了", photos: ["abc.webp"] });
    expect(() => openDispute(db, buyer, subA.id, { kind: "quality", body: "again" })).toThrow(DomainRuleError);
    expect(() => answerDispute(db, farmerB, id, "not mine")).toThrow(ForbiddenError);
    answerDispute(db, farmerA, id, "抱歉，同意退款");
    expect(getDispute(db, id)!.status).toBe("answered");
    await expect(decideDispute(db, stripe, farmerA, id, { outcome: "full" }, "")).rejects.toBeInstanceOf(ForbiddenError);
    const decided = await decideDispute(db, stripe, admin, id, { outcome: "full" }, "全额退款");
    expect(decided).toEqual({ status: "refunded_full", refundedFen: 3980 });
    const refunds = listRefunds(db, subA.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ reason: "dispute", disputeId: id, amountFen: 3980, status: "succeeded" });
    // B's sub-order is untouched: the order keeps its status.
    expect(orderStatus(db, order.orderId)).toBe("picked_up");
    for (const viewer of [buyer, farmerA, admin]) {
      const { dispute } = getDisputeForViewer(db, viewer, id);
      expect(dispute.messages.map((x) => x.role)).toEqual(["buyer", "producer", "platform"]);
      expect(dispute.messages[0]!.photos).toEqual(["abc.webp"]);
      expect(dispute.status).toBe("refunded_full");
    }
    expect(() => getDisputeForViewer(db, farmerB, id)).toThrow(ForbiddenError);
    await expect(decideDispute(db, stripe, admin, id, { outcome: "reject" }, "")).rejects.toMatchObject({ messageKey: "disputes.error.decided" });
  });

  it("partial refund and rejection", async () => {
    const one = await paidOrder("picked_up");
    const d1 = openDispute(db, one.buyer, one.subB.id, { kind: "quantity", body: "少了一个" });
    await expect(decideDispute(db, stripe, admin, d1, { outcome: "partial", amountFen: 99999 }, "")).rejects.toMatchObject({
      messageKey: "refunds.error.tooMuch",
    });
    expect(getDispute(db, d1)!.status).toBe("open");
    expect(await decideDispute(db, stripe, admin, d1, { outcome: "partial", amountFen: 1111 }, "退一个")).toEqual({
      status: "refunded_partial",
      refundedFen: 1111,
    });
    expect(refundableFen(db, one.subB.id)).toBe(3333 - 1111);

    const two = await paidOrder("picked_up");
    const d2 = openDispute(db, two.buyer, two.subA.id, { kind: "not_received", body: "没收到" });
    expect(await decideDispute(db, stripe, admin, d2, { outcome: "reject" }, "站点记录显示已取货")).toEqual({ status: "rejected", refundedFen: 0 });
    expect(listRefunds(db, two.subA.id)).toHaveLength(0);
    expect(listDisputesForAdmin(db).map((d) => d.id)).toEqual(expect.arrayContaining([d1, d2]));
  });

  it("a failed refund undoes the decision", async () => {
    const { buyer, subA } = await paidOrder("picked_up");
    const id = openDispute(db, buyer, subA.id, { kind: "quality", body: "坏了" });
    const spy = vi.spyOn(stripe.refunds, "create").mockRejectedValueOnce(new Error("stripe down"));
    await expect(decideDispute(db, stripe, admin, id, { outcome: "full" }, "")).rejects.toThrow("stripe down");
    spy.mockRestore();
    expect(getDispute(db, id)).toMatchObject({ status: "open", decidedAt: null, decidedBy: null });
    expect(getDispute(db, id)!.messages).toHaveLength(1);
  });

  it("only the buyer, only after pickup, only within 7 days", async () => {
    const notYet = await paidOrder("paid");
    expect(() => openDispute(db, notYet.buyer, notYet.subA.id, { kind: "quality", body: "x" })).toThrow(
      expect.objectContaining({ messageKey: "disputes.error.notPickedUp" }),
    );
    const old = await paidOrder("picked_up", Date.now() - DISPUTE_WINDOW_MS - 60_000);
    expect(() => openDispute(db, old.buyer, old.subA.id, { kind: "quality", body: "x" })).toThrow(
      expect.objectContaining({ messageKey: "disputes.error.tooLate" }),
    );
    const fresh = await paidOrder("picked_up");
    expect(() => openDispute(db, farmerA, fresh.subA.id, { kind: "quality", body: "x" })).toThrow(ForbiddenError);
    expect(() => openDispute(db, fresh.buyer, fresh.subA.id, { kind: "quality", body: "  " })).toThrow(
      expect.objectContaining({ messageKey: "disputes.error.body" }),
    );
  });
});

describe("completion after the dispute window", () => {
  it("completes orders picked up more than 7 days ago, but not one with a dispute pending", async () => {
    const now = Date.now();
    const pickedUp = now - DISPUTE_WINDOW_MS + 60_000; // inside the window today…
    const calm = await paidOrder("picked_up", pickedUp);
    const disputed = await paidOrder("picked_up", pickedUp);
    openDispute(db, disputed.buyer, disputed.subA.id, { kind: "quality", body: "坏了几个" }, pickedUp + 1000);
    const recent = await paidOrder("picked_up", now - 3600_000);
    const later = now + 120_000; // …and past it two minutes later
    const done = completeOrdersPastDisputeWindow(db, later);
    expect(done).toContain(calm.order.orderId);
    expect(done).not.toContain(disputed.order.orderId);
    expect(done).not.toContain(recent.order.orderId);
    expect(orderStatus(db, calm.order.orderId)).toBe("completed");
    expect(orderStatus(db, disputed.order.orderId)).toBe("picked_up");
    expect(completeOrdersPastDisputeWindow(db, later)).not.toContain(calm.order.orderId); // once
  });
});

describe("ratings on real orders", () => {
  it("after pickup, once per sub-order; producer average and count", async () => {
    const before = producerRating(db, m.producerB);
    const notYet = await paidOrder("paid");
    expect(() => rateSubOrder(db, notYet.buyer, notYet.subB.id, 5)).toThrow(expect.objectContaining({ messageKey: "ratings.error.notPickedUp" }));
    const o1 = await paidOrder("picked_up");
    const o2 = await paidOrder("picked_up");
    rateSubOrder(db, o1.buyer, o1.subB.id, 5, "很甜");
    rateSubOrder(db, o2.buyer, o2.subB.id, 4);
    expect(() => rateSubOrder(db, o1.buyer, o1.subB.id, 1)).toThrow(expect.objectContaining({ messageKey: "ratings.error.exists" }));
    expect(() => rateSubOrder(db, o2.buyer, o1.subA.id, 1)).toThrow(ForbiddenError);
    expect(before.count).toBe(0);
    expect(producerRating(db, m.producerB)).toEqual({ average: 4.5, count: 2 });
  });
});
