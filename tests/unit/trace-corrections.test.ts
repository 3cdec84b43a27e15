/**
 * Corrections in the open and consumers' reports that reach someone (issue 10 §1, §5), on real
 * SQLite: a correction that would lift a compliance finding waits for an inspector; the trace page
 * shows every record with its corrections and an honest count; EPCIS declares the error; reports
 * go to the inspectors' inbox and the producer sees them.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ForbiddenError } from "../../core/errors";
import type { Actor } from "../../core/permissions";
import { actorFor, createLotWithChain, createProducer, createTestDatabase, createUser } from "../../seeds/factories";
import { getLotChain, listingBlockers, lotCompliance, recordEvent, TraceRuleError, verifyLot } from "../../traceability/store";
import { correctionReviewQueue, pendingCorrectionsOfLot, reviewCorrection } from "../../traceability/corrections";
import { createProblemReport, getTracePage, getLotEpcis } from "../../traceability/trace-page";
import { openRecallFromReport, reportInbox, reportsForProducer, updateReport } from "../../traceability/reports";
import { createEpcisValidator } from "../../traceability/epcis-validate";
import { loadEpcisFixtures } from "./traceability/epcis-fixtures";

const DAY = 86_400_000;
const fixtures = await loadEpcisFixtures();

let db: Db;
let cleanup: () => void;
let producerId: number;
let farmer: Actor;
let stranger: Actor;
let inspector: Actor;
let buyer: Actor;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  const owner = await createUser(db, { roles: ["farmer"] });
  producerId = createProducer(db, { ownerUserId: owner.id, nameZh: "更正测试合作社" });
  farmer = actorFor(db, owner.id);
  const other = await createUser(db, { roles: ["farmer"] });
  createProducer(db, { ownerUserId: other.id });
  stranger = actorFor(db, other.id);
  inspector = actorFor(db, (await createUser(db, { roles: ["inspector"] })).id);
  buyer = actorFor(db, (await createUser(db)).id);
});
afterAll(() => cleanup?.());

/** A fruit lot, harvested and inspected, that also carries 甲胺磷 (banned): seq 3 is the banned spray. */
function bannedLot() {
  return createLotWithChain(db, {
    producerId,
    crop: "apple",
    inputs: [
      {
        productName: "1.8%阿维菌素乳油",
        activeIngredient: "abamectin",
        daysBeforeHarvest: 40,
        registeredCrop: "apple",
        labelIntervalDays: 14,
        intervalSource: "declared",
      },
      { productName: "50%甲胺磷乳油", activeIngredient: "甲胺磷", daysBeforeHarvest: 50 },
    ],
    pack: false,
    certificateOnHarvest: true,
  });
}

function seqOf(batchId: number, productName: string): number {
  return getLotChain(db, batchId).contents.find((c) => c.type === "input_application" && c.payload.productName === productName)!.seq;
}

function retract(batchId: number, seq: number, reason = "记错了") {
  recordEvent(db, farmer, batchId, { type: "correction", occurredAt: Date.now(), correctsSeq: seq, payload: { reason, retract: true } });
  return getLotChain(db, batchId).contents.at(-1)!.seq;
}

function listingFor(batchId: number): number {
  const { id } = db.get<{ id: number }>(sql`
    insert into listings (product_id, producer_id, category_id, title, unit, price_fen, stock)
    select b.product_id, b.producer_id, p.category_id, '更正测试', 'kg', 100, 1 from batches b join products p on p.id = b.product_id where b.id = ${batchId}
    returning id`)!;
  db.run(sql`insert into listing_batches (listing_id, batch_id) values (${id}, ${batchId})`);
  return id;
}

