/**
 * The Cunpin database schema: the map of the domain, read top to bottom.
 *
 *   people      users, their roles, sessions, login throttling
 *   places      regions (province → county → township) and villages
 *   producers   cooperatives, family farms, large growers, agribusinesses and their members
 *   catalogue   categories, products, listings, photos, certifications
 *   lots        batches (lots) that a listing sells from
 *   traceability  inputs catalogue, plots, plantings, signed append-only lot events, recalls
 *   logistics   courier routes, delivery points, their operators and storage slots
 *   orders      carts, orders, sub-orders per producer, order lines (with the lot sold), payments
 *   after-sale  refunds, invoices, disputes, ratings
 *   parcels     parcels, pickup attempts, point changes (buyer consent), route manifests
 *
 * Money is CNY in integer fen. Timestamps are Unix epoch milliseconds (integer).
 * Later issues (traceability events, orders, logistics, credit score, statistics)
 * add tables that point at these; columns they will need are marked "later".
 */
import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { PRODUCER_KINDS, CATEGORY_SLUGS, CERTIFICATION_KINDS, PROBLEM_KINDS, DELIVERY_POINT_KINDS, DISPUTE_KINDS } from "./enums";
import { COOP_MEMBER_ROLES, COOP_MEMBER_STATUSES } from "./enums";
import { LICENCE_STATUSES, PRODUCER_DECISION_KINDS, PRODUCER_DECISIONS } from "./enums";
export { PRODUCER_KINDS, CATEGORY_SLUGS, CERTIFICATION_KINDS, PROBLEM_KINDS, DELIVERY_POINT_KINDS, DISPUTE_KINDS } from "./enums";

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;
const createdAt = () => integer("created_at", { mode: "number" }).notNull().default(now);

// ─── people ──────────────────────────────────────────────────────────────────

export const ROLES = ["buyer", "farmer", "coop_admin", "delivery_operator", "inspector", "platform_admin", "county_official"] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Mainland mobile number, 11 digits, normalised without +86. */
    phone: text("phone").notNull(),
    passwordHash: text("password_hash").notNull(),
    displayName: text("display_name").notNull(),
    locale: text("locale", { enum: ["zh", "en"] }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_phone_unique").on(t.phone)],
);

/** A person may hold several roles (a farmer also buys). */
export const userRoles = sqliteTable(
  "user_roles",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] }), index("user_roles_role_idx").on(t.role)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(), // 32 random bytes, base64url
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

/** Every login attempt, for throttling by phone and by client address. */
export const loginAttempts = sqliteTable(
  "login_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    phone: text("phone").notNull(),
    ip: text("ip").notNull(),
    succeeded: integer("succeeded", { mode: "boolean" }).notNull(),
    at: integer("at").notNull(),
  },
  (t) => [
    index("login_attempts_phone_at_idx").on(t.phone, t.at),
    index("login_attempts_ip_at_idx").on(t.ip, t.at),
    // The per-(account, address) backoff (market/accounts/accounts.ts) reads one pair's attempts.
    index("login_attempts_phone_ip_at_idx").on(t.phone, t.ip, t.at),
  ],
);

/**
 * Rate-limited actions other than login (core/rate-limit.ts): one row per counted attempt, e.g.
 * bucket "signup:address" with the client address as key. Counted and recorded in one
 * transaction; pruned after a day (pruneAuthTables).
 */
export const rateLimitHits = sqliteTable(
  "rate_limit_hits",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    bucket: text("bucket").notNull(),
    key: text("key").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("rate_limit_hits_bucket_key_at_idx").on(t.bucket, t.key, t.at)],
);

// ─── places ──────────────────────────────────────────────────────────────────

export const REGION_LEVELS = ["province", "prefecture", "county", "township"] as const;

/** Administrative divisions; `code` is the GB/T 2260 code (townships: 9 digits). */
export const regions = sqliteTable(
  "regions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    level: text("level", { enum: REGION_LEVELS }).notNull(),
    parentId: integer("parent_id").references((): AnySQLiteColumn => regions.id),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
  },
  (t) => [uniqueIndex("regions_code_unique").on(t.code), index("regions_parent_idx").on(t.parentId)],
);

/** A village, with its "one village, one product" (一村一品) signature product. */
export const villages = sqliteTable(
  "villages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    provinceId: integer("province_id")
      .notNull()
      .references(() => regions.id),
    countyId: integer("county_id")
      .notNull()
      .references(() => regions.id),
    townshipId: integer("township_id")
      .notNull()
      .references(() => regions.id),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    signatureProductZh: text("signature_product_zh").notNull(),
    signatureProductEn: text("signature_product_en").notNull(),
    signatureCategoryId: integer("signature_category_id").references(() => categories.id),
    descriptionZh: text("description_zh").notNull().default(""),
    descriptionEn: text("description_en").notNull().default(""),
    lat: real("lat").notNull(),
    lng: real("lng").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("villages_township_name_unique").on(t.townshipId, t.nameZh),
    index("villages_province_idx").on(t.provinceId),
    index("villages_county_idx").on(t.countyId),
  ],
);

// ─── producers ───────────────────────────────────────────────────────────────

export type ProducerKind = (typeof PRODUCER_KINDS)[number];

/**
 * Credit-code review: `valid` passed the GB 32100-2015 check; `pending_review`
 * failed the check character (a few real codes do) and waits for a platform
 * admin; `approved` / `rejected` record that admin's decision.
 */
export const CREDIT_CODE_STATUSES = ["valid", "pending_review", "approved", "rejected"] as const;
export type CreditCodeStatus = (typeof CREDIT_CODE_STATUSES)[number];

export const producers = sqliteTable(
  "producers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: PRODUCER_KINDS }).notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull().default(""),
    /** 18-character unified social credit code (统一社会信用代码). */
    creditCode: text("credit_code").notNull(),
    creditCodeStatus: text("credit_code_status", { enum: CREDIT_CODE_STATUSES }).notNull(),
    reviewedBy: integer("reviewed_by").references(() => users.id),
    reviewedAt: integer("reviewed_at"),
    reviewNote: text("review_note"),
    descriptionZh: text("description_zh").notNull().default(""),
    descriptionEn: text("description_en").notNull().default(""),
    contactPhone: text("contact_phone"),
    address: text("address").notNull(),
    provinceId: integer("province_id")
      .notNull()
      .references(() => regions.id),
    countyId: integer("county_id")
      .notNull()
      .references(() => regions.id),
    townshipId: integer("township_id").references(() => regions.id),
    villageId: integer("village_id").references(() => villages.id),
    lat: real("lat"),
    lng: real("lng"),
    /** VAT rate in basis points for agribusinesses; farmers and co-ops selling own produce are exempt (later: invoices). */
    vatRateBp: integer("vat_rate_bp"),
    /** Stripe connected account (acct_…), created by app/payments/connect.server.ts; later: Ed25519 public key (traceability issue). */
    stripeAccountId: text("stripe_account_id"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("producers_credit_code_unique").on(t.creditCode),
    index("producers_kind_idx").on(t.kind),
    index("producers_village_idx").on(t.villageId),
    index("producers_county_idx").on(t.countyId),
    index("producers_province_idx").on(t.provinceId),
    index("producers_review_idx").on(t.creditCodeStatus),
  ],
);

export const MEMBER_ROLES = ["owner", "manager", "member"] as const;

export const producerMembers = sqliteTable(
  "producer_members",
  {
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: MEMBER_ROLES }).notNull().default("member"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.producerId, t.userId] }), index("producer_members_user_idx").on(t.userId)],
);

// ─── cooperative member households (issue 12 §3) ─────────────────────────────

export { COOP_MEMBER_ROLES, COOP_MEMBER_STATUSES } from "./enums";
export type CoopMemberRole = (typeof COOP_MEMBER_ROLES)[number];
export type CoopMemberStatus = (typeof COOP_MEMBER_STATUSES)[number];

/**
 * A household (户) of a cooperative, from the invitation on: invited by phone, active once the
 * person says yes, removed softly (the row stays, so the lots it grew stay attributed). Kept apart
 * from producer_members, which carries the owner/manager rights over listings and money.
 * A re-invitation after a removal or a decline is a new row.
 */
