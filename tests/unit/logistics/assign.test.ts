import { describe, expect, it } from "vitest";
import type { SlotSize } from "../../../db/schema";
import { assignParcelsToPoints, countsFit, parcelOrder, type ParcelToPlace, type PointToFill } from "../../../logistics/assign";
import { takeFromCounts, type ParcelNeed, type SlotCounts } from "../../../logistics/capacity";
import { distanceKm } from "../../../logistics/geo";
import { mulberry32 as rng } from "../../../seeds/random";

const SIZES: SlotSize[] = ["small", "medium", "large"];
const counts = (a: [number, number, number], c: [number, number, number] = [0, 0, 0]): SlotCounts => [a, c];

function randomInstance(seed: number, nPoints: number, nParcels: number) {
  const r = rng(seed);
  const centres = Array.from({ length: 5 }, () => ({ lat: 25 + r() * 10, lng: 105 + r() * 10 }));
  const near = () => {
    const c = centres[Math.floor(r() * centres.length)];
    return { lat: c.lat + (r() - 0.5) * 0.5, lng: c.lng + (r() - 0.5) * 0.5 };
  };
  const small = () => Math.floor(r() * 4) as number;
  const points: PointToFill[] = Array.from({ length: nPoints }, (_, i) => {
    const staffed = r() < 0.4;
    const chilled = r() < 0.5;
    return {
      id: i + 1,
      ...near(),
      free: counts([small(), small(), small()], chilled ? [small(), small(), 0] : [0, 0, 0]),
      capacity: staffed ? Math.floor(r() * 5) : null,
    };
  });
  const parcels: ParcelToPlace[] = Array.from({ length: nParcels }, (_, i) => ({
    id: 1000 + i,
    ...near(),
    need: { size: SIZES[Math.floor(r() * r() * 3)], chilled: r() < 0.25 },
  }));
  return { points, parcels };
}

