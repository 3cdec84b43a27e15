/**
 * Factories shared by the seeds and the tests. Each builds one row (or a few) with sensible
 * defaults, going through the domain modules where those write more than the row itself
 * (listings: the search index; users: password hashing and roles).
 */
import "../logistics/shipping"; // logistics as the market's shipping provider (checkout's parcels)
import { and, eq, sql } from "drizzle-orm";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { openDatabase, type Db } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import {
  batches,
  categories,
  CATEGORY_SLUGS,
  listingBatches,
  listings,
  producerMembers,
  plots,
  producers,
  products,
  regions,
  userRoles,
  users,
  villages,
  type REGION_LEVELS,
  type CategorySlug,
  type CertificationKind,
  type CreditCodeStatus,
  type DeliveryPointKind,
  type ListingStatus,
  type ProducerKind,
  type Role,
  type Unit,
} from "../db/schema";
import { createUser as createAccount, loadAuthUser } from "../market/accounts/accounts";
import { hashPassword } from "../market/accounts/password";
import type { Actor } from "../core/permissions";
import { CREDIT_CODE_ALPHABET, makeCreditCode } from "../core/credit-code";
import { createListing as createListingRecord, setListingStatus, type PhotoRecord } from "../market/listings/listings";
import { storeListingPhoto } from "../market/photos/photos";
import { createBatch as createLot, createPlot, linkListingBatch, recordEvent, seedInputsCatalogue } from "../traceability/store";
import type { CommitmentCertificate, PayloadOf } from "../traceability/types";
import { certificateRequired } from "../traceability/compliance";
import { findCrop } from "../traceability/crops";
import { insertDeliveryPoint, insertStandardSlots, type SlotSpec } from "../logistics/point-store";

// ─── categories ──────────────────────────────────────────────────────────────

export const CATEGORY_NAMES: Record<CategorySlug, { zh: string; en: string }> = {
  fruit: { zh: "水果", en: "Fruit" },
  vegetables: { zh: "蔬菜", en: "Vegetables" },
  grain: { zh: "粮油", en: "Grain & oil" },
  tea: { zh: "茶叶", en: "Tea" },
  livestock_poultry: { zh: "畜禽", en: "Livestock & poultry" },
  aquatic: { zh: "水产", en: "Aquatic products" },
  forest: { zh: "林特产品", en: "Forest specialties" },
  agri_inputs: { zh: "农资", en: "Farm supplies" },
};

/** Inserts the eight categories if missing; returns slug → id. */
export function seedCategories(db: Db): Record<CategorySlug, number> {
  CATEGORY_SLUGS.forEach((slug, position) => {
    db.insert(categories)
      .values({ slug, nameZh: CATEGORY_NAMES[slug].zh, nameEn: CATEGORY_NAMES[slug].en, position })
      .onConflictDoNothing({ target: categories.slug })
      .run();
  });
  return categoryIds(db);
}

export function categoryIds(db: Db): Record<CategorySlug, number> {
  const rows = db.select({ id: categories.id, slug: categories.slug }).from(categories).all();
  return Object.fromEntries(rows.map((r) => [r.slug, r.id])) as Record<CategorySlug, number>;
}

// ─── places ──────────────────────────────────────────────────────────────────

export type RegionInput = {
  code: string;
  level: (typeof REGION_LEVELS)[number];
  nameZh: string;
  nameEn: string;
  parentId?: number | null;
};

/** Region by GB/T 2260 code, created when missing. */
export function ensureRegion(db: Db, input: RegionInput): number {
  const existing = db.select({ id: regions.id }).from(regions).where(eq(regions.code, input.code)).get();
  if (existing) return existing.id;
  return db
    .insert(regions)
    .values({ ...input, parentId: input.parentId ?? null })
    .returning({ id: regions.id })
    .get().id;
}

/** A small default region chain for tests that do not care where things are. */
export function ensureTestRegions(db: Db): { provinceId: number; prefectureId: number; countyId: number; townshipId: number } {
  const provinceId = ensureRegion(db, { code: "610000", level: "province", nameZh: "陕西省", nameEn: "Shaanxi" });
  const prefectureId = ensureRegion(db, { code: "610600", level: "prefecture", nameZh: "延安市", nameEn: "Yan'an", parentId: provinceId });
  const countyId = ensureRegion(db, { code: "610629", level: "county", nameZh: "洛川县", nameEn: "Luochuan County", parentId: prefectureId });
  const townshipId = ensureRegion(db, { code: "610629001", level: "township", nameZh: "凤栖街道", nameEn: "Fengqi Subdistrict", parentId: countyId });
  return { provinceId, prefectureId, countyId, townshipId };
}

let villageCounter = 0;