export const coopMembers = sqliteTable(
  "coop_members",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    /** The invited mobile number (normalised, core/phone.ts): the invitation waits for this account. */
    phone: text("phone").notNull(),
    /** The account that accepted; null while invited (or declined by a phone without account). */
    userId: integer("user_id").references(() => users.id),
    /** Shown publicly (trace page) instead of the person: 王家, 王建国户. */
    householdName: text("household_name").notNull(),
    role: text("role", { enum: COOP_MEMBER_ROLES }).notNull(),
    status: text("status", { enum: COOP_MEMBER_STATUSES }).notNull().default("invited"),
    invitedBy: integer("invited_by")
      .notNull()
      .references(() => users.id),
    invitedAt: createdAt(),
    respondedAt: integer("responded_at"),
    removedAt: integer("removed_at"),
    removedBy: integer("removed_by").references(() => users.id),
  },
  (t) => [
    // One live invitation or membership per phone and cooperative.
    uniqueIndex("coop_members_live_phone_unique")
      .on(t.producerId, t.phone)
      .where(sql`status in ('invited', 'active')`),
    index("coop_members_phone_idx").on(t.phone, t.status),
    index("coop_members_user_idx").on(t.userId, t.status),
  ],
);

// ─── catalogue ───────────────────────────────────────────────────────────────

export type CategorySlug = (typeof CATEGORY_SLUGS)[number];

export const categories = sqliteTable(
  "categories",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug", { enum: CATEGORY_SLUGS }).notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [uniqueIndex("categories_slug_unique").on(t.slug)],
);

/** What a producer grows or makes (红富士苹果); listings are the offers to sell it. */
export const products = sqliteTable(
  "products",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("products_producer_name_unique").on(t.producerId, t.nameZh), index("products_category_idx").on(t.categoryId)],
);

export const UNITS = ["jin", "kg", "box", "each", "bag", "bottle", "dozen"] as const;
export type Unit = (typeof UNITS)[number];

/** `recalled`: pulled from the storefront by an inspector's recall of a lot it sells from. */
export const LISTING_STATUSES = ["draft", "published", "paused", "recalled"] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export const listings = sqliteTable(
  "listings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    productId: integer("product_id")
      .notNull()
      .references(() => products.id),
    /** Copies of the product's producer and category, so that storefront filters use one index. */
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    unit: text("unit", { enum: UNITS }).notNull(),
    priceFen: integer("price_fen").notNull(),
    stock: integer("stock").notNull(),
    status: text("status", { enum: LISTING_STATUSES }).notNull().default("draft"),
    /**
     * Catch weight: priced per kg or 斤 (`unit`) but sold by the piece (a whole chicken, a box of
     * fish) whose exact weight is known only at packing; the buyer pays an estimate from
     * `estimatedPieceWeightG` and is charged the weighed amount, never more.
     */
    soldByWeight: integer("sold_by_weight", { mode: "boolean" }).notNull().default(false),
    estimatedPieceWeightG: integer("estimated_piece_weight_g"),
    /** `chilled`: needs a 0–4 °C compartment or shelf from packing to pickup. */
    storage: text("storage", { enum: ["ambient", "chilled"] })
      .notNull()
      .default("ambient"),
    /** Packed volume of one unit in cm³, to size parcels; null = the category's default (logistics/sizes.ts). */
    packageVolumeCm3: integer("package_volume_cm3"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull().default(now),
    publishedAt: integer("published_at"),
    /** At or below this stock the producer's members get a notice (once per crossing) and /farm shows 库存低. */
    lowStockThreshold: integer("low_stock_threshold").notNull().default(5),
  },
  (t) => [
    check("listings_price_nonneg", sql`${t.priceFen} >= 0`),
    check("listings_stock_nonneg", sql`${t.stock} >= 0`),
    index("listings_status_published_idx").on(t.status, t.publishedAt),
    index("listings_category_status_idx").on(t.categoryId, t.status, t.publishedAt),
    index("listings_producer_idx").on(t.producerId, t.status),
    index("listings_product_idx").on(t.productId),
  ],
);

export const listingPhotos = sqliteTable(
  "listing_photos",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    listingId: integer("listing_id")
      .notNull()
      .references(() => listings.id, { onDelete: "cascade" }),
    /** Content hash of the stored WebP file, also its file name under UPLOAD_DIR. */
    fileKey: text("file_key").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: integer("bytes").notNull(),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index("listing_photos_listing_idx").on(t.listingId, t.position)],
);

/**
 * Sizes or weights of one listing (苹果 75 / 80 / 85 mm), each with its own price and stock. A listing
 * with variants sells only through them, and its `stock` is kept equal to the sum of theirs (the
 * storefront's filters and the low-stock notice read it); a listing without variants is unchanged.
 */
export const listingVariants = sqliteTable(
  "listing_variants",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    listingId: integer("listing_id")
      .notNull()
      .references(() => listings.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    priceFen: integer("price_fen").notNull(),
    stock: integer("stock").notNull(),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("listing_variants_listing_name_unique").on(t.listingId, t.name),
    check("listing_variants_price_nonneg", sql`${t.priceFen} >= 0`),
    check("listing_variants_stock_nonneg", sql`${t.stock} >= 0`),
  ],
);

export type CertificationKind = (typeof CERTIFICATION_KINDS)[number];

export const listingCertifications = sqliteTable(
  "listing_certifications",
  {
    listingId: integer("listing_id")
      .notNull()
      .references(() => listings.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: CERTIFICATION_KINDS }).notNull(),
    certificateNo: text("certificate_no"),
  },
  (t) => [primaryKey({ columns: [t.listingId, t.kind] }), index("listing_certifications_kind_idx").on(t.kind, t.listingId)],
);

// ─── lots ────────────────────────────────────────────────────────────────────

export const BATCH_STATUSES = ["growing", "harvested", "packed", "recalled"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** A batch (lot) of a product; its traceability chain is in trace_events. */
export const batches = sqliteTable(
  "batches",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    productId: integer("product_id")
      .notNull()
      .references(() => products.id),
    /** GS1 AI (10) batch/lot number: up to 20 characters of GS1's character set 82. */
    lotCode: text("lot_code").notNull(),
    /** GTIN-14 of the trade item (the producer's own GS1 GTIN, or one from the platform prefix). */
    gtin: text("gtin"),
    plotId: integer("plot_id").references((): AnySQLiteColumn => plots.id),
    plantingId: integer("planting_id").references((): AnySQLiteColumn => plantings.id),
    /** Crop or animal (apple, kiwifruit, chicken): the key that intervals and crop bans are looked up by. */
    crop: text("crop"),
    status: text("status", { enum: BATCH_STATUSES }).notNull().default("growing"),
    harvestedAt: integer("harvested_at"),
    quantity: real("quantity"),
    unit: text("unit", { enum: UNITS }),
    /** The cooperative household that grows the lot (issue 12 §3); changes go to batch_household_changes. */
    householdId: integer("household_id").references((): AnySQLiteColumn => coopMembers.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("batches_household_idx").on(t.householdId),
    uniqueIndex("batches_producer_lot_unique").on(t.producerId, t.lotCode),
    uniqueIndex("batches_gtin_lot_unique").on(t.gtin, t.lotCode),
    index("batches_product_idx").on(t.productId),
  ],
);

export const listingBatches = sqliteTable(
  "listing_batches",
  {
    listingId: integer("listing_id")
      .notNull()
      .references(() => listings.id, { onDelete: "cascade" }),
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
  },
  (t) => [primaryKey({ columns: [t.listingId, t.batchId] }), index("listing_batches_batch_idx").on(t.batchId)],
);

// ─── traceability ────────────────────────────────────────────────────────────
// The chain itself is built by traceability/ (hashing, signatures, compliance, EPCIS);
// these tables store what it returns. See traceability/README.md.

export const AGRI_INPUT_KINDS = ["seed", "fertilizer", "pesticide", "veterinary_drug", "feed"] as const;
export type AgriInputKind = (typeof AGRI_INPUT_KINDS)[number];
/** 农药毒性 as printed on the label; 剧毒/高毒 never on vegetables, fruit, tea, fungi, herbs, aquatic plants (same values as traceability/inputs.ts). */
export const TOXICITY_CLASSES = ["extremely_toxic", "highly_toxic", "moderately_toxic", "low_toxic", "slightly_toxic"] as const;

/** The agricultural inputs catalogue: products a farmer can pick when recording an application. */
export const agriInputs = sqliteTable(
  "agri_inputs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: AGRI_INPUT_KINDS }).notNull(),
    /** Product as labelled, e.g. 1.8%阿维菌素乳油. */
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull().default(""),
    /** Pesticide registration (PD20080001), veterinary approval or fertiliser registration number. */
    registrationNo: text("registration_no"),
    activeIngredient: text("active_ingredient"),
    maker: text("maker"),
    /** Pesticides: the label's toxicity class; null = not recorded. */
    toxicityClass: text("toxicity_class", { enum: TOXICITY_CLASSES }),
    /** later: the marketplace listing that sells this input (inputs flow into the buyer-farmer's records). */
    listingId: integer("listing_id").references(() => listings.id),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
    /** Retired (issue 12 §4): no new listing or application; chains that name it keep it. */
    retiredAt: integer("retired_at"),
    retiredBy: integer("retired_by").references(() => users.id),
  },
  (t) => [
    uniqueIndex("agri_inputs_registration_unique")
      .on(t.registrationNo)
      .where(sql`registration_no is not null`),
    uniqueIndex("agri_inputs_name_unique").on(t.kind, t.nameZh),
    index("agri_inputs_ingredient_idx").on(t.activeIngredient),
  ],
);

