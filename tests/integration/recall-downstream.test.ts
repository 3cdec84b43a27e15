/**
 * A recall stops everything downstream (issue 10 §3), against a real SQLite file and stripe-mock:
 * recalled parcels are not dispatched, are no manifest stop, are quarantined on arrival (no code, no
 * pickup notice, no SMS), then destroyed or returned; recalled lines are refunded once per
 * recall × line however often the refund runs (and after a failure); cash refunds for 到站付款
 * orders are paid out at the point once; the recall report carries the regulator's KDEs with the
 * buyer's phone in full for inspectors only.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../../db/client";
import type { Actor } from "../../core/permissions";
import { ForbiddenError } from "../../core/errors";
import { actorFor, cachedPasswordHash, createCourierRoute, createTestDatabase, createUser, ensureTestRegions } from "../../seeds/factories";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { cashRefundsDue, payOutCashRefund, refundRecall } from "../../market/orders/recall-refunds";
import { orderRefunds } from "../../market/orders/buyer-view";
import { reconcilePayments } from "../../market/payments/reconcile";
import { createPaymentIntent, type Stripe } from "../../market/payments/stripe";
import { applyPaymentOutcome } from "../../market/payments/settle";
import { buildDailyManifests, getManifest } from "../../logistics/manifests";
import { networkOverview } from "../../logistics/network-admin";
import { buyerParcels, dispatchableSubOrders, dispatchSubOrder, handOutParcel, markParcelArrived, operatorParcels } from "../../logistics/parcels";
import { pickupCode } from "../../logistics/pickup-code";
import { disposeRecalledParcel, quarantineParcel } from "../../logistics/recall-parcels";
import { setSmsSender } from "../../logistics/sms";
import { closeRecall, openRecall, producerRecallHistory, recallProgress, recallReportFor } from "../../traceability/recall";
import { getLotChain } from "../../traceability/store";
import { shanghaiDate } from "../../core/clock";
import { createBuyer, createMarket, orderStatus, type Market } from "../helpers/orders";
import { testStripe } from "../helpers/stripe";

let db: Db;
let cleanup: () => void;
let m: Market;
let stripe: Stripe;
let op: Actor;
let inspector: Actor;
let admin: Actor;
let farmerA: Actor;
let batchId: number;
const sms: { phone: string; text: string }[] = [];

const val = <T>(sql: string, ...args: unknown[]) =>
  db.$client
    .prepare(sql)
    .pluck()
    .get(...args) as T;
const parcelsOf = (orderId: number) =>
  db.$client.prepare(`select id, code, status, slot_id as slotId, pickup_code_nonce as nonce from parcels where order_id = ? order by id`).all(orderId) as {
    id: number;
    code: string;
    status: string;
    slotId: number | null;
    nonce: string | null;
  }[];
const subOf = (orderId: number) => val<number>(`select id from sub_orders where order_id = ?`, orderId);
const noticesOf = (userId: number, key: string) => val<number>(`select count(*) from notifications where user_id = ? and message_key = ?`, userId, key);

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  setSmsSender({ send: (phone, text) => void sms.push({ phone, text }) });
  m = await createMarket(db, { stockA: 500, stockB: 500 });
  stripe = testStripe();
  const { countyId } = ensureTestRegions(db);
  const routeId = createCourierRoute(db, { countyId, name: "召回测试线", depotName: "县共配中心", depotLat: 34.0, depotLng: 108.8 });
  db.$client.prepare(`update delivery_points set courier_route_id = ? where id = ?`).run(routeId, m.pointId);
  const hash = await cachedPasswordHash();
  const o = await createUser(db, { roles: ["delivery_operator"], displayName: "召回站长", passwordHash: hash });
  db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(m.pointId, o.id);
  op = actorFor(db, o.id);
  inspector = actorFor(db, (await createUser(db, { roles: ["inspector"], passwordHash: hash })).id);
  admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"], passwordHash: hash })).id);
  farmerA = actorFor(db, val<number>(`select user_id from producer_members where producer_id = ? and role = 'owner'`, m.producerA));
  batchId = val<number>(`select batch_id from listing_batches where listing_id = ?`, m.apples);
});
afterAll(() => cleanup());

/** Apples only (one sub-order, producer A), paid by card through a stripe-mock PaymentIntent. */
async function cardOrder(apples = 2) {
  const b = await createBuyer(db);
  addToCart(db, b.id, m.apples, apples);
  const order = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
  const pi = await createPaymentIntent(db, stripe, order.orderId);
  applyPaymentOutcome(db, { paymentIntentId: pi.id, outcome: "succeeded", amount: order.totalFen, currency: "cny", source: "webhook" });
  return { orderId: order.orderId, buyer: actorFor(db, b.id), phone: b.phone, totalFen: order.totalFen };
}

