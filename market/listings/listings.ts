/**
 * Listings: the write side. Plain module; every function takes the acting user and
 * checks ownership itself, so routes, seeds and tests share one set of rules.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  categories,
  listingCertifications,
  listingPhotos,
  listings,
  producers,
  products,
  type CertificationKind,
  type ListingStatus,
  type Unit,
} from "../../db/schema";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { once } from "../../core/once";
import { storefrontChanged } from "../../core/events";
import { canEditListing, canManageProducer, type Actor } from "../../core/permissions";
import { tokenizeForIndex } from "../search/tokenize";
import { assertInputListingIdentityKept, assertInputListingPublishable } from "../inputs/publish";
import { ComplianceBlockedError, listingBlockers } from "../../traceability/store";

export type ListingInput = {
  producerId: number;
  categoryId: number;
  productName: string;
  title: string;
  description: string;
  unit: Unit;
  priceFen: number;
  stock: number;
  certifications: CertificationKind[];
  /** Needs a chilled (0–4 °C) slot; unset: ambient on create, unchanged on update. */
  storage?: "ambient" | "chilled";
  /** Packed volume of one unit in cm³; null = the category's default; unset: null on create, unchanged on update. */
  packageVolumeCm3?: number | null;
};

export type PhotoRecord = { fileKey: string; width: number; height: number; bytes: number };

/** Rewrites a listing's search row from its current title, description, product, producer and village. */
export function indexListing(db: Db, listingId: number): void {
  const row = db.get<{
    title: string;
    description: string;
    product: string;
    productEn: string;
    producer: string;
    village: string | null;
    signature: string | null;
  }>(sql`
    select l.title, l.description, p.name_zh as product, p.name_en as productEn, pr.name_zh as producer,
           v.name_zh as village, v.signature_product_zh as signature
    from listings l
    join products p on p.id = l.product_id
    join producers pr on pr.id = l.producer_id
    left join villages v on v.id = pr.village_id
    where l.id = ${listingId}`);
  db.run(sql`delete from listing_search where rowid = ${listingId}`);
  if (!row) return;
  const title = tokenizeForIndex(`${row.title} ${row.product} ${row.productEn}`);
  const body = tokenizeForIndex(`${row.description} ${row.producer} ${row.village ?? ""} ${row.signature ?? ""}`);
  db.run(sql`insert into listing_search (rowid, title_grams, body_grams, chars)
             values (${listingId}, ${title.grams}, ${body.grams}, ${title.chars + " " + body.chars})`);
}

function findOrCreateProduct(db: Db, producerId: number, categoryId: number, nameZh: string): number {
  const existing = db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.producerId, producerId), eq(products.nameZh, nameZh)))
    .get();
  if (existing) {
    db.update(products).set({ categoryId }).where(eq(products.id, existing.id)).run();
    return existing.id;
  }
  return db.insert(products).values({ producerId, categoryId, nameZh }).returning({ id: products.id }).get().id;
}

function assertCategory(db: Db, categoryId: number) {
  if (!db.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId)).get()) {
    throw new DomainRuleError("farm.unknownCategory");
  }
}

export function createListing(db: Db, actor: Actor, input: ListingInput, photos: PhotoRecord[] = [], formToken?: string): number {
  if (!canManageProducer(actor, input.producerId)) throw new ForbiddenError();
  return once(db, { actorId: actor.id, token: formToken, kind: "listing" }, () =>
    db.transaction((tx) => {
      const producer = tx.select({ id: producers.id }).from(producers).where(eq(producers.id, input.producerId)).get();
      if (!producer) throw new NotFoundError("producer");
      assertCategory(db, input.categoryId);
      const productId = findOrCreateProduct(db, input.producerId, input.categoryId, input.productName);
      const { id } = tx
        .insert(listings)
        .values({
          productId,
          producerId: input.producerId,
          categoryId: input.categoryId,
          title: input.title,
          description: input.description,
          unit: input.unit,
          priceFen: input.priceFen,
          stock: input.stock,
          storage: input.storage ?? "ambient",
          packageVolumeCm3: input.packageVolumeCm3 ?? null,
          status: "draft",
          createdBy: actor.id,
        })
        .returning({ id: listings.id })
        .get();
      for (const kind of new Set(input.certifications)) tx.insert(listingCertifications).values({ listingId: id, kind }).run();
      photos.forEach((p, position) =>
        tx
          .insert(listingPhotos)
          .values({ listingId: id, ...p, position })
          .run(),
      );
      indexListing(db, id);
      return id;
    }),
  );
}

