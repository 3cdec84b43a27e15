/**
 * The admin network view (logistics/network-admin.ts) against a real SQLite file: load figures
 * (waiting, expected, free slots by size and chilled, capacity use) match the parcels and slots
 * made here, the overdue list holds exactly the overdue parcels, filters narrow both, and buyers
 * and farmers are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import type { ParcelStatus, SlotSize } from "../../db/schema";
import { ForbiddenError } from "../../core/errors";
import { networkOverview, OVERLOAD_PCT } from "../../logistics/network-admin";
import {
  actorFor,
  cachedPasswordHash,
  createCourierRoute,
  createDeliveryPoint,
  createProducer,
  createTestDatabase,
  createUser,
  ensureRegion,
  ensureTestRegions,
} from "../../seeds/factories";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 28, 4, 0, 0);

let db: Db;
let cleanup: () => void;
let countyA: number;
let countyB: number;
let locker: number;
let station: number;
let remote: number;
let producerId: number;
let buyer: { id: number; phone: string };
let admin: number;
let inspector: number;
let farmer: number;
const code = { flagged: "", expired: "" };

let seq = 0;
function slotOf(pointId: number, size: SlotSize, chilled: boolean, nth = 0): number {
  const ids = db.$client
    .prepare(`select id from storage_slots where delivery_point_id = ? and size = ? and chilled = ? order by id`)
    .pluck()
    .all(pointId, size, chilled ? 1 : 0) as number[];
  return ids[nth];
}

/** An order of the buyer at the point with one parcel in the given state. */
function parcel(
  pointId: number,
  status: ParcelStatus,
  opts: { slotId?: number | null; holdUntil?: number | null; size?: SlotSize; chilled?: boolean } = {},
): string {
  const sqlite = db.$client;
  const orderId = Number(
    sqlite
      .prepare(`insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, created_at) values (?, 'ready_for_pickup', 1000, ?, ?, ?)`)
      .run(buyer.id, buyer.phone, pointId, NOW - 5 * DAY).lastInsertRowid,
  );
  const subOrderId = Number(
    sqlite
      .prepare(
        `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen) values (?, ?, 'ready_for_pickup', 1000, 50, 950)`,
      )
      .run(orderId, producerId).lastInsertRowid,
  );
  const c = `PTEST${String(++seq).padStart(5, "0")}`;
  sqlite
    .prepare(
      `insert into parcels (code, order_id, sub_order_id, producer_id, delivery_point_id, size, chilled, fresh, volume_cm3, status, slot_id, hold_until)
       values (?, ?, ?, ?, ?, ?, ?, 1, 5000, ?, ?, ?)`,
    )
    .run(c, orderId, subOrderId, producerId, pointId, opts.size ?? "small", opts.chilled ? 1 : 0, status, opts.slotId ?? null, opts.holdUntil ?? null);
  return c;
}

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  const hash = await cachedPasswordHash();
  countyA = ensureTestRegions(db).countyId;
  const province = ensureRegion(db, { code: "510000", level: "province", nameZh: "四川省", nameEn: "Sichuan" });
  const prefecture = ensureRegion(db, { code: "510100", level: "prefecture", nameZh: "成都市", nameEn: "Chengdu", parentId: province });
  countyB = ensureRegion(db, { code: "510131", level: "county", nameZh: "蒲江县", nameEn: "Pujiang County", parentId: prefecture });
  const routeA = createCourierRoute(db, { countyId: countyA, name: "洛川县农村共配线路", depotLat: 35.75, depotLng: 109.42 });
  const routeB = createCourierRoute(db, { countyId: countyB, name: "蒲江县农村共配线路", depotLat: 30.19, depotLng: 103.51 });
  const operator = await createUser(db, { roles: ["delivery_operator"], displayName: "测试站长", passwordHash: hash });
  admin = (await createUser(db, { roles: ["platform_admin"], passwordHash: hash })).id;
  inspector = (await createUser(db, { roles: ["inspector"], passwordHash: hash })).id;
  const farmerUser = await createUser(db, { roles: ["farmer"], passwordHash: hash });
  farmer = farmerUser.id;
  producerId = createProducer(db, { ownerUserId: farmer });
  const b = await createUser(db, { phone: "13912345678", passwordHash: hash });
  buyer = { id: b.id, phone: b.phone };

  // A locker of 6 compartments, a station of capacity 10 (11 shelf slots incl. the fridge), an empty remote station.
  locker = createDeliveryPoint(db, {
    kind: "locker",
    name: "测试智能快递柜",
    countyId: countyA,
    courierRouteId: routeA,
    operatorUserIds: [operator.id],
    slots: [
      { size: "small", count: 2 },
      { size: "medium", count: 2 },
      { size: "large", count: 1 },
      { size: "medium", chilled: true, count: 1 },
    ],
  });
  station = createDeliveryPoint(db, {
    kind: "village_station",
    name: "测试村级服务站",
    countyId: countyA,
    courierRouteId: routeA,
    parcelCapacity: 10,
    operatorUserIds: [operator.id],
    slots: [
      { size: "small", count: 4 },
      { size: "medium", count: 4 },
      { size: "large", count: 2 },
      { size: "medium", chilled: true, count: 1 },
    ],
  });
  remote = createDeliveryPoint(db, { kind: "village_station", name: "测试远方服务站", countyId: countyB, courierRouteId: routeB, parcelCapacity: 5 });

  // Locker: 2 arrived (one past its holding period), 1 flagged, 1 dispatched chilled; picked-up and awaiting parcels hold nothing.
  parcel(locker, "arrived", { slotId: slotOf(locker, "small", false, 0), holdUntil: NOW + DAY });
  code.expired = parcel(locker, "arrived", { slotId: slotOf(locker, "large", false), holdUntil: NOW - 3 * HOUR, size: "large" });
  code.flagged = parcel(locker, "return_flagged", { slotId: slotOf(locker, "medium", false, 0), holdUntil: NOW - 2 * DAY, size: "medium" });
  parcel(locker, "dispatched", { slotId: slotOf(locker, "medium", true), chilled: true, size: "medium" });
  parcel(locker, "picked_up", { holdUntil: NOW - 4 * DAY });
  parcel(locker, "awaiting_dispatch");
  parcel(locker, "returned", { holdUntil: NOW - 6 * DAY });
  // Station: 9 arrived of capacity 10 → 90 %, overloaded.
  for (let i = 0; i < 4; i++) parcel(station, "arrived", { slotId: slotOf(station, "small", false, i), holdUntil: NOW + 2 * DAY });
  for (let i = 0; i < 4; i++) parcel(station, "arrived", { slotId: slotOf(station, "medium", false, i), holdUntil: NOW + 2 * DAY, size: "medium" });
  parcel(station, "arrived", { slotId: slotOf(station, "large", false, 0), holdUntil: NOW + 2 * DAY, size: "large" });
});
afterAll(() => cleanup());

