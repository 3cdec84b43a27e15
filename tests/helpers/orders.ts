/** A small marketplace for the orders and payments tests: two producers, their listings, a pickup point, buyers. */
import type { Db } from "../../db/client";
import type { SlotSpec } from "../../seeds/factories";
import {
  cachedPasswordHash,
  createDeliveryPoint,
  createListing,
  createProducer,
  createUser,
  createVillage,
  insertUserWithHash,
  uniquePhone,
} from "../../seeds/factories";

export type Market = {
  producerA: number;
  producerB: number;
  /** Producer A's listing (1990 fen / 斤) and producer B's (3333 fen). */
  apples: number;
  kiwis: number;
  pointId: number;
  buyer: { id: number; phone: string };
};

/** `pointSlots`: the pickup station's shelf slots (default: the factory's 54), for tests and benches placing many orders. */
export async function createMarket(db: Db, opts: { stockA?: number; stockB?: number; pointSlots?: SlotSpec[] } = {}): Promise<Market> {
  const village = createVillage(db, { nameZh: `订单测试村${Math.floor(Math.random() * 1e6)}` });
  const farmerA = await createUser(db, { roles: ["farmer"], passwordHash: await cachedPasswordHash() });
  const farmerB = await createUser(db, { roles: ["farmer"], passwordHash: await cachedPasswordHash() });
  const producerA = createProducer(db, { ownerUserId: farmerA.id, villageId: village, nameZh: "订单测试苹果合作社" });
  const producerB = createProducer(db, { ownerUserId: farmerB.id, villageId: village, kind: "family_farm", nameZh: "订单测试猕猴桃农场" });
  const apples = await createListing(db, {
    producerId: producerA,
    title: "订单测试苹果 5斤装",
    productName: "订单测试苹果",
    priceFen: 1990,
    stock: opts.stockA ?? 100,
  });
  const kiwis = await createListing(db, {
    producerId: producerB,
    title: "订单测试猕猴桃 3斤装",
    productName: "订单测试猕猴桃",
    priceFen: 3333,
    stock: opts.stockB ?? 100,
  });
  const pointId = createDeliveryPoint(db, {
    kind: "village_station",
    name: "测试村服务站",
    address: "测试村委会旁",
    villageId: village,
    lat: 34.1,
    lng: 108.9,
    slots: opts.pointSlots,
  });
  const buyer = await createBuyer(db);
  return { producerA, producerB, apples, kiwis, pointId, buyer };
}

export async function createBuyer(db: Db): Promise<{ id: number; phone: string }> {
  const phone = uniquePhone(db);
  return { id: insertUserWithHash(db, { phone, displayName: "测试买家", passwordHash: await cachedPasswordHash() }), phone };
}

export function stockOf(db: Db, listingId: number): number {
  return db.$client.prepare(`select stock from listings where id = ?`).pluck().get(listingId) as number;
}

export function orderStatus(db: Db, orderId: number): string {
  return db.$client.prepare(`select status from orders where id = ?`).pluck().get(orderId) as string;
}