/** 到站付款: pending_payment until the operator collects at hand-out. */
async function stationOrder(apples = 1) {
  const b = await createBuyer(db);
  addToCart(db, b.id, m.apples, apples);
  const order = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId, payAtPickup: true });
  return { orderId: order.orderId, buyer: actorFor(db, b.id), phone: b.phone, totalFen: order.totalFen };
}

let onRoad: Awaited<ReturnType<typeof cardOrder>>;
let atProducer: Awaited<ReturnType<typeof cardOrder>>;
let unpaidStation: Awaited<ReturnType<typeof stationOrder>>;
let paidStation: Awaited<ReturnType<typeof stationOrder>>;
let onShelf: Awaited<ReturnType<typeof cardOrder>>;
let later: Awaited<ReturnType<typeof cardOrder>>;
let recallId: number;

describe("a recall while parcels are on the road", () => {
  it("sets the scene: one parcel on the road, one still at the producer, a 到站付款 order paid and picked up, one not paid", async () => {
    onRoad = await cardOrder(2);
    dispatchSubOrder(db, farmerA, subOf(onRoad.orderId));
    expect(parcelsOf(onRoad.orderId).every((p) => p.status === "dispatched")).toBe(true);
    atProducer = await cardOrder(1);

    paidStation = await stationOrder(1);
    dispatchSubOrder(db, farmerA, subOf(paidStation.orderId));
    const [p] = parcelsOf(paidStation.orderId);
    markParcelArrived(db, op, p.code);
    const nonce = val<string>(`select pickup_code_nonce from parcels where id = ?`, p.id);
    handOutParcel(db, op, { parcelId: p.id, pickupCode: pickupCode(p.id, nonce), confirmPayment: true });
    expect(orderStatus(db, paidStation.orderId)).toBe("picked_up");

    unpaidStation = await stationOrder(1);
    onShelf = await cardOrder(1);
    dispatchSubOrder(db, farmerA, subOf(onShelf.orderId));
    markParcelArrived(db, op, parcelsOf(onShelf.orderId)[0].code);
    later = await cardOrder(1);

    const r = openRecall(db, inspector, batchId, { reason: "抽检毒死蜱超标", grade: 1 });
    recallId = r.recallId;
    expect(val<number>(`select deadline_at - opened_at from recalls where id = ?`, recallId)).toBe(10 * 86_400_000);
  });

  it("a parcel of the lot still at the producer cannot be dispatched", () => {
    expect(() => dispatchSubOrder(db, farmerA, subOf(atProducer.orderId))).toThrow(/recallNotDispatchable/);
    expect(dispatchableSubOrders(db, [m.producerA])).not.toContain(subOf(atProducer.orderId));
    expect(parcelsOf(atProducer.orderId)[0].status).toBe("awaiting_dispatch");
  });

  it("manifests built after the recall make no stop for the recalled parcel and list it apart", () => {
    const [summary] = buildDailyManifests(db, shanghaiDate(Date.now()));
    // The only parcel on the road is recalled: no stop, so no manifest at all for the route.
    expect(summary).toBeUndefined();
    // A manifest printed BEFORE the recall: the parcel is listed apart, never under a stop.
    const code = parcelsOf(onRoad.orderId)[0].code;
    const manifestId = Number(
      db.$client
        .prepare(
          `insert into route_manifests (courier_route_id, service_date, stops, construction_length_m, length_m, separate_length_m, created_at) values ((select courier_route_id from delivery_points where id = ?), '2000-01-01', ?, 0, 0, 0, ?)`,
        )
        .run(m.pointId, JSON.stringify([m.pointId]), Date.now()).lastInsertRowid,
    );
    db.$client.prepare(`update parcels set manifest_id = ? where order_id = ?`).run(manifestId, onRoad.orderId);
    const manifest = getManifest(db, admin, manifestId);
    expect(manifest.stops.flatMap((s) => s.parcels.map((p) => p.code))).not.toContain(code);
    expect(manifest.recalled.map((p) => p.code)).toContain(code);
    expect(manifest.stops).toHaveLength(0);
  });

  it("the network view counts it apart, not as an ordinary expected parcel", () => {
    const point = networkOverview(db, admin).points.find((p) => p.id === m.pointId)!;
    expect(point.recallHeld).toBeGreaterThanOrEqual(1);
    expect(point.expected).toBe(0);
  });

  it("the arrival scan quarantines it: no slot, no pickup code, no pickup notice, no SMS; the operator is told where it goes", () => {
    sms.length = 0;
    const [p] = parcelsOf(onRoad.orderId);
    const arrivedBefore = noticesOf(onRoad.buyer.id, "parcels.notice.arrived");
    const r = markParcelArrived(db, op, p.code);
    expect(r.quarantined).toBe(true);
    expect(r.slotCode).toBeNull();
    expect(r.holdUntil).toBeNull();
    const after = parcelsOf(onRoad.orderId)[0];
    expect(after.status).toBe("quarantined");
    expect(after.nonce).toBeNull();
    expect(noticesOf(onRoad.buyer.id, "parcels.notice.arrived")).toBe(arrivedBefore);
    expect(sms).toHaveLength(0);
    const [view] = buyerParcels(db, onRoad.buyer, onRoad.orderId);
    expect(view.pickupCode).toBeNull();
    expect(view.qrPayload).toBeNull();
    expect(view.status).toBe("quarantined");
    expect(operatorParcels(db, op).quarantined.find((x) => x.id === p.id)).toMatchObject({ slotCode: null });
    expect(view.slotCode).toBeNull();
    // Scanning again says so, and changes nothing.
    expect(() => markParcelArrived(db, op, p.code)).toThrow(/alreadyQuarantined/);
    // The slot it had is free for ordinary parcels.
    expect(val<number>(`select count(*) from parcels where slot_id = ? and status in ('dispatched', 'arrived', 'return_flagged')`, p.slotId)).toBe(0);
  });

  it("the operator records its destruction with a quantity; the inspector sees it by point", () => {
    const [p] = parcelsOf(onRoad.orderId);
    expect(() => disposeRecalledParcel(db, op, p.id, { kind: "destroyed", quantity: 0 })).toThrow(/destroyQuantity/);
    expect(() => disposeRecalledParcel(db, op, p.id, { kind: "destroyed", quantity: 3 })).toThrow(/destroyQuantity/);
    disposeRecalledParcel(db, op, p.id, { kind: "destroyed", quantity: 2, note: "现场监督销毁" });
    expect(parcelsOf(onRoad.orderId)[0].status).toBe("destroyed");
    expect(() => disposeRecalledParcel(db, op, p.id, { kind: "returned" })).toThrow(/notQuarantined/);
    const progress = recallProgress(db, recallId)!;
    const point = progress.byPoint.find((x) => x.pointId === m.pointId)!;
    expect(point.destroyed).toBe(2);
    expect(point.quarantined).toBe(0);
    expect(progress.totals.pickedUp).toBe(1);
  });

  it("a recalled parcel already on the shelf is moved to quarantine and then returned to the producer", async () => {
    const o = onShelf;
    const [p] = parcelsOf(o.orderId);
    expect(p.status).toBe("arrived");
    expect(operatorParcels(db, op).arrived.find((x) => x.id === p.id)?.recallHold).toBe(true);
    quarantineParcel(db, op, p.id);
    expect(parcelsOf(o.orderId)[0]).toMatchObject({ status: "quarantined", nonce: null });
    disposeRecalledParcel(db, op, p.id, { kind: "returned" });
    expect(parcelsOf(o.orderId)[0].status).toBe("returned");
    expect(recallProgress(db, recallId)!.byPoint.find((x) => x.pointId === m.pointId)!.returned).toBe(1);
  });
});

