/**
 * Joint delivery manifests (issue 5 item 6) against a real SQLite file: parcels of two producers
 * for four points on one courier route become one manifest whose stops are exactly those points,
 * the joint route is no longer than the producers driving separately, building the day again is
 * idempotent (and picks up newly dispatched parcels), and only a platform admin (or an operator on
 * the route, for their own stops) may read manifests.
 */
import { shanghaiDate, shanghaiDayRange } from "../../core/clock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import type { Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { buildDailyManifests, buildDueManifests, buildManifestsAs, getManifest, listManifests } from "../../logistics/manifests";
import { planRoute } from "../../logistics/routing";
import {
  actorFor,
  cachedPasswordHash,
  createCourierRoute,
  createDeliveryPoint,
  createTestDatabase,
  createUser,
  ensureTestRegions,
} from "../../seeds/factories";
import { createBuyer, createMarket, type Market } from "../helpers/orders";

let db: Db;
let cleanup: () => void;
let m: Market;
let routeId: number;
let otherRouteId: number;
let points: number[]; // on the route
let offRoute: number; // a point on no route
let admin: Actor;
let buyerActor: Actor;
let operator: Actor; // operates points[0]
let strangerOperator: Actor; // operates a point on no manifest

const DATE = "2026-03-10";
const NOON = Date.parse(`${DATE}T12:00:00+08:00`);
const depot = { lat: 35.76, lng: 109.42 };

const q = <T>(sql: string, ...args: unknown[]) => db.$client.prepare(sql).all(...args) as T[];
const one = <T>(sql: string, ...args: unknown[]) =>
  db.$client
    .prepare(sql)
    .pluck()
    .get(...args) as T;

let codeNo = 0;
/**
 * An order from a fresh buyer to `pointId` with the given producers' listings, its parcels then
 * dispatched at `dispatchedAt` (checkout makes the parcels; if it did not, one per sub-order is
 * inserted). Returns the parcel ids by producer.
 */
async function dispatchedOrder(pointId: number, which: ("A" | "B")[], dispatchedAt = NOON, status = "dispatched"): Promise<Record<number, number[]>> {
  const b = await createBuyer(db);
  for (const w of which) addToCart(db, b.id, w === "A" ? m.apples : m.kiwis, 1, dispatchedAt - 3_600_000);
  const order = checkout(
    db,
    b,
    { contactPhone: b.phone, deliveryPointId: pointId },
    { now: dispatchedAt - 3_600_000, commissionBp: 500, reservationMinutes: 30 },
  );
  let parcelRows = q<{ id: number; producerId: number }>(`select id, producer_id as producerId from parcels where order_id = ?`, order.orderId);
  if (parcelRows.length === 0) {
    for (const so of order.subOrders) {
      db.$client
        .prepare(`insert into parcels (code, order_id, sub_order_id, producer_id, delivery_point_id, size, volume_cm3) values (?, ?, ?, ?, ?, 'small', 3000)`)
        .run(`T${String(++codeNo).padStart(9, "0")}`, order.orderId, so.id, so.producerId, pointId);
    }
    parcelRows = q(`select id, producer_id as producerId from parcels where order_id = ?`, order.orderId);
  }
  db.$client
    .prepare(`update parcels set status = ?, dispatched_at = ? where order_id = ?`)
    .run(status, status === "awaiting_dispatch" ? null : dispatchedAt, order.orderId);
  const out: Record<number, number[]> = {};
  for (const p of parcelRows) (out[p.producerId] ??= []).push(p.id);
  return out;
}

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  m = await createMarket(db, { stockA: 500, stockB: 500 });
  const { countyId } = ensureTestRegions(db);
  routeId = createCourierRoute(db, { countyId, name: "洛川东线", depotName: "洛川县共配中心", depotLat: depot.lat, depotLng: depot.lng });
  otherRouteId = createCourierRoute(db, { countyId, name: "洛川西线", depotName: "洛川县共配中心", depotLat: depot.lat, depotLng: depot.lng });
  const opUser = await createUser(db, { roles: ["delivery_operator"], passwordHash: await cachedPasswordHash() });
  const strangerUser = await createUser(db, { roles: ["delivery_operator"], passwordHash: await cachedPasswordHash() });
  const coords = [
    [35.8, 109.5],
    [35.85, 109.45],
    [35.7, 109.55],
    [35.9, 109.6],
  ];
  points = coords.map(([lat, lng], i) =>
    createDeliveryPoint(db, {
      kind: i === 1 ? "locker" : "village_station",
      name: `东线${i + 1}号点`,
      address: `洛川县东线${i + 1}号`,
      countyId,
      township: "凤栖街道",
      lat,
      lng,
      courierRouteId: routeId,
      operatorUserIds: i === 0 ? [opUser.id] : [],
    }),
  );
  offRoute = createDeliveryPoint(db, { name: "无线路服务站", lat: 35.75, lng: 109.3, countyId, operatorUserIds: [strangerUser.id] });
  const adminUser = await createUser(db, { roles: ["platform_admin"], passwordHash: await cachedPasswordHash() });
  admin = actorFor(db, adminUser.id);
  operator = actorFor(db, opUser.id);
  strangerOperator = actorFor(db, strangerUser.id);
  buyerActor = actorFor(db, m.buyer.id);
});
afterAll(() => cleanup());

