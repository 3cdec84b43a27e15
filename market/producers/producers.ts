/**
 * Producers: registration with credit-code checking, and the admin's manual review.
 * Plain module; takes the acting user.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { producerMembers, producers, regions, userRoles, users, villages, type ProducerKind } from "../../db/schema";
import { canRegisterProducer, canReviewProducers, type Actor } from "../../core/permissions";
import { checkCreditCode, isVerifiedProducer } from "../../core/credit-code";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { once } from "../../core/once";
import { storefrontChanged } from "../../core/events";
import { recordCreditCodeDecision } from "./verification";

export type ProducerInput = {
  kind: ProducerKind;
  nameZh: string;
  nameEn?: string;
  creditCode: string;
  address: string;
  provinceId: number;
  countyId: number;
  townshipId?: number | null;
  villageId?: number | null;
  lat?: number | null;
  lng?: number | null;
  contactPhone?: string | null;
  descriptionZh?: string;
};

/**
 * Registers a producer with the actor as owner (and makes the actor a farmer).
 * A code of the wrong format is refused; one whose check character fails is accepted
 * as `pending_review` for a platform admin, since a few real codes fail the check.
 */
export function registerProducer(db: Db, actor: Actor, input: ProducerInput, formToken?: string): { id: number; status: "valid" | "pending_review" } {
  return once(db, { actorId: actor.id, token: formToken, kind: "producer" }, () => registerProducerOnce(db, actor, input));
}

function registerProducerOnce(db: Db, actor: Actor, input: ProducerInput): { id: number; status: "valid" | "pending_review" } {
  if (!canRegisterProducer(actor)) throw new ForbiddenError();
  const check = checkCreditCode(input.creditCode);
  if (!check.ok) throw new DomainRuleError(`producer.creditCode.${check.reason}`);
  const status = check.checkPasses ? "valid" : "pending_review";
  return db.transaction((tx) => {
    const taken = tx.select({ id: producers.id }).from(producers).where(eq(producers.creditCode, check.code)).get();
    if (taken) throw new DomainRuleError("producer.creditCode.taken");
    const { id } = tx
      .insert(producers)
      .values({
        kind: input.kind,
        nameZh: input.nameZh,
        nameEn: input.nameEn ?? "",
        creditCode: check.code,
        creditCodeStatus: status,
        address: input.address,
        provinceId: input.provinceId,
        countyId: input.countyId,
        townshipId: input.townshipId ?? null,
        villageId: input.villageId ?? null,
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        contactPhone: input.contactPhone ?? null,
        descriptionZh: input.descriptionZh ?? "",
        createdBy: actor.id,
      })
      .returning({ id: producers.id })
      .get();
    tx.insert(producerMembers).values({ producerId: id, userId: actor.id, role: "owner" }).run();
    tx.insert(userRoles).values({ userId: actor.id, role: "farmer" }).onConflictDoNothing().run();
    // The villages pages list their producers.
    storefrontChanged(db, { kind: "producer", producerId: id });
    return { id, status };
  });
}

/** A platform admin approves or rejects a producer whose credit code failed the check. */
export function reviewProducer(db: Db, actor: Actor, producerId: number, decision: "approved" | "rejected", note: string): void {
  if (!canReviewProducers(actor)) throw new ForbiddenError();
  // Nobody decides about a producer they belong to.
  if (actor.producerIds.includes(producerId)) throw new ForbiddenError();
  const now = Date.now();
  // Check and decide in one IMMEDIATE transaction, and log only the update that took: two admins
  // deciding at once record one decision, the other is told it was already reviewed.
  db.$client
    .transaction(() => {
      const producer = db.select({ status: producers.creditCodeStatus }).from(producers).where(eq(producers.id, producerId)).get();
      if (!producer) throw new NotFoundError("producer");
      if (producer.status !== "pending_review") throw new DomainRuleError("admin.alreadyReviewed");
      const { changes } = db
        .update(producers)
        .set({ creditCodeStatus: decision, reviewedBy: actor.id, reviewedAt: now, reviewNote: note })
        .where(and(eq(producers.id, producerId), eq(producers.creditCodeStatus, "pending_review")))
        .run();
      if (changes !== 1) throw new DomainRuleError("admin.alreadyReviewed");
      recordCreditCodeDecision(db, actor, producerId, decision, note, now);
    })
    .immediate();
  // A rejected producer's badge and listings change on every storefront page that shows them.
  storefrontChanged(db, { kind: "producer", producerId });
}

