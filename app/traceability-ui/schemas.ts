/**
 * Form schemas for the farmer's traceability records (plots, batches, chain events) and the
 * admin inputs catalogue. Shared by actions (server) and Conform (browser, when JavaScript runs),
 * so this module must stay browser-safe: no db/schema, no *.server, no traceability/inputs (node:fs).
 * Messages are i18n keys (farmTrace.*), translated by FieldError.
 */
import { isRealIsoDate, shanghaiToday } from "../../core/clock";
import { z } from "zod";
import type { AgriInputKind, Unit } from "../../db/schema";
import { CROPS } from "../../traceability/crops";
import { validateGtin14, validateLot } from "../../traceability/gtin";
import { APPLICATION_METHODS, INPUT_KINDS, TOXICITY_CLASSES, TRACE_UNITS } from "../../traceability/types";

export const UNITS = TRACE_UNITS satisfies readonly Unit[];
export const CROP_KEYS = Object.keys(CROPS);
export { APPLICATION_METHODS, INPUT_KINDS, TOXICITY_CLASSES };
export const AGRI_INPUT_KINDS = ["seed", "fertilizer", "pesticide", "veterinary_drug", "feed"] as const satisfies readonly AgriInputKind[];

/** The event forms a farmer fills in, in the order the buttons show them. */
export const EVENT_FORM_TYPES = ["input_application", "harvest", "inspection", "packing", "shipping", "correction"] as const;
export type EventFormType = (typeof EVENT_FORM_TYPES)[number];
export function isEventFormType(value: string | undefined): value is EventFormType {
  return (EVENT_FORM_TYPES as readonly string[]).includes(value ?? "");
}

const text = (max: number, tooLong = "farmTrace.tooLong") => z.string().trim().max(max, tooLong);
const requiredText = (max: number, required: string) =>
  z.string({ required_error: required, invalid_type_error: required }).trim().min(1, required).max(max, "farmTrace.tooLong");

/** A day on or before today (Asia/Shanghai). */
export const DateField = z
  .string({ required_error: "farmTrace.date.required", invalid_type_error: "farmTrace.date.required" })
  .trim()
  .refine(isRealIsoDate, "farmTrace.date.invalid")
  .refine((d) => d >= "2000-01-01", "farmTrace.date.invalid")
  .refine((d) => d <= shanghaiToday(), "farmTrace.date.future");

const positive = (required: string, max = 1_000_000_000) =>
  z
    .number({ required_error: required, invalid_type_error: "farmTrace.number.invalid" })
    .positive("farmTrace.number.positive")
    .max(max, "farmTrace.number.tooLarge");
const optionalPositive = (max = 1_000_000_000) =>
  z.number({ invalid_type_error: "farmTrace.number.invalid" }).positive("farmTrace.number.positive").max(max, "farmTrace.number.tooLarge").optional();
const id = (required: string) => z.number({ required_error: required, invalid_type_error: required }).int(required).positive(required);

// ─── plots ───────────────────────────────────────────────────────────────────

export const PlotSchema = z
  .object({
    producerId: id("farmTrace.producer.required"),
    name: requiredText(40, "farmTrace.plot.name.required"),
    areaMu: optionalPositive(1_000_000),
    lat: z.number({ invalid_type_error: "farmTrace.plot.lat.invalid" }).min(-90, "farmTrace.plot.lat.invalid").max(90, "farmTrace.plot.lat.invalid").optional(),
    lng: z
      .number({ invalid_type_error: "farmTrace.plot.lng.invalid" })
      .min(-180, "farmTrace.plot.lng.invalid")
      .max(180, "farmTrace.plot.lng.invalid")
      .optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.lat === undefined) !== (v.lng === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [v.lat === undefined ? "lat" : "lng"], message: "farmTrace.plot.latLngPair" });
    }
  });

// ─── batches ─────────────────────────────────────────────────────────────────

export const NewBatchSchema = z
  .object({
    productId: id("farmTrace.batch.product.required"),
    plotId: z.number().int().positive().optional(),
    /** A cooperative's member household that grows the lot (issue 12 §3). */
    householdId: z.number().int().positive().optional(),
    crop: z.string().trim().optional(),
    cropOther: text(60).optional(),
    variety: text(60).optional(),
    plantedAt: DateField,
    gtin: z.string().trim().optional(),
    lotCode: z.string().trim().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.crop && !CROP_KEYS.includes(v.crop)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["crop"], message: "farmTrace.batch.crop.required" });
    }
    if (v.gtin) {
      const r = validateGtin14(v.gtin);
      if (!r.ok) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["gtin"], message: `farmTrace.gtin.${r.reason}` });
    }
    if (v.lotCode) {
      const r = validateLot(v.lotCode);
      if (!r.ok) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["lotCode"], message: `farmTrace.lot.${r.reason}` });
    }
  })
  .transform((v) => ({
    ...v,
    /** Typed text wins over the list; both empty: the action infers the crop from the product's name. */
    cropValue: v.cropOther || v.crop || null,
    gtin14: v.gtin ? (validateGtin14(v.gtin) as { ok: true; gtin14: string }).gtin14 : null,
  }));