export type VillageInput = {
  provinceId?: number;
  countyId?: number;
  townshipId?: number;
  nameZh?: string;
  nameEn?: string;
  signatureProductZh?: string;
  signatureProductEn?: string;
  signatureCategoryId?: number | null;
  descriptionZh?: string;
  descriptionEn?: string;
  lat?: number;
  lng?: number;
};

export function createVillage(db: Db, input: VillageInput = {}): number {
  const n = ++villageCounter;
  const place =
    input.provinceId && input.countyId && input.townshipId
      ? { provinceId: input.provinceId, countyId: input.countyId, townshipId: input.townshipId }
      : ensureTestRegions(db);
  return db
    .insert(villages)
    .values({
      provinceId: place.provinceId,
      countyId: place.countyId,
      townshipId: place.townshipId,
      nameZh: input.nameZh ?? `测试村${n}-${Date.now().toString(36)}`,
      nameEn: input.nameEn ?? `Test Village ${n}`,
      // Neutral defaults, so that factory rows do not turn up in searches for real products.
      signatureProductZh: input.signatureProductZh ?? "测试特产",
      signatureProductEn: input.signatureProductEn ?? "Test specialty",
      signatureCategoryId: input.signatureCategoryId ?? null,
      descriptionZh: input.descriptionZh ?? "",
      descriptionEn: input.descriptionEn ?? "",
      lat: input.lat ?? 35.76,
      lng: input.lng ?? 109.43,
    })
    .returning({ id: villages.id })
    .get().id;
}

// ─── people ──────────────────────────────────────────────────────────────────

export const DEFAULT_TEST_PASSWORD = "cunpin123";

let phoneCounter = 0;
/** A phone number not yet in the database: 139 + 8 digits, counting up from a per-process start. */
export function uniquePhone(db: Db): string {
  const base = (process.pid % 900) * 100_000; // separate ranges for parallel test workers
  for (;;) {
    const phone = `139${String(base + ++phoneCounter).padStart(8, "0")}`;
    if (!db.select({ id: users.id }).from(users).where(eq(users.phone, phone)).get()) return phone;
  }
}

export type UserInput = {
  phone?: string;
  password?: string;
  displayName?: string;
  roles?: Role[];
  /** Precomputed hash of `password` (bulk seeding: scrypt takes ~50–100 ms per call). */
  passwordHash?: string;
};

export async function createUser(db: Db, input: UserInput = {}): Promise<{ id: number; phone: string; password: string }> {
  const phone = input.phone ?? uniquePhone(db);
  const password = input.password ?? DEFAULT_TEST_PASSWORD;
  const displayName = input.displayName ?? `用户${phone.slice(-4)}`;
  if (!input.passwordHash) {
    const id = await createAccount(db, { phone, password, displayName, roles: input.roles });
    return { id, phone, password };
  }
  return { id: insertUserWithHash(db, { phone, displayName, passwordHash: input.passwordHash, roles: input.roles }), phone, password };
}

/** Synchronous user insert with a ready hash; roles always include buyer, like sign-up. */
export function insertUserWithHash(db: Db, input: { phone: string; displayName: string; passwordHash: string; roles?: Role[] }): number {
  return db.transaction((tx) => {
    const { id } = tx
      .insert(users)
      .values({ phone: input.phone, passwordHash: input.passwordHash, displayName: input.displayName })
      .returning({ id: users.id })
      .get();
    for (const role of new Set<Role>(["buyer", ...(input.roles ?? [])])) {
      tx.insert(userRoles).values({ userId: id, role }).onConflictDoNothing().run();
    }
    return id;
  });
}

const hashCache = new Map<string, Promise<string>>();
/** One scrypt hash per password per process, for seeding many accounts quickly. */
export function cachedPasswordHash(password = DEFAULT_TEST_PASSWORD): Promise<string> {
  let h = hashCache.get(password);
  if (!h) hashCache.set(password, (h = hashPassword(password)));
  return h;
}

/** The acting user as the domain modules see it (roles and producer memberships). */
export function actorFor(db: Db, userId: number): Actor {
  const user = loadAuthUser(db, userId);
  if (!user) throw new Error(`no user ${userId}`);
  return user;
}

// ─── producers ───────────────────────────────────────────────────────────────

/** GB 32100 registration-authority + category prefix: 93 farmers' co-operative, 92 individual business, 91 company. */
export const CREDIT_CODE_PREFIX: Record<ProducerKind, string> = {
  cooperative: "93",
  family_farm: "92",
  large_grower: "92",
  agribusiness: "91",
  input_seller: "91",
};

let creditCounter = 0;
/** 9-character organisation code part: "MA" + 7 characters of the credit-code alphabet. */
function organisationCode(n: number): string {
  let s = "";
  for (let i = 0; i < 7; i++) {
    s = CREDIT_CODE_ALPHABET[n % 31] + s;
    n = Math.floor(n / 31);
  }
  return "MA" + s;
}