describe("a correction that would lift a finding waits for an inspector", () => {
  test("retracting a banned record keeps the lot and its listing blocked until an inspector accepts", () => {
    const lot = bannedLot();
    const listingId = listingFor(lot.batchId);
    const banned = seqOf(lot.batchId, "50%甲胺磷乳油");
    expect(lotCompliance(db, lot.batchId).map((f) => f.code)).toContain("banned_input");

    const correctionSeq = retract(lot.batchId, banned);
    // Held: the banned finding stays, the gate still blocks, the farmer sees it pending.
    expect(lotCompliance(db, lot.batchId).map((f) => f.code)).toContain("banned_input");
    expect(listingBlockers(db, listingId).flatMap((b) => b.findings.map((f) => f.code))).toContain("banned_input");
    expect(pendingCorrectionsOfLot(db, lot.batchId).map((c) => [c.seq, c.status])).toEqual([[correctionSeq, "pending"]]);

    // The inspectors' queue has it, with the record and the reason.
    const item = correctionReviewQueue(db, inspector).find((q) => q.batchId === lot.batchId)!;
    expect(item.correction).toMatchObject({ seq: correctionSeq, reason: "记错了", kinds: ["retract"] });
    expect(item.target).toMatchObject({ seq: banned, type: "input_application", payload: { productName: "50%甲胺磷乳油" } });

    reviewCorrection(db, inspector, { batchId: lot.batchId, correctionSeq, decision: "accepted", note: "购药票据显示未购买甲胺磷" });
    expect(lotCompliance(db, lot.batchId).map((f) => f.code)).not.toContain("banned_input");
    expect(listingBlockers(db, listingId)).toEqual([]);
    expect(correctionReviewQueue(db, inspector).some((q) => q.batchId === lot.batchId)).toBe(false);
    // The decision is a platform-signed event on the chain, which still verifies strictly.
    const last = getLotChain(db, lot.batchId).contents.at(-1)!;
    expect(last).toMatchObject({ type: "correction_review", actor: { kind: "platform" }, payload: { correctionSeq, decision: "accepted" } });
    expect(verifyLot(db, lot.batchId, { strict: true }).ok).toBe(true);
    // Decided once only.
    expect(() => reviewCorrection(db, inspector, { batchId: lot.batchId, correctionSeq, decision: "rejected", note: "再看" })).toThrow(
      expect.objectContaining({ messageKey: "correctionReview.error.decided" }),
    );
  });

  test("a rejected correction keeps blocking and stays visible", () => {
    const lot = bannedLot();
    const banned = seqOf(lot.batchId, "50%甲胺磷乳油");
    const correctionSeq = retract(lot.batchId, banned);
    reviewCorrection(db, inspector, { batchId: lot.batchId, correctionSeq, decision: "rejected", note: "没有证据" });
    expect(lotCompliance(db, lot.batchId).map((f) => f.code)).toContain("banned_input");
    expect(pendingCorrectionsOfLot(db, lot.batchId)).toEqual([]);
    const page = getTracePage(db, lot.gtin, lot.lotCode)!;
    const entry = page.timeline.find((e) => e.seq === banned)!;
    expect(entry.retracted).toBe(false);
    expect(entry.corrections).toEqual([
      expect.objectContaining({ seq: correctionSeq, status: "rejected", review: expect.objectContaining({ note: "没有证据" }) }),
    ]);
  });

  test("a correction that changes nothing the gate looks at applies at once", () => {
    // Clean lot: fertiliser redated within the rules.
    const lot = createLotWithChain(db, { producerId, crop: "apple", pack: false, certificateOnHarvest: true });
    expect(lotCompliance(db, lot.batchId)).toEqual([]);
    const fert = seqOf(lot.batchId, "腐熟有机肥");
    const newDate = lot.harvestAt - 100 * DAY;
    recordEvent(db, farmer, lot.batchId, {
      type: "correction",
      occurredAt: Date.now(),
      correctsSeq: fert,
      payload: { reason: "日期写错", occurredAt: newDate },
    });
    expect(pendingCorrectionsOfLot(db, lot.batchId)).toEqual([]);
    const page = getTracePage(db, lot.gtin, lot.lotCode)!;
    const entry = page.timeline.find((e) => e.seq === fert)!;
    expect(entry.occurredAt).toBe(newDate);
    expect(entry.originalOccurredAt).not.toBeNull();
    expect(entry.corrections[0]).toMatchObject({ status: "applied", kinds: ["redate"], reason: "日期写错" });
  });

  test("a farmer cannot mark a correction as reviewed; only inspectors review; a note is required", () => {
    const lot = bannedLot();
    const banned = seqOf(lot.batchId, "50%甲胺磷乳油");
    // Even a farmer who sends inspectorReview gets it decided by the store (here: held, since it lifts a finding).
    const correctionSeq = retract(lot.batchId, banned);
    expect(() => reviewCorrection(db, farmer, { batchId: lot.batchId, correctionSeq, decision: "accepted", note: "ok" })).toThrow(ForbiddenError);
    expect(() => reviewCorrection(db, buyer, { batchId: lot.batchId, correctionSeq, decision: "accepted", note: "ok" })).toThrow(ForbiddenError);
    expect(() => correctionReviewQueue(db, farmer)).toThrow(ForbiddenError);
    expect(() => reviewCorrection(db, inspector, { batchId: lot.batchId, correctionSeq, decision: "accepted", note: "  " })).toThrow(TraceRuleError);
    expect(() => reviewCorrection(db, inspector, { batchId: lot.batchId, correctionSeq: 1, decision: "accepted", note: "x" })).toThrow(
      expect.objectContaining({ messageKey: "correctionReview.error.notFound" }),
    );
    expect(lotCompliance(db, lot.batchId).map((f) => f.code)).toContain("banned_input");
  });
});