describe("service days", () => {
  it("are Asia/Shanghai calendar days", () => {
    expect(shanghaiDate(Date.parse("2026-03-09T16:00:00Z"))).toBe("2026-03-10"); // 00:00 in Shanghai
    expect(shanghaiDate(Date.parse("2026-03-09T15:59:59Z"))).toBe("2026-03-09");
    expect(shanghaiDayRange("2026-03-10")).toEqual({ start: Date.parse("2026-03-10T00:00:00+08:00"), end: Date.parse("2026-03-11T00:00:00+08:00") });
    expect(shanghaiDayRange("2026-02-30")).toBeNull();
    expect(shanghaiDayRange("10/03/2026")).toBeNull();
    expect(() => buildDailyManifests(db, "2026-13-01")).toThrow(DomainRuleError);
  });
});

describe("buildDailyManifests", () => {
  let byProducer: Record<number, Set<number>>; // producer → points its dispatched parcels go to
  let onRoute: number[]; // parcel ids expected on the manifest

  beforeAll(async () => {
    byProducer = { [m.producerA]: new Set(), [m.producerB]: new Set() };
    onRoute = [];
    const plan: [number, ("A" | "B")[]][] = [
      [points[0], ["A", "B"]],
      [points[1], ["A"]],
      [points[2], ["B"]],
      [points[3], ["A", "B"]],
      [points[3], ["A"]], // two orders to one point: still one stop
    ];
    for (const [pointId, which] of plan) {
      const got = await dispatchedOrder(pointId, which);
      for (const [producerId, ids] of Object.entries(got)) {
        byProducer[Number(producerId)].add(pointId);
        onRoute.push(...ids);
      }
    }
  });

  it("consolidates two producers' parcels for one route into one manifest whose stops are exactly the points", async () => {
    // Not on the manifest: a point on no route, a parcel not dispatched yet, one dispatched after the day.
    const offRouteParcels = Object.values(await dispatchedOrder(offRoute, ["A"])).flat();
    const waiting = Object.values(await dispatchedOrder(points[1], ["B"], NOON, "awaiting_dispatch")).flat();
    const tomorrow = Object.values(await dispatchedOrder(points[2], ["A"], NOON + 86_400_000)).flat();

    const summaries = buildDailyManifests(db, DATE, NOON + 3_600_000);
    expect(summaries).toHaveLength(1);
    const s = summaries[0];
    expect(s.courierRouteId).toBe(routeId);
    expect(s.stopCount).toBe(4);
    expect(s.parcelCount).toBe(onRoute.length);
    expect(s.producerCount).toBe(2);

    const row = db.$client.prepare(`select * from route_manifests where id = ?`).get(s.id) as {
      stops: string;
      length_m: number;
      construction_length_m: number;
      separate_length_m: number;
      service_date: string;
    };
    expect(row.service_date).toBe(DATE);
    const stops = JSON.parse(row.stops) as number[];
    expect(stops.slice().sort((a, b) => a - b)).toEqual(points.slice().sort((a, b) => a - b));

    const onManifest = q<{ id: number }>(`select id from parcels where manifest_id = ? order by id`, s.id).map((r) => r.id);
    expect(onManifest).toEqual(onRoute.slice().sort((a, b) => a - b));
    for (const id of [...offRouteParcels, ...waiting, ...tomorrow]) expect(one(`select manifest_id from parcels where id = ?`, id)).toBeNull();

    // Joint ≤ separate, improved ≤ construction; "separate" is the sum of each producer's own planned tour.
    expect(row.length_m).toBeLessThanOrEqual(row.separate_length_m);
    expect(row.length_m).toBeLessThanOrEqual(row.construction_length_m);
    const pointStop = (id: number) => {
      const p = db.$client.prepare(`select id, lat, lng from delivery_points where id = ?`).get(id) as { id: number; lat: number; lng: number };
      return p;
    };
    const separateKm = [m.producerA, m.producerB].reduce((km, pid) => km + planRoute(depot, [...byProducer[pid]].map(pointStop)).improvedKm, 0);
    expect(row.separate_length_m).toBe(Math.round(separateKm * 1000));
    // Both producers visit point 0 and 3, so driving together must save something here.
    expect(row.length_m).toBeLessThan(row.separate_length_m);
    expect(s.savingPercent).toBeGreaterThan(0);
  });

  it("is idempotent for a day, and a rebuild takes in newly dispatched parcels and drops cancelled ones", async () => {
    const before = q<{ id: number; stops: string; length_m: number; separate_length_m: number }>(
      `select id, stops, length_m, separate_length_m from route_manifests`,
    );
    const parcelsBefore = q<{ id: number; manifest_id: number | null }>(`select id, manifest_id from parcels order by id`);
    buildDailyManifests(db, DATE, NOON + 7_200_000);
    expect(q(`select id, stops, length_m, separate_length_m from route_manifests`)).toEqual(before);
    expect(q(`select id, manifest_id from parcels order by id`)).toEqual(parcelsBefore);

    // A new point on the route gets a parcel later that day; a parcel on the manifest is cancelled;
    // another one has already arrived (it stays on the manifest).
    const { countyId } = ensureTestRegions(db);
    const late = createDeliveryPoint(db, { name: "东线5号点", lat: 35.95, lng: 109.4, countyId, courierRouteId: routeId });
    const lateParcels = Object.values(await dispatchedOrder(late, ["B"], NOON + 5 * 3_600_000)).flat();
    const manifestId = before[0].id;
    const [cancelled, arrived] = q<{ id: number }>(`select id from parcels where manifest_id = ? order by id`, manifestId).map((r) => r.id);
    db.$client.prepare(`update parcels set status = 'cancelled' where id = ?`).run(cancelled);
    db.$client.prepare(`update parcels set status = 'arrived', arrived_at = ? where id = ?`).run(NOON + 4 * 3_600_000, arrived);

    const [s] = buildDailyManifests(db, DATE, NOON + 6 * 3_600_000);
    expect(s.id).toBe(manifestId); // same row, rebuilt
    expect(s.stopCount).toBe(5);
    expect(one(`select count(*) from route_manifests`)).toBe(1);
    for (const id of lateParcels) expect(one(`select manifest_id from parcels where id = ?`, id)).toBe(manifestId);
    expect(one(`select manifest_id from parcels where id = ?`, cancelled)).toBeNull();
    expect(one(`select manifest_id from parcels where id = ?`, arrived)).toBe(manifestId);
    expect(JSON.parse(one<string>(`select stops from route_manifests where id = ?`, manifestId))).toContain(late);
  });

  it("leaves parcels on an earlier day's manifest there, and the next day carries parcels nobody manifested", async () => {
    const next = "2026-03-11";
    const nextNoon = NOON + 86_400_000;
    const summaries = buildDailyManifests(db, next, nextNoon);
    // The parcel dispatched "tomorrow" in the first test (to points[2]) is the only one for the 11th.
    expect(summaries).toHaveLength(1);
    expect(summaries[0].parcelCount).toBe(1);
    expect(summaries[0].stopCount).toBe(1);
    const todays = listManifests(db, admin, { date: DATE });
    expect(todays.manifests).toHaveLength(1);
    expect(todays.manifests[0].parcelCount).toBeGreaterThan(1);
    // A day with no parcels at all builds nothing.
    expect(buildDailyManifests(db, "2026-03-01", NOON)).toEqual([]);
  });

  it("keeps one manifest per route: a second route's points get their own manifest", async () => {
    const { countyId } = ensureTestRegions(db);
    const west = createDeliveryPoint(db, { name: "西线1号点", lat: 35.7, lng: 109.3, countyId, courierRouteId: otherRouteId });
    await dispatchedOrder(west, ["A", "B"], NOON + 8 * 3_600_000);
    const summaries = buildDailyManifests(db, DATE, NOON + 9 * 3_600_000);
    expect(summaries.map((s) => s.courierRouteId).sort()).toEqual([routeId, otherRouteId].sort());
    const west1 = summaries.find((s) => s.courierRouteId === otherRouteId)!;
    expect(west1.stopCount).toBe(1);
    // One point, two producers: separately is two round trips, jointly one.
    expect(west1.separateLengthM).toBeGreaterThanOrEqual(2 * west1.lengthM - 1);
  });
});