/** A credit code with a correct check character that no producer in `db` has yet. */
export function uniqueCreditCode(db: Db, kind: ProducerKind, countyCode: string): string {
  const start = (process.pid % 1000) * 100_000;
  for (;;) {
    const code = makeCreditCode(CREDIT_CODE_PREFIX[kind] + countyCode + organisationCode(start + ++creditCounter));
    if (!db.select({ id: producers.id }).from(producers).where(eq(producers.creditCode, code)).get()) return code;
  }
}

/** The same code with a different (wrong) check character: lands in `pending_review`. */
export function withWrongCheckCharacter(code: string): string {
  const right = code[17];
  const wrong = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf(right) + 7) % 31];
  return code.slice(0, 17) + wrong;
}

export type ProducerFactoryInput = {
  kind?: ProducerKind;
  nameZh?: string;
  nameEn?: string;
  ownerUserId?: number | null;
  villageId?: number | null;
  provinceId?: number;
  countyId?: number;
  townshipId?: number | null;
  creditCode?: string;
  creditCodeStatus?: CreditCodeStatus;
  address?: string;
  lat?: number | null;
  lng?: number | null;
  contactPhone?: string | null;
  descriptionZh?: string;
  descriptionEn?: string;
  vatRateBp?: number | null;
};

const KIND_SUFFIX: Record<ProducerKind, string> = {
  cooperative: "专业合作社",
  family_farm: "家庭农场",
  large_grower: "种植大户",
  agribusiness: "农业有限公司",
  input_seller: "农资经营部",
};

let producerCounter = 0;

/**
 * Inserts a producer directly (the registration rules are tested on registerProducer itself).
 * The owner, when given, becomes its `owner` member and gets the farmer role.
 */
export function createProducer(db: Db, input: ProducerFactoryInput = {}): number {
  const kind = input.kind ?? "cooperative";
  const n = ++producerCounter;
  let place: { provinceId: number; countyId: number; townshipId: number | null; villageId: number | null };
  if (input.villageId && !(input.provinceId && input.countyId)) {
    const v = db.select().from(villages).where(eq(villages.id, input.villageId)).get();
    if (!v) throw new Error(`no village ${input.villageId}`);
    place = { provinceId: v.provinceId, countyId: v.countyId, townshipId: v.townshipId, villageId: v.id };
  } else if (input.provinceId && input.countyId) {
    place = { provinceId: input.provinceId, countyId: input.countyId, townshipId: input.townshipId ?? null, villageId: input.villageId ?? null };
  } else {
    const r = ensureTestRegions(db);
    place = { provinceId: r.provinceId, countyId: r.countyId, townshipId: r.townshipId, villageId: input.villageId ?? null };
  }
  const county = db.select({ code: regions.code }).from(regions).where(eq(regions.id, place.countyId)).get();
  const countyCode = (county?.code ?? "610629").slice(0, 6);
  const creditCode = input.creditCode ?? uniqueCreditCode(db, kind, countyCode);
  const status: CreditCodeStatus = input.creditCodeStatus ?? (makeCreditCode(creditCode.slice(0, 17)) === creditCode ? "valid" : "pending_review");
  return db.transaction((tx) => {
    const { id } = tx
      .insert(producers)
      .values({
        kind,
        nameZh: input.nameZh ?? `测试${n}号${KIND_SUFFIX[kind]}`,
        nameEn: input.nameEn ?? `Test producer ${n}`,
        creditCode,
        creditCodeStatus: status,
        descriptionZh: input.descriptionZh ?? "",
        descriptionEn: input.descriptionEn ?? "",
        contactPhone: input.contactPhone ?? null,
        address: input.address ?? "测试地址",
        provinceId: place.provinceId,
        countyId: place.countyId,
        townshipId: place.townshipId,
        villageId: place.villageId,
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        vatRateBp: input.vatRateBp ?? null,
        createdBy: input.ownerUserId ?? null,
      })
      .returning({ id: producers.id })
      .get();
    if (input.ownerUserId) addProducerMember(db, id, input.ownerUserId, "owner");
    return id;
  });
}

/** Adds (or updates) a membership and gives the user the role that goes with it. */
export function addProducerMember(db: Db, producerId: number, userId: number, role: "owner" | "manager" | "member" = "member"): void {
  db.insert(producerMembers)
    .values({ producerId, userId, role })
    .onConflictDoUpdate({ target: [producerMembers.producerId, producerMembers.userId], set: { role } })
    .run();
  const userRole: Role = role === "manager" ? "coop_admin" : "farmer";
  db.insert(userRoles).values({ userId, role: userRole }).onConflictDoNothing().run();
}

// ─── images and photos ───────────────────────────────────────────────────────