/**
 * A registered use: pesticide × crop with its label's safe pre-harvest interval and maximum
 * applications, or a veterinary drug's withdrawal period per species or product. Several sources
 * may give the same product × crop; the compliance gate takes the longest interval.
 */
export const inputIntervals = sqliteTable(
  "input_intervals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    inputId: integer("input_id")
      .notNull()
      .references(() => agriInputs.id, { onDelete: "cascade" }),
    /** Registered crop, crop group, species or product (apple, leaf vegetables, poultry, eggs, milk). */
    target: text("target").notNull(),
    /** Days; null when the row is a prohibition or counted in degree-days. */
    intervalDays: integer("interval_days"),
    maxApplications: integer("max_applications"),
    /** Veterinary: the drug must not be used for this product at all (产蛋期禁用). */
    prohibited: integer("prohibited", { mode: "boolean" }).notNull().default(false),
    /** Fish withdrawal periods given in degree-days (度日). */
    degreeDays: integer("degree_days"),
    /** Where the figure comes from (reference row's source, or "label" for an admin entry). */
    source: text("source").notNull().default(""),
    /** Reference quality: B (GB/T 8321 reprint), B-hist (superseded standard), C (unattributed list), label. */
    quality: text("quality"),
  },
  (t) => [
    uniqueIndex("input_intervals_unique").on(t.inputId, t.target, t.source),
    check("input_intervals_days", sql`${t.intervalDays} >= 0`),
    check("input_intervals_figure", sql`${t.intervalDays} is not null or ${t.prohibited} = 1 or ${t.degreeDays} is not null`),
  ],
);

/** Substances banned outright in China (MOA notices), from `since` when set (YYYY-MM-DD). */
export const bannedSubstances = sqliteTable(
  "banned_substances",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    cas: text("cas"),
    since: text("since"),
    note: text("note").notNull().default(""),
    source: text("source").notNull().default(""),
    sourceUrl: text("source_url").notNull().default(""),
  },
  (t) => [uniqueIndex("banned_substances_name_unique").on(t.nameZh)],
);

/** Substances forbidden on named crops (`;`-separated crops or groups). */
export const restrictedSubstances = sqliteTable(
  "restricted_substances",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    cas: text("cas"),
    forbiddenOn: text("forbidden_on").notNull(),
    note: text("note").notNull().default(""),
    /** YYYY-MM-DD the restriction started; null = long in force. */
    since: text("since"),
    source: text("source").notNull().default(""),
    sourceUrl: text("source_url").notNull().default(""),
  },
  (t) => [uniqueIndex("restricted_substances_name_unique").on(t.nameZh)],
);

/** Pesticide substances by toxicity class (剧毒/高毒 per MOA/MARA notices), with the source that says so. */
export const toxicSubstances = sqliteTable(
  "toxic_substances",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull().default(""),
    cas: text("cas"),
    toxicityClass: text("toxicity_class", { enum: TOXICITY_CLASSES }).notNull(),
    source: text("source").notNull().default(""),
    sourceUrl: text("source_url").notNull().default(""),
  },
  (t) => [uniqueIndex("toxic_substances_name_unique").on(t.nameZh)],
);

/** A field, orchard, greenhouse, pond or barn of a producer. */
export const plots = sqliteTable(
  "plots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    name: text("name").notNull(),
    /** Area in mu (亩, 666.7 m²), the unit farmers use. */
    areaMu: real("area_mu"),
    lat: real("lat"),
    lng: real("lng"),
    villageId: integer("village_id").references(() => villages.id),
    /** Retired: no longer offered for new lots; lots already harvested from it keep pointing at it. */
    retiredAt: integer("retired_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("plots_producer_name_unique").on(t.producerId, t.name)],
);

/** What was planted (or stocked) on a plot and when; a batch is harvested from a planting. */
export const plantings = sqliteTable(
  "plantings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    plotId: integer("plot_id")
      .notNull()
      .references(() => plots.id),
    crop: text("crop").notNull(),
    variety: text("variety"),
    plantedAt: integer("planted_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("plantings_plot_idx").on(t.plotId, t.plantedAt)],
);

/** Ed25519 keys that sign trace events: one per producer (rotatable) and the platform's. */
export const traceKeys = sqliteTable(
  "trace_keys",
  {
    /** First 128 bits of SHA-256 of the raw public key, hex (traceability/chain.ts keyIdFor). */
    keyId: text("key_id").primaryKey(),
    ownerKind: text("owner_kind", { enum: ["producer", "platform"] }).notNull(),
    producerId: integer("producer_id").references(() => producers.id),
    publicKeyRaw: text("public_key_raw").notNull(),
    /** PKCS#8 private key, AES-256-GCM encrypted with a key derived from TRACE_KEY_SECRET. */
    privateKeyEnc: text("private_key_enc").notNull(),
    createdAt: createdAt(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("trace_keys_producer_idx").on(t.producerId)],
);

/**
 * The append-only event chain of each batch (lot). Rows are never updated or deleted
 * (triggers refuse it); a mistake is fixed by a `correction` event that points at it.
 */
export const traceEvents = sqliteTable(
  "trace_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    occurredAt: integer("occurred_at").notNull(),
    /** Canonical JSON: exactly the bytes that were hashed. */
    content: text("content").notNull(),
    contentHash: text("content_hash").notNull(),
    prevHash: text("prev_hash").notNull(),
    eventHash: text("event_hash").notNull(),
    signerKeyId: text("signer_key_id")
      .notNull()
      .references(() => traceKeys.keyId),
    signature: text("signature").notNull(),
    /** Who recorded it in the app (the content names the signing actor). */
    recordedBy: integer("recorded_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("trace_events_batch_seq_unique").on(t.batchId, t.seq), index("trace_events_type_idx").on(t.type, t.batchId)],
);

/** Scans of a lot's trace page, counted in memory and written in batches, per day. */
export const lotScans = sqliteTable(
  "lot_scans",
  {
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    day: text("day").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.day] })],
);

export const PROBLEM_REPORT_STATUSES = ["open", "in_progress", "closed"] as const;
export type ProblemReportStatus = (typeof PROBLEM_REPORT_STATUSES)[number];

/** A consumer's report of a problem with a lot, from the trace page. */
export const problemReports = sqliteTable(
  "problem_reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    kind: text("kind", { enum: PROBLEM_KINDS }).notNull(),
    message: text("message").notNull(),
    contactPhone: text("contact_phone"),
    userId: integer("user_id").references(() => users.id),
    /** open = 新, in_progress = 处理中, closed = 已处理 (the inspector's inbox). */
    status: text("status", { enum: PROBLEM_REPORT_STATUSES }).notNull().default("open"),
    /** The inspector's note on what was done (shown to the producer of the lot). */
    note: text("note"),
    handledBy: integer("handled_by").references(() => users.id),
    handledAt: integer("handled_at"),
    /** The recall an inspector opened from this report. */
    recallId: integer("recall_id").references((): AnySQLiteColumn => recalls.id),
    createdAt: createdAt(),
  },
  (t) => [index("problem_reports_batch_idx").on(t.batchId, t.createdAt), index("problem_reports_status_idx").on(t.status)],
);

