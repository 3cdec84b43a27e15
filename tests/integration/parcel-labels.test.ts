/**
 * Parcel labels (面单) against a real SQLite file: after 发货 the producer's member gets each
 * parcel's label (code, point, slot, route, masked buyer phone, lots) and a QR; members of another
 * producer and buyers are refused; unknown ids are not found.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { closeDb } from "../../db/client";
import { actorFor, createCourierRoute, createTestDatabase, createUser } from "../../seeds/factories";
import type { Actor } from "../../core/permissions";
import { ForbiddenError, NotFoundError } from "../../core/errors";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { parcelLabel, subOrderLabels, withQr } from "../../logistics/labels";
import { invalidateNetwork } from "../../logistics/network";
import { dispatchSubOrder } from "../../logistics/parcels";
import { setSmsSender } from "../../logistics/sms";
import { createBuyer, createMarket, type Market } from "../helpers/orders";

let db: Db;
let cleanup: () => void;
let m: Market;
let order: { orderId: number; buyer: Actor; phone: string };
let subA: number; // producer A's sub-order (apples)
let subB: number; // producer B's sub-order (kiwis), never dispatched
let admin: Actor;

const ownerOf = (producerId: number) =>
  actorFor(db, db.$client.prepare(`select user_id from producer_members where producer_id = ? and role = 'owner'`).pluck().get(producerId) as number);

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  setSmsSender({ send: () => undefined });
  m = await createMarket(db, { stockA: 1000, stockB: 1000 });
  const countyId = db.$client.prepare(`select county_id from producers where id = ?`).pluck().get(m.producerA) as number;
  const routeId = createCourierRoute(db, { countyId, name: "洛川北线", depotLat: 34.0, depotLng: 108.8 });
  db.$client.prepare(`update delivery_points set courier_route_id = ? where id = ?`).run(routeId, m.pointId);
  // 到站付款 needs a staffed station: give it an operator.
  const op = await createUser(db, { roles: ["delivery_operator"] });
  db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(m.pointId, op.id);
  invalidateNetwork();
  admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"] })).id);

  const buyer = await createBuyer(db);
  addToCart(db, buyer.id, m.apples, 3);
  addToCart(db, buyer.id, m.kiwis, 1);
  const placed = checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: m.pointId, payAtPickup: true });
  order = { orderId: placed.orderId, buyer: actorFor(db, buyer.id), phone: buyer.phone };
  const subs = db.$client.prepare(`select id, producer_id as producerId from sub_orders where order_id = ?`).all(order.orderId) as {
    id: number;
    producerId: number;
  }[];
  subA = subs.find((s) => s.producerId === m.producerA)!.id;
  subB = subs.find((s) => s.producerId === m.producerB)!.id;
  dispatchSubOrder(db, ownerOf(m.producerA), subA);
});
afterAll(() => {
  closeDb();
  cleanup();
});

const parcelsOfSub = (subOrderId: number) =>
  db.$client.prepare(`select id, code, chilled, fresh, size from parcels where sub_order_id = ? order by id`).all(subOrderId) as {
    id: number;
    code: string;
    chilled: number;
    fresh: number;
    size: string;
  }[];

describe("parcel labels", () => {
  it("gives a member of the producer the label: code, point, slot, route, masked phone, lots, QR", async () => {
    const [parcel] = parcelsOfSub(subA);
    const label = parcelLabel(db, ownerOf(m.producerA), parcel.id);
    expect(label.code).toBe(parcel.code);
    expect(label.code).toMatch(/^P[0-9A-HJKMNP-TV-Z]{9}$/);
    expect(label).toMatchObject({
      status: "dispatched",
      size: parcel.size,
      chilled: parcel.chilled === 1,
      fresh: parcel.fresh === 1,
      orderId: order.orderId,
      subOrderId: subA,
    });
    expect(label.point).toMatchObject({ id: m.pointId, name: "测试村服务站", address: "测试村委会旁", kind: "village_station" });
    expect(label.point.openingHours).toBeTruthy();
    expect(label.routeName).toBe("洛川北线");
    const slotCode = db.$client.prepare(`select s.code from parcels x join storage_slots s on s.id = x.slot_id where x.id = ?`).pluck().get(parcel.id);
    expect(slotCode).toBeTruthy();
    expect(label.slotCode).toBe(slotCode);
    // 138****0001: the buyer's contact phone, masked.
    expect(label.buyer.maskedPhone).toBe(`${order.phone.slice(0, 3)}****${order.phone.slice(-4)}`);
    expect(label.buyer.maskedPhone).not.toContain(order.phone.slice(3, 7));
    expect(label.buyer.displayName).toBe("测试买家");
    expect(label.producer.nameZh).toBe("订单测试苹果合作社");
    expect(label.dispatchedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Every item names its lot (GTIN + lot code): the lot the order line was sold from.
    const lot = db.$client
      .prepare(`select b.gtin, b.lot_code as lotCode from order_lines ol join batches b on b.id = ol.batch_id where ol.sub_order_id = ?`)
      .get(subA) as { gtin: string; lotCode: string };
    expect(lot.gtin).toMatch(/^\d{14}$/);
    expect(label.items).toEqual([{ title: "订单测试苹果 5斤装", quantity: 3, gtin: lot.gtin, lotCode: lot.lotCode }]);

    // The QR is an SVG (of the parcel code).
    const printable = await withQr(label);
    expect(printable.qrSvg).toMatch(/^<svg[^>]*viewBox="0 0 \d+ \d+"/);
    expect(printable.qrSvg).toContain("<path");
  });

  it("lists all labels of a sub-order, also for a platform admin", () => {
    const parcels = parcelsOfSub(subA);
    const labels = subOrderLabels(db, ownerOf(m.producerA), subA);
    expect(labels.map((l) => l.code)).toEqual(parcels.map((p) => p.code));
    expect(subOrderLabels(db, admin, subA).map((l) => l.code)).toEqual(parcels.map((p) => p.code));
    expect(parcelLabel(db, admin, parcels[0].id).code).toBe(parcels[0].code);
    // Not yet dispatched: no slot, no dispatch date (the code is there already).
    const [kiwi] = subOrderLabels(db, ownerOf(m.producerB), subB);
    expect(kiwi).toMatchObject({ status: "awaiting_dispatch", slotCode: null, dispatchedDate: null });
  });

  it("refuses a member of another producer and the buyer; unknown ids are not found", () => {
    const [parcel] = parcelsOfSub(subA);
    expect(() => parcelLabel(db, ownerOf(m.producerB), parcel.id)).toThrow(ForbiddenError);
    expect(() => parcelLabel(db, order.buyer, parcel.id)).toThrow(ForbiddenError);
    expect(() => subOrderLabels(db, ownerOf(m.producerB), subA)).toThrow(ForbiddenError);
    expect(() => subOrderLabels(db, order.buyer, subA)).toThrow(ForbiddenError);
    expect(() => parcelLabel(db, ownerOf(m.producerA), 999_999)).toThrow(NotFoundError);
    expect(() => subOrderLabels(db, ownerOf(m.producerA), 999_999)).toThrow(NotFoundError);
  });
});
