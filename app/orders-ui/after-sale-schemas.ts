/** Form schemas for disputes and ratings: messages are i18n keys (FieldError translates them). */
import { z } from "zod";
import { DISPUTE_KINDS } from "../../db/enums";
import { parseYuanToFen } from "../../core/money";

/** The dispute kinds, for the form's options (safe in the browser, unlike ~/market.server). */
export { DISPUTE_KINDS };

const Body = z.string({ required_error: "disputes.error.body" }).trim().min(1, "disputes.error.body").max(2000, "disputes.error.bodyLong");

export const OpenDisputeSchema = z.object({
  kind: z.enum(DISPUTE_KINDS, { errorMap: () => ({ message: "disputes.error.kind" }) }),
  body: Body,
  /** Files are read by the action (app/utils/upload.server.ts); declared here for their field errors. */
  photos: z.any().optional(),
});

export const DisputeMessageSchema = z.object({ body: Body });

export const DecideDisputeSchema = z
  .object({
    outcome: z.enum(["full", "partial", "reject"], { errorMap: () => ({ message: "disputes.error.outcome" }) }),
    amount: z.string().trim().optional(),
    note: z.string().trim().max(1000, "disputes.error.bodyLong").optional(),
  })
  .superRefine((v, ctx) => {
    if (v.outcome !== "partial") return;
    const fen = v.amount ? parseYuanToFen(v.amount) : null;
    if (fen == null || fen <= 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["amount"], message: "refunds.error.amount" });
  });

export const RatingSchema = z.object({
  stars: z.coerce
    .number({ invalid_type_error: "ratings.error.stars", required_error: "ratings.error.stars" })
    .int("ratings.error.stars")
    .min(1, "ratings.error.stars")
    .max(5, "ratings.error.stars"),
  body: z.string().trim().max(500, "ratings.error.body").optional(),
  /** Files are read by the action (app/utils/upload.server.ts); declared here for their field errors. */
  photos: z.any().optional(),
});