/** An inspector's recall of a lot. One open recall per lot. */
export const recalls = sqliteTable(
  "recalls",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    openedBy: integer("opened_by")
      .notNull()
      .references(() => users.id),
    reason: text("reason").notNull(),
    /** 食品召回管理办法: 1 一级 (serious health risk) … 3 三级 (labelling, no health risk). */
    grade: integer("grade").notNull().default(1),
    /** When recovery must be done (by grade: 10 / 20 / 30 days unless the inspector sets it). */
    deadlineAt: integer("deadline_at"),
    openedAt: integer("opened_at").notNull(),
    closedAt: integer("closed_at"),
    closedBy: integer("closed_by").references(() => users.id),
    closeNote: text("close_note"),
  },
  (t) => [
    uniqueIndex("recalls_open_batch_unique")
      .on(t.batchId)
      .where(sql`closed_at is null`),
    index("recalls_opened_idx").on(t.openedAt),
    // A producer's recalls for its credit score (issue 12 §2), through its batches.
    index("recalls_batch_idx").on(t.batchId),
    check("recalls_grade_range", sql`${t.grade} between 1 and 3`),
  ],
);

/**
 * What happened to recalled goods: quarantined at a point (recovered), returned to the producer,
 * destroyed (with a quantity), or the producer's unsold stock destroyed (no parcel, no point).
 */
export const RECALL_DISPOSITION_KINDS = ["quarantined", "returned", "destroyed"] as const;
export const recallDispositions = sqliteTable(
  "recall_dispositions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    recallId: integer("recall_id")
      .notNull()
      .references(() => recalls.id),
    parcelId: integer("parcel_id"),
    deliveryPointId: integer("delivery_point_id"),
    kind: text("kind", { enum: RECALL_DISPOSITION_KINDS }).notNull(),
    quantity: integer("quantity").notNull(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    note: text("note").notNull().default(""),
    at: integer("at").notNull(),
  },
  (t) => [index("recall_dispositions_recall_idx").on(t.recallId, t.deliveryPointId), check("recall_dispositions_quantity_nonneg", sql`${t.quantity} >= 0`)],
);

/** In-app notices to a user (recalls now; orders and parcels later). */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    /** i18n key and its parameters, so the notice shows in the reader's language. */
    messageKey: text("message_key").notNull(),
    params: text("params", { mode: "json" })
      .$type<Record<string, string | number>>()
      .notNull()
      .default(sql`'{}'`),
    link: text("link"),
    readAt: integer("read_at"),
    createdAt: createdAt(),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.readAt, t.createdAt)],
);

// ─── orders ──────────────────────────────────────────────────────────────────
// Cart → checkout (one order, one sub-order per producer, stock reserved in the same
// transaction) → Stripe PaymentIntent → webhook/reconcile → transfers to each producer's
// connected account. app/orders/ and app/payments/ hold the rules; recall code (traceability/
// recall.ts) reads orders and order_lines too.

// ─── logistics: the delivery network ─────────────────────────────────────────
// Courier routes per county, delivery points (smart lockers, staffed village stations, community /
// school / office pickup points), their operators and their storage slots. logistics/ holds the
// rules (feasibility, best fit, pickup codes, holding periods, joint delivery routes).

/** One courier run per county per day leaves the depot (the county's joint-delivery hub, 县级共配中心). */
export const courierRoutes = sqliteTable(
  "courier_routes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    countyId: integer("county_id")
      .notNull()
      .references(() => regions.id),
    name: text("name").notNull(),
    depotName: text("depot_name").notNull(),
    depotLat: real("depot_lat").notNull(),
    depotLng: real("depot_lng").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("courier_routes_county_name_unique").on(t.countyId, t.name)],
);

export type DeliveryPointKind = (typeof DELIVERY_POINT_KINDS)[number];

/**
 * Where a buyer collects an order. A locker's capacity is its compartments; a staffed point
 * (village station, community, school, office) has shelf slots and a parcel capacity.
 */
export const deliveryPoints = sqliteTable(
  "delivery_points",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: DELIVERY_POINT_KINDS }).notNull(),
    name: text("name").notNull(),
    address: text("address").notNull(),
    countyId: integer("county_id").references(() => regions.id),
    /** 乡镇 (township), as text: the regions table stops at county for most places. */
    township: text("township"),
    villageId: integer("village_id").references(() => villages.id),
    lat: real("lat").notNull(),
    lng: real("lng").notNull(),
    /** Staffed points: most parcels held at once (shelf slots may be more). Lockers: null. */
    parcelCapacity: integer("parcel_capacity"),
    /** "HH:MM-HH:MM" in Asia/Shanghai, or "24h" (lockers). */
    openingHours: text("opening_hours").notNull().default("24h"),
    /** Holding period before a parcel is flagged for return: fresh produce, and everything else. */
    holdingDaysFresh: integer("holding_days_fresh").notNull().default(3),
    holdingDaysOther: integer("holding_days_other").notNull().default(7),
    courierRouteId: integer("courier_route_id").references(() => courierRoutes.id),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    index("delivery_points_county_idx").on(t.countyId),
    index("delivery_points_route_idx").on(t.courierRouteId),
    check("delivery_points_holding_positive", sql`${t.holdingDaysFresh} > 0 and ${t.holdingDaysOther} > 0`),
  ],
);

/** Who may confirm arrivals and hand parcels out at a point (role delivery_operator). */
export const deliveryPointOperators = sqliteTable(
  "delivery_point_operators",
  {
    deliveryPointId: integer("delivery_point_id")
      .notNull()
      .references(() => deliveryPoints.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.deliveryPointId, t.userId] }), index("delivery_point_operators_user_idx").on(t.userId)],
);

/** Standard compartment sizes; inner dimensions (height × width × depth) in logistics/sizes.ts. */
export const SLOT_SIZES = ["small", "medium", "large"] as const;
export type SlotSize = (typeof SLOT_SIZES)[number];

/**
 * A place for one parcel: a locker compartment (格口) or a shelf slot (货架位) at a staffed point.
 * Chilled slots hold 0–4 °C. Occupancy is the parcel pointing at the slot (parcels.slot_id).
 */
export const storageSlots = sqliteTable(
  "storage_slots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryPointId: integer("delivery_point_id")
      .notNull()
      .references(() => deliveryPoints.id, { onDelete: "cascade" }),
    /** Printed on the door or shelf: "A03", "冷-02", "2-15". */
    code: text("code").notNull(),
    kind: text("kind", { enum: ["compartment", "shelf"] }).notNull(),
    size: text("size", { enum: SLOT_SIZES }).notNull(),
    chilled: integer("chilled", { mode: "boolean" }).notNull().default(false),
    heightMm: integer("height_mm").notNull(),
    widthMm: integer("width_mm").notNull(),
    depthMm: integer("depth_mm").notNull(),
    outOfService: integer("out_of_service", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("storage_slots_point_code_unique").on(t.deliveryPointId, t.code),
    index("storage_slots_point_size_idx").on(t.deliveryPointId, t.chilled, t.size),
  ],
);

/**
 * pending_payment → paid → in_fulfilment → ready_for_pickup → picked_up → completed, plus
 * cancelled (unpaid: reservation expired or payment failed) and refunded. The transition table
 * is in app/orders/state.ts; every change is a row in order_status_history.
 */
export const ORDER_STATUSES = ["pending_payment", "paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed", "cancelled", "refunded"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The cart of a logged-in buyer (a guest's cart lives in a signed cookie until login merges it). */
export const cartItems = sqliteTable(
  "cart_items",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    listingId: integer("listing_id")
      .notNull()
      .references(() => listings.id, { onDelete: "cascade" }),
    /** The listing_variants id, or 0 for a listing without variants (0, not null: it is part of the key). */
    variantId: integer("variant_id").notNull().default(0),
    quantity: integer("quantity").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.userId, t.listingId, t.variantId] }), check("cart_items_quantity_positive", sql`${t.quantity} > 0`)],
);

