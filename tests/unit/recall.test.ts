/**
 * Recall (issue 3, item 9) against a real SQLite file: who may recall, what a recall changes
 * (listings pulled, parcels held, buyers notified once, a verified platform-signed chain event,
 * EPCIS disposition "recalled"), one open recall per lot, and the CSV report.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import type { Actor } from "../../core/permissions";
import { ForbiddenError } from "../../core/errors";
import { searchListings } from "../../market/listings/queries";
import { listNotices, markNoticesRead, unreadNoticeCount } from "../../market/notices/notices";
import { actorFor, createListing, createProducer, createTestDatabase, createUser, createVillage, linkBatch } from "../../seeds/factories";
import { buildEpcisDocument } from "../../traceability/epcis";
import { csvCell, listRecalls, openRecall, recallAffected, recallReportCsv, RECALL_REPORT_COLUMNS, searchLots } from "../../traceability/recall";
import { getLotChain, TraceRuleError, verifyLot } from "../../traceability/store";

let db: Db;
let cleanup: () => void;
const actors: Record<string, Actor> = {};
const users: Record<string, { id: number; phone: string }> = {};
let batchId: number;
let otherBatchId: number;
let gtin: string;
let lotCode: string;
const listingIds: number[] = [];
let otherListingId: number;
let pointId: number;

function batchOf(listingId: number): number {
  return db.$client.prepare(`select batch_id from listing_batches where listing_id = ? order by batch_id limit 1`).pluck().get(listingId) as number;
}

function order(buyer: { id: number; phone: string }, lines: { listingId: number; batchId: number; qty: number; pickedUp?: boolean }[]) {
  const s = db.$client;
  const orderId = Number(
    s
      .prepare(`insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id) values (?, 'paid', 1000, ?, ?)`)
      .run(buyer.id, buyer.phone, pointId).lastInsertRowid,
  );
  for (const l of lines) {
    const producerId = s.prepare(`select producer_id from listings where id = ?`).pluck().get(l.listingId) as number;
    s.prepare(
      `insert into order_lines (order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, picked_up_at) values (?, ?, ?, ?, ?, 500, ?)`,
    ).run(orderId, producerId, l.listingId, l.batchId, l.qty, l.pickedUp ? Date.now() - 3_600_000 : null);
  }
  return orderId;
}

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  const village = createVillage(db, { nameZh: "召回测试村" });
  for (const [key, roles, name] of [
    ["farmer", ["farmer"], "果农老李"],
    ["buyer1", ["buyer"], "买家甲"],
    ["buyer2", ["buyer"], '=HYPERLINK("http://x"),"老王"'],
    ["inspector", ["inspector"], "检查员"],
    ["admin", ["platform_admin"], "管理员"],
    ["operator", ["delivery_operator"], "站长"],
  ] as const) {
    users[key] = await createUser(db, { roles: [...roles], displayName: name });
  }
  const producerId = createProducer(db, { ownerUserId: users.farmer.id, villageId: village, nameZh: "召回测试果业合作社" });
  for (const key of Object.keys(users)) actors[key] = actorFor(db, users[key].id);

  // Two listings selling the same lot, and one selling another lot (must stay on sale).
  listingIds.push(await createListing(db, { producerId, title: "召回测试苹果 5斤装", productName: "召回测试苹果" }));
  batchId = batchOf(listingIds[0]);
  listingIds.push(await createListing(db, { producerId, title: "召回测试苹果 10斤礼盒", productName: "召回测试苹果", batch: false, status: "draft" }));
  linkBatch(db, listingIds[1], batchId);
  db.$client.prepare(`update listings set status = 'published' where id = ?`).run(listingIds[1]);
  otherListingId = await createListing(db, { producerId, title: "对照批次梨 5斤装", productName: "对照批次梨" });
  otherBatchId = batchOf(otherListingId);
  const lot = db.$client.prepare(`select gtin, lot_code as lotCode from batches where id = ?`).get(batchId) as { gtin: string; lotCode: string };
  ({ gtin, lotCode } = lot);

  pointId = Number(
    db.$client
      .prepare(`insert into delivery_points (kind, name, address, lat, lng) values ('village_station', '召回测试村服务站', '村委会旁', 35.7, 109.4)`)
      .run().lastInsertRowid,
  );
  db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(pointId, users.operator.id);
  order(users.buyer1, [
    { listingId: listingIds[0], batchId, qty: 2, pickedUp: true },
    { listingId: otherListingId, batchId: otherBatchId, qty: 1 },
  ]);
  order(users.buyer1, [{ listingId: listingIds[1], batchId, qty: 3 }]);
  order(users.buyer2, [{ listingId: listingIds[0], batchId, qty: 1 }]);
});

afterAll(() => cleanup?.());

function titlesOnSale(q: string): string[] {
  return searchListings(db, { q }).items.map((i) => i.title);
}

describe("openRecall", () => {
  it("is refused for a farmer and a buyer, and for an empty reason", () => {
    expect(() => openRecall(db, actors.farmer, batchId, "自查")).toThrow(ForbiddenError);
    expect(() => openRecall(db, actors.buyer1, batchId, "不好吃")).toThrow(ForbiddenError);
    expect(() => openRecall(db, actors.inspector, batchId, "   ")).toThrow(TraceRuleError);
    expect(db.$client.prepare(`select count(*) from recalls`).pluck().get()).toBe(0);
  });

  it("pulls every listing of the lot, holds unpicked parcels, notifies each buyer once and signs a recall event", () => {
    expect(titlesOnSale("召回测试苹果").sort()).toEqual(["召回测试苹果 10斤礼盒", "召回测试苹果 5斤装"]);
    const before = getLotChain(db, batchId).records.length;

    const r = openRecall(db, actors.inspector, batchId, "抽检发现毒死蜱残留超标（报告 JC2026-0815）");

    expect(r.listingIds).toEqual([...listingIds].sort((a, b) => a - b));
    expect(titlesOnSale("召回测试苹果")).toEqual([]);
    expect(titlesOnSale("对照批次梨")).toEqual(["对照批次梨 5斤装"]);
    const statuses = db.$client.prepare(`select id, status from listings order by id`).all() as { id: number; status: string }[];
    for (const s of statuses) expect(s.status).toBe(s.id === otherListingId ? "published" : "recalled");
    expect(db.$client.prepare(`select status from batches where id = ?`).pluck().get(batchId)).toBe("recalled");

    // Held: the two lines not yet picked up; the picked-up line and the other lot's line are untouched.
    expect(r.heldLines).toBe(2);
    const lines = db.$client.prepare(`select batch_id as b, picked_up_at as p, hold_reason as h from order_lines order by id`).all() as {
      b: number;
      p: number | null;
      h: string | null;
    }[];
    expect(lines.map((l) => l.h)).toEqual([null, null, "recall", "recall"]);

    // Buyers: once each, however many orders they had.
    expect(r.buyersNotified).toBe(2);
    for (const b of [users.buyer1, users.buyer2]) {
      const notices = listNotices(db, b.id);
      expect(notices).toHaveLength(1);
      expect(notices[0].kind).toBe("recall");
      expect(notices[0].messageKey).toMatch(/^recall\.notice\.buyer/);
      expect(notices[0].params).toMatchObject({ product: "召回测试苹果", lot: lotCode });
      expect(notices[0].link).toBe(`/01/${gtin}/10/${encodeURIComponent(lotCode)}`);
    }
    expect(listNotices(db, users.operator.id).map((n) => n.messageKey)).toEqual(["recall.notice.operator"]);
    expect(listNotices(db, users.farmer.id).map((n) => n.messageKey)).toEqual(["recall.notice.producer"]);
    expect(unreadNoticeCount(db, users.buyer1.id)).toBe(1);

    // The chain: one more event, a platform-signed recall, and the chain still verifies (fast and strict).
    expect(r.chainError).toBeNull();
    expect(r.event).not.toBeNull();
    const chain = getLotChain(db, batchId);
    expect(chain.records).toHaveLength(before + 1);
    const last = chain.contents[chain.contents.length - 1];
    expect(last.type).toBe("recall");
    expect(last.actor.kind).toBe("platform");
    expect(verifyLot(db, batchId).ok).toBe(true);
    expect(verifyLot(db, batchId, { strict: true }).ok).toBe(true);

    // EPCIS: every event of a recalled lot carries disposition "recalled".
    const doc = buildEpcisDocument({
      lot: { gtin14: gtin, lotCode },
      events: chain.records.map((rec, i) => ({ content: chain.contents[i], eventHash: rec.eventHash })),
      creationDate: Date.now(),
    });
    expect(doc.epcisBody.eventList.length).toBeGreaterThan(1);
    for (const e of doc.epcisBody.eventList) expect(e.disposition).toBe("recalled");
  });

  it("refuses a second open recall on the same lot", () => {
    expect(() => openRecall(db, actors.admin, batchId, "重复召回")).toThrow(TraceRuleError);
    try {
      openRecall(db, actors.admin, batchId, "重复召回");
    } catch (e) {
      expect((e as TraceRuleError).messageKey).toBe("recall.error.alreadyOpen");
    }
    expect(db.$client.prepare(`select count(*) from recalls where batch_id = ?`).pluck().get(batchId)).toBe(1);
    expect(listNotices(db, users.buyer1.id)).toHaveLength(1);
    expect(listRecalls(db).map((r) => r.batchId)).toEqual([batchId]);
  });

  it("lets a platform admin recall too", () => {
    const r = openRecall(db, actors.admin, otherBatchId, "标签与实物不符");
    expect(r.listingIds).toEqual([otherListingId]);
    expect(r.heldLines).toBe(1);
    expect(titlesOnSale("对照批次梨")).toEqual([]);
  });
});

describe("recallAffected", () => {
  it("lists orders, buyers, delivery points and listings of the lot", () => {
    const a = recallAffected(db, batchId);
    expect(a.totals).toMatchObject({ lines: 3, orders: 3, units: 6, heldLines: 2, heldUnits: 4, pickedUpUnits: 2 });
    expect(a.orders).toHaveLength(3);
    expect(a.orders.map((o) => o.held)).toEqual([false, true, true]);
    for (const o of a.orders) expect(o.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(a.buyers.map((b) => b.id).sort()).toEqual([users.buyer1.id, users.buyer2.id].sort());
    expect(a.deliveryPoints).toEqual([expect.objectContaining({ id: pointId, heldUnits: 4, pickedUpUnits: 2, operatorName: "站长" })]);
    expect(a.listings.map((l) => l.status)).toEqual(["recalled", "recalled"]);
  });
});

describe("recallReportCsv", () => {
  it("has a BOM, a header with the key data elements and one row per order line of the lot", () => {
    const csv = recallReportCsv(db, batchId);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = csv.slice(1).split("\r\n");
    expect(rows.pop()).toBe("");
    expect(rows).toHaveLength(1 + 3);
    const header = rows[0];
    for (const label of [
      "商品条码(GTIN)",
      "批次号",
      "产品",
      "数量",
      "单位",
      "采收日期",
      "销售时间",
      "取货时间",
      "生产者",
      "统一社会信用代码",
      "产地",
      "自提点",
      "买家",
      "买家电话(脱敏)",
    ]) {
      expect(header).toContain(label);
    }
    expect(header.split(",")).toHaveLength(RECALL_REPORT_COLUMNS.length);
    for (const row of rows.slice(1)) {
      expect(row).toContain(gtin);
      expect(row).toContain(lotCode);
      expect(row).toContain("召回测试果业合作社");
      expect(row).toContain("召回测试村服务站");
    }
    // Phones are masked; a hostile display name is quoted and cannot run as a formula.
    for (const b of [users.buyer1, users.buyer2]) expect(csv).not.toContain(b.phone);
    expect(csv).toContain(`"'=HYPERLINK(""http://x""),""老王"""`);
    expect(rows.filter((r) => r.includes("已取货"))).toHaveLength(1);
    expect(rows.filter((r) => r.includes("已扣留"))).toHaveLength(2);
  });

  it("speaks English on request and never includes other lots", () => {
    const csv = recallReportCsv(db, otherBatchId, { locale: "en" });
    const rows = csv.slice(1).trimEnd().split("\r\n");
    expect(rows[0]).toContain("GTIN");
    expect(rows[0]).toContain("Buyer phone (masked)");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain("held – do not hand out");
  });

  it("quotes cells per RFC 4180", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell(null)).toBe("");
    expect(csvCell(12)).toBe("12");
  });
});

describe("searchLots and notices", () => {
  it("finds a lot by lot code, GTIN, Digital Link, product and producer", () => {
    expect(searchLots(db, lotCode).map((r) => r.id)).toContain(batchId);
    expect(searchLots(db, lotCode.toLowerCase()).map((r) => r.id)).toContain(batchId);
    expect(searchLots(db, gtin).map((r) => r.id)).toContain(batchId);
    expect(searchLots(db, `https://example.org/01/${gtin}/10/${encodeURIComponent(lotCode)}`).map((r) => r.id)).toEqual([batchId]);
    expect(searchLots(db, "召回测试苹果").map((r) => r.id)).toContain(batchId);
    expect(searchLots(db, "召回测试果业").length).toBeGreaterThanOrEqual(2);
    expect(searchLots(db, "不存在的东西")).toEqual([]);
    expect(searchLots(db, "%")).toEqual([]);
    const hit = searchLots(db, lotCode).find((r) => r.id === batchId)!;
    expect(hit.recallId).not.toBeNull();
  });

  it("marks one notice or all as read, only the reader's own", () => {
    const [n] = listNotices(db, users.buyer2.id);
    expect(markNoticesRead(db, users.buyer1.id, n.id)).toBe(0);
    expect(markNoticesRead(db, users.buyer2.id, n.id)).toBe(1);
    expect(unreadNoticeCount(db, users.buyer2.id)).toBe(0);
    expect(markNoticesRead(db, users.buyer1.id, null)).toBe(2); // both recalls touched buyer 1
    expect(unreadNoticeCount(db, users.buyer1.id)).toBe(0);
  });
});
