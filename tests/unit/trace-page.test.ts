/**
 * The public trace page's read model (traceability/trace-page.ts): what the page shows for a lot
 * with a complete chain, its EPCIS export against GS1's schema, a tampered row, a recall, the
 * scan counter's batched writes and problem reports. Temp database per file (seeds/factories).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEpcisValidator } from "../../traceability/epcis-validate";
import { gs1CheckDigit } from "../../traceability/gtin";
import { onLotChanged, recordPlatformEvent } from "../../traceability/store";
import {
  PROBLEM_REPORT_LIMITS,
  ScanCounter,
  createProblemReport,
  submitProblemReport,
  findLot,
  getLotEpcis,
  getTracePage,
  listingLot,
  recordScan,
  scanCounter,
  scanTotal,
  tracePath,
  wantsJsonLd,
} from "../../traceability/trace-page";
import { createListing, createLotWithChain, createProducer, createTestDatabase, createVillage } from "../../seeds/factories";
import { loadEpcisFixtures } from "./traceability/epcis-fixtures";
import { isVerifiedProducer } from "../../core/credit-code";
import { CREDIT_CODE_STATUSES } from "../../db/schema";

const fixtures = await loadEpcisFixtures();
const validate = fixtures ? createEpcisValidator(fixtures.schema) : null;

let t: ReturnType<typeof createTestDatabase>;
let producerId: number;
let listingId: number;
let lot: { batchId: number; gtin: string; lotCode: string };

beforeAll(async () => {
  t = createTestDatabase();
  const villageId = createVillage(t.db, {});
  producerId = createProducer(t.db, { villageId, lat: 35.76, lng: 109.43, nameZh: "洛川县测试苹果合作社" });
  // Citrus: the catalogue has a pre-harvest interval for abamectin on it (14 days).
  listingId = await createListing(t.db, { producerId, title: "赣南脐橙 测试", productName: "赣南脐橙", lot: { crop: "citrus" } });
  const found = listingLot(t.db, listingId);
  if (!found) throw new Error("createListing did not link a lot with a chain");
  lot = found;
});

afterAll(() => {
  scanCounter().flush();
  t.cleanup();
});

describe("findLot", () => {
  it("finds a lot by GTIN-14 and lot code, and refuses malformed or unknown ones", () => {
    expect(findLot(t.db, lot.gtin, lot.lotCode)?.batchId).toBe(lot.batchId);
    const wrongCheck = lot.gtin.slice(0, 13) + String((Number(lot.gtin[13]) + 1) % 10);
    expect(findLot(t.db, wrongCheck, lot.lotCode)).toBeNull();
    expect(findLot(t.db, lot.gtin, "批次 1")).toBeNull(); // not GS1 character set 82
    expect(findLot(t.db, lot.gtin, "A".repeat(21))).toBeNull();
    expect(findLot(t.db, lot.gtin, "NO-SUCH-LOT")).toBeNull();
    const body = "0697500099999";
    expect(findLot(t.db, body + gs1CheckDigit(body), lot.lotCode)).toBeNull();
  });

  it("builds the Digital Link path and negotiates JSON-LD", () => {
    expect(tracePath("06975000000019", "A/B 1")).toBe("/01/06975000000019/10/A%2FB%201");
    expect(wantsJsonLd("application/ld+json")).toBe(true);
    expect(wantsJsonLd("application/json")).toBe(true);
    expect(wantsJsonLd("text/html,application/xhtml+xml,*/*;q=0.8")).toBe(false);
    expect(wantsJsonLd(null)).toBe(false);
  });
});

