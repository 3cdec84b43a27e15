/** Inspector forms (bundled for the browser too: no server imports). Messages are i18n keys. */
import { z } from "zod";

/** Same limit as RECALL_REASON_MAX in traceability/recall.ts. */
export const RECALL_REASON_MAX = 500;

export const OpenRecallSchema = z.object({
  reason: z
    .string({ required_error: "recall.error.reasonRequired", invalid_type_error: "recall.error.reasonRequired" })
    .trim()
    .min(1, "recall.error.reasonRequired")
    .max(RECALL_REASON_MAX, "recall.error.reasonTooLong"),
  grade: z.coerce
    .number({ invalid_type_error: "recall.error.grade" })
    .int("recall.error.grade")
    .min(1, "recall.error.grade")
    .max(3, "recall.error.grade")
    .default(1),
  /** YYYY-MM-DD (Asia/Shanghai); empty = by grade. */
  deadline: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "recall.error.deadline")
    .optional(),
});

/** POST /inspect/recalls/:id — close, or record the producer's stock destroyed, or retry refunds. */
export const RecallActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("close"),
    note: z.string({ required_error: "recall.error.note" }).trim().min(1, "recall.error.note").max(1000, "recall.error.note"),
  }),
  z.object({
    intent: z.literal("stockDestroyed"),
    quantity: z.coerce
      .number({ invalid_type_error: "recall.error.quantity" })
      .int("recall.error.quantity")
      .min(1, "recall.error.quantity")
      .max(10_000_000, "recall.error.quantity"),
    note: z.string().trim().max(200).default(""),
  }),
  z.object({ intent: z.literal("refunds") }),
]);

/** GET /inspect?q= */
export const LotSearchSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
});

/** POST /inspect intent=review: an inspector's decision on a held correction. */
export const ReviewCorrectionSchema = z.object({
  intent: z.literal("review"),
  batchId: z.coerce.number().int().positive(),
  correctionSeq: z.coerce.number().int().positive(),
  decision: z.enum(["accepted", "rejected"], { errorMap: () => ({ message: "correctionReview.error.note" }) }),
  note: z.string({ required_error: "correctionReview.error.note" }).trim().min(1, "correctionReview.error.note").max(500, "correctionReview.error.note"),
});

/** POST /inspect intent=report: a consumer report's status and note. */
export const UpdateReportSchema = z.object({
  intent: z.literal("report"),
  reportId: z.coerce.number().int().positive(),
  status: z.enum(["open", "in_progress", "closed"], { errorMap: () => ({ message: "reports.error.status" }) }),
  note: z.string().trim().max(500, "reports.error.note").optional(),
});

/** POST /inspect intent=recall: open a recall from a consumer report. */
export const RecallFromReportSchema = z.object({
  intent: z.literal("recall"),
  reportId: z.coerce.number().int().positive(),
  reason: OpenRecallSchema.shape.reason,
});

export const InspectInboxSchema = z.discriminatedUnion("intent", [ReviewCorrectionSchema, UpdateReportSchema, RecallFromReportSchema]);
