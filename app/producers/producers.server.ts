/**
 * Producers: registration with credit-code checking, and the admin's manual review.
 * Plain module; takes the acting user.
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { producerMembers, producers, userRoles, type ProducerKind } from "../../db/schema";
import { canRegisterProducer, canReviewProducers, type Actor } from "~/auth/permissions";
import { checkCreditCode } from "~/domain/credit-code";
import { DomainRuleError, ForbiddenError, NotFoundError } from "~/listings/listings.server";

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
export function registerProducer(db: Db, actor: Actor, input: ProducerInput): { id: number; status: "valid" | "pending_review" } {
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
    return { id, status };
  });
}

/** A platform admin approves or rejects a producer whose credit code failed the check. */
export function reviewProducer(
  db: Db,
  actor: Actor,
  producerId: number,
  decision: "approved" | "rejected",
  note: string,
): void {
  if (!canReviewProducers(actor)) throw new ForbiddenError();
  const producer = db.select().from(producers).where(eq(producers.id, producerId)).get();
  if (!producer) throw new NotFoundError("producer");
  if (producer.creditCodeStatus !== "pending_review") throw new DomainRuleError("admin.alreadyReviewed");
  db.update(producers)
    .set({ creditCodeStatus: decision, reviewedBy: actor.id, reviewedAt: Date.now(), reviewNote: note })
    .where(and(eq(producers.id, producerId), eq(producers.creditCodeStatus, "pending_review")))
    .run();
}

/** Verified = the credit code passed its check or an admin approved it. */
export function isVerifiedProducer(status: string): boolean {
  return status === "valid" || status === "approved";
}