describe("getTracePage", () => {
  it("gives the verified badge by the storefront's rule: a valid or admin-approved credit code", () => {
    const verified = Object.fromEntries(CREDIT_CODE_STATUSES.map((status) => [status, isVerifiedProducer(status)]));
    expect(verified).toEqual({ valid: true, approved: true, pending_review: false, rejected: false });
  });

  it("shows product, producer, origin, plot, timeline with intervals, inspection, certificate and a verified chain", () => {
    const page = getTracePage(t.db, lot.gtin, lot.lotCode)!;
    expect(page).not.toBeNull();
    expect(page.lot).toMatchObject({ batchId: lot.batchId, gtin: lot.gtin, lotCode: lot.lotCode });
    expect(page.product.name.zh).toBe("赣南脐橙");
    expect(page.category.slug).toBe("fruit");
    expect(page.producer).toMatchObject({ id: producerId, verified: true, kind: "cooperative" });
    expect(page.origin.village).not.toBeNull();
    expect(page.origin.county?.zh).toBeTruthy();
    expect(page.plot?.lat).toBeTypeOf("number");
    expect(page.location?.source).toBe("plot");

    const types = page.timeline.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["planting", "input_application", "harvest", "inspection", "packing"]));
    // Oldest first.
    for (let i = 1; i < page.timeline.length; i++) expect(page.timeline[i].occurredAt).toBeGreaterThanOrEqual(page.timeline[i - 1].occurredAt);

    // Abamectin 30 days before the citrus harvest: the 14-day interval applies and is respected.
    const abamectin = page.timeline.find((e) => e.details.type === "input_application" && e.details.productName.includes("阿维菌素"));
    expect(abamectin).toBeDefined();
    const d = abamectin!.details;
    if (d.type !== "input_application") throw new Error("expected an input application");
    expect(d.interval).not.toBeNull();
    expect(d.interval!.daysBeforeHarvest).toBe(30);
    expect(d.interval!.intervalDays).toBe(14);
    expect(d.interval!.respected).toBe(true);

    expect(page.inspections).toHaveLength(1);
    expect(page.inspections[0].result).toBe("pass");
    expect(page.certificate).toMatchObject({ productName: "赣南脐橙", quantity: expect.any(Number), commitment: { noBannedOrRestrictedInputs: true } });
    expect(page.certificate!.entityName).toBeTruthy();
    expect(page.verification.ok).toBe(true);
    expect(page.verification.checked).toBeGreaterThanOrEqual(5);
    expect(page.recall).toBeNull();
    expect(page.listings.map((l) => l.id)).toContain(listingId);
  });

  it("reports a violated interval on the application that violates it", () => {
    const bad = createLotWithChain(t.db, {
      producerId,
      productName: "间隔期测试脐橙",
      crop: "citrus",
      inputs: [{ productName: "1.8%阿维菌素乳油", activeIngredient: "abamectin", inputKind: "pesticide", daysBeforeHarvest: 1 }],
      pack: false,
    });
    const page = getTracePage(t.db, bad.gtin, bad.lotCode)!;
    const app = page.timeline.find((e) => e.details.type === "input_application")!;
    expect(app.details).toMatchObject({ interval: { daysBeforeHarvest: 1, respected: false } });
  });

  it("shows an off-label or unstated use as such, and a farmer-declared interval as declared, not verified", () => {
    const apple = (inputs: Parameters<typeof createLotWithChain>[1]["inputs"]) =>
      createLotWithChain(t.db, { producerId, productName: "登记用途测试苹果", crop: "apple", inputs, pack: false });
    const useOf = (l: { gtin: string; lotCode: string }) => {
      const d = getTracePage(t.db, l.gtin, l.lotCode)!.timeline.find((e) => e.details.type === "input_application")!.details;
      if (d.type !== "input_application") throw new Error("expected an input application");
      return d;
    };
    // the lot: catalogue abamectin on apples 2 days before harvest, no label use stated
    expect(useOf(apple([{ productName: "1.8%阿维菌素乳油", daysBeforeHarvest: 2 }]))).toMatchObject({
      use: { status: "unknown" },
      interval: null,
      daysBeforeHarvest: 2,
    });
    expect(useOf(apple([{ productName: "1.8%阿维菌素乳油", daysBeforeHarvest: 30, registeredCrop: "citrus", labelIntervalDays: 14 }]))).toMatchObject({
      use: { status: "off_label", labelCrop: { zh: "柑橘" } },
    });
    expect(
      useOf(apple([{ productName: "1.8%阿维菌素乳油", daysBeforeHarvest: 30, registeredCrop: "apple", labelIntervalDays: 14, intervalSource: "declared" }])),
    ).toMatchObject({
      use: { status: "registered", declared: true, labelCrop: { zh: "苹果" } },
      interval: { intervalDays: 14, respected: true, source: "declared" },
    });
  });

  it("returns null for unknown or malformed links", () => {
    expect(getTracePage(t.db, lot.gtin, "UNKNOWN")).toBeNull();
    expect(getTracePage(t.db, "12345678901234", lot.lotCode)).toBeNull();
  });
});

