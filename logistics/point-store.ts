/**
 * The rows behind the delivery network: inserting a point and its standard-size slots, with the
 * printed slot codes. Shared by the seeds' factory (seeds/factories.ts createDeliveryPoint) and the
 * admin write module (logistics/points-admin.ts), so both number slots the same way. No checks of
 * who is asking or of the input here: callers do that. Plain module, no Remix.
 *
 * Slot codes: lockers A01…A20, B01… (chilled compartments 冷01…); staffed points shelf 1-01…1-20,
 * 2-01… (the fridge: 冷柜-01…). Numbering per point and per chilled/ambient continues from the
 * highest code already there.
 */
import type { Db } from "../db/client";
import type { DeliveryPointKind, SlotSize } from "../db/schema";
import { STANDARD_SLOT_DIMENSIONS } from "./sizes";

export type SlotSpec = { size: SlotSize; chilled?: boolean; count: number };

export type PointRow = {
  kind: DeliveryPointKind;
  name: string;
  address: string;
  countyId: number | null;
  township: string | null;
  villageId: number | null;
  lat: number;
  lng: number;
  /** Staffed points only; lockers store null. */
  parcelCapacity: number | null;
  openingHours: string;
  holdingDaysFresh: number;
  holdingDaysOther: number;
  courierRouteId: number | null;
  active?: boolean;
};

/** Ambient lockers run out of door letters after Z. */
export const MAX_LOCKER_AMBIENT_SLOTS = 26 * 20;

const pad2 = (n: number) => String(n).padStart(2, "0");

/** The printed code of the n-th (from 1) chilled or ambient slot of a point of this kind. */
export function slotCode(kind: DeliveryPointKind, chilled: boolean, n: number): string {
  if (kind === "locker") return chilled ? `冷${pad2(n)}` : `${String.fromCharCode(65 + Math.floor((n - 1) / 20))}${pad2(((n - 1) % 20) + 1)}`;
  return chilled ? `冷柜-${pad2(n)}` : `${Math.floor((n - 1) / 20) + 1}-${pad2(((n - 1) % 20) + 1)}`;
}

/** The inverse of slotCode, or null for a code written some other way. */
export function slotNumber(kind: DeliveryPointKind, chilled: boolean, code: string): number | null {
  let m: RegExpExecArray | null;
  if (kind === "locker") {
    if (chilled) return (m = /^冷(\d+)$/.exec(code)) ? Number(m[1]) : null;
    return (m = /^([A-Z])(\d{2})$/.exec(code)) ? (m[1].charCodeAt(0) - 65) * 20 + Number(m[2]) : null;
  }
  if (chilled) return (m = /^冷柜-(\d+)$/.exec(code)) ? Number(m[1]) : null;
  return (m = /^(\d+)-(\d{2})$/.exec(code)) ? (Number(m[1]) - 1) * 20 + Number(m[2]) : null;
}

/** Inserts the point row; returns its id. */
export function insertDeliveryPoint(db: Db, p: PointRow): number {
  return Number(
    db.$client
      .prepare(
        `insert into delivery_points (kind, name, address, county_id, township, village_id, lat, lng, parcel_capacity, opening_hours,
                                      holding_days_fresh, holding_days_other, courier_route_id, active)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.kind,
        p.name,
        p.address,
        p.countyId,
        p.township,
        p.villageId,
        p.lat,
        p.lng,
        p.kind === "locker" ? null : p.parcelCapacity,
        p.openingHours,
        p.holdingDaysFresh,
        p.holdingDaysOther,
        p.courierRouteId,
        p.active === false ? 0 : 1,
      ).lastInsertRowid,
  );
}

/**
 * Adds standard-size slots to a point of this kind, numbering on from the codes already there
 * (a code taken some other way is skipped). Returns the new slots' codes in order.
 */
export function insertStandardSlots(db: Db, pointId: number, kind: DeliveryPointKind, specs: readonly SlotSpec[]): string[] {
  const sqlite = db.$client;
  const existing = sqlite.prepare(`select code, chilled from storage_slots where delivery_point_id = ?`).all(pointId) as { code: string; chilled: number }[];
  const taken = new Set(existing.map((s) => s.code));
  const next = [0, 0]; // last number used: ambient, chilled
  for (const s of existing) {
    const n = slotNumber(kind, s.chilled === 1, s.code);
    if (n !== null && n > next[s.chilled]) next[s.chilled] = n;
  }
  const insert = sqlite.prepare(
    `insert into storage_slots (delivery_point_id, code, kind, size, chilled, height_mm, width_mm, depth_mm) values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const codes: string[] = [];
  for (const spec of specs) {
    const d = STANDARD_SLOT_DIMENSIONS[spec.size];
    const c = spec.chilled ? 1 : 0;
    for (let k = 0; k < spec.count; k++) {
      let code: string;
      do code = slotCode(kind, c === 1, ++next[c]);
      while (taken.has(code));
      taken.add(code);
      insert.run(pointId, code, kind === "locker" ? "compartment" : "shelf", spec.size, c, d.heightMm, d.widthMm, d.depthMm);
      codes.push(code);
    }
  }
  return codes;
}