export type TestImageInput = {
  width?: number;
  height?: number;
  /** CSS hex colour, e.g. "#c0392b". */
  color?: string;
  format?: "png" | "jpeg" | "webp";
};

/** A solid-colour image of the given size and format. */
export async function makeTestImage(input: TestImageInput = {}): Promise<Buffer> {
  const width = input.width ?? 800;
  const height = input.height ?? 600;
  const hex = (input.color ?? "#4caf50").replace("#", "");
  const background = {
    r: parseInt(hex.slice(0, 2), 16),
    g: parseInt(hex.slice(2, 4), 16),
    b: parseInt(hex.slice(4, 6), 16),
  };
  const img = sharp({ create: { width, height, channels: 3, background } });
  const format = input.format ?? "png";
  if (format === "jpeg") return img.jpeg({ quality: 80 }).toBuffer();
  if (format === "webp") return img.webp().toBuffer();
  return img.png().toBuffer();
}

/** Where factory photos go when neither the caller nor UPLOAD_DIR says. */
export function defaultUploadDir(): string {
  return process.env.UPLOAD_DIR ?? path.join(os.tmpdir(), "cunpin-test-uploads");
}

const defaultPhotoCache = new Map<string, Promise<PhotoRecord>>();
/** One small stored photo per upload dir, reused by every factory listing (storage is by content hash). */
export async function defaultListingPhoto(uploadDir = defaultUploadDir()): Promise<PhotoRecord> {
  let p = defaultPhotoCache.get(uploadDir);
  if (p) {
    const photo = await p;
    if (fs.existsSync(path.join(uploadDir, photo.fileKey))) return photo;
  }
  p = makeTestImage({ width: 320, height: 240, color: "#8bc34a" }).then((buf) => storeListingPhoto(buf, uploadDir));
  defaultPhotoCache.set(uploadDir, p);
  return p;
}

// ─── listings and lots ───────────────────────────────────────────────────────

export type BatchInput = {
  lotCode?: string;
  harvestedAt?: number | null;
  quantity?: number | null;
  unit?: Unit | null;
};

let lotCounter = 0;

export function createBatch(db: Db, input: BatchInput & { producerId: number; productId: number }): number {
  const lotCode = input.lotCode ?? `T${Date.now().toString(36).toUpperCase()}-${++lotCounter}`;
  return db
    .insert(batches)
    .values({
      producerId: input.producerId,
      productId: input.productId,
      lotCode,
      harvestedAt: input.harvestedAt ?? null,
      quantity: input.quantity ?? null,
      unit: input.unit ?? null,
    })
    .returning({ id: batches.id })
    .get().id;
}

export type ListingFactoryInput = {
  producerId: number;
  /** Acting user; defaults to the producer's first owner/manager/member, or a new member user. */
  actorUserId?: number;
  categorySlug?: CategorySlug;
  productName?: string;
  title?: string;
  description?: string;
  status?: ListingStatus;
  priceFen?: number;
  stock?: number;
  unit?: Unit;
  certifications?: CertificationKind[];
  /** Image buffers to store, or stored photo records; default one generated photo. `[]` for none. */
  photos?: Array<Buffer | PhotoRecord>;
  uploadDir?: string;
  /**
   * The lot the listing sells from. Default (and `true` or a BatchInput): a complete, compliant
   * trace chain made by createLotWithChain, linked before publishing (the publish gate needs it).
   * `false`: no lot (publishing then fails with the `no_batch` finding; fine for drafts).
   */
  batch?: boolean | BatchInput;
  /** Overrides for the lot's chain (createLotWithChain), e.g. a violating input for gate tests. */
  lot?: Partial<LotChainInput>;
  /** Backdate the listing (ms epoch): sets created/updated/published times. */
  at?: number;
};

let listingCounter = 0;

async function listingActor(db: Db, producerId: number, actorUserId?: number): Promise<Actor> {
  if (actorUserId) return actorFor(db, actorUserId);
  const member = db
    .select({ userId: producerMembers.userId })
    .from(producerMembers)
    .where(eq(producerMembers.producerId, producerId))
    .orderBy(sql`case ${producerMembers.role} when 'owner' then 0 when 'manager' then 1 else 2 end`)
    .get();
  if (member) return actorFor(db, member.userId);
  const hash = await cachedPasswordHash();
  const userId = insertUserWithHash(db, { phone: uniquePhone(db), displayName: "农户", passwordHash: hash, roles: ["farmer"] });
  addProducerMember(db, producerId, userId, "owner");
  return actorFor(db, userId);
}

