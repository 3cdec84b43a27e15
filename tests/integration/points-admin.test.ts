/**
 * Managing the delivery network (logistics/points-admin.ts) against a real SQLite file: a platform
 * admin creates a locker and a station, adds slots whose codes continue the numbering, takes slots
 * out of service (checkout feasibility follows, an occupied slot is refused), manages operators;
 * everyone else is refused every write; bad input is refused with its message key and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import type { Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { canTakeParcels, loadNetwork } from "../../logistics/network";
import {
  addOperator,
  addSlots,
  createPoint,
  deleteSlot,
  pointForAdmin,
  removeOperator,
  setSlotInService,
  updatePoint,
  type PointInput,
} from "../../logistics/points-admin";
import {
  actorFor,
  cachedPasswordHash,
  createCourierRoute,
  createDeliveryPoint,
  createProducer,
  createTestDatabase,
  createUser,
  createVillage,
  ensureRegion,
  ensureTestRegions,
} from "../../seeds/factories";

let db: Db;
let cleanup: () => void;
let admin: Actor;
let others: { role: string; actor: Actor }[];
let operator: { id: number; phone: string };
let buyer: { id: number; phone: string };
let countyId: number;
let otherCountyId: number;
let villageId: number;
let otherVillageId: number;
let routeId: number;
let otherRouteId: number;
let producerId: number;

const small = { size: "small", chilled: false } as const;

function stationInput(over: Partial<PointInput> = {}): PointInput {
  return {
    kind: "village_station",
    name: "测试新建服务站",
    address: "测试村委会东侧",
    countyId,
    township: "凤栖街道",
    villageId,
    lat: 35.76,
    lng: 109.43,
    parcelCapacity: 30,
    openingHours: "08:00-20:00",
    holdingDaysFresh: 3,
    holdingDaysOther: 7,
    courierRouteId: routeId,
    active: true,
    ...over,
  };
}

const lockerInput = (over: Partial<PointInput> = {}): PointInput =>
  stationInput({ kind: "locker", name: "测试新建快递柜", villageId: null, parcelCapacity: null, openingHours: "24h", ...over });

const codesOf = (pointId: number) =>
  db.$client.prepare(`select code from storage_slots where delivery_point_id = ? order by id`).pluck().all(pointId) as string[];
const slotId = (pointId: number, code: string) =>
  db.$client.prepare(`select id from storage_slots where delivery_point_id = ? and code = ?`).pluck().get(pointId, code) as number;

/** A point's rows, its slots and operators, to prove a refused call changed nothing. */
function snapshot() {
  const s = db.$client;
  return JSON.stringify([
    s.prepare(`select * from delivery_points order by id`).all(),
    s.prepare(`select * from storage_slots order by id`).all(),
    s.prepare(`select * from delivery_point_operators order by delivery_point_id, user_id`).all(),
  ]);
}

function expectRule(fn: () => unknown, key: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainRuleError);
    expect((e as DomainRuleError).messageKey).toBe(key);
    return;
  }
  throw new Error(`expected ${key}`);
}

/** A parcel in a slot of the point (an order of the buyer behind it). */
function parcelInSlot(pointId: number, slot: number, status: "arrived" | "picked_up" | "dispatched"): number {
  const s = db.$client;
  const orderId = Number(
    s
      .prepare(`insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id) values (?, 'ready_for_pickup', 1000, ?, ?)`)
      .run(buyer.id, buyer.phone, pointId).lastInsertRowid,
  );
  const subOrderId = Number(
    s
      .prepare(
        `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen) values (?, ?, 'ready_for_pickup', 1000, 50, 950)`,
      )
      .run(orderId, producerId).lastInsertRowid,
  );
  return Number(
    s
      .prepare(
        `insert into parcels (code, order_id, sub_order_id, producer_id, delivery_point_id, size, chilled, fresh, volume_cm3, status, slot_id)
         values (?, ?, ?, ?, ?, 'small', 0, 0, 1000, ?, ?)`,
      )
      .run(`PADM${orderId}`, orderId, subOrderId, producerId, pointId, status, slot).lastInsertRowid,
  );
}

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  const hash = await cachedPasswordHash();
  const regions = ensureTestRegions(db);
  countyId = regions.countyId;
  const province = ensureRegion(db, { code: "510000", level: "province", nameZh: "四川省", nameEn: "Sichuan" });
  const prefecture = ensureRegion(db, { code: "510100", level: "prefecture", nameZh: "成都市", nameEn: "Chengdu", parentId: province });
  otherCountyId = ensureRegion(db, { code: "510131", level: "county", nameZh: "蒲江县", nameEn: "Pujiang County", parentId: prefecture });
  const otherTownship = ensureRegion(db, { code: "510131001", level: "township", nameZh: "鹤山街道", nameEn: "Heshan", parentId: otherCountyId });
  villageId = createVillage(db, {});
  otherVillageId = createVillage(db, { provinceId: province, countyId: otherCountyId, townshipId: otherTownship });
  routeId = createCourierRoute(db, { countyId, name: "洛川测试线路", depotLat: 35.75, depotLng: 109.42 });
  otherRouteId = createCourierRoute(db, { countyId: otherCountyId, name: "蒲江测试线路", depotLat: 30.19, depotLng: 103.51 });
  admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"], passwordHash: hash })).id);
  operator = await createUser(db, { roles: ["delivery_operator"], displayName: "测试站长", passwordHash: hash });
  buyer = await createUser(db, { passwordHash: hash });
  const farmer = await createUser(db, { roles: ["farmer"], passwordHash: hash });
  producerId = createProducer(db, { ownerUserId: farmer.id });
  others = [
    { role: "farmer", actor: actorFor(db, farmer.id) },
    { role: "buyer", actor: actorFor(db, buyer.id) },
    { role: "delivery_operator", actor: actorFor(db, operator.id) },
    { role: "inspector", actor: actorFor(db, (await createUser(db, { roles: ["inspector"], passwordHash: hash })).id) },
  ];
});