export const orders = sqliteTable(
  "orders",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    buyerId: integer("buyer_id")
      .notNull()
      .references(() => users.id),
    /** One of ORDER_STATUSES (no SQL CHECK: adding one would rebuild the table under existing rows). */
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    totalFen: integer("total_fen").notNull(),
    contactPhone: text("contact_phone").notNull(),
    /** The point the buyer chose; parcels go nowhere else without the buyer's consent (delivery_point_changes). */
    deliveryPointId: integer("delivery_point_id").references(() => deliveryPoints.id),
    /** When the buyer chose it explicitly (the consent 2024 rules on lockers and stations require). */
    deliveryPointChosenAt: integer("delivery_point_chosen_at"),
    /** Platform commission in basis points at checkout time (PLATFORM_COMMISSION_BP); null on pre-payment rows. */
    commissionBp: integer("commission_bp"),
    /** Sent as Stripe's Idempotency-Key when the PaymentIntent is created: retries never make a second intent. */
    idempotencyKey: text("idempotency_key"),
    stripePaymentIntentId: text("stripe_payment_intent_id"),
    /** JSON array, e.g. ["card","alipay","wechat_pay"]. */
    paymentMethodTypes: text("payment_method_types", { mode: "json" }).$type<string[]>(),
    /** Stock is held until then; expireReservations() cancels the order and releases it afterwards. */
    reservedUntil: integer("reserved_until"),
    /** `automatic`, or `manual` when a line is sold by weight and the method allows it (card). */
    captureMethod: text("capture_method", { enum: ["automatic", "manual"] }),
    /** Pay at a staffed village point: no PaymentIntent; the operator confirms the cash/QR payment. */
    payAtPickup: integer("pay_at_pickup", { mode: "boolean" }).notNull().default(false),
    payAtPickupConfirmedBy: integer("pay_at_pickup_confirmed_by").references(() => users.id),
    paidAt: integer("paid_at"),
    cancelledAt: integer("cancelled_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("orders_buyer_idx").on(t.buyerId, t.createdAt),
    index("orders_delivery_point_idx").on(t.deliveryPointId),
    uniqueIndex("orders_payment_intent_unique").on(t.stripePaymentIntentId),
    uniqueIndex("orders_idempotency_key_unique").on(t.idempotencyKey),
    index("orders_status_reserved_idx").on(t.status, t.reservedUntil),
  ],
);

/**
 * One per producer per order: what that producer must pack and is paid for.
 * subtotal = commission + producer share, exactly (app/orders/split.ts).
 */
export const subOrders = sqliteTable(
  "sub_orders",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderId: integer("order_id")
      .notNull()
      .references(() => orders.id),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    subtotalFen: integer("subtotal_fen").notNull(),
    commissionFen: integer("commission_fen").notNull(),
    producerShareFen: integer("producer_share_fen").notNull(),
    /** Set once the producer's share was transferred (idempotency key transfer_<id>); null = still owed. */
    stripeTransferId: text("stripe_transfer_id"),
    transferredAt: integer("transferred_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("sub_orders_order_producer_unique").on(t.orderId, t.producerId),
    index("sub_orders_producer_idx").on(t.producerId, t.status),
    check("sub_orders_amounts_nonneg", sql`${t.subtotalFen} >= 0 and ${t.commissionFen} >= 0 and ${t.producerShareFen} >= 0`),
    check("sub_orders_split_adds_up", sql`${t.commissionFen} + ${t.producerShareFen} = ${t.subtotalFen}`),
  ],
);

export const orderLines = sqliteTable(
  "order_lines",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderId: integer("order_id")
      .notNull()
      .references(() => orders.id),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    listingId: integer("listing_id")
      .notNull()
      .references(() => listings.id),
    /** The size or weight bought, when the listing has variants. */
    variantId: integer("variant_id").references(() => listingVariants.id),
    /** The lot the units came from: what a recall searches by. */
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    quantity: integer("quantity").notNull(),
    unitPriceFen: integer("unit_price_fen").notNull(),
    pickedUpAt: integer("picked_up_at"),
    /** Null on rows made before sub-orders existed (demo and recall fixtures). */
    subOrderId: integer("sub_order_id").references(() => subOrders.id),
    /** Set by a recall: the delivery point must not hand these units out. */
    holdReason: text("hold_reason"),
    /**
     * Sold by weight (catch weight): the buyer pays an estimate (quantity × unit price is the
     * estimate in fen); the producer enters the weighed amount at packing. `weighedTotalFen` is what
     * is finally charged: never more than the estimate (card: captured from the authorisation;
     * Alipay / WeChat Pay: the difference is refunded).
     */
    soldByWeight: integer("sold_by_weight", { mode: "boolean" }).notNull().default(false),
    estimatedWeightG: integer("estimated_weight_g"),
    actualWeightG: integer("actual_weight_g"),
    weighedTotalFen: integer("weighed_total_fen"),
    createdAt: createdAt(),
  },
  (t) => [
    index("order_lines_batch_idx").on(t.batchId, t.orderId),
    index("order_lines_order_idx").on(t.orderId),
    index("order_lines_sub_order_idx").on(t.subOrderId),
    check("order_lines_quantity_positive", sql`${t.quantity} > 0`),
  ],
);

/** The timeline of an order: every status change, who or what made it. */
export const ORDER_EVENT_SOURCES = ["checkout", "webhook", "reconcile", "expiry", "buyer", "producer", "operator", "admin", "system"] as const;
export type OrderEventSource = (typeof ORDER_EVENT_SOURCES)[number];

export const orderStatusHistory = sqliteTable(
  "order_status_history",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderId: integer("order_id")
      .notNull()
      .references(() => orders.id),
    fromStatus: text("from_status", { enum: ORDER_STATUSES }),
    toStatus: text("to_status", { enum: ORDER_STATUSES }).notNull(),
    source: text("source", { enum: ORDER_EVENT_SOURCES }).notNull(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    /** The Stripe event that caused it, when one did. */
    stripeEventId: text("stripe_event_id"),
    note: text("note"),
    at: integer("at").notNull(),
  },
  (t) => [index("order_status_history_order_idx").on(t.orderId, t.at)],
);

/**
 * Stripe webhook events already handled, by Stripe's event id: inserted in the same transaction
 * as the state change they cause, so a replayed event finds its row and changes nothing.
 */
export const stripeWebhookEvents = sqliteTable(
  "stripe_webhook_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    orderId: integer("order_id").references(() => orders.id),
    receivedAt: integer("received_at").notNull(),
    processedAt: integer("processed_at"),
  },
  (t) => [index("stripe_webhook_events_order_idx").on(t.orderId)],
);

// ─── after the sale: refunds, invoices, disputes, ratings ────────────────────

/** A refund of (part of) a sub-order through Stripe, with who asked for it and why. */
export const refunds = sqliteTable(
  "refunds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subOrderId: integer("sub_order_id")
      .notNull()
      .references(() => subOrders.id),
    amountFen: integer("amount_fen").notNull(),
    reason: text("reason", { enum: ["dispute", "catch_weight", "cancelled", "goodwill", "recall", "other"] }).notNull(),
    note: text("note").notNull().default(""),
    requestedBy: integer("requested_by").references(() => users.id),
    disputeId: integer("dispute_id").references((): AnySQLiteColumn => disputes.id),
    /** Unique per attempt: the Stripe idempotency key of the refund. */
    idempotencyKey: text("idempotency_key").notNull(),
    stripeRefundId: text("stripe_refund_id"),
    status: text("status", { enum: ["pending", "succeeded", "failed"] })
      .notNull()
      .default("pending"),
    /** The producer's part of the refund, taken back from its transfer (pro rata to its share). */
    reversedFen: integer("reversed_fen"),
    stripeTransferReversalId: text("stripe_transfer_reversal_id"),
    /** A recall refund: one per recall × order line (recall_refunds_unique), whatever retries happen. */
    recallId: integer("recall_id"),
    orderLineId: integer("order_line_id"),
    /** `stripe`, or `cash` for a 到站付款 order: pending = due at the point, succeeded = paid out. */
    method: text("method", { enum: ["stripe", "cash"] })
      .notNull()
      .default("stripe"),
    paidOutBy: integer("paid_out_by").references(() => users.id),
    paidOutAt: integer("paid_out_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("refunds_idempotency_unique").on(t.idempotencyKey),
    uniqueIndex("refunds_recall_line_unique")
      .on(t.recallId, t.orderLineId)
      .where(sql`recall_id is not null`),
    index("refunds_sub_order_idx").on(t.subOrderId),
    check("refunds_amount_positive", sql`${t.amountFen} > 0`),
  ],
);

/**
 * Electronic invoices, one per paid sub-order. Numbers run without gaps per producer and year
 * (CP-<producerId>-<year>-<seq>), taken from invoice_counters in the issuing transaction.
 */
