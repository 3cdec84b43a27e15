/** Ratings (issue 4 §9): 1–5 stars once per picked-up sub-order; producer average and count. No Stripe. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { loadAuthUser } from "../../market/accounts/accounts";
import { ForbiddenError } from "../../core/errors";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { transitionOrder } from "../../market/orders/orders";
import { producerRating, rateSubOrder, ratingsForOrder } from "../../market/orders/ratings";
import { createTestDatabase } from "../../seeds/factories";
import { createBuyer, createMarket, type Market } from "../helpers/orders";

let db: Db;
let cleanup: () => void;
let m: Market;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  m = await createMarket(db);
});
afterAll(() => cleanup());

/** An order of apples (producer A), moved through the state machine up to `to`. */
async function order(to: "pending_payment" | "paid" | "picked_up" | "completed") {
  const b = await createBuyer(db);
  addToCart(db, b.id, m.apples, 1);
  const o = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
  const path = ["paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed"] as const;
  for (const s of path.slice(0, to === "pending_payment" ? 0 : path.indexOf(to) + 1)) transitionOrder(db, o.orderId, s, "system");
  return { buyer: loadAuthUser(db, b.id)!, orderId: o.orderId, subOrderId: o.subOrders[0]!.id };
}

describe("ratings", () => {
  it("no ratings: average null, count 0", () => {
    expect(producerRating(db, m.producerA)).toEqual({ average: null, count: 0 });
  });

  it("rates after pickup (picked_up or completed), once per sub-order; average to one decimal", async () => {
    const a = await order("picked_up");
    const b = await order("completed");
    const c = await order("picked_up");
    rateSubOrder(db, a.buyer, a.subOrderId, 5, "  很脆很甜  ");
    rateSubOrder(db, b.buyer, b.subOrderId, 4);
    rateSubOrder(db, c.buyer, c.subOrderId, 4);
    expect(producerRating(db, m.producerA)).toEqual({ average: 4.3, count: 3 });
    expect(ratingsForOrder(db, a.orderId)[a.subOrderId]).toMatchObject({ stars: 5, body: "很脆很甜" });
    expect(() => rateSubOrder(db, a.buyer, a.subOrderId, 3)).toThrow(expect.objectContaining({ messageKey: "ratings.error.exists" }));
    expect(producerRating(db, m.producerB)).toEqual({ average: null, count: 0 });
  });

  it("refuses stars outside 1–5 or not whole, before pickup, and other buyers", async () => {
    const p = await order("picked_up");
    for (const stars of [0, 6, 3.5, Number.NaN]) {
      expect(() => rateSubOrder(db, p.buyer, p.subOrderId, stars)).toThrow(expect.objectContaining({ messageKey: "ratings.error.stars" }));
    }
    expect(() => rateSubOrder(db, p.buyer, p.subOrderId, 5, "长".repeat(501))).toThrow(expect.objectContaining({ messageKey: "ratings.error.body" }));
    const other = await order("picked_up");
    expect(() => rateSubOrder(db, other.buyer, p.subOrderId, 5)).toThrow(ForbiddenError);
    for (const early of ["pending_payment", "paid"] as const) {
      const e = await order(early);
      expect(() => rateSubOrder(db, e.buyer, e.subOrderId, 5)).toThrow(expect.objectContaining({ messageKey: "ratings.error.notPickedUp" }));
    }
  });
});
