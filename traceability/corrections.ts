/**
 * Corrections in the open: what each correction on a lot's chain did, and the inspector's
 * review of corrections that would lift a compliance finding.
 *
 * The store (store.ts recordEvent) marks a correction `inspectorReview: true` when applying it
 * would make a finding of the publish gate disappear; such a correction is not in force
 * (chain.ts effectiveEvents) until an inspector accepts it with a platform-signed
 * `correction_review` event. A rejected one stays on the chain, visibly, and changes nothing.
 * Plain module, no Remix.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { hasRole, type Actor as AppActor } from "../core/permissions";
import { ForbiddenError, NotFoundError } from "../core/errors";
import { correctionStates, type CorrectionStatus } from "./chain";
import { getLotChain, recordPlatformEvent, TraceRuleError } from "./store";
import type { EventContent, PayloadOf } from "./types";

export const REVIEW_NOTE_MAX = 500;

export function canReviewCorrections(actor: AppActor | null | undefined): boolean {
  return hasRole(actor, "inspector", "platform_admin");
}

export type CorrectionKind = "retract" | "redate" | "replace";

/** One correction as readers see it: what it does, why, who and when, and whether it is in force. */
export interface CorrectionView {
  seq: number;
  correctsSeq: number;
  kinds: CorrectionKind[];
  reason: string;
  /** Corrected occurrence time, when the correction fixes the date. */
  newOccurredAt: number | null;
  /** The corrected payload's product name, when a replacement names one (inputs). */
  replacementProduct: string | null;
  actorKind: "producer" | "platform";
  recordedAt: number;
  evidencePhoto: string | null;
  status: CorrectionStatus;
  review: { seq: number; decision: "accepted" | "rejected"; note: string; recordedAt: number } | null;
}

/** Every correction of the chain, in chain order, grouped by the seq of the record it corrects. */
export function correctionViews(contents: EventContent[]): Map<number, CorrectionView[]> {
  const states = correctionStates(contents);
  const out = new Map<number, CorrectionView[]>();
  for (const c of contents) {
    if (c.type !== "correction" || c.correctsSeq === undefined) continue;
    const p = c.payload;
    const state = states.get(c.seq)!;
    const kinds: CorrectionKind[] = [];
    if (p.retract) kinds.push("retract");
    if (p.occurredAt !== undefined) kinds.push("redate");
    if (p.replacement) kinds.push("replace");
    const product =
      p.replacement && typeof (p.replacement as { productName?: unknown }).productName === "string"
        ? String((p.replacement as { productName: string }).productName)
        : null;
    const view: CorrectionView = {
      seq: c.seq,
      correctsSeq: c.correctsSeq,
      kinds,
      reason: p.reason,
      newOccurredAt: p.occurredAt ?? null,
      replacementProduct: product,
      actorKind: c.actor.kind,
      recordedAt: c.recordedAt,
      evidencePhoto: p.evidencePhoto ?? null,
      status: state.status,
      review: state.review,
    };
    const list = out.get(c.correctsSeq) ?? [];
    list.push(view);
    out.set(c.correctsSeq, list);
  }
  return out;
}

/** Corrections of one lot held for an inspector (pending), for the farmer's 待监管审核. */
export function pendingCorrectionsOfLot(db: Db, batchId: number): CorrectionView[] {
  const { contents } = getLotChain(db, batchId);
  return [...correctionViews(contents).values()].flat().filter((v) => v.status === "pending");
}

export interface ReviewQueueItem {
  batchId: number;
  lotCode: string;
  gtin: string | null;
  productZh: string;
  productEn: string;
  producerZh: string;
  correction: CorrectionView;
  /** The corrected record's type and what it said. */
  target: { seq: number; type: EventContent["type"]; occurredAt: number; payload: Record<string, unknown> } | null;
}

