/**
 * Form schemas for the farmer's workflow (listings, producer registration) and the admin review.
 * Shared by the server (actions) and the browser (Conform validation when JavaScript runs).
 * Messages are i18n keys, translated where they are shown (FieldError).
 *
 * This module is bundled for the browser, so it must not import db/schema (drizzle) or any
 * *.server module; the enumerations are repeated here and tied to the database ones by types.
 */
import { z } from "zod";
import type { CategorySlug, CertificationKind, ProducerKind, Unit } from "../../db/schema";
import { checkCreditCode } from "../../core/credit-code";
import { parseYuanToFen } from "../../core/money";
import { normalisePhone } from "../../core/phone";

export const UNITS = ["jin", "kg", "box", "each", "bag", "bottle", "dozen"] as const satisfies readonly Unit[];
export const CATEGORY_SLUGS = [
  "fruit",
  "vegetables",
  "grain",
  "tea",
  "livestock_poultry",
  "aquatic",
  "forest",
  "agri_inputs",
] as const satisfies readonly CategorySlug[];
export const CERTIFICATION_KINDS = ["green_food", "organic", "geographical_indication", "pollution_free"] as const satisfies readonly CertificationKind[];
export const PRODUCER_KINDS = ["cooperative", "family_farm", "large_grower", "agribusiness", "input_seller"] as const satisfies readonly ProducerKind[];
// `satisfies` checks that each entry exists in the database enumeration; these check that none is missing.
type Complete<All, Listed> = Exclude<All, Listed> extends never ? true : never;
const complete: [
  Complete<Unit, (typeof UNITS)[number]>,
  Complete<CategorySlug, (typeof CATEGORY_SLUGS)[number]>,
  Complete<CertificationKind, (typeof CERTIFICATION_KINDS)[number]>,
  Complete<ProducerKind, (typeof PRODUCER_KINDS)[number]>,
] = [true, true, true, true];
void complete;

/** Same values as MAX_PHOTOS_PER_LISTING / MAX_PHOTO_BYTES in photos.server.ts (tests check they agree). */
export const MAX_PHOTOS = 6;
export const MAX_PHOTO_MB = 10;
/** ¥1,000,000 in fen, and the largest stock a listing may show. */
export const MAX_PRICE_FEN = 100_000_000;
export const MAX_STOCK = 1_000_000;
/** Packed volume of one unit, cm³: from a tea tin to a 1 m³ crate (parcels are sized from it). */
export const MIN_PACKAGE_VOLUME_CM3 = 10;
export const MAX_PACKAGE_VOLUME_CM3 = 1_000_000;

/**
 * A yuan amount as typed ("12.5", "¥12.50", "１２.５") → integer fen, with a specific message for
 * each way it can be wrong, so a farmer knows what to fix.
 */
export const PriceField = z.string({ required_error: "farm.price.required", invalid_type_error: "farm.price.required" }).transform((raw, ctx) => {
  const s = raw.normalize("NFKC").trim();
  const fen = parseYuanToFen(s);
  if (fen === null) {
    const bare = s
      .replace(/^[¥￥]/, "")
      .replace(/,/g, "")
      .trim();
    const message = /^-/.test(bare)
      ? "farm.price.negative"
      : /^\d+\.\d{3,}$/.test(bare)
        ? "farm.price.decimals"
        : /^\d{10,}(\.\d*)?$/.test(bare)
          ? "farm.price.tooHigh"
          : "farm.price.invalid";
    ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    return z.NEVER;
  }
  if (fen > MAX_PRICE_FEN) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: "farm.price.tooHigh" });
    return z.NEVER;
  }
  return fen;
});

export const StockField = z
  .number({ required_error: "farm.stock.required", invalid_type_error: "farm.stock.invalid" })
  .int("farm.stock.invalid")
  .min(0, "farm.stock.negative")
  .max(MAX_STOCK, "farm.stock.tooHigh");

