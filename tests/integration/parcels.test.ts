/**
 * Parcels end to end against a real SQLite file (issue 5): dispatch with best-fit slots and consented
 * changes of point, arrival with a pickup code (in-app + SMS), hand-out with per-parcel and per-point
 * lockouts, recall holds, 到站付款, holding periods (reminder, flag, return), lot chains, cancellation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import type { Db } from "../../db/client";
import { closeDb } from "../../db/client";
import { actorFor, createDeliveryPoint, createTestDatabase, createUser } from "../../seeds/factories";
import type { Actor } from "../../core/permissions";
import { NotFoundError } from "../../core/errors";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { cancelUnpaidOrder } from "../../market/orders/orders";
import { markReturned, sweepHolding } from "../../logistics/holding";
import { invalidateNetwork } from "../../logistics/network";
import {
  buyerParcels,
  dispatchSubOrder,
  handOutParcel,
  markParcelArrived,
  operatorParcels,
  pendingPointChanges,
  respondToPointChange,
} from "../../logistics/parcels";
import { pickupCode } from "../../logistics/pickup-code";
import { setSmsSender } from "../../logistics/sms";
import { getLotChain, verifyLot } from "../../traceability/store";
import { createBuyer, createMarket, orderStatus, type Market } from "../helpers/orders";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let db: Db;
let cleanup: () => void;
let m: Market;
let opA: Actor; // operator of m.pointId
let opB: Actor; // operator of pointB only
const sms: { phone: string; text: string }[] = [];

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  setSmsSender({ send: (phone, text) => void sms.push({ phone, text }) });
  m = await createMarket(db, { stockA: 1000, stockB: 1000 });
  const a = await createUser(db, { roles: ["delivery_operator"], displayName: "甲站长" });
  const b = await createUser(db, { roles: ["delivery_operator"], displayName: "乙站长" });
  db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(m.pointId, a.id);
  createDeliveryPoint(db, { kind: "village_station", name: "乙村服务站", address: "乙村村委会", lat: 34.12, lng: 108.92, operatorUserIds: [b.id] });
  invalidateNetwork();
  opA = actorFor(db, a.id);
  opB = actorFor(db, b.id);
});
afterAll(() => {
  closeDb();
  cleanup();
});
beforeEach(() => {
  sms.length = 0;
});

const ownerOf = (producerId: number) =>
  actorFor(db, db.$client.prepare(`select user_id from producer_members where producer_id = ? and role = 'owner'`).pluck().get(producerId) as number);
const one = <T>(sql: string, ...args: unknown[]) => db.$client.prepare(sql).get(...args) as T;
const val = <T>(sql: string, ...args: unknown[]) =>
  db.$client
    .prepare(sql)
    .pluck()
    .get(...args) as T;

/** A 到站付款 order (no Stripe needed; pending_payment until the operator collects) or a paid one. */
async function placeOrder(opts: { apples?: number; kiwis?: number; pointId?: number; paid?: boolean } = {}) {
  const buyer = await createBuyer(db);
  if (opts.apples ?? 1) addToCart(db, buyer.id, m.apples, opts.apples ?? 1);
  if (opts.kiwis) addToCart(db, buyer.id, m.kiwis, opts.kiwis);
  const order = checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: opts.pointId ?? m.pointId, payAtPickup: !opts.paid });
  if (opts.paid) {
    // As the payment webhook would (payments tests cover that path).
    db.$client.prepare(`update orders set status = 'paid', paid_at = ? where id = ?`).run(Date.now(), order.orderId);
    db.$client.prepare(`update sub_orders set status = 'paid' where order_id = ?`).run(order.orderId);
  }
  return { ...order, buyer: actorFor(db, buyer.id), phone: buyer.phone };
}

const subsOf = (orderId: number) =>
  db.$client.prepare(`select id, producer_id as producerId from sub_orders where order_id = ? order by id`).all(orderId) as {
    id: number;
    producerId: number;
  }[];
