/**
 * Bulk assignment of parcels to delivery points (benchmark; later: planning a day's network load).
 * Plain module: no database. Each parcel goes to the nearest point, measured from the buyer, that
 * still has a fitting free slot (the rule of logistics/capacity.ts, on slot counts) and, when the
 * point has a parcel capacity (staffed stations), has not reached it.
 *
 * Order: greedy, so the order matters. Scarce needs go first — chilled parcels (only chilled slots
 * take them), then larger before smaller (a large parcel fits only large slots; a small one fits
 * anywhere), then by parcel id (first come, first served; deterministic). Otherwise an ambient
 * parcel processed early may fill a point's last chilled slot, or a small one its last large
 * slot, and push a later parcel that had no alternative there to a farther point or out. This is a
 * heuristic, not the optimum (that is a min-cost transportation problem); `nearestTotalKm` gives
 * the lower bound to compare with.
 */
import type { ParcelNeed, SlotCounts } from "./capacity";
import { takeFromCounts } from "./capacity";
import { sizeRank } from "./sizes";
import { distanceKm } from "./geo";
import { PointIndex } from "./spatial";

export type PointToFill = { id: number; lat: number; lng: number; free: SlotCounts; capacity: number | null };
export type ParcelToPlace = { id: number; lat: number; lng: number; need: ParcelNeed };

export type ParcelAssignment = {
  parcelId: number;
  /** null: no point within maxKm could take it. */
  pointId: number | null;
  km: number | null;
  /** Distance to the nearest point regardless of room (the lower bound for this parcel). */
  nearestKm: number | null;
  /** Sent farther than its nearest point because nearer ones were full or lacked a fitting slot. */
  fallback: boolean;
};

export type AssignmentResult = {
  /** In the order the parcels were given. */
  assignments: ParcelAssignment[];
  assigned: number;
  unassigned: number;
  /** Buyer → point distance over the assigned parcels. */
  totalKm: number;
  meanKm: number;
  /** The same parcels each at its nearest point, room ignored: totalKm / nearestTotalKm ≥ 1. */
  nearestTotalKm: number;
  fallbacks: number;
};

export type AssignOptions = {
  /** "index" (kd-tree, default) or "linear" (one pass over every point per parcel: baseline and oracle). Same answer. */
  method?: "index" | "linear";
  /** Do not send a buyer farther than this (default: no limit). */
  maxKm?: number;
  /** A prebuilt index over the same points array (the benchmark times building separately). */
  index?: PointIndex<PointToFill>;
};

/** Scarce needs first: chilled, then larger; then parcel id. */
export const parcelOrder = (a: ParcelToPlace, b: ParcelToPlace): number =>
  Number(b.need.chilled) - Number(a.need.chilled) || sizeRank(b.need.size) - sizeRank(a.need.size) || a.id - b.id;

/** Whether one more parcel with this need fits the counts — the single-need case of takeFromCounts. */
export function countsFit(counts: SlotCounts, need: ParcelNeed): boolean {
  const r = sizeRank(need.size);
  for (let s = r; s < 3; s++) if (counts[1][s] > 0 || (!need.chilled && counts[0][s] > 0)) return true;
  return false;
}

/** Parcel distances are the same with either method; ties equal within 1 µm are not fallbacks. */
const FALLBACK_KM = 1e-9;

export function assignParcelsToPoints(points: readonly PointToFill[], parcels: readonly ParcelToPlace[], opts: AssignOptions = {}): AssignmentResult {
  // Working copies: the caller's counts stay untouched.
  const state = points.map((p) => ({ free: [[...p.free[0]], [...p.free[1]]] as SlotCounts, used: 0, capacity: p.capacity }));
  const slotOf = new Map<PointToFill, number>();
  points.forEach((p, i) => slotOf.set(p, i));
  const index = opts.method === "linear" ? null : (opts.index ?? new PointIndex(points));
  const maxKm = opts.maxKm ?? Infinity;

  const assignments: ParcelAssignment[] = new Array(parcels.length);
  const order = parcels.map((_, i) => i).sort((a, b) => parcelOrder(parcels[a], parcels[b]) || a - b);
  for (const at of order) {
    const parcel = parcels[at];
    const room = (p: PointToFill) => {
      const s = state[slotOf.get(p)!];
      return (s.capacity === null || s.used < s.capacity) && countsFit(s.free, parcel.need);
    };
    // One search gives both answers. Index: `accept` is offered points nearest first, so the first
    // one offered is the nearest regardless of room. Linear: one pass tracks both minima.
    let closestKm = Infinity;
    let hit: { point: PointToFill; km: number } | undefined;
    if (index) {
      hit = index.nearest(parcel.lat, parcel.lng, {
        limit: 1,
        maxKm,
        accept: (p) => {
          closestKm = Math.min(closestKm, distanceKm(parcel.lat, parcel.lng, p.lat, p.lng));
          return room(p);
        },
      })[0];
    } else {
      for (const p of points) {
        const km = distanceKm(parcel.lat, parcel.lng, p.lat, p.lng);
        if (km > maxKm) continue;
        if (km < closestKm) closestKm = km;
        if ((!hit || km < hit.km || (km === hit.km && p.id < hit.point.id)) && room(p)) hit = { point: p, km };
      }
    }
    const closest = closestKm === Infinity ? undefined : { km: closestKm };
    if (hit) {
      const s = state[slotOf.get(hit.point)!];
      if (!takeFromCounts(s.free, [parcel.need])) throw new Error("assign: countsFit and takeFromCounts disagree");
      s.used++;
    }
    assignments[at] = {
      parcelId: parcel.id,
      pointId: hit ? hit.point.id : null,
      km: hit ? hit.km : null,
      nearestKm: closest ? closest.km : null,
      fallback: !!hit && !!closest && hit.km > closest.km + FALLBACK_KM,
    };
  }

  let assigned = 0;
  let totalKm = 0;
  let nearestTotalKm = 0;
  let fallbacks = 0;
  for (const a of assignments) {
    if (a.pointId === null) continue;
    assigned++;
    totalKm += a.km!;
    nearestTotalKm += a.nearestKm!;
    if (a.fallback) fallbacks++;
  }
  return {
    assignments,
    assigned,
    unassigned: assignments.length - assigned,
    totalKm,
    meanKm: assigned ? totalKm / assigned : 0,
    nearestTotalKm,
    fallbacks,
  };
}
