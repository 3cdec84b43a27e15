/**
 * Consumers' problem reports (sent from a lot's trace page) reach someone: the inspectors' inbox
 * with a status (open 新 / in_progress 处理中 / closed 已处理) and a note, the producer of the lot,
 * and a recall an inspector opens from a report. Plain module, no Remix.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { PROBLEM_REPORT_STATUSES, type ProblemReportStatus } from "../db/schema";
import { canManageProducer, hasRole, type Actor as AppActor } from "../core/permissions";
import { ForbiddenError, NotFoundError } from "../core/errors";
import { maskPhone } from "../core/phone";
import { openRecall, type OpenRecallResult } from "./recall";
import { TraceRuleError } from "./store";

export { PROBLEM_REPORT_STATUSES, type ProblemReportStatus };
export const REPORT_NOTE_MAX = 500;

export function canHandleReports(actor: AppActor | null | undefined): boolean {
  return hasRole(actor, "inspector", "platform_admin");
}

export interface ProblemReportView {
  id: number;
  batchId: number;
  lotCode: string;
  gtin: string | null;
  productZh: string;
  productEn: string;
  producerId: number;
  producerZh: string;
  kind: "quality" | "label" | "counterfeit" | "safety" | "other";
  message: string;
  /** Full for inspectors, masked for the producer. */
  contactPhone: string | null;
  status: ProblemReportStatus;
  note: string | null;
  handledAt: number | null;
  recallId: number | null;
  createdAt: number;
}

type Row = Omit<ProblemReportView, "contactPhone"> & { contactPhone: string | null };

const SELECT = sql`
  select r.id, r.batch_id as batchId, b.lot_code as lotCode, b.gtin, pd.name_zh as productZh, pd.name_en as productEn,
         b.producer_id as producerId, p.name_zh as producerZh, r.kind, r.message, r.contact_phone as contactPhone,
         r.status, r.note, r.handled_at as handledAt, r.recall_id as recallId, r.created_at as createdAt
  from problem_reports r
  join batches b on b.id = r.batch_id
  join products pd on pd.id = b.product_id
  join producers p on p.id = b.producer_id`;

/** The inspectors' inbox: unhandled first (新, then 处理中), newest first within each; then the handled ones. */
export function reportInbox(db: Db, actor: AppActor, opts: { status?: ProblemReportStatus; limit?: number } = {}): ProblemReportView[] {
  if (!canHandleReports(actor)) throw new ForbiddenError();
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
  const where = opts.status ? sql`where r.status = ${opts.status}` : sql``;
  return db.all<Row>(sql`${SELECT} ${where}
    order by case r.status when 'open' then 0 when 'in_progress' then 1 else 2 end, r.created_at desc, r.id desc
    limit ${limit}`);
}

export function getReport(db: Db, actor: AppActor, reportId: number): ProblemReportView {
  if (!canHandleReports(actor)) throw new ForbiddenError();
  const row = db.get<Row>(sql`${SELECT} where r.id = ${reportId}`);
  if (!row) throw new NotFoundError("report");
  return row;
}

/** An inspector sets a report's status and note (the note is what the producer reads). */
export function updateReport(
  db: Db,
  actor: AppActor,
  input: { reportId: number; status: ProblemReportStatus; note: string | null },
  now = Date.now(),
): ProblemReportView {
  if (!canHandleReports(actor)) throw new ForbiddenError();
  if (!PROBLEM_REPORT_STATUSES.includes(input.status)) throw new TraceRuleError("reports.error.status");
  const note = input.note?.trim() || null;
  if (note && note.length > REPORT_NOTE_MAX) throw new TraceRuleError("reports.error.note", { max: REPORT_NOTE_MAX });
  const changed = db.run(sql`
    update problem_reports set status = ${input.status}, note = coalesce(${note}, note), handled_by = ${actor.id}, handled_at = ${now}
    where id = ${input.reportId}`);
  if (changed.changes === 0) throw new NotFoundError("report");
  return getReport(db, actor, input.reportId);
}

/**
 * An inspector opens a recall of the reported lot (traceability/recall.ts openRecall); the report
 * is linked to it and marked 处理中. An already recalled lot links the report to the open recall.
 */
export function openRecallFromReport(db: Db, actor: AppActor, reportId: number, reason: string, now = Date.now()): OpenRecallResult | { recallId: number } {
  if (!canHandleReports(actor)) throw new ForbiddenError();
  const report = getReport(db, actor, reportId);
  return db.$client.transaction(() => {
    let result: OpenRecallResult | { recallId: number };
    try {
      result = openRecall(db, actor, report.batchId, reason, now);
    } catch (e) {
      const open =
        e instanceof TraceRuleError && e.messageKey === "recall.error.alreadyOpen"
          ? db.get<{ id: number }>(sql`select id from recalls where batch_id = ${report.batchId} and closed_at is null`)
          : undefined;
      if (!open) throw e;
      result = { recallId: open.id };
    }
    db.run(sql`
      update problem_reports set recall_id = ${result.recallId}, handled_by = ${actor.id}, handled_at = ${now},
             status = case status when 'open' then 'in_progress' else status end
      where id = ${reportId}`);
    return result;
  })();
}

/** Reports about the lots of producers this user manages (one lot, or all of them), newest first. */
export function reportsForProducer(db: Db, actor: AppActor, opts: { producerId: number; batchId?: number; limit?: number }): ProblemReportView[] {
  if (!canManageProducer(actor, opts.producerId)) throw new ForbiddenError();
  const byLot = opts.batchId !== undefined ? sql`and r.batch_id = ${opts.batchId}` : sql``;
  const rows = db.all<Row>(sql`${SELECT} where b.producer_id = ${opts.producerId} ${byLot}
    order by r.created_at desc, r.id desc limit ${Math.min(opts.limit ?? 50, 200)}`);
  // The producer learns what is wrong, not the consumer's number.
  return rows.map((r) => ({ ...r, contactPhone: r.contactPhone ? maskPhone(r.contactPhone) : null }));
}

/** Unhandled reports count, for the inspector's inbox heading. */
export function openReportCount(db: Db): number {
  return db.get<{ n: number }>(sql`select count(*) as n from problem_reports where status != 'closed'`)?.n ?? 0;
}
