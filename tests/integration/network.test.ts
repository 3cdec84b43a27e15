/**
 * The delivery network at checkout (issue 5): which points can take a cart's parcels (slots free,
 * parcels already promised, chilled, sizes, capacity, active), the nearest feasible point as the
 * alternative, and checkout making parcels — or refusing a point and changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { addToCart, getCart } from "../../market/orders/cart";
import { checkout, PointUnavailableError } from "../../market/orders/checkout";
import { checkoutPointChoices } from "../../logistics/checkout-points";
import { canTakeParcels, findFeasiblePoints, invalidateNetwork, loadNetwork, pointLoad } from "../../logistics/network";
import { newParcelCode, normaliseParcelCode, parcelNeedsForCart } from "../../logistics/order-parcels";
import { createDeliveryPoint, createTestDatabase } from "../../seeds/factories";
import { createBuyer, createMarket, stockOf, type Market } from "../helpers/orders";

let db: Db;
let cleanup: () => void;
let m: Market;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  m = await createMarket(db, { stockA: 500, stockB: 500 });
});
afterAll(() => cleanup());

const NOW = Date.UTC(2025, 5, 1, 2, 0, 0);
const count = (sql: string, ...args: unknown[]) =>
  db.$client
    .prepare(sql)
    .pluck()
    .get(...args) as number;

/** Each test gets its own patch of map (1° apart) so that other tests' points are never nearest. */
let patch = 0;
function area() {
  patch++;
  return { lat: 20 + patch, lng: 100 + patch };
}

function point(at: { lat: number; lng: number }, dLat: number, input: Parameters<typeof createDeliveryPoint>[1] = {}) {
  const id = createDeliveryPoint(db, { kind: "locker", name: `网点${patch}-${dLat}`, lat: at.lat + dLat, lng: at.lng, ...input });
  invalidateNetwork();
  return id;
}

async function buyerWith(lines: [listingId: number, quantity: number][]) {
  const b = await createBuyer(db);
  for (const [l, q] of lines) addToCart(db, b.id, l, q);
  return b;
}