/** A manager moves a cooperative lot to another member household (or none): recorded in the open. */
export const BatchHouseholdSchema = z.object({
  intent: z.literal("household"),
  householdId: z.coerce.number().int().positive().optional(),
});

export const LinkListingSchema = z.object({
  intent: z.literal("link"),
  listingId: id("farmTrace.link.listing.required"),
});

// ─── events ──────────────────────────────────────────────────────────────────

export const InputApplicationSchema = z
  .object({
    date: DateField,
    /** A catalogue entry (agri_inputs.id), or … */
    inputId: z.number().int().positive().optional(),
    /** … an input typed by the farmer. */
    productName: text(100).optional(),
    inputKind: z.enum(INPUT_KINDS, { invalid_type_error: "farmTrace.input.kind.required" }).optional(),
    activeIngredient: text(100).optional(),
    registrationNo: text(40).optional(),
    /** Kept short: the area is appended to it in the payload (which has no area field). */
    dose: text(40).optional(),
    areaMu: optionalPositive(1_000_000),
    method: z.enum(APPLICATION_METHODS).optional(),
    /**
     * The registered use on the pesticide's label (农药管理条例 第三十四条): needed for a typed-in
     * pesticide, and for a catalogue pesticide the catalogue has no use for on this crop (the action
     * checks that); a crop key, a crop-group term or the label's wording.
     */
    registeredCrop: text(60).optional(),
    labelIntervalDays: z
      .number({ invalid_type_error: "farmTrace.number.invalid" })
      .int("farmTrace.number.invalid")
      .min(0, "farmTrace.number.invalid")
      .max(3650, "farmTrace.number.tooLarge")
      .optional(),
    labelMaxApplications: z
      .number({ invalid_type_error: "farmTrace.number.invalid" })
      .int("farmTrace.number.invalid")
      .positive("farmTrace.number.positive")
      .max(100, "farmTrace.number.tooLarge")
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.inputId === undefined && !v.productName) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["inputId"], message: "farmTrace.input.choose" });
    }
    if (v.inputId === undefined && v.productName && !v.inputKind) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["inputKind"], message: "farmTrace.input.kind.required" });
    }
    // A typed-in pesticide: the label's registered crop and interval, always.
    if (v.inputId === undefined && v.productName && v.inputKind === "pesticide") {
      if (!v.registeredCrop) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["registeredCrop"], message: "farmTrace.input.registeredCrop.required" });
      if (v.labelIntervalDays === undefined)
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["labelIntervalDays"], message: "farmTrace.input.labelInterval.required" });
    }
    // Half a declaration is no declaration.
    if (v.registeredCrop && v.labelIntervalDays === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["labelIntervalDays"], message: "farmTrace.input.labelInterval.required" });
    }
    if (!v.registeredCrop && v.labelIntervalDays !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["registeredCrop"], message: "farmTrace.input.registeredCrop.required" });
    }
  });

export const HarvestSchema = z.object({
  date: DateField,
  quantity: positive("farmTrace.quantity.required"),
  unit: z.enum(UNITS, { required_error: "farmTrace.unit.required", invalid_type_error: "farmTrace.unit.required" }),
});

export const INSPECTION_KINDS = ["rapid_test", "lab_test", "self_check"] as const;
export const InspectionSchema = z.object({
  date: DateField,
  kind: z.enum(INSPECTION_KINDS, { required_error: "farmTrace.inspection.kind.required", invalid_type_error: "farmTrace.inspection.kind.required" }),
  result: z.enum(["pass", "fail"], { required_error: "farmTrace.inspection.result.required", invalid_type_error: "farmTrace.inspection.result.required" }),
  inspector: text(100).optional(),
  reportNo: text(60).optional(),
  notes: text(300).optional(),
});

const commitment = z
  .boolean({ invalid_type_error: "farmTrace.cert.commit.required" })
  .optional()
  .refine((v) => v === true, "farmTrace.cert.commit.required");

export const PackingSchema = z.object({
  date: DateField,
  packageCount: z
    .number({ invalid_type_error: "farmTrace.number.invalid" })
    .int("farmTrace.number.invalid")
    .positive("farmTrace.number.positive")
    .max(10_000_000, "farmTrace.number.tooLarge")
    .optional(),
  certProductName: requiredText(100, "farmTrace.cert.productName.required"),
  certQuantity: positive("farmTrace.quantity.required"),
  certUnit: z.enum(UNITS, { required_error: "farmTrace.unit.required", invalid_type_error: "farmTrace.unit.required" }),
  certOrigin: requiredText(200, "farmTrace.cert.origin.required"),
  certEntityName: requiredText(100, "farmTrace.cert.entityName.required"),
  certEntityContact: requiredText(100, "farmTrace.cert.entityContact.required"),
  commitNoBanned: commitment,
  commitIntervals: commitment,
  commitResidue: commitment,
});

