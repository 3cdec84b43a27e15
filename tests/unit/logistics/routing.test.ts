/**
 * Route construction and improvement (issue 5, joint delivery): improvement is never longer than
 * its construction (property test over seeded random instances, including tiny and degenerate
 * ones), every stop is visited exactly once, the obvious optimum on a circle is found, and the
 * tour length is computed correctly.
 */
import { describe, expect, it } from "vitest";
import { distanceKm } from "../../../logistics/geo";
import {
  CONSTRUCTIONS,
  constructTour,
  improveTour,
  nearestNeighbourTour,
  planJointDelivery,
  planRoute,
  tourLengthKm,
  type Stop,
} from "../../../logistics/routing";
import { mulberry32 as rng } from "../../../seeds/random";

const depot = { lat: 35.78, lng: 109.43 };

/** n stops in a ~40 km square; some instances pile stops onto the same few places. */
function instance(seed: number, n: number): Stop[] {
  const r = rng(seed);
  const colocated = seed % 4 === 0;
  const spots = Array.from({ length: 3 }, () => ({ lat: depot.lat + (r() - 0.5) * 0.4, lng: depot.lng + (r() - 0.5) * 0.4 }));
  return Array.from({ length: n }, (_, i) => {
    if (colocated && r() < 0.6) {
      const s = spots[Math.floor(r() * spots.length)];
      return { id: seed % 8 === 0 ? 7 : i + 1, lat: s.lat, lng: s.lng }; // seed%8: duplicate ids too
    }
    return { id: i + 1, lat: depot.lat + (r() - 0.5) * 0.4, lng: depot.lng + (r() - 0.5) * 0.4 };
  });
}

/** Same multiset of stop objects (by identity): nothing lost, nothing doubled. */
function expectPermutation(tour: readonly Stop[], stops: readonly Stop[]) {
  expect(tour).toHaveLength(stops.length);
  const left = new Map<Stop, number>();
  for (const s of stops) left.set(s, (left.get(s) ?? 0) + 1);
  for (const s of tour) {
    const n = left.get(s) ?? 0;
    expect(n).toBeGreaterThan(0);
    left.set(s, n - 1);
  }
}

describe("tourLengthKm", () => {
  it("is depot → stops in order → depot", () => {
    const a = { id: 1, lat: 35.8, lng: 109.4 };
    const b = { id: 2, lat: 35.9, lng: 109.5 };
    const expected = distanceKm(depot.lat, depot.lng, a.lat, a.lng) + distanceKm(a.lat, a.lng, b.lat, b.lng) + distanceKm(b.lat, b.lng, depot.lat, depot.lng);
    expect(tourLengthKm(depot, [a, b])).toBeCloseTo(expected, 12);
    expect(tourLengthKm(depot, [])).toBe(0);
    expect(tourLengthKm(depot, [a])).toBeCloseTo(2 * distanceKm(depot.lat, depot.lng, a.lat, a.lng), 12);
  });

  it("matches a hand-computed figure: 1° of latitude is 111.195 km", () => {
    // Along a meridian haversine is exactly R · Δlat: 6371.0088 km × π / 180 = 111.195080 km; there and back 222.390160 km.
    const north = { id: 1, lat: depot.lat + 1, lng: depot.lng };
    expect(tourLengthKm(depot, [north])).toBeCloseTo(222.39016, 4);
  });
});

describe("construction", () => {
  it("nearest neighbour always drives to the nearest unvisited stop", () => {
    const stops = instance(11, 25);
    const tour = nearestNeighbourTour(depot, stops);
    expectPermutation(tour, stops);
    let at: { lat: number; lng: number } = depot;
    const left = new Set(stops);
    for (const s of tour) {
      const d = distanceKm(at.lat, at.lng, s.lat, s.lng);
      for (const o of left) expect(d).toBeLessThanOrEqual(distanceKm(at.lat, at.lng, o.lat, o.lng) + 1e-12);
      left.delete(s);
      at = s;
    }
  });

  it("every construction visits every stop once", () => {
    for (const how of CONSTRUCTIONS) {
      for (const n of [0, 1, 2, 3, 7, 30]) {
        const stops = instance(100 + n, n);
        expectPermutation(constructTour(depot, stops, how), stops);
      }
    }
  });
});

