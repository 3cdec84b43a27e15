/**
 * The public trace page protects buyers and stays small (issue 10 §4), against a real SQLite file
 * and real signed chains: arrivals and pickups (one per parcel, naming the point and its place)
 * stay off the public page and the EPCIS export, which show an aggregate instead; the page's data
 * is the same order of size for a lot with 1,000 parcels as for one with 10; individual deliveries
 * are shown to the parcel's buyer (their own only), the producer and inspectors; the verdict at the
 * top says 安全用药 ✓ or lists the problems.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { actorFor, createListing, createLotWithChain, createProducer, createTestDatabase, createUser, createVillage } from "../../seeds/factories";
import { getLotEpcis, getTracePage, privateDeliveries, type TracePage } from "../../traceability/trace-page";
import { recordPlatformEvent } from "../../traceability/store";
import { openRecall } from "../../traceability/recall";

let db: Db;
let cleanup: () => void;
let producerId: number;
let farmerId: number;
let pointId: number;
let buyerA: { id: number; roles: string[] };
let buyerB: { id: number; roles: string[] };
let inspector: { id: number; roles: string[] };
const POINT_LAT = 35.76543;

/** A lot with `parcels` parcels sold (one order, line and parcel each) of which `onChain` have an arrival and a pickup event on the chain. */
async function lotWithSales(name: string, parcels: number, onChain: number, buyers: number[]) {
  const lot = createLotWithChain(db, { producerId, productName: name });
  const s = db.$client;
  const listingId = await createListing(db, { producerId, title: `${name} 5斤装`, productName: name, batch: false, status: "draft" });
  const insertOrder = s.prepare(
    `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id) values (?, 'picked_up', 1000, '13800000000', ?)`,
  );
  const insertSub = s.prepare(
    `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen) values (?, ?, 'picked_up', 1000, 50, 950)`,
  );
  const insertLine = s.prepare(
    `insert into order_lines (order_id, sub_order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, picked_up_at) values (?, ?, ?, ?, ?, 1, 1000, ?)`,
  );
  const insertParcel = s.prepare(
    `insert into parcels (code, order_id, sub_order_id, producer_id, delivery_point_id, size, volume_cm3, status, dispatched_at, arrived_at, picked_up_at) values (?, ?, ?, ?, ?, 'small', 1000, 'picked_up', ?, ?, ?)`,
  );
  const insertItem = s.prepare(`insert into parcel_items (parcel_id, order_line_id, quantity) values (?, ?, 1)`);
  const t = Date.now() - 86_400_000;
  s.transaction(() => {
    for (let i = 0; i < parcels; i++) {
      const orderId = Number(insertOrder.run(buyers[i % buyers.length], pointId).lastInsertRowid);
      const subId = Number(insertSub.run(orderId, producerId).lastInsertRowid);
      const lineId = Number(insertLine.run(orderId, subId, producerId, listingId, lot.batchId, t).lastInsertRowid);
      const code = `P${String(lot.batchId).padStart(3, "0")}${String(i).padStart(6, "0")}`.slice(0, 10);
      const parcelId = Number(insertParcel.run(code, orderId, subId, producerId, pointId, t - 3_600_000, t - 1_800_000, t).lastInsertRowid);
      insertItem.run(parcelId, lineId);
    }
  })();
  for (let i = 0; i < onChain; i++) {
    recordPlatformEvent(db, lot.batchId, {
      type: "arrival",
      occurredAt: t - 1_800_000,
      payload: { receivedBy: "隐私测试服务站", orderId: String(i + 1), place: { lat: POINT_LAT, lng: 109.4, name: "隐私测试服务站" } },
    });
    recordPlatformEvent(db, lot.batchId, { type: "pickup", occurredAt: t, payload: { orderId: String(i + 1), pickupPoint: "隐私测试服务站" } });
  }
  return lot;
}

const size = (page: TracePage) => Buffer.byteLength(JSON.stringify(page));

