/**
 * What the market needs from the delivery of goods, as a port. Checkout must know that the buyer's
 * pickup point can take the cart and must create the order's parcels in its own transaction; an
 * order cancelled or refunded before pickup must stop its parcels. The logistics domain provides
 * this (logistics/shipping.ts registers it when loaded: the app's gateway, the seeds' factories and
 * the tests' setup load it), so that the arrow points one way only: logistics → market.
 * A process that forgot to load it fails loudly at its first checkout instead of making orders
 * without parcels.
 */
import type Database from "better-sqlite3";
import type { Db } from "../../db/client";

/** Why a pickup point cannot take the parcels, and the nearest point that can (when there is one). */
export type PointRefusal = {
  reason: "full" | "no_chilled" | "too_big" | "inactive";
  suggestion: { id: number; name: string; km: number } | null;
};

export type Shipping = {
  /** null when the point can take the buyer's cart on top of what it holds and was promised. */
  refusalOfPoint(db: Db, buyerId: number, point: { id: number; lat: number; lng: number }): PointRefusal | null;
  /** The order's parcels (one producer per parcel), inside the caller's transaction. */
  createParcels(db: Db, orderId: number, now: number): void;
  /** The order (or sub-order) was cancelled or refunded before pickup; inside the caller's transaction. */
  stopParcels(sqlite: Database.Database, where: { orderId: number } | { subOrderId: number }, now: number, actorUserId: number | null): number;
};

let provider: Shipping | null = null;

export function provideShipping(shipping: Shipping): void {
  provider = shipping;
}

export function shipping(): Shipping {
  if (!provider) throw new Error("market: no shipping provider — import logistics/shipping once at start (the app, seeds and tests do)");
  return provider;
}
