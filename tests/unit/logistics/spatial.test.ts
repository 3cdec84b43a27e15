import { describe, expect, it } from "vitest";
import { distanceKm } from "../../../logistics/geo";
import { nearestLinear, PointIndex, type IndexedPoint } from "../../../logistics/spatial";
import { mulberry32 as rng } from "../../../seeds/random";

type Pt = IndexedPoint & { open: boolean };

/** Points clustered around a few "county seats" in China-like coordinates, plus some scattered ones. */
function randomPoints(seed: number, n: number): Pt[] {
  const r = rng(seed);
  const centres = Array.from({ length: 8 }, () => ({ lat: 22 + r() * 20, lng: 100 + r() * 22 }));
  return Array.from({ length: n }, (_, i) => {
    const c = centres[Math.floor(r() * centres.length)];
    const scattered = r() < 0.1;
    return {
      id: i + 1,
      lat: scattered ? 18 + r() * 30 : c.lat + (r() - 0.5) * 0.6,
      lng: scattered ? 90 + r() * 35 : c.lng + (r() - 0.5) * 0.6,
      open: r() < 0.6,
    };
  });
}

const ids = (hits: { point: IndexedPoint }[]) => hits.map((h) => h.point.id);

describe("PointIndex", () => {
  it("handles an empty index and an empty list", () => {
    const index = new PointIndex<Pt>([]);
    expect(index.size).toBe(0);
    expect(index.nearest(30, 110)).toEqual([]);
    expect(index.nearest(30, 110, { limit: 5, accept: () => true })).toEqual([]);
    expect(nearestLinear<Pt>([], 30, 110)).toEqual([]);
  });

  it("returns nothing for limit 0, and nothing when no point is accepted", () => {
    const points = randomPoints(1, 200);
    const index = new PointIndex(points);
    expect(index.size).toBe(200);
    expect(index.nearest(30, 110, { limit: 0 })).toEqual([]);
    expect(nearestLinear(points, 30, 110, { limit: 0 })).toEqual([]);
    let calls = 0;
    expect(
      index.nearest(30, 110, {
        limit: 3,
        accept: () => {
          calls++;
          return false;
        },
      }),
    ).toEqual([]);
    // Every point was offered once (no limit on distance), none twice.
    expect(calls).toBe(200);
    expect(index.nearest(30, 110, { filter: () => false })).toEqual([]);
    expect(nearestLinear(points, 30, 110, { accept: () => false })).toEqual([]);
  });

  it("orders results nearest first with geo.ts distances", () => {
    const points = randomPoints(2, 500);
    const index = new PointIndex(points);
    const hits = index.nearest(31.2, 108.7, { limit: 25 });
    expect(hits).toHaveLength(25);
    for (const h of hits) expect(h.km).toBe(distanceKm(31.2, 108.7, h.point.lat, h.point.lng));
    for (let i = 1; i < hits.length; i++) expect(hits[i].km).toBeGreaterThanOrEqual(hits[i - 1].km);
    // The first is truly the nearest of all.
    const best = Math.min(...points.map((p) => distanceKm(31.2, 108.7, p.lat, p.lng)));
    expect(hits[0].km).toBe(best);
    // Without a limit: every point, sorted.
    expect(index.nearest(31.2, 108.7)).toHaveLength(500);
  });

  it("respects maxKm exactly", () => {
    const points = randomPoints(3, 800);
    const index = new PointIndex(points);
    const q = points[17];
    const all = points.map((p) => distanceKm(q.lat, q.lng, p.lat, p.lng));
    for (const maxKm of [0, 1, 5, 20, 100]) {
      const hits = index.nearest(q.lat, q.lng, { maxKm });
      expect(hits.every((h) => h.km <= maxKm)).toBe(true);
      expect(hits).toHaveLength(all.filter((d) => d <= maxKm).length);
    }
    // maxKm 0 still finds the point itself.
    expect(ids(index.nearest(q.lat, q.lng, { maxKm: 0 }))).toContain(q.id);
  });

  it("agrees with the linear oracle on seeded random sets (limits, maxKm, accept, filter)", () => {
    let compared = 0;
    for (const seed of [11, 12, 13, 14, 15]) {
      const points = randomPoints(seed, 300 + seed * 40);
      const index = new PointIndex(points, { nodeSize: seed % 2 ? 4 : 64 });
      const r = rng(seed * 7);
      for (let q = 0; q < 80; q++) {
        const lat = 20 + r() * 25;
        const lng = 98 + r() * 26;
        const limit = [undefined, 0, 1, 2, 5, 30, 100][Math.floor(r() * 7)];
        const maxKm = [undefined, 2, 15, 80, 600][Math.floor(r() * 5)];
        const mode = Math.floor(r() * 4);
        const accept = mode === 1 || mode === 3 ? (p: Pt) => p.open : undefined;
        const filter = mode === 2 || mode === 3 ? (p: Pt) => p.id % 5 !== 0 : undefined;
        const got = index.nearest(lat, lng, { limit, maxKm, accept, filter });
        const want = nearestLinear(points, lat, lng, { limit, maxKm, accept, filter });
        expect(got).toEqual(want);
        // And the oracle itself is right: the sorted, filtered full list cut at the limit.
        const brute = points
          .map((p) => ({ point: p, km: distanceKm(lat, lng, p.lat, p.lng) }))
          .filter((h) => h.km <= (maxKm ?? Infinity) && (!accept || accept(h.point)) && (!filter || filter(h.point)))
          .sort((a, b) => a.km - b.km || a.point.id - b.point.id)
          .slice(0, limit ?? Infinity);
        expect(want).toEqual(brute);
        compared++;
      }
    }
    expect(compared).toBe(400);
  });

  it("calls accept lazily: nearest first, once per point, and stops at the limit", () => {
    const points = randomPoints(4, 2000);
    const index = new PointIndex(points);
    const [lat, lng] = [points[5].lat + 0.01, points[5].lng];
    const order = nearestLinear(points, lat, lng);
    const seen: number[] = [];
    // Reject the 150 nearest: the search must widen several times without offering a point twice.
    const rejected = new Set(order.slice(0, 150).map((h) => h.point.id));
    const hits = index.nearest(lat, lng, {
      limit: 2,
      accept: (p) => {
        seen.push(p.id);
        return !rejected.has(p.id);
      },
    });
    expect(ids(hits)).toEqual([order[150].point.id, order[151].point.id]);
    expect(seen).toEqual(order.slice(0, 152).map((h) => h.point.id));
  });

  it("breaks ties by id, for co-located points too, the same way as the linear scan", () => {
    const points: Pt[] = [
      { id: 9, lat: 30, lng: 110, open: true },
      { id: 3, lat: 30, lng: 110, open: true },
      { id: 7, lat: 30, lng: 110, open: false },
      { id: 1, lat: 31, lng: 111, open: true },
      ...randomPoints(5, 300).map((p) => ({ ...p, id: p.id + 100 })),
    ];
    const index = new PointIndex(points);
    expect(ids(index.nearest(30, 110, { limit: 1 }))).toEqual([3]);
    expect(ids(index.nearest(30, 110, { limit: 2 }))).toEqual([3, 7]);
    expect(ids(index.nearest(30, 110, { limit: 2, accept: (p) => p.open }))).toEqual([3, 9]);
    expect(index.nearest(30, 110, { limit: 3 })).toEqual(nearestLinear(points, 30, 110, { limit: 3 }));
    expect(index.nearest(30, 110, { limit: 3 }).map((h) => h.km)).toEqual([0, 0, 0]);
  });

  it("does not keep a reference to the caller's array", () => {
    const points = randomPoints(6, 50);
    const index = new PointIndex(points);
    const before = index.nearest(30, 110, { limit: 3 });
    points.length = 0;
    expect(index.nearest(30, 110, { limit: 3 })).toEqual(before);
  });
});