/** Creates a listing through the domain module (so the search index is written), then sets its status. */
export async function createListing(db: Db, input: ListingFactoryInput): Promise<number> {
  const n = ++listingCounter;
  const actor = await listingActor(db, input.producerId, input.actorUserId);
  const uploadDir = input.uploadDir ?? defaultUploadDir();
  const photos: PhotoRecord[] = [];
  if (input.photos === undefined) photos.push(await defaultListingPhoto(uploadDir));
  else {
    for (const p of input.photos) photos.push(Buffer.isBuffer(p) ? await storeListingPhoto(p, uploadDir) : p);
  }
  const categoryId = categoryIds(db)[input.categorySlug ?? "fruit"] ?? seedCategories(db)[input.categorySlug ?? "fruit"];
  const title = input.title ?? `测试商品 ${n}号`;
  const id = createListingRecord(
    db,
    actor,
    {
      producerId: input.producerId,
      categoryId,
      productName: input.productName ?? title.split(/\s+/)[0],
      title,
      description: input.description ?? "",
      unit: input.unit ?? "jin",
      priceFen: input.priceFen ?? 1990,
      stock: input.stock ?? 100,
      certifications: input.certifications ?? [],
    },
    photos,
  );
  if (input.batch !== false) {
    const listing = db.select({ productId: listings.productId }).from(listings).where(eq(listings.id, id)).get()!;
    const b = typeof input.batch === "object" ? input.batch : {};
    const harvestAt = b.harvestedAt != null && b.harvestedAt <= Date.now() ? b.harvestedAt : undefined;
    createLotWithChain(db, {
      producerId: input.producerId,
      productId: listing.productId,
      actorUserId: actor.id,
      ...(b.lotCode ? { lotCode: b.lotCode } : {}),
      ...(harvestAt !== undefined ? { harvestAt } : {}),
      ...(b.quantity != null ? { quantity: b.quantity } : {}),
      ...(b.unit ? { unit: b.unit } : {}),
      ...input.lot,
      listingId: id,
    });
  }
  const status = input.status ?? "published";
  if (status !== "draft") setListingStatus(db, actor, id, status);
  if (input.at !== undefined) {
    db.update(listings)
      .set({ createdAt: input.at, updatedAt: input.at, publishedAt: status === "draft" ? null : input.at })
      .where(eq(listings.id, id))
      .run();
  }
  return id;
}

// ─── trace chains ────────────────────────────────────────────────────────────

const DAY = 86_400_000;

export type LotInputSpec = {
  productName: string;
  activeIngredient?: string;
  inputKind?: PayloadOf<"input_application">["inputKind"];
  registrationNo?: string;
  dose?: string;
  method?: PayloadOf<"input_application">["method"];
  /** Pesticides: the registered use read off the label (crop, interval, maximum applications), as the farmer's form records it. */
  registeredCrop?: string;
  labelIntervalDays?: number;
  labelMaxApplications?: number;
  intervalSource?: PayloadOf<"input_application">["intervalSource"];
  toxicityClass?: PayloadOf<"input_application">["toxicityClass"];
  /** When it was applied (ms); or give daysBeforeHarvest (calendar days in Asia/Shanghai, harvest time of day). */
  at?: number;
  daysBeforeHarvest?: number;
};

export type LotChainInput = {
  producerId: number;
  /** The product; default: a product named `productName` (测试产品) in `category`, created when missing. */
  productId?: number;
  category?: CategorySlug;
  productName?: string;
  /** A member of the producer who records the events; default the first owner/manager/member (or a new one). */
  actorUserId?: number;
  /** Or the acting user as the domain sees it (wins over actorUserId). */
  actor?: Actor;
  /** Crop key or name; default by category (fruit → apple, vegetables → cucumber, tea → tea, …). */
  crop?: string;
  variety?: string;
  /** A plot to create (name unique per producer); false for none. Default: a plot named after the lot. */
  plot?: { name?: string; areaMu?: number; lat?: number; lng?: number; villageId?: number } | false;
  plotId?: number;
  plantedAt?: number;
  /** Default: 3 days before now. */
  harvestAt?: number;
  lotCode?: string;
  gtin?: string;
  quantity?: number;
  unit?: Unit;
  /**
   * Replaces the default inputs (an organic fertiliser after planting; abamectin 30 days before
   * harvest, declared from its label as registered on the lot's crop with a 14-day interval).
   */
  inputs?: LotInputSpec[];
  /** Added to the default (or given) inputs. */
  extraInputs?: LotInputSpec[];
  /** Record the harvest (and what follows). Default true; false leaves a growing lot (presale). */
  harvest?: boolean;
  /** A rapid residue test after harvest: pass (default), fail, a full payload, or none. */
  inspection?: "pass" | "fail" | PayloadOf<"inspection"> | false;
  /** Record packing (with its certificate). Default true; the packing gate throws ComplianceBlockedError. */
  pack?: boolean;
  /**
   * Certificate fields to override (`{}` for the defaults), or null for none. By default packing
   * carries a full certificate when the category requires one (fruit, vegetables, tea, livestock, aquatic).
   */
  certificate?: Partial<CommitmentCertificate> | null;
  /** Put the certificate on the harvest event instead of packing (lots that stop before packing). */
  certificateOnHarvest?: boolean;
  /** Link the lot to this listing. */
  listingId?: number;
};

