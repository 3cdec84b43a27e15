/**
 * Read side of the farmer's traceability pages: lots, plots, products and listings of the
 * producers the acting user belongs to. Writes go through traceability/store.ts.
 * Plain module (no Remix); routes turn NotFoundError / ForbiddenError into 404 / 403.
 */
import { and, desc, eq, inArray, or, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { batches, categories, coopMembers, listingBatches, listings, plots, producers, products, regions, villages, type CategorySlug } from "../db/schema";
import { canManageProducer, canRecordOnLot, type Actor } from "../core/permissions";
import { activeHouseholdsOf, householdOfBatch } from "./households";
import { ForbiddenError, NotFoundError } from "../core/errors";

/** The producers (id and names) the actor may record lots for. */
export function actorProducers(db: Db, actor: Actor) {
  if (!actor.producerIds.length) return [];
  return db
    .select({ id: producers.id, nameZh: producers.nameZh, nameEn: producers.nameEn })
    .from(producers)
    .where(inArray(producers.id, [...actor.producerIds]))
    .orderBy(producers.nameZh)
    .all();
}

/**
 * Every lot of the actor's producers, newest first, and the cooperative lots the actor works on as
 * a member household: a record keeper's whole cooperative, a member farmer's own household's lots.
 * `viaHousehold` marks the lots the actor sees only as a member (no listings, no money there).
 */
export function listActorBatches(db: Db, actor: Actor) {
  const households = activeHouseholdsOf(db, actor.id);
  const scopes: SQL[] = [];
  if (actor.producerIds.length) scopes.push(inArray(batches.producerId, [...actor.producerIds]));
  const keeperOf = households.filter((h) => h.role === "record_keeper").map((h) => h.producerId);
  if (keeperOf.length) scopes.push(inArray(batches.producerId, keeperOf));
  const farmerOf = households.filter((h) => h.role === "member_farmer").map((h) => h.id);
  if (farmerOf.length) scopes.push(inArray(batches.householdId, farmerOf));
  if (!scopes.length) return [];
  const managed = new Set(actor.producerIds);
  return db
    .select({
      id: batches.id,
      producerId: batches.producerId,
      lotCode: batches.lotCode,
      gtin: batches.gtin,
      status: batches.status,
      harvestedAt: batches.harvestedAt,
      quantity: batches.quantity,
      unit: batches.unit,
      crop: batches.crop,
      createdAt: batches.createdAt,
      productNameZh: products.nameZh,
      productNameEn: products.nameEn,
      plotName: plots.name,
      householdName: coopMembers.householdName,
    })
    .from(batches)
    .innerJoin(products, eq(products.id, batches.productId))
    .leftJoin(plots, eq(plots.id, batches.plotId))
    .leftJoin(coopMembers, eq(coopMembers.id, batches.householdId))
    .where(or(...scopes))
    .orderBy(desc(batches.createdAt), desc(batches.id))
    .all()
    .map((b) => ({ ...b, viaHousehold: !managed.has(b.producerId) }));
}

/** The products the actor may start a lot of, with their producer's name. */
export function actorProducts(db: Db, actor: Actor) {
  if (!actor.producerIds.length) return [];
  return db
    .select({
      id: products.id,
      producerId: products.producerId,
      nameZh: products.nameZh,
      nameEn: products.nameEn,
      categorySlug: categories.slug,
    })
    .from(products)
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .where(inArray(products.producerId, [...actor.producerIds]))
    .orderBy(products.producerId, products.nameZh)
    .all();
}

export function actorPlots(db: Db, actor: Actor) {
  if (!actor.producerIds.length) return [];
  return db
    .select({ id: plots.id, producerId: plots.producerId, name: plots.name, areaMu: plots.areaMu, lat: plots.lat, lng: plots.lng, retiredAt: plots.retiredAt })
    .from(plots)
    .where(inArray(plots.producerId, [...actor.producerIds]))
    .orderBy(plots.producerId, plots.name)
    .all();
}

export type FarmBatch = ReturnType<typeof getFarmBatch>;

function findBatch(db: Db, batchId: number) {
  return db
    .select({
      id: batches.id,
      producerId: batches.producerId,
      productId: batches.productId,
      lotCode: batches.lotCode,
      gtin: batches.gtin,
      status: batches.status,
      crop: batches.crop,
      harvestedAt: batches.harvestedAt,
      quantity: batches.quantity,
      unit: batches.unit,
      plotId: batches.plotId,
      householdId: batches.householdId,
      plotName: plots.name,
      plotAreaMu: plots.areaMu,
      productNameZh: products.nameZh,
      productNameEn: products.nameEn,
      categorySlug: categories.slug,
      producerNameZh: producers.nameZh,
      producerNameEn: producers.nameEn,
      producerContact: producers.contactPhone,
    })
    .from(batches)
    .innerJoin(products, eq(products.id, batches.productId))
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .innerJoin(producers, eq(producers.id, batches.producerId))
    .leftJoin(plots, eq(plots.id, batches.plotId))
    .where(eq(batches.id, batchId))
    .get();
}

/** A lot the actor may record events for; NotFoundError / ForbiddenError otherwise. */
export function getFarmBatch(db: Db, actor: Actor, batchId: number) {
  const batch = findBatch(db, batchId);
  if (!batch) throw new NotFoundError("batch");
  if (!canRecordOnLot(actor, batch, activeHouseholdsOf(db, actor.id))) throw new ForbiddenError();
  const household = householdOfBatch(db, batchId);
  return {
    ...batch,
    categorySlug: batch.categorySlug as CategorySlug,
    householdName: household?.householdName ?? null,
    /** False for a member household: it records events, the managers handle listings and money. */
    managed: canManageProducer(actor, batch.producerId),
  };
}

/** 产地 for the certificate: province, prefecture, county, township and village, as far as known. */
export function producerOrigin(db: Db, producerId: number): string {
  const p = db
    .select({
      provinceId: producers.provinceId,
      countyId: producers.countyId,
      townshipId: producers.townshipId,
      villageId: producers.villageId,
      address: producers.address,
    })
    .from(producers)
    .where(eq(producers.id, producerId))
    .get();
  if (!p) return "";
  const region = (id: number | null) =>
    id === null
      ? undefined
      : db.select({ nameZh: regions.nameZh, parentId: regions.parentId, level: regions.level }).from(regions).where(eq(regions.id, id)).get();
  const province = region(p.provinceId);
  const county = region(p.countyId);
  const prefecture = county?.parentId ? region(county.parentId) : undefined;
  const township = region(p.townshipId);
  const village = p.villageId ? db.select({ nameZh: villages.nameZh }).from(villages).where(eq(villages.id, p.villageId)).get() : undefined;
  const parts = [province?.nameZh, prefecture?.level === "prefecture" ? prefecture.nameZh : undefined, county?.nameZh, township?.nameZh, village?.nameZh];
  const origin = parts.filter(Boolean).join("");
  return origin || p.address;
}

/** The producer's listings of this lot's product (the only ones it may sell from), and which are linked. */
export function listingsForBatch(db: Db, batch: { id: number; producerId: number; productId: number }) {
  const batchId = batch.id;
  const all = db
    .select({ id: listings.id, title: listings.title, status: listings.status })
    .from(listings)
    .where(and(eq(listings.producerId, batch.producerId), eq(listings.productId, batch.productId)))
    .orderBy(desc(listings.updatedAt), desc(listings.id))
    .all();
  const linked = new Set(
    db
      .select({ listingId: listingBatches.listingId })
      .from(listingBatches)
      .where(eq(listingBatches.batchId, batchId))
      .all()
      .map((r) => r.listingId),
  );
  return all.map((l) => ({ ...l, linked: linked.has(l.id) }));
}

/** Does this plot belong to this producer? */
export function plotOfProducer(db: Db, plotId: number, producerId: number): boolean {
  return Boolean(
    db
      .select({ id: plots.id })
      .from(plots)
      .where(and(eq(plots.id, plotId), eq(plots.producerId, producerId)))
      .get(),
  );
}