/** A file chosen in a file input. Conform turns an empty input (no name, size 0) into "no file". */
const PhotoFile = z.instanceof(File, { message: "photo.notImage" });

const listingFields = {
  category: z.enum(CATEGORY_SLUGS, { errorMap: () => ({ message: "farm.category.required" }) }),
  productName: z.string({ required_error: "farm.productName.required" }).trim().min(1, "farm.productName.required").max(40, "farm.productName.tooLong"),
  title: z.string({ required_error: "farm.title.required" }).trim().min(2, "farm.title.tooShort").max(60, "farm.title.tooLong"),
  description: z.string().trim().max(2000, "farm.description.tooLong").default(""),
  unit: z.enum(UNITS, { errorMap: () => ({ message: "farm.unit.required" }) }),
  price: PriceField,
  stock: StockField,
  // Needs 0–4 °C from packing to pickup (listings.storage = 'chilled'): a checkbox, absent = ambient.
  chilled: z.boolean({ invalid_type_error: "listingPack.error.chilled" }).default(false),
  // Optional: empty = the category's default volume (logistics/sizes.ts).
  packageVolumeCm3: z
    .number({ invalid_type_error: "listingPack.error.volume" })
    .int("listingPack.error.volume")
    .min(MIN_PACKAGE_VOLUME_CM3, "listingPack.error.volume")
    .max(MAX_PACKAGE_VOLUME_CM3, "listingPack.error.volume")
    .optional(),
  certifications: z.array(z.enum(CERTIFICATION_KINDS, { errorMap: () => ({ message: "farm.cert.invalid" }) })).default([]),
  // Optional entries: the form has two file inputs (camera and album) and an unused one is empty.
  photos: z
    .array(PhotoFile.optional())
    .default([])
    .transform((files) => files.filter((f): f is File => f !== undefined && f.size > 0))
    .superRefine((files, ctx) => {
      if (files.length > MAX_PHOTOS) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "photo.tooMany" });
      if (files.some((f) => f.size > MAX_PHOTO_MB * 1024 * 1024)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "photo.tooLarge" });
    }),
};

/** What the create and edit forms submit with. `save_publish` saves, then tries to publish. */
export const SAVE_INTENTS = ["save", "save_publish"] as const;
export const STATUS_INTENTS = ["publish", "pause", "draft"] as const;

export const NewListingSchema = z.object({
  intent: z.enum(SAVE_INTENTS).default("save"),
  producerId: z.number({ required_error: "farm.producer.required", invalid_type_error: "farm.producer.required" }).int().positive("farm.producer.required"),
  ...listingFields,
});

export const EditListingSchema = z.object({
  intent: z.enum(SAVE_INTENTS).default("save"),
  ...listingFields,
  removePhotoIds: z.array(z.number().int().positive()).default([]),
});

/** The edit page's separate status form (publish / pause / back to draft). */
export const ListingStatusSchema = z.object({ intent: z.enum(STATUS_INTENTS) });

export type NewListingValue = z.infer<typeof NewListingSchema>;
export type EditListingValue = z.infer<typeof EditListingSchema>;

/** The listing fields of a parsed new or edit form, as the domain takes them (ListingInput without the producer). */
export function listingFieldsOf(value: NewListingValue | EditListingValue, categoryId: number) {
  return {
    categoryId,
    productName: value.productName,
    title: value.title,
    description: value.description,
    unit: value.unit,
    priceFen: value.price,
    stock: value.stock,
    certifications: value.certifications,
    storage: value.chilled ? ("chilled" as const) : ("ambient" as const),
    packageVolumeCm3: value.packageVolumeCm3 ?? null,
  };
}

// ─── producer registration ───────────────────────────────────────────────────

/**
 * The credit code is checked here only for its format (the same rules as the domain), so the
 * farmer sees the mistake next to the field; a failed check character is NOT an error here:
 * the domain accepts it for manual review.
 */
