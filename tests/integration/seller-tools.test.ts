/**
 * Issue 13 §4 (second half) and §5: the listing tools sellers expect and the buyer's view after
 * the sale, against a real SQLite file (and stripe-mock for the refund). Copy, variants through
 * cart and checkout (with a real race for the last unit of each size), the bulk price/stock edit
 * (atomic, owner-only), photo order and cover, the low-stock notice, plot edit/retire, and the
 * order page's refunds read model.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import type { Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError } from "../../core/errors";
import { addToCart, getCart } from "../../market/orders/cart";
import { checkout, SoldOutError } from "../../market/orders/checkout";
import { cancelUnpaidOrder } from "../../market/orders/orders";
import { bulkUpdatePriceStock, copyListing, listVariants, movePhoto, setListingVariants } from "../../market/listings/tools";
import { getListingForEdit } from "../../market/listings/listings";
import { orderRefunds, expectedPickupDate } from "../../market/orders/buyer-view";
import { refundSubOrder } from "../../market/orders/refunds";
import { createPaymentIntent } from "../../market/payments/stripe";
import { applyPaymentOutcome } from "../../market/payments/settle";
import { getOrderDetail } from "../../market/orders/orders";
import { createBatch, createPlot } from "../../traceability/store";
import { actorPlots } from "../../traceability/batches";
import { retirePlot, updatePlot } from "../../traceability/plots";
import { actorFor, cachedPasswordHash, createTestDatabase, createUser } from "../../seeds/factories";
import { createBuyer, createMarket, stockOf, type Market } from "../helpers/orders";
import { testStripe } from "../helpers/stripe";

let db: Db;
let file: string;
let cleanup: () => void;
let m: Market;
let farmerA: Actor;
let farmerB: Actor;

const ownerOf = (producerId: number) =>
  db.$client.prepare(`select user_id from producer_members where producer_id = ? order by user_id limit 1`).pluck().get(producerId) as number;
const count = (sql: string, ...args: unknown[]) =>
  db.$client
    .prepare(sql)
    .pluck()
    .get(...args) as number;

beforeAll(async () => {
  ({ db, file, cleanup } = createTestDatabase());
  m = await createMarket(db);
  farmerA = actorFor(db, ownerOf(m.producerA));
  farmerB = actorFor(db, ownerOf(m.producerB));
});
afterAll(() => cleanup());

/** A published listing of producer A selling from the same lot as the market's apples (no photos: each test adds its own). */
function appleListing(stock = 100): number {
  const id = copyListing(db, farmerA, m.apples);
  db.$client.prepare(`update listings set status = 'published', stock = ? where id = ?`).run(stock, id);
  db.$client.prepare(`delete from listing_photos where listing_id = ?`).run(id);
  return id;
}

function addPhotos(listingId: number, keys: string[]) {
  const insert = db.$client.prepare(`insert into listing_photos (listing_id, file_key, width, height, bytes, position) values (?, ?, 800, 600, 1000, ?)`);
  keys.forEach((k, i) => insert.run(listingId, k, 100 + i));
}

describe("copy a listing", () => {
  it("makes a draft with the same fields, certifications, photos, sizes and lots; title + 副本", () => {
    const source = appleListing();
    addPhotos(source, ["cover-a", "second-b"]);
    db.$client.prepare(`insert into listing_certifications (listing_id, kind) values (?, 'green_food')`).run(source);
    setListingVariants(db, farmerA, source, [
      { name: "75mm", priceFen: 2990, stock: 4 },
      { name: "80mm", priceFen: 3490, stock: 6 },
    ]);
    const copy = copyListing(db, farmerA, source);
    const a = getListingForEdit(db, farmerA, source);
    const b = getListingForEdit(db, farmerA, copy);
    expect(b.listing.title).toBe(`${a.listing.title} 副本`);
    expect(b.listing.status).toBe("draft");
    expect(b.listing).toMatchObject({ productId: a.listing.productId, unit: a.listing.unit, priceFen: 2990, stock: 10, description: a.listing.description });
    expect(b.certifications).toEqual(["green_food"]);
    expect(b.photos.map((p) => p.fileKey)).toEqual(["cover-a", "second-b"]);
    expect(listVariants(db, copy).map((v) => [v.name, v.priceFen, v.stock])).toEqual([
      ["75mm", 2990, 4],
      ["80mm", 3490, 6],
    ]);
    expect(count(`select count(*) from listing_batches where listing_id = ?`, copy)).toBe(
      count(`select count(*) from listing_batches where listing_id = ?`, source),
    );
  });

  it("refuses another producer's listing and copies nothing", () => {
    const before = count(`select count(*) from listings`);
    expect(() => copyListing(db, farmerB, m.apples)).toThrow(ForbiddenError);
    expect(count(`select count(*) from listings`)).toBe(before);
  });
});

