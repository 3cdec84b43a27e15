/**
 * Producer credit (issue 12 §2) against a real SQLite file and stripe-mock: the stored score moves
 * after a rating, a dispute decision, a refund and a recall (the last through the SQLite trigger
 * that marks it stale, since traceability may not call market); verification and the
 * poverty-alleviation designation are decided by a platform admin only, never about their own producer.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type Db } from "../../db/client";
import { loadAuthUser } from "../../market/accounts/accounts";
import type { Actor } from "../../core/permissions";
import { ForbiddenError } from "../../core/errors";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { decideDispute, openDispute } from "../../market/orders/disputes";
import { transitionOrder } from "../../market/orders/orders";
import { rateSubOrder } from "../../market/orders/ratings";
import { refundSubOrder } from "../../market/orders/refunds";
import { createPaymentIntent, type Stripe } from "../../market/payments/stripe";
import { applyPaymentOutcome } from "../../market/payments/settle";
import { getProducerCredit, refreshStaleCredit } from "../../market/credit/credit";
import { reviewProducer } from "../../market/producers/producers";
import { decideLicence, getProducerVerification, listProducerDecisions, setPovertyAlleviation, submitLicence } from "../../market/producers/verification";
import { searchListings } from "../../market/listings/queries";
import { openRecall } from "../../traceability/recall";
import { dispatchSubOrder } from "../../logistics/parcels";
import { addProducerMember, cachedPasswordHash, createBatch, createTestDatabase, createUser, createProducer } from "../../seeds/factories";
import { createBuyer, createMarket, type Market } from "../helpers/orders";
import { testStripe } from "../helpers/stripe";

let db: Db;
let dbFile: string;
let cleanup: () => void;
let m: Market;
let stripe: Stripe;
let admin: Actor;
let inspector: Actor;
let farmerA: Actor;

const actorOf = (userId: number): Actor => loadAuthUser(db, userId)!;
const ownerOf = (producerId: number) =>
  db.$client.prepare(`select user_id from producer_members where producer_id = ? and role = 'owner' limit 1`).pluck().get(producerId) as number;
/** What is stored, read without recomputing. */
const stored = (producerId: number) => {
  const row = db.$client.prepare(`select score, components, stale from producer_credit where producer_id = ?`).get(producerId) as
    { score: number | null; components: string; stale: number } | undefined;
  if (!row) return null;
  const parts = JSON.parse(row.components) as { key: string; points: number | null; amount: number }[];
  return {
    score: row.score,
    stale: row.stale,
    points: Object.fromEntries(parts.map((c) => [c.key, c.points])),
    amount: Object.fromEntries(parts.map((c) => [c.key, c.amount])),
  };
};

/** An order of producer A's apples, paid through stripe-mock, dispatched on time by A, picked up. */
async function pickedUpOrderOfA() {
  const b = await createBuyer(db);
  addToCart(db, b.id, m.apples, 1);
  const order = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
  const pi = await createPaymentIntent(db, stripe, order.orderId);
  applyPaymentOutcome(db, { paymentIntentId: pi.id, outcome: "succeeded", amount: order.totalFen, currency: "cny", source: "webhook" });
  const sub = order.subOrders.find((s) => s.producerId === m.producerA)!;
  dispatchSubOrder(db, farmerA, sub.id);
  transitionOrder(db, order.orderId, "ready_for_pickup", "operator");
  transitionOrder(db, order.orderId, "picked_up", "operator");
  return { buyer: actorOf(b.id), sub };
}

let orders: Awaited<ReturnType<typeof pickedUpOrderOfA>>[] = [];