let small: Awaited<ReturnType<typeof lotWithSales>>;
let large: Awaited<ReturnType<typeof lotWithSales>>;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  const village = createVillage(db, { nameZh: "隐私测试村" });
  farmerId = (await createUser(db, { roles: ["farmer"] })).id;
  producerId = createProducer(db, { ownerUserId: farmerId, villageId: village, nameZh: "隐私测试合作社" });
  pointId = Number(
    db.$client
      .prepare(`insert into delivery_points (kind, name, address, lat, lng) values ('village_station', '隐私测试服务站', '村委会旁', ?, 109.4)`)
      .run(POINT_LAT).lastInsertRowid,
  );
  buyerA = { id: (await createUser(db, { roles: ["buyer"] })).id, roles: ["buyer"] };
  buyerB = { id: (await createUser(db, { roles: ["buyer"] })).id, roles: ["buyer"] };
  inspector = { id: (await createUser(db, { roles: ["inspector"] })).id, roles: ["inspector"] };
  small = await lotWithSales("隐私测试苹果", 10, 10, [buyerA.id, buyerB.id]);
  // Every one of the 1,000 parcels is in the database; 50 of them also on the chain (each platform
  // append re-verifies the whole chain signature by signature, so 2,000 signed events would make
  // this test take minutes, not make it truer: 100 listed events would already add ~15 kB).
  large = await lotWithSales("隐私测试梨", 1000, 50, [buyerA.id, buyerB.id]);
}, 120_000);
afterAll(() => cleanup());

describe("the public trace page", () => {
  it("shows no arrival or pickup, no point and no coordinates; an aggregate instead", () => {
    const page = getTracePage(db, large.gtin, large.lotCode)!;
    expect(page.timeline.some((e) => e.type === "arrival" || e.type === "pickup")).toBe(false);
    const json = JSON.stringify(page);
    expect(json).not.toContain("隐私测试服务站");
    expect(json).not.toContain(String(POINT_LAT));
    expect(page.distribution).toEqual({ units: 1000, points: 1 });
    // The chain is still whole and verified, arrivals included.
    expect(page.verification).toMatchObject({ ok: true });
    expect(page.verification.checked).toBeGreaterThan(100);
  });

  it("is the same order of size with 1,000 parcels sold as with 10", () => {
    const s10 = size(getTracePage(db, small.gtin, small.lotCode)!);
    const s1000 = size(getTracePage(db, large.gtin, large.lotCode)!);
    // Same lot shape, so within a few bytes (product names, counts); the 100 arrivals and pickups on
    // the chain would add over ten kilobytes if they were listed.
    expect(s1000).toBeLessThan(s10 * 1.1);
    expect(s1000).toBeLessThan(20_000);
  });

  it("the EPCIS export leaves out arrivals and pickups (and the points' coordinates) and carries the aggregate", () => {
    const doc = getLotEpcis(db, large.gtin, large.lotCode, "https://example.test")!;
    const json = JSON.stringify(doc);
    expect(json).not.toContain("隐私测试服务站");
    expect(json).not.toContain(String(POINT_LAT));
    expect(json).not.toMatch(/geo:35\.76/);
    expect(doc.epcisBody.eventList.some((e) => (e as Record<string, unknown>)["cunpin:eventType"] === "arrival")).toBe(false);
    expect((doc as unknown as Record<string, unknown>)["cunpin:distribution"]).toEqual({ unitsSold: 1000, pickupPoints: 1 });
    const small10 = JSON.stringify(getLotEpcis(db, small.gtin, small.lotCode, "https://example.test"));
    expect(json.length).toBeLessThan(small10.length * 1.1);
  });

  it("says 安全用药 ✓ for a clean lot, and the problems when recalled", () => {
    const page = getTracePage(db, small.gtin, small.lotCode)!;
    expect(page.verdict).toEqual({ ok: true, reasons: [] });
    openRecall(db, actorFor(db, inspector.id), small.batchId, "农残超标");
    const after = getTracePage(db, small.gtin, small.lotCode)!;
    expect(after.verdict.ok).toBe(false);
    expect(after.verdict.reasons.map((r) => r.zh).join()).toContain("农残超标");
  });
});

describe("private deliveries", () => {
  it("are hidden from anonymous visitors and from strangers", async () => {
    expect(privateDeliveries(db, null, large.batchId)).toBeNull();
    const stranger = { id: (await createUser(db, { roles: ["buyer"] })).id, roles: ["buyer"] };
    expect(privateDeliveries(db, stranger, large.batchId)).toBeNull();
  });

  it("a buyer sees only their own parcels", () => {
    const mine = privateDeliveries(db, buyerA, small.batchId)!;
    expect(mine.all).toBe(false);
    expect(mine.rows).toHaveLength(5);
    expect(mine.rows.every((r) => r.own && r.pointName === "隐私测试服务站" && r.pickedUpAt != null)).toBe(true);
  });

  it("the producer and inspectors see all, bounded", () => {
    for (const viewer of [{ id: farmerId, roles: ["farmer"] }, inspector]) {
      const all = privateDeliveries(db, viewer, large.batchId)!;
      expect(all.all).toBe(true);
      expect(all.total).toBe(1000);
      expect(all.rows).toHaveLength(100);
    }
  });
});
