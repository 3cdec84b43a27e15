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
    quantity: z.coerce.number({ invalid_type_error: "recall.error.quantity" }).int("recall.error.quantity").min(1, "recall.error.quantity").max(10_000_000, "recall.error.quantity"),
    note: z.string().trim().max(200).default(""),
  }),
  z.object({ intent: z.literal("refunds") }),
]);

/** GET /inspect?q= */
export const LotSearchSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
});