describe("networkOverview", () => {
  it("gives each point its county, route, operators and load figures", () => {
    const o = networkOverview(db, actorFor(db, admin), {}, NOW);
    expect(o.points.map((p) => p.id).sort()).toEqual([locker, station, remote].sort());
    const l = o.points.find((p) => p.id === locker)!;
    expect(l).toMatchObject({
      kind: "locker",
      county: { id: countyA, nameZh: "洛川县" },
      route: { name: "洛川县农村共配线路" },
      operators: [{ displayName: "测试站长" }],
      waiting: 3,
      flagged: 1,
      expected: 1,
      total: { small: 2, medium: 2, large: 1, chilled: 1 },
      free: { small: 1, medium: 1, large: 0, chilled: 0 },
      capacity: 6,
      usePct: 67,
      level: "medium",
      overloaded: false,
    });
    const s = o.points.find((p) => p.id === station)!;
    expect(s).toMatchObject({ waiting: 9, expected: 0, capacity: 10, usePct: 90, level: "high", overloaded: true });
    expect(s.free).toEqual({ small: 0, medium: 0, large: 1, chilled: 1 });
    const r = o.points.find((p) => p.id === remote)!;
    expect(r).toMatchObject({ waiting: 0, expected: 0, usePct: 0, level: "low", operators: [], county: { nameZh: "蒲江县" } });
    expect(o.totals).toEqual({ points: 3, waiting: 12, expected: 1, overdue: 2, overloaded: 1, recallHeld: 0 });
    expect(o.counties.map((c) => [c.id, c.points])).toEqual([
      [countyB, 1],
      [countyA, 2],
    ]);
  });

  it("lists exactly the overdue parcels, earliest first, with days overdue and the buyer's masked phone", () => {
    const o = networkOverview(db, actorFor(db, admin), {}, NOW);
    expect(o.overdue.map((p) => [p.code, p.status, p.daysOverdue, p.pointName, p.buyerPhoneMasked])).toEqual([
      [code.flagged, "return_flagged", 2, "测试智能快递柜", "139****5678"],
      [code.expired, "arrived", 1, "测试智能快递柜", "139****5678"],
    ]);
    // Just before the next holding period ends nothing else is overdue; three days on, every waiting parcel is.
    expect(networkOverview(db, actorFor(db, admin), {}, NOW + DAY - 1).overdue).toHaveLength(2);
    expect(networkOverview(db, actorFor(db, admin), {}, NOW + 3 * DAY).overdue).toHaveLength(3 + 9);
  });

  it("filters by county, kind and overload", () => {
    const actor = actorFor(db, inspector); // inspectors may read
    const b = networkOverview(db, actor, { countyId: countyB }, NOW);
    expect(b.points.map((p) => p.id)).toEqual([remote]);
    expect(b.overdue).toEqual([]);
    const lockers = networkOverview(db, actor, { kind: "locker" }, NOW);
    expect(lockers.points.map((p) => p.id)).toEqual([locker]);
    expect(lockers.overdue).toHaveLength(2);
    const stations = networkOverview(db, actor, { kind: "village_station", countyId: countyA }, NOW);
    expect(stations.points.map((p) => p.id)).toEqual([station]);
    expect(stations.overdue).toEqual([]);
    const overloaded = networkOverview(db, actor, { overloaded: true }, NOW);
    expect(overloaded.points.map((p) => p.id)).toEqual([station]);
    expect(overloaded.points.every((p) => p.usePct >= OVERLOAD_PCT)).toBe(true);
  });

  it("refuses buyers, farmers and operators", async () => {
    const operator = db.$client.prepare(`select user_id from delivery_point_operators limit 1`).pluck().get() as number;
    for (const id of [buyer.id, farmer, operator]) {
      expect(() => networkOverview(db, actorFor(db, id), {}, NOW)).toThrow(ForbiddenError);
    }
  });
});
