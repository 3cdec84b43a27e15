/**
 * The operator's counter and the farmer's flow (issue 13 §3, §4 first half), against real SQLite:
 * the one box (label, QR, 6-digit code, phone tail), one code for all of a buyer's parcels, the
 * point's lockout, notices that show the code without storing it, the locker screen, farmer notices,
 * and 发货 → 已发货 (off the packing list, a shipping event on each lot's chain).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { closeDb } from "../../db/client";
import { actorFor, createDeliveryPoint, createTestDatabase, createUser } from "../../seeds/factories";
import type { Actor } from "../../core/permissions";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { transitionOrder } from "../../market/orders/orders";
import { openDispute } from "../../market/orders/disputes";
import { packingList } from "../../market/orders/pages";
import { listNotices } from "../../market/notices/notices";
import { markReturned, sweepHolding } from "../../logistics/holding";
import { invalidateNetwork } from "../../logistics/network";
import { dispatchSubOrder, markParcelArrived } from "../../logistics/parcels";
import { counterLookup, handOutBuyerParcels, lockerDeviceToken, lockerForDevice, lockerPickup, withPickupCodes } from "../../logistics/counter";
import { subOrderProgress } from "../../logistics/progress";
import { pickupCode, pickupQrPayload } from "../../logistics/pickup-code";
import { setSmsSender } from "../../logistics/sms";
import { getLotChain, verifyLot } from "../../traceability/store";
import { createBuyer, createMarket, orderStatus, type Market } from "../helpers/orders";

let db: Db;
let cleanup: () => void;
let m: Market;
let op: Actor;
let other: Actor;
const sms: { phone: string; text: string }[] = [];

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  setSmsSender({ send: (phone, text) => void sms.push({ phone, text }) });
  m = await createMarket(db, { stockA: 1000, stockB: 1000 });
  const a = await createUser(db, { roles: ["delivery_operator"], displayName: "甲站长" });
  const b = await createUser(db, { roles: ["delivery_operator"], displayName: "乙站长" });
  db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(m.pointId, a.id);
  createDeliveryPoint(db, { kind: "village_station", name: "乙村服务站", address: "乙村", lat: 34.12, lng: 108.92, operatorUserIds: [b.id] });
  invalidateNetwork();
  op = actorFor(db, a.id);
  other = actorFor(db, b.id);
});
afterAll(() => {
  closeDb();
  cleanup();
});
beforeEach(() => {
  sms.length = 0;
});

const val = <T>(sql: string, ...args: unknown[]) =>
  db.$client
    .prepare(sql)
    .pluck()
    .get(...args) as T;
const ownerOf = (producerId: number) => actorFor(db, val<number>(`select user_id from producer_members where producer_id = ? and role = 'owner'`, producerId));
const subsOf = (orderId: number) =>
  db.$client.prepare(`select id, producer_id as producerId from sub_orders where order_id = ? order by id`).all(orderId) as {
    id: number;
    producerId: number;
  }[];
const parcelsOf = (orderId: number) =>
  db.$client.prepare(`select id, code, status from parcels where order_id = ? order by id`).all(orderId) as { id: number; code: string; status: string }[];
const codeOf = (parcelId: number) => pickupCode(parcelId, val<string>(`select pickup_code_nonce from parcels where id = ?`, parcelId));

/** A prepaid order (through transitionOrder, as the payment webhook does), dispatched and arrived at `pointId`. */
async function waitingOrder(opts: { buyer?: { id: number; phone: string }; apples?: number; kiwis?: number; pointId?: number; arrive?: boolean } = {}) {
  const buyer = opts.buyer ?? (await createBuyer(db));
  if (opts.apples ?? 1) addToCart(db, buyer.id, m.apples, opts.apples ?? 1);
  if (opts.kiwis) addToCart(db, buyer.id, m.kiwis, opts.kiwis);
  const order = checkout(db, actorFor(db, buyer.id), { contactPhone: buyer.phone, deliveryPointId: opts.pointId ?? m.pointId, payAtPickup: false });
  transitionOrder(db, order.orderId, "paid", "webhook");
  for (const s of subsOf(order.orderId)) dispatchSubOrder(db, ownerOf(s.producerId), s.id);
  if (opts.arrive ?? true) for (const p of parcelsOf(order.orderId)) markParcelArrived(db, op, p.code);
  return { orderId: order.orderId, buyer, parcels: parcelsOf(order.orderId) };
}