export function getListingForEdit(db: Db, actor: Actor, listingId: number) {
  const listing = db.select().from(listings).where(eq(listings.id, listingId)).get();
  if (!listing) throw new NotFoundError("listing");
  if (!canEditListing(actor, listing)) throw new ForbiddenError();
  const product = db.select().from(products).where(eq(products.id, listing.productId)).get()!;
  const certs = db.select().from(listingCertifications).where(eq(listingCertifications.listingId, listingId)).all();
  const photos = db.select().from(listingPhotos).where(eq(listingPhotos.listingId, listingId)).orderBy(listingPhotos.position).all();
  return { listing, product, certifications: certs.map((c) => c.kind), photos };
}

export function updateListing(
  db: Db,
  actor: Actor,
  listingId: number,
  input: Omit<ListingInput, "producerId">,
  changes: { addPhotos?: PhotoRecord[]; removePhotoIds?: number[] } = {},
): void {
  db.transaction((tx) => {
    const listing = tx.select().from(listings).where(eq(listings.id, listingId)).get();
    if (!listing) throw new NotFoundError("listing");
    if (!canEditListing(actor, listing)) throw new ForbiddenError();
    assertCategory(db, input.categoryId);
    assertInputListingIdentityKept(db, listingId, input);
    const productId = findOrCreateProduct(db, listing.producerId, input.categoryId, input.productName);
    // With variants, price and stock are theirs (lowest price, summed stock): the main form does not overwrite them.
    const hasVariants = db.get<{ one: number }>(sql`select 1 as one from listing_variants where listing_id = ${listingId} limit 1`);
    tx.update(listings)
      .set({
        productId,
        categoryId: input.categoryId,
        title: input.title,
        description: input.description,
        unit: input.unit,
        priceFen: hasVariants ? listing.priceFen : input.priceFen,
        stock: hasVariants ? listing.stock : input.stock,
        ...(input.storage !== undefined ? { storage: input.storage } : {}),
        ...(input.packageVolumeCm3 !== undefined ? { packageVolumeCm3: input.packageVolumeCm3 } : {}),
        updatedAt: Date.now(),
      })
      .where(eq(listings.id, listingId))
      .run();
    // A published listing stays publishable: an edit that a publish would refuse is refused.
    if (listing.status === "published") assertInputListingPublishable(db, listingId);
    tx.delete(listingCertifications).where(eq(listingCertifications.listingId, listingId)).run();
    for (const kind of new Set(input.certifications)) tx.insert(listingCertifications).values({ listingId, kind }).run();
    for (const photoId of changes.removePhotoIds ?? []) {
      tx.delete(listingPhotos)
        .where(and(eq(listingPhotos.id, photoId), eq(listingPhotos.listingId, listingId)))
        .run();
    }
    if (changes.addPhotos?.length) {
      const last = tx.get<{ p: number | null }>(sql`select max(position) as p from listing_photos where listing_id = ${listingId}`);
      let position = (last?.p ?? -1) + 1;
      for (const p of changes.addPhotos)
        tx.insert(listingPhotos)
          .values({ listingId, ...p, position: position++ })
          .run();
    }
    indexListing(db, listingId);
    storefrontChanged(db, { kind: "listing", listingIds: [listingId], what: "edited" });
  });
}

