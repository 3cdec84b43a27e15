/** Forms of the cooperative member pages (issue 12 §3): one zod schema per form, shared by browser and server. */
import { z } from "zod";
import { COOP_MEMBER_ROLES } from "../../db/enums";
import { normalisePhone } from "../../core/phone";

const role = z.enum(COOP_MEMBER_ROLES, { errorMap: () => ({ message: "coop.error.role" }) });
const memberId = z.coerce.number().int().positive().max(2_147_483_647);

export const InviteMemberSchema = z.object({
  intent: z.literal("invite"),
  producerId: z.coerce.number().int().positive().max(2_147_483_647),
  phone: z
    .string({ required_error: "coop.error.phoneInvalid" })
    .trim()
    .refine((v) => normalisePhone(v) !== null, "coop.error.phoneInvalid"),
  householdName: z.string({ required_error: "coop.error.householdName" }).trim().min(1, "coop.error.householdName").max(40, "coop.error.householdName"),
  role,
});

/** Change a member's role, or remove a member / withdraw an invitation. */
export const MemberChangeSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("role"), memberId, role }),
  z.object({ intent: z.literal("remove"), memberId }),
]);

export const InvitationAnswerSchema = z.object({
  invitationId: z.coerce.number().int().positive().max(2_147_483_647),
  answer: z.enum(["accept", "decline"]),
});