export const CreditCodeField = z.string({ required_error: "producer.creditCode.length" }).transform((raw, ctx) => {
  const result = checkCreditCode(raw);
  if (!result.ok) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `producer.creditCode.${result.reason}` });
    return z.NEVER;
  }
  return result.code;
});

const optionalId = z.number({ invalid_type_error: "farm.region.invalid" }).int().positive().optional();

export const RegisterProducerSchema = z.object({
  kind: z.enum(PRODUCER_KINDS, { errorMap: () => ({ message: "producer.kind.required" }) }),
  nameZh: z.string({ required_error: "producer.name.required" }).trim().min(2, "producer.name.tooShort").max(60, "producer.name.tooLong"),
  creditCode: CreditCodeField,
  address: z.string({ required_error: "producer.address.required" }).trim().min(4, "producer.address.required").max(120, "producer.address.tooLong"),
  provinceId: z.number({ required_error: "producer.province.required", invalid_type_error: "producer.province.required" }).int().positive(),
  countyId: z.number({ required_error: "producer.county.required", invalid_type_error: "producer.county.required" }).int().positive(),
  villageId: optionalId,
  contactPhone: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return null;
      const phone = normalisePhone(v);
      if (!phone) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "auth.invalidPhone" });
        return z.NEVER;
      }
      return phone;
    }),
  descriptionZh: z.string().trim().max(1000, "farm.description.tooLong").default(""),
});

// ─── admin review ────────────────────────────────────────────────────────────

export const ReviewProducerSchema = z
  .object({
    producerId: z.number().int().positive(),
    decision: z.enum(["approved", "rejected"], { errorMap: () => ({ message: "error.badRequest" }) }),
    note: z.string().trim().max(500, "admin.note.tooLong").default(""),
  })
  // A rejection is explained to the producer, so it needs a reason.
  .refine((v) => v.decision !== "rejected" || v.note.length > 0, { message: "admin.note.requiredForReject", path: ["note"] });

// ─── listing tools (issue 13 §4) ─────────────────────────────────────────────

const listingIdField = z.number({ invalid_type_error: "farm.listing.invalid" }).int().positive().max(2_147_483_647);

/** The /farm table form: price and stock of several listings, saved together or not at all. */
export const BulkPriceStockSchema = z.object({
  intent: z.literal("bulk"),
  rows: z
    .array(z.object({ listingId: listingIdField, price: PriceField, stock: StockField }))
    .min(1, "bulk.error.invalid")
    .max(500, "bulk.error.invalid"),
});

export const CopyListingSchema = z.object({ intent: z.literal("copy"), listingId: listingIdField });

/** The edit page's variants form: rows of name, price, stock; a row left wholly empty is ignored. */
export const VariantsSchema = z.object({
  intent: z.literal("variants"),
  variants: z
    .array(
      z.object({
        name: z.string().trim().max(20, "variants.error.name").optional(),
        price: z.string().optional(),
        stock: z
          .number({ invalid_type_error: "farm.stock.invalid" })
          .int("farm.stock.invalid")
          .min(0, "farm.stock.negative")
          .max(MAX_STOCK, "farm.stock.tooHigh")
          .optional(),
      }),
    )
    .max(20)
    .default([])
    .transform((rows, ctx) => {
      const out: { name: string; priceFen: number; stock: number }[] = [];
      rows.forEach((r, i) => {
        if (!r.name && !r.price?.trim() && r.stock === undefined) return;
        const price = r.price === undefined ? undefined : PriceField.safeParse(r.price);
        if (!r.name || !price?.success || r.stock === undefined) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: price && !price.success ? price.error.issues[0].message : "variants.error.row" });
          return;
        }
        out.push({ name: r.name, priceFen: price.data, stock: r.stock });
      });
      return out;
    }),
});

export const PhotoMoveSchema = z.object({
  intent: z.enum(["photo_cover", "photo_up", "photo_down"]),
  photoId: z.number({ invalid_type_error: "farm.photo.invalid" }).int().positive().max(2_147_483_647),
});