describe("recall refunds", () => {
  it("refunds every card-paid recalled line once through Stripe, however often it runs", async () => {
    // Stripe refuses the refund of one order (`later`): the next test has reconcile retry it.
    const create = stripe.refunds.create.bind(stripe.refunds);
    const spy = vi
      .spyOn(stripe.refunds, "create")
      .mockImplementation(((params: { metadata: { order_id: string } }, opts: unknown) =>
        params.metadata.order_id === String(later.orderId) ? Promise.reject(new Error("stripe down")) : create(params as never, opts as never)) as never);
    const first = await refundRecall(db, stripe, recallId);
    expect(first.failed).toHaveLength(1);
    const second = await refundRecall(db, stripe, recallId);
    expect(second.created).toBe(0);
    expect(second.succeeded).toBe(0);
    expect(second.failed).toHaveLength(1);
    const rows = db.$client
      .prepare(
        `select order_line_id as lineId, count(*) as n, sum(status = 'succeeded') as ok from refunds where recall_id = ? and method = 'stripe' group by order_line_id`,
      )
      .all(recallId) as { lineId: number; n: number; ok: number }[];
    expect(rows).toHaveLength(4); // onRoad, atProducer, onShelf, later
    const laterLine = val<number>(`select id from order_lines where order_id = ?`, later.orderId);
    for (const r of rows) expect(r).toMatchObject({ n: 1, ok: r.lineId === laterLine ? 0 : 1 });
    // Each call carried the deterministic per-line key, so a crash between Stripe and us is replayed, not doubled.
    for (const call of spy.mock.calls)
      expect((call[1] as { idempotencyKey: string }).idempotencyKey).toMatch(new RegExp(`^recall_${recallId}_line_\\d+(_\\d)?$`));
    spy.mockRestore();

    // The whole order was the recalled lot: refunded in full, order refunded, buyer told once, visible on the order.
    expect(orderStatus(db, onRoad.orderId)).toBe("refunded");
    expect(orderStatus(db, atProducer.orderId)).toBe("refunded");
    expect(noticesOf(onRoad.buyer.id, "recall.notice.refunded")).toBe(1);
    const { refunds } = orderRefunds(db, onRoad.orderId);
    expect(refunds).toEqual([expect.objectContaining({ reason: "recall", method: "stripe", status: "succeeded", amountFen: onRoad.totalFen, recallId })]);
    // The parcel still at the producer is cancelled with the refund.
    expect(parcelsOf(atProducer.orderId)[0].status).toBe("cancelled");
  });

  it("a failed Stripe refund is retried by reconcile under a new key, and still only one refund per line", async () => {
    const o = later;
    const lineId = val<number>(`select id from order_lines where order_id = ?`, o.orderId);
    expect(val<string>(`select status from refunds where recall_id = ? and order_line_id = ?`, recallId, lineId)).toBe("failed");
    const report = await reconcilePayments(db, stripe);
    expect(report.recallRefunds).toBe(1);
    expect(db.$client.prepare(`select status, idempotency_key as k from refunds where recall_id = ? and order_line_id = ?`).all(recallId, lineId)).toEqual([
      { status: "succeeded", k: `recall_${recallId}_line_${lineId}_3` },
    ]);
    expect(orderStatus(db, o.orderId)).toBe("refunded");
  });

  it("到站付款: an unpaid order of the lot is cancelled; a paid one is owed cash, paid out once at the point", async () => {
    expect(orderStatus(db, unpaidStation.orderId)).toBe("cancelled");
    const due = cashRefundsDue(db, op, m.pointId);
    const mine = due.find((d) => d.orderId === paidStation.orderId)!;
    expect(mine.amountFen).toBe(paidStation.totalFen);
    expect(noticesOf(paidStation.buyer.id, "recall.notice.cashRefundDue")).toBe(1);
    const stranger = actorFor(db, (await createUser(db, { roles: ["delivery_operator"] })).id);
    expect(() => payOutCashRefund(db, stranger, mine.refundId)).toThrow(ForbiddenError);
    payOutCashRefund(db, op, mine.refundId);
    expect(() => payOutCashRefund(db, op, mine.refundId)).toThrow(/alreadyPaidOut/);
    expect(cashRefundsDue(db, op, m.pointId).some((d) => d.refundId === mine.refundId)).toBe(false);
    expect(orderStatus(db, paidStation.orderId)).toBe("refunded");
    expect(orderRefunds(db, paidStation.orderId).refunds[0]).toMatchObject({ method: "cash", status: "succeeded" });
    await refundRecall(db, stripe, recallId);
    expect(val<number>(`select count(*) from refunds where recall_id = ? and method = 'cash'`, recallId)).toBe(1);
  });
});

