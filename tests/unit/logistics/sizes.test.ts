import { describe, expect, it } from "vitest";
import {
  MAX_PARCEL_VOLUME_CM3,
  PACKING_FILL,
  planParcels,
  SLOT_SIZE_ORDER,
  sizeForVolume,
  sizeRank,
  STANDARD_SLOT_DIMENSIONS,
  volumeCm3,
  type LineToPack,
} from "../../../logistics/sizes";
import { mulberry32 as rng } from "../../../seeds/random";

const usable = (s: (typeof SLOT_SIZE_ORDER)[number]) => Math.floor(volumeCm3(STANDARD_SLOT_DIMENSIONS[s]) * PACKING_FILL);
const line = (orderLineId: number, quantity: number, unitVolumeCm3: number, chilled = false, fresh = false): LineToPack => ({
  orderLineId,
  quantity,
  unitVolumeCm3,
  chilled,
  fresh,
});

/** Every invariant planParcels promises, for any input. */
function checkPlan(lines: LineToPack[]) {
  const plans = planParcels(lines);
  const byId = new Map(lines.map((l) => [l.orderLineId, l]));
  const packed = new Map<number, number>();
  for (const p of plans) {
    expect(p.items.length).toBeGreaterThan(0);
    let volume = 0;
    let units = 0;
    for (const item of p.items) {
      const l = byId.get(item.orderLineId)!;
      // chilled and ambient never share a parcel
      expect(l.chilled).toBe(p.chilled);
      volume += l.unitVolumeCm3 * item.quantity;
      units += item.quantity;
      packed.set(item.orderLineId, (packed.get(item.orderLineId) ?? 0) + item.quantity);
    }
    expect(p.volumeCm3).toBe(volume);
    // volumes respected: at most a large compartment, unless one oversized unit travels alone
    if (volume > MAX_PARCEL_VOLUME_CM3) expect(units).toBe(1);
    // the smallest size that holds it
    expect(p.size).toBe(sizeForVolume(volume));
    if (volume <= MAX_PARCEL_VOLUME_CM3) expect(volume).toBeLessThanOrEqual(usable(p.size));
    if (sizeRank(p.size) > 0) expect(volume).toBeGreaterThan(usable(SLOT_SIZE_ORDER[sizeRank(p.size) - 1]));
    expect(p.fresh).toBe(p.items.some((i) => byId.get(i.orderLineId)!.fresh));
  }
  // quantities conserved
  for (const l of lines) expect(packed.get(l.orderLineId) ?? 0).toBe(Math.max(0, l.quantity));
  return plans;
}

describe("sizeForVolume", () => {
  it("chooses the smallest standard size at the packing fill", () => {
    expect(usable("small")).toBe(Math.floor(8 * 38 * 64 * 0.8));
    expect(sizeForVolume(1)).toBe("small");
    expect(sizeForVolume(usable("small"))).toBe("small");
    expect(sizeForVolume(usable("small") + 1)).toBe("medium");
    expect(sizeForVolume(usable("medium"))).toBe("medium");
    expect(sizeForVolume(usable("medium") + 1)).toBe("large");
    expect(sizeForVolume(MAX_PARCEL_VOLUME_CM3 * 3)).toBe("large");
    expect(MAX_PARCEL_VOLUME_CM3).toBe(usable("large"));
  });
});

describe("planParcels", () => {
  it("separates chilled and ambient goods", () => {
    const plans = checkPlan([line(1, 1, 1000, true, true), line(2, 1, 1000, false, false)]);
    expect(plans).toHaveLength(2);
    expect(plans.map((p) => p.chilled).sort()).toEqual([false, true]);
    expect(plans.every((p) => p.size === "small")).toBe(true);
  });

  it("packs several small lines together into the smallest size", () => {
    const plans = checkPlan([line(1, 2, 3000), line(2, 3, 1500)]);
    expect(plans).toHaveLength(1);
    expect(plans[0].volumeCm3).toBe(10_500);
    expect(plans[0].size).toBe("small");
    expect(plans[0].items).toEqual([
      { orderLineId: 1, quantity: 2 },
      { orderLineId: 2, quantity: 3 },
    ]);
  });

  it("splits a large quantity into parcels of at most a large compartment", () => {
    const plans = checkPlan([line(1, 20, 9000, false, true)]); // 180 000 cm³ of apples
    const per = Math.floor(MAX_PARCEL_VOLUME_CM3 / 9000);
    expect(plans).toHaveLength(Math.ceil(20 / per));
    expect(plans.every((p) => p.fresh)).toBe(true);
  });

  it("sends a unit bigger than a large compartment alone, as large", () => {
    const plans = checkPlan([line(1, 2, MAX_PARCEL_VOLUME_CM3 + 5000), line(2, 1, 1000)]);
    expect(plans.filter((p) => p.volumeCm3 > MAX_PARCEL_VOLUME_CM3)).toHaveLength(2);
    expect(plans.every((p) => p.size === "large" || p.volumeCm3 <= usable(p.size))).toBe(true);
  });

  it("ignores empty lines and empty orders", () => {
    expect(planParcels([])).toEqual([]);
    expect(checkPlan([line(1, 0, 5000), line(2, 1, 100)])).toHaveLength(1);
  });

  it("keeps every invariant on seeded random orders", () => {
    const r = rng(2024);
    let parcels = 0;
    for (let n = 0; n < 500; n++) {
      const lines = Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) =>
        line(i + 1, Math.floor(r() * 12), Math.max(1, Math.round(r() < 0.1 ? r() * 120_000 : r() * 20_000)), r() < 0.3, r() < 0.5),
      );
      parcels += checkPlan(lines).length;
    }
    expect(parcels).toBeGreaterThan(500);
  });
});