export type LotWithChain = { batchId: number; gtin: string; lotCode: string; productId: number; harvestAt: number; actor: Actor };

const DEFAULT_CROP: Record<CategorySlug, string> = {
  fruit: "apple",
  vegetables: "cucumber",
  grain: "rice",
  tea: "tea",
  livestock_poultry: "pigs",
  aquatic: "fish",
  forest: "walnut",
  agri_inputs: "other",
};

/** Synchronous: any member, else a new member that cannot log in (usable inside a seeding transaction). */
function lotActor(db: Db, producerId: number, actorUserId?: number): Actor {
  if (actorUserId) return actorFor(db, actorUserId);
  const member = db
    .select({ userId: producerMembers.userId })
    .from(producerMembers)
    .where(eq(producerMembers.producerId, producerId))
    .orderBy(sql`case ${producerMembers.role} when 'owner' then 0 when 'manager' then 1 else 2 end`)
    .get();
  if (member) return actorFor(db, member.userId);
  const userId = insertUserWithHash(db, { phone: uniquePhone(db), displayName: "农户", passwordHash: "!no-login", roles: ["farmer"] });
  addProducerMember(db, producerId, userId, "owner");
  return actorFor(db, userId);
}

let plotCounter = 0;

/**
 * A lot with a complete trace chain through the store (signed, verified): planting, inputs,
 * harvest with the lot's code and GTIN, a passing rapid test, packing with a full 承诺达标合格证.
 * Override any part to build a lot the gate blocks (then pass `pack: false`).
 */
