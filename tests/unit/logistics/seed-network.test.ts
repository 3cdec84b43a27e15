/**
 * The seeded delivery network (seeds/logistics.ts) and the demo parcels (seeds/orders.ts): the demo
 * set has at least 15 points of every kind, each with coordinates, county, its county's route and
 * operators; lockers have standard compartments incl. chilled ones; parcels sit in fitting slots in
 * realistic states; the small set has its points; seeding again duplicates nothing.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../../db/client";
import { DELIVERY_POINT_KINDS } from "../../../db/schema";
import { fits } from "../../../logistics/capacity";
import { STANDARD_SLOT_DIMENSIONS } from "../../../logistics/sizes";
import { seedDemoData } from "../../../seeds/demo-data";
import { createTestDatabase } from "../../../seeds/factories";
import { QIAN_OPERATOR_PHONE, seedDeliveryNetwork, XIAN_LOCKER_NAME, ZHAO_OPERATOR_PHONE } from "../../../seeds/logistics";

const NOW = Date.UTC(2026, 10, 28, 2, 30, 0); // 10:30 in China
const DAY = 86_400_000;

type Seeded = { db: Db; file: string; cleanup: () => void; uploadDir: string };
let demo: Seeded;
let small: Seeded;

async function seed(opts: { small: boolean }): Promise<Seeded> {
  const t = createTestDatabase();
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-seed-net-"));
  await seedDemoData(t.db, { small: opts.small, uploadDir, now: NOW });
  return { ...t, uploadDir };
}

beforeAll(async () => {
  [demo, small] = await Promise.all([seed({ small: false }), seed({ small: true })]);
}, 120_000);
afterAll(() => {
  for (const s of [demo, small]) {
    s?.cleanup();
    if (s) fs.rmSync(s.uploadDir, { recursive: true, force: true });
  }
});

const all = <T>(db: Db, sql: string, ...params: unknown[]) => db.$client.prepare(sql).all(...params) as T[];
const one = <T>(db: Db, sql: string, ...params: unknown[]) =>
  db.$client
    .prepare(sql)
    .pluck()
    .get(...params) as T;

type PointRow = {
  id: number;
  kind: string;
  name: string;
  lat: number | null;
  lng: number | null;
  countyId: number | null;
  routeCounty: number | null;
  parcelCapacity: number | null;
  holdingDaysFresh: number;
  holdingDaysOther: number;
  operators: string | null;
};

const pointsOf = (db: Db) =>
  all<PointRow>(
    db,
    `select p.id, p.kind, p.name, p.lat, p.lng, p.county_id as countyId, r.county_id as routeCounty, p.parcel_capacity as parcelCapacity,
            p.holding_days_fresh as holdingDaysFresh, p.holding_days_other as holdingDaysOther,
            (select group_concat(u.phone) from delivery_point_operators o join users u on u.id = o.user_id where o.delivery_point_id = p.id) as operators
     from delivery_points p left join courier_routes r on r.id = p.courier_route_id order by p.id`,
  );

describe("the demo network", () => {
  it("has at least 15 points of every kind, each with coordinates, county, its county's route and operators", () => {
    const points = pointsOf(demo.db);
    expect(points.length).toBeGreaterThanOrEqual(15);
    for (const kind of DELIVERY_POINT_KINDS)
      expect(
        points.some((p) => p.kind === kind),
        kind,
      ).toBe(true);
    for (const p of points) {
      expect(Number.isFinite(p.lat) && Number.isFinite(p.lng), p.name).toBe(true);
      expect(p.countyId, p.name).not.toBeNull();
      expect(p.routeCounty, p.name).toBe(p.countyId);
      expect(p.operators, p.name).toBeTruthy();
      if (p.kind === "locker") expect(p.parcelCapacity).toBeNull();
      else expect(p.parcelCapacity, p.name).toBeGreaterThanOrEqual(60);
    }
    // A station in every demo village, a few km at most from it.
    const far = all<{ name: string; d: number }>(
      demo.db,
      `select v.name_zh as name, min(abs(p.lat - v.lat) + abs(p.lng - v.lng)) as d
       from villages v left join delivery_points p on p.village_id = v.id and p.kind = 'village_station' group by v.id`,
    );
    expect(far).toHaveLength(10);
    for (const v of far) expect(v.d, v.name).toBeLessThan(0.05);
    // One route per county that has points, and no route without points.
    expect(one<number>(demo.db, `select count(*) from courier_routes`)).toBe(one<number>(demo.db, `select count(distinct county_id) from delivery_points`));
    // Holding periods: 3/7 everywhere but the campus point.
    const odd = points.filter((p) => p.holdingDaysFresh !== 3 || p.holdingDaysOther !== 7);
    expect(odd.map((p) => [p.kind, p.holdingDaysFresh, p.holdingDaysOther])).toEqual([["school", 5, 10]]);
  });

  it("gives 赵师傅 the Luochuan points and the Xi'an locker, 钱师傅 the rest", () => {
    const points = pointsOf(demo.db);
    const zhao = points.filter((p) => p.operators?.split(",").includes(ZHAO_OPERATOR_PHONE)).map((p) => p.name);
    expect(zhao).toEqual(["谷咀村村级寄递物流服务站", "洛川苹果批发市场智能快递柜", XIAN_LOCKER_NAME]);
    for (const p of points) if (!zhao.includes(p.name)) expect(p.operators).toBe(QIAN_OPERATOR_PHONE);
    const qian = all<{ role: string }>(demo.db, `select r.role from users u join user_roles r on r.user_id = u.id where u.phone = ?`, QIAN_OPERATOR_PHONE);
    expect(qian.map((r) => r.role).sort()).toEqual(["buyer", "delivery_operator"]);
  });

  it("gives lockers compartments of the three standard sizes, some chilled, and stations a fridge", () => {
    const slots = all<{
      pointId: number;
      kind: string;
      slotKind: string;
      size: "small" | "medium" | "large";
      chilled: number;
      h: number;
      w: number;
      d: number;
    }>(
      demo.db,
      `select s.delivery_point_id as pointId, p.kind, s.kind as slotKind, s.size, s.chilled, s.height_mm as h, s.width_mm as w, s.depth_mm as d
       from storage_slots s join delivery_points p on p.id = s.delivery_point_id`,
    );
    for (const s of slots) {
      const dim = STANDARD_SLOT_DIMENSIONS[s.size];
      expect([s.h, s.w, s.d]).toEqual([dim.heightMm, dim.widthMm, dim.depthMm]);
      expect(s.slotKind).toBe(s.kind === "locker" ? "compartment" : "shelf");
    }
    const pointIds = [...new Set(slots.map((s) => s.pointId))];
    expect(pointIds.length).toBe(one<number>(demo.db, `select count(*) from delivery_points`));
    for (const id of pointIds) {
      const mine = slots.filter((s) => s.pointId === id);
      for (const size of ["small", "medium", "large"]) expect(mine.some((s) => s.size === size && !s.chilled)).toBe(true);
      expect(mine.some((s) => s.chilled)).toBe(true);
    }
    expect(one<number>(demo.db, `select count(*) from delivery_points where kind = 'locker'`)).toBeGreaterThanOrEqual(5);
  });

  it("puts the demo parcels in realistic states, in fitting slots", () => {
    const parcels = all<{
      id: number;
      slotId: number | null;
      status: string;
      orderStatus: string;
      size: "small" | "medium" | "large";
      chilled: number;
      slotSize: "small" | "medium" | "large" | null;
      slotChilled: number | null;
      slotPoint: number | null;
      pointId: number;
      holdUntil: number | null;
      nonce: string | null;
      operators: string;
    }>(
      demo.db,
      `select x.id, x.slot_id as slotId, x.status, o.status as orderStatus, x.size, x.chilled, s.size as slotSize, s.chilled as slotChilled, s.delivery_point_id as slotPoint,
              x.delivery_point_id as pointId, x.hold_until as holdUntil, x.pickup_code_nonce as nonce,
              (select group_concat(u.phone) from delivery_point_operators po join users u on u.id = po.user_id where po.delivery_point_id = x.delivery_point_id) as operators
       from parcels x join orders o on o.id = x.order_id left join storage_slots s on s.id = x.slot_id`,
    );
    expect(one<number>(demo.db, `select count(*) from orders o where not exists (select 1 from parcels x where x.order_id = o.id)`)).toBe(0);
    const expected: Record<string, string[]> = {
      picked_up: ["picked_up"],
      ready_for_pickup: ["arrived", "return_flagged"],
      in_fulfilment: ["dispatched"],
      // The demo farmer's paid input order (seeds/demo-inputs.ts) waits for the seller to dispatch it.
      paid: ["awaiting_dispatch"],
    };
    for (const p of parcels) {
      expect(expected[p.orderStatus]).toContain(p.status);
      // Picked up: the slot is free again; awaiting dispatch: a slot is chosen when the producer dispatches.
      if (p.status === "picked_up" || p.status === "awaiting_dispatch") continue;
      // Held parcels are in a slot of their own point that fits them.
      expect(p.slotPoint).toBe(p.pointId);
      expect(fits({ id: 0, size: p.slotSize!, chilled: p.slotChilled === 1 }, { size: p.size, chilled: p.chilled === 1 })).toBe(true);
      if (p.status === "arrived") {
        expect(p.holdUntil!).toBeGreaterThan(NOW);
        expect(p.nonce).toMatch(/^[0-9a-f]{32}$/);
      }
    }
    const flagged = parcels.filter((p) => p.status === "return_flagged");
    expect(flagged).toHaveLength(1);
    expect(flagged[0].holdUntil!).toBeLessThan(NOW - DAY);
    const dispatched = parcels.filter((p) => p.status === "dispatched");
    expect(dispatched.length).toBeGreaterThanOrEqual(2);
    for (const p of dispatched) expect(p.operators.split(",")).toContain(ZHAO_OPERATOR_PHONE);
    expect(parcels.filter((p) => p.status === "arrived").length).toBeGreaterThanOrEqual(10);
    // Chilled goods (meat, crayfish) travel chilled and wait in chilled slots.
    expect(one<number>(demo.db, `select count(*) from listings where storage = 'chilled'`)).toBeGreaterThanOrEqual(3);
    expect(parcels.some((p) => p.chilled && p.status === "arrived" && p.slotChilled === 1)).toBe(true);
    // A slot holds one parcel at a time.
    const held = parcels.filter((p) => p.status !== "picked_up" && p.status !== "awaiting_dispatch");
    expect(new Set(held.map((p) => p.slotId)).size).toBe(held.length);
  });
});

describe("the small network", () => {
  it("has a locker with chilled compartments and village stations run by each demo operator", () => {
    const points = pointsOf(small.db);
    expect(points.length).toBeGreaterThanOrEqual(4);
    for (const p of points) expect(p.routeCounty).toBe(p.countyId);
    const chilledLockers = one<number>(
      small.db,
      `select count(distinct p.id) from delivery_points p join storage_slots s on s.delivery_point_id = p.id where p.kind = 'locker' and s.chilled = 1`,
    );
    expect(chilledLockers).toBeGreaterThanOrEqual(1);
    const stations = points.filter((p) => p.kind === "village_station");
    expect(stations.some((p) => p.operators === ZHAO_OPERATOR_PHONE)).toBe(true);
    expect(stations.some((p) => p.operators === QIAN_OPERATOR_PHONE)).toBe(true);
    expect(points.some((p) => p.name === XIAN_LOCKER_NAME)).toBe(true);
    expect(one<number>(small.db, `select count(*) from parcels where status = 'arrived'`)).toBeGreaterThan(0);
  });

  it("does not duplicate anything when seeded again", () => {
    const count = (table: string) => one<number>(small.db, `select count(*) from ${table}`);
    const tables = ["delivery_points", "storage_slots", "courier_routes", "delivery_point_operators", "orders", "parcels", "users"];
    const before = tables.map(count);
    expect(seedDeliveryNetwork(small.db, { small: true })).toMatchObject({ points: 0, routes: 0, slots: 0 });
    // `npm start` runs the seed with --if-empty on every start.
    execFileSync(process.execPath, ["--import", "tsx", "seeds/cli.ts", "--if-empty"], {
      env: { ...process.env, DATABASE_PATH: small.file, UPLOAD_DIR: small.uploadDir },
      stdio: "pipe",
    });
    expect(tables.map(count)).toEqual(before);
  }, 60_000);
});
