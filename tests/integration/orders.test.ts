/**
 * Orders against a real SQLite file (issue 4): the cart (and a guest cart merged at login),
 * checkout reserving stock in its transaction, sold-out rollback, transitions with history,
 * and expiry releasing the reservation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { DomainRuleError } from "../../core/errors";
import { addToCart, addToGuestCart, getCart, mergeGuestCart, removeFromCart, setCartQuantity } from "../../market/orders/cart";
import { checkout, ListingUnavailableError, SoldOutError } from "../../market/orders/checkout";
import { expireReservations, getOrderDetail, getOrderTimeline, transitionOrder } from "../../market/orders/orders";
import { IllegalTransitionError } from "../../market/orders/state";
import { createTestDatabase } from "../../seeds/factories";
import { createBuyer, createMarket, orderStatus, stockOf, type Market } from "../helpers/orders";

let db: Db;
let cleanup: () => void;
let m: Market;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  m = await createMarket(db, { stockA: 50, stockB: 20 });
});
afterAll(() => cleanup());

const count = (table: string) => db.$client.prepare(`select count(*) from ${table}`).pluck().get() as number;

describe("cart", () => {
  it("adds, updates and removes lines, with current prices grouped by producer", async () => {
    const b = await createBuyer(db);
    expect(addToCart(db, b.id, m.apples, 2)).toBe(2);
    expect(addToCart(db, b.id, m.apples, 1)).toBe(3);
    addToCart(db, b.id, m.kiwis, 1);
    let cart = getCart(db, b.id);
    expect(cart.lines.map((l) => [l.listingId, l.quantity])).toEqual([
      [m.apples, 3],
      [m.kiwis, 1],
    ]);
    expect(cart.totalFen).toBe(3 * 1990 + 3333);
    expect(cart.producerCount).toBe(2);
    setCartQuantity(db, b.id, m.apples, 5);
    removeFromCart(db, b.id, m.kiwis);
    cart = getCart(db, b.id);
    expect(cart.lines.map((l) => [l.listingId, l.quantity])).toEqual([[m.apples, 5]]);
    setCartQuantity(db, b.id, m.apples, 0);
    expect(getCart(db, b.id).lines).toEqual([]);
  });

  it("refuses more than the stock, zero or fractional quantities", async () => {
    const b = await createBuyer(db);
    expect(() => addToCart(db, b.id, m.kiwis, 21)).toThrow(DomainRuleError);
    expect(() => addToCart(db, b.id, m.kiwis, 0)).toThrow(DomainRuleError);
    expect(() => addToCart(db, b.id, m.kiwis, 1.5)).toThrow(DomainRuleError);
    expect(getCart(db, b.id).lines).toEqual([]);
  });

  it("merges a guest cart into the buyer's cart at login (quantities add up, capped at stock; unknown listings skipped)", async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.kiwis, 15);
    let guest = addToGuestCart([], m.apples, 2);
    guest = addToGuestCart(guest, m.kiwis, 10);
    guest = addToGuestCart(guest, 999_999, 1);
    expect(mergeGuestCart(db, b.id, guest)).toBe(2);
    const cart = getCart(db, b.id);
    expect(cart.lines.map((l) => [l.listingId, l.quantity])).toEqual([
      [m.apples, 2],
      [m.kiwis, 20], // 15 + 10, capped at the 20 in stock
    ]);
    expect(mergeGuestCart(db, b.id, [{ listingId: m.apples, quantity: -3 }] as never)).toBe(0);
  });
});

describe("checkout", () => {
  it("makes one order with a sub-order per producer and reserves the stock in the same transaction", async () => {
    const b = await createBuyer(db);
    const before = { a: stockOf(db, m.apples), k: stockOf(db, m.kiwis) };
    addToCart(db, b.id, m.apples, 3);
    addToCart(db, b.id, m.kiwis, 2);
    const now = Date.now();
    const result = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId }, { now, commissionBp: 500, reservationMinutes: 30 });
    expect(result.totalFen).toBe(3 * 1990 + 2 * 3333);
    expect(result.reservedUntil).toBe(now + 30 * 60_000);
    expect(result.subOrders).toHaveLength(2);
    const shares = result.subOrders.reduce((s, x) => s + x.producerShareFen + x.commissionFen, 0);
    expect(shares).toBe(result.totalFen);
    expect(stockOf(db, m.apples)).toBe(before.a - 3);
    expect(stockOf(db, m.kiwis)).toBe(before.k - 2);
    expect(getCart(db, b.id).lines).toEqual([]);

    const order = getOrderDetail(db, result.orderId)!;
    expect(order.status).toBe("pending_payment");
    expect(order.commissionBp).toBe(500);
    expect(order.subOrders.map((s) => [s.producerId, s.status, s.lines.map((l) => [l.listingId, l.quantity, l.unitPriceFen])])).toEqual([
      [m.producerA, "pending_payment", [[m.apples, 3, 1990]]],
      [m.producerB, "pending_payment", [[m.kiwis, 2, 3333]]],
    ]);
    // Each line records the lot it is sold from (what a recall searches by).
    for (const s of order.subOrders) for (const l of s.lines) expect(l.batchId).toBeGreaterThan(0);
    expect(getOrderTimeline(db, result.orderId).map((t) => [t.fromStatus, t.toStatus, t.source])).toEqual([[null, "pending_payment", "checkout"]]);
  });

  it("rolls everything back when one listing is sold out, naming it", async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.apples, 1);
    addToCart(db, b.id, m.kiwis, 2);
    // Someone else buys the kiwis down to 1 meanwhile.
    db.$client.prepare(`update listings set stock = 1 where id = ?`).run(m.kiwis);
    const applesBefore = stockOf(db, m.apples);
    const orders = count("orders");
    let error: unknown;
    try {
      checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SoldOutError);
    expect(error).toMatchObject({ listingId: m.kiwis, available: 1, wanted: 2, messageKey: "orders.error.soldOut" });
    expect((error as Error).message).toContain("订单测试猕猴桃");
    expect(stockOf(db, m.apples)).toBe(applesBefore);
    expect(stockOf(db, m.kiwis)).toBe(1);
    expect(count("orders")).toBe(orders);
    expect(getCart(db, b.id).lines).toHaveLength(2);
    db.$client.prepare(`update listings set stock = 20 where id = ?`).run(m.kiwis);
  });

  it("refuses listings taken off sale, an empty cart, a bad phone and an unknown delivery point", async () => {
    const b = await createBuyer(db);
    expect(() => checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId })).toThrow(/orders.error.emptyCart/);
    addToCart(db, b.id, m.apples, 1);
    expect(() => checkout(db, b, { contactPhone: "12345", deliveryPointId: m.pointId })).toThrow(/orders.error.phone/);
    expect(() => checkout(db, b, { contactPhone: b.phone, deliveryPointId: 987654 })).toThrow(/orders.error.deliveryPoint/);
    db.$client.prepare(`update listings set status = 'paused' where id = ?`).run(m.apples);
    expect(() => checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId })).toThrow(ListingUnavailableError);
    db.$client.prepare(`update listings set status = 'published' where id = ?`).run(m.apples);
  });
});

describe("transitions and expiry", () => {
  it("records every move, refuses illegal ones and keeps sub-orders in step", async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.apples, 1);
    const { orderId } = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
    expect(() => transitionOrder(db, orderId, "in_fulfilment", "producer")).toThrow(IllegalTransitionError);
    transitionOrder(db, orderId, "paid", "webhook");
    transitionOrder(db, orderId, "in_fulfilment", "producer", { actorUserId: b.id });
    expect(() => transitionOrder(db, orderId, "cancelled", "buyer")).toThrow(IllegalTransitionError);
    expect(orderStatus(db, orderId)).toBe("in_fulfilment");
    expect(getOrderDetail(db, orderId)!.subOrders.map((s) => s.status)).toEqual(["in_fulfilment"]);
    expect(getOrderDetail(db, orderId)!.paidAt).not.toBeNull();
    expect(getOrderTimeline(db, orderId).map((t) => t.toStatus)).toEqual(["pending_payment", "paid", "in_fulfilment"]);
    // The database refuses an unknown status too (trigger), whatever the caller.
    expect(() => db.$client.prepare(`update orders set status = 'awaiting_pickup' where id = ?`).run(orderId)).toThrow(/unknown status/);
  });

  it("cancels unpaid orders past their reservation and puts the stock back; paid and fresh ones are untouched", async () => {
    const now = Date.now();
    const place = async (qty: number, at: number) => {
      const b = await createBuyer(db);
      addToCart(db, b.id, m.kiwis, qty);
      return checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId }, { now: at, reservationMinutes: 30 }).orderId;
    };
    const start = stockOf(db, m.kiwis);
    const stale = await place(2, now - 31 * 60_000);
    const stalePaid = await place(1, now - 31 * 60_000);
    transitionOrder(db, stalePaid, "paid", "webhook");
    const fresh = await place(3, now - 5 * 60_000);
    expect(stockOf(db, m.kiwis)).toBe(start - 6);

    const expired = expireReservations(db, now);
    expect(expired.map((e) => e.orderId)).toEqual([stale]);
    expect(orderStatus(db, stale)).toBe("cancelled");
    expect(orderStatus(db, stalePaid)).toBe("paid");
    expect(orderStatus(db, fresh)).toBe("pending_payment");
    expect(stockOf(db, m.kiwis)).toBe(start - 4);
    expect(getOrderTimeline(db, stale).at(-1)).toMatchObject({ fromStatus: "pending_payment", toStatus: "cancelled", source: "expiry" });
    // Running it again changes nothing.
    expect(expireReservations(db, now)).toEqual([]);
    expect(stockOf(db, m.kiwis)).toBe(start - 4);
  });
});