describe("the counter box", () => {
  it("a label of a parcel on its way checks it in; of a waiting parcel, shows its buyer's parcels", async () => {
    const o = await waitingOrder({ arrive: false });
    expect(counterLookup(db, op, m.pointId, o.parcels[0].code)).toEqual({ kind: "arrive", parcelCode: o.parcels[0].code });
    markParcelArrived(db, op, o.parcels[0].code);
    const found = counterLookup(db, op, m.pointId, o.parcels[0].code.toLowerCase());
    expect(found.kind).toBe("parcel");
    if (found.kind === "parcel") expect(found.group.parcels.map((p) => p.code)).toEqual([o.parcels[0].code]);
    // Another operator's point: the parcel does not exist for them.
    const otherPoint = val<number>(`select delivery_point_id from delivery_point_operators where user_id = ?`, other.id);
    expect(() => counterLookup(db, other, otherPoint, o.parcels[0].code)).toThrow(/not found|parcel/);
    expect(() => counterLookup(db, other, m.pointId, o.parcels[0].code)).toThrow(/forbidden/);
  });

  it("the buyer's QR and the bare 6-digit code find the buyer's parcels; one code hands out all of them", async () => {
    const buyer = await createBuyer(db);
    const first = await waitingOrder({ buyer, apples: 1, kiwis: 1 }); // two producers: two parcels, two codes
    const second = await waitingOrder({ buyer, apples: 2 }); // another order, a third parcel
    const someoneElse = await waitingOrder({});
    const mine = [...first.parcels, ...second.parcels];
    expect(mine.length).toBeGreaterThanOrEqual(3);

    const qr = counterLookup(db, op, m.pointId, pickupQrPayload(mine[0].code, codeOf(mine[0].id)));
    expect(qr.kind).toBe("code");
    if (qr.kind === "code") expect(qr.group.parcels.map((p) => p.id).sort()).toEqual(mine.map((p) => p.id).sort());

    const typed = codeOf(mine[2].id);
    const byCode = counterLookup(db, op, m.pointId, ` ${typed.slice(0, 3)} ${typed.slice(3)} `);
    expect(byCode).toMatchObject({ kind: "code", pickupCode: typed });
    if (byCode.kind === "code") expect(byCode.group.parcels).toHaveLength(mine.length);

    // One code (the third parcel's) hands out every parcel of this buyer here, and nobody else's.
    const r = handOutBuyerParcels(db, op, { pointId: m.pointId, pickupCode: typed });
    expect(r.handedOut.map((h) => h.parcelId).sort()).toEqual(mine.map((p) => p.id).sort());
    expect(r.slots).toHaveLength(mine.length);
    for (const p of [...parcelsOf(first.orderId), ...parcelsOf(second.orderId)]) expect(p.status).toBe("picked_up");
    expect(orderStatus(db, first.orderId)).toBe("picked_up");
    expect(orderStatus(db, second.orderId)).toBe("picked_up");
    expect(parcelsOf(someoneElse.orderId)[0].status).toBe("arrived");
  });

  it("a phone tail lists the buyers' parcels but hands out nothing; the code then does", async () => {
    const buyer = await createBuyer(db);
    const o = await waitingOrder({ buyer, apples: 1, kiwis: 1 });
    const tail = buyer.phone.slice(-4);
    const found = counterLookup(db, op, m.pointId, tail);
    expect(found.kind).toBe("tail");
    if (found.kind !== "tail") return;
    const group = found.groups.find((g) => g.parcels.some((p) => p.id === o.parcels[0].id))!;
    expect(group.parcels).toHaveLength(o.parcels.length);
    expect(group.maskedPhone.endsWith(tail)).toBe(true);
    expect(group.maskedPhone).not.toContain(buyer.phone.slice(3, 7));
    expect(parcelsOf(o.orderId).every((p) => p.status === "arrived")).toBe(true);
    expect(counterLookup(db, op, m.pointId, "0000")).toMatchObject({ kind: "tail" });
    // The group shown is this buyer's: another buyer's valid code does not hand it out (counted as a miss).
    const stranger = await waitingOrder({});
    expect(() => handOutBuyerParcels(db, op, { pointId: m.pointId, pickupCode: codeOf(stranger.parcels[0].id), parcelId: o.parcels[0].id })).toThrow(
      /noParcelForCode/,
    );
    expect(parcelsOf(stranger.orderId)[0].status).toBe("arrived");
    handOutBuyerParcels(db, op, { pointId: m.pointId, pickupCode: codeOf(o.parcels[1].id), parcelId: o.parcels[0].id });
    expect(parcelsOf(o.orderId).every((p) => p.status === "picked_up")).toBe(true);
  });

  it("a 6-digit code that matches nothing counts against the point's lockout (20 in 15 minutes), then even a right code waits", async () => {
    const point = createDeliveryPoint(db, { kind: "village_station", name: "丁村服务站", address: "丁村", lat: 34.31, lng: 109.11, operatorUserIds: [op.id] });
    invalidateNetwork();
    const o = await waitingOrder({ pointId: point });
    const right = codeOf(o.parcels[0].id);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    const t0 = Date.now();
    expect(() => counterLookup(db, op, point, "abc")).toThrow(/badCounterInput/);
    for (let i = 1; i <= 10; i++) expect(() => counterLookup(db, op, point, wrong, t0 + i)).toThrow(/noParcelForCode/);
    for (let i = 11; i <= 20; i++) expect(() => handOutBuyerParcels(db, op, { pointId: point, pickupCode: wrong }, t0 + i)).toThrow(/noParcelForCode/);
    expect(val<number>(`select count(*) from pickup_attempts where delivery_point_id = ? and success = 0`, point)).toBe(20);
    expect(() => counterLookup(db, op, point, right, t0 + 100)).toThrow(/pointLocked/);
    expect(() => handOutBuyerParcels(db, op, { pointId: point, pickupCode: right }, t0 + 100)).toThrow(/pointLocked/);
    expect(parcelsOf(o.orderId)[0].status).toBe("arrived");
    expect(handOutBuyerParcels(db, op, { pointId: point, pickupCode: right }, t0 + 21 + 15 * 60_000).handedOut).toHaveLength(1);
  });
});