export const ShippingSchema = z.object({
  date: DateField,
  carrier: text(60).optional(),
  trackingNo: text(60).optional(),
  destination: text(200).optional(),
  orderId: text(40).optional(),
});

export const CORRECTION_ACTIONS = ["retract", "redate"] as const;
export const CorrectionSchema = z
  .object({
    seq: id("farmTrace.correction.seq.required"),
    action: z.enum(CORRECTION_ACTIONS, { required_error: "farmTrace.correction.action.required", invalid_type_error: "farmTrace.correction.action.required" }),
    newDate: DateField.optional(),
    reason: requiredText(500, "farmTrace.correction.reason.required"),
  })
  .superRefine((v, ctx) => {
    if (v.action === "redate" && !v.newDate) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["newDate"], message: "farmTrace.date.required" });
    }
  });

export const EVENT_SCHEMAS = {
  input_application: InputApplicationSchema,
  harvest: HarvestSchema,
  inspection: InspectionSchema,
  packing: PackingSchema,
  shipping: ShippingSchema,
  correction: CorrectionSchema,
} as const;

// ─── admin: inputs catalogue ─────────────────────────────────────────────────

export const INTERVAL_ROWS = 3;

const intervalRow = z.object({
  target: text(60).optional(),
  intervalDays: z
    .number({ invalid_type_error: "farmTrace.number.invalid" })
    .int("farmTrace.number.invalid")
    .min(0, "farmTrace.number.invalid")
    .max(3650, "farmTrace.number.tooLarge")
    .optional(),
  maxApplications: z
    .number({ invalid_type_error: "farmTrace.number.invalid" })
    .int("farmTrace.number.invalid")
    .positive("farmTrace.number.positive")
    .max(100, "farmTrace.number.tooLarge")
    .optional(),
});

/** Where the catalogue's domain refusals show on the add and edit forms (one map for both pages). */
export const CATALOGUE_ERROR_FIELD: Record<string, string> = {
  "trace.regno.empty": "registrationNo",
  "trace.regno.format": "registrationNo",
  "trace.regno.temporary_expired": "registrationNo",
  "trace.fertregno.empty": "registrationNo",
  "trace.fertregno.format": "registrationNo",
  "trace.vetregno.empty": "registrationNo",
  "trace.vetregno.format": "registrationNo",
  "trace.error.registrationTaken": "registrationNo",
  "trace.error.inputNameRequired": "nameZh",
  "trace.error.inputNameTaken": "nameZh",
};

export const NewAgriInputSchema = z
  .object({
    kind: z.enum(AGRI_INPUT_KINDS, { required_error: "farmTrace.admin.kind.required", invalid_type_error: "farmTrace.admin.kind.required" }),
    nameZh: requiredText(100, "farmTrace.admin.nameZh.required"),
    nameEn: text(100).optional(),
    registrationNo: text(40).optional(),
    activeIngredient: text(100).optional(),
    maker: text(100).optional(),
    /** Pesticides: the label's 毒性 class (剧毒/高毒 never on vegetables, fruit, tea, fungi, herbs, aquatic plants). */
    toxicityClass: z.enum(TOXICITY_CLASSES).optional(),
    intervals: z.array(intervalRow.optional()).max(INTERVAL_ROWS).optional(),
  })
  .superRefine((v, ctx) => {
    (v.intervals ?? []).forEach((row, i) => {
      if (!row) return;
      const filled = row.target !== undefined || row.intervalDays !== undefined || row.maxApplications !== undefined;
      if (!filled) return;
      if (!row.target) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["intervals", i, "target"], message: "farmTrace.admin.target.required" });
      if (row.intervalDays === undefined)
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["intervals", i, "intervalDays"], message: "farmTrace.admin.days.required" });
    });
  })
  .transform((v) => ({
    ...v,
    intervalRows: (v.intervals ?? [])
      .filter((r): r is { target: string; intervalDays: number; maxApplications?: number } => Boolean(r?.target && r.intervalDays !== undefined))
      .map((r) => ({ target: r.target, intervalDays: r.intervalDays, maxApplications: r.maxApplications ?? null })),
  }));

export const InputsFilterSchema = z.object({
  kind: z.enum(AGRI_INPUT_KINDS).optional().catch(undefined),
  q: z.string().trim().max(60).optional().catch(undefined),
});