export const invoices = sqliteTable(
  "invoices",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subOrderId: integer("sub_order_id")
      .notNull()
      .references(() => subOrders.id),
    number: text("number").notNull(),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    buyerId: integer("buyer_id")
      .notNull()
      .references(() => users.id),
    /** VAT treatment: `exempt` (免税: farmers and cooperatives selling their own produce) or a rate. */
    vatTreatment: text("vat_treatment", { enum: ["exempt", "taxable"] }).notNull(),
    vatRateBp: integer("vat_rate_bp"),
    totalFen: integer("total_fen").notNull(),
    vatFen: integer("vat_fen").notNull(),
    issuedAt: integer("issued_at").notNull(),
  },
  (t) => [
    uniqueIndex("invoices_number_unique").on(t.number),
    uniqueIndex("invoices_sub_order_unique").on(t.subOrderId),
    index("invoices_buyer_idx").on(t.buyerId, t.issuedAt),
    index("invoices_producer_idx").on(t.producerId, t.issuedAt),
  ],
);

export const invoiceCounters = sqliteTable(
  "invoice_counters",
  {
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    year: integer("year").notNull(),
    lastSeq: integer("last_seq").notNull(),
  },
  (t) => [primaryKey({ columns: [t.producerId, t.year] })],
);

export const DISPUTE_STATUSES = ["open", "answered", "refunded_full", "refunded_partial", "rejected"] as const;

/** A buyer's dispute on a sub-order, within 7 days after pickup. */
export const disputes = sqliteTable(
  "disputes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subOrderId: integer("sub_order_id")
      .notNull()
      .references(() => subOrders.id),
    buyerId: integer("buyer_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: DISPUTE_KINDS }).notNull(),
    status: text("status", { enum: DISPUTE_STATUSES }).notNull().default("open"),
    openedAt: integer("opened_at").notNull(),
    decidedAt: integer("decided_at"),
    decidedBy: integer("decided_by").references(() => users.id),
  },
  (t) => [uniqueIndex("disputes_sub_order_unique").on(t.subOrderId), index("disputes_status_idx").on(t.status, t.openedAt)],
);

/** Every step of a dispute, visible to both sides: the claim, answers, the decision. */
export const disputeMessages = sqliteTable(
  "dispute_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    disputeId: integer("dispute_id")
      .notNull()
      .references(() => disputes.id),
    authorUserId: integer("author_user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ["buyer", "producer", "platform"] }).notNull(),
    body: text("body").notNull(),
    /** Photo file keys (app/photos), JSON array. */
    photos: text("photos", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    createdAt: createdAt(),
  },
  (t) => [index("dispute_messages_dispute_idx").on(t.disputeId, t.createdAt)],
);

/** A buyer's rating of a sub-order after pickup; producer pages show the average and count. */
export const ratings = sqliteTable(
  "ratings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subOrderId: integer("sub_order_id")
      .notNull()
      .references(() => subOrders.id),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    buyerId: integer("buyer_id")
      .notNull()
      .references(() => users.id),
    stars: integer("stars").notNull(),
    body: text("body").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("ratings_sub_order_unique").on(t.subOrderId),
    index("ratings_producer_idx").on(t.producerId),
    check("ratings_stars_range", sql`${t.stars} between 1 and 5`),
  ],
);

// ─── logistics: parcels, pickup, joint delivery ──────────────────────────────

/**
 * awaiting_dispatch (made at checkout from a sub-order) → dispatched (slot allocated, on a route
 * manifest) → arrived (operator confirmed; pickup code issued; buyer notified) → picked_up;
 * arrived → return_flagged (holding period over) → returned (left the point, slot freed);
 * cancelled (the order was cancelled or refunded before pickup);
 * dispatched/arrived → quarantined (holds a recalled lot: kept apart at the point, no slot, no code)
 * → returned (to the producer) or destroyed.
 */
export const PARCEL_STATUSES = [
  "awaiting_dispatch",
  "dispatched",
  "arrived",
  "picked_up",
  "return_flagged",
  "returned",
  "cancelled",
  "quarantined",
  "destroyed",
] as const;
export type ParcelStatus = (typeof PARCEL_STATUSES)[number];
/** The states in which a parcel occupies its slot (on its way to it, or there). Keep parcels_slot_occupied_unique in step. */
export const PARCEL_STATUSES_IN_SLOT = ["dispatched", "arrived", "return_flagged"] as const satisfies readonly ParcelStatus[];

export const parcels = sqliteTable(
  "parcels",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Printed on the label and the manifest; what the operator scans or types at arrival. */
    code: text("code").notNull(),
    orderId: integer("order_id")
      .notNull()
      .references(() => orders.id),
    subOrderId: integer("sub_order_id")
      .notNull()
      .references(() => subOrders.id),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    /** Always the order's point (the buyer's choice); changes only through a consented delivery_point_changes row. */
    deliveryPointId: integer("delivery_point_id")
      .notNull()
      .references(() => deliveryPoints.id),
    size: text("size", { enum: SLOT_SIZES }).notNull(),
    /** Needs a chilled (0–4 °C) slot. */
    chilled: integer("chilled", { mode: "boolean" }).notNull().default(false),
    /** Fresh produce: the point's shorter holding period applies. */
    fresh: integer("fresh", { mode: "boolean" }).notNull().default(false),
    volumeCm3: integer("volume_cm3").notNull(),
    status: text("status", { enum: PARCEL_STATUSES }).notNull().default("awaiting_dispatch"),
    /** Allocated at dispatch (best fit), freed when the parcel leaves the point. */
    slotId: integer("slot_id").references(() => storageSlots.id),
    /**
     * The pickup code is never stored: it is HOTP(PICKUP_CODE_SECRET, parcel id ‖ nonce), so a
     * leaked database without the secret reveals no usable code (logistics/pickup-code.ts).
     */
    pickupCodeNonce: text("pickup_code_nonce"),
    failedPickupAttempts: integer("failed_pickup_attempts").notNull().default(0),
    pickupLockedUntil: integer("pickup_locked_until"),
    manifestId: integer("manifest_id").references(() => routeManifests.id),
    dispatchedAt: integer("dispatched_at"),
    arrivedAt: integer("arrived_at"),
    /** End of the holding period, set at arrival. */
    holdUntil: integer("hold_until"),
    reminderSentAt: integer("reminder_sent_at"),
    pickedUpAt: integer("picked_up_at"),
    pickedUpBy: integer("picked_up_by").references(() => users.id),
    returnFlaggedAt: integer("return_flagged_at"),
    returnedAt: integer("returned_at"),
    quarantinedAt: integer("quarantined_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("parcels_code_unique").on(t.code),
    index("parcels_point_status_idx").on(t.deliveryPointId, t.status),
    index("parcels_order_idx").on(t.orderId),
    index("parcels_sub_order_idx").on(t.subOrderId),
    index("parcels_status_hold_idx").on(t.status, t.holdUntil),
    index("parcels_manifest_idx").on(t.manifestId),
    // A slot holds one parcel at a time.
    uniqueIndex("parcels_slot_occupied_unique")
      .on(t.slotId)
      .where(sql.raw(`slot_id is not null and status in (${PARCEL_STATUSES_IN_SLOT.map((s) => `'${s}'`).join(", ")})`)),
  ],
);

/** Which order lines (and how many units) travel in which parcel. */
export const parcelItems = sqliteTable(
  "parcel_items",
  {
    parcelId: integer("parcel_id")
      .notNull()
      .references(() => parcels.id, { onDelete: "cascade" }),
    orderLineId: integer("order_line_id")
      .notNull()
      .references(() => orderLines.id),
    quantity: integer("quantity").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.parcelId, t.orderLineId] }),
    index("parcel_items_line_idx").on(t.orderLineId),
    check("parcel_items_quantity_positive", sql`${t.quantity} > 0`),
  ],
);

export const PARCEL_EVENT_KINDS = [
  "created",
  "dispatched",
  "arrived",
  "pickup_refused",
  "picked_up",
  "reminded",
  "return_flagged",
  "returned",
  "point_changed",
  "cancelled",
  "quarantined",
  "destroyed",
] as const;

/** A parcel's own timeline (who did what, when); lot chains get arrival and pickup too. */
export const parcelEvents = sqliteTable(
  "parcel_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    parcelId: integer("parcel_id")
      .notNull()
      .references(() => parcels.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: PARCEL_EVENT_KINDS }).notNull(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    note: text("note"),
    at: integer("at").notNull(),
  },
  (t) => [index("parcel_events_parcel_idx").on(t.parcelId, t.at)],
);