describe("parcel codes", () => {
  it("are P + 9 Crockford base32 characters and typed back case-insensitively, with spaces and dashes", () => {
    for (let i = 0; i < 200; i++) {
      const code = newParcelCode();
      expect(code).toMatch(/^P[0-9A-HJKMNP-TV-Z]{9}$/);
      const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4, 7)} ${code.slice(7)}`;
      expect(normaliseParcelCode(typed)).toBe(code);
    }
    expect(normaliseParcelCode("p0ol1-abcde")).toBe("P0011ABCDE");
    expect(normaliseParcelCode("PABC")).toBeNull();
    expect(normaliseParcelCode("PABCDEFGHU")).toBeNull(); // U is not Crockford
    expect(normaliseParcelCode("XABCDEFGHJ")).toBeNull();
  });
});

describe("feasibility", () => {
  it("a full point is refused and findFeasiblePoints offers the next feasible one, nearest first", async () => {
    const at = area();
    const tiny = point(at, 0, { slots: [{ size: "small", count: 1 }] });
    const next = point(at, 0.01, { slots: [{ size: "medium", count: 2 }] });
    point(at, 0.05, { slots: [{ size: "large", count: 2 }] });
    const need = [{ size: "small" as const, chilled: false }];
    expect(canTakeParcels(db, tiny, need)).toEqual({ ok: true });
    // Fill its one slot with a parcel that arrived there.
    const other = await buyerWith([[m.apples, 1]]);
    checkout(db, other, { contactPhone: other.phone, deliveryPointId: tiny }, { now: NOW });
    db.$client
      .prepare(`update parcels set status = 'arrived', slot_id = (select id from storage_slots where delivery_point_id = ?) where delivery_point_id = ?`)
      .run(tiny, tiny);
    expect(pointLoad(db, tiny)).toMatchObject({
      parcelsHeld: 1,
      committed: [],
      freeSlots: [
        [0, 0, 0],
        [0, 0, 0],
      ],
    });
    expect(canTakeParcels(db, tiny, need)).toEqual({ ok: false, reason: "full" });
    const found = findFeasiblePoints(db, { lat: at.lat, lng: at.lng }, need, { limit: 2 });
    expect(found.map((f) => f.point.id).slice(0, 1)).toEqual([next]);
    expect(found[0].km).toBeGreaterThan(1);
    expect(found[0].km).toBeLessThan(1.2);
    expect(findFeasiblePoints(db, { lat: at.lat, lng: at.lng }, need, { excludePointId: next, limit: 1, maxKm: 3 })).toEqual([]);
  });

  it("awaiting_dispatch parcels already promised to a point count against its slots (not those of cancelled orders)", async () => {
    const at = area();
    const p = point(at, 0, { slots: [{ size: "medium", count: 1 }] });
    const first = await buyerWith([[m.apples, 3]]); // 27 000 cm³: one medium parcel
    const { orderId } = checkout(db, first, { contactPhone: first.phone, deliveryPointId: p }, { now: NOW });
    const load = pointLoad(db, p);
    expect(load.committed).toEqual([{ size: "medium", chilled: false }]);
    expect(load.parcelsHeld).toBe(0);
    expect(load.freeSlots).toEqual([
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(canTakeParcels(db, p, [{ size: "small", chilled: false }])).toEqual({ ok: false, reason: "full" });
    db.$client.prepare(`update orders set status = 'cancelled' where id = ?`).run(orderId);
    expect(canTakeParcels(db, p, [{ size: "small", chilled: false }])).toEqual({ ok: true });
  });

  it("a chilled parcel skips points without chilled slots (no_chilled) for the nearest with one", async () => {
    const at = area();
    const ambientOnly = point(at, 0, { slots: [{ size: "large", count: 5 }] });
    const withFridge = point(at, 0.02, {
      slots: [
        { size: "small", count: 1 },
        { size: "medium", chilled: true, count: 1 },
      ],
    });
    const chilled = [{ size: "small" as const, chilled: true }];
    expect(canTakeParcels(db, ambientOnly, chilled)).toEqual({ ok: false, reason: "no_chilled" });
    expect(canTakeParcels(db, withFridge, chilled)).toEqual({ ok: true });
    expect(findFeasiblePoints(db, at, chilled, { limit: 1 }).map((f) => f.point.id)).toEqual([withFridge]);
    // Ambient parcels may use the chilled slot when nothing else is free: two small ambient parcels fit.
    expect(
      canTakeParcels(db, withFridge, [
        { size: "small", chilled: false },
        { size: "small", chilled: false },
      ]),
    ).toEqual({ ok: true });
    expect(canTakeParcels(db, withFridge, [...chilled, { size: "small", chilled: false }, { size: "small", chilled: false }])).toEqual({
      ok: false,
      reason: "full",
    });
  });

  it("a parcel bigger than any slot is too_big; a slot out of service makes the point full, not too small", async () => {
    const at = area();
    const small = point(at, 0, {
      slots: [
        { size: "small", count: 4 },
        { size: "large", count: 1 },
      ],
    });
    const large = [{ size: "large" as const, chilled: false }];
    expect(canTakeParcels(db, small, large)).toEqual({ ok: true });
    db.$client.prepare(`update storage_slots set out_of_service = 1 where delivery_point_id = ? and size = 'large'`).run(small);
    expect(canTakeParcels(db, small, large)).toEqual({ ok: false, reason: "full" });
    expect(canTakeParcels(db, small, [{ size: "small", chilled: false }])).toEqual({ ok: true });
    const smallOnly = point(at, 0.01, { slots: [{ size: "small", count: 4 }] });
    expect(canTakeParcels(db, smallOnly, large)).toEqual({ ok: false, reason: "too_big" });
    const b = await buyerWith([[m.apples, 6]]); // 54 000 cm³: large
    expect(parcelNeedsForCart(db, b.id)).toEqual(large);
  });

  it("an inactive point is refused and not in the network", async () => {
    const at = area();
    const p = point(at, 0);
    expect(loadNetwork(db).points.some((x) => x.id === p)).toBe(true);
    db.$client.prepare(`update delivery_points set active = 0 where id = ?`).run(p);
    expect(canTakeParcels(db, p, [{ size: "small", chilled: false }])).toEqual({ ok: false, reason: "inactive" });
    invalidateNetwork();
    expect(loadNetwork(db).points.some((x) => x.id === p)).toBe(false);
    expect(findFeasiblePoints(db, at, [{ size: "small", chilled: false }], { maxKm: 5 })).toEqual([]);
  });

  it("a staffed point's parcel capacity caps held + promised + new parcels even with free shelf slots", async () => {
    const at = area();
    const station = point(at, 0, { kind: "village_station", parcelCapacity: 2, slots: [{ size: "large", count: 10 }] });
    const b = await buyerWith([[m.apples, 1]]);
    checkout(db, b, { contactPhone: b.phone, deliveryPointId: station }, { now: NOW });
    const one = [{ size: "small" as const, chilled: false }];
    expect(canTakeParcels(db, station, one)).toEqual({ ok: true });
    expect(canTakeParcels(db, station, [...one, ...one])).toEqual({ ok: false, reason: "full" });
  });
});

describe("checkout and parcels", () => {
  it("refuses a point that cannot take the parcels, names the nearest feasible one, and changes nothing", async () => {
    const at = area();
    const full = point(at, 0, { slots: [{ size: "small", count: 2 }] });
    const alt = point(at, 0.03, { name: `替代快递柜${patch}`, slots: [{ size: "large", count: 2 }] });
    const b = await buyerWith([
      [m.apples, 6],
      [m.kiwis, 1],
    ]);
    const before = {
      apples: stockOf(db, m.apples),
      kiwis: stockOf(db, m.kiwis),
      orders: count(`select count(*) from orders`),
      parcels: count(`select count(*) from parcels`),
    };
    let error: unknown;
    try {
      checkout(db, b, { contactPhone: b.phone, deliveryPointId: full }, { now: NOW });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PointUnavailableError);
    const e = error as PointUnavailableError;
    expect(e.reason).toBe("too_big");
    expect(e.messageKey).toBe("pointChoice.error.unavailableTry");
    expect(e.suggestion).toMatchObject({ id: alt, name: `替代快递柜${patch}` });
    expect(e.suggestion!.km).toBeCloseTo(3.34, 1);
    expect({
      apples: stockOf(db, m.apples),
      kiwis: stockOf(db, m.kiwis),
      orders: count(`select count(*) from orders`),
      parcels: count(`select count(*) from parcels`),
    }).toEqual(before);
    expect(getCart(db, b.id).lines.map((l) => [l.listingId, l.quantity])).toEqual([
      [m.apples, 6],
      [m.kiwis, 1],
    ]);
    // Choosing the proposed point then works.
    expect(checkout(db, b, { contactPhone: b.phone, deliveryPointId: alt }, { now: NOW }).orderId).toBeGreaterThan(0);
  });

  it("makes parcels per sub-order whose items add up to the order lines, and stores when the buyer chose the point", async () => {
    db.$client.prepare(`update listings set storage = 'chilled' where id = ?`).run(m.kiwis);
    try {
      const b = await buyerWith([
        [m.apples, 9], // 81 000 cm³ > one large compartment: two parcels
        [m.kiwis, 2], // chilled: its own parcel
      ]);
      const result = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId }, { now: NOW });
      const order = db.$client
        .prepare(`select delivery_point_id as pointId, delivery_point_chosen_at as chosenAt from orders where id = ?`)
        .get(result.orderId);
      expect(order).toEqual({ pointId: m.pointId, chosenAt: NOW });
      const parcels = db.$client
        .prepare(
          `select id, code, sub_order_id as subOrderId, producer_id as producerId, delivery_point_id as pointId, size, chilled, fresh, volume_cm3 as volume, status from parcels where order_id = ? order by id`,
        )
        .all(result.orderId) as {
        id: number;
        code: string;
        subOrderId: number;
        producerId: number;
        pointId: number;
        size: string;
        chilled: number;
        fresh: number;
        volume: number;
        status: string;
      }[];
      expect(parcels.map((p) => [p.producerId, p.size, p.chilled, p.volume])).toEqual([
        [m.producerA, "large", 0, 72_000],
        [m.producerA, "small", 0, 9_000],
        [m.producerB, "medium", 1, 18_000],
      ]);
      for (const p of parcels) {
        expect(p.code).toBe(normaliseParcelCode(p.code));
        expect(p).toMatchObject({ pointId: m.pointId, status: "awaiting_dispatch", fresh: 1 });
        expect(result.subOrders.find((s) => s.id === p.subOrderId)!.producerId).toBe(p.producerId);
        expect(count(`select count(*) from parcel_events where parcel_id = ? and kind = 'created'`, p.id)).toBe(1);
      }
      // Every unit of every line is in exactly one parcel, and never in another producer's.
      const sums = db.$client
        .prepare(
          `select ol.id, ol.quantity, coalesce(sum(pi.quantity), 0) as packed, count(distinct x.producer_id) as producers, max(x.producer_id = ol.producer_id) as own
           from order_lines ol left join parcel_items pi on pi.order_line_id = ol.id left join parcels x on x.id = pi.parcel_id
           where ol.order_id = ? group by ol.id`,
        )
        .all(result.orderId) as { quantity: number; packed: number; producers: number; own: number }[];
      expect(sums).toHaveLength(2);
      for (const s of sums) expect(s).toMatchObject({ packed: s.quantity, producers: 1, own: 1 });
    } finally {
      db.$client.prepare(`update listings set storage = 'ambient' where id = ?`).run(m.kiwis);
    }
  });

  it("uses the listing's packed volume when it has one", async () => {
    db.$client.prepare(`update listings set package_volume_cm3 = 1000 where id = ?`).run(m.apples);
    try {
      const b = await buyerWith([[m.apples, 10]]);
      expect(parcelNeedsForCart(db, b.id)).toEqual([{ size: "small", chilled: false }]);
    } finally {
      db.$client.prepare(`update listings set package_volume_cm3 = null where id = ?`).run(m.apples);
    }
  });

  it("the checkout page proposes the nearest point that can take the cart and shows the others with their reason", async () => {
    const at = area();
    const nearestFull = point(at, 0, { slots: [{ size: "small", count: 1 }] });
    const proposed = point(at, 0.01, { slots: [{ size: "large", count: 1 }] });
    const b = await buyerWith([[m.apples, 6]]);
    const choices = checkoutPointChoices(db, b.id, { lat: at.lat, lng: at.lng });
    expect(choices.origin.kind).toBe("location");
    expect(choices.recommendedId).toBe(proposed);
    expect(choices.points[0]).toMatchObject({ id: nearestFull, feasibility: { ok: false, reason: "too_big" } });
    expect(choices.points[0].km).toBeCloseTo(0, 3);
    expect(choices.points[1]).toMatchObject({ id: proposed, feasibility: { ok: true } });
    // Without a location or a village, the buyer's last order's point is the origin.
    checkout(db, b, { contactPhone: b.phone, deliveryPointId: proposed }, { now: NOW });
    addToCart(db, b.id, m.apples, 1);
    const again = checkoutPointChoices(db, b.id, {});
    expect(again.origin).toMatchObject({ kind: "lastOrder", pointId: proposed });
    expect(checkoutPointChoices(db, b.id, { noVillage: true }).origin.kind).toBe("none");
  });
});
