/**
 * What the farmer's lot page shows, in the viewer's language: the timeline (every stored event,
 * with corrections applied and marked), the chain verification and the compliance findings in
 * plain words. Also turns ComplianceBlockedError's blockers into messages for the listing page.
 */
import { shanghaiDate } from "../../core/clock";
import type { Db } from "../../db/client";
import { correctionStates, effectiveEvents, type CorrectionStatus } from "../../traceability/chain";
import { findingMessage, type Finding } from "../../traceability/compliance";
import { formatMessage, type TraceLocale, type TraceMessageKey } from "../../traceability/messages";
import { getLotChain, lotCompliance, verifyLot, type LotBlockers } from "../../traceability/store";
import type { TraceEventType } from "../../traceability/types";
import type { VerifyResult } from "../../traceability/verify";

export type TimelineItem = {
  seq: number;
  type: TraceEventType;
  /** YYYY-MM-DD (Asia/Shanghai) as recorded. */
  date: string;
  /** The corrected date, when a correction moved it. */
  correctedDate: string | null;
  recordedAt: number;
  /** The payload as it stands after corrections (the original one when retracted). */
  payload: Record<string, unknown>;
  /** Only on corrections. */
  correctsSeq: number | null;
  correctedBy: number[];
  retracted: boolean;
  /** On corrections: in force (applied / accepted) or not (pending = 待监管审核, rejected). */
  correctionStatus: CorrectionStatus | null;
  /** On inspectors' decisions: which correction, the decision and the note. */
  review: { correctionSeq: number; decision: "accepted" | "rejected"; note: string } | null;
  /** Plain-language compliance findings about this event. */
  findings: string[];
};

export type VerificationView = { ok: boolean; checked: number; message: string };
export type FindingView = { seq: number | null; text: string };

export function verificationView(result: VerifyResult, locale: TraceLocale): VerificationView {
  if (result.ok) return { ok: true, checked: result.checked, message: formatMessage(locale, "trace.verify.ok", { checked: result.checked }) };
  return {
    ok: false,
    checked: result.checked,
    message: formatMessage(locale, `trace.verify.${result.reason}` as TraceMessageKey, { seq: result.failedAt }),
  };
}

export function findingViews(findings: Finding[], locale: TraceLocale): FindingView[] {
  return findings.map((f) => ({ seq: f.eventSeq, text: findingMessage(f, locale) }));
}

export function lotView(db: Db, batchId: number, locale: TraceLocale) {
  const { contents } = getLotChain(db, batchId);
  const effective = new Map(effectiveEvents(contents).map((e) => [e.seq, e]));
  const states = correctionStates(contents);
  const findings = lotCompliance(db, batchId);
  const verification = verificationView(verifyLot(db, batchId), locale);
  const findingTexts = findingViews(findings, locale);

  const timeline: TimelineItem[] = contents.map((c) => {
    const eff = effective.get(c.seq);
    const retracted = c.type !== "correction" && c.type !== "correction_review" && !eff;
    const correctedBy = eff?.correctedBy ?? contents.filter((x) => x.type === "correction" && x.correctsSeq === c.seq).map((x) => x.seq);
    return {
      seq: c.seq,
      type: c.type,
      date: shanghaiDate(c.occurredAt),
      correctedDate: eff && eff.occurredAt !== c.occurredAt ? shanghaiDate(eff.occurredAt) : null,
      recordedAt: c.recordedAt,
      payload: ((eff && !retracted ? eff.payload : c.payload) ?? {}) as Record<string, unknown>,
      correctsSeq: c.correctsSeq ?? null,
      correctedBy,
      retracted,
      correctionStatus: c.type === "correction" ? (states.get(c.seq)?.status ?? null) : null,
      review: c.type === "correction_review" ? { correctionSeq: c.payload.correctionSeq, decision: c.payload.decision, note: c.payload.note } : null,
      findings: findingTexts.filter((f) => f.seq === c.seq).map((f) => f.text),
    };
  });
  const pendingReview = [...states.values()].filter((x) => x.status === "pending").map((x) => x.seq);
  return { timeline, verification, findings: findingTexts, findingCodes: findings.map((f) => f.code), pendingReview };
}

export type BlockerView = { batchId: number; lotCode: string; items: FindingView[] };

/** ComplianceBlockedError's blockers in plain words, each finding with the event it is about. */
export function blockerViews(blockers: LotBlockers[], locale: TraceLocale): BlockerView[] {
  return blockers.map((b) => ({ batchId: b.batchId, lotCode: b.lotCode, items: findingViews(b.findings, locale) }));
}
export { reportsForProducer } from "../../traceability/reports";
