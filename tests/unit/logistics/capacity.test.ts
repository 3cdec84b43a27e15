import { describe, expect, it } from "vitest";
import type { SlotSize } from "../../../db/schema";
import { assignParcelsToPoints } from "../../../logistics/assign";
import {
  assignSlots,
  bestFitSlot,
  canAccommodate,
  countSlots,
  fits,
  takeFromCounts,
  type ParcelNeed,
  type SlotCounts,
  type SlotLike,
} from "../../../logistics/capacity";
import { mulberry32 as rng } from "../../../seeds/random";

const SIZES: SlotSize[] = ["small", "medium", "large"];
const slot = (id: number, size: SlotSize, chilled = false): SlotLike => ({ id, size, chilled });
const need = (size: SlotSize, chilled = false): ParcelNeed => ({ size, chilled });

/** Exhaustive: is there any way to give every need its own fitting slot? */
function bruteForceFeasible(slots: readonly SlotLike[], needs: readonly ParcelNeed[]): boolean {
  const used = new Array(slots.length).fill(false);
  const go = (k: number): boolean => {
    if (k === needs.length) return true;
    for (let i = 0; i < slots.length; i++) {
      if (used[i] || !fits(slots[i], needs[k])) continue;
      used[i] = true;
      if (go(k + 1)) return true;
      used[i] = false;
    }
    return false;
  };
  return go(0);
}

function randomCase(r: () => number) {
  const slots = Array.from({ length: Math.floor(r() * 8) }, (_, i) => slot(i + 1, SIZES[Math.floor(r() * 3)], r() < 0.35));
  const needs = Array.from({ length: Math.floor(r() * 7) }, () => need(SIZES[Math.floor(r() * 3)], r() < 0.3));
  return { slots, needs };
}

describe("compartment best fit", () => {
  it("picks the smallest fitting size", () => {
    const free = [slot(1, "large"), slot(2, "medium"), slot(3, "small")];
    expect(bestFitSlot(free, need("small"))?.id).toBe(3);
    expect(bestFitSlot(free, need("medium"))?.id).toBe(2);
    expect(bestFitSlot(free, need("large"))?.id).toBe(1);
    expect(bestFitSlot([slot(1, "small")], need("medium"))).toBeNull();
  });

  it("uses an ambient slot before a chilled one, even a bigger one", () => {
    const free = [slot(1, "small", true), slot(2, "large"), slot(3, "medium", true)];
    expect(bestFitSlot(free, need("small"))?.id).toBe(2);
    // Only when no ambient slot fits does an ambient parcel take chilled space (the smallest).
    expect(bestFitSlot([slot(1, "large", true), slot(2, "small"), slot(3, "medium", true)], need("medium"))?.id).toBe(3);
  });

  it("puts a chilled parcel only into a chilled slot", () => {
    expect(bestFitSlot([slot(1, "large"), slot(2, "medium")], need("small", true))).toBeNull();
    expect(bestFitSlot([slot(1, "large"), slot(2, "medium", true), slot(3, "large", true)], need("small", true))?.id).toBe(2);
    expect(fits(slot(1, "large"), need("small", true))).toBe(false);
    expect(fits(slot(1, "small", true), need("small"))).toBe(true);
  });

  it("breaks ties by the lowest slot id", () => {
    expect(bestFitSlot([slot(7, "medium"), slot(4, "medium"), slot(5, "medium")], need("small"))?.id).toBe(4);
  });
});

describe("capacity exhaustion", () => {
  it("a point holds as many parcels as it has fitting slots, and no more", () => {
    const free = [slot(1, "small"), slot(2, "medium"), slot(3, "small", true)];
    expect(canAccommodate(free, [need("small"), need("small"), need("small")])).toBe(true);
    expect(canAccommodate(free, [need("small"), need("small"), need("small"), need("small")])).toBe(false);
    expect(canAccommodate(free, [need("small", true), need("small", true)])).toBe(false);
    expect(canAccommodate(free, [need("large")])).toBe(false);
    const counts = countSlots(free);
    expect(takeFromCounts(counts, [need("small"), need("medium")])).toBe(true);
    expect(takeFromCounts(counts, [need("small")])).toBe(true); // the chilled one, last
    expect(takeFromCounts(counts, [need("small")])).toBe(false);
    expect(counts).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it("falls back to the next feasible point when the nearest is full or lacks a chilled slot", () => {
    const none: SlotCounts = [
      [0, 0, 0],
      [0, 0, 0],
    ];
    const points = [
      {
        id: 1,
        lat: 30.0,
        lng: 110.0,
        free: [
          [0, 2, 0],
          [0, 0, 0],
        ] as SlotCounts,
        capacity: null,
      }, // nearest: ambient only
      { id: 2, lat: 30.05, lng: 110.0, free: none, capacity: null }, // full
      {
        id: 3,
        lat: 30.1,
        lng: 110.0,
        free: [
          [0, 0, 0],
          [1, 0, 0],
        ] as SlotCounts,
        capacity: null,
      }, // one chilled small
      {
        id: 4,
        lat: 30.2,
        lng: 110.0,
        free: [
          [5, 5, 5],
          [5, 5, 5],
        ] as SlotCounts,
        capacity: 1,
      }, // staffed, capacity 1
    ];
    const parcels = [
      { id: 1, lat: 30, lng: 110, need: need("small") },
      { id: 2, lat: 30, lng: 110, need: need("small") },
      { id: 3, lat: 30, lng: 110, need: need("small") }, // point 1 full now → 3 (chilled slot free? taken by parcel 5) → 4
      { id: 4, lat: 30, lng: 110, need: need("small") }, // nothing left
      { id: 5, lat: 30, lng: 110, need: need("small", true) }, // chilled: skips 1 and 2, takes 3
    ];
    const r = assignParcelsToPoints(points, parcels);
    expect(r.assignments.map((a) => a.pointId)).toEqual([1, 1, 4, null, 3]);
    expect(r.assigned).toBe(4);
    expect(r.unassigned).toBe(1);
    expect(r.fallbacks).toBe(2);
  });
});

describe("assignSlots is exact", () => {
  it("finds an assignment exactly when a brute-force matcher does (small random cases)", () => {
    const r = rng(42);
    let feasible = 0;
    let infeasible = 0;
    for (let n = 0; n < 3000; n++) {
      const { slots, needs } = randomCase(r);
      const got = assignSlots(slots, needs);
      const brute = bruteForceFeasible(slots, needs);
      expect(got !== null).toBe(brute);
      if (got) {
        feasible++;
        expect(got).toHaveLength(needs.length);
        expect(new Set(got.map((s) => s.id)).size).toBe(needs.length); // distinct slots
        got.forEach((s, i) => expect(fits(s, needs[i])).toBe(true));
      } else infeasible++;
    }
    // Both outcomes were exercised.
    expect(feasible).toBeGreaterThan(300);
    expect(infeasible).toBeGreaterThan(300);
  });

  it("takeFromCounts agrees with assignSlots, and takes the same classes of slot", () => {
    const r = rng(7);
    for (let n = 0; n < 3000; n++) {
      const { slots, needs } = randomCase(r);
      const counts = countSlots(slots);
      const before = JSON.stringify(counts);
      const chosen = assignSlots(slots, needs);
      const ok = takeFromCounts(counts, needs);
      expect(ok).toBe(chosen !== null);
      if (chosen) {
        const left = slots.filter((s) => !chosen.includes(s));
        expect(counts).toEqual(countSlots(left));
      } else {
        expect(JSON.stringify(counts)).toBe(before); // untouched on failure
      }
    }
  });
});