const parcelsOf = (orderId: number) =>
  db.$client.prepare(`select id, code, status, slot_id as slotId, delivery_point_id as pointId from parcels where order_id = ? order by id`).all(orderId) as {
    id: number;
    code: string;
    status: string;
    slotId: number | null;
    pointId: number;
  }[];
const codeOf = (parcelId: number) => pickupCode(parcelId, val<string>(`select pickup_code_nonce from parcels where id = ?`, parcelId));
const wrongCodeFor = (parcelId: number) => String((Number(codeOf(parcelId)) + 1) % 1_000_000).padStart(6, "0");

function dispatchAll(orderId: number, now?: number) {
  return subsOf(orderId).map((s) => dispatchSubOrder(db, ownerOf(s.producerId), s.id, now));
}
function arriveAll(orderId: number, op: Actor = opA, now?: number) {
  return parcelsOf(orderId).map((p) => markParcelArrived(db, op, p.code, now));
}

describe("dispatch and arrival", () => {
  it("allocates best-fit slots, then arrival issues a code, tells the buyer (in-app + SMS) and makes the order ready", async () => {
    const order = await placeOrder({ apples: 2, kiwis: 1, paid: true });
    const [resA, resB] = dispatchAll(order.orderId);
    expect(resA.dispatched.length + resB.dispatched.length).toBe(parcelsOf(order.orderId).length);
    expect(resA.subOrderStatus).toBe("in_fulfilment");
    expect(orderStatus(db, order.orderId)).toBe("in_fulfilment");
    for (const p of parcelsOf(order.orderId)) {
      expect(p.status).toBe("dispatched");
      // Best fit: an ambient parcel gets an ambient slot of its own size when one is free.
      const slot = one<{ size: string; chilled: number }>(`select size, chilled from storage_slots where id = ?`, p.slotId);
      const parcel = one<{ size: string }>(`select size from parcels where id = ?`, p.id);
      expect(slot).toEqual({ size: parcel.size, chilled: 0 });
    }
    // The producer cannot dispatch twice; a stranger not at all.
    expect(() => dispatchSubOrder(db, ownerOf(m.producerB), subsOf(order.orderId)[0].id)).toThrow(/forbidden/);
    expect(() => dispatchAll(order.orderId)).toThrow(/nothingToDispatch/);

    const [first, ...rest] = parcelsOf(order.orderId);
    const t0 = Date.now();
    const arrived = markParcelArrived(db, opA, first.code.toLowerCase().replace(/(.{5})/, "$1-"), t0); // typed sloppily
    expect(arrived.parcelId).toBe(first.id);
    expect(() => markParcelArrived(db, opA, first.code)).toThrow(/alreadyArrived/);
    expect(orderStatus(db, order.orderId)).toBe("in_fulfilment");
    for (const p of rest) markParcelArrived(db, opA, p.code, t0);
    expect(orderStatus(db, order.orderId)).toBe("ready_for_pickup");

    const notice = one<{ messageKey: string; link: string; params: string }>(
      `select message_key as messageKey, link, params from notifications where user_id = ? and kind = 'parcel_arrived' order by id limit 1`,
      order.buyer.id,
    );
    expect(notice).toMatchObject({ messageKey: "parcels.notice.arrived", link: `/orders/${order.orderId}` });
    const toBuyer = sms.filter((s) => s.phone === order.phone);
    expect(toBuyer).toHaveLength(parcelsOf(order.orderId).length);
    expect(toBuyer[0].text).toContain(codeOf(first.id));
    expect(toBuyer[0].text).toContain("测试村服务站");

    // The buyer sees the code; another buyer does not see the order at all.
    const seen = buyerParcels(db, order.buyer, order.orderId);
    expect(seen.find((p) => p.id === first.id)).toMatchObject({
      status: "arrived",
      pickupCode: codeOf(first.id),
      qrPayload: `CUNPIN-PICKUP:${first.code}:${codeOf(first.id)}`,
    });
    expect(() => buyerParcels(db, m.buyer as unknown as Actor, order.orderId)).toThrow(NotFoundError);
  });

  it("uses the point's configured holding days: fresh parcels the short period, others the long one", async () => {
    db.$client.prepare(`update delivery_points set holding_days_fresh = 2, holding_days_other = 5 where id = ?`).run(m.pointId);
    const kiwiCategory = val<number>(`select category_id from listings where id = ?`, m.kiwis);
    db.$client.prepare(`update listings set category_id = (select id from categories where slug = 'grain') where id = ?`).run(m.kiwis);
    onTestFinished(() => {
      db.$client.prepare(`update delivery_points set holding_days_fresh = 3, holding_days_other = 7 where id = ?`).run(m.pointId);
      db.$client.prepare(`update listings set category_id = ? where id = ?`).run(kiwiCategory, m.kiwis);
    });
    const order = await placeOrder({ apples: 1, kiwis: 1, paid: true });
    dispatchAll(order.orderId);
    const t0 = Date.UTC(2026, 10, 27, 2, 0, 0);
    arriveAll(order.orderId, opA, t0);
    const rows = db.$client
      .prepare(`select fresh, hold_until as holdUntil, arrived_at as arrivedAt from parcels where order_id = ? order by fresh`)
      .all(order.orderId) as {
      fresh: number;
      holdUntil: number;
      arrivedAt: number;
    }[];
    expect(rows.map((r) => [r.fresh, (r.holdUntil - r.arrivedAt) / DAY])).toEqual([
      [0, 5],
      [1, 2],
    ]);
  });
});