/**
 * Publish, pause or return to draft. Publishing needs a price, stock and at least one photo,
 * and passes the traceability gate: the listing sells from at least one lot, and no lot's chain
 * shows a blocking finding (ComplianceBlockedError carries them; describeBlockers() words them).
 */
export function setListingStatus(db: Db, actor: Actor, listingId: number, status: ListingStatus): void {
  db.transaction((tx) => {
    const listing = tx.select().from(listings).where(eq(listings.id, listingId)).get();
    if (!listing) throw new NotFoundError("listing");
    if (!canEditListing(actor, listing)) throw new ForbiddenError();
    if (status === "published") {
      const photo = tx.select({ id: listingPhotos.id }).from(listingPhotos).where(eq(listingPhotos.listingId, listingId)).get();
      if (!photo) throw new DomainRuleError("farm.publishNeedsPhoto");
      if (listing.priceFen <= 0) throw new DomainRuleError("farm.publishNeedsPrice");
      // A producer whose credit code an admin rejected cannot sell; one awaiting review can.
      const producer = tx.select({ status: producers.creditCodeStatus }).from(producers).where(eq(producers.id, listing.producerId)).get();
      if (producer?.status === "rejected") throw new DomainRuleError("farm.publishProducerRejected");
      // The outer handle: same connection, so it reads inside this transaction (the store needs $client).
      // An input listing: its catalogue entry must still be listable (not retired or banned since).
      assertInputListingPublishable(db, listingId);
      const blockers = listingBlockers(db, listingId);
      if (blockers.length) throw new ComplianceBlockedError(blockers);
    }
    tx.update(listings)
      .set({
        status,
        updatedAt: Date.now(),
        publishedAt: status === "published" ? (listing.publishedAt ?? Date.now()) : listing.publishedAt,
      })
      .where(eq(listings.id, listingId))
      .run();
    storefrontChanged(db, { kind: "listing", listingIds: [listingId], what: "status" });
  });
}

/**
 * The farmer's dashboard: the producers the actor belongs to and all their listings (any status),
 * newest first, each with its first photo.
 */
export function getFarmOverview(db: Db, actor: Actor) {
  if (!actor.producerIds.length) return { producers: [], listings: [] };
  const ids = sql.join(
    actor.producerIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const producerRows = db.all<{ id: number; kind: string; nameZh: string; nameEn: string; creditCodeStatus: string }>(sql`
    select id, kind, name_zh as nameZh, name_en as nameEn, credit_code_status as creditCodeStatus
    from producers where id in (${ids}) order by name_zh`);
  const listingRows = db.all<{
    id: number;
    producerId: number;
    title: string;
    productName: string;
    categorySlug: string;
    unit: Unit;
    priceFen: number;
    stock: number;
    status: ListingStatus;
    updatedAt: number;
    photoKey: string | null;
    lowStockThreshold: number;
    hasVariants: number;
    packedQuantity: number | null;
  }>(sql`
    select l.id, l.producer_id as producerId, l.title, p.name_zh as productName, c.slug as categorySlug, l.unit,
           l.price_fen as priceFen, l.stock, l.status, l.updated_at as updatedAt, l.low_stock_threshold as lowStockThreshold,
           exists (select 1 from listing_variants v where v.listing_id = l.id) as hasVariants,
           -- What the listing's packed lots hold in its own unit: the figure its stock is drawn from.
           (select sum(b.quantity) from listing_batches lb join batches b on b.id = lb.batch_id
             where lb.listing_id = l.id and b.status = 'packed' and b.unit = l.unit) as packedQuantity,
           (select ph.file_key from listing_photos ph where ph.listing_id = l.id order by ph.position, ph.id limit 1) as photoKey
    from listings l
    join products p on p.id = l.product_id
    join categories c on c.id = l.category_id
    where l.producer_id in (${ids})
    order by l.updated_at desc, l.id desc`);
  return { producers: producerRows, listings: listingRows };
}