describe("variants", () => {
  it("cart and checkout carry the size; its stock and the listing's sum go down together; cancelling puts both back", async () => {
    const listing = appleListing();
    setListingVariants(db, farmerA, listing, [
      { name: "75mm", priceFen: 2990, stock: 5 },
      { name: "85mm", priceFen: 3990, stock: 3 },
    ]);
    expect(stockOf(db, listing)).toBe(8);
    const [small, large] = listVariants(db, listing);
    const buyer = await createBuyer(db);
    // A listing with sizes cannot be bought without choosing one.
    expect(() => addToCart(db, buyer.id, listing, 1)).toThrow(DomainRuleError);
    addToCart(db, buyer.id, { listingId: listing, variantId: large.id }, 2);
    addToCart(db, buyer.id, { listingId: listing, variantId: small.id }, 1);
    const cart = getCart(db, buyer.id);
    expect(cart.lines.map((l) => [l.variantName, l.priceFen, l.quantity])).toEqual(
      expect.arrayContaining([
        ["85mm", 3990, 2],
        ["75mm", 2990, 1],
      ]),
    );
    expect(cart.totalFen).toBe(2 * 3990 + 2990);
    const order = checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: m.pointId });
    expect(order.totalFen).toBe(2 * 3990 + 2990);
    const lines = getOrderDetail(db, order.orderId)!.subOrders.flatMap((s) => s.lines);
    expect(lines.map((l) => [l.variantName, l.quantity, l.unitPriceFen]).sort()).toEqual([
      ["75mm", 1, 2990],
      ["85mm", 2, 3990],
    ]);
    expect(listVariants(db, listing).map((v) => v.stock)).toEqual([4, 1]);
    expect(stockOf(db, listing)).toBe(5);

    expect(cancelUnpaidOrder(db, order.orderId, "expiry")).toBe(true);
    expect(listVariants(db, listing).map((v) => v.stock)).toEqual([5, 3]);
    expect(stockOf(db, listing)).toBe(8);
  });

  it("a sold-out size refuses the whole order even when the listing has stock in another size", async () => {
    const listing = appleListing();
    setListingVariants(db, farmerA, listing, [
      { name: "小果", priceFen: 1000, stock: 1 },
      { name: "大果", priceFen: 2000, stock: 9 },
    ]);
    const [small] = listVariants(db, listing);
    const first = await createBuyer(db);
    const second = await createBuyer(db);
    addToCart(db, first.id, { listingId: listing, variantId: small.id }, 1);
    addToCart(db, second.id, { listingId: listing, variantId: small.id }, 1);
    checkout(db, first, { contactPhone: first.phone, deliveryPointId: m.pointId });
    expect(() => checkout(db, second, { contactPhone: second.phone, deliveryPointId: m.pointId })).toThrow(SoldOutError);
    expect(listVariants(db, listing).map((v) => v.stock)).toEqual([0, 9]);
    expect(stockOf(db, listing)).toBe(9);
    expect(getCart(db, second.id).lines).toHaveLength(1); // nothing placed, the cart stays
  });

  it("a size with orders cannot be removed; a cart line without a size is refused once the listing gains sizes", async () => {
    const listing = appleListing();
    const buyer = await createBuyer(db);
    addToCart(db, buyer.id, listing, 1);
    setListingVariants(db, farmerA, listing, [{ name: "5斤", priceFen: 3000, stock: 2 }]);
    expect(getCart(db, buyer.id).lines).toHaveLength(0); // the size-less line is gone: the buyer must choose
    const [v] = listVariants(db, listing);
    addToCart(db, buyer.id, { listingId: listing, variantId: v.id }, 1);
    checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: m.pointId });
    expect(() => setListingVariants(db, farmerA, listing, [{ name: "10斤", priceFen: 5000, stock: 2 }])).toThrow(DomainRuleError);
    expect(listVariants(db, listing).map((x) => x.name)).toEqual(["5斤"]);
    expect(() => setListingVariants(db, farmerB, listing, [])).toThrow(ForbiddenError);
    expect(() =>
      setListingVariants(db, farmerA, listing, [
        { name: "a", priceFen: 1, stock: 1 },
        { name: "a", priceFen: 2, stock: 1 },
      ]),
    ).toThrow(DomainRuleError);
  });

  it("listings without variants keep working unchanged", async () => {
    const buyer = await createBuyer(db);
    const before = stockOf(db, m.kiwis);
    addToCart(db, buyer.id, m.kiwis, 2);
    const order = checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: m.pointId });
    expect(order.totalFen).toBe(2 * 3333);
    expect(stockOf(db, m.kiwis)).toBe(before - 2);
    expect(db.$client.prepare(`select variant_id from order_lines where order_id = ?`).pluck().get(order.orderId)).toBeNull();
  });

  it("concurrent checkouts for the last unit of each size: exactly one order per size", async () => {
    const listing = appleListing();
    setListingVariants(db, farmerA, listing, [
      { name: "75mm", priceFen: 2990, stock: 1 },
      { name: "80mm", priceFen: 3490, stock: 1 },
    ]);
    const variants = listVariants(db, listing);
    const buyers: { id: number; phone: string; variantId: number }[] = [];
    for (let i = 0; i < 24; i++) {
      const b = await createBuyer(db);
      const variantId = variants[i % 2].id;
      addToCart(db, b.id, { listingId: listing, variantId }, 1);
      buyers.push({ ...b, variantId });
    }
    const script = fileURLToPath(new URL("../helpers/checkout-worker.ts", import.meta.url));
    const workers = 4;
    const children = Array.from({ length: workers }, (_, w) =>
      fork(script, [], {
        execArgv: ["--import", "tsx"],
        env: { ...process.env, CHECKOUT_WORKER_INPUT: JSON.stringify({ file, buyers: buyers.filter((_, i) => i % workers === w), pointId: m.pointId }) },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
    type Result = { buyerId: number; outcome: "ok" | "sold_out" | "error"; message?: string };
    const runs = children.map((child) => {
      let ready!: () => void;
      const isReady = new Promise<void>((r) => (ready = r));
      const done = new Promise<Result[]>((resolve, reject) => {
        child.on("message", (msg: { ready?: boolean; results?: Result[] }) => {
          if (msg.ready) ready();
          if (msg.results) resolve(msg.results);
        });
        child.once("exit", (code) => reject(new Error(`worker exited ${code}`)));
      });
      return { isReady, done };
    });
    await Promise.all(runs.map((r) => r.isReady));
    for (const c of children) c.send("go");
    const results = (await Promise.all(runs.map((r) => r.done))).flat();
    expect(results.filter((r) => r.outcome === "error")).toEqual([]);
    const ok = results.filter((r) => r.outcome === "ok");
    expect(ok).toHaveLength(2);
    const won = ok.map((r) => buyers.find((b) => b.id === r.buyerId)!.variantId).sort();
    expect(won).toEqual(variants.map((v) => v.id).sort());
    expect(listVariants(db, listing).map((v) => v.stock)).toEqual([0, 0]);
    expect(stockOf(db, listing)).toBe(0);
  }, 60_000);
});

describe("bulk price and stock", () => {
  it("saves every row in one transaction", () => {
    const a = appleListing(10);
    const b = appleListing(20);
    expect(
      bulkUpdatePriceStock(db, farmerA, [
        { listingId: a, priceFen: 1234, stock: 11 },
        { listingId: b, priceFen: 5678, stock: 22 },
      ]),
    ).toBe(2);
    expect(db.$client.prepare(`select price_fen, stock from listings where id in (?, ?) order by id`).raw().all(a, b)).toEqual([
      [1234, 11],
      [5678, 22],
    ]);
  });

  it("one listing of another producer in the rows: forbidden and nothing changes", () => {
    const a = appleListing(10);
    const price = count(`select price_fen from listings where id = ?`, a);
    expect(() =>
      bulkUpdatePriceStock(db, farmerA, [
        { listingId: a, priceFen: 1, stock: 1 },
        { listingId: m.kiwis, priceFen: 1, stock: 1 },
      ]),
    ).toThrow(ForbiddenError);
    expect(count(`select price_fen from listings where id = ?`, a)).toBe(price);
    expect(count(`select stock from listings where id = ?`, a)).toBe(10);
  });

  it("a row breaking a rule rolls back the rows before it", () => {
    const a = appleListing(10);
    const withSizes = appleListing();
    setListingVariants(db, farmerA, withSizes, [{ name: "1斤", priceFen: 1000, stock: 3 }]);
    expect(() =>
      bulkUpdatePriceStock(db, farmerA, [
        { listingId: a, priceFen: 999, stock: 9 },
        { listingId: withSizes, priceFen: 1, stock: 50 },
      ]),
    ).toThrow(DomainRuleError);
    expect(count(`select stock from listings where id = ?`, a)).toBe(10);
    expect(count(`select stock from listings where id = ?`, withSizes)).toBe(3);
  });
});

describe("photo order and cover", () => {
  it("moves a photo to the cover, up and down; another producer cannot", () => {
    const listing = appleListing();
    addPhotos(listing, ["p1", "p2", "p3"]);
    const keys = () => getListingForEdit(db, farmerA, listing).photos.map((p) => p.fileKey);
    const idOf = (key: string) => getListingForEdit(db, farmerA, listing).photos.find((p) => p.fileKey === key)!.id;
    movePhoto(db, farmerA, listing, idOf("p3"), "cover");
    expect(keys()).toEqual(["p3", "p1", "p2"]);
    movePhoto(db, farmerA, listing, idOf("p3"), "down");
    expect(keys()).toEqual(["p1", "p3", "p2"]);
    movePhoto(db, farmerA, listing, idOf("p2"), "up");
    expect(keys()).toEqual(["p1", "p2", "p3"]);
    expect(() => movePhoto(db, farmerB, listing, idOf("p2"), "cover")).toThrow(ForbiddenError);
    expect(keys()).toEqual(["p1", "p2", "p3"]);
  });
});

describe("low-stock notice", () => {
  const notices = (userId: number, title: string) =>
    count(`select count(*) from notifications where user_id = ? and kind = 'low_stock' and params like ?`, userId, `%${title}%`);

  it("a checkout taking stock to the threshold notifies the producer once per crossing", async () => {
    const listing = appleListing(7); // threshold 5 by default
    const title = `低库存测试 ${listing}`;
    db.$client.prepare(`update listings set title = ? where id = ?`).run(title, listing);
    const buyer = await createBuyer(db);
    addToCart(db, buyer.id, listing, 1);
    checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: m.pointId }); // 7 → 6: above
    expect(notices(farmerA.id, title)).toBe(0);
    addToCart(db, buyer.id, listing, 2);
    checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: m.pointId }); // 6 → 4: crossed
    expect(notices(farmerA.id, title)).toBe(1);
    addToCart(db, buyer.id, listing, 1);
    checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: m.pointId }); // 4 → 3: already low
    expect(notices(farmerA.id, title)).toBe(1);
    expect(notices(farmerB.id, title)).toBe(0);
    bulkUpdatePriceStock(db, farmerA, [{ listingId: listing, priceFen: 1990, stock: 20 }]); // refilled: armed again
    bulkUpdatePriceStock(db, farmerA, [{ listingId: listing, priceFen: 1990, stock: 2 }]);
    expect(notices(farmerA.id, title)).toBe(2);
  });
});