describe("reading manifests", () => {
  it("lists the day's manifests with totals for a platform admin", () => {
    const list = listManifests(db, admin, { date: DATE });
    expect(list.manifests).toHaveLength(2);
    expect(list.totals.lengthM).toBe(list.manifests.reduce((n, x) => n + x.lengthM, 0));
    expect(list.totals.separateLengthM).toBe(list.manifests.reduce((n, x) => n + x.separateLengthM, 0));
    expect(list.totals.lengthM).toBeLessThanOrEqual(list.totals.separateLengthM);
    expect(list.totals.savingPercent).toBeCloseTo(Math.round((1 - list.totals.lengthM / list.totals.separateLengthM) * 1000) / 10, 5);
    expect(() => listManifests(db, admin, { date: "yesterday" })).toThrow(DomainRuleError);
  });

  it("gives the printable manifest: stops in driving order with each parcel's code, size, producer, masked buyer phone", () => {
    const id = listManifests(db, admin, { date: DATE }).manifests.find((x) => x.courierRouteId === routeId)!.id;
    const detail = getManifest(db, admin, id);
    const stored = JSON.parse(one<string>(`select stops from route_manifests where id = ?`, id)) as number[];
    expect(detail.complete).toBe(true);
    expect(detail.stops.map((s) => s.pointId)).toEqual(stored);
    expect(detail.stops.map((s) => s.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(detail.routeName).toBe("洛川东线");
    expect(detail.depotName).toBe("洛川县共配中心");
    const all = detail.stops.flatMap((s) => s.parcels);
    expect(all.length).toBe(detail.parcelCount);
    expect(all.length).toBe(one(`select count(*) from parcels where manifest_id = ?`, id));
    for (const p of all) {
      expect(p.code).toMatch(/\S{6,}/);
      expect(p.buyerContact).toMatch(/^1\d{2}\*{4}\d{4}$/);
      expect(["订单测试苹果合作社", "订单测试猕猴桃农场"]).toContain(p.producerName);
      expect(["small", "medium", "large"]).toContain(p.size);
    }
    const locker = detail.stops.find((s) => s.pointId === points[1])!;
    expect(locker.kind).toBe("locker");
    expect(locker.name).toBe("东线2号点");
  });

  it("refuses a buyer, and an operator whose points are not on the run; an operator on the run sees only their stop", () => {
    const id = listManifests(db, admin, { date: DATE }).manifests.find((x) => x.courierRouteId === routeId)!.id;
    expect(() => listManifests(db, buyerActor, { date: DATE })).toThrow(ForbiddenError);
    expect(() => getManifest(db, buyerActor, id)).toThrow(ForbiddenError);
    expect(() => buildManifestsAs(db, buyerActor, DATE)).toThrow(ForbiddenError);
    expect(() => buildManifestsAs(db, operator, DATE)).toThrow(ForbiddenError);
    expect(() => getManifest(db, strangerOperator, id)).toThrow(ForbiddenError);
    expect(() => listManifests(db, operator, { date: DATE })).toThrow(ForbiddenError);
    const mine = getManifest(db, operator, id);
    expect(mine.complete).toBe(false);
    expect(mine.stops.map((s) => s.pointId)).toEqual([points[0]]);
    expect(mine.parcelCount).toBe(one(`select count(*) from parcels where manifest_id = ? and delivery_point_id = ?`, id, points[0]));
    expect(() => getManifest(db, admin, 999_999)).toThrow(NotFoundError);
  });
});

describe("built by the clock", () => {
  it("builds a day's manifests once, after the cut-off, and never rebuilds them under the courier", async () => {
    const day = "2026-03-20";
    const at = (time: string) => Date.parse(`${day}T${time}:00+08:00`);
    await dispatchedOrder(points[0], ["A"], at("09:00"));
    expect(buildDueManifests(db, "14:00", at("13:59"))).toBeNull();
    expect(one<number>(`select count(*) from route_manifests where service_date = ?`, day)).toBe(0);
    expect(buildDueManifests(db, "14:00", at("14:05"))).toBe(day);
    const built = q<{ id: number; createdAt: number }>(`select id, created_at as createdAt from route_manifests where service_date = ?`, day);
    expect(built).toHaveLength(1);
    // A parcel dispatched after the run was planned waits for the next day's run.
    await dispatchedOrder(points[1], ["B"], at("15:00"));
    expect(buildDueManifests(db, "14:00", at("15:10"))).toBeNull();
    expect(q(`select id, created_at as createdAt from route_manifests where service_date = ?`, day)).toEqual(built);
    expect(() => buildDueManifests(db, "2pm", at("15:10"))).toThrow(/HH:MM/);
  });
});