describe("another point's operator", () => {
  it("cannot mark arrived (not found), hand out (forbidden) or list the point (forbidden)", async () => {
    const order = await placeOrder({ paid: true });
    dispatchAll(order.orderId);
    const [p] = parcelsOf(order.orderId);
    expect(() => markParcelArrived(db, opB, p.code)).toThrow(NotFoundError);
    expect(parcelsOf(order.orderId)[0].status).toBe("dispatched");
    markParcelArrived(db, opA, p.code);
    expect(() => handOutParcel(db, opB, { parcelId: p.id, pickupCode: codeOf(p.id) })).toThrow(/forbidden/);
    expect(() => operatorParcels(db, opB, { pointId: m.pointId })).toThrow(/forbidden/);
    expect(operatorParcels(db, opB).arrived.map((x) => x.id)).not.toContain(p.id);
    expect(operatorParcels(db, opA).arrived.map((x) => x.id)).toContain(p.id);
    // Nor can a buyer or a farmer act as an operator.
    expect(() => markParcelArrived(db, order.buyer, p.code)).toThrow(/forbidden/);
    expect(parcelsOf(order.orderId)[0].status).toBe("arrived");
  });
});

describe("pickup code verification and lockout", () => {
  it("refuses a wrong code (recorded, attempts left), locks the parcel after 5 for 15 minutes", async () => {
    const order = await placeOrder({ paid: true });
    dispatchAll(order.orderId);
    arriveAll(order.orderId);
    const [p] = parcelsOf(order.orderId);
    const t0 = Date.now();
    for (let i = 1; i <= 4; i++) {
      expect(() => handOutParcel(db, opA, { parcelId: p.id, pickupCode: wrongCodeFor(p.id) }, t0 + i)).toThrow(/wrongCode/);
      expect(val<number>(`select failed_pickup_attempts from parcels where id = ?`, p.id)).toBe(i);
    }
    expect(() => handOutParcel(db, opA, { parcelId: p.id, pickupCode: wrongCodeFor(p.id) }, t0 + 5)).toThrow(/parcelLockedNow/);
    expect(val<number>(`select pickup_locked_until from parcels where id = ?`, p.id)).toBe(t0 + 5 + 15 * 60_000);
    // Locked: even the right code is refused, before it is compared (no attempt recorded).
    const attempts = val<number>(`select count(*) from pickup_attempts where parcel_id = ?`, p.id);
    expect(attempts).toBe(5);
    expect(() => handOutParcel(db, opA, { parcelId: p.id, pickupCode: codeOf(p.id) }, t0 + 60_000)).toThrow(/parcelLocked/);
    expect(val<number>(`select count(*) from pickup_attempts where parcel_id = ?`, p.id)).toBe(5);
    expect(parcelsOf(order.orderId)[0].status).toBe("arrived");
    // After the lock, the right code hands it out and the order is picked up.
    expect(handOutParcel(db, opA, { parcelId: p.id, pickupCode: codeOf(p.id), confirmPayment: true }, t0 + 16 * 60_000)).toMatchObject({ orderPickedUp: true });
    expect(orderStatus(db, order.orderId)).toBe("picked_up");
    expect(val<number>(`select count(*) from pickup_attempts where parcel_id = ? and success = 1`, p.id)).toBe(1);
  });

  it("locks the point's code entry after 20 wrong codes in 15 minutes, checked before comparing", async () => {
    const point = createDeliveryPoint(db, { kind: "village_station", name: "丙村服务站", address: "丙村", lat: 34.3, lng: 109.1, operatorUserIds: [opA.id] });
    invalidateNetwork();
    const orders = [];
    for (let i = 0; i < 6; i++) orders.push(await placeOrder({ paid: true, pointId: point }));
    const parcels = orders.flatMap((o) => {
      dispatchAll(o.orderId);
      arriveAll(o.orderId);
      return parcelsOf(o.orderId);
    });
    const t0 = Date.now();
    let n = 0;
    // 4 wrong codes on each of 5 parcels: no parcel is locked, but the point reaches 20.
    for (const p of parcels.slice(0, 5)) {
      for (let i = 0; i < 4; i++) expect(() => handOutParcel(db, opA, { parcelId: p.id, pickupCode: wrongCodeFor(p.id) }, t0 + ++n)).toThrow(/wrongCode/);
    }
    const fresh = parcels[5];
    expect(() => handOutParcel(db, opA, { parcelId: fresh.id, pickupCode: codeOf(fresh.id) }, t0 + 60_000)).toThrow(/pointLocked/);
    expect(val<number>(`select count(*) from pickup_attempts where parcel_id = ?`, fresh.id)).toBe(0);
    // The other point is not affected.
    expect(val<number>(`select count(*) from pickup_attempts where delivery_point_id = ? and success = 0 and at > ?`, m.pointId, t0)).toBe(0);
    // Fifteen minutes after the failures, code entry is open again.
    expect(handOutParcel(db, opA, { parcelId: fresh.id, pickupCode: codeOf(fresh.id) }, t0 + n + 15 * 60_000 + 1).orderPickedUp).toBe(true);
  });
});