/** Every pickup-code check, for the per-parcel and per-point rate limits. */
export const pickupAttempts = sqliteTable(
  "pickup_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryPointId: integer("delivery_point_id")
      .notNull()
      .references(() => deliveryPoints.id),
    parcelId: integer("parcel_id").references(() => parcels.id),
    operatorUserId: integer("operator_user_id").references(() => users.id),
    success: integer("success", { mode: "boolean" }).notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("pickup_attempts_point_idx").on(t.deliveryPointId, t.at)],
);

/**
 * A proposal to deliver an order to another point (its point became full or closed). Nothing
 * moves until the buyer consents (2024 rules: no locker or station without the recipient's consent).
 */
export const deliveryPointChanges = sqliteTable(
  "delivery_point_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderId: integer("order_id")
      .notNull()
      .references(() => orders.id),
    fromPointId: integer("from_point_id")
      .notNull()
      .references(() => deliveryPoints.id),
    toPointId: integer("to_point_id")
      .notNull()
      .references(() => deliveryPoints.id),
    reason: text("reason", { enum: ["point_full", "point_closed", "buyer_request"] }).notNull(),
    proposedAt: integer("proposed_at").notNull(),
    consentedBy: integer("consented_by").references(() => users.id),
    consentedAt: integer("consented_at"),
    declinedAt: integer("declined_at"),
  },
  (t) => [index("delivery_point_changes_order_idx").on(t.orderId)],
);

/**
 * 共同配送: one manifest per courier route per service day, consolidating every producer's parcels
 * for the route's points. Lengths in metres: the route as constructed (nearest neighbour), as
 * improved (2-opt / Or-opt), and the sum of each producer driving its own parcels separately.
 */
export const routeManifests = sqliteTable(
  "route_manifests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    courierRouteId: integer("courier_route_id")
      .notNull()
      .references(() => courierRoutes.id),
    /** YYYY-MM-DD in Asia/Shanghai. */
    serviceDate: text("service_date").notNull(),
    /** Delivery point ids in driving order from the depot (and back). */
    stops: text("stops", { mode: "json" }).$type<number[]>().notNull(),
    constructionLengthM: integer("construction_length_m").notNull(),
    lengthM: integer("length_m").notNull(),
    separateLengthM: integer("separate_length_m").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("route_manifests_route_date_unique").on(t.courierRouteId, t.serviceDate)],
);

// ─── forms ───────────────────────────────────────────────────────────────────

/**
 * One row per create form that wrote something: the one-time token the page rendered into it, who
 * sent it and what it made (core/once.ts). Written in the same transaction as the thing created,
 * so a second submission of the same form (a double tap, a retried request) finds the row and gets
 * the first result back instead of creating a twin.
 */
export const formSubmissions = sqliteTable(
  "form_submissions",
  {
    /** 128 random bits, hex; rendered by the page's loader into a hidden field. */
    token: text("token").primaryKey(),
    actorUserId: integer("actor_user_id")
      .notNull()
      .references(() => users.id),
    /** What the form creates (listing, lot, lot_event, order, …): a token is good for one kind. */
    kind: text("kind").notNull(),
    /** What the create returned (its id, or the small object the page redirects with), as JSON. */
    result: text("result", { mode: "json" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("form_submissions_created_at_idx").on(t.createdAt)],
);

/**
 * Issue 14 §4: one row per page cache ("storefront", "trace"), bumped in the same transaction as
 * any change those pages show (core/events.ts). Every app process compares it with what its cache
 * was filled under (checking PRAGMA data_version first), so no process serves another's stale page.
 */
export const cacheGenerations = sqliteTable("cache_generations", {
  name: text("name").primaryKey(),
  generation: integer("generation").notNull(),
});

/** Issue 14 §4: who runs a background sweep (server.js), so N processes sweep once, not N times. */
export const sweepLeases = sqliteTable("sweep_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

// ─── inputs on the market (issue 12 §4) ──────────────────────────────────────

/** Every edit or retirement of a catalogue entry: who, when, what changed ({ field: [before, after] }). */
export const agriInputEdits = sqliteTable(
  "agri_input_edits",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    inputId: integer("input_id")
      .notNull()
      .references(() => agriInputs.id),
    action: text("action", { enum: ["edit", "retire", "reinstate"] }).notNull(),
    changes: text("changes", { mode: "json" }).$type<Record<string, [unknown, unknown]>>().notNull(),
    editedBy: integer("edited_by")
      .notNull()
      .references(() => users.id),
    at: integer("at").notNull(),
  },
  (t) => [index("agri_input_edits_input_idx").on(t.inputId, t.at)],
);

/**
 * An input seller's lot of a catalogue input (the maker's batch number, production and expiry date).
 * It is a `batches` row of the seller too, so order lines name it like any lot and a recall finds it.
 */
export const inputLots = sqliteTable(
  "input_lots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    agriInputId: integer("agri_input_id")
      .notNull()
      .references(() => agriInputs.id),
    /** The registration number as the seller listed it, after the check against the catalogue. */
    registrationNo: text("registration_no"),
    /** The maker's batch number (生产批号) as printed. */
    makerLotNo: text("maker_lot_no").notNull(),
    producedOn: text("produced_on").notNull(),
    expiresOn: text("expires_on").notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("input_lots_batch_unique").on(t.batchId),
    index("input_lots_input_idx").on(t.agriInputId),
    index("input_lots_maker_lot_idx").on(t.makerLotNo),
  ],
);

/** What a farm bought and still holds: one row per paid order line of an input lot. */
export const farmInputStock = sqliteTable(
  "farm_input_stock",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    agriInputId: integer("agri_input_id")
      .notNull()
      .references(() => agriInputs.id),
    inputLotId: integer("input_lot_id")
      .notNull()
      .references(() => inputLots.id),
    orderLineId: integer("order_line_id")
      .notNull()
      .references(() => orderLines.id),
    boughtQuantity: integer("bought_quantity").notNull(),
    /** What is left, in `unit` (the listing's unit); an application may use part of one. */
    quantity: real("quantity").notNull(),
    unit: text("unit", { enum: UNITS }).notNull(),
    boughtAt: integer("bought_at").notNull(),
    /** Refunded or cancelled: what was still unused when the money went back (the row stays, the uses keep their chain records). */
    voidedQuantity: real("voided_quantity"),
    voidedAt: integer("voided_at"),
  },
  (t) => [
    uniqueIndex("farm_input_stock_line_unique").on(t.orderLineId),
    index("farm_input_stock_producer_idx").on(t.producerId),
    index("farm_input_stock_lot_idx").on(t.inputLotId),
    check("farm_input_stock_nonneg", sql`${t.quantity} >= 0`),
  ],
);

/** An application recorded from stock: which lot's chain event used how much of which stock row. */
export const farmInputUses = sqliteTable(
  "farm_input_uses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    stockId: integer("stock_id")
      .notNull()
      .references(() => farmInputStock.id),
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    eventSeq: integer("event_seq").notNull(),
    quantity: real("quantity").notNull(),
    usedBy: integer("used_by").references(() => users.id),
    at: integer("at").notNull(),
  },
  (t) => [index("farm_input_uses_stock_idx").on(t.stockId), check("farm_input_uses_positive", sql`${t.quantity} > 0`)],
);

// ─── cooperative member households: lot reassignment history (issue 12 §3) ────

/** Append-only: who moved a lot from one household to another and when, shown with the lot. */
export const batchHouseholdChanges = sqliteTable(
  "batch_household_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    fromHouseholdId: integer("from_household_id").references(() => coopMembers.id),
    toHouseholdId: integer("to_household_id").references(() => coopMembers.id),
    changedBy: integer("changed_by")
      .notNull()
      .references(() => users.id),
    changedAt: createdAt(),
  },
  (t) => [index("batch_household_changes_batch_idx").on(t.batchId)],
);
// ─── statistics (issue 12 §1) ────────────────────────────────────────────────
// Daily roll-ups kept by triggers (db/migrations/*_stats_triggers.sql) in the same transaction
// as the order, refund, payout, parcel, recall and inspection changes that move them;
// oversight/rebuild.ts recomputes them from the raw tables. `day` is the Shanghai calendar day
// number (core/clock.ts shanghaiDay). What each figure means: docs/statistics.md.

