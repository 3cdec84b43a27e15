/**
 * The Cunpin database schema: the map of the domain, read top to bottom.
 *
 *   people      users, their roles, sessions, login throttling
 *   places      regions (province → county → township) and villages
 *   producers   cooperatives, family farms, large growers, agribusinesses and their members
 *   catalogue   categories, products, listings, photos, certifications
 *   lots        batches (lots) that a listing sells from
 *
 * Money is CNY in integer fen. Timestamps are Unix epoch milliseconds (integer).
 * Later issues (traceability events, orders, logistics, credit score, statistics)
 * add tables that point at these; columns they will need are marked "later".
 */
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;
const createdAt = () => integer("created_at", { mode: "number" }).notNull().default(now);

// ─── people ──────────────────────────────────────────────────────────────────

export const ROLES = [
  "buyer",
  "farmer",
  "coop_admin",
  "delivery_operator",
  "inspector",
  "platform_admin",
] as const;
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
  (t) => [index("login_attempts_phone_at_idx").on(t.phone, t.at), index("login_attempts_ip_at_idx").on(t.ip, t.at)],
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
    parentId: integer("parent_id").references((): any => regions.id),
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
    provinceId: integer("province_id").notNull().references(() => regions.id),
    countyId: integer("county_id").notNull().references(() => regions.id),
    townshipId: integer("township_id").notNull().references(() => regions.id),
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

export const PRODUCER_KINDS = ["cooperative", "family_farm", "large_grower", "agribusiness"] as const;
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
    provinceId: integer("province_id").notNull().references(() => regions.id),
    countyId: integer("county_id").notNull().references(() => regions.id),
    townshipId: integer("township_id").references(() => regions.id),
    villageId: integer("village_id").references(() => villages.id),
    lat: real("lat"),
    lng: real("lng"),
    /** VAT rate in basis points for agribusinesses; farmers and co-ops selling own produce are exempt (later: invoices). */
    vatRateBp: integer("vat_rate_bp"),
    /** later: Stripe connected account (orders issue), Ed25519 public key (traceability issue). */
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

// ─── catalogue ───────────────────────────────────────────────────────────────

export const CATEGORY_SLUGS = [
  "fruit",
  "vegetables",
  "grain",
  "tea",
  "livestock_poultry",
  "aquatic",
  "forest",
  "agri_inputs",
] as const;
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
  (t) => [
    uniqueIndex("products_producer_name_unique").on(t.producerId, t.nameZh),
    index("products_category_idx").on(t.categoryId),
  ],
);

export const UNITS = ["jin", "kg", "box", "each", "bag", "bottle", "dozen"] as const;
export type Unit = (typeof UNITS)[number];

export const LISTING_STATUSES = ["draft", "published", "paused"] as const;
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
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull().default(now),
    publishedAt: integer("published_at"),
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

export const CERTIFICATION_KINDS = [
  "green_food",
  "organic",
  "geographical_indication",
  "pollution_free",
] as const;
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
  (t) => [
    primaryKey({ columns: [t.listingId, t.kind] }),
    index("listing_certifications_kind_idx").on(t.kind, t.listingId),
  ],
);

// ─── lots ────────────────────────────────────────────────────────────────────

/** A batch (lot) of a product; the traceability chain hangs off it (later issue). */
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
    /** GS1 AI (10) batch/lot number: up to 20 characters. */
    lotCode: text("lot_code").notNull(),
    harvestedAt: integer("harvested_at"),
    quantity: real("quantity"),
    unit: text("unit", { enum: UNITS }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("batches_producer_lot_unique").on(t.producerId, t.lotCode),
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