describe("hand-out rules", () => {
  it("a recall hold blocks hand-out (and shows on the operator's list)", async () => {
    const order = await placeOrder({ paid: true });
    dispatchAll(order.orderId);
    arriveAll(order.orderId);
    const [p] = parcelsOf(order.orderId);
    db.$client.prepare(`update order_lines set hold_reason = 'recall' where order_id = ?`).run(order.orderId);
    expect(operatorParcels(db, opA).arrived.find((x) => x.id === p.id)?.recallHold).toBe(true);
    expect(() => handOutParcel(db, opA, { parcelId: p.id, pickupCode: codeOf(p.id) })).toThrow(/recallHold/);
    expect(parcelsOf(order.orderId)[0].status).toBe("arrived");
    expect(val<number>(`select count(*) from pickup_attempts where parcel_id = ?`, p.id)).toBe(0);
  });

  it("到站付款 requires the payment confirmation; then the order is paid and picked up, invoices issued", async () => {
    const order = await placeOrder({ apples: 1, kiwis: 1 });
    expect(orderStatus(db, order.orderId)).toBe("pending_payment");
    dispatchAll(order.orderId);
    arriveAll(order.orderId);
    expect(orderStatus(db, order.orderId)).toBe("pending_payment");
    const [p1, p2] = parcelsOf(order.orderId);
    expect(operatorParcels(db, opA).arrived.find((x) => x.id === p1.id)?.payDueFen).toBe(order.totalFen);
    expect(() => handOutParcel(db, opA, { parcelId: p1.id, pickupCode: codeOf(p1.id) })).toThrow(/confirmPayment/);
    expect(handOutParcel(db, opA, { parcelId: p1.id, pickupCode: codeOf(p1.id), confirmPayment: true })).toMatchObject({
      paidAtPickup: true,
      orderPickedUp: false,
    });
    expect(orderStatus(db, order.orderId)).toBe("ready_for_pickup");
    expect(val<number>(`select pay_at_pickup_confirmed_by from orders where id = ?`, order.orderId)).toBe(opA.id);
    expect(val<number>(`select count(*) from invoices i join sub_orders s on s.id = i.sub_order_id where s.order_id = ?`, order.orderId)).toBe(2);
    // The second parcel: already paid, no confirmation needed.
    expect(handOutParcel(db, opA, { parcelId: p2.id, pickupCode: codeOf(p2.id) })).toMatchObject({ paidAtPickup: false, orderPickedUp: true });
    expect(orderStatus(db, order.orderId)).toBe("picked_up");
    expect(val<number>(`select count(*) from order_lines where order_id = ? and picked_up_at is null`, order.orderId)).toBe(0);
  });

  it("shipping (at 发货, signed by the producer), arrival and pickup appear in each lot's chain, which still verifies", async () => {
    const order = await placeOrder({ paid: true });
    const batchId = val<number>(`select batch_id from order_lines where order_id = ?`, order.orderId);
    const before = getLotChain(db, batchId).contents.length;
    dispatchAll(order.orderId);
    arriveAll(order.orderId);
    const [p] = parcelsOf(order.orderId);
    handOutParcel(db, opA, { parcelId: p.id, pickupCode: codeOf(p.id) });
    const chain = getLotChain(db, batchId).contents.slice(before);
    expect(chain.map((c) => c.type)).toEqual(["shipping", "arrival", "pickup"]);
    expect(chain[0].payload).toMatchObject({ orderId: String(order.orderId), destination: "测试村服务站" });
    expect(chain[1].payload).toMatchObject({ receivedBy: "测试村服务站", orderId: String(order.orderId) });
    expect(chain[2].payload).toMatchObject({ orderId: String(order.orderId), pickupPoint: "测试村服务站" });
    expect(verifyLot(db, batchId).ok).toBe(true);
  });
});