describe("the trace page and EPCIS show corrections in place", () => {
  test("original + correction with reason, who and when; the count covers every record", () => {
    const lot = bannedLot();
    const banned = seqOf(lot.batchId, "50%甲胺磷乳油");
    const correctionSeq = retract(lot.batchId, banned);
    let page = getTracePage(db, lot.gtin, lot.lotCode)!;
    let entry = page.timeline.find((e) => e.seq === banned)!;
    // Pending: the record stands, its correction shown as awaiting review.
    expect(entry.retracted).toBe(false);
    expect(entry.details).toMatchObject({ type: "input_application", productName: "50%甲胺磷乳油" });
    expect(entry.corrections).toEqual([
      expect.objectContaining({ seq: correctionSeq, reason: "记错了", actorKind: "producer", status: "pending", kinds: ["retract"] }),
    ]);
    const shown = (p: typeof page) =>
      p.timeline.length + p.timeline.reduce((n, e) => n + e.corrections.length + e.corrections.filter((c) => c.review).length, 0);
    expect(shown(page)).toBe(page.recordCount);
    expect(page.recordCount).toBe(getLotChain(db, lot.batchId).records.length);
    expect(page.verification.checked).toBe(page.recordCount);

    reviewCorrection(db, inspector, { batchId: lot.batchId, correctionSeq, decision: "accepted", note: "核实无误" });
    page = getTracePage(db, lot.gtin, lot.lotCode)!;
    entry = page.timeline.find((e) => e.seq === banned)!;
    // Accepted: still on the page, struck through, with the correction and the inspector's note.
    expect(entry.retracted).toBe(true);
    expect(entry.details).toMatchObject({ productName: "50%甲胺磷乳油" });
    expect(entry.corrections[0]).toMatchObject({ status: "accepted", review: { decision: "accepted", note: "核实无误" } });
    expect(shown(page)).toBe(page.recordCount);
    expect(page.verification.checked).toBe(page.recordCount);
  });

  test.skipIf(!fixtures)("EPCIS: errorDeclaration with reason on the original event (and corrective IDs for a redate); validates against GS1's schema", () => {
    const validate = createEpcisValidator(fixtures!.schema);
    const lot = bannedLot();
    const banned = seqOf(lot.batchId, "50%甲胺磷乳油");
    const abamectin = seqOf(lot.batchId, "1.8%阿维菌素乳油");
    const correctionSeq = retract(lot.batchId, banned);
    const originalOf = (doc: NonNullable<ReturnType<typeof getLotEpcis>>, seq: number) =>
      doc.epcisBody.eventList.find((e) => e["cunpin:seq"] === seq && e["cunpin:correctsSeq"] === undefined)!;

    // Pending: not declared an error (the original stands until an inspector accepts).
    let doc = getLotEpcis(db, lot.gtin, lot.lotCode, "https://cunpin.example")!;
    expect(originalOf(doc, banned).errorDeclaration).toBeUndefined();

    reviewCorrection(db, inspector, { batchId: lot.batchId, correctionSeq, decision: "accepted", note: "核实无误" });
    // A harmless redate of the abamectin spray (still well outside its interval) applies at once.
    recordEvent(db, farmer, lot.batchId, {
      type: "correction",
      occurredAt: Date.now(),
      correctsSeq: abamectin,
      payload: { reason: "日期写错", occurredAt: lot.harvestAt - 45 * DAY },
    });
    doc = getLotEpcis(db, lot.gtin, lot.lotCode, "https://cunpin.example")!;
    expect(originalOf(doc, banned).errorDeclaration).toMatchObject({
      reason: "did_not_occur",
      "cunpin:correctionReason": "记错了",
      "cunpin:reviewNote": "核实无误",
    });
    const redated = originalOf(doc, abamectin).errorDeclaration as Record<string, unknown>;
    expect(redated).toMatchObject({ reason: "incorrect_data", "cunpin:correctionReason": "日期写错" });
    const ids = redated.correctiveEventIDs as string[];
    expect(ids).toHaveLength(1);
    expect(doc.epcisBody.eventList.some((e) => e.eventID === ids[0])).toBe(true);
    expect(validate(doc)).toEqual({ ok: true });
  });
});

