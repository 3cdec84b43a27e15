/**
 * Limits and format checks for delivery points, shared by the domain (logistics/points-admin.ts)
 * and the admin forms (app/logistics-ui/point-schemas.ts). Bundled for the browser too, so it
 * imports only types.
 */
import type { DeliveryPointKind, SlotSize } from "../db/schema";

/** Mainland China, roughly (incl. Hainan and the South China Sea islands). */
export const CHINA_BOUNDS = { minLat: 3.8, maxLat: 53.6, minLng: 73.4, maxLng: 135.1 } as const;
export const HOLDING_DAYS = { min: 1, max: 30 } as const;
export const SLOTS_PER_CALL = { min: 1, max: 200 } as const;
export const NAME_MAX = 60;
export const ADDRESS_MAX = 200;
export const TOWNSHIP_MAX = 60;
export const MAX_PARCEL_CAPACITY = 100_000;

export const POINT_KINDS = ["locker", "village_station", "community", "school", "office"] as const satisfies readonly DeliveryPointKind[];
export const SIZES = ["small", "medium", "large"] as const satisfies readonly SlotSize[];

/** Lockers have compartments and no parcel capacity; every other kind is staffed. */
export const isStaffedKind = (kind: DeliveryPointKind) => kind !== "locker";

const HOURS_RE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** "24h", or "HH:MM-HH:MM" (Asia/Shanghai) with the start before the end. */
export function validOpeningHours(value: string): boolean {
  if (value === "24h") return true;
  const m = HOURS_RE.exec(value);
  if (!m) return false;
  return Number(m[1]) * 60 + Number(m[2]) < Number(m[3]) * 60 + Number(m[4]);
}

export const latInChina = (lat: number) => Number.isFinite(lat) && lat >= CHINA_BOUNDS.minLat && lat <= CHINA_BOUNDS.maxLat;
export const lngInChina = (lng: number) => Number.isFinite(lng) && lng >= CHINA_BOUNDS.minLng && lng <= CHINA_BOUNDS.maxLng;