describe("plots", () => {
  it("a plot can be edited and retired; a retired plot is refused for new lots and stays on existing ones", () => {
    const plot = createPlot(db, farmerA, { producerId: m.producerA, name: "东坡果园", areaMu: 3, lat: null, lng: null });
    const productId = count(`select product_id from listings where id = ?`, m.apples);
    const lot = createBatch(db, farmerA, { producerId: m.producerA, productId, plotId: plot, crop: "apple", plantedAt: Date.now() - 86_400_000 });
    updatePlot(db, farmerA, plot, { name: "东坡果园（北）", areaMu: 2.5, lat: 35.1, lng: 109.4 });
    expect(actorPlots(db, farmerA).find((p) => p.id === plot)).toMatchObject({ name: "东坡果园（北）", areaMu: 2.5, lat: 35.1, lng: 109.4, retiredAt: null });
    expect(() => updatePlot(db, farmerB, plot, { name: "x", areaMu: null, lat: null, lng: null })).toThrow(ForbiddenError);
    expect(() => updatePlot(db, farmerA, plot, { name: "y", areaMu: null, lat: 35, lng: null })).toThrow(DomainRuleError);

    expect(() => retirePlot(db, farmerB, plot)).toThrow(ForbiddenError);
    retirePlot(db, farmerA, plot);
    expect(actorPlots(db, farmerA).find((p) => p.id === plot)!.retiredAt).toBeTypeOf("number");
    expect(() => createBatch(db, farmerA, { producerId: m.producerA, productId, plotId: plot, crop: "apple", plantedAt: Date.now() })).toThrow(
      expect.objectContaining({ messageKey: "trace.error.plotRetired" }),
    );
    expect(count(`select plot_id from batches where id = ?`, lot.id)).toBe(plot);
  });
});