describe("consumers' reports reach inspectors and the producer", () => {
  test("inbox, status and note, producer visibility, recall from a report, role checks", () => {
    const lot = createLotWithChain(db, { producerId, crop: "apple", pack: false, certificateOnHarvest: true });
    const id = createProblemReport(db, { batchId: lot.batchId, kind: "safety", message: "吃了以后肚子疼", contactPhone: "13800138000", userId: null });

    const inbox = reportInbox(db, inspector);
    expect(inbox.find((r) => r.id === id)).toMatchObject({ status: "open", kind: "safety", lotCode: lot.lotCode, contactPhone: "13800138000" });
    expect(() => reportInbox(db, farmer)).toThrow(ForbiddenError);
    expect(() => updateReport(db, farmer, { reportId: id, status: "closed", note: "x" })).toThrow(ForbiddenError);

    updateReport(db, inspector, { reportId: id, status: "in_progress", note: "已联系消费者，抽检中" });
    expect(reportInbox(db, inspector, { status: "in_progress" }).map((r) => r.id)).toContain(id);
    expect(() => updateReport(db, inspector, { reportId: 999_999, status: "closed", note: null })).toThrow();

    // The producer sees the report and the inspector's note, not the consumer's full number.
    const mine = reportsForProducer(db, farmer, { producerId, batchId: lot.batchId });
    expect(mine).toEqual([
      expect.objectContaining({ id, message: "吃了以后肚子疼", status: "in_progress", note: "已联系消费者，抽检中", contactPhone: "138****8000" }),
    ]);
    expect(() => reportsForProducer(db, stranger, { producerId })).toThrow(ForbiddenError);

    const recall = openRecallFromReport(db, inspector, id, "消费者反映食用后不适，召回待检");
    expect(recall.recallId).toBeGreaterThan(0);
    expect(reportInbox(db, inspector).find((r) => r.id === id)).toMatchObject({ recallId: recall.recallId, status: "in_progress" });
    expect(db.get<{ status: string }>(sql`select status from batches where id = ${lot.batchId}`)!.status).toBe("recalled");

    updateReport(db, inspector, { reportId: id, status: "closed", note: "已召回并销毁" });
    expect(reportsForProducer(db, farmer, { producerId })[0]).toMatchObject({ id, status: "closed", note: "已召回并销毁" });
  });
});