afterAll(() => cleanup?.());

describe("creating points and adding slots", () => {
  it("creates a locker and a station; slot codes continue the point's numbering", () => {
    const locker = createPoint(db, admin, lockerInput());
    const station = createPoint(db, admin, stationInput());
    expect(codesOf(locker)).toEqual([]);
    expect(pointForAdmin(db, admin, station).point).toMatchObject({
      kind: "village_station",
      parcelCapacity: 30,
      villageId,
      courierRouteId: routeId,
      active: true,
    });
    expect(pointForAdmin(db, admin, locker).point.parcelCapacity).toBeNull();

    expect(addSlots(db, admin, locker, { size: "small", chilled: false, count: 19 })).toHaveLength(19);
    expect(addSlots(db, admin, locker, { size: "medium", chilled: false, count: 3 })).toEqual(["A20", "B01", "B02"]);
    expect(addSlots(db, admin, locker, { size: "medium", chilled: true, count: 2 })).toEqual(["冷01", "冷02"]);
    expect(addSlots(db, admin, locker, { size: "large", chilled: true, count: 1 })).toEqual(["冷03"]);
    expect(codesOf(locker).slice(0, 2)).toEqual(["A01", "A02"]);

    expect(addSlots(db, admin, station, { size: "small", chilled: false, count: 5 })).toEqual(["1-01", "1-02", "1-03", "1-04", "1-05"]);
    expect(addSlots(db, admin, station, { size: "large", chilled: false, count: 2 })).toEqual(["1-06", "1-07"]);
    expect(addSlots(db, admin, station, { size: "medium", chilled: true, count: 1 })).toEqual(["冷柜-01"]);
    const kinds = db.$client.prepare(`select distinct kind from storage_slots where delivery_point_id = ?`).pluck().all(station);
    expect(kinds).toEqual(["shelf"]);
    // Standard dimensions.
    const large = db.$client.prepare(`select height_mm as h, width_mm as w, depth_mm as d from storage_slots where id = ?`).get(slotId(station, "1-06"));
    expect(large).toEqual({ h: 410, w: 380, d: 640 });
  });

  it("continues the numbering of a point the seeds' factory made (shared slot-making code)", () => {
    const seeded = createDeliveryPoint(db, {
      kind: "village_station",
      countyId,
      slots: [
        { size: "small", count: 21 },
        { size: "medium", chilled: true, count: 1 },
      ],
    });
    expect(codesOf(seeded).slice(19)).toEqual(["1-20", "2-01", "冷柜-01"]);
    expect(addSlots(db, admin, seeded, { size: "small", chilled: false, count: 2 })).toEqual(["2-02", "2-03"]);
    expect(addSlots(db, admin, seeded, { size: "small", chilled: true, count: 1 })).toEqual(["冷柜-02"]);
  });

  it("a new point is in checkout's network at once; a deactivated one leaves it and refuses parcels", () => {
    loadNetwork(db); // warm the cache: the writes must invalidate it
    const id = createPoint(db, admin, lockerInput({ name: "测试网络快递柜", lat: 35.8 }));
    addSlots(db, admin, id, { size: "small", chilled: false, count: 2 });
    expect(loadNetwork(db).points.some((p) => p.id === id)).toBe(true);
    expect(canTakeParcels(db, id, [small])).toEqual({ ok: true });
    updatePoint(db, admin, id, lockerInput({ name: "测试网络快递柜", lat: 35.8, active: false }));
    expect(loadNetwork(db).points.some((p) => p.id === id)).toBe(false);
    expect(canTakeParcels(db, id, [small])).toEqual({ ok: false, reason: "inactive" });
    updatePoint(db, admin, id, lockerInput({ name: "测试网络快递柜", lat: 35.8, active: true }));
    expect(loadNetwork(db).points.some((p) => p.id === id)).toBe(true);
  });
});

