/**
 * Invoices (issue 4, W2): issued after a payment (through the real, signed webhook path against
 * stripe-mock), numbered CP-<producer>-<year>-<seq> without gaps and without duplicates even
 * when several processes issue at once, VAT exempt vs taxable, the PDF, and who may download it.
 */
import { shanghaiYear } from "../../core/clock";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { transitionOrder } from "../../market/orders/orders";
import { createPaymentIntent, type Stripe } from "../../market/payments/stripe";
import { handleStripeWebhook } from "../../market/payments/webhooks";
import {
  formatInvoiceNumber,
  issueInvoice,
  issueMissingInvoices,
  issueOrderInvoices,
  listOrderInvoices,
  loadInvoiceDocument,
  renderInvoicePdf,
  renderInvoicePdfOnThisThread,
  invoicePdf,
  invoicePdfReady,
  vatFor,
  hasCjkFont,
} from "../../market/invoices/invoices";
import { loader as invoicePdfLoader } from "~/routes/orders.$orderId.invoices.$file";
import { startSession } from "~/utils/session.server";
import { closeDb } from "../../db/client";
import { cachedPasswordHash, createDeliveryPoint, createListing, createProducer, createUser, createTestDatabase } from "../../seeds/factories";
import { createBuyer, createMarket, type Market } from "../helpers/orders";
import { signedEvent, testStripe, TEST_WEBHOOK_SECRET } from "../helpers/stripe";

let db: Db;
let file: string;
let cleanup: () => void;
let m: Market;
let stripe: Stripe;
let agri: { producerId: number; listingId: number };

beforeAll(async () => {
  ({ db, file, cleanup } = createTestDatabase(process.env.DATABASE_PATH!));
  m = await createMarket(db, { stockA: 1000, stockB: 1000 });
  // The numbering test promises 60 parcels to one point (checkout refuses a full point): a roomy one.
  m.pointId = createDeliveryPoint(db, { kind: "village_station", name: "发票测试服务站", slots: [{ size: "large", count: 100 }] });
  stripe = testStripe();
  const owner = await createUser(db, { roles: ["farmer"], passwordHash: await cachedPasswordHash() });
  const producerId = createProducer(db, { ownerUserId: owner.id, kind: "agribusiness", nameZh: "发票测试农业公司" });
  const listingId = await createListing(db, { producerId, title: "发票测试大米 10斤", productName: "发票测试大米", priceFen: 10900, stock: 1000 });
  agri = { producerId, listingId };
});
afterAll(() => {
  closeDb();
  cleanup();
});

/** A checked-out order, marked paid directly (the numbering tests do not need Stripe). */
async function paidOrder(items: [listingId: number, qty: number][]): Promise<{ orderId: number; buyerId: number }> {
  const b = await createBuyer(db);
  for (const [listing, qty] of items) addToCart(db, b.id, listing, qty);
  const { orderId } = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
  transitionOrder(db, orderId, "paid", "webhook");
  return { orderId, buyerId: b.id };
}

const seqOf = (n: string) => Number(n.split("-").at(-1));
const subOrderIdsOf = (orderId: number) => db.$client.prepare(`select id from sub_orders where order_id = ? order by id`).pluck().all(orderId) as number[];

describe("VAT", () => {
  it("is exempt for farmers and cooperatives selling their own produce", () => {
    for (const kind of ["cooperative", "family_farm", "large_grower"] as const) {
      expect(vatFor(kind, 900, 10_000)).toEqual({ vatTreatment: "exempt", vatRateBp: null, vatFen: 0 });
    }
  });
  it("is included in an agribusiness's gross price: 9 % by default, or the producer's rate", () => {
    // 10900 gross at 9 %: net 10000, VAT 900.
    expect(vatFor("agribusiness", null, 10_900)).toEqual({ vatTreatment: "taxable", vatRateBp: 900, vatFen: 900 });
    // 11300 at 13 %: 1300.
    expect(vatFor("agribusiness", 1300, 11_300)).toEqual({ vatTreatment: "taxable", vatRateBp: 1300, vatFen: 1300 });
    // Rounded to the fen: 1990 × 9/109 = 164.31…
    expect(vatFor("agribusiness", 900, 1990).vatFen).toBe(164);
  });
  it("numbers use the China year and six digits", () => {
    expect(formatInvoiceNumber(12, 2026, 7)).toBe("CP-12-2026-000007");
    // 31 Dec 2026 17:00 UTC is already 1 Jan 2027 in Beijing.
    expect(shanghaiYear(Date.UTC(2026, 11, 31, 17, 0))).toBe(2027);
    expect(shanghaiYear(Date.UTC(2026, 11, 31, 15, 0))).toBe(2026);
  });
});