beforeAll(async () => {
  ({ db, file: dbFile, cleanup } = createTestDatabase());
  m = await createMarket(db);
  stripe = testStripe();
  admin = actorOf((await createUser(db, { roles: ["platform_admin"], passwordHash: await cachedPasswordHash() })).id);
  inspector = actorOf((await createUser(db, { roles: ["inspector"], passwordHash: await cachedPasswordHash() })).id);
  farmerA = actorOf(ownerOf(m.producerA));
  orders = [];
  for (let i = 0; i < 7; i++) orders.push(await pickedUpOrderOfA());
  // Three more harvested lots, so that recalls have enough data to count.
  const productId = db.$client.prepare(`select product_id from listings where id = ?`).pluck().get(m.apples) as number;
  for (let i = 0; i < 3; i++) createBatch(db, { producerId: m.producerA, productId, harvestedAt: Date.now() - 86_400_000 });
}, 120_000);
afterAll(() => cleanup());

describe("the stored credit score", () => {
  it("a new producer has no score: 暂无足够数据 rather than a number", () => {
    expect(getProducerCredit(db, m.producerB).score).toBeNull();
  });

  it("counts on-time dispatch, and appears once there is enough data (three ratings)", () => {
    const before = getProducerCredit(db, m.producerA);
    expect(before.components.find((c) => c.key === "fulfilment")).toMatchObject({ amount: 7, points: 100 });
    for (const o of orders.slice(0, 3)) rateSubOrder(db, o.buyer, o.sub.id, 5, "很好");
    const s = stored(m.producerA)!;
    expect(s.stale).toBe(0); // recomputed in the rating's transaction
    expect(s.score).not.toBeNull();
    expect(s.points.ratings).toBe(100);
  });

  it("moves down after a poor rating, in the rating's own transaction", () => {
    const before = stored(m.producerA)!.score!;
    rateSubOrder(db, orders[3].buyer, orders[3].sub.id, 1, "坏了一半");
    const after = stored(m.producerA)!;
    expect(after.stale).toBe(0);
    expect(after.score!).toBeLessThan(before);
  });

  it("moves down after a dispute decided against the producer, counted once (not again through its refund)", async () => {
    const before = stored(m.producerA)!;
    const disputeId = openDispute(db, orders[4].buyer, orders[4].sub.id, { kind: "quality", body: "烂果", photos: [] });
    await decideDispute(db, stripe, admin, disputeId, { outcome: "full" }, "退全款");
    expect(db.$client.prepare(`select count(*) from refunds where sub_order_id = ? and reason = 'dispute'`).pluck().get(orders[4].sub.id)).toBe(1);
    const after = stored(m.producerA)!;
    expect(after.stale).toBe(0);
    expect(after.points.disputes!).toBeLessThan(before.points.disputes!);
    expect(after.points.refunds).toBe(before.points.refunds);
    expect(after.score!).toBeLessThan(before.score!);
  });

  it("a dispute decided for the producer weighs less than one lost", async () => {
    const before = stored(m.producerA)!;
    const disputeId = openDispute(db, orders[5].buyer, orders[5].sub.id, { kind: "quality", body: "不甜", photos: [] });
    await decideDispute(db, stripe, admin, disputeId, { outcome: "reject" }, "无质量问题");
    const after = stored(m.producerA)!;
    // Lost: 1 of 7 → 100 − 1/7/0.25·100 ≈ 43; plus a won one (0.25) ≈ 29: down, but less than a second loss would.
    expect(after.points.disputes!).toBeLessThan(before.points.disputes!);
    expect(before.points.disputes! - after.points.disputes!).toBeLessThan(100 / 7 / 0.25 - 1);
  });

  it("moves down after a goodwill refund", async () => {
    const before = stored(m.producerA)!;
    await refundSubOrder(db, stripe, admin, orders[6].sub.id, 1000, "goodwill", "晚到");
    const after = stored(m.producerA)!;
    expect(after.stale).toBe(0);
    expect(after.points.refunds!).toBeLessThan(before.points.refunds!);
    expect(after.score!).toBeLessThan(before.score!);
  });

  it("a recall (traceability, a lower layer) marks it stale through the trigger; the next read recomputes it lower", () => {
    const before = stored(m.producerA)!;
    expect(before.points.recalls).toBe(100);
    const batchId = db.$client.prepare(`select id from batches where producer_id = ? order by id desc limit 1`).pluck().get(m.producerA) as number;
    openRecall(db, inspector, batchId, { reason: "农残超标", grade: 1 });
    expect(stored(m.producerA)!.stale).toBe(1);
    const read = getProducerCredit(db, m.producerA);
    expect(read.score!).toBeLessThan(before.score!);
    expect(read.components.find((c) => c.key === "recalls")!.points!).toBeLessThan(100);
    expect(stored(m.producerA)!.stale).toBe(0);
  });

  it("an order nobody dispatches turns late with time: the sweep recomputes day-old scores", async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.apples, 1);
    const order = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    applyPaymentOutcome(db, { paymentIntentId: pi.id, outcome: "succeeded", amount: order.totalFen, currency: "cny", source: "webhook" });
    const now = Date.now();
    const fresh = getProducerCredit(db, m.producerA, now).components.find((c) => c.key === "fulfilment")!;
    expect(fresh).toMatchObject({ amount: 7, points: 100 }); // not due yet
    // Three days on, nothing was written; the sweep recomputes the day-old score.
    expect(refreshStaleCredit(db, now + 3 * 86_400_000)).toBeGreaterThanOrEqual(1);
    const late = stored(m.producerA)!;
    expect(late.amount.fulfilment).toBe(8);
    expect(late.points.fulfilment).toBe(Math.round((7 / 8) * 100));
  });

  it("the storefront filters by score and sorts best credit first", () => {
    const score = stored(m.producerA)!.score!;
    const all = searchListings(db, {}).items.map((c) => c.id);
    expect(all).toContain(m.kiwis);
    const atLeast = searchListings(db, { minCredit: score }).items.map((c) => c.id);
    expect(atLeast).toContain(m.apples);
    expect(atLeast).not.toContain(m.kiwis); // B has no score
    expect(searchListings(db, { minCredit: score + 1 }).items.map((c) => c.id)).not.toContain(m.apples);
    const sorted = searchListings(db, { sort: "credit" }).items;
    expect(sorted[0].producer.creditScore).toBe(score);
    expect(sorted.at(-1)!.producer.creditScore).toBeNull();
    // Paging one at a time walks the same order across the two tiers (scored, then unscored), each listing once.
    const paged = sorted.map((_, i) => searchListings(db, { sort: "credit", pageSize: 1, page: i + 1 }).items[0].id);
    expect(paged).toEqual(sorted.map((c) => c.id));
    expect(searchListings(db, { sort: "credit" }).total).toBe(all.length);
  });
});