export function createLotWithChain(db: Db, input: LotChainInput): LotWithChain {
  seedInputsCatalogue(db); // idempotent; the gate needs the catalogue
  const now = Date.now();
  const actor = input.actor ?? lotActor(db, input.producerId, input.actorUserId);
  let productId = input.productId;
  let category = input.category;
  if (productId === undefined) {
    category ??= "fruit";
    const categoryId = categoryIds(db)[category] ?? seedCategories(db)[category];
    const nameZh = input.productName ?? "测试产品";
    db.insert(products).values({ producerId: input.producerId, categoryId, nameZh }).onConflictDoNothing().run();
    productId = db
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.producerId, input.producerId), eq(products.nameZh, nameZh)))
      .get()!.id;
  }
  const product = db
    .select({ nameZh: products.nameZh, slug: categories.slug })
    .from(products)
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .where(eq(products.id, productId))
    .get()!;
  category = product.slug;
  const producer = db.select().from(producers).where(eq(producers.id, input.producerId)).get()!;

  const harvestAt = Math.min(input.harvestAt ?? now - 3 * DAY, now);
  const plantedAt = input.plantedAt ?? harvestAt - 150 * DAY;
  let plotId = input.plotId ?? null;
  if (plotId === null && input.plot !== false) {
    const p = input.plot ?? {};
    // A named plot is reused when the producer already has it (several lots from one orchard).
    const existing = p.name
      ? db
          .select({ id: plots.id })
          .from(plots)
          .where(and(eq(plots.producerId, input.producerId), eq(plots.name, p.name)))
          .get()
      : undefined;
    plotId =
      existing?.id ??
      createPlot(db, actor, {
        producerId: input.producerId,
        name: p.name ?? `地块${++plotCounter}-${Date.now().toString(36)}`,
        areaMu: p.areaMu ?? 12,
        lat: p.lat ?? producer.lat ?? 35.77,
        lng: p.lng ?? producer.lng ?? 109.45,
        villageId: p.villageId ?? producer.villageId,
      });
  }
  const lotCrop = input.crop ?? DEFAULT_CROP[category];
  const lot = createLot(db, actor, {
    producerId: input.producerId,
    productId,
    plotId,
    crop: lotCrop,
    variety: input.variety ?? null,
    plantedAt,
    lotCode: input.lotCode ?? null,
    gtin: input.gtin ?? null,
  });
  const batchId = lot.id;

  const plantCategory = category !== "livestock_poultry" && category !== "aquatic";
  const defaults: LotInputSpec[] = plantCategory
    ? [
        { productName: "腐熟有机肥", inputKind: "fertilizer", dose: "2000公斤/亩", method: "soil", at: plantedAt + 7 * DAY },
        {
          productName: "1.8%阿维菌素乳油",
          activeIngredient: "abamectin",
          inputKind: "pesticide",
          dose: "3000倍液",
          method: "spray",
          daysBeforeHarvest: 30,
          registeredCrop: findCrop(lotCrop)?.key ?? lotCrop,
          labelIntervalDays: 14,
          labelMaxApplications: 2,
          intervalSource: "declared",
        },
      ]
    : [{ productName: "全价配合饲料", inputKind: "feed", dose: "每日定量", method: "oral", at: plantedAt + 7 * DAY }];
  const applications = [...(input.inputs ?? defaults), ...(input.extraInputs ?? [])]
    .map((i) => ({ ...i, at: i.at ?? harvestAt - (i.daysBeforeHarvest ?? 30) * DAY }))
    .sort((a, b) => a.at - b.at);
  for (const a of applications) {
    const payload: PayloadOf<"input_application"> = { inputKind: a.inputKind ?? "pesticide", productName: a.productName };
    if (a.activeIngredient) payload.activeIngredient = a.activeIngredient;
    if (a.registrationNo) payload.registrationNo = a.registrationNo;
    if (a.dose) payload.dose = a.dose;
    if (a.method) payload.method = a.method;
    if (a.registeredCrop) payload.registeredCrop = a.registeredCrop;
    if (a.labelIntervalDays !== undefined) payload.labelIntervalDays = a.labelIntervalDays;
    if (a.labelMaxApplications !== undefined) payload.labelMaxApplications = a.labelMaxApplications;
    if (a.intervalSource) payload.intervalSource = a.intervalSource;
    if (a.toxicityClass) payload.toxicityClass = a.toxicityClass;
    recordEvent(db, actor, batchId, { type: "input_application", occurredAt: a.at, payload });
  }

  const quantity = input.quantity ?? 1000;
  const unit = input.unit ?? "kg";
  const packedAt = Math.min(harvestAt + DAY, now);
  const wantCertificate = input.certificate !== null && (input.certificate !== undefined || certificateRequired(category, now));
  const certificate = (issuedAt: number): CommitmentCertificate | undefined =>
    wantCertificate
      ? {
          productName: product.nameZh,
          quantity,
          unit,
          origin: originOf(db, producer),
          issuedAt,
          entityName: producer.nameZh,
          entityContact: producer.contactPhone ?? "0911-0000000",
          commitment: { noBannedOrRestrictedInputs: true, intervalsObserved: true, residueStandardsMet: true },
          ...input.certificate,
        }
      : undefined;
  if (input.harvest !== false) {
    const harvestCert = input.certificateOnHarvest ? certificate(harvestAt) : undefined;
    recordEvent(db, actor, batchId, {
      type: "harvest",
      occurredAt: harvestAt,
      payload: { quantity, unit, lotCode: lot.lotCode, gtin: lot.gtin, ...(harvestCert ? { certificate: harvestCert } : {}) },
    });
    if (input.inspection !== false) {
      const spec = input.inspection ?? "pass";
      const payload: PayloadOf<"inspection"> =
        typeof spec === "object"
          ? spec
          : {
              result: spec,
              kind: "rapid_test",
              inspector: "乡镇农产品质量安全监管站",
              reportNo: `KJ${lot.lotCode.replace(/[^A-Za-z0-9]/g, "").slice(-10)}`,
              notes: spec === "pass" ? "有机磷和氨基甲酸酯类农药残留速测：阴性" : "农药残留速测：阳性，抑制率超过50%",
            };
      recordEvent(db, actor, batchId, { type: "inspection", occurredAt: Math.min(harvestAt + 4 * 3_600_000, now), payload });
    }
    if (input.pack !== false) {
      const packCert = input.certificateOnHarvest ? undefined : certificate(packedAt);
      recordEvent(db, actor, batchId, {
        type: "packing",
        occurredAt: packedAt,
        payload: { quantity, unit, packageCount: Math.max(1, Math.round(quantity / 5)), ...(packCert ? { certificate: packCert } : {}) },
      });
    }
  }
  if (input.listingId !== undefined) linkListingBatch(db, actor, input.listingId, batchId);
  return { batchId, gtin: lot.gtin, lotCode: lot.lotCode, productId, harvestAt, actor };
}

/** 产地 as on the certificate: province + prefecture + county (+ village). */
function originOf(db: Db, producer: typeof producers.$inferSelect): string {
  const name = (id: number | null) =>
    id ? db.select({ n: regions.nameZh, p: regions.parentId, l: regions.level }).from(regions).where(eq(regions.id, id)).get() : undefined;
  const county = name(producer.countyId);
  const prefecture = county?.p ? name(county.p) : undefined;
  const parts = [name(producer.provinceId)?.n, prefecture?.l === "prefecture" ? prefecture.n : undefined, county?.n];
  const village = producer.villageId ? db.select({ n: villages.nameZh }).from(villages).where(eq(villages.id, producer.villageId)).get()?.n : undefined;
  return parts.filter(Boolean).join("") + (village ?? "") || producer.address;
}