describe("issuing", () => {
  it("on a signed payment_intent.succeeded webhook: one invoice per sub-order, exempt and taxable", async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.apples, 2);
    addToCart(db, b.id, agri.listingId, 1);
    const order = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
    expect(listOrderInvoices(db, order.orderId)).toEqual([]);
    const pi = await createPaymentIntent(db, stripe, order.orderId);
    const intent = await stripe.paymentIntents.retrieve(pi.id);
    const event = {
      id: `evt_invoice_${order.orderId}`,
      object: "event",
      api_version: "2026-10-28.endive",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "payment_intent.succeeded",
      data: {
        object: {
          ...intent,
          status: "succeeded",
          amount: order.totalFen,
          amount_received: order.totalFen,
          currency: "cny",
          metadata: { order_id: String(order.orderId) },
        },
      },
    };
    const { body, signature } = signedEvent(stripe, event);
    const result = await handleStripeWebhook(db, stripe, body, signature, TEST_WEBHOOK_SECRET);
    expect(result).toMatchObject({ status: 200, duplicate: false });

    const invoices = listOrderInvoices(db, order.orderId);
    expect(invoices).toHaveLength(2);
    const coop = invoices.find((i) => i.producerId === m.producerA)!;
    const company = invoices.find((i) => i.producerId === agri.producerId)!;
    expect(coop).toMatchObject({ vatTreatment: "exempt", vatFen: 0, totalFen: 2 * 1990, buyerId: b.id });
    expect(company).toMatchObject({ vatTreatment: "taxable", vatRateBp: 900, vatFen: 900, totalFen: 10_900 });
    expect(coop.number).toMatch(new RegExp(`^CP-${m.producerA}-\\d{4}-\\d{6}$`));

    // A replayed webhook, and a second call, issue nothing new.
    await handleStripeWebhook(db, stripe, body, signature, TEST_WEBHOOK_SECRET);
    expect(
      issueOrderInvoices(db, order.orderId)
        .map((i) => i.id)
        .sort(),
    ).toEqual(invoices.map((i) => i.id).sort());
    expect(listOrderInvoices(db, order.orderId)).toHaveLength(2);
  });

  it("nothing for an unpaid order", async () => {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.kiwis, 1);
    const { orderId } = checkout(db, b, { contactPhone: b.phone, deliveryPointId: m.pointId });
    expect(issueOrderInvoices(db, orderId)).toEqual([]);
    expect(db.$client.prepare(`select count(*) from invoices i join sub_orders s on s.id = i.sub_order_id where s.order_id = ?`).pluck().get(orderId)).toBe(0);
  });

  it("waits for the weighing of sold-by-weight lines, then invoices the weighed amount", async () => {
    const { orderId } = await paidOrder([[m.kiwis, 2]]);
    const [sub] = subOrderIdsOf(orderId);
    db.$client.prepare(`update order_lines set sold_by_weight = 1, estimated_weight_g = 2000 where sub_order_id = ?`).run(sub);
    expect(issueInvoice(db, sub)).toBeNull();
    db.$client.prepare(`update order_lines set actual_weight_g = 1800, weighed_total_fen = 6000 where sub_order_id = ?`).run(sub);
    expect(issueInvoice(db, sub)).toMatchObject({ totalFen: 6000, vatTreatment: "exempt" });
  });
});