describe("the order page's refunds", () => {
  it("lists a partial refund with amount, reason and date, totals it, and notifies the buyer", async () => {
    const stripe = testStripe();
    const admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"], passwordHash: await cachedPasswordHash() })).id);
    const buyer = await createBuyer(db);
    addToCart(db, buyer.id, m.kiwis, 2);
    const order = checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: m.pointId });
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    applyPaymentOutcome(db, { paymentIntentId: pi.id, outcome: "succeeded", amount: order.totalFen, currency: "cny", source: "webhook" });
    expect(orderRefunds(db, order.orderId)).toEqual({ refunds: [], refundedFen: 0 });

    await refundSubOrder(db, stripe, admin, order.subOrders[0].id, 2000, "goodwill", "果子有磕碰");
    const view = orderRefunds(db, order.orderId);
    expect(view.refundedFen).toBe(2000);
    expect(view.refunds).toEqual([expect.objectContaining({ amountFen: 2000, reason: "goodwill", note: "果子有磕碰", status: "succeeded" })]);
    expect(view.refunds[0].createdAt).toBeGreaterThan(Date.now() - 60_000);
    expect(count(`select count(*) from notifications where user_id = ? and kind = 'refund' and link = ?`, buyer.id, `/orders/${order.orderId}`)).toBe(1);
    // A refund refused by the rules leaves no row on the page.
    await expect(refundSubOrder(db, stripe, admin, order.subOrders[0].id, 999_999, "goodwill")).rejects.toThrow(DomainRuleError);
    expect(orderRefunds(db, order.orderId).refunds).toHaveLength(1);
  });

  it("the pickup estimate is two days after today in China time", () => {
    // 2026-03-30 20:00 in Shanghai (12:00 UTC) → 4 月 1 日.
    expect(expectedPickupDate(Date.UTC(2026, 2, 30, 12))).toEqual({ iso: "2026-04-01", month: 4, day: 1 });
    // 2026-03-30 23:30 UTC is already 31 March in Shanghai → 4 月 2 日.
    expect(expectedPickupDate(Date.UTC(2026, 2, 30, 23, 30))).toEqual({ iso: "2026-04-02", month: 4, day: 2 });
  });
});