describe("notices and SMS carry the code, the point, its hours and the deadline", () => {
  it("the arrival notice shows the code when read, while the database holds none", async () => {
    const o = await waitingOrder({});
    const code = codeOf(o.parcels[0].id);
    const hours = val<string>(`select opening_hours from delivery_points where id = ?`, m.pointId);
    const text = sms.find((s) => s.phone === o.buyer.phone)!.text;
    expect(text).toContain(code);
    expect(text).toContain(hours);
    const shown = withPickupCodes(db, o.buyer.id, listNotices(db, o.buyer.id)).find((n) => n.kind === "parcel_arrived")!;
    expect(shown).toMatchObject({ messageKey: "parcels.notice.arrivedWithCode", params: { code, hours } });
    expect(shown.params.deadline).toEqual(expect.any(String));
    // Someone else reading the same rows gets no code.
    const stranger = await createBuyer(db);
    expect(withPickupCodes(db, stranger.id, listNotices(db, o.buyer.id)).find((n) => n.kind === "parcel_arrived")!.params.code).toBeUndefined();
    // Nothing stored holds the code: parcels, events, attempts, every notice.
    const dump = JSON.stringify([
      db.$client.prepare(`select * from parcels`).all(),
      db.$client.prepare(`select * from parcel_events`).all(),
      db.$client.prepare(`select * from pickup_attempts`).all(),
      db.$client.prepare(`select * from notifications`).all(),
    ]);
    expect(dump).not.toContain(`"${code}"`);
    expect(dump).not.toContain(`取件码 ${code}`);
    // Collected: the notice no longer shows a code.
    handOutBuyerParcels(db, op, { pointId: m.pointId, pickupCode: code });
    expect(withPickupCodes(db, o.buyer.id, listNotices(db, o.buyer.id)).find((n) => n.kind === "parcel_arrived")!.messageKey).toBe("parcels.notice.arrived");
  });
});

describe("the locker screen", () => {
  it("opens the buyer's compartments for their code and records the pickup on the lot chains", async () => {
    const locker = createDeliveryPoint(db, { kind: "locker", name: "戊村智能柜", address: "戊村", lat: 34.32, lng: 109.12, operatorUserIds: [op.id] });
    invalidateNetwork();
    const o = await waitingOrder({ pointId: locker });
    const token = lockerDeviceToken(locker);
    expect(lockerForDevice(db, locker, token).name).toBe("戊村智能柜");
    expect(() => lockerForDevice(db, locker, "wrong-token")).toThrow(/locker/);
    expect(() => lockerForDevice(db, m.pointId, lockerDeviceToken(m.pointId))).toThrow(/locker/); // not a locker
    const r = lockerPickup(db, locker, token, codeOf(o.parcels[0].id));
    expect(r.slots).toHaveLength(1);
    expect(parcelsOf(o.orderId)[0].status).toBe("picked_up");
    expect(val<number | null>(`select picked_up_by from parcels where id = ?`, o.parcels[0].id)).toBeNull();
    const batchId = val<number>(
      `select ol.batch_id from parcel_items pi join order_lines ol on ol.id = pi.order_line_id where pi.parcel_id = ?`,
      o.parcels[0].id,
    );
    const types = getLotChain(db, batchId).contents.map((c) => c.type);
    expect(types).toContain("pickup");
    expect(verifyLot(db, batchId).ok).toBe(true);
  });
});

