/**
 * Nearest delivery points: a static kd-tree (kdbush) searched best-first on the sphere (geokdbush),
 * plus a linear scan giving the same answer (the benchmark's baseline and the tests' oracle).
 * Plain module: no database.
 *
 * Two ways to skip points, both optional and combinable:
 *   - `accept` (the contract): called LAZILY, strictly nearest first, at most once per point, and
 *     only until `limit` points are accepted — so it may be expensive (a database check per point).
 *   - `filter`: a cheap, pure, in-memory test that runs INSIDE the kd-tree search as geokdbush's
 *     predicate, so rejected points never enter the search queue. geokdbush calls it for every point
 *     of each tree node it opens (in tree order, also for points farther than the answer, and again
 *     if the search has to be widened), so never put a database query here.
 *
 * Results are nearest first, ties broken by point id, distances in km from logistics/geo.ts
 * (geokdbush uses its own Earth radius; it only decides the order of candidates here). The index
 * and the linear scan return identical lists, ties included.
 */
import KDBush from "kdbush";
import { around } from "geokdbush";
import { distanceKm } from "./geo";

export type IndexedPoint = { id: number; lat: number; lng: number };

export type NearestOptions<P> = {
  /** How many points at most (default: all). 0 → none. */
  limit?: number;
  /** Only points at most this far, in km (default: no limit). */
  maxKm?: number;
  /** Expensive test, called lazily nearest first (see above). */
  accept?: (p: P) => boolean;
  /** Cheap pure test evaluated inside the kd-tree search (see above). */
  filter?: (p: P) => boolean;
};

export type NearestHit<P> = { point: P; km: number };

/** Distances closer than this (1 µm) count as ties: the two haversine formulas differ by ~1e-12 km. */
const TIE_KM = 1e-9;

type Hit<P> = { point: P; km: number; i: number };
const byDistance = <P extends IndexedPoint>(a: Hit<P>, b: Hit<P>) => a.km - b.km || a.point.id - b.point.id || a.i - b.i;

function normaliseLimit(limit: number | undefined): number {
  if (limit === undefined || Number.isNaN(limit)) return Infinity;
  return limit === Infinity ? Infinity : Math.max(0, Math.floor(limit));
}

export class PointIndex<P extends IndexedPoint> {
  readonly size: number;
  private readonly points: readonly P[];
  private readonly tree: KDBush | null;

  /** Builds a kdbush index (flat, immutable): rebuild it when the points change. */
  constructor(points: readonly P[], opts: { nodeSize?: number } = {}) {
    this.points = [...points];
    this.size = this.points.length;
    if (this.size === 0) {
      this.tree = null;
      return;
    }
    // Small leaves: geokdbush runs `filter` on every point of an opened leaf, so smaller leaves waste fewer calls.
    const tree = new KDBush(this.size, opts.nodeSize ?? 16);
    for (const p of this.points) tree.add(p.lng, p.lat);
    this.tree = tree.finish();
  }

  /** Nearest first; `accept` filters (called lazily, nearest first, so it may be expensive). */
  nearest(lat: number, lng: number, opts: NearestOptions<P> = {}): NearestHit<P>[] {
    const limit = normaliseLimit(opts.limit);
    if (!this.tree || limit === 0) return [];
    const maxKm = opts.maxKm ?? Infinity;
    if (!(maxKm >= 0)) return [];
    const { accept, filter } = opts;
    const points = this.points;
    const predicate = filter ? (i: number) => filter(points[i]) : undefined;
    // geokdbush's radius (6371 km) is a little smaller than geo.ts's, so it admits slightly more; the
    // exact cut is made below with geo.ts distances.
    const searchKm = maxKm === Infinity ? undefined : maxKm * (1 + 1e-9) + TIE_KM;

    const found: Hit<P>[] = [];
    let kthKm = Infinity; // distance of the limit-th accepted point; ties with it are still collected
    // geokdbush returns a whole batch at once, but a wider search repeats the narrower one exactly, so
    // `seen` continues where the previous batch stopped and `accept` never sees a point twice.
    let want = accept ? Math.max(16, limit * 2) : limit + 1;
    let seen = 0;
    for (;;) {
      const ids = around(this.tree, lng, lat, want, searchKm, predicate);
      let done = false;
      for (; seen < ids.length; seen++) {
        const i = ids[seen];
        const point = points[i];
        const km = distanceKm(lat, lng, point.lat, point.lng);
        if (km > maxKm || km > kthKm + TIE_KM) {
          done = true;
          break;
        }
        if (accept && !accept(point)) continue;
        found.push({ point, km, i });
        if (found.length === limit) kthKm = km;
      }
      if (done || ids.length < want || want >= this.size) break;
      want = want * 4 >= this.size ? Infinity : want * 4;
    }
    return found
      .sort(byDistance)
      .slice(0, limit)
      .map(({ point, km }) => ({ point, km }));
  }
}

/** The same answer by scanning every point: the benchmark's baseline and the tests' oracle. */
export function nearestLinear<P extends IndexedPoint>(points: readonly P[], lat: number, lng: number, opts: NearestOptions<P> = {}): NearestHit<P>[] {
  const limit = normaliseLimit(opts.limit);
  const maxKm = opts.maxKm ?? Infinity;
  if (limit === 0 || points.length === 0 || !(maxKm >= 0)) return [];
  const { accept, filter } = opts;
  // Small limits keep a sorted top-k (and skip tests on points that could not enter it); otherwise sort all.
  const bounded = limit <= 64;
  const best: Hit<P>[] = [];
  for (let i = 0; i < points.length; i++) {
    const point = points[i];
    const km = distanceKm(lat, lng, point.lat, point.lng);
    if (km > maxKm) continue;
    const hit = { point, km, i };
    if (bounded && best.length === limit && byDistance(hit, best[limit - 1]) >= 0) continue;
    if (filter && !filter(point)) continue;
    if (accept && !accept(point)) continue;
    if (!bounded) {
      best.push(hit);
      continue;
    }
    let at = best.length;
    while (at > 0 && byDistance(hit, best[at - 1]) < 0) at--;
    best.splice(at, 0, hit);
    if (best.length > limit) best.pop();
  }
  if (!bounded) best.sort(byDistance);
  return best.slice(0, limit).map(({ point, km }) => ({ point, km }));
}