describe("holding period", () => {
  it("reminds a day before, flags when it passed (buyer and producer told), and a return frees the slot", async () => {
    const order = await placeOrder({ paid: true });
    dispatchAll(order.orderId);
    const t0 = Date.now();
    arriveAll(order.orderId, opA, t0);
    const [p] = parcelsOf(order.orderId);
    const holdUntil = val<number>(`select hold_until from parcels where id = ?`, p.id);
    expect(holdUntil).toBe(t0 + 3 * DAY); // apples are fresh: the point's 3 days

    sms.length = 0;
    // Other tests' parcels share the database: look at this one.
    const reminderAt = () => val<number | null>(`select reminder_sent_at from parcels where id = ?`, p.id);
    sweepHolding(db, holdUntil - 25 * HOUR);
    expect(reminderAt()).toBeNull();
    expect(sweepHolding(db, holdUntil - 23 * HOUR).reminded).toBeGreaterThanOrEqual(1);
    expect(reminderAt()).toBe(holdUntil - 23 * HOUR);
    expect(parcelsOf(order.orderId)[0].status).toBe("arrived");
    sweepHolding(db, holdUntil - 22 * HOUR);
    expect(reminderAt()).toBe(holdUntil - 23 * HOUR); // once
    expect(
      sms
        .filter((s) => s.phone === order.phone)
        .map((s) => s.text)
        .join(),
    ).toContain(codeOf(p.id));
    expect(val<number>(`select count(*) from notifications where user_id = ? and message_key = 'parcels.notice.reminder'`, order.buyer.id)).toBe(1);

    expect(sweepHolding(db, holdUntil + 1).flagged).toBeGreaterThanOrEqual(1);
    expect(parcelsOf(order.orderId)[0].status).toBe("return_flagged");
    expect(val<number>(`select count(*) from notifications where user_id = ? and message_key = 'parcels.notice.returnFlagged'`, order.buyer.id)).toBe(1);
    expect(
      val<number>(`select count(*) from notifications where user_id = ? and message_key = 'parcels.notice.returnFlaggedProducer'`, ownerOf(m.producerA).id),
    ).toBeGreaterThan(0);
    expect(operatorParcels(db, opA, {}, holdUntil + 2).flagged.map((x) => x.id)).toContain(p.id);

    // The slot stays taken until the parcel leaves.
    const slotId = parcelsOf(order.orderId)[0].slotId!;
    const occupied = () => val<number>(`select count(*) from parcels where slot_id = ? and status in ('dispatched', 'arrived', 'return_flagged')`, slotId);
    expect(occupied()).toBe(1);
    expect(() => markReturned(db, opB, p.id)).toThrow(/forbidden/);
    markReturned(db, opA, p.id, holdUntil + HOUR);
    expect(parcelsOf(order.orderId)[0]).toMatchObject({ status: "returned", slotId });
    expect(occupied()).toBe(0);
    expect(() => markReturned(db, opA, p.id)).toThrow(/notFlagged/);
  });

  it("an overdue parcel not yet swept shows as overdue to the operator", async () => {
    const order = await placeOrder({ paid: true });
    dispatchAll(order.orderId);
    const t0 = Date.now();
    arriveAll(order.orderId, opA, t0);
    const [p] = parcelsOf(order.orderId);
    expect(operatorParcels(db, opA, {}, t0 + 4 * DAY).overdue.map((x) => x.id)).toContain(p.id);
  });
});