describe("the recall report and the recall's end", () => {
  it("carries the regulator's KDEs; the buyer's full phone for inspectors only", () => {
    const full = recallReportFor(db, inspector, recallId).csv;
    const [header, ...rows] = full.slice(1).trimEnd().split("\r\n");
    for (const col of ["召回编号", "召回级别", "召回原因", "包裹码", "自提点", "经手站点人员", "发货时间", "到站时间", "取货时间", "发票号码", "买家电话"])
      expect(header).toContain(col);
    expect(header).not.toContain("脱敏");
    const line = rows.find((r) => r.includes(parcelsOf(onRoad.orderId)[0].code))!;
    expect(line).toContain(onRoad.phone);
    expect(line).toContain("一级");
    expect(line).toContain("抽检毒死蜱超标");
    expect(line).toContain("召回站长");
    expect(line.startsWith(`${recallId},`)).toBe(true);
    // The station order was paid at the point: its invoice number is in the report.
    const invoice = val<string>(`select number from invoices where sub_order_id = ?`, subOf(paidStation.orderId));
    expect(full).toContain(invoice);

    for (const who of [admin, farmerA]) {
      const masked = recallReportFor(db, who, recallId).csv;
      expect(masked).toContain("买家电话(脱敏)");
      expect(masked).not.toContain(onRoad.phone);
      expect(masked).toContain(onRoad.phone.slice(0, 3) + "****" + onRoad.phone.slice(-4));
    }
    expect(() => recallReportFor(db, op, recallId)).toThrow(ForbiddenError);
    expect(() => recallReportFor(db, onRoad.buyer, recallId)).toThrow(ForbiddenError);
  });

  it("closing the recall takes a note and is a platform-signed event; it shows in the producer's history", () => {
    expect(() => closeRecall(db, farmerA, recallId, "完成")).toThrow(ForbiddenError);
    expect(() => closeRecall(db, inspector, recallId, "  ")).toThrow(/recall.error.note/);
    const r = closeRecall(db, inspector, recallId, "已追回并销毁 2 件，退回 1 件");
    expect(r.chainError).toBeNull();
    const last = getLotChain(db, batchId).contents.at(-1)!;
    expect(last).toMatchObject({ type: "recall", actor: { kind: "platform" }, payload: { phase: "closed", grade: 1, note: "已追回并销毁 2 件，退回 1 件" } });
    expect(() => closeRecall(db, inspector, recallId, "again")).toThrow(/recall.error.closed/);
    const [h] = producerRecallHistory(db, m.producerA);
    expect(h).toMatchObject({ id: recallId, grade: 1, closeNote: "已追回并销毁 2 件，退回 1 件" });
    expect(h.closedAt).not.toBeNull();
  });
});
