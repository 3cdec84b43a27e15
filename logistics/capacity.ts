/**
 * Which storage slot a parcel gets, and whether a point can take a set of parcels. Plain module.
 *
 * Sizes are nested (a small parcel fits a medium or large slot) and chilled slots can hold ambient
 * parcels but not the other way round. Best fit: an ambient slot before a chilled one (chilled space
 * is scarce: an ambient parcel goes into a chilled slot only when no ambient slot fits), then the
 * smallest fitting size, then the lowest id. Checking a set largest-first with best
 * fit is exact for nested sizes, so canAccommodate never says no when an assignment exists.
 */
import type { SlotSize } from "../db/schema";
import { sizeRank } from "./sizes";

export type SlotLike = { id: number; size: SlotSize; chilled: boolean };
export type ParcelNeed = { size: SlotSize; chilled: boolean };

export const fits = (slot: SlotLike, need: ParcelNeed): boolean => sizeRank(slot.size) >= sizeRank(need.size) && (slot.chilled || !need.chilled);

/** The best-fitting free slot for the parcel, or null when none fits. */
export function bestFitSlot<S extends SlotLike>(freeSlots: readonly S[], need: ParcelNeed): S | null {
  let best: S | null = null;
  for (const s of freeSlots) {
    if (!fits(s, need)) continue;
    if (
      best === null ||
      Number(s.chilled) < Number(best.chilled) ||
      (s.chilled === best.chilled && (sizeRank(s.size) < sizeRank(best.size) || (s.size === best.size && s.id < best.id)))
    ) {
      best = s;
    }
  }
  return best;
}

/** Chilled needs first (only chilled slots take them), then larger before smaller. */
const needOrder = (a: ParcelNeed, b: ParcelNeed) => Number(b.chilled) - Number(a.chilled) || sizeRank(b.size) - sizeRank(a.size);

/**
 * Assigns every need a distinct free slot, best fit, largest first. Returns the slot per need (in
 * the order given) or null when the set does not fit.
 */
export function assignSlots<S extends SlotLike>(freeSlots: readonly S[], needs: readonly ParcelNeed[]): S[] | null {
  const left = [...freeSlots];
  const order = needs.map((n, i) => ({ n, i })).sort((a, b) => needOrder(a.n, b.n) || a.i - b.i);
  const out: S[] = new Array(needs.length);
  for (const { n, i } of order) {
    const slot = bestFitSlot(left, n);
    if (!slot) return null;
    left.splice(left.indexOf(slot), 1);
    out[i] = slot;
  }
  return out;
}

export const canAccommodate = (freeSlots: readonly SlotLike[], needs: readonly ParcelNeed[]): boolean => assignSlots(freeSlots, needs) !== null;

/**
 * Free slots summarised by class, for fast feasibility over many points (spatial search, bench):
 * counts[chilled ? 1 : 0][sizeRank]. Same answer as canAccommodate on the expanded slots.
 */
export type SlotCounts = [ambient: [number, number, number], chilled: [number, number, number]];

export function countSlots(slots: readonly SlotLike[]): SlotCounts {
  const c: SlotCounts = [
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const s of slots) c[s.chilled ? 1 : 0][sizeRank(s.size)]++;
  return c;
}

/** Needs summarised the same way: needs[chilled ? 1 : 0][sizeRank]. */
export function countNeeds(needs: readonly ParcelNeed[]): SlotCounts {
  const c: SlotCounts = [
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const n of needs) c[n.chilled ? 1 : 0][sizeRank(n.size)]++;
  return c;
}

/**
 * Takes counted needs out of the free counts (mutating them) when they all fit; returns false
 * (counts untouched) otherwise. The same rule as assignSlots, in bulk: chilled needs first, larger
 * before smaller, each into ambient before chilled (ambient needs only), then the smallest size.
 * O(1) in the number of parcels, so a busy point costs no more than an empty one.
 */
export function takeNeedCounts(counts: SlotCounts, needs: SlotCounts): boolean {
  const c: SlotCounts = [[...counts[0]], [...counts[1]]] as SlotCounts;
  for (const needClass of [1, 0]) {
    for (let r = 2; r >= 0; r--) {
      let n = needs[needClass][r];
      for (const cls of needClass === 1 ? [1] : [0, 1]) {
        for (let s = r; s < 3 && n > 0; s++) {
          const k = Math.min(n, c[cls][s]);
          c[cls][s] -= k;
          n -= k;
        }
      }
      if (n > 0) return false;
    }
  }
  counts[0] = c[0];
  counts[1] = c[1];
  return true;
}

/** Takes the needs out of the counts (mutating them) when they all fit; returns false (counts untouched) otherwise. */
export const takeFromCounts = (counts: SlotCounts, needs: readonly ParcelNeed[]): boolean => takeNeedCounts(counts, countNeeds(needs));