describe("a full point", () => {
  it("proposes the nearest feasible point; nothing moves without consent; accepting moves the order and its parcel", async () => {
    const tiny = createDeliveryPoint(db, {
      kind: "village_station",
      name: "丁村小站",
      address: "丁村",
      lat: 34.2,
      lng: 108.95,
      operatorUserIds: [opA.id],
      slots: [{ size: "large", count: 2 }],
    });
    invalidateNetwork();
    const first = await placeOrder({ paid: true, pointId: tiny });
    const second = await placeOrder({ paid: true, pointId: tiny });
    // One slot breaks: the point can hold only one of the two promised parcels.
    db.$client.prepare(`update storage_slots set out_of_service = 1 where id = (select max(id) from storage_slots where delivery_point_id = ?)`).run(tiny);
    expect(dispatchAll(first.orderId)[0].dispatched).toHaveLength(1);

    const [res] = dispatchAll(second.orderId);
    expect(res.dispatched).toHaveLength(0);
    expect(res.waiting).toHaveLength(1);
    expect(res.proposal).not.toBeNull();
    const change = one<{ id: number; fromPointId: number; toPointId: number; reason: string }>(
      `select id, from_point_id as fromPointId, to_point_id as toPointId, reason from delivery_point_changes where order_id = ?`,
      second.orderId,
    );
    expect(change).toMatchObject({ fromPointId: tiny, reason: "point_full" });
    expect(change.toPointId).not.toBe(tiny);
    // Nothing moved.
    expect(parcelsOf(second.orderId)[0]).toMatchObject({ status: "awaiting_dispatch", pointId: tiny, slotId: null });
    expect(val<number>(`select delivery_point_id from orders where id = ?`, second.orderId)).toBe(tiny);
    expect(one<{ link: string }>(`select link from notifications where user_id = ? and message_key = 'parcels.notice.pointChange'`, second.buyer.id).link).toBe(
      `/orders/${second.orderId}`,
    );
    // Dispatching again does not propose twice.
    expect(dispatchAll(second.orderId)[0].proposal?.changeId).toBe(change.id);
    expect(val<number>(`select count(*) from delivery_point_changes where order_id = ?`, second.orderId)).toBe(1);

    // Only the order's buyer may answer.
    expect(() => respondToPointChange(db, first.buyer, change.id, true)).toThrow(NotFoundError);
    expect(pendingPointChanges(db, second.buyer, second.orderId).map((c) => c.id)).toEqual([change.id]);
    respondToPointChange(db, second.buyer, change.id, true);
    expect(() => respondToPointChange(db, second.buyer, change.id, true)).toThrow(/changeAnswered/);
    expect(one(`select consented_by as by, consented_at is not null as at from delivery_point_changes where id = ?`, change.id)).toEqual({
      by: second.buyer.id,
      at: 1,
    });
    expect(val<number>(`select delivery_point_id from orders where id = ?`, second.orderId)).toBe(change.toPointId);
    expect(parcelsOf(second.orderId)[0]).toMatchObject({ status: "awaiting_dispatch", pointId: change.toPointId });
    expect(val<number>(`select count(*) from parcel_events where parcel_id = ? and kind = 'point_changed'`, parcelsOf(second.orderId)[0].id)).toBe(1);
    // The producer dispatches again, now to the new point.
    expect(dispatchAll(second.orderId)[0].dispatched).toHaveLength(1);
    expect(parcelsOf(second.orderId)[0].status).toBe("dispatched");
  });

  it("a declined proposal leaves the parcel waiting for its own point until space frees up", async () => {
    const tiny = createDeliveryPoint(db, {
      kind: "village_station",
      name: "戊村小站",
      address: "戊村",
      lat: 34.4,
      lng: 108.7,
      operatorUserIds: [opA.id],
      slots: [{ size: "large", count: 2 }],
    });
    invalidateNetwork();
    const first = await placeOrder({ paid: true, pointId: tiny });
    const second = await placeOrder({ paid: true, pointId: tiny });
    db.$client.prepare(`update storage_slots set out_of_service = 1 where id = (select max(id) from storage_slots where delivery_point_id = ?)`).run(tiny);
    dispatchAll(first.orderId);
    const changeId = dispatchAll(second.orderId)[0].proposal!.changeId;
    respondToPointChange(db, second.buyer, changeId, false);
    expect(val<number>(`select declined_at is not null from delivery_point_changes where id = ?`, changeId)).toBe(1);
    expect(dispatchAll(second.orderId)[0]).toMatchObject({ dispatched: [], proposal: null });
    expect(parcelsOf(second.orderId)[0]).toMatchObject({ status: "awaiting_dispatch", pointId: tiny });
    // The first parcel is picked up: its slot frees, and the second goes out.
    arriveAll(first.orderId);
    const [p] = parcelsOf(first.orderId);
    handOutParcel(db, opA, { parcelId: p.id, pickupCode: codeOf(p.id) });
    expect(dispatchAll(second.orderId)[0].dispatched).toHaveLength(1);
    expect(parcelsOf(second.orderId)[0].slotId).toBe(p.slotId);
  });
});