describe("EPCIS export", () => {
  it("is an EPCISDocument that validates against GS1's EPCIS 2.0 JSON schema", (ctx) => {
    const doc = getLotEpcis(t.db, lot.gtin, lot.lotCode, "https://cunpin.example")!;
    expect(doc.type).toBe("EPCISDocument");
    expect(doc.id).toBe(`https://cunpin.example${tracePath(lot.gtin, lot.lotCode)}`);
    const events = doc.epcisBody.eventList;
    expect(events.length).toBeGreaterThanOrEqual(5);
    const harvest = events.find((e) => e.bizStep === "commissioning")!;
    expect(harvest).toMatchObject({ type: "ObjectEvent", action: "ADD", ilmd: { "cbvmda:lotNumber": lot.lotCode } });
    for (const e of events) expect(String(e.eventID)).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    if (!validate) return ctx.skip();
    const result = validate(doc);
    expect(result).toEqual({ ok: true });
  });

  it("is null for an unknown lot", () => {
    expect(getLotEpcis(t.db, lot.gtin, "NOPE", "https://x.example")).toBeNull();
  });
});

describe("tampering", () => {
  it("a row changed with plain SQL fails verification at that seq, and the page says so", () => {
    const victim = createLotWithChain(t.db, { producerId, productName: "篡改测试苹果" });
    const before = getTracePage(t.db, victim.gtin, victim.lotCode)!;
    expect(before.verification.ok).toBe(true);
    const harvestSeq = before.timeline.find((e) => e.type === "harvest")!.seq;
    const sqlite = t.db.$client;
    // The triggers refuse UPDATE; an attacker with the file drops them first.
    sqlite.exec("drop trigger if exists trace_events_no_update");
    const row = sqlite.prepare("select id, content from trace_events where batch_id = ? and seq = ?").get(victim.batchId, harvestSeq) as {
      id: number;
      content: string;
    };
    sqlite.prepare("update trace_events set content = ? where id = ?").run(row.content.replace(/"quantity":(\d+)/, '"quantity":9$1'), row.id);
    const after = getTracePage(t.db, victim.gtin, victim.lotCode)!;
    expect(after.verification).toMatchObject({ ok: false, failedAt: harvestSeq, reason: "content_hash" });
    // The other lot is untouched.
    expect(getTracePage(t.db, lot.gtin, lot.lotCode)!.verification.ok).toBe(true);
  });
});

describe("recall", () => {
  it("a recalled lot shows the recall and every EPCIS event carries disposition recalled", (ctx) => {
    const recalled = createLotWithChain(t.db, { producerId, productName: "召回测试苹果" });
    recordPlatformEvent(t.db, recalled.batchId, { type: "recall", occurredAt: Date.now(), payload: { reason: "农残超标" } });
    const page = getTracePage(t.db, recalled.gtin, recalled.lotCode)!;
    expect(page.recall).toMatchObject({ reason: "农残超标" });
    expect(page.timeline.at(-1)?.type).toBe("recall");
    const doc = getLotEpcis(t.db, recalled.gtin, recalled.lotCode, "https://cunpin.example")!;
    for (const e of doc.epcisBody.eventList) expect(e.disposition).toBe("recalled");
    if (!validate) return ctx.skip();
    expect(validate(doc)).toEqual({ ok: true });
  });

  it("an append notifies the page cache through onLotChanged", () => {
    const seen: string[] = [];
    const g = globalThis as unknown as { __cunpinTraceCache?: { invalidate(l: { gtin: string; lotCode: string }): void } };
    g.__cunpinTraceCache = { invalidate: (l) => seen.push(`${l.gtin}/${l.lotCode}`) };
    const off = onLotChanged(() => undefined);
    try {
      const fresh = createLotWithChain(t.db, { producerId, productName: "缓存测试苹果" });
      expect(seen).toContain(`${fresh.gtin}/${fresh.lotCode}`);
    } finally {
      off();
      delete g.__cunpinTraceCache;
    }
  });
});