describe("improvement never returns a longer tour", () => {
  it("holds on 300 seeded instances of 0–60 stops, including co-located stops and duplicate ids", () => {
    let strictlyBetter = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const n = seed <= 40 ? seed % 5 : 3 + ((seed * 7) % 58); // 0,1,2,3,4 stops many times, then up to 60
      const stops = instance(seed, n);
      const nn = nearestNeighbourTour(depot, stops);
      const nnKm = tourLengthKm(depot, nn);

      for (const opts of [{}, { orOpt: false }, { twoOpt: false }]) {
        const improved = improveTour(depot, nn, opts);
        expectPermutation(improved, stops);
        expect(tourLengthKm(depot, improved)).toBeLessThanOrEqual(nnKm + 1e-9);
      }

      const plan = planRoute(depot, stops);
      expectPermutation(plan.construction, stops);
      expectPermutation(plan.improved, stops);
      expect(plan.constructionKm).toBeCloseTo(nnKm, 9);
      expect(plan.improvedKm).toBeLessThanOrEqual(plan.constructionKm + 1e-9);
      expect(plan.improvedKm).toBeCloseTo(tourLengthKm(depot, plan.improved), 9);
      // Deterministic: the same input gives the same tour.
      expect(planRoute(depot, stops).improved).toEqual(plan.improved);
      if (plan.improvedKm < plan.constructionKm - 1e-6) strictlyBetter++;
    }
    // And it does improve something: most non-trivial random instances get shorter.
    expect(strictlyBetter).toBeGreaterThan(200);
  });

  it("improving an arbitrary (bad) tour never makes it longer, and improving twice changes nothing", () => {
    for (let seed = 500; seed < 560; seed++) {
      const stops = instance(seed, 5 + (seed % 40));
      const r = rng(seed);
      const shuffled = stops.slice().sort(() => r() - 0.5);
      const once = improveTour(depot, shuffled);
      expect(tourLengthKm(depot, once)).toBeLessThanOrEqual(tourLengthKm(depot, shuffled) + 1e-9);
      const twice = improveTour(depot, once);
      expect(tourLengthKm(depot, twice)).toBeCloseTo(tourLengthKm(depot, once), 9);
    }
  });

  it("gives about 15% or more over nearest neighbour on random 50-stop instances (the issue's target)", () => {
    let sum = 0;
    const runs = 40;
    for (let seed = 1000; seed < 1000 + runs; seed++) {
      const r = rng(seed);
      const stops = Array.from({ length: 50 }, (_, i) => ({ id: i, lat: depot.lat + (r() - 0.5) * 0.4, lng: depot.lng + (r() - 0.5) * 0.4 }));
      const plan = planRoute(depot, stops);
      sum += 1 - plan.improvedKm / plan.constructionKm;
    }
    expect(sum / runs).toBeGreaterThan(0.15);
  });
});