describe("slots in and out of service", () => {
  it("taking a free slot out of service changes checkout feasibility; an occupied slot cannot be taken out", () => {
    const id = createPoint(db, admin, lockerInput({ name: "测试停用快递柜" }));
    addSlots(db, admin, id, { size: "small", chilled: false, count: 2 });
    const [a, b] = [slotId(id, "A01"), slotId(id, "A02")];
    expect(canTakeParcels(db, id, [small, small])).toEqual({ ok: true });

    setSlotInService(db, admin, b, false);
    expect(canTakeParcels(db, id, [small, small])).toEqual({ ok: false, reason: "full" });
    expect(canTakeParcels(db, id, [small])).toEqual({ ok: true });
    expect(pointForAdmin(db, admin, id).slotGroups).toEqual([
      expect.objectContaining({ size: "small", chilled: false, total: 2, free: 1, occupied: 0, outOfService: 1 }),
    ]);

    // A parcel arrives in A01: it cannot go out of service, and the point is now full for a small parcel.
    parcelInSlot(id, a, "arrived");
    const before = snapshot();
    expectRule(() => setSlotInService(db, admin, a, false), "pointsAdmin.error.slotOccupied");
    expect(snapshot()).toBe(before);
    expect(canTakeParcels(db, id, [small])).toEqual({ ok: false, reason: "full" });

    setSlotInService(db, admin, b, true);
    expect(canTakeParcels(db, id, [small])).toEqual({ ok: true });
    expect(pointForAdmin(db, admin, id).slotGroups[0]).toMatchObject({ total: 2, free: 1, occupied: 1, outOfService: 0 });
  });

  it("a slot that held a parcel is never deleted (out of service instead); a never-used one may be", () => {
    const id = createPoint(db, admin, stationInput({ name: "测试删除服务站" }));
    addSlots(db, admin, id, { size: "small", chilled: false, count: 2 });
    const used = slotId(id, "1-01");
    parcelInSlot(id, used, "picked_up");
    expectRule(() => deleteSlot(db, admin, used), "pointsAdmin.error.slotUsed");
    setSlotInService(db, admin, used, false); // picked up: the slot is free, so out of service is fine
    deleteSlot(db, admin, slotId(id, "1-02"));
    expect(codesOf(id)).toEqual(["1-01"]);
    expect(() => setSlotInService(db, admin, 999_999, false)).toThrow(NotFoundError);
  });
});

describe("operators", () => {
  it("adds an operator by phone and removes them; unknown phones and non-operators are refused", () => {
    const id = createPoint(db, admin, stationInput({ name: "测试站长服务站" }));
    expect(loadNetwork(db).points.find((p) => p.id === id)?.staffed).toBe(false);
    expect(addOperator(db, admin, id, ` +86 ${operator.phone}`)).toBe(operator.id);
    expect(pointForAdmin(db, admin, id).operators.map((o) => o.id)).toEqual([operator.id]);
    expect(loadNetwork(db).points.find((p) => p.id === id)?.staffed).toBe(true);

    const before = snapshot();
    expectRule(() => addOperator(db, admin, id, operator.phone), "pointsAdmin.error.alreadyOperator");
    expectRule(() => addOperator(db, admin, id, "13999999999"), "pointsAdmin.error.unknownUser");
    expectRule(() => addOperator(db, admin, id, buyer.phone), "pointsAdmin.error.notOperator");
    expectRule(() => addOperator(db, admin, id, "12345"), "pointsAdmin.error.phone");
    expect(snapshot()).toBe(before);

    removeOperator(db, admin, id, operator.id);
    expect(pointForAdmin(db, admin, id).operators).toEqual([]);
    expect(loadNetwork(db).points.find((p) => p.id === id)?.staffed).toBe(false);
    expect(() => removeOperator(db, admin, id, operator.id)).toThrow(NotFoundError);
  });
});

