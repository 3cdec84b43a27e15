/**
 * A form rendered once writes once (issue 11, part 6): the same one-time token sent twice — one
 * after the other, and at the same moment from separate processes with their own connections —
 * creates one listing, one lot, one chain event, one order; the repeat gets the first result. A
 * token is refused for another user or another kind of form, and checkout places nothing for a
 * cart that changed since the page showed it.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { categories } from "../../db/schema";
import { DomainRuleError, ForbiddenError } from "../../core/errors";
import { newFormToken } from "../../core/once";
import type { Actor } from "../../core/permissions";
import { createListing, type ListingInput } from "../../market/listings/listings";
import { addToCart, getCart, setCartQuantity } from "../../market/orders/cart";
import { cartFingerprint, checkout, StaleCartError } from "../../market/orders/checkout";
import { actorFor, createLotWithChain, createProducer, createTestDatabase, createUser } from "../../seeds/factories";
import { createBatch, createPlot, recordEvent } from "../../traceability/store";
import { addSlots } from "../../logistics/points-admin";
import { createBuyer, createMarket, stockOf, type Market } from "../helpers/orders";
import type { OnceJob } from "../helpers/once-worker";

let db: Db;
let file: string;
let cleanup: () => void;
let farmer: Actor;
let otherFarmer: Actor;
let producerId: number;
let fruit: number;
let m: Market;

beforeAll(async () => {
  ({ db, file, cleanup } = createTestDatabase());
  const owner = await createUser(db, { roles: ["farmer"] });
  producerId = createProducer(db, { ownerUserId: owner.id, nameZh: "一次提交合作社" });
  farmer = actorFor(db, owner.id);
  const other = await createUser(db, { roles: ["farmer"] });
  createProducer(db, { ownerUserId: other.id });
  otherFarmer = actorFor(db, other.id);
  fruit = db.select({ id: categories.id }).from(categories).where(eq(categories.slug, "fruit")).get()!.id;
  m = await createMarket(db, { stockA: 50, stockB: 50 });
});
afterAll(() => cleanup());

const count = (sqlText: string, ...args: unknown[]) =>
  db.$client
    .prepare(sqlText)
    .pluck()
    .get(...args) as number;
const listingInput = (title: string): ListingInput => ({
  producerId,
  categoryId: fruit,
  productName: "一次提交苹果",
  title,
  description: "",
  unit: "jin",
  priceFen: 1200,
  stock: 10,
  certifications: [],
});

/** Runs `jobs` in child processes released together; each reports what the domain returned (or its error). */
async function race(jobs: OnceJob[]): Promise<{ result?: unknown; error?: string }[]> {
  const script = fileURLToPath(new URL("../helpers/once-worker.ts", import.meta.url));
  const children = jobs.map((job) =>
    fork(script, [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, ONCE_WORKER_INPUT: JSON.stringify({ file, job }) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
  );
  const settled = children.map((child) => {
    let onReady!: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const done = new Promise<{ result?: unknown; error?: string }>((resolve, reject) => {
      child.on("message", (msg: { ready?: boolean; result?: unknown; error?: string }) => {
        if (msg.ready) onReady();
        else resolve(msg);
      });
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`worker exited with ${code} before reporting`)));
    });
    return { ready: Promise.race([ready, done.then(() => undefined)]), done };
  });
  await Promise.all(settled.map((s) => s.ready));
  for (const child of children) child.send("go");
  return Promise.all(settled.map((s) => s.done));
}

const WORKERS = 4;