describe("verification and the poverty-alleviation designation", () => {
  it("the owner submits a licence and legal representative; only a platform admin decides, and it is recorded", () => {
    expect(() => submitLicence(db, admin, m.producerA, { licenceFileKey: "x.webp", legalRepName: "王建国" })).toThrow(ForbiddenError);
    submitLicence(db, farmerA, m.producerA, { licenceFileKey: "licence.webp", legalRepName: "王建国" });
    expect(getProducerVerification(db, m.producerA)).toMatchObject({ licenceStatus: "submitted", legalRepName: "王建国" });
    // The producer cannot approve itself, nor can an inspector.
    expect(() => decideLicence(db, farmerA, m.producerA, "approved", "")).toThrow(ForbiddenError);
    expect(() => decideLicence(db, inspector, m.producerA, "approved", "")).toThrow(ForbiddenError);
    decideLicence(db, admin, m.producerA, "approved", "执照清晰，信息一致");
    expect(getProducerVerification(db, m.producerA).licenceStatus).toBe("approved");
    expect(listProducerDecisions(db, m.producerA)[0]).toMatchObject({ kind: "licence", decision: "approved", note: "执照清晰，信息一致" });
  });

  it("a platform admin who is a member of the producer cannot decide about it", async () => {
    const selfAdmin = (await createUser(db, { roles: ["platform_admin", "farmer"], passwordHash: await cachedPasswordHash() })).id;
    const own = createProducer(db, { ownerUserId: selfAdmin });
    const me = actorOf(selfAdmin);
    submitLicence(db, me, own, { licenceFileKey: "own.webp", legalRepName: "李自审" });
    expect(() => decideLicence(db, me, own, "approved", "")).toThrow(ForbiddenError);
    expect(() => setPovertyAlleviation(db, me, own, true, "自己认定")).toThrow(ForbiddenError);
    expect(getProducerVerification(db, own)).toMatchObject({ licenceStatus: "submitted", povertyAlleviation: false });
  });

  it("the credit-code review refuses self-approval and joins the decision history", async () => {
    const userId = (await createUser(db, { roles: ["platform_admin", "farmer"], passwordHash: await cachedPasswordHash() })).id;
    const pending = createProducer(db, { ownerUserId: userId, creditCodeStatus: "pending_review" });
    expect(() => reviewProducer(db, actorOf(userId), pending, "approved", "")).toThrow(ForbiddenError);
    reviewProducer(db, admin, pending, "approved", "人工核对");
    expect(listProducerDecisions(db, pending)[0]).toMatchObject({ kind: "credit_code", decision: "approved" });
  });

  it("two admins deciding the same credit-code review at once record one decision; the second is refused", async () => {
    const userId = (await createUser(db, { roles: ["farmer"], passwordHash: await cachedPasswordHash() })).id;
    const pending = createProducer(db, { ownerUserId: userId, creditCodeStatus: "pending_review" });
    const otherAdmin = actorOf((await createUser(db, { roles: ["platform_admin"], passwordHash: await cachedPasswordHash() })).id);
    // The other admin's request (its own connection) decides while this one is under way: right
    // after it starts (its first clock read), before it looks at the producer again.
    const other = openDatabase(dbFile);
    const now = Date.now;
    const race = vi.spyOn(Date, "now").mockImplementationOnce(() => {
      reviewProducer(other, otherAdmin, pending, "rejected", "信用代码不符");
      return now();
    });
    try {
      expect(() => reviewProducer(db, admin, pending, "approved", "人工核对")).toThrow(/alreadyReviewed/);
    } finally {
      race.mockRestore();
      other.$client.close();
    }
    expect(listProducerDecisions(db, pending).map((d) => d.decision)).toEqual(["rejected"]);
    expect(() => reviewProducer(db, admin, pending, "approved", "再审")).toThrow(/alreadyReviewed/);
    expect(listProducerDecisions(db, pending)).toHaveLength(1);
  });

  it("only a platform admin sets or clears the designation, with a reason; the storefront filter follows", () => {
    expect(() => setPovertyAlleviation(db, farmerA, m.producerB, true, "脱贫县")).toThrow(ForbiddenError);
    expect(() => setPovertyAlleviation(db, inspector, m.producerB, true, "脱贫县")).toThrow(ForbiddenError);
    expect(() => setPovertyAlleviation(db, admin, m.producerB, true, " ")).toThrow(/reasonRequired/);
    expect(searchListings(db, { poverty: true }).items).toHaveLength(0);
    setPovertyAlleviation(db, admin, m.producerB, true, "国家乡村振兴重点帮扶县");
    const poverty = searchListings(db, { poverty: true }).items;
    expect(poverty.map((c) => c.id)).toEqual([m.kiwis]);
    expect(poverty[0].producer.povertyAlleviation).toBe(true);
    setPovertyAlleviation(db, admin, m.producerB, false, "已退出帮扶名单");
    expect(searchListings(db, { poverty: true }).items).toHaveLength(0);
    expect(listProducerDecisions(db, m.producerB).map((d) => d.decision)).toEqual(["cleared", "set"]);
  });

  it("a member who is not the owner cannot submit the licence", async () => {
    const member = (await createUser(db, { roles: ["farmer"], passwordHash: await cachedPasswordHash() })).id;
    addProducerMember(db, m.producerB, member, "member");
    expect(() => submitLicence(db, actorOf(member), m.producerB, { licenceFileKey: "m.webp", legalRepName: "张三" })).toThrow(ForbiddenError);
  });
});
