/**
 * Standard locker sizes and how an order's lines become sized parcels. Plain module (no Remix,
 * no database): used by checkout, dispatch, seeds and benchmarks.
 *
 * Standard compartments (inner height × width × depth): small 8×38×64 cm, medium 19×38×64 cm,
 * large 41×38×64 cm. Chilled ones hold 0–4 °C.
 */
import type { CategorySlug, SlotSize } from "../db/schema";

export const SLOT_SIZE_ORDER: readonly SlotSize[] = ["small", "medium", "large"];
export const sizeRank = (s: SlotSize): number => SLOT_SIZE_ORDER.indexOf(s);

export type Dimensions = { heightMm: number; widthMm: number; depthMm: number };
export const STANDARD_SLOT_DIMENSIONS: Record<SlotSize, Dimensions> = {
  small: { heightMm: 80, widthMm: 380, depthMm: 640 },
  medium: { heightMm: 190, widthMm: 380, depthMm: 640 },
  large: { heightMm: 410, widthMm: 380, depthMm: 640 },
};

export const volumeCm3 = (d: Dimensions): number => Math.round((d.heightMm * d.widthMm * d.depthMm) / 1000);

/** A packed parcel never fills its compartment: boxes are not liquid. */
export const PACKING_FILL = 0.8;
const usable = (s: SlotSize) => Math.floor(volumeCm3(STANDARD_SLOT_DIMENSIONS[s]) * PACKING_FILL);
/** The most one parcel may hold, in cm³ (a large compartment at the packing fill). */
export const MAX_PARCEL_VOLUME_CM3 = usable("large");

/** The smallest standard size whose usable volume holds `volume` (large for anything bigger). */
export function sizeForVolume(volume: number): SlotSize {
  for (const s of SLOT_SIZE_ORDER) if (volume <= usable(s)) return s;
  return "large";
}

/** Fresh produce gets the point's shorter holding period. */
export const FRESH_CATEGORIES: ReadonlySet<CategorySlug> = new Set(["fruit", "vegetables", "livestock_poultry", "aquatic"]);

/** Packed volume of one unit when the listing does not say (a 5-斤 fruit box is about 30×20×15 cm). */
export const DEFAULT_UNIT_VOLUME_CM3: Record<CategorySlug, number> = {
  fruit: 9000,
  vegetables: 6000,
  grain: 5000,
  tea: 1500,
  livestock_poultry: 6000,
  aquatic: 8000,
  forest: 2500,
  agri_inputs: 3000,
};

export type LineToPack = { orderLineId: number; quantity: number; unitVolumeCm3: number; chilled: boolean; fresh: boolean };
export type ParcelPlan = {
  size: SlotSize;
  chilled: boolean;
  fresh: boolean;
  volumeCm3: number;
  items: { orderLineId: number; quantity: number }[];
};

/**
 * Packs a sub-order's lines into parcels: chilled and ambient goods never share a parcel; units go
 * first-fit-decreasing into parcels of at most a large compartment; each parcel then gets the
 * smallest size that holds it. A single unit bigger than a large compartment travels alone as large.
 */
export function planParcels(lines: LineToPack[]): ParcelPlan[] {
  const plans: ParcelPlan[] = [];
  for (const chilled of [true, false]) {
    const group = lines
      .filter((l) => l.chilled === chilled && l.quantity > 0)
      .sort((a, b) => b.unitVolumeCm3 - a.unitVolumeCm3 || a.orderLineId - b.orderLineId);
    const open: ParcelPlan[] = [];
    for (const line of group) {
      for (let u = 0; u < line.quantity; u++) {
        let target = open.find((p) => p.volumeCm3 + line.unitVolumeCm3 <= MAX_PARCEL_VOLUME_CM3);
        if (!target) {
          target = { size: "small", chilled, fresh: false, volumeCm3: 0, items: [] };
          open.push(target);
        }
        target.volumeCm3 += line.unitVolumeCm3;
        target.fresh ||= line.fresh;
        const item = target.items.find((i) => i.orderLineId === line.orderLineId);
        if (item) item.quantity++;
        else target.items.push({ orderLineId: line.orderLineId, quantity: 1 });
      }
    }
    for (const p of open) p.size = sizeForVolume(p.volumeCm3);
    plans.push(...open);
  }
  return plans;
}