/** Per Shanghai day × producer (its region and kind come from the producer). */
export const statsProducerDaily = sqliteTable(
  "stats_producer_daily",
  {
    day: integer("day").notNull(),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    salesFen: integer("sales_fen").notNull().default(0),
    orders: integer("orders").notNull().default(0),
    units: integer("units").notNull().default(0),
    unitsVerified: integer("units_verified").notNull().default(0),
    refundFen: integer("refund_fen").notNull().default(0),
    refunds: integer("refunds").notNull().default(0),
    payoutFen: integer("payout_fen").notNull().default(0),
    payouts: integer("payouts").notNull().default(0),
    parcelsArrived: integer("parcels_arrived").notNull().default(0),
    parcelsPickedUp: integer("parcels_picked_up").notNull().default(0),
    parcelsReturned: integer("parcels_returned").notNull().default(0),
    parcelsOverdue: integer("parcels_overdue").notNull().default(0),
    inspectionsPassed: integer("inspections_passed").notNull().default(0),
    inspectionsFailed: integer("inspections_failed").notNull().default(0),
    recalls: integer("recalls").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.producerId] }), index("stats_producer_daily_producer_idx").on(t.producerId, t.day)],
);

/** Sales per day × producer × category (at the listed unit price, before weighing). */
export const statsCategoryDaily = sqliteTable(
  "stats_category_daily",
  {
    day: integer("day").notNull(),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    salesFen: integer("sales_fen").notNull().default(0),
    units: integer("units").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.producerId, t.categoryId] })],
);

/**
 * Buyers who bought from a producer on a day (by sale day), so that distinct buyers over any range,
 * period and region are exact. The week and month starts and the producer's region are copied in
 * at the sale so that each grouping the page makes walks one index in order (no temporary B-tree).
 */
export const statsBuyerDays = sqliteTable(
  "stats_buyer_days",
  {
    day: integer("day").notNull(),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    buyerId: integer("buyer_id")
      .notNull()
      .references(() => users.id),
    orders: integer("orders").notNull(),
    /** Day number of the Monday that starts the week, and of the 1st of the month. */
    week: integer("week").notNull(),
    month: integer("month").notNull(),
    provinceId: integer("province_id").notNull(),
    countyId: integer("county_id").notNull(),
    villageId: integer("village_id"),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.producerId, t.buyerId] }),
    index("stats_buyer_days_day_buyer_idx").on(t.day, t.buyerId),
    index("stats_buyer_days_week_buyer_idx").on(t.week, t.buyerId, t.day),
    index("stats_buyer_days_month_buyer_idx").on(t.month, t.buyerId, t.day),
    index("stats_buyer_days_buyer_idx").on(t.buyerId, t.day),
    // A region filter leads; the rest makes the index cover every grouping inside that region.
    index("stats_buyer_days_province_buyer_idx").on(t.provinceId, t.buyerId, t.day, t.week, t.month, t.countyId, t.villageId),
    index("stats_buyer_days_county_buyer_idx").on(t.countyId, t.buyerId, t.day, t.week, t.month, t.villageId),
    index("stats_buyer_days_village_buyer_idx").on(t.villageId, t.buyerId, t.day, t.week, t.month),
  ],
);

/**
 * Distinct buyers per whole day, week and month, over every region and per province, county and
 * village: kept exact by triggers on stats_buyer_days (a buyer adds 1 to a period the first time
 * it appears there and takes 1 back when its last row there goes), so the page reads one row per
 * period instead of counting buyers. `region_level` is 'all' (region_id 0), 'province', 'county' or
 * 'village'; `grain` is 'day', 'week' or 'month' and `period` the day number the period starts on.
 */
export const statsBuyerCounts = sqliteTable(
  "stats_buyer_counts",
  {
    grain: text("grain", { enum: ["day", "week", "month"] }).notNull(),
    regionLevel: text("region_level", { enum: ["all", "province", "county", "village"] }).notNull(),
    regionId: integer("region_id").notNull(),
    period: integer("period").notNull(),
    buyers: integer("buyers").notNull(),
  },
  (t) => [primaryKey({ columns: [t.grain, t.regionLevel, t.regionId, t.period] })],
);

/** Parcels picked up per day × producer × whole hours from arrival to pickup (168 = a week or more): the median comes from here. */
export const statsPickupHours = sqliteTable(
  "stats_pickup_hours",
  {
    day: integer("day").notNull(),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    hours: integer("hours").notNull(),
    parcels: integer("parcels").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.producerId, t.hours] }), index("stats_pickup_hours_producer_idx").on(t.producerId, t.day)],
);

/** The same histogram over every region (the page without a region filter reads this small table). */
export const statsPickupHoursAll = sqliteTable(
  "stats_pickup_hours_all",
  {
    day: integer("day").notNull(),
    hours: integer("hours").notNull(),
    parcels: integer("parcels").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.hours] })],
);

/** A county official (县级监管) sees the statistics of one county only. */
export const countyOfficials = sqliteTable("county_officials", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  countyId: integer("county_id")
    .notNull()
    .references(() => regions.id),
});

// ─── producer credit and verification (issue 12 §2) ──────────────────────────

/**
 * A producer's credit score (market/credit): recomputed in the transaction of the market change
 * that moves an input; triggers (migration producer_credit_triggers) set `stale` when a lower
 * layer changes one (a lot event, a recall), and the next read or the sweep recomputes it.
 */
export const producerCredit = sqliteTable(
  "producer_credit",
  {
    producerId: integer("producer_id")
      .primaryKey()
      .references(() => producers.id),
    /** 0–100; null = not enough data (the page says 暂无足够数据). */
    score: integer("score"),
    /** The components as computed (market/credit/score.ts CreditComponent[]). */
    components: text("components", { mode: "json" })
      .$type<unknown[]>()
      .notNull()
      .default(sql`'[]'`),
    stale: integer("stale", { mode: "boolean" }).notNull().default(true),
    computedAt: integer("computed_at"),
    /**
     * Traceability completeness walks every sold lot's chain (the expensive part), so it is kept
     * apart: recounted when a lot event or recall set `trace_stale`, or when a day old; the
     * market's in-transaction recomputes (rating, dispute, refund, dispatch) reuse it otherwise.
     */
    soldLots: integer("sold_lots"),
    soldLotsComplete: integer("sold_lots_complete"),
    traceStale: integer("trace_stale", { mode: "boolean" }).notNull().default(true),
    traceCheckedAt: integer("trace_checked_at"),
  },
  (t) => [
    index("producer_credit_score_idx").on(t.score),
    index("producer_credit_stale_idx")
      .on(t.producerId)
      .where(sql`stale = 1`),
    index("producer_credit_computed_idx").on(t.computedAt),
  ],
);

/** Business licence, legal representative and the poverty-alleviation designation of a producer. */
export const producerVerification = sqliteTable(
  "producer_verification",
  {
    producerId: integer("producer_id")
      .primaryKey()
      .references(() => producers.id),
    /** Photo file key (market/photos) of the business licence (营业执照). */
    licenceFileKey: text("licence_file_key"),
    legalRepName: text("legal_rep_name"),
    licenceStatus: text("licence_status", { enum: LICENCE_STATUSES }).notNull().default("none"),
    submittedAt: integer("submitted_at"),
    /** 帮扶 / 脱贫地区产品: set and cleared only by a platform admin (producer_decisions). */
    povertyAlleviation: integer("poverty_alleviation", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    index("producer_verification_poverty_idx")
      .on(t.producerId)
      .where(sql`poverty_alleviation = 1`),
    index("producer_verification_status_idx").on(t.licenceStatus),
  ],
);

/** Every decision a platform admin made about a producer: who, when, what, why (shown to both). */
export const producerDecisions = sqliteTable(
  "producer_decisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    producerId: integer("producer_id")
      .notNull()
      .references(() => producers.id),
    kind: text("kind", { enum: PRODUCER_DECISION_KINDS }).notNull(),
    decision: text("decision", { enum: PRODUCER_DECISIONS }).notNull(),
    note: text("note").notNull().default(""),
    decidedBy: integer("decided_by")
      .notNull()
      .references(() => users.id),
    decidedAt: integer("decided_at").notNull(),
  },
  (t) => [index("producer_decisions_producer_idx").on(t.producerId, t.decidedAt)],
);

/** Photos a buyer attached to a rating (at most MAX_RATING_PHOTOS). */
export const ratingPhotos = sqliteTable(
  "rating_photos",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ratingId: integer("rating_id")
      .notNull()
      .references(() => ratings.id),
    fileKey: text("file_key").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [index("rating_photos_rating_idx").on(t.ratingId, t.position)],
);