describe("scan counter", () => {
  it("counts in memory and writes in batches with an upsert", () => {
    const counter = scanCounter();
    counter.flush();
    const persisted = () => (t.db.$client.prepare("select coalesce(sum(count), 0) as n from lot_scans where batch_id = ?").get(lot.batchId) as { n: number }).n;
    const base = persisted();
    recordScan(t.db, lot.batchId);
    recordScan(t.db, lot.batchId);
    recordScan(t.db, lot.batchId);
    expect(persisted()).toBe(base); // nothing written yet
    expect(scanTotal(t.db, lot.batchId)).toBe(base + 3); // but the page shows them
    expect(getTracePage(t.db, lot.gtin, lot.lotCode)!.scans).toBe(base + 3);
    expect(counter.flush()).toBe(3);
    expect(persisted()).toBe(base + 3);
    recordScan(t.db, lot.batchId);
    recordScan(t.db, lot.batchId);
    counter.flush();
    expect(persisted()).toBe(base + 5); // count = count + excluded.count on the same (batch, day) row
    const rows = t.db.$client.prepare("select count(*) as n from lot_scans where batch_id = ?").get(lot.batchId) as { n: number };
    expect(rows.n).toBe(1);
  });

  it("flushes by itself after N scans", () => {
    const counter = new ScanCounter(60_000, 4);
    const persisted = () => (t.db.$client.prepare("select coalesce(sum(count), 0) as n from lot_scans where batch_id = ?").get(lot.batchId) as { n: number }).n;
    const base = persisted();
    for (let i = 0; i < 3; i++) counter.record(lot.batchId, t.db);
    expect(persisted()).toBe(base);
    counter.record(lot.batchId, t.db);
    expect(persisted()).toBe(base + 4);
    expect(counter.pending(lot.batchId)).toBe(0);
  });

  it("flushes by itself after the interval", async () => {
    const counter = new ScanCounter(30, 1000);
    const persisted = () => (t.db.$client.prepare("select coalesce(sum(count), 0) as n from lot_scans where batch_id = ?").get(lot.batchId) as { n: number }).n;
    const base = persisted();
    counter.record(lot.batchId, t.db);
    await new Promise((r) => setTimeout(r, 80));
    expect(persisted()).toBe(base + 1);
  });
});

describe("problem reports", () => {
  it("stores a report and limits reports per client address, in the database", () => {
    const id = createProblemReport(t.db, { batchId: lot.batchId, kind: "quality", message: "苹果有虫眼", contactPhone: "13800138000", userId: null });
    const row = t.db.$client.prepare("select kind, message, status from problem_reports where id = ?").get(id);
    expect(row).toEqual({ kind: "quality", message: "苹果有虫眼", status: "open" });
    const stored = () => t.db.$client.prepare("select count(*) from problem_reports where batch_id = ?").pluck().get(lot.batchId) as number;
    const before = stored();
    const send = (clientKey: string, at: number) =>
      submitProblemReport(t.db, { batchId: lot.batchId, kind: "label", message: "日期不符", contactPhone: null, userId: null, clientKey }, at);
    const now = Date.now();
    const [burst, windowMs] = [PROBLEM_REPORT_LIMITS[0].max, PROBLEM_REPORT_LIMITS[0].windowMs];
    for (let i = 0; i < burst; i++) expect(send("10.0.0.9", now + i)).toMatchObject({ ok: true });
    const refused = send("10.0.0.9", now + 10);
    expect(refused).toMatchObject({ ok: false });
    expect(!refused.ok && refused.retryAfterMs).toBe(windowMs - 10);
    expect(stored()).toBe(before + burst);
    expect(send("10.0.0.10", now + 10)).toMatchObject({ ok: true });
    expect(send("10.0.0.9", now + windowMs + 20)).toMatchObject({ ok: true });
    expect(stored()).toBe(before + burst + 2);
  });
});