describe("who may manage the network", () => {
  it("refuses farmers, buyers, operators and inspectors every write, changing nothing", () => {
    const id = createPoint(db, admin, stationInput({ name: "测试权限服务站" }));
    addSlots(db, admin, id, { size: "small", chilled: false, count: 1 });
    addOperator(db, admin, id, operator.phone);
    const slot = slotId(id, "1-01");
    const before = snapshot();
    for (const { role, actor } of others) {
      const writes: [string, () => unknown][] = [
        ["createPoint", () => createPoint(db, actor, stationInput())],
        ["updatePoint", () => updatePoint(db, actor, id, stationInput({ name: "改名" }))],
        ["addSlots", () => addSlots(db, actor, id, { size: "small", chilled: false, count: 1 })],
        ["setSlotInService", () => setSlotInService(db, actor, slot, false)],
        ["deleteSlot", () => deleteSlot(db, actor, slot)],
        ["addOperator", () => addOperator(db, actor, id, operator.phone)],
        ["removeOperator", () => removeOperator(db, actor, id, operator.id)],
        ["pointForAdmin", () => pointForAdmin(db, actor, id)],
      ];
      for (const [name, write] of writes) expect(write, `${role} ${name}`).toThrow(ForbiddenError);
    }
    expect(snapshot()).toBe(before);
  });
});

describe("bad input is refused with its message key and nothing changes", () => {
  it("refuses bad hours, capacity, coordinates, holding days, county, village and route", () => {
    const id = createPoint(db, admin, stationInput({ name: "测试校验服务站" }));
    const locker = createPoint(db, admin, lockerInput({ name: "测试校验快递柜" }));
    addSlots(db, admin, locker, { size: "small", chilled: false, count: 1 });
    const cases: [Partial<PointInput>, string][] = [
      [{ openingHours: "20:00-08:00" }, "pointsAdmin.error.hours"],
      [{ openingHours: "8:00-20:00" }, "pointsAdmin.error.hours"],
      [{ openingHours: "08:00-08:00" }, "pointsAdmin.error.hours"],
      [{ openingHours: "24:00-25:00" }, "pointsAdmin.error.hours"],
      [{ parcelCapacity: 0 }, "pointsAdmin.error.capacity"],
      [{ parcelCapacity: null }, "pointsAdmin.error.capacity"],
      [{ parcelCapacity: 2.5 }, "pointsAdmin.error.capacity"],
      [{ kind: "locker", parcelCapacity: 10 }, "pointsAdmin.error.lockerCapacity"],
      [{ lat: 60 }, "pointsAdmin.error.lat"],
      [{ lat: Number.NaN }, "pointsAdmin.error.lat"],
      [{ lng: 20 }, "pointsAdmin.error.lng"],
      [{ holdingDaysFresh: 0 }, "pointsAdmin.error.holdingDays"],
      [{ holdingDaysOther: 31 }, "pointsAdmin.error.holdingDays"],
      [{ countyId: 999_999 }, "pointsAdmin.error.county"],
      [{ villageId: otherVillageId }, "pointsAdmin.error.villageCounty"],
      [{ courierRouteId: otherRouteId }, "pointsAdmin.error.route"],
      [{ name: "   " }, "pointsAdmin.error.name"],
    ];
    const before = snapshot();
    for (const [over, key] of cases) {
      expectRule(() => createPoint(db, admin, stationInput(over)), key);
      expectRule(() => updatePoint(db, admin, id, stationInput(over)), key);
    }
    // A locker with compartments cannot become a staffed point.
    expectRule(() => updatePoint(db, admin, locker, stationInput({ name: "测试校验快递柜" })), "pointsAdmin.error.kindChange");
    expectRule(() => addSlots(db, admin, id, { size: "small", chilled: false, count: 0 }), "pointsAdmin.error.slotCount");
    expectRule(() => addSlots(db, admin, id, { size: "small", chilled: false, count: 201 }), "pointsAdmin.error.slotCount");
    expect(snapshot()).toBe(before);
    expect(() => updatePoint(db, admin, 999_999, stationInput())).toThrow(NotFoundError);
    expect(() => addSlots(db, admin, 999_999, { size: "small", chilled: false, count: 1 })).toThrow(NotFoundError);

    // The same county's village and route are fine; a point in the other county takes its own.
    updatePoint(db, admin, id, stationInput({ name: "测试校验服务站", countyId: otherCountyId, villageId: otherVillageId, courierRouteId: otherRouteId }));
    expect(pointForAdmin(db, admin, id).point).toMatchObject({ countyId: otherCountyId, villageId: otherVillageId, courierRouteId: otherRouteId });
  });
});
