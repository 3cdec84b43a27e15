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
});

/** GET /inspect?q= */
export const LotSearchSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
});