describe("assignParcelsToPoints", () => {
  it("gives the same answer with the index and with the linear scan", () => {
    for (const seed of [1, 2, 3, 4]) {
      const { points, parcels } = randomInstance(seed, 150, 600);
      for (const maxKm of [undefined, 10]) {
        const byIndex = assignParcelsToPoints(points, parcels, { maxKm });
        const byScan = assignParcelsToPoints(points, parcels, { method: "linear", maxKm });
        expect(byIndex).toEqual(byScan);
        // Busy enough that falling back and running out both happen.
        expect(byIndex.fallbacks).toBeGreaterThan(0);
        expect(byIndex.unassigned).toBeGreaterThan(0);
      }
    }
  });

  it("never exceeds a point's capacity or its slots, and reports consistent totals", () => {
    const { points, parcels } = randomInstance(9, 120, 700);
    const before = JSON.stringify(points);
    const result = assignParcelsToPoints(points, parcels);
    expect(JSON.stringify(points)).toBe(before); // the caller's counts are untouched
    const needsAt = new Map<number, ParcelNeed[]>();
    result.assignments.forEach((a, i) => {
      expect(a.parcelId).toBe(parcels[i].id);
      if (a.pointId === null) return;
      needsAt.set(a.pointId, [...(needsAt.get(a.pointId) ?? []), parcels[i].need]);
      const p = points.find((q) => q.id === a.pointId)!;
      expect(a.km).toBe(distanceKm(parcels[i].lat, parcels[i].lng, p.lat, p.lng));
      expect(a.km!).toBeGreaterThanOrEqual(a.nearestKm!);
      expect(a.fallback).toBe(a.km! > a.nearestKm!);
    });
    for (const p of points) {
      const needs = needsAt.get(p.id) ?? [];
      if (p.capacity !== null) expect(needs.length).toBeLessThanOrEqual(p.capacity);
      // All the parcels sent there fit its free slots together.
      const c: SlotCounts = [[...p.free[0]], [...p.free[1]]];
      expect(takeFromCounts(c, needs)).toBe(true);
    }
    const assigned = result.assignments.filter((a) => a.pointId !== null);
    expect(result.assigned).toBe(assigned.length);
    expect(result.unassigned).toBe(parcels.length - assigned.length);
    expect(result.fallbacks).toBe(assigned.filter((a) => a.fallback).length);
    expect(result.totalKm).toBeCloseTo(
      assigned.reduce((s, a) => s + a.km!, 0),
      9,
    );
    expect(result.meanKm).toBeCloseTo(result.totalKm / result.assigned, 9);
    expect(result.nearestTotalKm).toBeLessThanOrEqual(result.totalKm);
  });

  it("falls back to the next point when the nearest is full", () => {
    const points: PointToFill[] = [
      { id: 1, lat: 30.0, lng: 110.0, free: counts([1, 0, 0]), capacity: null },
      { id: 2, lat: 30.0, lng: 110.2, free: counts([3, 0, 0]), capacity: null },
      { id: 3, lat: 30.0, lng: 110.05, free: counts([9, 9, 9]), capacity: 0 }, // staffed and at capacity
    ];
    const parcels: ParcelToPlace[] = [1, 2, 3].map((id) => ({ id, lat: 30, lng: 109.99, need: { size: "small", chilled: false } }));
    const r = assignParcelsToPoints(points, parcels);
    expect(r.assignments.map((a) => a.pointId)).toEqual([1, 2, 2]);
    expect(r.assignments.map((a) => a.fallback)).toEqual([false, true, true]);
    expect(r.fallbacks).toBe(2);
    const k1 = distanceKm(30, 109.99, 30, 110);
    const k2 = distanceKm(30, 109.99, 30, 110.2);
    expect(r.totalKm).toBeCloseTo(k1 + 2 * k2, 9);
    expect(r.nearestTotalKm).toBeCloseTo(3 * k1, 9);
    // With a radius that excludes point 2, the others stay unassigned.
    const near = assignParcelsToPoints(points, parcels, { maxKm: 10 });
    expect(near.assignments.map((a) => a.pointId)).toEqual([1, null, null]);
    expect(near.unassigned).toBe(2);
  });

  it("serves scarce needs first: a chilled parcel gets the chilled slot before an earlier ambient one", () => {
    const points: PointToFill[] = [
      { id: 1, lat: 30.0, lng: 110.0, free: counts([0, 0, 0], [1, 0, 0]), capacity: null },
      { id: 2, lat: 30.0, lng: 110.3, free: counts([5, 0, 0]), capacity: null },
    ];
    const parcels: ParcelToPlace[] = [
      { id: 1, lat: 30, lng: 110, need: { size: "small", chilled: false } },
      { id: 2, lat: 30, lng: 110, need: { size: "small", chilled: true } },
    ];
    const r = assignParcelsToPoints(points, parcels);
    expect(r.assignments.map((a) => a.pointId)).toEqual([2, 1]);
    expect(r.unassigned).toBe(0);
    expect([...parcels].sort(parcelOrder).map((p) => p.id)).toEqual([2, 1]);
    const sizes = (["small", "large", "medium"] as SlotSize[]).map((size, i) => ({ id: i, lat: 0, lng: 0, need: { size, chilled: false } }));
    expect(sizes.sort(parcelOrder).map((p) => p.need.size)).toEqual(["large", "medium", "small"]);
  });

  it("countsFit is the single-need case of takeFromCounts", () => {
    const r = rng(5);
    for (let n = 0; n < 2000; n++) {
      const c: SlotCounts = [
        [Math.floor(r() * 2), Math.floor(r() * 2), Math.floor(r() * 2)],
        [Math.floor(r() * 2), Math.floor(r() * 2), Math.floor(r() * 2)],
      ];
      const need: ParcelNeed = { size: SIZES[Math.floor(r() * 3)], chilled: r() < 0.5 };
      expect(countsFit(c, need)).toBe(takeFromCounts([[...c[0]], [...c[1]]], [need]));
    }
  });

  it("handles no points and no parcels", () => {
    expect(assignParcelsToPoints([], [{ id: 1, lat: 30, lng: 110, need: { size: "small", chilled: false } }])).toMatchObject({
      assigned: 0,
      unassigned: 1,
      totalKm: 0,
      meanKm: 0,
      fallbacks: 0,
    });
    expect(assignParcelsToPoints([{ id: 1, lat: 30, lng: 110, free: counts([1, 1, 1]), capacity: null }], [])).toMatchObject({
      assigned: 0,
      unassigned: 0,
      assignments: [],
    });
  });
});