describe("numbering", () => {
  it("is gapless and unique per producer and year when 4 processes issue the same 60 sub-orders at once", async () => {
    const subs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const { orderId } = await paidOrder([
        [m.kiwis, 1],
        [agri.listingId, 1],
      ]);
      subs.push(...subOrderIdsOf(orderId));
    }
    const script = fileURLToPath(new URL("../helpers/invoice-worker.ts", import.meta.url));
    // Every worker gets every sub-order, in its own order: duplicates race against each other too.
    const lists = [subs, [...subs].reverse(), subs.filter((_, i) => i % 2).concat(subs.filter((_, i) => !(i % 2))), [...subs].sort(() => Math.random() - 0.5)];
    const children = lists.map((ids) =>
      fork(script, [], {
        execArgv: ["--import", "tsx"],
        env: { ...process.env, INVOICE_WORKER_INPUT: JSON.stringify({ file, subOrderIds: ids }) },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
    type R = { subOrderId: number; number?: string; error?: string };
    const runs = children.map((child) => {
      let onReady!: () => void;
      const ready = new Promise<void>((r) => (onReady = r));
      const done = new Promise<R[]>((resolve, reject) => {
        child.on("message", (msg: { ready?: boolean; results?: R[] }) => {
          if (msg.ready) onReady();
          if (msg.results) resolve(msg.results);
        });
        child.once("error", reject);
        child.once("exit", (code) => reject(new Error(`invoice worker exited with ${code} before reporting`)));
      });
      return { ready, done };
    });
    await Promise.all(runs.map((r) => r.ready));
    for (const c of children) c.send("go");
    const results = (await Promise.all(runs.map((r) => r.done))).flat();

    expect(results.filter((r) => r.error)).toEqual([]);
    // Every worker saw the same number for a sub-order: one invoice each.
    const bySub = new Map<number, Set<string>>();
    for (const r of results) bySub.set(r.subOrderId, (bySub.get(r.subOrderId) ?? new Set()).add(r.number!));
    for (const s of subs) expect(bySub.get(s)?.size).toBe(1);

    const rows = db.$client
      .prepare(`select number, producer_id as producerId from invoices where sub_order_id in (${subs.map(() => "?").join(",")})`)
      .all(...subs) as { number: string; producerId: number }[];
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.number)).size).toBe(60);
    for (const producerId of [m.producerB, agri.producerId]) {
      const all = (db.$client.prepare(`select number from invoices where producer_id = ?`).pluck().all(producerId) as string[])
        .map(seqOf)
        .sort((a, b) => a - b);
      // 1, 2, 3 … n: no gap, no repeat, and the counter agrees.
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      const counter = db.$client.prepare(`select sum(last_seq) from invoice_counters where producer_id = ?`).pluck().get(producerId);
      expect(counter).toBe(all.length);
    }
  });
});

describe("PDF", () => {
  it("starts with %PDF and carries the invoice number; Chinese is printed with the CJK font", async () => {
    const { orderId } = await paidOrder([
      [m.apples, 1],
      [agri.listingId, 2],
    ]);
    const invoices = issueOrderInvoices(db, orderId);
    for (const inv of invoices) {
      const pdf = await renderInvoicePdf(loadInvoiceDocument(db, inv.id)!);
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(pdf.toString("latin1")).toContain(inv.number);
      if (hasCjkFont()) expect(pdf.toString("latin1")).toMatch(/NotoSansCJK/);
    }
    // The document info (Subject) holds the number as a plain PDF string, compressed or not.
    const raw = await renderInvoicePdf(loadInvoiceDocument(db, invoices[0].id)!, { compress: false });
    expect(raw.toString("latin1")).toContain(`(${invoices[0].number})`);
  });
});

