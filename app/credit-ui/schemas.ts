/** Form schemas for producer verification and the poverty-alleviation designation (issue 12 §2); messages are i18n keys. */
import { z } from "zod";

const producerId = z.coerce.number().int().positive().max(2_147_483_647);
const note = z.string().trim().max(500, "verification.error.noteLong").default("");

export const LicenceDecisionSchema = z
  .object({
    intent: z.literal("licence"),
    producerId,
    decision: z.enum(["approved", "rejected"], { errorMap: () => ({ message: "error.badRequest" }) }),
    note,
  })
  .refine((v) => v.decision !== "rejected" || v.note.length > 0, { message: "verification.error.noteRequired", path: ["note"] });

export const PovertySchema = z.object({
  intent: z.literal("poverty"),
  producerId,
  designation: z.enum(["set", "cleared"], { errorMap: () => ({ message: "error.badRequest" }) }),
  reason: z
    .string({ required_error: "verification.error.reasonRequired" })
    .trim()
    .min(1, "verification.error.reasonRequired")
    .max(500, "verification.error.noteLong"),
});

export const SubmitLicenceSchema = z.object({
  legalRepName: z.string({ required_error: "verification.error.legalRep" }).trim().min(2, "verification.error.legalRep").max(40, "verification.error.legalRep"),
  /** The file is read by the action (app/utils/upload.server.ts); declared here for its field errors. */
  licence: z.any().optional(),
});