describe("listing", () => {
  it("the same token twice, one after the other: one listing, the same id back", () => {
    const token = newFormToken();
    const before = count(`select count(*) from listings where producer_id = ?`, producerId);
    const first = createListing(db, farmer, listingInput("一次提交 A"), [], token);
    const second = createListing(db, farmer, listingInput("一次提交 A"), [], token);
    expect(second).toBe(first);
    expect(count(`select count(*) from listings where producer_id = ?`, producerId)).toBe(before + 1);
  });

  it(`the same token from ${WORKERS} processes at once: one listing`, async () => {
    const token = newFormToken();
    const before = count(`select count(*) from listings where producer_id = ?`, producerId);
    const results = await race(Array.from({ length: WORKERS }, () => ({ kind: "listing" as const, userId: farmer.id, token, producerId, categoryId: fruit })));
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(new Set(results.map((r) => r.result)).size).toBe(1);
    expect(count(`select count(*) from listings where producer_id = ?`, producerId)).toBe(before + 1);
  }, 120_000);

  it("another user's token is refused and creates nothing; a token is good for one kind of form", () => {
    const token = newFormToken();
    createListing(db, farmer, listingInput("一次提交 B"), [], token);
    const before = count(`select count(*) from listings`);
    const otherProducer = otherFarmer.producerIds[0];
    expect(() => createListing(db, otherFarmer, { ...listingInput("冒用"), producerId: otherProducer }, [], token)).toThrow(ForbiddenError);
    expect(() => createBatch(db, farmer, { producerId, productId: 1, crop: "apple", plantedAt: Date.now() }, token)).toThrow(
      expect.objectContaining({ messageKey: "form.error.token" }),
    );
    expect(() => createListing(db, farmer, listingInput("坏令牌"), [], "not-a-token")).toThrow(DomainRuleError);
    expect(count(`select count(*) from listings`)).toBe(before);
  });

  it("a create that fails leaves its token unused: the corrected form goes through", () => {
    const token = newFormToken();
    expect(() => createListing(db, farmer, { ...listingInput("一次提交 C"), categoryId: 99_999 }, [], token)).toThrow(DomainRuleError);
    const id = createListing(db, farmer, listingInput("一次提交 C"), [], token);
    expect(count(`select count(*) from listings where id = ?`, id)).toBe(1);
  });
});

describe("lot and chain event", () => {
  it("the same new-lot token twice: one lot, one planting event", async () => {
    const lot = createLotWithChain(db, { producerId, actor: farmer });
    const token = newFormToken();
    const before = count(`select count(*) from batches where producer_id = ?`, producerId);
    const input = { producerId, productId: lot.productId, crop: "apple", plantedAt: Date.now() - 86_400_000 };
    const first = createBatch(db, farmer, input, token);
    expect(createBatch(db, farmer, input, token)).toEqual(first);
    expect(count(`select count(*) from batches where producer_id = ?`, producerId)).toBe(before + 1);
    expect(count(`select count(*) from trace_events where batch_id = ?`, first.id)).toBe(1);

    const raced = newFormToken();
    const results = await race(
      Array.from({ length: WORKERS }, () => ({ kind: "lot" as const, userId: farmer.id, token: raced, producerId, productId: lot.productId })),
    );
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(new Set(results.map((r) => r.result)).size).toBe(1);
    expect(count(`select count(*) from batches where producer_id = ?`, producerId)).toBe(before + 2);
  }, 120_000);

  it("the same event token twice (and from processes at once): one permanent event each", async () => {
    const lot = createLotWithChain(db, { producerId, actor: farmer });
    const events = () => count(`select count(*) from trace_events where batch_id = ?`, lot.batchId);
    const before = events();
    const token = newFormToken();
    const shipping = { type: "shipping" as const, occurredAt: Date.now(), payload: { carrier: "顺丰" } };
    const first = recordEvent(db, farmer, lot.batchId, shipping, token);
    const again = recordEvent(db, farmer, lot.batchId, shipping, token);
    expect(again.seq).toBe(first.seq);
    expect(again.eventHash).toBe(first.eventHash);
    expect(events()).toBe(before + 1);

    const raced = newFormToken();
    const results = await race(Array.from({ length: WORKERS }, () => ({ kind: "event" as const, userId: farmer.id, token: raced, batchId: lot.batchId })));
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(new Set(results.map((r) => r.result)).size).toBe(1);
    expect(events()).toBe(before + 2);
    // A second, different form (a new token) is a second event, as the farmer meant.
    recordEvent(db, farmer, lot.batchId, shipping, newFormToken());
    expect(events()).toBe(before + 3);
  }, 120_000);
});