/** Links an existing batch to a listing. */
export function linkBatch(db: Db, listingId: number, batchId: number): void {
  db.insert(listingBatches).values({ listingId, batchId }).onConflictDoNothing().run();
}

/** Membership check used by tests: is this user a member of this producer? */
export function isMember(db: Db, producerId: number, userId: number): boolean {
  return Boolean(
    db
      .select({ p: producerMembers.producerId })
      .from(producerMembers)
      .where(and(eq(producerMembers.producerId, producerId), eq(producerMembers.userId, userId)))
      .get(),
  );
}

// ─── databases ───────────────────────────────────────────────────────────────

let dbCounter = 0;

/** A fresh migrated SQLite file with the categories, for one test file or suite. */
export function createTestDatabase(file?: string): { db: Db; file: string; cleanup: () => void } {
  const target = file ?? path.join(os.tmpdir(), `cunpin-test-${process.pid}-${Date.now().toString(36)}-${++dbCounter}.sqlite`);
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(target + suffix, { force: true });
  const db = openDatabase(target);
  migrateDatabase(db);
  seedCategories(db);
  seedInputsCatalogue(db);
  return {
    db,
    file: target,
    cleanup() {
      try {
        db.$client.close();
      } catch {
        // already closed
      }
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(target + suffix, { force: true });
    },
  };
}

// ─── logistics ───────────────────────────────────────────────────────────────

export type { SlotSpec };

export type DeliveryPointInput = {
  kind?: DeliveryPointKind;
  name?: string;
  address?: string;
  countyId?: number | null;
  township?: string | null;
  villageId?: number | null;
  lat?: number;
  lng?: number;
  /** Staffed points: parcels held at once (default: the number of shelf slots). Lockers: ignored. */
  parcelCapacity?: number | null;
  openingHours?: string;
  holdingDaysFresh?: number;
  holdingDaysOther?: number;
  courierRouteId?: number | null;
  operatorUserIds?: number[];
  /**
   * Lockers get compartments (A01, A02, … chilled ones 冷01 …); staffed points get shelf slots
   * (1-01 …; chilled = the station's fridge). Default: a locker of 6 small, 4 medium, 2 large and
   * 2 chilled medium; a staffed point of 20 small, 20 medium, 10 large and 4 chilled medium.
   */
  slots?: SlotSpec[];
};

export const DEFAULT_LOCKER_SLOTS: SlotSpec[] = [
  { size: "small", count: 6 },
  { size: "medium", count: 4 },
  { size: "large", count: 2 },
  { size: "medium", chilled: true, count: 2 },
];
export const DEFAULT_STATION_SLOTS: SlotSpec[] = [
  { size: "small", count: 20 },
  { size: "medium", count: 20 },
  { size: "large", count: 10 },
  { size: "medium", chilled: true, count: 4 },
];

/** A delivery point with its operators and storage slots of standard dimensions. */
export function createDeliveryPoint(db: Db, input: DeliveryPointInput = {}): number {
  const kind = input.kind ?? "village_station";
  const sqlite = db.$client;
  return sqlite.transaction(() => {
    const slots = input.slots ?? (kind === "locker" ? DEFAULT_LOCKER_SLOTS : DEFAULT_STATION_SLOTS);
    const slotTotal = slots.reduce((n, s) => n + s.count, 0);
    const id = insertDeliveryPoint(db, {
      kind,
      name: input.name ?? `测试${kind === "locker" ? "智能快递柜" : "服务站"}${Math.floor(Math.random() * 1e6)}`,
      address: input.address ?? "测试地址",
      countyId: input.countyId ?? null,
      township: input.township ?? null,
      villageId: input.villageId ?? null,
      lat: input.lat ?? 34.1,
      lng: input.lng ?? 108.9,
      parcelCapacity: kind === "locker" ? null : (input.parcelCapacity ?? slotTotal),
      openingHours: input.openingHours ?? (kind === "locker" ? "24h" : "08:00-20:00"),
      holdingDaysFresh: input.holdingDaysFresh ?? 3,
      holdingDaysOther: input.holdingDaysOther ?? 7,
      courierRouteId: input.courierRouteId ?? null,
    });
    insertStandardSlots(db, id, kind, slots);
    const addOperator = sqlite.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`);
    for (const u of input.operatorUserIds ?? []) addOperator.run(id, u);
    return id;
  })();
}

/** A county's courier route from its joint-delivery depot. */
export function createCourierRoute(db: Db, input: { countyId: number; name?: string; depotName?: string; depotLat: number; depotLng: number }): number {
  return Number(
    db.$client
      .prepare(`insert into courier_routes (county_id, name, depot_name, depot_lat, depot_lng) values (?, ?, ?, ?, ?)`)
      .run(input.countyId, input.name ?? "共同配送线路", input.depotName ?? "县级共配中心", input.depotLat, input.depotLng).lastInsertRowid,
  );
}