export { isVerifiedProducer };

/**
 * Choices for the registration form: provinces, their counties (found by walking up from the
 * county through its prefecture) and villages, small enough for plain selects.
 */
export function getRegionChoices(db: Db) {
  const rows = db
    .select({ id: regions.id, level: regions.level, parentId: regions.parentId, nameZh: regions.nameZh, nameEn: regions.nameEn })
    .from(regions)
    .where(inArray(regions.level, ["province", "prefecture", "county"]))
    .all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const provinceOf = (id: number | null): number | null => {
    for (let r = id === null ? undefined : byId.get(id); r; r = r.parentId === null ? undefined : byId.get(r.parentId)) {
      if (r.level === "province") return r.id;
    }
    return null;
  };
  const counties = rows
    .filter((r) => r.level === "county")
    .map((r) => ({ id: r.id, nameZh: r.nameZh, nameEn: r.nameEn, provinceId: provinceOf(r.parentId) }))
    .filter((r): r is typeof r & { provinceId: number } => r.provinceId !== null);
  const provinces = rows.filter((r) => r.level === "province").map((r) => ({ id: r.id, nameZh: r.nameZh, nameEn: r.nameEn }));
  const villageRows = db
    .select({
      id: villages.id,
      nameZh: villages.nameZh,
      nameEn: villages.nameEn,
      countyId: villages.countyId,
      townshipId: villages.townshipId,
      provinceId: villages.provinceId,
      lat: villages.lat,
      lng: villages.lng,
    })
    .from(villages)
    .orderBy(villages.nameZh)
    .all();
  return { provinces, counties, villages: villageRows };
}

/**
 * Checks that the chosen county lies in the chosen province and the village (if any) in the
 * county; returns the village's township and position. A field name and i18n key on failure.
 */
export function resolveProducerPlace(
  db: Db,
  place: { provinceId: number; countyId: number; villageId?: number | null },
):
  | { ok: true; townshipId: number | null; lat: number | null; lng: number | null }
  | { ok: false; field: "provinceId" | "countyId" | "villageId"; messageKey: string } {
  const choices = getRegionChoices(db);
  if (!choices.provinces.some((p) => p.id === place.provinceId)) return { ok: false, field: "provinceId", messageKey: "producer.province.required" };
  const county = choices.counties.find((c) => c.id === place.countyId);
  if (!county || county.provinceId !== place.provinceId) return { ok: false, field: "countyId", messageKey: "producer.county.mismatch" };
  if (place.villageId == null) return { ok: true, townshipId: null, lat: null, lng: null };
  const village = choices.villages.find((v) => v.id === place.villageId);
  if (!village || village.countyId !== place.countyId) return { ok: false, field: "villageId", messageKey: "producer.village.mismatch" };
  return { ok: true, townshipId: village.townshipId, lat: village.lat, lng: village.lng };
}

/** The admin's queue: producers waiting for credit-code review, oldest first, and the latest decisions. */
export function getProducerReviewQueue(db: Db, actor: Actor, recentLimit = 10) {
  if (!canReviewProducers(actor)) throw new ForbiddenError();
  const columns = {
    id: producers.id,
    kind: producers.kind,
    nameZh: producers.nameZh,
    creditCode: producers.creditCode,
    creditCodeStatus: producers.creditCodeStatus,
    address: producers.address,
    contactPhone: producers.contactPhone,
    createdAt: producers.createdAt,
    reviewedAt: producers.reviewedAt,
    reviewNote: producers.reviewNote,
    reviewedBy: producers.reviewedBy,
  };
  const pending = db
    .select(columns)
    .from(producers)
    .where(eq(producers.creditCodeStatus, "pending_review"))
    .orderBy(producers.createdAt, producers.id)
    .all()
    .map((p) => {
      const check = checkCreditCode(p.creditCode);
      return { ...p, expectedCheck: check.ok ? check.expectedCheck : null };
    });
  const recent = db
    .select({ ...columns, reviewerName: users.displayName })
    .from(producers)
    .leftJoin(users, eq(users.id, producers.reviewedBy))
    .where(inArray(producers.creditCodeStatus, ["approved", "rejected"]))
    .orderBy(desc(producers.reviewedAt), desc(producers.id))
    .limit(recentLimit)
    .all();
  return { pending, recent };
}
