/**
 * Upgrading a database made before logistics (issue 5): open orders without parcels get them once,
 * so a waiting order can still be handed out — against the buyer's pickup code, like any other.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { closeDb } from "../../db/client";
import { actorFor, createTestDatabase, createUser } from "../../seeds/factories";
import { backfillParcels } from "../../logistics/backfill";
import { buyerParcels, handOutParcel } from "../../logistics/parcels";
import { createMarket, orderStatus, type Market } from "../helpers/orders";

let db: Db;
let cleanup: () => void;
let m: Market;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  m = await createMarket(db);
});
afterAll(() => {
  closeDb();
  cleanup();
});

/** An order row as issue 4 wrote it: order, one sub-order, one line, no parcels. */
function oldOrder(status: string): number {
  const s = db.$client;
  const batchId = s.prepare(`select batch_id from listing_batches where listing_id = ?`).pluck().get(m.apples) as number;
  const orderId = Number(
    s
      .prepare(`insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, commission_bp) values (?, ?, 3980, ?, ?, 500)`)
      .run(m.buyer.id, status, m.buyer.phone, m.pointId).lastInsertRowid,
  );
  const sub = Number(
    s
      .prepare(`insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen) values (?, ?, ?, 3980, 199, 3781)`)
      .run(orderId, m.producerA, status).lastInsertRowid,
  );
  s.prepare(
    `insert into order_lines (order_id, sub_order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen) values (?, ?, ?, ?, ?, 2, 1990)`,
  ).run(orderId, sub, m.producerA, m.apples, batchId);
  return orderId;
}

it("gives open orders made before logistics their parcels, once, and a waiting one can be handed out with the buyer's code", async () => {
  const packing = oldOrder("paid");
  const waiting = oldOrder("ready_for_pickup");
  const done = oldOrder("completed");
  const now = Date.now();

  expect(backfillParcels(db, now)).toEqual({ orders: 2, parcels: 2 });
  const parcelsOf = (orderId: number) =>
    db.$client.prepare(`select status, hold_until as holdUntil, pickup_code_nonce as nonce from parcels where order_id = ?`).all(orderId) as {
      status: string;
      holdUntil: number | null;
      nonce: string | null;
    }[];
  expect(parcelsOf(packing)).toEqual([{ status: "awaiting_dispatch", holdUntil: null, nonce: null }]);
  const [arrived] = parcelsOf(waiting);
  expect(arrived.status).toBe("arrived");
  expect(arrived.holdUntil).toBe(now + 3 * 86_400_000); // apples are fresh: the point's 3 days
  expect(parcelsOf(done)).toEqual([]);
  // Idempotent.
  expect(backfillParcels(db, now)).toEqual({ orders: 0, parcels: 0 });

  // The buyer sees the code; the point's operator hands the parcel out with it.
  const buyer = actorFor(db, m.buyer.id);
  const [parcel] = buyerParcels(db, buyer, waiting);
  expect(parcel.pickupCode).toMatch(/^\d{6}$/);
  const op = await createUser(db, { roles: ["delivery_operator"] });
  db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(m.pointId, op.id);
  const wrong = parcel.pickupCode === "000000" ? "111111" : "000000";
  expect(() => handOutParcel(db, actorFor(db, op.id), { parcelId: parcel.id, pickupCode: wrong })).toThrow();
  handOutParcel(db, actorFor(db, op.id), { parcelId: parcel.id, pickupCode: parcel.pickupCode! });
  expect(orderStatus(db, waiting)).toBe("picked_up");
});
