/**
 * The traceability store on a real SQLite file: appending signed events, verification (and a
 * row tampered with plain SQL), the append-only triggers, who may record, the packing and
 * publishing gates, the inputs catalogue and its admin additions, keys at rest.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { setListingStatus } from "../../market/listings/listings";
import { ForbiddenError } from "../../core/errors";
import type { Actor } from "../../core/permissions";
import { actorFor, addProducerMember, createListing, createLotWithChain, createProducer, createTestDatabase, createUser } from "../../seeds/factories";
import {
  addAgriInput,
  ComplianceBlockedError,
  createBatch,
  describeBlockers,
  getLotChain,
  listAgriInputs,
  listingBlockers,
  loadCatalogue,
  lotCompliance,
  onLotChanged,
  platformSigner,
  producerSigner,
  recordEvent,
  recordPlatformEvent,
  seedInputsCatalogue,
  TraceRuleError,
  verifyLot,
} from "../../traceability/store";
import { decryptPrivateKey } from "../../traceability/keys";
import { reviewCorrection } from "../../traceability/corrections";
import { loadInputsCatalogue } from "../../traceability/inputs";

const DAY = 86_400_000;

let db: Db;
let cleanup: () => void;
let producerId: number;
let farmer: Actor;
let stranger: Actor;
let admin: Actor;
let inspector: Actor;
let buyer: Actor;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  const owner = await createUser(db, { roles: ["farmer"] });
  producerId = createProducer(db, { ownerUserId: owner.id, nameZh: "溯源测试合作社" });
  farmer = actorFor(db, owner.id);
  const other = await createUser(db, { roles: ["farmer"] });
  createProducer(db, { ownerUserId: other.id });
  stranger = actorFor(db, other.id);
  admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"] })).id);
  inspector = actorFor(db, (await createUser(db, { roles: ["inspector"] })).id);
  buyer = actorFor(db, (await createUser(db)).id);
});

afterAll(() => cleanup?.());

const eventCount = (batchId: number) => db.get<{ n: number }>(sql`select count(*) as n from trace_events where batch_id = ${batchId}`)!.n;

const daysAgo = (days: number) => Date.now() - days * DAY;

describe("appending and verifying", () => {
  test("a complete chain is signed, linked and verifies (fast and strict); the batch follows it", () => {
    const lot = createLotWithChain(db, { producerId, category: "fruit" });
    const { records, contents } = getLotChain(db, lot.batchId);
    expect(contents.map((c) => c.type)).toEqual(["planting", "input_application", "input_application", "harvest", "inspection", "packing"]);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(records[1].prevHash).toBe(records[0].eventHash);
    const harvest = contents.find((c) => c.type === "harvest")!;
    expect(harvest.payload).toMatchObject({ lotCode: lot.lotCode, gtin: lot.gtin });
    expect(lot.gtin).toMatch(/^0697500\d{7}$/);

    const fast = verifyLot(db, lot.batchId);
    expect(fast).toMatchObject({ ok: true, mode: "fast", checked: 6, signaturesVerified: 1 });
    expect(verifyLot(db, lot.batchId, { strict: true })).toMatchObject({ ok: true, mode: "strict", signaturesVerified: 6 });
    expect(lotCompliance(db, lot.batchId)).toEqual([]);
    const batch = db.get<{ status: string; quantity: number; unit: string; harvested_at: number }>(sql`select * from batches where id = ${lot.batchId}`)!;
    expect(batch).toMatchObject({ status: "packed", quantity: 1000, unit: "kg", harvested_at: lot.harvestAt });
  });

  test("a row changed with plain SQL fails verification at exactly that event", () => {
    const lot = createLotWithChain(db, { producerId, category: "fruit" });
    const listingDb = db;
    const row = db.get<{ content: string }>(sql`select content from trace_events where batch_id = ${lot.batchId} and seq = 3`)!;
    const content = JSON.parse(row.content);
    content.payload.dose = "500倍液"; // someone "fixes" the record after the fact
    db.run(sql`drop trigger trace_events_no_update`);
    try {
      db.run(sql`update trace_events set content = ${JSON.stringify(content)} where batch_id = ${lot.batchId} and seq = 3`);
    } finally {
      db.$client.exec(`CREATE TRIGGER trace_events_no_update BEFORE UPDATE ON trace_events BEGIN SELECT RAISE(ABORT, 'trace_events is append-only'); END;`);
    }
    expect(verifyLot(db, lot.batchId)).toMatchObject({ ok: false, failedAt: 3, reason: "content_hash" });
    expect(verifyLot(db, lot.batchId, { strict: true })).toMatchObject({ ok: false, failedAt: 3, reason: "content_hash" });

    // Nobody signs on top of it, and a listing selling from it cannot be published.
    expect(() => recordEvent(db, farmer, lot.batchId, { type: "shipping", occurredAt: Date.now(), payload: { carrier: "顺丰" } })).toThrow(
      expect.objectContaining({ messageKey: "trace.error.chainBroken", params: { seq: 3 } }),
    );
    const blockers = listingBlockersFor(listingDb, lot.batchId);
    expect(blockers[0].findings[0]).toMatchObject({ code: "chain_broken", eventSeq: 3 });
    expect(describeBlockers(blockers, "zh")[0]).toContain("第 3 条记录的内容被修改过");
  });

  test("the triggers refuse UPDATE and DELETE of trace events", () => {
    const lot = createLotWithChain(db, { producerId });
    const sqlite = db.$client;
    expect(() => sqlite.prepare("update trace_events set occurred_at = 0 where batch_id = ?").run(lot.batchId)).toThrow(/append-only/);
    expect(() => sqlite.prepare("update trace_events set content = '{}' where batch_id = ? and seq = 3").run(lot.batchId)).toThrow(/append-only/);
    expect(() => sqlite.prepare("delete from trace_events where batch_id = ?").run(lot.batchId)).toThrow(/append-only/);
    expect(eventCount(lot.batchId)).toBe(6);
    expect(verifyLot(db, lot.batchId).ok).toBe(true);
  });

  test("only members of the batch's producer record events; nothing is appended otherwise", () => {
    const lot = createLotWithChain(db, { producerId, pack: false });
    const before = eventCount(lot.batchId);
    const shipping = { type: "shipping" as const, occurredAt: Date.now(), payload: { carrier: "邮政" } };
    expect(() => recordEvent(db, stranger, lot.batchId, shipping)).toThrow(ForbiddenError);
    expect(() => recordEvent(db, buyer, lot.batchId, shipping)).toThrow(ForbiddenError);
    expect(() => recordEvent(db, admin, lot.batchId, shipping)).toThrow(ForbiddenError);
    expect(eventCount(lot.batchId)).toBe(before);
    // A platform-only type through the producer path is refused too.
    expect(() => recordEvent(db, farmer, lot.batchId, { type: "recall", occurredAt: Date.now(), payload: { reason: "x" } } as never)).toThrow(TraceRuleError);
    recordEvent(db, farmer, lot.batchId, shipping);
    expect(eventCount(lot.batchId)).toBe(before + 1);
  });

  test("a harvest must carry the batch's own lot code and GTIN; future times are refused", () => {
    const product = createLotWithChain(db, { producerId, harvest: false });
    const harvest = (payload: Record<string, unknown>) =>
      recordEvent(db, farmer, product.batchId, {
        type: "harvest",
        occurredAt: Date.now() - DAY,
        payload: { quantity: 10, unit: "kg", lotCode: product.lotCode, ...payload } as never,
      });
    expect(() => harvest({ lotCode: "OTHER-LOT" })).toThrow(expect.objectContaining({ messageKey: "trace.error.harvestLotMismatch" }));
    expect(() => harvest({ gtin: "06975000999996" })).toThrow(expect.objectContaining({ messageKey: "trace.error.harvestGtinMismatch" }));
    expect(() => recordEvent(db, farmer, product.batchId, { type: "shipping", occurredAt: Date.now() + 2 * DAY, payload: {} })).toThrow(
      expect.objectContaining({ messageKey: "trace.error.futureTime" }),
    );
    const stored = harvest({});
    expect(JSON.parse(stored.content).payload.gtin).toBe(product.gtin);
  });

  test("createBatch checks GTINs and lot codes, and assigns them when omitted", () => {
    const { productId } = createLotWithChain(db, { producerId, productName: "条码测试苹果", harvest: false });
    const base = { producerId, productId, crop: "苹果", plantedAt: Date.now() - 100 * DAY };
    const own = createBatch(db, farmer, { ...base, gtin: "4006381333931", lotCode: "OWN-1" });
    expect(own.gtin).toBe("04006381333931");
    expect(() => createBatch(db, farmer, { ...base, gtin: "4006381333932" })).toThrow(expect.objectContaining({ messageKey: "trace.error.gtinInvalid" }));
    expect(() => createBatch(db, farmer, { ...base, lotCode: "OWN-1" })).toThrow(expect.objectContaining({ messageKey: "trace.error.lotTaken" }));
    expect(() => createBatch(db, farmer, { ...base, lotCode: "批次一" })).toThrow(expect.objectContaining({ messageKey: "trace.error.lotInvalid" }));
    expect(() => createBatch(db, stranger, base)).toThrow(ForbiddenError);
    const a = createBatch(db, farmer, base);
    const b = createBatch(db, farmer, base);
    expect(a.gtin).toBe(b.gtin); // one platform GTIN per product
    expect(a.lotCode).not.toBe(b.lotCode);
    expect(getLotChain(db, a.id).contents[0]).toMatchObject({ type: "planting", payload: { crop: "apple" } });
  });

  test("corrections point at an earlier event; the batch and the compliance follow the corrected chain", () => {
    // Sprayed "3 days before harvest" by mistake: the real date was 20 days before.
    const lot = createLotWithChain(db, {
      producerId,
      crop: "orange",
      inputs: [{ productName: "1.8%阿维菌素乳油", activeIngredient: "abamectin", daysBeforeHarvest: 3 }],
      pack: false,
      certificateOnHarvest: true,
    });
    expect(lotCompliance(db, lot.batchId).map((f) => f.code)).toEqual(["interval_violated"]);
    expect(() =>
      recordEvent(db, farmer, lot.batchId, { type: "correction", occurredAt: Date.now(), correctsSeq: 99, payload: { reason: "x", retract: true } }),
    ).toThrow(expect.objectContaining({ messageKey: "trace.error.correctionTarget" }));
    expect(() =>
      recordEvent(db, farmer, lot.batchId, {
        type: "correction",
        occurredAt: Date.now(),
        correctsSeq: 2,
        payload: { reason: "x", replacement: { quantity: 5 } },
      }),
    ).toThrow(expect.objectContaining({ messageKey: "trace.error.correctionInvalid" }));
    recordEvent(db, farmer, lot.batchId, {
      type: "correction",
      occurredAt: Date.now(),
      correctsSeq: 2,
      payload: { reason: "日期记错了", occurredAt: lot.harvestAt - 20 * DAY },
    });
    // The redate would lift the interval finding: it waits for an inspector (traceability/corrections.ts).
    expect(lotCompliance(db, lot.batchId).map((f) => f.code)).toEqual(["interval_violated"]);
    const correctionSeq = getLotChain(db, lot.batchId).contents.at(-1)!.seq;
    reviewCorrection(db, inspector, { batchId: lot.batchId, correctionSeq, decision: "accepted", note: "农药购买记录与日期相符" });
    expect(lotCompliance(db, lot.batchId)).toEqual([]);
    expect(verifyLot(db, lot.batchId).ok).toBe(true);
  });
});

function listingBlockersFor(d: Db, batchId: number) {
  const { listingId } = d.get<{ listingId: number }>(sql`
    insert into listings (product_id, producer_id, category_id, title, unit, price_fen, stock)
    select b.product_id, b.producer_id, p.category_id, '篡改测试', 'kg', 100, 1 from batches b join products p on p.id = b.product_id where b.id = ${batchId}
    returning id as listingId`)!;
  d.run(sql`insert into listing_batches (listing_id, batch_id) values (${listingId}, ${batchId})`);
  return listingBlockers(d, listingId);
}

describe("the packing gate", () => {
  test("a banned input blocks packing, naming the event; nothing is stored", () => {
    const lot = createLotWithChain(db, {
      producerId,
      extraInputs: [{ productName: "50%甲胺磷乳油", activeIngredient: "甲胺磷", daysBeforeHarvest: 40 }],
      pack: false,
    });
    const before = eventCount(lot.batchId);
    let error: unknown;
    try {
      recordEvent(db, farmer, lot.batchId, { type: "packing", occurredAt: Date.now(), payload: { quantity: 10, unit: "kg", certificate: certificate() } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComplianceBlockedError);
    const blockers = (error as ComplianceBlockedError).blockers;
    expect(blockers).toHaveLength(1);
    expect(blockers[0]).toMatchObject({ batchId: lot.batchId, lotCode: lot.lotCode });
    const banned = blockers[0].findings.find((f) => f.code === "banned_input")!;
    const seq = getLotChain(db, lot.batchId).contents.find((c) => c.type === "input_application" && c.payload.productName === "50%甲胺磷乳油")!.seq;
    expect(banned.eventSeq).toBe(seq);
    expect(describeBlockers(blockers, "zh")).toContain(
      `批次 ${lot.lotCode}：第 ${seq} 条记录使用了国家禁用农药「甲胺磷」（50%甲胺磷乳油）。该批次不能上架销售。`,
    );
    expect(describeBlockers(blockers, "en")[0]).toContain("methamidophos");
    expect(eventCount(lot.batchId)).toBe(before);
  });

  test("an interval violated by one day blocks packing; respected exactly, it packs", () => {
    // Abamectin on citrus: 14-day pre-harvest interval (seeds/reference/agri-inputs).
    const spray = (days: number) => [{ productName: "1.8%阿维菌素乳油", activeIngredient: "abamectin", daysBeforeHarvest: days }];
    const harvestAt = daysAgo(2);
    expect(() => createLotWithChain(db, { producerId, crop: "orange", harvestAt, inputs: spray(13) })).toThrow(ComplianceBlockedError);
    try {
      createLotWithChain(db, { producerId, crop: "orange", harvestAt, inputs: spray(13) });
    } catch (e) {
      const f = (e as ComplianceBlockedError).blockers[0].findings;
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ code: "interval_violated", eventSeq: 2, params: { days: 14 } });
    }
    const ok = createLotWithChain(db, { producerId, crop: "orange", harvestAt, inputs: spray(14) });
    expect(db.get<{ status: string }>(sql`select status from batches where id = ${ok.batchId}`)!.status).toBe("packed");
  });

  test("packing needs a harvest first, and a missing certificate or test blocks it", () => {
    const growing = createLotWithChain(db, { producerId, harvest: false });
    expect(() => recordEvent(db, farmer, growing.batchId, { type: "packing", occurredAt: Date.now(), payload: {} })).toThrow(
      expect.objectContaining({ messageKey: "trace.error.packBeforeHarvest" }),
    );
    expect(() => createLotWithChain(db, { producerId, certificate: null })).toThrow(ComplianceBlockedError);
    // packing comes after the test (chronology), and the gate wants the latest test passed
    expect(() => createLotWithChain(db, { producerId, inspection: false })).toThrow(
      expect.objectContaining({ messageKey: "trace.error.packBeforeInspection" }),
    );
    expect(() => createLotWithChain(db, { producerId, inspection: "fail" })).toThrow(ComplianceBlockedError);
  });
});

function certificate() {
  return {
    productName: "测试产品",
    quantity: 10,
    unit: "kg" as const,
    origin: "陕西省延安市洛川县",
    issuedAt: Date.now() - 60_000,
    entityName: "溯源测试合作社",
    entityContact: "13800000000",
    commitment: { noBannedOrRestrictedInputs: true, intervalsObserved: true, residueStandardsMet: true },
  };
}

describe("the publish gate", () => {
  test("a listing whose lot violates an interval cannot be published; the blockers name the event", async () => {
    const id = await createListing(db, {
      producerId,
      status: "draft",
      productName: "大棚豇豆",
      categorySlug: "vegetables",
      lot: {
        crop: "cowpea", // abamectin: 5 days on cowpea
        inputs: [{ productName: "1.8%阿维菌素乳油", activeIngredient: "abamectin", daysBeforeHarvest: 3 }],
        pack: false,
        certificateOnHarvest: true,
      },
    });
    const blockers = listingBlockers(db, id);
    expect(blockers).toHaveLength(1);
    expect(blockers[0].findings).toEqual([expect.objectContaining({ code: "interval_violated", eventSeq: 2 })]);
    expect(() => setListingStatus(db, farmer, id, "published")).toThrow(ComplianceBlockedError);
    try {
      setListingStatus(db, farmer, id, "published");
    } catch (e) {
      const [line] = describeBlockers((e as ComplianceBlockedError).blockers, "zh");
      expect(line).toMatch(/^批次 \S+：第 2 条记录：1\.8%阿维菌素乳油 于 \d{4}-\d{2}-\d{2} 最后一次使用，安全间隔期为 5 天/);
    }
    expect(db.get<{ status: string }>(sql`select status from listings where id = ${id}`)!.status).toBe("draft");
  });

  test("a listing without a lot cannot be published (no_batch); with a compliant lot it can", async () => {
    const id = await createListing(db, { producerId, status: "draft", batch: false });
    expect(listingBlockers(db, id)).toEqual([{ batchId: 0, lotCode: "", findings: [{ code: "no_batch", eventSeq: null, params: {} }] }]);
    expect(() => setListingStatus(db, farmer, id, "published")).toThrow(ComplianceBlockedError);
    expect(describeBlockers(listingBlockers(db, id), "en")[0]).toContain("no lot yet");
    const { productId } = db.get<{ productId: number }>(sql`select product_id as productId from listings where id = ${id}`)!;
    createLotWithChain(db, { producerId, productId, listingId: id });
    setListingStatus(db, farmer, id, "published");
    expect(db.get<{ status: string }>(sql`select status from listings where id = ${id}`)!.status).toBe("published");
  });

  test("a recalled lot blocks publishing; after a recall only the platform records", async () => {
    const id = await createListing(db, { producerId, status: "published" });
    const { batchId } = db.get<{ batchId: number }>(sql`select batch_id as batchId from listing_batches where listing_id = ${id}`)!;
    recordPlatformEvent(db, batchId, { type: "recall", occurredAt: Date.now(), payload: { reason: "抽检不合格" } });
    expect(db.get<{ status: string }>(sql`select status from batches where id = ${batchId}`)!.status).toBe("recalled");
    expect(() => recordEvent(db, farmer, batchId, { type: "shipping", occurredAt: Date.now(), payload: {} })).toThrow(
      expect.objectContaining({ messageKey: "trace.error.lotRecalled" }),
    );
    recordPlatformEvent(db, batchId, { type: "arrival", occurredAt: Date.now(), payload: { receivedBy: "赵师傅" } });
    expect(listingBlockers(db, id)[0].findings.map((f) => f.code)).toContain("lot_recalled");
    const v = verifyLot(db, batchId, { strict: true });
    expect(v).toMatchObject({ ok: true, checked: 8 });
    // Producer and platform keys both signed: the fast path checks one signature per key.
    expect(verifyLot(db, batchId)).toMatchObject({ ok: true, signaturesVerified: 2 });
  });
});

describe("inputs catalogue", () => {
  test("seeding copies the reference CSVs, idempotently, and loads back in the checker's shape", () => {
    const ref = loadInputsCatalogue();
    const first = seedInputsCatalogue(db);
    const again = seedInputsCatalogue(db);
    expect(again).toEqual(first);
    expect(first.banned).toBe(ref.banned.length);
    expect(first.banned).toBe(53);
    expect(first.restricted).toBe(18);
    expect(first.inputs).toBeGreaterThanOrEqual(60);
    const cat = loadCatalogue(db);
    expect(cat.banned).toEqual(ref.banned);
    expect(cat.restricted).toEqual(ref.restricted);
    expect(cat.toxic).toEqual(ref.toxic);
    // Every reference interval is there with its source; rows of one source for one product × crop keep the longest.
    for (const r of ref.intervals) {
      const rows = cat.intervals.filter((i) => i.productZh === r.productZh && i.crop === r.crop && i.source === r.source);
      expect(rows).toHaveLength(1);
      expect(rows[0].intervalDays).toBeGreaterThanOrEqual(r.intervalDays);
    }
    expect(cat.withdrawals).toContainEqual(
      expect.objectContaining({ drugZh: "马杜霉素预混剂", appliesTo: ["chickens"], withdrawalDays: 5, prohibited: false }),
    );
    expect(cat.withdrawals).toContainEqual(expect.objectContaining({ drugZh: "马杜霉素预混剂", appliesTo: ["eggs"], withdrawalDays: null, prohibited: true }));
    expect(cat.withdrawals).toContainEqual(expect.objectContaining({ drugZh: "甲砜霉素散", appliesTo: ["fish"], withdrawalDays: null, degreeDays: 500 }));
  });

  test("only platform admins and inspectors add inputs; registration numbers and names are checked", () => {
    const input = {
      kind: "pesticide" as const,
      nameZh: "43%戊唑醇悬浮剂（测试）",
      registrationNo: "PD20990001",
      activeIngredient: "tebuconazole-test",
      intervals: [{ target: "Apple", intervalDays: 21, maxApplications: 3 }],
    };
    expect(() => addAgriInput(db, farmer, input)).toThrow(ForbiddenError);
    expect(() => addAgriInput(db, buyer, input)).toThrow(ForbiddenError);
    // Inspectors read the catalogue; only the platform admin writes it.
    expect(() => addAgriInput(db, inspector, { ...input, nameZh: "检查员新增（测试）", registrationNo: "PD20990009" })).toThrow(ForbiddenError);
    expect(() => addAgriInput(db, admin, { ...input, registrationNo: "PD2008" })).toThrow(expect.objectContaining({ messageKey: "trace.regno.format" }));
    expect(() => addAgriInput(db, admin, { ...input, registrationNo: "LS20080001" })).toThrow(
      expect.objectContaining({ messageKey: "trace.regno.temporary_expired" }),
    );
    expect(() => addAgriInput(db, admin, { ...input, registrationNo: "" })).toThrow(expect.objectContaining({ messageKey: "trace.regno.empty" }));
    expect(() => addAgriInput(db, admin, { ...input, intervals: [{ target: "apple", intervalDays: -1 }] })).toThrow(TraceRuleError);
    const id = addAgriInput(db, admin, { ...input, registrationNo: " pd20990001 " });
    expect(() => addAgriInput(db, admin, input)).toThrow(expect.objectContaining({ messageKey: "trace.error.inputNameTaken" }));
    expect(() => addAgriInput(db, admin, { ...input, nameZh: "另一个名字" })).toThrow(expect.objectContaining({ messageKey: "trace.error.registrationTaken" }));
    // Fertilisers need no registration number.
    expect(addAgriInput(db, admin, { kind: "fertilizer", nameZh: "测试复合肥" })).toBeGreaterThan(id);

    const listed = listAgriInputs(db, { kind: "pesticide", q: "戊唑醇" });
    expect(listed).toEqual([
      expect.objectContaining({
        id,
        registrationNo: "PD20990001",
        banned: false,
        toxicityClass: null,
        intervals: [{ target: "apple", intervalDays: 21, maxApplications: 3, prohibited: false, source: "label", quality: "label" }],
      }),
    ]);
    // Fertiliser numbers, when given, must have the 农肥/微生物肥 form.
    expect(() => addAgriInput(db, admin, { kind: "fertilizer", nameZh: "测试有机肥", registrationNo: "PD20990002" })).toThrow(
      expect.objectContaining({ messageKey: "trace.fertregno.format" }),
    );
    addAgriInput(db, admin, { kind: "fertilizer", nameZh: "测试有机肥", registrationNo: "农肥（2021）准字0101号" });
    expect(listAgriInputs(db, { kind: "fertilizer", q: "测试有机肥" })).toMatchObject([{ registrationNo: "农肥(2021)准字0101号" }]);
    // A product whose label says 高毒 is marked in the catalogue; so is one containing a listed 高毒 substance.
    addAgriInput(db, admin, { kind: "pesticide", nameZh: "某高毒杀虫剂（测试）", registrationNo: "PD20990003", toxicityClass: "highly_toxic" });
    expect(listAgriInputs(db, { q: "某高毒杀虫剂" })).toMatchObject([{ toxicityClass: "highly_toxic" }]);

    // The checker sees the new interval at once (the catalogue cache is dropped).
    expect(() =>
      createLotWithChain(db, {
        producerId,
        inputs: [{ productName: input.nameZh, activeIngredient: input.activeIngredient, daysBeforeHarvest: 20 }],
      }),
    ).toThrow(ComplianceBlockedError);
    createLotWithChain(db, { producerId, inputs: [{ productName: input.nameZh, activeIngredient: input.activeIngredient, daysBeforeHarvest: 21 }] });
  });
});

describe("keys and notifications", () => {
  test("private keys are encrypted at rest, one per producer, and the platform has its own", () => {
    const signer = producerSigner(db, producerId);
    expect(producerSigner(db, producerId)).toBe(signer); // cached
    const row = db.get<{ enc: string; owner: string }>(sql`select private_key_enc as enc, owner_kind as owner from trace_keys where key_id = ${signer.keyId}`)!;
    const pkcs8 = signer.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    expect(row.owner).toBe("producer");
    expect(row.enc.startsWith("v1:")).toBe(true);
    expect(row.enc).not.toContain(pkcs8.slice(20, 60));
    expect(decryptPrivateKey(row.enc, signer.keyId)).toBe(pkcs8);
    // Bound to its key id: a swapped row does not decrypt.
    expect(() => decryptPrivateKey(row.enc, "0".repeat(32))).toThrow();
    const platform = platformSigner(db);
    expect(platform.owner).toEqual({ kind: "platform", id: "cunpin" });
    expect(platform.keyId).not.toBe(signer.keyId);
  });

  test("every append notifies listeners with the lot's GTIN and lot code", () => {
    const seen: { gtin: string; lotCode: string; batchId: number }[] = [];
    const off = onLotChanged((lot) => seen.push(lot));
    const lot = createLotWithChain(db, { producerId });
    off();
    createLotWithChain(db, { producerId });
    expect(seen.length).toBe(6); // planting (createBatch) + 2 inputs + harvest + inspection + packing
    expect(seen.every((s) => s.batchId === lot.batchId && s.gtin === lot.gtin && s.lotCode === lot.lotCode)).toBe(true);
  });

  test("a member added later may record on the producer's lots", async () => {
    const later = await createUser(db);
    addProducerMember(db, producerId, later.id, "member");
    const lot = createLotWithChain(db, { producerId, actorUserId: later.id });
    expect(verifyLot(db, lot.batchId).ok).toBe(true);
  });
});

describe("registered uses, input kinds and the order of a lot's records", () => {
  const newLot = (crop: string, productName: string, category?: "livestock_poultry") =>
    createLotWithChain(db, { producerId, productName, crop, category, plantedAt: daysAgo(100), harvest: false, inputs: [] });

  test("the issue's lot: a catalogue pesticide not registered on apples, sprayed 2 days before harvest, cannot be packed", () => {
    let error: unknown;
    try {
      createLotWithChain(db, {
        producerId,
        productName: "超范围测试苹果",
        crop: "apple",
        inputs: [{ productName: "1.8%阿维菌素乳油", activeIngredient: "abamectin", daysBeforeHarvest: 2 }],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComplianceBlockedError);
    const [blocker] = (error as ComplianceBlockedError).blockers;
    expect(blocker.findings.map((f) => f.code)).toEqual(["off_label"]);
    expect(describeBlockers([blocker], "zh")[0]).toContain("平台目录里 1.8%阿维菌素乳油 没有登记用于苹果");
    expect(getLotChain(db, blocker.batchId).contents.some((c) => c.type === "packing")).toBe(false);
    // with the label's use declared (apple, 14 days), the 2-day gap is a declared-interval violation instead
    try {
      createLotWithChain(db, {
        producerId,
        productName: "超范围测试苹果",
        crop: "apple",
        inputs: [{ productName: "1.8%阿维菌素乳油", daysBeforeHarvest: 2, registeredCrop: "apple", labelIntervalDays: 14, intervalSource: "declared" }],
      });
      throw new Error("expected the gate to block");
    } catch (e) {
      expect((e as ComplianceBlockedError).blockers[0].findings).toMatchObject([{ code: "interval_violated", params: { days: 14, source: "declared" } }]);
    }
  });

  test("only inputs for the lot's kind: no veterinary drug on a crop, no pesticide on livestock", () => {
    const apple = newLot("apple", "投入品类别测试苹果");
    const before = eventCount(apple.batchId);
    expect(() =>
      recordEvent(db, farmer, apple.batchId, {
        type: "input_application",
        occurredAt: daysAgo(10),
        payload: { inputKind: "veterinary_drug", productName: "土霉素片" },
      }),
    ).toThrow(expect.objectContaining({ messageKey: "trace.error.inputKindForCrop" }));
    const pigs = newLot("pigs", "投入品类别测试猪肉", "livestock_poultry");
    expect(() =>
      recordEvent(db, farmer, pigs.batchId, {
        type: "input_application",
        occurredAt: daysAgo(10),
        payload: { inputKind: "pesticide", productName: "1.8%阿维菌素乳油" },
      }),
    ).toThrow(expect.objectContaining({ messageKey: "trace.error.inputKindForAnimal" }));
    expect(eventCount(apple.batchId)).toBe(before);
    recordEvent(db, farmer, pigs.batchId, {
      type: "input_application",
      occurredAt: daysAgo(10),
      payload: { inputKind: "veterinary_drug", productName: "土霉素片" },
    });
  });

  test("planting before inputs before harvest; the test after harvest; packing after the test; no future dates", () => {
    const lot = newLot("apple", "顺序测试苹果");
    const id = lot.batchId;
    const refused = (event: Parameters<typeof recordEvent>[3], messageKey: string) => {
      const before = eventCount(id);
      expect(() => recordEvent(db, farmer, id, event)).toThrow(expect.objectContaining({ messageKey }));
      expect(eventCount(id)).toBe(before);
    };
    const fertiliser = (at: number) => ({
      type: "input_application" as const,
      occurredAt: at,
      payload: { inputKind: "fertilizer" as const, productName: "尿素" },
    });
    const harvest = (at: number) => ({ type: "harvest" as const, occurredAt: at, payload: { quantity: 10, unit: "kg" as const, lotCode: lot.lotCode } });
    const inspection = (at: number) => ({ type: "inspection" as const, occurredAt: at, payload: { result: "pass" as const, kind: "rapid_test" as const } });
    const packing = (at: number) => ({ type: "packing" as const, occurredAt: at, payload: { quantity: 10, unit: "kg" as const, certificate: certificate() } });

    refused(fertiliser(daysAgo(101)), "trace.error.beforePlanting");
    refused(fertiliser(Date.now() + 2 * DAY), "trace.error.futureTime");
    refused(inspection(daysAgo(5)), "trace.error.inspectBeforeHarvest");
    recordEvent(db, farmer, id, fertiliser(daysAgo(20)));
    refused(harvest(daysAgo(21)), "trace.error.harvestBeforeInput");
    recordEvent(db, farmer, id, harvest(daysAgo(10)));
    refused(fertiliser(daysAgo(9)), "trace.error.inputAfterHarvest");
    refused(packing(daysAgo(9)), "trace.error.packBeforeInspection");
    refused(inspection(daysAgo(11)), "trace.error.inspectionBeforeHarvestDate");
    recordEvent(db, farmer, id, inspection(daysAgo(8)));
    refused(packing(daysAgo(9)), "trace.error.packingBeforeInspectionDate");
    // a correction may not move the fertiliser after the harvest either
    const seq = getLotChain(db, id).contents.find((c) => c.type === "input_application")!.seq;
    refused(
      { type: "correction", occurredAt: Date.now(), correctsSeq: seq, payload: { reason: "日期", occurredAt: daysAgo(5) } },
      "trace.error.inputAfterHarvest",
    );
    recordEvent(db, farmer, id, packing(daysAgo(7)));
    expect(getLotChain(db, id).contents.map((c) => c.type)).toEqual(["planting", "input_application", "harvest", "inspection", "packing"]);
  });
});