describe("cancellation", () => {
  it("cancelling an order cancels parcels still at the producer; one already on its way is sent back, keeping its slot until returned", async () => {
    const order = await placeOrder({});
    dispatchAll(order.orderId);
    const [p] = parcelsOf(order.orderId);
    expect(p.status).toBe("dispatched");
    const notYet = await placeOrder({});
    expect(cancelUnpaidOrder(db, order.orderId, "expiry")).toBe(true);
    expect(cancelUnpaidOrder(db, notYet.orderId, "expiry")).toBe(true);
    expect(parcelsOf(notYet.orderId)[0]).toMatchObject({ status: "cancelled", slotId: null });
    // The box exists and is on its way: it is flagged for return, and its slot stays taken until the operator sends it back.
    expect(parcelsOf(order.orderId)[0]).toMatchObject({ status: "return_flagged" });
    expect(val<number>(`select count(*) from parcels where slot_id = ? and status in ('dispatched', 'arrived', 'return_flagged')`, p.slotId)).toBe(1);
    expect(() => markParcelArrived(db, opA, p.code)).toThrow(/notDispatched/);
    expect(() => handOutParcel(db, opA, { parcelId: p.id, pickupCode: "123456" })).toThrow(/notAtPoint|orderCancelled/);
    markReturned(db, opA, p.id);
    expect(val<number>(`select count(*) from parcels where slot_id = ? and status in ('dispatched', 'arrived', 'return_flagged')`, p.slotId)).toBe(0);
  });
  // A refund (not a cancellation) stopping parcels, through Stripe and the webhook: tests/integration/refunds-disputes.test.ts.
});