describe("the farmer's flow", () => {
  const farmerNotices = (producerId: number, kind: string) => listNotices(db, ownerOf(producerId).id).filter((n) => n.kind === kind);

  it("a paid order is a notice with the unread count; 发货 makes it 已发货, off the packing list, with a shipping event per lot", async () => {
    const before = farmerNotices(m.producerA, "order_paid").length;
    const o = await waitingOrder({ apples: 3, arrive: false });
    const sub = subsOf(o.orderId)[0];
    expect(farmerNotices(m.producerA, "order_paid")).toHaveLength(before + 1);
    expect(farmerNotices(m.producerA, "order_paid")[0].params).toMatchObject({ orderId: o.orderId, subOrderId: sub.id, items: 3 });
    // dispatched by waitingOrder: shipped, not to pack
    expect(val<string>(`select status from sub_orders where id = ?`, sub.id)).toBe("in_fulfilment");
    expect(subOrderProgress(db, [sub.id])[sub.id]).toMatchObject({ shipped: true, steps: [{ step: "dispatched" }] });
    expect(packingList(db, [m.producerA]).flatMap((g) => g.lines.flatMap((l) => l.subOrderIds))).not.toContain(sub.id);
    const batchId = val<number>(`select batch_id from order_lines where sub_order_id = ?`, sub.id);
    const shipping = getLotChain(db, batchId).contents.filter((c) => c.type === "shipping");
    expect(shipping.some((c) => (c.payload as { orderId?: string }).orderId === String(o.orderId))).toBe(true);
    expect(verifyLot(db, batchId).ok).toBe(true);
    // Arrival and pickup follow in the history.
    for (const p of o.parcels) markParcelArrived(db, op, p.code);
    handOutBuyerParcels(db, op, { pointId: m.pointId, pickupCode: codeOf(o.parcels[0].id) });
    expect(subOrderProgress(db, [sub.id])[sub.id].steps.map((s) => s.step)).toEqual(["dispatched", "arrived", "picked_up"]);
  });

  it("a paid order not yet dispatched stays on the packing list", async () => {
    const buyer = await createBuyer(db);
    addToCart(db, buyer.id, m.apples, 1);
    const order = checkout(db, actorFor(db, buyer.id), { contactPhone: buyer.phone, deliveryPointId: m.pointId, payAtPickup: false });
    transitionOrder(db, order.orderId, "paid", "webhook");
    const sub = subsOf(order.orderId)[0];
    expect(packingList(db, [m.producerA]).flatMap((g) => g.lines.flatMap((l) => l.subOrderIds))).toContain(sub.id);
    expect(subOrderProgress(db, [sub.id])[sub.id].shipped).toBe(false);
  });

  it("a returned parcel, a dispute and stock at zero each reach the farmer", async () => {
    // returned
    const o = await waitingOrder({});
    sweepHolding(db, Date.now() + 30 * 24 * 3_600_000);
    markReturned(db, op, o.parcels[0].id);
    expect(farmerNotices(m.producerA, "parcel_returned").some((n) => n.params.parcel === o.parcels[0].code)).toBe(true);
    // dispute after pickup
    const d = await waitingOrder({});
    handOutBuyerParcels(db, op, { pointId: m.pointId, pickupCode: codeOf(d.parcels[0].id) });
    const sub = subsOf(d.orderId)[0];
    openDispute(db, actorFor(db, d.buyer.id), sub.id, { kind: "quality", body: "苹果有碰伤" } as Parameters<typeof openDispute>[3]);
    expect(farmerNotices(m.producerA, "dispute_opened").some((n) => n.params.subOrderId === sub.id)).toBe(true);
    // stock at zero
    db.$client.prepare(`update listings set stock = 2 where id = ?`).run(m.kiwis);
    const stock = 2;
    const buyer = await createBuyer(db);
    addToCart(db, buyer.id, m.kiwis, stock);
    checkout(db, actorFor(db, buyer.id), { contactPhone: buyer.phone, deliveryPointId: m.pointId, payAtPickup: false });
    expect(val<number>(`select stock from listings where id = ?`, m.kiwis)).toBe(0);
    expect(farmerNotices(m.producerB, "stock_zero").some((n) => n.params.listingId === m.kiwis)).toBe(true);
  });
});