describe("PDF off the event loop (issue 14 §3)", () => {
  /** Starts `render`, then a small request (a timer tick and a query); which one finishes first? */
  async function race(render: () => Promise<unknown>): Promise<string[]> {
    const finished: string[] = [];
    const pdf = render().then(() => finished.push("pdf"));
    const small = new Promise((r) => setTimeout(r, 1)).then(() => {
      db.$client.prepare(`select count(*) from invoices`).get();
      finished.push("small request");
    });
    await Promise.all([pdf, small]);
    return finished;
  }

  it("a small request completes while a PDF renders in the worker; on the calling thread it would wait", async () => {
    const { orderId } = await paidOrder([[m.apples, 2]]);
    const [inv] = issueOrderInvoices(db, orderId);
    const doc = loadInvoiceDocument(db, inv.id)!;
    await renderInvoicePdf(doc); // the worker and its font are loaded: measure a render, not a start-up
    expect(await race(() => renderInvoicePdf(doc))).toEqual(["small request", "pdf"]);
    // The control: the same layout on this thread blocks the small request until the PDF is done.
    expect(await race(() => renderInvoicePdfOnThisThread(doc))).toEqual(["pdf", "small request"]);
  });

  it("is rendered once and stored: the order page shows it pending until the file exists, then the download serves the file", async () => {
    const { orderId } = await paidOrder([[m.kiwis, 1]]);
    const [inv] = issueOrderInvoices(db, orderId);
    expect(invoicePdfReady(db, inv)).toBe(false);
    const first = (await invoicePdf(db, inv.id))!;
    expect(first.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(invoicePdfReady(db, inv)).toBe(true);
    const again = (await invoicePdf(db, inv.id))!;
    expect(again.equals(first)).toBe(true); // the stored file
    expect(await invoicePdf(db, 999_999)).toBeNull();
  });
});

describe("download route", () => {
  async function cookieFor(userId: number) {
    const res = await startSession(userId, "/");
    return res.headers.get("Set-Cookie")!.split(";")[0];
  }
  async function get(orderId: number, fileName: string, userId: number | null): Promise<Response> {
    const headers = new Headers();
    if (userId) headers.set("Cookie", await cookieFor(userId));
    const request = new Request(`http://localhost/orders/${orderId}/invoices/${fileName}`, { headers });
    try {
      return (await invoicePdfLoader({ request, params: { orderId: String(orderId), file: fileName }, context: {} })) as Response;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }
  const ownerOf = (producerId: number) =>
    db.$client.prepare(`select user_id from producer_members where producer_id = ? order by user_id limit 1`).pluck().get(producerId) as number;

  it("the buyer, the producer's members and a platform admin get the PDF; others 403; wrong order 404", async () => {
    const { orderId, buyerId } = await paidOrder([
      [m.apples, 1],
      [m.kiwis, 1],
    ]);
    const [inv] = issueOrderInvoices(db, orderId).filter((i) => i.producerId === m.producerA);
    const admin = await createUser(db, { roles: ["platform_admin"], passwordHash: await cachedPasswordHash() });
    const stranger = await createBuyer(db);

    for (const who of [buyerId, ownerOf(m.producerA), admin.id]) {
      const res = await get(orderId, `${inv.id}.pdf`, who);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("application/pdf");
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 4).toString("latin1")).toBe("%PDF");
      expect(bytes.toString("latin1")).toContain(inv.number);
    }
    // Another buyer, and the OTHER producer of the same order: 403.
    expect((await get(orderId, `${inv.id}.pdf`, stranger.id)).status).toBe(403);
    expect((await get(orderId, `${inv.id}.pdf`, ownerOf(m.producerB))).status).toBe(403);
    // Not logged in: to the login page.
    const anon = await get(orderId, `${inv.id}.pdf`, null);
    expect(anon.status).toBe(302);
    expect(anon.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    // The invoice under another order's URL, a missing one, and a malformed name: 404.
    expect((await get(orderId + 1, `${inv.id}.pdf`, buyerId)).status).toBe(404);
    expect((await get(orderId, `999999.pdf`, buyerId)).status).toBe(404);
    expect((await get(orderId, `${inv.id}.txt`, buyerId)).status).toBe(404);
  });
});

describe("a stop between the payment's commit and the invoice", () => {
  it("is mended by reconcile, once; the order page only reads", async () => {
    // paidOrder marks the order paid without issuing: as if the process stopped right after the webhook's commit.
    const { orderId } = await paidOrder([
      [m.apples, 1],
      [m.kiwis, 1],
    ]);
    const subs = subOrderIdsOf(orderId);
    expect(subs).toHaveLength(2);
    expect(listOrderInvoices(db, orderId)).toEqual([]);
    expect(issueMissingInvoices(db)).toEqual(expect.arrayContaining(subs));
    expect(
      listOrderInvoices(db, orderId)
        .map((i) => i.subOrderId)
        .sort(),
    ).toEqual([...subs].sort());
    expect(issueMissingInvoices(db)).toEqual([]);
  });
});
