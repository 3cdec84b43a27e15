/**
 * Form schemas for the admin point pages (/admin/logistics/points/…), one per form. Messages are
 * i18n keys (logistics-points.ts), the same keys the domain (logistics/points-admin.ts) throws, so
 * a rule broken past the form reads the same. Bundled for the browser: imports no *.server module
 * and no drizzle table (limits come from logistics/point-rules.ts).
 */
import { z } from "zod";
import {
  ADDRESS_MAX,
  CHINA_BOUNDS,
  HOLDING_DAYS,
  isStaffedKind,
  MAX_PARCEL_CAPACITY,
  NAME_MAX,
  POINT_KINDS,
  SIZES,
  SLOTS_PER_CALL,
  TOWNSHIP_MAX,
  validOpeningHours,
} from "../../logistics/point-rules";

const id = (message: string) => z.number({ required_error: message, invalid_type_error: message }).int(message).positive(message);
const holding = z
  .number({ required_error: "pointsAdmin.error.holdingDays", invalid_type_error: "pointsAdmin.error.holdingDays" })
  .int("pointsAdmin.error.holdingDays")
  .min(HOLDING_DAYS.min, "pointsAdmin.error.holdingDays")
  .max(HOLDING_DAYS.max, "pointsAdmin.error.holdingDays");

/** The point form (new and edit). Empty optional fields arrive as undefined (Conform). */
export const PointSchema = z
  .object({
    kind: z.enum(POINT_KINDS, { errorMap: () => ({ message: "pointsAdmin.error.kind" }) }),
    name: z.string({ required_error: "pointsAdmin.error.name" }).trim().min(1, "pointsAdmin.error.name").max(NAME_MAX, "pointsAdmin.error.name"),
    address: z.string({ required_error: "pointsAdmin.error.address" }).trim().min(1, "pointsAdmin.error.address").max(ADDRESS_MAX, "pointsAdmin.error.address"),
    county: id("pointsAdmin.error.county"),
    township: z.string().trim().max(TOWNSHIP_MAX, "pointsAdmin.error.township").optional(),
    village: id("pointsAdmin.error.villageCounty").optional(),
    lat: z
      .number({ required_error: "pointsAdmin.error.lat", invalid_type_error: "pointsAdmin.error.lat" })
      .min(CHINA_BOUNDS.minLat, "pointsAdmin.error.lat")
      .max(CHINA_BOUNDS.maxLat, "pointsAdmin.error.lat"),
    lng: z
      .number({ required_error: "pointsAdmin.error.lng", invalid_type_error: "pointsAdmin.error.lng" })
      .min(CHINA_BOUNDS.minLng, "pointsAdmin.error.lng")
      .max(CHINA_BOUNDS.maxLng, "pointsAdmin.error.lng"),
    parcelCapacity: z
      .number({ invalid_type_error: "pointsAdmin.error.capacity" })
      .int("pointsAdmin.error.capacity")
      .positive("pointsAdmin.error.capacity")
      .max(MAX_PARCEL_CAPACITY, "pointsAdmin.error.capacity")
      .optional(),
    openingHours: z.string({ required_error: "pointsAdmin.error.hours" }).trim().refine(validOpeningHours, "pointsAdmin.error.hours"),
    holdingDaysFresh: holding,
    holdingDaysOther: holding,
    route: id("pointsAdmin.error.route").optional(),
    active: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (isStaffedKind(v.kind) && v.parcelCapacity === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["parcelCapacity"], message: "pointsAdmin.error.capacity" });
    }
    if (!isStaffedKind(v.kind) && v.parcelCapacity !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["parcelCapacity"], message: "pointsAdmin.error.lockerCapacity" });
    }
  });

export const AddSlotsSchema = z.object({
  intent: z.literal("addSlots"),
  size: z.enum(SIZES, { errorMap: () => ({ message: "pointsAdmin.error.slotSize" }) }),
  chilled: z.boolean().optional(),
  count: z
    .number({ required_error: "pointsAdmin.error.slotCount", invalid_type_error: "pointsAdmin.error.slotCount" })
    .int("pointsAdmin.error.slotCount")
    .min(SLOTS_PER_CALL.min, "pointsAdmin.error.slotCount")
    .max(SLOTS_PER_CALL.max, "pointsAdmin.error.slotCount"),
});

export const AddOperatorSchema = z.object({
  intent: z.literal("addOperator"),
  phone: z.string({ required_error: "pointsAdmin.error.phone" }).trim().min(1, "pointsAdmin.error.phone").max(30, "pointsAdmin.error.phone"),
});

/** The small one-button forms (no fields to show errors next to). */
export const SlotServiceSchema = z.object({
  intent: z.enum(["slotOut", "slotIn", "slotDelete"]),
  slotId: z.coerce.number().int().positive(),
});
export const RemoveOperatorSchema = z.object({ intent: z.literal("removeOperator"), userId: z.coerce.number().int().positive() });

export type PointFormValue = z.output<typeof PointSchema>;
