/**
 * Who may do what. Plain functions of the acting user, shared by loaders, actions and tests.
 */
import type { Role } from "../db/schema";

export type Actor = { id: number; roles: readonly Role[]; producerIds: readonly number[] };

export function hasRole(actor: Actor | null | undefined, ...roles: Role[]): boolean {
  return Boolean(actor && roles.some((r) => actor.roles.includes(r)));
}

/** Farmers and cooperative admins manage the listings of producers they belong to. */
export function canManageProducer(actor: Actor | null | undefined, producerId: number): boolean {
  return Boolean(actor && hasRole(actor, "farmer", "coop_admin") && actor.producerIds.includes(producerId));
}

export function canEditListing(actor: Actor | null | undefined, listing: { producerId: number }): boolean {
  return canManageProducer(actor, listing.producerId);
}

/** Anyone may register a producer; they become its owner and a farmer. */
export function canRegisterProducer(actor: Actor | null | undefined): boolean {
  return Boolean(actor);
}

export function canReviewProducers(actor: Actor | null | undefined): boolean {
  return hasRole(actor, "platform_admin");
}

// ─── cooperative member households (issue 12 §3) ─────────────────────────────

/** An active household membership of the acting user (coop_members row, status active). */
export type HouseholdMembership = { id: number; producerId: number; role: "member_farmer" | "record_keeper" };

/**
 * Owners and managers of a cooperative invite, re-role and remove its member households.
 * `memberRole` is the actor's producer_members role for that cooperative (null: none).
 */
export function canManageCoopMembers(
  actor: Actor | null | undefined,
  producer: { id: number; kind: string },
  memberRole: "owner" | "manager" | "member" | null,
): boolean {
  return Boolean(producer.kind === "cooperative" && canManageProducer(actor, producer.id) && (memberRole === "owner" || memberRole === "manager"));
}

/**
 * Who may read a lot's farm page and record events on it: whoever manages the producer; a record
 * keeper (记录员) on every lot of the cooperative; a member farmer (社员农户) on the lots assigned to
 * their household. Listings, money, members and the producer profile stay with the managers.
 */
export function canRecordOnLot(
  actor: Actor | null | undefined,
  lot: { producerId: number; householdId: number | null },
  households: readonly HouseholdMembership[],
): boolean {
  if (!actor) return false;
  if (canManageProducer(actor, lot.producerId)) return true;
  return households.some((h) => h.producerId === lot.producerId && (h.role === "record_keeper" || h.id === lot.householdId));
}
