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