describe("a known optimum", () => {
  it("points on a circle through the depot are visited around the circle", () => {
    // 24 points evenly on a circle (radius ~5 km); the depot is one of the circle's points,
    // so the optimal tour walks around the circle: a regular 25-gon.
    const n = 25;
    const centre = { lat: 35.8, lng: 109.4 };
    const rLat = 0.045;
    const rLng = 0.045 / Math.cos((centre.lat * Math.PI) / 180);
    const onCircle = Array.from({ length: n }, (_, k) => ({
      lat: centre.lat + rLat * Math.cos((2 * Math.PI * k) / n),
      lng: centre.lng + rLng * Math.sin((2 * Math.PI * k) / n),
    }));
    const d0 = onCircle[0];
    // Shuffle deterministically so the input order gives nothing away.
    const r = rng(42);
    const stops = onCircle
      .slice(1)
      .map((p, i) => ({ id: i + 1, ...p }))
      .sort(() => r() - 0.5);
    const plan = planRoute(d0, stops);
    const ids = plan.improved.map((s) => s.id);
    const forward = Array.from({ length: n - 1 }, (_, i) => i + 1);
    expect([forward, forward.slice().reverse()]).toContainEqual(ids);
    // Improvement alone, from the shuffled order (a tangle of crossings), finds it too.
    const untangled = improveTour(d0, stops).map((s) => s.id);
    expect([forward, forward.slice().reverse()]).toContainEqual(untangled);
    // Its length is the polygon's perimeter.
    const perimeter = onCircle.reduce((km, p, k) => {
      const q = onCircle[(k + 1) % n];
      return km + distanceKm(p.lat, p.lng, q.lat, q.lng);
    }, 0);
    expect(plan.improvedKm).toBeCloseTo(perimeter, 6);
  });

  it("a 2 × 3 grid at the equator: the perimeter, with a hand-computed length", () => {
    // Depot at (0°, 0°) and five stops on a grid of 0.1° steps:
    //   lat 0.1:  (5) ── (4) ── (3)
    //   lat 0.0:  depot ─ (1) ── (2)      lng 0, 0.1, 0.2
    // The only tour of a 2 × 3 grid using grid edges alone is its perimeter, and any other edge is at
    // least a diagonal (≈ 15.7 km) against ≈ 11.1 km, so the optimum is depot 1 2 3 4 5 (or reversed).
    // Along the equator and along a meridian the haversine distance is exactly R · Δangle:
    //   R · 0.1° = 6371.0088 km × 0.1 × π / 180 = 11.119508 km   (bottom two edges, left and right side)
    // Along the parallel at 0.1° the two top edges are a little shorter:
    //   2R · asin(cos 0.1° · sin 0.05°) ≈ R · 0.1° · cos 0.1° = 11.119508 × (1 − (0.0017453)² / 2)
    //   = 11.119508 × 0.99999848 = 11.119491 km
    // Length = 4 × 11.119508 + 2 × 11.119491 = 44.478032 + 22.238982 = 66.717014 km.
    const grid: Stop[] = [
      { id: 1, lat: 0, lng: 0.1 },
      { id: 2, lat: 0, lng: 0.2 },
      { id: 3, lat: 0.1, lng: 0.2 },
      { id: 4, lat: 0.1, lng: 0.1 },
      { id: 5, lat: 0.1, lng: 0 },
    ];
    const origin = { lat: 0, lng: 0 };
    const shuffled = [grid[3], grid[0], grid[4], grid[2], grid[1]]; // 4 1 5 3 2: crosses itself
    const optimum = [
      [1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1],
    ];
    const plan = planRoute(origin, shuffled);
    expect(optimum).toContainEqual(plan.improved.map((s) => s.id));
    expect(plan.improvedKm).toBeCloseTo(66.717014, 5);
    expect(tourLengthKm(origin, grid)).toBeCloseTo(66.717014, 5);
    // The shuffled order itself is longer, and 2-opt + Or-opt from it reach the perimeter too.
    expect(tourLengthKm(origin, shuffled)).toBeGreaterThan(66.717014 + 5);
    expect(optimum).toContainEqual(improveTour(origin, shuffled).map((s) => s.id));
  });

  it("a crossing tour on a square is uncrossed by 2-opt", () => {
    const sq = [
      { id: 1, lat: 35.9, lng: 109.4 },
      { id: 2, lat: 35.9, lng: 109.5 },
      { id: 3, lat: 35.8, lng: 109.5 },
    ];
    const d = { lat: 35.8, lng: 109.4 };
    const crossing = [sq[0], sq[2], sq[1]];
    const fixed = improveTour(d, crossing, { orOpt: false });
    expect(tourLengthKm(d, fixed)).toBeLessThan(tourLengthKm(d, crossing));
    expect([
      [1, 2, 3],
      [3, 2, 1],
    ]).toContainEqual(fixed.map((s) => s.id));
  });
});

describe("joint delivery against producers driving separately", () => {
  it("the joint run is never longer than the sum of the producers' own runs, and visits each point once", () => {
    for (let seed = 1; seed <= 120; seed++) {
      const r = rng(seed * 31);
      const points = instance(seed + 7000, 1 + (seed % 30)).map((p, i) => ({ ...p, id: i + 1 }));
      const producers = 1 + (seed % 6);
      const deliveries = points.flatMap((stop) => Array.from({ length: producers }, (_, producerId) => ({ producerId, stop })).filter(() => r() < 0.45));
      const plan = planJointDelivery(depot, deliveries);
      const served = new Set(deliveries.map((d) => d.stop.id));
      expect(plan.stops.map((s) => s.id).sort((a, b) => a - b)).toEqual([...served].sort((a, b) => a - b));
      expect(plan.km).toBeLessThanOrEqual(plan.separateKm + 1e-9);
      expect(plan.km).toBeCloseTo(tourLengthKm(depot, plan.stops), 9);
      expect([...plan.perProducerKm.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(plan.separateKm, 9);
    }
    expect(planJointDelivery(depot, [])).toMatchObject({ stops: [], km: 0, separateKm: 0 });
  });
});
