/**
 * Server side of the inspector pages: gathers a lot's summary, chain verification, compliance
 * findings and sales for /inspect/lots/:batchId, and re-exports the recall module for the routes
 * (a .server module, so none of it reaches the browser bundle).
 */
import type { Db } from "../../db/client";
import type { Locale } from "~/i18n";
import { findingMessage } from "../../traceability/compliance";
import { formatMessage, type TraceMessageKey } from "../../traceability/messages";
import { getRecall, getRecallLot, openRecallOfLot, producerRecallHistory, recallAffected, recallProgress, tracePath } from "../../traceability/recall";
import { correctedRecords, type CorrectedRecordView } from "../../traceability/corrections";
import { getLotChain, lotCompliance, verifyLot } from "../../traceability/store";

export {
  closeRecall,
  getRecall,
  getRecallLot,
  listRecalls,
  openRecall,
  recallAffected,
  recallReportCsv,
  recallReportFileName,
  recallReportFor,
  recordProducerStockDestroyed,
  searchLots,
  tracePath,
} from "../../traceability/recall";
export { TraceRuleError } from "../../traceability/store";

export type ChainStatus =
  { state: "ok"; checked: number; message: string } | { state: "failed"; failedAt: number; message: string } | { state: "empty" } | { state: "unavailable" };

/** Everything the lot page shows. Verification is strict here: an inspector's check is an audit. */
export function inspectLot(db: Db, batchId: number, locale: Locale) {
  const lot = getRecallLot(db, batchId);
  if (!lot) return null;
  let chain: ChainStatus;
  try {
    const r = verifyLot(db, batchId, { strict: true });
    if (r.ok) {
      chain =
        r.checked === 0 ? { state: "empty" } : { state: "ok", checked: r.checked, message: formatMessage(locale, "trace.verify.ok", { checked: r.checked }) };
    } else {
      chain = {
        state: "failed",
        failedAt: r.failedAt,
        message: formatMessage(locale, `trace.verify.${r.reason}` as TraceMessageKey, { seq: r.failedAt }),
      };
    }
  } catch {
    chain = { state: "unavailable" };
  }
  let findings: { seq: number | null; message: string }[] | null;
  try {
    findings = lotCompliance(db, batchId).map((f) => ({ seq: f.eventSeq, message: findingMessage(f, locale) }));
  } catch {
    findings = null;
  }
  // Corrections in place: each corrected record with what was asked, why, by whom, and its review.
  let corrections: CorrectedRecordView[] | null;
  try {
    corrections = correctedRecords(getLotChain(db, batchId).contents);
  } catch {
    corrections = null;
  }
  return {
    lot,
    corrections,
    tracePath: tracePath(lot),
    recall: openRecallOfLot(db, batchId),
    chain,
    findings,
    affected: recallAffected(db, batchId, { limit: 200 }),
  };
}

/** The recall page: the recall, its lot, everyone affected, and whether the chain carries the recall event. */
export function recallView(db: Db, recallId: number) {
  const recall = getRecall(db, recallId);
  if (!recall) return null;
  const lot = getRecallLot(db, recall.batchId)!;
  const chainRecorded = db.$client.prepare(`select 1 from trace_events where type = 'recall' and batch_id = ? limit 1`).get(recall.batchId) !== undefined;
  // Recall refunds, by state (market/orders/recall-refunds.ts writes them; read here as plain rows).
  const refunds = db.$client
    .prepare(
      `select coalesce(sum(method = 'stripe' and status = 'succeeded'), 0) as succeeded, coalesce(sum(method = 'cash' and status = 'pending'), 0) as cash,
              coalesce(sum(status = 'failed'), 0) as failed
       from refunds where recall_id = ?`,
    )
    .get(recallId) as { succeeded: number; cash: number; failed: number };
  return {
    recall,
    lot,
    tracePath: tracePath(lot),
    chainRecorded,
    affected: recallAffected(db, recall.batchId, { limit: 500 }),
    progress: recallProgress(db, recallId)!,
    history: producerRecallHistory(db, recall.producerId, 50),
    refunds,
  };
}

export { correctionReviewQueue, reviewCorrection } from "../../traceability/corrections";
export { openRecallFromReport, reportInbox, updateReport } from "../../traceability/reports";