describe("the other create forms", () => {
  it("a plot and a point's new slots sent twice with one token are made once", async () => {
    const token = newFormToken();
    const plot = createPlot(db, farmer, { producerId, name: "一次提交地块" }, token);
    expect(createPlot(db, farmer, { producerId, name: "一次提交地块" }, token)).toBe(plot);
    expect(count(`select count(*) from plots where name = '一次提交地块'`)).toBe(1);

    const admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"] })).id);
    const slots = () => count(`select count(*) from storage_slots where delivery_point_id = ?`, m.pointId);
    const before = slots();
    const slotToken = newFormToken();
    const codes = addSlots(db, admin, m.pointId, { size: "small", chilled: false, count: 2 }, slotToken);
    expect(addSlots(db, admin, m.pointId, { size: "small", chilled: false, count: 2 }, slotToken)).toEqual(codes);
    expect(slots()).toBe(before + 2);
  });
});

describe("checkout", () => {
  it("the same checkout form twice: one order, the same order back, stock taken once", async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.apples, 2);
    const stock = stockOf(db, m.apples);
    const token = newFormToken();
    const input = { contactPhone: b.phone, deliveryPointId: m.pointId, formToken: token, cartFingerprint: cartFingerprint(db, b.id) };
    const first = checkout(db, b, input);
    const second = checkout(db, b, input);
    expect(second.orderId).toBe(first.orderId);
    expect(first.idempotencyKey).toBe(`order_${token}`);
    expect(count(`select count(*) from orders where buyer_id = ?`, b.id)).toBe(1);
    expect(stockOf(db, m.apples)).toBe(stock - 2);
    // Another buyer cannot replay it (and learns nothing of the order).
    const stranger = await createBuyer(db);
    addToCart(db, stranger.id, m.kiwis, 1);
    expect(() => checkout(db, stranger, { contactPhone: stranger.phone, deliveryPointId: m.pointId, formToken: token })).toThrow(ForbiddenError);
    expect(count(`select count(*) from orders where buyer_id = ?`, stranger.id)).toBe(0);
    expect(getCart(db, stranger.id).lines).toHaveLength(1);
  });

  it(`the same checkout form from ${WORKERS} processes at once: one order`, async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.kiwis, 3);
    const stock = stockOf(db, m.kiwis);
    const token = newFormToken();
    const results = await race(Array.from({ length: WORKERS }, () => ({ kind: "checkout" as const, userId: b.id, token, phone: b.phone, pointId: m.pointId })));
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(new Set(results.map((r) => r.result)).size).toBe(1);
    expect(count(`select count(*) from orders where buyer_id = ?`, b.id)).toBe(1);
    expect(stockOf(db, m.kiwis)).toBe(stock - 3);
  }, 120_000);

  it("a stale tab (cart changed since the page showed it) places nothing; the current cart's fingerprint goes through", async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.apples, 1);
    const shown = cartFingerprint(db, b.id);
    setCartQuantity(db, b.id, m.apples, 4); // another tab
    const stock = stockOf(db, m.apples);
    const input = { contactPhone: b.phone, deliveryPointId: m.pointId, formToken: newFormToken(), cartFingerprint: shown };
    expect(() => checkout(db, b, input)).toThrow(StaleCartError);
    expect(count(`select count(*) from orders where buyer_id = ?`, b.id)).toBe(0);
    expect(stockOf(db, m.apples)).toBe(stock);
    expect(getCart(db, b.id).lines.map((l) => l.quantity)).toEqual([4]);
    // A price change is a different cart too.
    const now = cartFingerprint(db, b.id);
    db.$client.prepare(`update listings set price_fen = price_fen + 1 where id = ?`).run(m.apples);
    expect(() => checkout(db, b, { ...input, cartFingerprint: now })).toThrow(StaleCartError);
    db.$client.prepare(`update listings set price_fen = price_fen - 1 where id = ?`).run(m.apples);
    // The page reloaded with the current cart: the same form token is still unused.
    const placed = checkout(db, b, { ...input, cartFingerprint: cartFingerprint(db, b.id) });
    expect(count(`select count(*) from order_lines where order_id = ? and quantity = 4`, placed.orderId)).toBe(1);
  });
});
