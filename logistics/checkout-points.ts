/**
 * The pickup points checkout offers for a buyer's cart: listed by distance from the buyer (the
 * phone's location, a village chosen in the form, or the point of the last order), each with
 * whether it can take the cart's parcels, and the nearest point that can, proposed. Plain module.
 */
import type { Db } from "../db/client";
import { offersPayAtPickup } from "../market/orders/fulfilment";
import type { ParcelNeed } from "./capacity";
import { canTakeParcels, findFeasiblePoints, loadNetwork, type Feasibility, type NetworkPoint } from "./network";
import { parcelNeedsForCart } from "./order-parcels";

/**
 * Where distances are measured from, in order of precedence: the phone's location (?lat=&lng=, the
 * "use my location" button), a village the buyer chose (?village=, the no-JavaScript GET form),
 * else the point of the buyer's last order (they most likely collect near there again); with none
 * of these (or ?village= left empty) the points are sorted by name and none is proposed.
 */
export type PointOrigin =
  | { kind: "location"; lat: number; lng: number }
  | { kind: "village"; villageId: number; nameZh: string; nameEn: string; lat: number; lng: number }
  | { kind: "lastOrder"; pointId: number; name: string; lat: number; lng: number }
  | { kind: "none" };

export type OriginQuery = { lat?: number; lng?: number; villageId?: number; noVillage?: boolean };

export type PointChoice = NetworkPoint & { km: number | null; feasibility: Feasibility; payAtPickup: boolean };

export type PointChoices = {
  origin: PointOrigin;
  needs: ParcelNeed[];
  points: PointChoice[];
  /** The nearest point that can take the cart's parcels (pre-selected, labelled 推荐); null without an origin. */
  recommendedId: number | null;
  villages: { id: number; nameZh: string; nameEn: string }[];
};

/** How many points the page lists (nearest first); the recommended one is always among them. */
export const POINTS_LISTED = 30;

export function resolveOrigin(db: Db, buyerId: number, q: OriginQuery): PointOrigin {
  const sqlite = db.$client;
  if (q.lat !== undefined && q.lng !== undefined) return { kind: "location", lat: q.lat, lng: q.lng };
  if (q.villageId !== undefined) {
    const v = sqlite.prepare(`select id, name_zh as nameZh, name_en as nameEn, lat, lng from villages where id = ?`).get(q.villageId) as
      { id: number; nameZh: string; nameEn: string; lat: number; lng: number } | undefined;
    if (v) return { kind: "village", villageId: v.id, nameZh: v.nameZh, nameEn: v.nameEn, lat: v.lat, lng: v.lng };
  }
  if (q.noVillage) return { kind: "none" };
  const last = sqlite
    .prepare(
      `select p.id, p.name, p.lat, p.lng from orders o join delivery_points p on p.id = o.delivery_point_id
       where o.buyer_id = ? and p.active = 1 order by o.created_at desc, o.id desc limit 1`,
    )
    .get(buyerId) as { id: number; name: string; lat: number; lng: number } | undefined;
  return last ? { kind: "lastOrder", pointId: last.id, name: last.name, lat: last.lat, lng: last.lng } : { kind: "none" };
}

/** The points the checkout page offers for the buyer's cart, each with its distance and whether it can take the parcels. */
export function checkoutPointChoices(db: Db, buyerId: number, q: OriginQuery): PointChoices {
  const origin = resolveOrigin(db, buyerId, q);
  const needs = parcelNeedsForCart(db, buyerId);
  const network = loadNetwork(db);
  let listed: { point: NetworkPoint; km: number | null }[];
  let recommendedId: number | null = null;
  if (origin.kind === "none") {
    listed = [...network.points]
      .sort((a, b) => a.name.localeCompare(b.name, "zh-Hans-CN") || a.id - b.id)
      .slice(0, POINTS_LISTED)
      .map((point) => ({ point, km: null }));
  } else {
    listed = network.index.nearest(origin.lat, origin.lng, { limit: POINTS_LISTED });
    const best = findFeasiblePoints(db, origin, needs, { limit: 1 })[0];
    if (best) {
      recommendedId = best.point.id;
      if (!listed.some((l) => l.point.id === best.point.id)) listed.push(best);
    }
  }
  const points = listed.map(({ point, km }) => ({
    ...point,
    km,
    feasibility: canTakeParcels(db, point.id, needs),
    payAtPickup: offersPayAtPickup(db, point.id),
  }));
  const villages = db.$client
    .prepare(`select id, name_zh as nameZh, name_en as nameEn from villages order by name_zh, id limit 500`)
    .all() as PointChoices["villages"];
  return { origin, needs, points, recommendedId, villages };
}