/** The inspectors' queue (待审核更正): held corrections with no decision yet, oldest first. */
export function correctionReviewQueue(db: Db, actor: AppActor, limit = 100): ReviewQueueItem[] {
  if (!canReviewCorrections(actor)) throw new ForbiddenError();
  // Candidate lots: those with a held correction (the flag is inside the signed content).
  const lots = db.all<{ batchId: number; lotCode: string; gtin: string | null; productZh: string; productEn: string; producerZh: string }>(sql`
    select distinct b.id as batchId, b.lot_code as lotCode, b.gtin, pd.name_zh as productZh, pd.name_en as productEn, p.name_zh as producerZh
    from trace_events e
    join batches b on b.id = e.batch_id
    join products pd on pd.id = b.product_id
    join producers p on p.id = b.producer_id
    where e.type = 'correction' and json_extract(e.content, '$.payload.inspectorReview') = 1
    order by b.id`);
  const out: ReviewQueueItem[] = [];
  for (const lot of lots) {
    const { contents } = getLotChain(db, lot.batchId);
    const bySeq = new Map(contents.map((c) => [c.seq, c]));
    for (const views of correctionViews(contents).values()) {
      for (const v of views) {
        if (v.status !== "pending") continue;
        const t = bySeq.get(v.correctsSeq);
        out.push({
          ...lot,
          correction: v,
          target: t ? { seq: t.seq, type: t.type, occurredAt: t.occurredAt, payload: t.payload as Record<string, unknown> } : null,
        });
      }
    }
  }
  out.sort((a, b) => a.correction.recordedAt - b.correction.recordedAt);
  return out.slice(0, limit);
}

/**
 * An inspector accepts or rejects a held correction, with a note: a platform-signed
 * correction_review event on the lot's chain. Accepting puts the correction in force (and may
 * lift the finding that held it); rejecting leaves the original record standing.
 */
export function reviewCorrection(
  db: Db,
  actor: AppActor,
  input: { batchId: number; correctionSeq: number; decision: PayloadOf<"correction_review">["decision"]; note: string },
  now = Date.now(),
): void {
  if (!canReviewCorrections(actor)) throw new ForbiddenError();
  const note = input.note.trim();
  if (!note || note.length > REVIEW_NOTE_MAX) throw new TraceRuleError("correctionReview.error.note", { max: REVIEW_NOTE_MAX });
  const lot = db.get<{ id: number }>(sql`select id from batches where id = ${input.batchId}`);
  if (!lot) throw new NotFoundError("batch");
  // Read and append in one IMMEDIATE transaction so two inspectors cannot both decide.
  db.$client
    .transaction(() => {
      const state = correctionStates(getLotChain(db, input.batchId).contents).get(input.correctionSeq);
      if (!state) throw new TraceRuleError("correctionReview.error.notFound", { seq: input.correctionSeq });
      if (state.status !== "pending") throw new TraceRuleError("correctionReview.error.decided", { seq: input.correctionSeq });
      recordPlatformEvent(
        db,
        input.batchId,
        { type: "correction_review", occurredAt: now, payload: { correctionSeq: input.correctionSeq, decision: input.decision, note } },
        actor.id,
      );
    })
    .immediate();
}

/** A corrected record with its corrections, as an inspector reads it in place. */
export interface CorrectedRecordView {
  seq: number;
  type: EventContent["type"];
  occurredAt: number;
  /** What the record named, for inputs (the product). */
  productName: string | null;
  /** What the corrections in force did to it: retracted, corrected (date or details), or nothing yet. */
  outcome: "retracted" | "corrected" | null;
  corrections: CorrectionView[];
}

/** Every record of the chain that has at least one correction, in chain order. */
export function correctedRecords(contents: EventContent[]): CorrectedRecordView[] {
  const views = correctionViews(contents);
  const out: CorrectedRecordView[] = [];
  for (const c of contents) {
    const list = views.get(c.seq);
    if (!list) continue;
    // In force: applied at once, or accepted by an inspector; pending and rejected change nothing.
    const inForce = list.filter((v) => v.status === "applied" || v.status === "accepted");
    const payload = c.payload as Record<string, unknown>;
    out.push({
      seq: c.seq,
      type: c.type,
      occurredAt: c.occurredAt,
      productName: typeof payload.productName === "string" ? payload.productName : null,
      outcome: inForce.some((v) => v.kinds.includes("retract")) ? "retracted" : inForce.length ? "corrected" : null,
      corrections: list,
    });
  }
  return out;
}
